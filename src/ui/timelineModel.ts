/**
 * What the timeline draws, as pure functions of the trace, its layout and the view (no DOM):
 * the visible range, rows per CPU, the rectangles of each lane with level-of-detail merging
 * (slices narrower than a pixel that touch are drawn as one, in the colour of the stage that took
 * most of their time), instants and counter steps decimated per pixel, hit testing, axis ticks,
 * keyboard navigation and the tooltip's text. Only visible events are visited: each lane is found
 * by binary search on time (tracelayout.ts), so a 100k-event trace costs what is on screen.
 */
import { KIND_STAGE, STAGES, STAGE_LABELS, cpuLabel, eventArgs, eventName, laneRange, lowerBound, upperBound, type Lane, type TraceData, type TraceLayout } from '../engine';

export interface View {
  t0: number;
  t1: number;
}

/** Narrowest view, ns. */
export const MIN_SPAN_NS = 20;
/** A slice at least this wide (px) is drawn on its own; narrower ones merge with their neighbours. */
export const MIN_SLICE_PX = 1.5;

export function fullView(d: TraceData): View {
  return { t0: d.fromNs, t1: Math.max(d.toNs, d.fromNs + MIN_SPAN_NS) };
}

export function clampView(v: View, b: View): View {
  const maxSpan = b.t1 - b.t0;
  let span = Math.min(maxSpan, Math.max(MIN_SPAN_NS, v.t1 - v.t0));
  if (!Number.isFinite(span)) span = maxSpan;
  let t0 = Number.isFinite(v.t0) ? v.t0 : b.t0;
  if (t0 < b.t0) t0 = b.t0;
  if (t0 + span > b.t1) t0 = b.t1 - span;
  return { t0, t1: t0 + span };
}

/** Zoom by `factor` (< 1 in, > 1 out) keeping the time under `anchor` in place. */
export function zoomView(v: View, factor: number, anchor: number, b: View): View {
  const a = Math.min(v.t1, Math.max(v.t0, anchor));
  return clampView({ t0: a - (a - v.t0) * factor, t1: a + (v.t1 - a) * factor }, b);
}

export function panView(v: View, dt: number, b: View): View {
  return clampView({ t0: v.t0 + dt, t1: v.t1 + dt }, b);
}

/** Per-event data the drawing needs, computed once per trace. */
export interface Prepared {
  /** Stage index (STAGES) an event is coloured by: its largest stage, else its kind's; -1 none. */
  stage: Int8Array;
  /** CPUs with events, in order (rows); the others are hidden. */
  cpus: number[];
  /** Times of each counter track's samples, sorted (binary search). */
  counterT: Float64Array[];
  counterV: Float64Array[];
  counterMax: Float64Array;
}

export function prepare(d: TraceData, L: TraceLayout): Prepared {
  const nst = d.stages.length;
  const stageIdx = d.stages.map((s) => STAGES.indexOf(s as (typeof STAGES)[number]));
  const stage = new Int8Array(d.n);
  for (let i = 0; i < d.n; i++) {
    let best = -1;
    if (d.hasStages[i]) {
      let v = 0;
      for (let k = 0; k < nst; k++) {
        const x = d.stageNs[i * nst + k]!;
        if (x > v) { v = x; best = stageIdx[k]!; }
      }
    }
    if (best < 0) {
      const ks = KIND_STAGE[d.kind[i]!];
      best = ks ? STAGES.indexOf(ks as (typeof STAGES)[number]) : -1;
    }
    stage[i] = best;
  }
  const cpus: number[] = [];
  for (let c = 0; c < L.ncpu; c++) if ((L.lanesByCpu[c]?.length ?? 0) > 0 || (L.instants[c]?.ev.length ?? 0) > 0) cpus.push(c);
  const counterT = L.counters.map((idx) => Float64Array.from(idx, (j) => d.ct[j]!));
  const counterV = L.counters.map((idx) => Float64Array.from(idx, (j) => d.cv[j]!));
  const counterMax = Float64Array.from(counterV, (v) => v.reduce((a, x) => (x > a ? x : a), 0));
  return { stage, cpus, counterT, counterV, counterMax };
}

/**
 * Drawn runs of one lane, reused between frames: x0, x1 in px; ev the event (or -1 for a merge of
 * several), stage its colour, count the events it stands for.
 */
export class DrawBuffer {
  x0 = new Float64Array(256);
  x1 = new Float64Array(256);
  ev = new Int32Array(256);
  stage = new Int8Array(256);
  count = new Int32Array(256);
  length = 0;
  private readonly acc = new Float64Array(STAGES.length + 1);

  reset(): void {
    this.length = 0;
  }

  push(x0: number, x1: number, ev: number, stage: number, count: number): void {
    if (this.length === this.x0.length) this.grow();
    const k = this.length++;
    this.x0[k] = x0;
    this.x1[k] = x1;
    this.ev[k] = ev;
    this.stage[k] = stage;
    this.count[k] = count;
  }

