/** A run's frames as the page keeps them: one typed column per series, filled batch by batch. */
import { FRAMES_PER_RUN, FRAME_SERIES, type FrameBatch } from '../engine';

/**
 * Frames of the current run, column-wise, keyed by series key (`t_ms`, `offered_pps`, …); every
 * column has exactly `count` entries. Which columns exist is up to the engine (see `series`).
 */
export interface FrameColumns {
  count: number;
  columns: Readonly<Record<string, Float64Array>>;
}

export function emptyFrames(): FrameColumns {
  const columns: Record<string, Float64Array> = {};
  for (const s of FRAME_SERIES) columns[s.key] = new Float64Array(0);
  return { count: 0, columns };
}

/** The time column: every batch has it, so it gives the batch length. */
const TIME_KEY = FRAME_SERIES[0].key;

/**
 * Place `batch` at its start index. Repeated frames are ignored; a gap (never sent by the worker)
 * is filled with NaN so indices stay aligned with simulated time; a column missing from a batch is
 * NaN there too. Never grows past FRAMES_PER_RUN.
 */
export function appendFrames(cur: FrameColumns, batch: FrameBatch): FrameColumns {
  const incoming = batch.columns as Readonly<Record<string, Float64Array | undefined>>;
  const n = incoming[TIME_KEY]?.length ?? 0;
  const start = Math.max(0, Math.floor(batch.start));
  const end = Math.min(FRAMES_PER_RUN, start + n);
  if (n === 0 || end <= cur.count) return cur;
  const keep = Math.min(cur.count, start);
  const columns: Record<string, Float64Array> = {};
  for (const key of new Set([...Object.keys(cur.columns), ...Object.keys(incoming)])) {
    const col = new Float64Array(end);
    const old = cur.columns[key];
    if (old) col.set(old.subarray(0, keep));
    else col.fill(NaN, 0, keep);
    col.fill(NaN, keep, start);
    const src = incoming[key];
    if (src && src.length >= end - start) col.set(src.subarray(0, end - start), start);
    else col.fill(NaN, start, end);
    columns[key] = col;
  }
  return { count: end, columns };
}

