import { describe, expect, it } from 'vitest';
import { FIT } from './calibration.generated';
import { PARAMS } from './costs';
import { calibrationEvidence, hostEvidenceText, measuredFigureFor } from './measured';
import { PRESETS, presetScenario } from './presets';
import { defaultScenario, setPath } from './scenario';

const rows = PRESETS.flatMap((p) => (p.targets ?? []).filter((t) => t.collapseBelow === undefined).map((t) => ({ p, t })));

describe('model vs measured', () => {

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

describe('the calibration behind a scenario nobody measured', () => {
  const preset = (name: string) => presetScenario(PRESETS.find((p) => p.name === name)!);

  it("lists the rows on its path (driver, workload, kernel or netmap) with the fit's errors, in the fit's order", () => {
    const e = calibrationEvidence(setPath(preset('fwd-cxgbe-t580-e5v4-2s'), 'queues.rx', 12))!;
    expect(e.path).toEqual({ driver: 'cxgbe', workload: 'forward', netmap: false });
    const fit = FIT.rows.filter((r) => r.name.startsWith('fwd-cxgbe-'));
    expect(e.rows.map((r) => r.row)).toEqual(fit.map((r) => r.name));
    expect(e.rows.map((r) => r.loo_error)).toEqual(fit.map((r) => r.loo_error));
    expect(e.rows.map((r) => r.error)).toEqual(fit.map((r) => r.error));
    expect(e.loo_min).toBe(Math.min(...fit.map((r) => r.loo_error)));
    expect(e.loo_max).toBe(Math.max(...fit.map((r) => r.loo_error)));
    expect(new Set(e.rows.map((r) => r.host_title))).toEqual(new Set(['2× Xeon E5-2650 v4 (Broadwell-EP)', 'Atom C2758 (Rangeley)', '2× Xeon E5-2697A v4 (Broadwell-EP)']));
  });

  it('keeps netmap transmit apart from kernel transmit, and has no row for receive or the ring', () => {
    const k = calibrationEvidence(setPath(preset('ixl-40g-kernel-tx'), 'traffic.load', 0.5))!;
    const n = calibrationEvidence(setPath(preset('ixl-40g-netmap-tx'), 'traffic.load', 0.5))!;
    expect(k.rows.map((r) => r.row)).toEqual(['ixl-40g-kernel-tx']);
    expect(n.rows.map((r) => r.row)).toEqual(['ixl-40g-netmap-tx']);
    const rx = calibrationEvidence(setPath(defaultScenario(), 'traffic.workload', 'receive'))!;
    expect(rx.rows).toEqual([]);
    expect(Number.isNaN(rx.loo_min)).toBe(true);
    expect(calibrationEvidence(setPath(defaultScenario(), 'traffic.workload', 'ring'))).toBeNull();
  });

  it("says what the host's speed per cycle rests on: the Broadwell reference, a fitted factor, or a prior", () => {
    const on = (host: string) => calibrationEvidence(setPath(defaultScenario(), 'host.preset', host))!.host;
    const count = (host: string) => rows.filter(({ p, t }) => presetScenario(p, t.set).host.preset === host).length;
    const bw = on('xeon-e5-2650v4-2s');
    expect(bw).toMatchObject({ microarch: 'broadwell', ipc: null, custom: false, rows: count('xeon-e5-2650v4-2s') });
    expect(hostEvidenceText(bw)).toContain('Broadwell cycles are the model\'s reference');
    const zen = on('ryzen7-8845hs');
    expect(zen.ipc).toEqual({ name: 'ipc.zen4', value: PARAMS['ipc.zen4'], kind: 'prior' });
    expect(hostEvidenceText(zen)).toContain('a prior no row fixes');
    const jag = on('apu2-gx412tc');
    expect(jag.ipc).toEqual({ name: 'ipc.jaguar', value: PARAMS['ipc.jaguar'], kind: 'fitted' });
    expect(jag.rows).toBe(count('apu2-gx412tc'));
    expect(hostEvidenceText(jag)).toBe(`The host's Jaguar cores do ${Number(PARAMS['ipc.jaguar']!.toPrecision(3))}× a Broadwell core's work per cycle (ipc.jaguar), fitted to its ${jag.rows} calibration rows.`);
    const custom = on('custom');
    expect(custom).toMatchObject({ custom: true, rows: 0, ipc: null });
    expect(hostEvidenceText(custom)).toContain("none of calibration.md's machines");
  });

  it('puts every row of the fit on exactly one path', () => {
    const seen = new Map<string, number>();
    for (const r of FIT.rows) {
      const f = rows.find(({ p, t }) => measuredFigureFor(presetScenario(p, t.set))?.row === r.name)!;
      for (const x of calibrationEvidence(presetScenario(f.p, f.t.set))!.rows) if (x.row === r.name) seen.set(r.name, (seen.get(r.name) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(FIT.rows.map((r) => r.name).sort());
    expect([...seen.values()].every((v) => v === 1)).toBe(true);
  });
});
