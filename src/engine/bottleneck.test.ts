/** The bottleneck sentence names the diagram box a CPU stage is drawn in, where the two differ. */
import { describe, expect, it } from 'vitest';
import { PRESETS, presetScenario, runScenario, setPath } from './index';

describe('explainBottleneck', () => {
  it('a CPU stage drawn inside another box says which ("doorbell (in encap)"), and that box is on the diagram', () => {
    const seen: string[] = [];
    for (const name of ['ixl-40g-kernel-tx', 'fwd-ixl-x710-ryzen', 'fwd-mlx5-cx4lx-e5v4', 'cxgbe-40g-kernel-tx']) {
      const p = PRESETS.find((x) => x.name === name)!;
      const s = runScenario(setPath(presetScenario(p), 'sim.duration_ms', 1)).summary;
      const m = /(?:: |\()([^:;()]+?)(?: \(in (\w+)\))? \d+% of its busy cycles/.exec(s.bottleneck.text);
      expect(m, s.bottleneck.text).not.toBeNull();
      const box = m![2];
      if (box === undefined) continue;
      seen.push(`${name}: ${m![1]} in ${box}`);
      // the box exists in this run's diagram and counts that CPU stage's cycles
      const st = s.stages.find((x) => x.id === box);
      expect(st, `${name}: ${box}`).toBeDefined();
      expect(st!.cpu_stages.length).toBeGreaterThan(0);
      // and it is the saturated box when a CPU is the verdict
      if (s.bottleneck.kind === 'cpu') expect(s.bottleneck.stage).toBe(box);
    }
    expect(seen.length, 'some preset names a stage drawn inside another box').toBeGreaterThan(0);
  });

  it('a CPU stage with a box of its own name is not said twice', () => {
    // every preset's sentence: the senders' loop is the top stage of kernel transmit's CPUs
    for (const name of PRESETS.map((p) => p.name)) {
      const s = runScenario(setPath(presetScenario(PRESETS.find((p) => p.name === name)!), 'sim.duration_ms', 0.5)).summary;
      expect(s.bottleneck.text, name).not.toMatch(/(\w+) \(in \1\)/);
      expect(s.bottleneck.text, name).not.toMatch(/sender \(in senders\)/);
    }
  });
});
