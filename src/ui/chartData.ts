/**
 * Data shaping for the charts and the diagram: frame columns → chart points, downsampling, the
 * latest rates, the CPU heat strip and cycles-by-stage rows. Pure functions over what the store
 * holds (frames, series, summary); nothing here knows the model.
 */
import { STAGES, STAGE_LABELS, type SeriesInfo, type Stage, type Summary } from '../engine';
import type { FrameColumns } from '../state/store';

export type Point = Record<string, number>;

/** Charts never draw more points than this per series. */
export const MAX_POINTS = 400;

/**
 * Contiguous buckets of at most `max` points: [start, end) index pairs covering 0..n. Identity
 * (one index per bucket) when n ≤ max.
 */
export function buckets(n: number, max: number): [number, number][] {
  const m = Math.max(1, Math.floor(max));
  const out: [number, number][] = [];
  if (n <= m) {
    for (let i = 0; i < n; i++) out.push([i, i + 1]);
    return out;
  }
  for (let b = 0; b < m; b++) {
    const start = Math.floor((b * n) / m);
    const end = Math.floor(((b + 1) * n) / m);
    if (end > start) out.push([start, end]);
  }
  return out;
}

function meanOf(col: ArrayLike<number>, start: number, end: number): number {
  let sum = 0;
  let k = 0;
  for (let i = start; i < end; i++) {
    const v = col[i]!;
    if (Number.isFinite(v)) {
      sum += v;
      k++;
    }
  }
  return k > 0 ? sum / k : NaN;
}

/**
 * Points `{ t, [key]: value × scale }` from frame columns, bucket-averaged to at most `max`
 * points (NaN frames are skipped in a bucket's mean; a bucket of only NaN stays NaN).
 */
export function framePoints(
  frames: FrameColumns,
  keys: readonly string[],
  opts: { timeKey?: string; scale?: (key: string) => number; max?: number } = {},
): Point[] {
  const timeKey = opts.timeKey ?? 't_ms';
  const t = frames.columns[timeKey];
  if (!t || frames.count === 0) return [];
  const cols = keys
    .filter((k) => k !== timeKey && frames.columns[k])
    .map((k) => ({ key: k, col: frames.columns[k]!, scale: opts.scale ? opts.scale(k) : 1 }));
  const bs = buckets(frames.count, opts.max ?? MAX_POINTS);
  const out: Point[] = new Array<Point>(bs.length);
  bs.forEach(([a, b], i) => {
    // The time of a bucket is its last frame's: the end of the interval the rates are over.
    const p: Point = { t: t[b - 1]! };
    for (const c of cols) p[c.key] = b - a === 1 ? c.col[a]! * c.scale : meanOf(c.col, a, b) * c.scale;
    out[i] = p;
  });
  return out;
}

/** Downsample already-built points to at most `max` (bucket means of every numeric field). */
export function downsample(points: readonly Point[], max = MAX_POINTS): Point[] {
  if (points.length <= max) return points.slice();
  const keys = new Set<string>();
  for (const p of points) for (const k of Object.keys(p)) keys.add(k);
  return buckets(points.length, max).map(([a, b]) => {
    const p: Point = {};
    for (const k of keys) {
      if (k === 't') p.t = points[b - 1]!.t ?? NaN;
      else p[k] = meanOf(points.slice(a, b).map((x) => x[k] ?? NaN), 0, b - a);
    }
    return p;
  });
}

/** Series of one role (per queue, per CPU, drops by location, stages), in the engine's order. */
export function seriesWithRole(series: readonly SeriesInfo[], role: NonNullable<SeriesInfo['role']>): SeriesInfo[] {
  return series.filter((s) => s.role === role);
}

/** Drop-location series that have dropped anything so far (the stacked area draws only those). */
export function activeDropSeries(frames: FrameColumns, series: readonly SeriesInfo[]): SeriesInfo[] {
  return seriesWithRole(series, 'drop_at').filter((s) => anyPositive(frames.columns[s.key], frames.count));
}

function anyPositive(col: Float64Array | undefined, n: number): boolean {
  if (!col) return false;
  for (let i = 0; i < Math.min(n, col.length); i++) if (col[i]! > 0) return true;
  return false;
}

/** The series with the largest mean first (legends and tooltips of many-line charts). */
export function rankByMean(frames: FrameColumns, series: readonly SeriesInfo[]): SeriesInfo[] {
  const mean = (s: SeriesInfo) => {
    const m = meanOf(frames.columns[s.key] ?? [], 0, frames.count);
    return Number.isFinite(m) ? m : -Infinity;
  };
  return series
    .map((s, i) => ({ s, m: mean(s), i }))
    .sort((a, b) => b.m - a.m || a.i - b.i)
    .map((x) => x.s);
}

export interface HeatStrip {
  /** Time at the end of each column, ms. */
  t: number[];
  /** Time at the start of the first column, ms. */
  t0: number;
  rows: { key: string; label: string; values: number[]; mean: number }[];
}

/**
 * The per-CPU utilisation heat strip: one row per CPU series, one column per bucket of frames
 * (at most `maxColumns`), values 0..1 (NaN where no frame).
 */
