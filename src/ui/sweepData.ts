/**
 * Data shaping for the Sweep tab: chart rows (one per point, one column per series), the data
 * table, the CSV export, log-axis ticks. Pure and tested (sweepData.test.ts).
 */
import { KNOB_BY_PATH, SWEEP_OUTPUTS, SWEEP_OUTPUT_BY_KEY, csvTable, type Knob, type KnobValue, type SweepOutput } from '../engine';
import type { SweepPoint, SweepRunInfo } from '../state/sweep';
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

/** The x axis's title: the knob's label and unit, e.g. "Flows (flows)". */
export function xTitle(path: string): string {
  const k = KNOB_BY_PATH.get(path);
  const unit = knobUnit(k);
  return `${k?.label ?? path}${unit ? ` (${unit})` : ''}`;
}

/** Whether a run's x axis is logarithmic: a numeric knob swept with `:log`. */
export function isLogSweep(run: Pick<SweepRunInfo, 'def' | 'path'>): boolean {
  return isNumericKnob(KNOB_BY_PATH.get(run.path)) && draftFromSpec(run.def.spec).scale === 'log';
}

export function seriesKey(i: number): string {
  return `s${i}`;
}

/** A line's name: its series label, or the output's label for a sweep without series. */
export function seriesName(run: Pick<SweepRunInfo, 'labels'>, i: number, o: SweepOutput): string {
  return run.labels[i] || o.label;
}

export type SweepRow = { x: number | string; label: string } & Record<string, number | string | undefined>;

/**
 * One row per swept value; column `s<i>` holds series i's output there (in display units), absent
 * while that run is pending, failed or has no such figure (an LRO figure with LRO off).
 */
export function sweepRows(run: SweepRunInfo, points: readonly (SweepPoint | null)[], y: string): SweepRow[] {
  const o = SWEEP_OUTPUT_BY_KEY.get(y);
  const numeric = isNumericKnob(KNOB_BY_PATH.get(run.path));
  const rows: SweepRow[] = run.values.map((v) => ({ x: numeric ? Number(v) : String(v), label: String(v) }));
  if (!o) return rows;
  const { factor } = displayUnit(o);
  for (const p of points) {
    const v = p?.figures?.[y];
    if (p && v !== undefined && Number.isFinite(v)) rows[p.point]![seriesKey(p.series)] = v * factor;
  }
  return rows;
}

/** Powers of ten from lo to hi (log axes); the ends themselves when fewer than two fit. */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi >= lo)) return [];
  const ticks: number[] = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++) ticks.push(Number((10 ** e).toPrecision(12)));
  return ticks.length >= 2 ? ticks : [...new Set([lo, ...ticks, hi])];
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

/** The chart's data table: one row per swept value, one column per series. */
export function sweepTable(run: SweepRunInfo, points: readonly (SweepPoint | null)[], y: string): TableSpec {
  const o = SWEEP_OUTPUT_BY_KEY.get(y) ?? SWEEP_OUTPUTS[0]!;
  const { unit, factor } = displayUnit(o);
  const cells: Record<string, string>[] = run.values.map((v) => ({ x: valueText(run.path, v) }));
  run.labels.forEach((_, si) => run.values.forEach((_v, pi) => (cells[pi]![seriesKey(si)] = 'pending')));
  for (const p of points) {
    if (!p) continue;
    const f = p.figures?.[o.key];
    cells[p.point]![seriesKey(p.series)] = p.error !== null ? 'failed' : f !== undefined && Number.isFinite(f) ? formatSig(f * factor, 4) : '—';
  }
  return {
    caption: `${o.label}, ${unit}, at each value of ${run.path}`,
    columns: [{ key: 'x', label: xTitle(run.path), num: true }, ...run.labels.map((_, i) => ({ key: seriesKey(i), label: `${seriesName(run, i, o)} (${unit})`, num: true }))],
    rows: cells,
  };
}

/**
 * Every output of every finished run, one row per run in plan order, full precision (the same
 * columns as the CLI's output keys): series, the swept knob, the outputs, bottleneck, error, link.
 * Written by engine/csv.ts, so a label a link brought cannot become a spreadsheet formula.
 */
export function sweepCsv(run: SweepRunInfo, points: readonly (SweepPoint | null)[]): string {
  const header = ['series', run.path, ...SWEEP_OUTPUTS.map((o) => o.key), 'bottleneck', 'error', 'link'];
  const rows = points
    .filter((p): p is SweepPoint => p !== null)
    .map((p) => [run.labels[p.series] ?? '', p.value, ...SWEEP_OUTPUTS.map((o) => p.figures?.[o.key] ?? NaN), p.bottleneck, p.error, p.link]);
  return csvTable(header, rows);
}

/** A file name for the export: `ringlab-sweep-traffic.flows.csv`. */
export function csvFileName(run: Pick<SweepRunInfo, 'path'>): string {
  return `ringlab-sweep-${run.path.replace(/[^A-Za-z0-9_.-]/g, '_')}.csv`;
}
