import { describe, expect, it } from 'vitest';
import { calibrationRows, rowScenario } from '../calibration/rows';
import { FIT, FITTED } from './calibration.generated';
import { defaultParams } from './costs';
import { fitSpread, looParams, looRowNames, spreadMetric, summarizeRatioSpread, summarizeSpread } from './fitspread';
import { presetScenario, PRESETS } from './presets';
import { runScenario } from './sim';
import { setPath } from './scenario';

describe('the fit spread: one run per leave-one-out set of the fitted constants', () => {
  it('each set replaces exactly the fitted constants, with the values of that row\'s refit', () => {
    const base = defaultParams();
    expect(looRowNames()).toEqual(FIT.rows.map((r) => r.name));
    FIT.rows.forEach((row, i) => {
      const p = looParams(i);
      expect(Object.keys(row.loo_constants).sort()).toEqual(Object.keys(FITTED).sort());
      for (const k of Object.keys(base)) expect(p[k]).toBe(k in FITTED ? row.loo_constants[k] : base[k]);
    });
    expect(() => looParams(FIT.rows.length)).toThrow(RangeError);
  });

  it('a calibration row run with its own leave-one-out set gives the fit\'s leave-one-out prediction', () => {
    const rows = calibrationRows();
    expect(rows.map((r) => r.name)).toEqual(looRowNames());
    rows.forEach((row, i) => {
      const v = runScenario(rowScenario(row, FIT.row_duration_ms), { params: looParams(i) }).summary[row.metric];
      // the stored constants are the refit's rounded to 6 digits: the prediction to a few 1e-4
      expect(v / row.measured - 1, row.name).toBeCloseTo(FIT.rows[i]!.loo_error, 2);
    });
  });

  it('names the workload\'s figure and spans the runs, the fitted figure inside for a calibrated preset', () => {
    expect(summarizeSpread('tx_pps', Array.from({ length: FIT.rows.length }, (_, i) => (i * 7) % 29 + 1))).toMatchObject({ min: 1, max: 29, median: 15 });
    expect(() => summarizeSpread('tx_pps', [1, 2])).toThrow(RangeError);
    const s = setPath(presetScenario(PRESETS.find((p) => p.name === 'fwd-ix-82599-atom')!), 'sim.duration_ms', 2);
    expect(spreadMetric(s)).toBe('forwarded_pps');
    const f = fitSpread(s);
    const fitted = runScenario(s).summary.forwarded_pps;
    expect(f.runs).toHaveLength(FIT.rows.length);
    expect(f.min).toBeLessThan(f.max);
    expect(f.min).toBeLessThanOrEqual(fitted);
    expect(f.max).toBeGreaterThanOrEqual(fitted);
  });

  it('a comparison: B/A per set, its range, and the fitted ratio from the fitted runs', () => {
    const n = FIT.rows.length;
    const a = Array.from({ length: n }, (_, i) => 100 + i), b = a.map((v, i) => v * (i === 3 ? 0.5 : i === 5 ? 2 : 1.25));
    const r = summarizeRatioSpread('forwarded_pps', { baseline: 10, scenario: 12 }, a, b);
    expect(r.ratio).toBe(1.2);
    expect([r.min, r.median, r.max]).toEqual([0.5, 1.25, 2]);
    expect(r.runs[3]).toEqual({ left_out: FIT.rows[3]!.name, baseline: 103, scenario: 51.5, ratio: 0.5 });
    expect(() => summarizeRatioSpread('forwarded_pps', { baseline: 1, scenario: 1 }, a, b.slice(1))).toThrow(RangeError);
  });
});

