import { describe, expect, it } from 'vitest';
import { measuredFigureFor } from './measured';
import { PRESETS, presetScenario } from './presets';
import { defaultScenario, setPath } from './scenario';

describe('model vs measured', () => {
  const rows = PRESETS.flatMap((p) => (p.targets ?? []).filter((t) => t.collapseBelow === undefined).map((t) => ({ p, t })));

  it('finds every quantitative calibration row from its scenario, whatever the run length', () => {
    expect(rows.length).toBeGreaterThan(20);
    for (const { p, t } of rows) {
      const s = setPath(setPath(presetScenario(p, t.set), 'sim.duration_ms', 37), 'sim.seed', 99);
      const f = measuredFigureFor(s);
      expect(f, `${p.name} ${JSON.stringify(t.set)}`).not.toBeNull();
      expect(f!.preset).toBe(p.name);
      expect(f!.measured_pps).toBe(t.measured);
      expect(f!.source).toBe(t.source);
    }
  });

  it('says nothing for a scenario that differs from every row in a model knob', () => {
    const { p, t } = rows[0]!;
    const s = presetScenario(p, t.set);
    expect(measuredFigureFor(setPath(s, 'traffic.load', 0.5))).toBeNull();
    expect(measuredFigureFor(defaultScenario())).toBeNull();
  });

  it('tells apart rows of one preset that differ in one setting', () => {
    const p = PRESETS.find((x) => x.name === 'fwd-igb-i210-apu2')!;
    const a = measuredFigureFor(presetScenario(p, {}))!;
    const b = measuredFigureFor(presetScenario(p, { 'iflib.tx_abdicate': true }))!;
    expect(a.measured_pps).toBe(874e3);
    expect(b.measured_pps).toBe(871e3);
  });
});