  private grow(): void {
    const n = this.x0.length * 2;
    const g = <T extends Float64Array | Int32Array | Int8Array>(a: T, make: (n: number) => T): T => { const b = make(n); b.set(a); return b; };
    this.x0 = g(this.x0, (k) => new Float64Array(k));
    this.x1 = g(this.x1, (k) => new Float64Array(k));
    this.ev = g(this.ev, (k) => new Int32Array(k));
    this.stage = g(this.stage, (k) => new Int8Array(k));
    this.count = g(this.count, (k) => new Int32Array(k));
  }

  /** Accumulator for a merged run's colour (index STAGES.length: no stage). */
  get stageAcc(): Float64Array {
    return this.acc;
  }
}

/**
 * The runs to draw for `lane` in view `v` on `width` px: slices of at least MIN_SLICE_PX alone,
 * narrower ones merged with the neighbours they touch (within a pixel), coloured by the stage
 * that took most of the merged time. Visits only the lane's slices in view. Returns the events
 * visited.
 */
export function laneDraws(lane: Lane, p: Prepared, v: View, width: number, out: DrawBuffer): number {
  out.reset();
  const [from, to] = laneRange(lane, v.t0, v.t1);
  const scale = width / (v.t1 - v.t0);
  const acc = out.stageAcc;
  const none = STAGES.length;
  let runX0 = 0, runX1 = -Infinity, runN = 0, runEv = -1;
  const flush = () => {
    if (runN === 0) return;
    let best = -1, bv = -1;
    for (let k = 0; k <= none; k++) if (acc[k]! > bv) { bv = acc[k]!; best = k; }
    out.push(runX0, Math.max(runX1, runX0 + 1), runN === 1 ? runEv : -1, best === none ? -1 : best, runN);
    acc.fill(0);
    runN = 0;
  };
  for (let k = from; k < to; k++) {
    const i = lane.ev[k]!;
    const x0 = (lane.t0[k]! - v.t0) * scale, x1 = (lane.end[k]! - v.t0) * scale;
    const st = p.stage[i]!;
    if (x1 - x0 >= MIN_SLICE_PX) {
      flush();
      out.push(x0, x1, i, st, 1);
      continue;
    }
    if (runN > 0 && x0 <= runX1 + 1) {
      if (x1 > runX1) runX1 = x1;
    } else {
      flush();
      runX0 = x0;
      runX1 = x1;
      runEv = i;
    }
    acc[st < 0 ? none : st]! += lane.end[k]! - lane.t0[k]! + 1e-9;
    runN++;
  }
  flush();
  return to - from;
}

/** Instants of a CPU in view: [event, x] with at most one per pixel and kind. */
export function instantDraws(L: TraceLayout, d: TraceData, cpu: number, v: View, width: number): { ev: number; x: number }[] {
  const inst = L.instants[cpu];
  if (!inst) return [];
  const from = lowerBound(inst.t, v.t0), to = upperBound(inst.t, v.t1, from);
  const scale = width / (v.t1 - v.t0);
  const out: { ev: number; x: number }[] = [];
  const lastX = new Map<number, number>();
  for (let k = from; k < to; k++) {
    const i = inst.ev[k]!;
    const x = Math.floor((inst.t[k]! - v.t0) * scale);
    if (lastX.get(d.kind[i]!) === x) continue;
    lastX.set(d.kind[i]!, x);
    out.push({ ev: i, x });
  }
  return out;
}

/** A counter track's step line in view: [x, value] points, at most two per pixel (min and max). */
export function counterDraws(p: Prepared, track: number, v: View, width: number): { x: number; v: number }[] {
  const T = p.counterT[track]!, V = p.counterV[track]!;
  if (T.length === 0) return [];
  const scale = width / (v.t1 - v.t0);
  let from = lowerBound(T, v.t0);
  if (from > 0) from--; // the value in force at the view's start
  const to = upperBound(T, v.t1, from);
  const out: { x: number; v: number }[] = [];
  let px = NaN, lo = 0, hi = 0;
  for (let k = from; k < to; k++) {
    const x = Math.max(0, Math.floor((T[k]! - v.t0) * scale));
    const val = V[k]!;
    if (x === px) {
      if (val < lo) lo = val;
      if (val > hi) hi = val;
      out[out.length - 1] = { x, v: val };
      continue;
    }
    if (out.length > 0 && lo !== hi) out.splice(out.length - 1, 0, { x: px, v: lo === out[out.length - 1]!.v ? hi : lo });
    px = x;
    lo = hi = val;
    out.push({ x, v: val });
  }
  return out;
}

