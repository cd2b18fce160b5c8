import { describe, expect, it } from 'vitest';
import { stateBytes } from './footprint';
import { applyKnob, defaultScenario } from './scenario';
import { Simulation } from './sim';

describe('stateBytes', () => {
  it('counts each reachable buffer once, through objects, arrays, maps and cycles', () => {
    const shared = new Float64Array(100);
    const a: Record<string, unknown> = { x: shared, y: new Uint8Array(shared.buffer, 8, 8), m: new Map([[1, new Int32Array(10)]]), list: [new Uint16Array(5)] };
    a.self = a;
    expect(stateBytes(a)).toBe(800 + 40 + 10);
  });

  it('grows with the rings and flows a scenario asks for, and not while the run advances', () => {
    const small = new Simulation(defaultScenario());
    const big = new Simulation(applyKnob(applyKnob(defaultScenario(), 'traffic.flows', 200_000), 'queues.rx_desc', 4096));
    expect(stateBytes(big)).toBeGreaterThan(stateBytes(small) + 1_000_000);
    const before = stateBytes(small);
    small.advance(50);
    expect(stateBytes(small)).toBe(before);
  });

  it('counts a trace at its largest from the start, and the same while it records', () => {
    const s = applyKnob(applyKnob(defaultScenario(), 'sim.trace', true), 'sim.duration_ms', 3);
    const off = stateBytes(new Simulation(applyKnob(s, 'sim.trace', false)));
    const sim = new Simulation(s);
    const before = stateBytes(sim);
    // 131072 events of 89 bytes, 131072 counter samples of 18, 65536 flows of 16 (and the tap's few arrays)
    const full = 131072 * 89 + 131072 * 18 + 65536 * 16;
    expect(before - off).toBeGreaterThanOrEqual(full);
    expect(before - off).toBeLessThan(full + 65536);
    sim.advance(200);
    expect(sim.trace!.length).toBeGreaterThan(1024); // grown past its first arrays
    expect(stateBytes(sim)).toBe(before);
  });
});
