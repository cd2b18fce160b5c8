import { describe, expect, it } from 'vitest';
import { PRESETS, SWEEP_OUTPUTS, calibrationEvidence, defaultScenario, presetScenario, setPath, type FitSpread, type SweepDef } from '../engine';
import type { SweepPoint, SweepRunInfo } from '../state/sweep';
import { compactNumber, csvFileName, isLogSweep, pointTicks, sweepCalibration, sweepCsv, sweepRows, sweepTable, sweepYRange, valueText, xTitle } from './sweepData';

const def: SweepDef = {
  spec: 'traffic.flows=1..100:log:3',
  series: [
    { label: 'legacy', set: { 'lro.mode': 'legacy' } },
    { label: 'sorted, "batch"', set: { 'lro.mode': 'sorted' } },
  ],
  y: 'lro_ratio',
};

const run: SweepRunInfo = {
  def,
  base: defaultScenario(),
  path: 'traffic.flows',
  values: [1, 10, 100],
  labels: ['legacy', 'sorted, "batch"'],
  runs: [0, 1].flatMap((series) => [1, 10, 100].map((value, point) => ({ series, point, value }))),
};

function figures(ratio: number, pps: number): Record<string, number> {
  const f: Record<string, number> = {};
  for (const o of SWEEP_OUTPUTS) f[o.key] = NaN;
  return { ...f, lro_ratio: ratio, delivered_pps: pps };
}

const pt = (series: number, point: number, f: Record<string, number> | null, error: string | null = null): SweepPoint => ({
  series,
  point,
  value: run.values[point]!,
  figures: f,
  bottleneck: f ? 'rx, "cpu"' : null,
  link: f ? '#v3.x' : null,
  error,
});

// Finished out of order, one failed, the rest pending.
const points: (SweepPoint | null)[] = [pt(0, 0, figures(16, 2e6)), null, pt(0, 2, figures(1.004, 3e6)), null, pt(1, 1, null, 'crashed'), pt(1, 2, figures(1.5, 1.25e6))];

