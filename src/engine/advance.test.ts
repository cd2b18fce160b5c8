/** Simulation.advance with an event bound: short slices, and the same run however it is sliced. */
import { describe, expect, it } from 'vitest';
import { PRESETS, presetScenario } from './presets';
import { applyKnob, defaultScenario } from './scenario';
import { FRAMES_PER_RUN, Simulation, runScenario } from './sim';

describe('Simulation.advance(maxFrames, maxEvents)', () => {
  it('gives the same frames and summary as one call, in slices of a few events', () => {
    const cases = [
      applyKnob(defaultScenario(), 'sim.duration_ms', 0.5),
      applyKnob(presetScenario(PRESETS.find((p) => p.name === 'lro-many-flows-sorted')!), 'sim.duration_ms', 0.5),
      applyKnob(applyKnob(defaultScenario(), 'traffic.workload', 'ring'), 'sim.duration_ms', 0.5),
    ];
    for (const s of cases) {
      const whole = runScenario(s);
      const sim = new Simulation(s);
      let calls = 0;
      for (let k = 0; !sim.done; k++) {
        sim.advance(FRAMES_PER_RUN, 1 + (k % 7));
        calls++;
      }
      expect(calls).toBeGreaterThan(50);
      const { wall_ms: _a, ...a } = sim.summary(0);
      const { wall_ms: _b, ...b } = whole.summary;
      expect(a).toEqual(b);
      expect(sim.frames.since(0)).toEqual(whole.frames);
    }
  });

  it('stops after maxEvents even inside one long frame', () => {
    const s = applyKnob(applyKnob(applyKnob(defaultScenario(), 'traffic.workload', 'ring'), 'nic.link_gbps', 100), 'sim.duration_ms', 600_000);
    const sim = new Simulation(s);
    sim.advance(1, 10_000);
    // 600 s at 100G: a frame is ~440 M frames of traffic; 10,000 events stay far inside it.
    expect(sim.frames.length).toBe(0);
    expect(sim.simulatedMs).toBeGreaterThan(0);
    expect(sim.simulatedMs).toBeLessThan(s.sim.duration_ms / FRAMES_PER_RUN);
  });
});
