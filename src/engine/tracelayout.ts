/**
 * A recorded trace laid out by CPU and time, for the Chrome export and the timeline view: per CPU,
 * its slices sorted by start with a nesting depth (a lock wait inside a pass sits one level below
 * it), then split into lanes (one per CPU and depth) whose slices never overlap, so both their
 * starts and their ends are sorted and a time range is found by binary search. Instants per CPU
 * and counter samples per track, sorted by time.
 *
 * A slice that starts inside another on the same CPU but ends after it cannot be drawn nested (nor
 * exported: Perfetto would call it misnested). A CPU runs one thing at a time, so that is a
 * recording mistake; its drawn end is cut at the enclosing slice's end and `clipped` counts it.
 */
import type { TraceData } from './trace';

/** Slices that overlap by less than this (float noise in summed times) only touch. */
const TOUCH_NS = 1e-3;

/** Deepest nesting laid out; deeper slices are drawn at this depth. */
export const MAX_DEPTH = 7;

export interface Lane {
  cpu: number;
  depth: number;
  /** Event indices, by start; their [t0, end] never overlap, so ends are sorted too. */
  ev: Int32Array;
  t0: Float64Array;
  end: Float64Array;
}

export interface TraceLayout {
  ncpu: number;
  /** Lanes of CPU c: lanesByCpu[c][depth]. */
  lanesByCpu: Lane[][];
  /** Nesting depth of each event (0 for instants). */
  depth: Uint8Array;
  /** Drawn end of each slice: t1, or the enclosing slice's end when it overran it. */
  end: Float64Array;
  clipped: number;
  /** Instant event indices per CPU, by time, with their times. */
  instants: { ev: Int32Array; t: Float64Array }[];
  /** Counter sample indices per track, by time. */
  counters: Int32Array[];
  /** The slices, all CPUs, by start (for "next event" keyboard navigation). */
  byStart: Int32Array;
}

function sortIdx(idx: number[], key: (i: number) => number, key2?: (i: number) => number): Int32Array {
  idx.sort((x, y) => key(x) - key(y) || (key2 ? key2(x) - key2(y) : 0) || x - y);
  return Int32Array.from(idx);
}

export function layoutTrace(d: TraceData): TraceLayout {
  const n = d.n;
  let ncpu = d.ncpu;
  for (let i = 0; i < n; i++) if (d.cpu[i]! >= ncpu) ncpu = d.cpu[i]! + 1; // (no Math.max(...): 100k arguments overflow the stack)
  const depth = new Uint8Array(n);
  const end = Float64Array.from(d.t1);
  const perCpu: number[][] = Array.from({ length: ncpu }, () => []);
  const instPerCpu: number[][] = Array.from({ length: ncpu }, () => []);
  const all: number[] = [];
  for (let i = 0; i < n; i++) {
    if (d.instant[i]) instPerCpu[d.cpu[i]!]!.push(i);
    else {
      perCpu[d.cpu[i]!]!.push(i);
      all.push(i);
    }
  }
  let clipped = 0;
  const lanesByCpu: Lane[][] = [];
  for (let c = 0; c < ncpu; c++) {
    // start ascending, then the longer first (an enclosing slice before what it encloses)
    const order = sortIdx(perCpu[c]!, (i) => d.t0[i]!, (i) => d.t1[i]! > d.t0[i]! ? -(d.t1[i]! - d.t0[i]!) : 0);
    const stack: number[] = [];
    const byDepth: number[][] = [];
    for (const i of order) {
      const t0 = d.t0[i]!;
      while (stack.length > 0 && end[stack[stack.length - 1]!]! <= t0 + TOUCH_NS) stack.pop();
      // a slice of zero length at its parent's very start still nests in it
      if (stack.length > 0) {
        const top = stack[stack.length - 1]!;
        if (end[i]! > end[top]!) {
          end[i] = end[top]!;
          clipped++;
        }
      }
      const dep = Math.min(MAX_DEPTH, stack.length);
      depth[i] = dep;
      if (stack.length < MAX_DEPTH) stack.push(i);
      (byDepth[dep] ??= []).push(i);
    }
    const lanes: Lane[] = [];
    for (let k = 0; k < byDepth.length; k++) {
      const ev = Int32Array.from(byDepth[k] ?? []);
      lanes.push({ cpu: c, depth: k, ev, t0: Float64Array.from(ev, (i) => d.t0[i]!), end: Float64Array.from(ev, (i) => end[i]!) });
    }
    lanesByCpu.push(lanes);
  }
  const instants = instPerCpu.map((l) => {
    const ev = sortIdx(l, (i) => d.t0[i]!);
    return { ev, t: Float64Array.from(ev, (i) => d.t0[i]!) };
  });
  const perTrack: number[][] = d.counters.map(() => []);
  for (let i = 0; i < d.cn; i++) perTrack[d.ctrack[i]!]?.push(i);
  const counters = perTrack.map((l) => sortIdx(l, (i) => d.ct[i]!));
  const byStart = sortIdx(all, (i) => d.t0[i]!, (i) => d.cpu[i]!);
  return { ncpu, lanesByCpu, depth, end, clipped, instants, counters, byStart };
}

/** First index in the sorted `a` whose value is >= x (a.length if none). */
export function lowerBound(a: Float64Array, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in the sorted `a` whose value is > x (a.length if none). */
export function upperBound(a: Float64Array, x: number, lo = 0, hi = a.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Positions [from, to) of a lane's slices that overlap [t0, t1] (touching counts). */
export function laneRange(lane: Lane, t0: number, t1: number): [number, number] {
  const from = lowerBound(lane.end, t0);
  return [from, Math.max(from, upperBound(lane.t0, t1, from))];
}
