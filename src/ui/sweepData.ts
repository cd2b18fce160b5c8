/**
 * Data shaping for the Sweep tab: chart rows (one per point, one column per series), the data
 * table, the CSV export, log-axis ticks. Pure and tested (sweepData.test.ts).
 */
import { KNOB_BY_PATH, SWEEP_OUTPUTS, SWEEP_OUTPUT_BY_KEY, calibrationEvidence, calibrationPathText, csvTable, type CalibrationEvidence, type FitSpread, type Knob, type KnobValue, type SweepOutput } from '../engine';
import { sweepScenarios, type SweepPoint, type SweepRunInfo } from '../state/sweep';
import { draftFromSpec, isNumericKnob } from '../state/sweepDraft';
import type { TableSpec } from './ChartFigure';
import { formatInt, formatSig } from './format';

/** How an output is drawn: packet rates in Mpps (like the other charts), the rest as they are. */
export function displayUnit(o: SweepOutput): { unit: string; factor: number } {
  return o.unit === 'pps' ? { unit: 'Mpps', factor: 1e-6 } : { unit: o.unit, factor: 1 };
}

export function knobUnit(k: Knob | undefined): string {
  return k && 'unit' in k && k.unit ? k.unit : '';
}

/**
 * The x axis's title: the knob's label with its unit once ("Frame size (bytes)", "Flows", not
 * "Flows (flows)"), and what 0 means where it means something ("RX queues (0 = driver default)").
 */
export function xTitle(path: string): string {
  const k = KNOB_BY_PATH.get(path);
  if (!k) return path;
  const unit = knobUnit(k);
  const said = unit !== '' && k.label.toLowerCase().endsWith(unit.toLowerCase());
  const notes = [...(unit && !said ? [unit] : []), ...(k.kind === 'int' && k.zeroMeans ? [`0 = ${k.zeroMeans}`] : [])];
  return `${k.label}${notes.length ? ` (${notes.join('; ')})` : ''}`;
}

/** Whether a run's x axis is logarithmic: a numeric knob swept with `:log`. */
export function isLogSweep(run: Pick<SweepRunInfo, 'def' | 'path'>): boolean {
  return isNumericKnob(KNOB_BY_PATH.get(run.path)) && draftFromSpec(run.def.spec).scale === 'log';
}

export function seriesKey(i: number): string {
  return `s${i}`;
}

/** A series' fit-spread band column: [least, greatest] over the leave-one-out sets. */
export function bandKey(i: number): string {
  return `b${i}`;
}

/**
 * Where a sweep's fit spread (state/spread.ts `sweep`, plan order) gives the figure `y`: each
 * point is judged by its own workload's figure (`metric`), so a band exists only where that is y.
 */
function bandOf(spread: readonly (FitSpread | null)[] | null | undefined, i: number, y: string): FitSpread | null {
  const f = spread?.[i];
  return f && f.metric === y ? f : null;
}

/** A line's name: its series label, or the output's label for a sweep without series. */
export function seriesName(run: Pick<SweepRunInfo, 'labels'>, i: number, o: SweepOutput): string {
  return run.labels[i] || o.label;
}

export type SweepRow = { x: number | string; label: string } & Record<string, number | string | [number, number] | undefined>;

/**
 * One row per swept value; column `s<i>` holds series i's output there (in display units), absent
 * while that run is pending, failed or has no such figure (an LRO figure with LRO off). With a
 * fit spread of the sweep, `b<i>` holds series i's [least, greatest] over the leave-one-out sets
 * where the spread is of `y`.
 */
export function sweepRows(run: SweepRunInfo, points: readonly (SweepPoint | null)[], y: string, spread?: readonly (FitSpread | null)[] | null): SweepRow[] {
  const o = SWEEP_OUTPUT_BY_KEY.get(y);
  const numeric = isNumericKnob(KNOB_BY_PATH.get(run.path));
  const rows: SweepRow[] = run.values.map((v) => ({ x: numeric ? Number(v) : String(v), label: String(v) }));
  if (!o) return rows;
  const { factor } = displayUnit(o);
  for (const p of points) {
    const v = p?.figures?.[y];
    if (p && v !== undefined && Number.isFinite(v)) rows[p.point]![seriesKey(p.series)] = v * factor;
  }
  run.runs.forEach((r, i) => {
    const f = bandOf(spread, i, y);
    if (f) rows[r.point]![bandKey(r.series)] = [f.min * factor, f.max * factor];
  });
  return rows;
}

/** The y values a chart of `rows` draws: every series' point and both ends of its band. */
export function sweepYRange(rows: readonly SweepRow[], series: number): { min: number; max: number } {
  let min = Infinity, max = -Infinity;
  const see = (v: unknown) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return;
    if (v < min) min = v;
    if (v > max) max = v;
  };
  for (const r of rows) {
    for (let i = 0; i < series; i++) {
      see(r[seriesKey(i)]);
      const b = r[bandKey(i)];
      if (Array.isArray(b)) b.forEach(see);
    }
  }
  return Number.isFinite(min) ? { min, max } : { min: NaN, max: NaN };
}

/**
 * X ticks on the swept values themselves: all of them when at most `max`, else an even pick that
 * keeps both ends (on a log sweep, evenly in log space, which is how its points are spread).
 */
export function pointTicks(values: readonly number[], log: boolean, max = 9): number[] {
  const xs = [...new Set(values.filter((v) => Number.isFinite(v) && (!log || v > 0)))].sort((a, b) => a - b);
  if (xs.length <= max) return xs;
  const pos = (v: number) => (log ? Math.log10(v) : v);
  const lo = pos(xs[0]!);
  const hi = pos(xs[xs.length - 1]!);
  const picked = new Set<number>();
  for (let i = 0; i < max; i++) {
    const target = lo + ((hi - lo) * i) / (max - 1);
    let best = xs[0]!;
    for (const v of xs) if (Math.abs(pos(v) - target) < Math.abs(pos(best) - target)) best = v;
    picked.add(best);
  }
  return [...picked].sort((a, b) => a - b);
}