describe('sweep chart data', () => {
  it('puts each finished point at its value, in display units, and leaves the rest out', () => {
    expect(sweepRows(run, points, 'lro_ratio')).toEqual([
      { x: 1, label: '1', s0: 16 },
      { x: 10, label: '10' },
      { x: 100, label: '100', s0: 1.004, s1: 1.5 },
    ]);
    // Packet rates in Mpps; NaN figures (no LRO) are left out.
    expect(sweepRows(run, points, 'delivered_pps')[2]).toEqual({ x: 100, label: '100', s0: 3, s1: 1.25 });
    expect(sweepRows(run, points, 'lro_ratio_ack')[0]).toEqual({ x: 1, label: '1' });
  });

  it('uses category x values for choice knobs', () => {
    const r = { ...run, path: 'lro.mode', values: ['off', 'legacy', 'sorted'], def: { ...def, spec: 'lro.mode=off..sorted' } };
    expect(sweepRows(r, [], 'lro_ratio').map((row) => row.x)).toEqual(['off', 'legacy', 'sorted']);
    expect(isLogSweep(r)).toBe(false);
    expect(isLogSweep(run)).toBe(true);
  });

  it('tabulates every point: value, pending, failed or no figure', () => {
    const t = sweepTable(run, points, 'lro_ratio');
    expect(t.columns.map((c) => c.label)).toEqual(['Flows', 'legacy (packets/segment)', 'sorted, "batch" (packets/segment)']);
    expect(t.rows).toEqual([
      { x: '1', s0: '16.00', s1: 'pending' },
      { x: '10', s0: 'pending', s1: 'failed' },
      { x: '100', s0: '1.004', s1: '1.500' },
    ]);
    expect(sweepTable(run, points, 'lro_ratio_ack').rows[0]).toEqual({ x: '1', s0: '—', s1: 'pending' });
  });

  it('exports every output of every finished run as CSV, quoted where needed', () => {
    const csv = sweepCsv(run, points).trim().split('\n');
    expect(csv[0]).toBe(['series', 'traffic.flows', ...SWEEP_OUTPUTS.map((o) => o.key), 'bottleneck', 'error', 'link'].join(','));
    expect(csv).toHaveLength(5);
    expect(csv[1]!.startsWith('legacy,1,2000000,')).toBe(true);
    expect(csv[1]!.endsWith(',"rx, ""cpu""",,#v3.x')).toBe(true);
    expect(csv[3]).toMatch(/^"sorted, ""batch""",10,,.*,crashed,$/);
    expect(csvFileName(run)).toBe('ringlab-sweep-traffic.flows.csv');
  });

  it('neutralises a label a link brought that a spreadsheet would run as a formula', () => {
    const evil = '=HYPERLINK("http://evil.example","x")';
    const r = { ...run, labels: [evil, '-1+2'] };
    const lines = sweepCsv(r, points).trim().split('\n');
    expect(lines[1]!.startsWith('"\'=HYPERLINK(""http://evil.example"",""x"")",1,')).toBe(true);
    expect(lines[4]!.startsWith("'-1+2,100,")).toBe(true);
    // No field of any row starts with a formula character.
    for (const l of lines.slice(1)) expect(l).not.toMatch(/(^|,)"?[=+@\t]/);
  });

  describe("with the sweep's fit spread (one per planned run, in plan order)", () => {
    const sp = (min: number, median: number, max: number, metric: FitSpread['metric'] = 'delivered_pps'): FitSpread => ({ metric, min, median, max, runs: [] });
    // plan order: series 0 at 1, 10, 100, then series 1; the last one judged by another figure
    const spread = [sp(1.8e6, 2e6, 2.1e6), sp(1e6, 1e6, 1e6), sp(2.5e6, 3e6, 3.5e6), sp(1e6, 1.1e6, 1.2e6), sp(0.5e6, 0.6e6, 0.7e6), sp(1e6, 1.25e6, 1.5e6, 'forwarded_pps')];

    it("bands each point's least and greatest in display units where the spread is of the figure shown", () => {
      const rows = sweepRows(run, points, 'delivered_pps', spread);
      const m = (pps: number) => pps * 1e-6; // Mpps, as the lines
      expect(rows[0]).toEqual({ x: 1, label: '1', s0: m(2e6), b0: [m(1.8e6), m(2.1e6)], b1: [m(1e6), m(1.2e6)] });
      // a band whatever became of the run itself (pending, failed): the spread ran of its own
      expect(rows[1]).toEqual({ x: 10, label: '10', b0: [m(1e6), m(1e6)], b1: [m(0.5e6), m(0.7e6)] });
      expect(rows[2]).toEqual({ x: 100, label: '100', s0: m(3e6), s1: m(1.25e6), b0: [m(2.5e6), m(3.5e6)] });
      // another figure shown: no bands at all
      expect(sweepRows(run, points, 'lro_ratio', spread).some((r) => 'b0' in r || 'b1' in r)).toBe(false);
      // the y axis takes in the bands' ends
      expect(sweepYRange(rows, 2)).toEqual({ min: m(0.5e6), max: m(3.5e6) });
      expect(sweepYRange(sweepRows(run, points, 'delivered_pps'), 2)).toEqual({ min: m(1.25e6), max: m(3e6) });
    });

    it('gives the table a fit-spread column per series, and the CSV the CLI columns', () => {
      const t = sweepTable(run, points, 'delivered_pps', spread);
      expect(t.columns.map((c) => c.key)).toEqual(['x', 's0', 'b0', 's1', 'b1']);
      expect(t.columns[2]!.label).toBe('legacy: fit spread (Mpps)');
      expect(t.rows[0]).toEqual({ x: '1', s0: '2.000', b0: '1.800 – 2.100', s1: 'pending', b1: '1.000 – 1.200' });
      expect(t.rows[2]!.b1).toBe('—');
      expect(sweepTable(run, points, 'lro_ratio', spread).columns).toHaveLength(3);
      const csv = sweepCsv(run, points, spread).trim().split('\n');
      expect(csv[0]!.endsWith(',bottleneck,error,link,fit_metric,fit_min,fit_median,fit_max')).toBe(true);
      // the finished runs in plan order: 0, 2, 4 (failed), 5
      expect(csv[1]!.endsWith(',delivered_pps,1800000,2000000,2100000')).toBe(true);
      expect(csv[3]!.endsWith(',crashed,,delivered_pps,500000,600000,700000')).toBe(true);
      expect(csv[4]!.endsWith(',forwarded_pps,1000000,1250000,1500000')).toBe(true);
      // a point without a spread (a run of it failed): no band, no cell, empty CSV fields
      const holed = spread.map((f, i) => (i === 0 ? null : f));
      expect(sweepRows(run, points, 'delivered_pps', holed)[0]!.b0).toBeUndefined();
      expect(sweepTable(run, points, 'delivered_pps', holed).rows[0]!.b0).toBe('—');
      expect(sweepCsv(run, points, holed).trim().split('\n')[1]!.endsWith(',#v3.x,,,,')).toBe(true);
      // without a spread the CSV is as before
      expect(sweepCsv(run, points)).toBe(sweepCsv(run, points, null));
      expect(sweepCsv(run, points).split('\n')[0]!.endsWith(',link')).toBe(true);
    });
  });

  it("names the calibration behind a sweep's points: one entry per path they run, as the engine gives it", () => {
    const base = presetScenario(PRESETS.find((p) => p.name === 'fwd-cxgbe-t580-e5v4-2s')!);
    const one = sweepCalibration({ base, def: { spec: 'queues.rx=4..12:3', series: [], y: 'forwarded_pps' } });
    expect(one).toEqual([calibrationEvidence(setPath(base, 'queues.rx', 4))]);
    // two workloads: two paths (forwarding, receive), in the order the points first run them; the ring has none
    const two = sweepCalibration({ base, def: { spec: 'traffic.workload=forward..ring', series: [], y: 'forwarded_pps' } });
    expect(two.map((e) => `${e.path.driver} ${e.path.workload} ${e.path.netmap}`)).toEqual(['cxgbe forward false', 'cxgbe receive false', 'cxgbe transmit false']);
    expect(two[1]!.rows).toEqual([]);
    expect(sweepCalibration({ base, def: { spec: 'no.such=1..2', series: [], y: 'forwarded_pps' } })).toEqual([]);
  });

  it('formats axes and values', () => {
    // Ticks sit on the swept values: all of a short sweep, an even pick (both ends kept) of a long one.
    expect(pointTicks([1, 3, 10, 32, 100], true)).toEqual([1, 3, 10, 32, 100]);
    const many = Array.from({ length: 100 }, (_, i) => 0.1 + i * 0.01);
    const t = pointTicks(many, false);
    expect(t.length).toBeLessThanOrEqual(9);
    expect(t[0]).toBe(many[0]);
    expect(t[t.length - 1]).toBe(many[99]);
    for (const x of t) expect(many).toContain(x);
    const logs = Array.from({ length: 50 }, (_, i) => Math.round(10 ** (i / 12.25)));
    for (const x of pointTicks(logs, true)) expect(logs).toContain(x);
    expect(compactNumber(14_880_952)).toBe('14.9M');
    expect(compactNumber(25_000)).toBe('25k');
    expect(compactNumber(0.25)).toBe('0.25');
    expect(compactNumber(2_500_000_000)).toBe('2.5G');
    expect(valueText('nic.model', 'ix-82599')).not.toBe('');
    // Units once: the label's own noun is not repeated; what 0 means is said.
    expect(xTitle('traffic.load')).toBe('Offered load (× line rate)');
    expect(xTitle('traffic.flows')).toBe('Flows');
    expect(xTitle('queues.rx')).toBe('RX queues (0 = driver default)');
    expect(xTitle('traffic.frame_bytes')).toBe('Frame size (bytes)');
  });
});