export function heatStrip(frames: FrameColumns, cpuSeries: readonly SeriesInfo[], maxColumns = 100, timeKey = 't_ms'): HeatStrip {
  const t = frames.columns[timeKey];
  if (!t || frames.count === 0) return { t: [], t0: 0, rows: cpuSeries.map((s) => ({ key: s.key, label: s.label, values: [], mean: NaN })) };
  const bs = buckets(frames.count, maxColumns);
  const first = t[0]!;
  const second = frames.count > 1 ? t[1]! : 2 * first;
  return {
    t: bs.map(([, b]) => t[b - 1]!),
    // Frames are evenly spaced: the first one covers (t0, t[0]].
    t0: Math.max(0, first - (second - first)),
    rows: cpuSeries.map((s) => {
      const col = frames.columns[s.key];
      return {
        key: s.key,
        label: s.label,
        values: bs.map(([a, b]) => (col ? meanOf(col, a, b) : NaN)),
        mean: col ? meanOf(col, 0, frames.count) : NaN,
      };
    }),
  };
}

/** Index 0..levels-1 of a 0..1 value on a quantised colour scale; -1 for no data. */
export function heatLevel(v: number, levels: number): number {
  if (!Number.isFinite(v)) return -1;
  const x = Math.min(1, Math.max(0, v));
  return Math.min(levels - 1, Math.floor(x * levels));
}

export interface CyclesRow {
  cpu: number;
  /** Category label on the x axis. */
  name: string;
  domain: number;
  tasks: string;
  /** Utilisation, 0..1. */
  utilization: number;
  /** Per CPU stage: percent of this CPU's simulated time. */
  [stage: string]: number | string;
}

/**
 * Cycles by stage per CPU as percent of each CPU's time (busy stages + idle = 100 %), and the
 * stages that have any cycles at all (the stacked bars draw only those).
 */
export function cyclesByStage(summary: Summary | null): { rows: CyclesRow[]; stages: { stage: Stage; label: string }[] } {
  if (!summary || summary.cores.length === 0) return { rows: [], stages: [] };
  const used = new Set<Stage>();
  const rows = summary.cores.map((c) => {
    let total = c.cycles_by_stage.idle ?? 0;
    for (const st of STAGES) total += c.cycles_by_stage[st] ?? 0;
    const row: CyclesRow = { cpu: c.cpu, name: String(c.cpu), domain: c.domain, tasks: c.tasks.join(', '), utilization: c.utilization };
    for (const st of STAGES) {
      const v = c.cycles_by_stage[st] ?? 0;
      if (v > 0) used.add(st);
      row[st] = total > 0 ? (v / total) * 100 : 0;
    }
    return row;
  });
  return { rows, stages: STAGES.filter((s) => used.has(s)).map((stage) => ({ stage, label: STAGE_LABELS[stage] })) };
}

// ---------------------------------------------------------------- baseline overlay (compare)

/** Keys of the baseline (A) run's values on a chart's points: `A_delivered_pps`, … */
export const BASELINE_PREFIX = 'A_';

/** The same points with every value key (not `t`) renamed `prefix + key`. */
export function prefixPoints(points: readonly Point[], prefix = BASELINE_PREFIX): Point[] {
  return points.map((p) => {
    const q: Point = { t: p.t ?? NaN };
    for (const k in p) if (k !== 't') q[prefix + k] = p[k]!;
    return q;
  });
}

/**
 * Two point lists sorted by `t`, merged into one sorted list (what a Recharts chart with one data
 * array needs): points at the same time become one point with the keys of both; a time only one
 * list has keeps only its keys (lines drawn with connectNulls bridge the others). Runs with the
 * same duration have the same frame times, so their points pair up one to one.
 */
export function mergeByTime(b: readonly Point[], a: readonly Point[]): Point[] {
  if (a.length === 0) return b as Point[];
  if (b.length === 0) return a as Point[];
  const out: Point[] = [];
  let i = 0;
  let j = 0;
  while (i < b.length && j < a.length) {
    const tb = b[i]!.t!;
    const ta = a[j]!.t!;
    if (Math.abs(tb - ta) <= 1e-9 * Math.max(1, Math.abs(tb))) {
      out.push({ ...b[i]!, ...a[j]!, t: tb });
      i++;
      j++;
    } else if (tb < ta) out.push(b[i++]!);
    else out.push(a[j++]!);
  }
  while (i < b.length) out.push(b[i++]!);
  while (j < a.length) out.push(a[j++]!);
  return out;
}

/** Finite values of one column: how many, and the largest (for a chart's caption and tests). */
export function finiteStats(frames: FrameColumns, key: string): { n: number; max: number; mean: number } {
  const col = frames.columns[key];
  let n = 0;
  let max = -Infinity;
  let sum = 0;
  if (col) {
    for (let i = 0; i < Math.min(frames.count, col.length); i++) {
      const v = col[i]!;
      if (Number.isFinite(v)) {
        n++;
        sum += v;
        if (v > max) max = v;
      }
    }
  }
  return { n, max: n > 0 ? max : NaN, mean: n > 0 ? sum / n : NaN };
}
