/**
 * How much a result rests on the calibration rows: the same scenario run with each of the fit's
 * leave-one-out constant sets (`calibration.generated.ts`, FIT.rows[i].loo_constants: the
 * free constants refitted without row i). The spread says how far the figure moves when any one
 * measurement is taken away from the fit. It is not an error bar for what the model lacks: a
 * mechanism the model does not have moves every set alike.
 */
import { FIT } from './calibration.generated';
import { defaultParams, type Params } from './costs';
import type { Scenario } from './scenario';
import { runScenario } from './sim';

export type SpreadMetric = 'forwarded_pps' | 'tx_pps' | 'delivered_pps';

export interface FitSpread {
  /** The summary field compared: what the workload completes (forwarded, sent or delivered). */
  metric: SpreadMetric;
  /** Over the leave-one-out sets: least, median and greatest figure. */
  min: number;
  median: number;
  max: number;
  /** One run per calibration row left out, in the fit's row order. */
  runs: { left_out: string; value: number }[];
}

/** The figure a workload is judged by. */
export function spreadMetric(s: Scenario): SpreadMetric {
  const w = s.traffic.workload;
  return w === 'forward' ? 'forwarded_pps' : w === 'transmit' ? 'tx_pps' : 'delivered_pps';
}

/** The cost model's constants with row `i`'s leave-one-out set in place of the fitted ones. */
export function looParams(i: number): Params {
  const row = FIT.rows[i];
  if (!row) throw new RangeError(`no calibration row ${i} (the fit has ${FIT.rows.length})`);
  return { ...defaultParams(), ...row.loo_constants };
}

/** The calibration rows, in the fit's order: run i leaves out FIT.rows[i]. */
export function looRowNames(): string[] {
  return FIT.rows.map((r) => r.name);
}

/** Least, median and greatest of some values. */
function range(values: readonly number[]): { min: number; median: number; max: number } {
  const v = [...values].sort((a, b) => a - b), n = v.length;
  return { min: v[0]!, median: n % 2 ? v[(n - 1) / 2]! : (v[n / 2 - 1]! + v[n / 2]!) / 2, max: v[n - 1]! };
}

/** The runs at the two ends of a spread by `value` (the first of equals): which left-out rows give its least and greatest figure. */
export function spreadEnds<R extends object>(runs: readonly R[], value: (r: R) => number): { lo: R; hi: R } {
  let lo = runs[0]!, hi = runs[0]!;
  for (const r of runs) {
    if (value(r) < value(lo)) lo = r;
    if (value(r) > value(hi)) hi = r;
  }
  return { lo, hi };
}

/** Least, median and greatest of one figure per leave-one-out set (values in looRowNames order). */
export function summarizeSpread(metric: SpreadMetric, values: readonly number[]): FitSpread {
  const names = looRowNames();
  if (values.length !== names.length) throw new RangeError(`${values.length} runs for ${names.length} leave-one-out sets`);
  return { metric, ...range(values), runs: names.map((left_out, i) => ({ left_out, value: values[i]! })) };
}

/** Run `s` once per leave-one-out set (FIT.rows.length runs, deterministic). */
export function fitSpread(s: Scenario): FitSpread {
  const metric = spreadMetric(s);
  return summarizeSpread(metric, FIT.rows.map((_, i) => runScenario(s, { params: looParams(i) }).summary[metric]));
}

/** A comparison (B against A) under each leave-one-out set: does B/A hold whatever row is left out? */
export interface RatioSpread {
  metric: SpreadMetric;
  /** B/A with the fitted constants. */
  ratio: number;
  /** Over the leave-one-out sets: least, median and greatest B/A. */
  min: number;
  median: number;
  max: number;
  runs: { left_out: string; baseline: number; scenario: number; ratio: number }[];
}

/**
 * B/A of one figure per leave-one-out set (both runs under the same set: the constants move A and
 * B together, so the ratio is what a left-out row does to the comparison itself).
 */
export function summarizeRatioSpread(metric: SpreadMetric, fitted: { baseline: number; scenario: number }, a: readonly number[], b: readonly number[]): RatioSpread {
  const names = looRowNames();
  if (a.length !== names.length || b.length !== names.length) throw new RangeError(`${a.length} / ${b.length} runs for ${names.length} leave-one-out sets`);
  const runs = names.map((left_out, i) => ({ left_out, baseline: a[i]!, scenario: b[i]!, ratio: b[i]! / a[i]! }));
  return { metric, ratio: fitted.scenario / fitted.baseline, ...range(runs.map((r) => r.ratio)), runs };
}
