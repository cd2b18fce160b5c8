import { describe, expect, it } from 'vitest';
import { SWEEP_OUTPUTS, defaultScenario, type SweepDef } from '../engine';
import type { SweepPoint, SweepRunInfo } from '../state/sweep';
import { compactNumber, csvFileName, isLogSweep, logTicks, sweepCsv, sweepRows, sweepTable, valueText, xTitle } from './sweepData';

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
    expect(t.columns.map((c) => c.label)).toEqual(['Flows (flows)', 'legacy (packets/segment)', 'sorted, "batch" (packets/segment)']);
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

  it('formats axes and values', () => {
    expect(logTicks(1, 10000)).toEqual([1, 10, 100, 1000, 10000]);
    expect(logTicks(3, 50)).toEqual([3, 10, 50]);
    expect(logTicks(0.1, 1.2)).toEqual([0.1, 1]);
    expect(compactNumber(14_880_952)).toBe('14.9M');
    expect(compactNumber(25_000)).toBe('25k');
    expect(compactNumber(0.25)).toBe('0.25');
    expect(compactNumber(2_500_000_000)).toBe('2.5G');
    expect(valueText('nic.model', 'ix-82599')).not.toBe('');
    expect(xTitle('traffic.load')).toMatch(/\(.+\)$/);
  });
});
