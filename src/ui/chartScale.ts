/**
 * Chart scales and point reduction that do not mislead: round ticks (1, 2 or 5 × 10^k), and
 * points reduced to screen columns that keep each column's min and max (an envelope band) beside
 * its mean, so a series that swings from frame to frame is drawn as a band around its mean
 * instead of a zigzag that beats against the frame rate. Pure and tested (chartScale.test.ts).
 */
import type { FrameColumns } from '../state/store';
import type { Point } from './chartData';

/** The round step (1, 2 or 5 × 10^k) that cuts `span` into at most `maxTicks` intervals. */
export function niceStep(span: number, maxTicks = 5): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, maxTicks);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw * (1 - 1e-9)) return m * p;
  return 10 * p;
}

/** Ticks from `lo` to `hi` at `step`, without float noise (0.30000000000000004 → 0.3). */
function ticksAt(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  for (let i = first; i <= last && out.length < 100; i++) out.push(Number((i * step).toPrecision(12)));
  return out;
}

/**
 * A value axis from 0 (or below, for negative data) up to a round value at or above `max`, with
 * round ticks. An empty or all-zero axis is 0..1. With `headroom`, data within 3 % of the top gets
 * one more step above it.
 */
export function niceAxis(min: number, max: number, maxTicks = 5, headroom = false): { domain: [number, number]; ticks: number[] } {
  const lo = Number.isFinite(min) ? Math.min(0, min) : 0;
  let hi = Number.isFinite(max) ? Math.max(0, max) : 0;
  if (hi - lo <= 0) hi = lo + 1;
  const step = niceStep(hi - lo, maxTicks);
  const a = Math.floor(lo / step + 1e-9) * step;
  let b = Math.ceil(hi / step - 1e-9) * step;
  // `headroom`: data that reaches the top (within 3 %) gets one more step, so a line is not drawn on the frame.
  if (headroom && hi > 0.97 * b) b += step;
  const domain: [number, number] = [Number(a.toPrecision(12)), Number(b.toPrecision(12))];
  return { domain, ticks: ticksAt(domain[0], domain[1], step) };
}

/** Round ticks inside a fixed domain (the time axis: 0 to the run's duration). */
export function niceTicks(lo: number, hi: number, maxTicks = 5): number[] {
  if (!(hi > lo)) return [lo];
  return ticksAt(lo, hi, niceStep(hi - lo, maxTicks));
}

/** Largest and smallest finite value of `keys` over `points` (NaN when there is none). */
export function pointRange(points: readonly Point[], keys: readonly string[]): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (const p of points) {
    for (const k of keys) {
      const v = p[k];
      if (v === undefined || !Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return Number.isFinite(min) ? { min, max } : { min: NaN, max: NaN };
}

/** The widest a column of points may be before it hides detail, and the narrowest before it aliases. */
export const COLUMN_PX = 6;

/** How many points a chart `widthPx` wide draws of `n` frames: one per COLUMN_PX column, at most n. */
export function columnsFor(widthPx: number, n: number): number {
  return Math.max(1, Math.min(n, Math.floor(Math.max(0, widthPx) / COLUMN_PX)));
}

/**
 * Buckets of the same number of frames each (the last may be shorter): at most `columns` of
 * them. Even buckets matter: a series that alternates from frame to frame averages to a flat line
 * over buckets of 2, 4, … frames, where buckets of mixed sizes (1, 2, 1, 2, …) would zigzag.
 */
export function evenBuckets(n: number, columns: number): [number, number][] {
  const k = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(columns))));
  const out: [number, number][] = [];
  for (let a = 0; a < n; a += k) out.push([a, Math.min(n, a + k)]);
  return out;
}

/** Key of a series' band (its min and max over a column) in envelope points. */
export const bandKey = (key: string) => `${key}__band`;

/**
 * Points for `keys`, one per column (`columns` buckets of frames): each key's mean over the
 * column, and under bandKey(key) its [min, max] over the column (what Recharts draws as a range
 * area). NaN frames are skipped; a column with no finite value has NaN and no band.
 */
export function envelopePoints(frames: FrameColumns, keys: readonly string[], columns: number, scale = 1, timeKey = 't_ms'): Point[] {
  const t = frames.columns[timeKey];
  if (!t || frames.count === 0) return [];
  const cols = keys.filter((k) => k !== timeKey && frames.columns[k]).map((k) => ({ key: k, col: frames.columns[k]! }));
  return evenBuckets(frames.count, columns).map(([a, b]) => {
    const p: Record<string, unknown> = { t: t[b - 1]! };
    for (const { key, col } of cols) {
      let sum = 0;
      let n = 0;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = a; i < b; i++) {
        const v = col[i]!;
        if (!Number.isFinite(v)) continue;
        sum += v;
        n++;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      p[key] = n > 0 ? (sum / n) * scale : NaN;
      if (n > 0) p[bandKey(key)] = [lo * scale, hi * scale];
    }
    return p as Point;
  });
}

/** How far a series' band spreads around its line, as a fraction of `axisMax` (the largest column). */
export function bandSpread(points: readonly Point[], key: string, axisMax: number): number {
  if (!(axisMax > 0)) return 0;
  let worst = 0;
  for (const p of points) {
    const b = (p as Record<string, unknown>)[bandKey(key)];
    if (Array.isArray(b)) worst = Math.max(worst, (b[1] as number) - (b[0] as number));
  }
  return worst / axisMax;
}

/** Keys of the per-queue summary's series (queueSummary). */
export const QUEUE_SUMMARY = { band: 'queues__range', median: 'queues__median' } as const;

/**
 * Many queues as one picture: per column (the frames' means per queue), the range over the queues
 * (QUEUE_SUMMARY.band: [min, max]) and their median, plus the lines of `lines` (the busiest few)
 * by key. Values × scale.
 */
export function queueSummary(frames: FrameColumns, queueKeys: readonly string[], lines: readonly string[], columns: number, scale = 1): Point[] {
  const pts = envelopePoints(frames, queueKeys, columns, scale);
  const keep = new Set(lines);
  return pts.map((p) => {
    const vs = queueKeys.map((k) => p[k]!).filter((v) => v !== undefined && Number.isFinite(v)).sort((x, y) => x - y);
    const q: Record<string, unknown> = { t: p.t! };
    for (const k of keep) q[k] = p[k] ?? NaN;
    if (vs.length > 0) {
      const m = vs.length >> 1;
      q[QUEUE_SUMMARY.median] = vs.length % 2 ? vs[m]! : (vs[m - 1]! + vs[m]!) / 2;
      q[QUEUE_SUMMARY.band] = [vs[0]!, vs[vs.length - 1]!];
    } else q[QUEUE_SUMMARY.median] = NaN;
    return q as Point;
  });
}