/** A 1-2-5 step of about `px` pixels, ns. */
export function tickStep(v: View, width: number, px = 110): number {
  const raw = ((v.t1 - v.t0) * px) / Math.max(1, width);
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

export function ticks(v: View, width: number): { t: number; x: number; label: string }[] {
  const step = tickStep(v, width);
  const digits = Math.max(0, Math.min(6, 3 - Math.floor(Math.log10(step))));
  const out: { t: number; x: number; label: string }[] = [];
  for (let t = Math.ceil(v.t0 / step) * step; t <= v.t1; t += step) {
    out.push({ t, x: ((t - v.t0) * width) / (v.t1 - v.t0), label: `${(t / 1e3).toFixed(digits)} µs` });
  }
  return out;
}

/** The slice of `lane` under time t, within `tolNs`, nearest first; -1 if none. */
export function sliceAt(lane: Lane, t: number, tolNs: number): number {
  const k = lowerBound(lane.end, t - tolNs);
  let best = -1, bd = Infinity;
  for (let j = k; j < lane.ev.length && lane.t0[j]! <= t + tolNs; j++) {
    const dist = t < lane.t0[j]! ? lane.t0[j]! - t : t > lane.end[j]! ? t - lane.end[j]! : 0;
    if (dist < bd) { bd = dist; best = lane.ev[j]!; }
  }
  return best;
}

/** The nearest instant of a CPU to time t within tolNs, or -1. */
export function instantAt(L: TraceLayout, cpu: number, t: number, tolNs: number): number {
  const inst = L.instants[cpu];
  if (!inst) return -1;
  const k = lowerBound(inst.t, t - tolNs);
  let best = -1, bd = Infinity;
  for (let j = k; j < inst.t.length && inst.t[j]! <= t + tolNs; j++) {
    const dist = Math.abs(inst.t[j]! - t);
    if (dist < bd) { bd = dist; best = inst.ev[j]!; }
  }
  return best;
}

/** The next (dir 1) or previous (-1) top-level slice of `cpu` after event `from` (or the view's start). */
export function stepEvent(d: TraceData, L: TraceLayout, cpu: number, from: number, dir: 1 | -1, v: View): number {
  const lane = L.lanesByCpu[cpu]?.[0];
  if (!lane || lane.ev.length === 0) return -1;
  if (from < 0 || d.cpu[from] !== cpu) {
    const k = lowerBound(lane.end, v.t0);
    return lane.ev[Math.min(k, lane.ev.length - 1)]!;
  }
  const t = d.t0[from]!;
  const k = dir > 0 ? upperBound(lane.t0, t) : lowerBound(lane.t0, t) - 1;
  return k >= 0 && k < lane.ev.length ? lane.ev[k]! : from;
}

/** A trace's stage id by the engine's one name for it (STAGE_LABELS, as the cycles chart, the cost chart and the bottleneck say it). */
const stageLabel = (id: string): string => (Object.hasOwn(STAGE_LABELS, id) ? STAGE_LABELS[id as keyof typeof STAGE_LABELS] : id);

const fmtUs = (ns: number) => `${(ns / 1e3).toFixed(3)} µs`;
const fmtDur = (ns: number) => (ns < 1000 ? `${ns.toFixed(ns < 10 ? 2 : 0)} ns` : `${(ns / 1e3).toFixed(3)} µs`);

/** The tooltip of event i: the FreeBSD function, where and when, and what it carried. */
export function describeEvent(d: TraceData, L: TraceLayout, i: number): { title: string; lines: string[] } {
  const nm = eventName(d.meta, d.lines, d.kind[i]!, d.a[i]!, d.b[i]!);
  const lines: string[] = [];
  const where = cpuLabel(d, d.cpu[i]!);
  if (d.instant[i]) lines.push(`${where} · at ${fmtUs(d.t0[i]!)}`);
  else lines.push(`${where} · ${fmtUs(d.t0[i]!)} → ${fmtUs(L.end[i]!)} (${fmtDur(L.end[i]! - d.t0[i]!)})`);
  const args = eventArgs(d, i);
  const parts = Object.entries(args).map(([k, v]) => `${k.replace(/_/g, ' ')}: ${typeof v === 'boolean' ? (v ? 'yes' : 'no') : v}`);
  if (parts.length) lines.push(parts.join(' · '));
  if (nm.chain) lines.push(nm.chain);
  if (d.hasStages[i]) {
    const nst = d.stages.length;
    const st: string[] = [];
    for (let k = 0; k < nst; k++) {
      const x = d.stageNs[i * nst + k]!;
      if (x > 0) st.push(`${stageLabel(d.stages[k]!)} ${fmtDur(x)}`);
    }
    if (st.length) lines.push(`by stage: ${st.join(', ')}`);
  }
  if (L.end[i]! < d.t1[i]!) lines.push(`drawn cut at its enclosing slice's end (${fmtDur(d.t1[i]! - L.end[i]!)} past it)`);
  return { title: nm.name, lines };
}

/** ns by stage of a slice as [stage index, fraction] in STAGES order (for drawing wide slices split). */
export function stageParts(d: TraceData, i: number): [number, number][] {
  if (!d.hasStages[i]) return [];
  const nst = d.stages.length;
  let total = 0;
  for (let k = 0; k < nst; k++) total += d.stageNs[i * nst + k]!;
  if (!(total > 0)) return [];
  const out: [number, number][] = [];
  for (let k = 0; k < nst; k++) {
    const x = d.stageNs[i * nst + k]!;
    if (x > 0) out.push([STAGES.indexOf(d.stages[k] as (typeof STAGES)[number]), x / total]);
  }
  return out;
}