/** Axis ticks for big and small numbers alike: 1.2M, 340k, 0.25. */
export function compactNumber(v: number): string {
  if (!Number.isFinite(v)) return '';
  const a = Math.abs(v);
  const cut = (x: number, s: string) => `${Number(x.toPrecision(3))}${s}`;
  if (a >= 1e9) return cut(v / 1e9, 'G');
  if (a >= 1e6) return cut(v / 1e6, 'M');
  if (a >= 1e4) return cut(v / 1e3, 'k');
  return String(Number(v.toPrecision(3)));
}

/** A knob value as the table and tooltip show it (option labels for hosts and NICs). */
export function valueText(path: string, v: KnobValue): string {
  const k = KNOB_BY_PATH.get(path);
  if (k?.kind === 'choice') return k.optionLabels?.[String(v)] ?? String(v);
  if (typeof v !== 'number') return String(v);
  return Number.isInteger(v) && Math.abs(v) >= 10000 ? formatInt(v) : String(v);
}

/**
 * The chart's data table: one row per swept value, one column per series, and with a fit spread
 * of `y` one more per series: its least – greatest over the leave-one-out sets.
 */
export function sweepTable(run: SweepRunInfo, points: readonly (SweepPoint | null)[], y: string, spread?: readonly (FitSpread | null)[] | null): TableSpec {
  const o = SWEEP_OUTPUT_BY_KEY.get(y) ?? SWEEP_OUTPUTS[0]!;
  const { unit, factor } = displayUnit(o);
  const cells: Record<string, string>[] = run.values.map((v) => ({ x: valueText(run.path, v) }));
  run.labels.forEach((_, si) => run.values.forEach((_v, pi) => (cells[pi]![seriesKey(si)] = 'pending')));
  for (const p of points) {
    if (!p) continue;
    const f = p.figures?.[o.key];
    cells[p.point]![seriesKey(p.series)] = p.error !== null ? 'failed' : f !== undefined && Number.isFinite(f) ? formatSig(f * factor, 4) : '—';
  }
  const banded = run.runs.some((_, i) => bandOf(spread, i, o.key) !== null);
  if (banded) {
    run.labels.forEach((_, si) => run.values.forEach((_v, pi) => (cells[pi]![bandKey(si)] = '—')));
    run.runs.forEach((r, i) => {
      const f = bandOf(spread, i, o.key);
      if (f) cells[r.point]![bandKey(r.series)] = `${formatSig(f.min * factor, 4)} – ${formatSig(f.max * factor, 4)}`;
    });
  }
  return {
    caption: `${o.label}, ${unit}, at each value of ${run.path}${banded ? ', and its range over the fit\'s leave-one-out constant sets' : ''}`,
    columns: [
      { key: 'x', label: xTitle(run.path), num: true },
      ...run.labels.flatMap((_, i) => [
        { key: seriesKey(i), label: `${seriesName(run, i, o)} (${unit})`, num: true },
        ...(banded ? [{ key: bandKey(i), label: `${seriesName(run, i, o)}: fit spread (${unit})`, num: true }] : []),
      ]),
    ],
    rows: cells,
  };
}

/**
 * Every output of every finished run, one row per run in plan order, full precision (the same
 * columns as the CLI's output keys): series, the swept knob, the outputs, bottleneck, error, link;
 * with a fit spread of the sweep, the CLI's `--fit-spread` columns too (fit_metric, fit_min,
 * fit_median, fit_max). Written by engine/csv.ts, so a label a link brought cannot become a
 * spreadsheet formula.
 */
export function sweepCsv(run: SweepRunInfo, points: readonly (SweepPoint | null)[], spread?: readonly (FitSpread | null)[] | null): string {
  const fit = spread ? ['fit_metric', 'fit_min', 'fit_median', 'fit_max'] : [];
  const header = ['series', run.path, ...SWEEP_OUTPUTS.map((o) => o.key), 'bottleneck', 'error', 'link', ...fit];
  const rows: unknown[][] = [];
  points.forEach((p, i) => {
    if (p === null) return;
    const f = spread?.[i];
    const extra = spread ? (f ? [f.metric, f.min, f.median, f.max] : ['', NaN, NaN, NaN]) : [];
    rows.push([run.labels[p.series] ?? '', p.value, ...SWEEP_OUTPUTS.map((o) => p.figures?.[o.key] ?? NaN), p.bottleneck, p.error, p.link, ...extra]);
  });
  return csvTable(header, rows);
}

/** A file name for the export: `ringlab-sweep-traffic.flows.csv`. */
export function csvFileName(run: Pick<SweepRunInfo, 'path'>): string {
  return `ringlab-sweep-${run.path.replace(/[^A-Za-z0-9_.-]/g, '_')}.csv`;
}

/**
 * The calibration behind a sweep's points (engine calibrationEvidence): one entry per path its
 * points run (driver, workload, kernel or netmap), in the order they first appear.
 */
export function sweepCalibration(run: Pick<SweepRunInfo, 'base' | 'def'>): CalibrationEvidence[] {
  const out = new Map<string, CalibrationEvidence>();
  for (const s of sweepScenarios(run) ?? []) {
    const e = calibrationEvidence(s);
    if (e && !out.has(calibrationPathText(e.path))) out.set(calibrationPathText(e.path), e);
  }
  return [...out.values()];
}
