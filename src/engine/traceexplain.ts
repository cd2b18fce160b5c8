/**
 * From the summary's bottleneck to the moment of the trace that shows it: the UI links the
 * bottleneck sentence to this window of the timeline.
 *
 * The bottleneck is taken in its structured form `{kind, stage, cpu, queue, text}`; a summary that
 * only has the sentence gets one built from its own numbers (the busiest CPU and the stage that
 * took most of its cycles; the RX queue that dropped most), never from the sentence's words.
 * Then, in the trace:
 * - lock or CAS contention (stage `spin`, or a kind that says lock / cas / contention): the CPU's
 *   longest stretch of lock waits (waits less than 1 µs apart join);
 * - netmap wake-ups (a kind that says netmap / wake): the longest sleep, from a thread going to
 *   sleep to the wake-up that ends it;
 * - a ring that overflows (a kind that says ring / overflow / drop, with a queue): the moment that
 *   queue's ring counter peaks, and the stretch of busy CPU around it;
 * - otherwise (a CPU that is the limit): the CPU's longest stretch of back-to-back work, its
 *   first part if it is long, with the slice that spent most in the bottleneck's stage.
 * A bottleneck with nothing on a CPU to show (line rate, a NIC or generator ceiling, egress TX
 * rings full behind the wire, nothing saturated) has no window.
 */
import { STAGES } from './costs';
import type { Summary } from './sim';
import { TK, type TraceData } from './trace';
import { layoutTrace, type TraceLayout } from './tracelayout';
import { KIND_STAGE } from './tracenames';

export interface BottleneckRef {
  kind: string;
  stage: string | null;
  cpu: number | null;
  queue: number | null;
  text: string;
  /**
   * The CPU stage (costs.ts STAGES) that took most of the bottleneck CPU's cycles: the summary's
   * `stage` names a packet-path stage (the diagram's), which may group several CPU stages.
   */
  cpuStage?: string | null;
}

export interface TraceMoment {
  fromNs: number;
  toNs: number;
  cpu: number;
  /** The event to select (its tooltip explains it), or -1. */
  ev: number;
  /** What the window shows, from the trace's own numbers. */
  why: string;
}

/** Back-to-back: gaps shorter than this do not break a stretch of work. */
const BUSY_GAP_NS = 50;
const LOCK_GAP_NS = 1000;

const fmtUs = (ns: number) => `${(ns / 1e3).toFixed(ns < 10e3 ? 2 : 1)} µs`;

type Structured = { kind?: unknown; stage?: unknown; cpu?: unknown; queue?: unknown; text?: unknown };

/** The summary's structured bottleneck, or one built from the summary's numbers. */
export function bottleneckRef(s: Summary): BottleneckRef | null {
  const raw = (s as unknown as { bottleneck: unknown }).bottleneck;
  if (raw && typeof raw === 'object') {
    const b = raw as Structured;
    const num = (x: unknown) => (typeof x === 'number' && Number.isInteger(x) && x >= 0 ? x : null);
    const cpu = num(b.cpu);
    return { kind: String(b.kind ?? ''), stage: typeof b.stage === 'string' ? b.stage : null, cpu, queue: num(b.queue), text: String(b.text ?? ''), cpuStage: cpu === null ? null : topStage(s, cpu) };
  }
  const text = typeof raw === 'string' ? raw : '';
  if (s.cores.length === 0) return null;
  const dropped = s.queues.filter((q) => q.kind !== 'tx' && q.dropped > 0);
  if (dropped.length > 0) {
    const worst = dropped.reduce((a, q) => (q.dropped > a.dropped ? q : a));
    const cpu = 'cpu' in worst ? worst.cpu : null;
    return { kind: 'ring_overflow', stage: cpu === null ? null : topStage(s, cpu), cpu, queue: worst.id, text };
  }
  const busiest = s.cores.reduce((a, c) => (c.utilization > a.utilization ? c : a));
  return { kind: 'cpu', stage: topStage(s, busiest.cpu), cpu: busiest.cpu, queue: null, text };
}

function topStage(s: Summary, cpu: number): string | null {
  const c = s.cores.find((x) => x.cpu === cpu);
  if (!c) return null;
  let best: string | null = null, v = 0;
  for (const st of STAGES) if (c.cycles_by_stage[st] > v) { v = c.cycles_by_stage[st]; best = st; }
  return best;
}

/** Slices of one CPU, all depths, by start. */
function cpuSlices(L: TraceLayout, cpu: number): number[] {
  const out: number[] = [];
  for (const lane of L.lanesByCpu[cpu] ?? []) for (const i of lane.ev) out.push(i);
  return out;
}

/**
 * Longest run of `items` (by start) whose gaps are below `gap`: [first, last, span], inside the
 * trace's window (a slice that began before it, or ends after it, counts from or up to its edge).
 */
function longestRun(d: TraceData, L: TraceLayout, items: number[], gap: number): { a: number; b: number; from: number; to: number } | null {
  if (items.length === 0) return null;
  const lo = d.fromNs, hi = d.toNs;
  const t0 = (i: number) => (d.t0[i]! > lo ? d.t0[i]! : lo), t1 = (i: number) => (L.end[i]! < hi ? L.end[i]! : hi);
  const sorted = [...items].sort((x, y) => d.t0[x]! - d.t0[y]!);
  let best = { a: sorted[0]!, b: sorted[0]!, from: t0(sorted[0]!), to: t1(sorted[0]!) };
  let cur = { ...best };
  for (const i of sorted.slice(1)) {
    if (t0(i) - cur.to <= gap) {
      if (t1(i) > cur.to) { cur.to = t1(i); cur.b = i; }
    } else cur = { a: i, b: i, from: t0(i), to: t1(i) };
    if (cur.to - cur.from > best.to - best.from) best = { ...cur };
  }
  return best;
}

/** ns slice i spent in `stage` (a CPU stage): its split, or all of it when its kind is drawn in that stage; any stage: its length. */
function stageNsOf(d: TraceData, i: number, stage: string | null): number {
  const k = stage ? d.stages.indexOf(stage) : -1;
  if (k < 0) return L_DUR(d, i);
  if (!d.hasStages[i]) return KIND_STAGE[d.kind[i]!] === stage ? L_DUR(d, i) : 0;
  return d.stageNs[i * d.stages.length + k]!;
}
const L_DUR = (d: TraceData, i: number) => d.t1[i]! - d.t0[i]!;

/** The CPUs to look at: the bottleneck's, else every CPU with events. */
function cpusFor(d: TraceData, L: TraceLayout, cpu: number | null): number[] {
  if (cpu !== null && cpu < L.ncpu) return [cpu];
  return [...Array(L.ncpu).keys()].filter((c) => (L.lanesByCpu[c]?.[0]?.ev.length ?? 0) > 0);
}

/** Pad a window by 10% each side (at least 200 ns), inside the trace. */
function pad(d: TraceData, from: number, to: number): [number, number] {
  const p = Math.max(200, 0.1 * (to - from));
  return [Math.max(d.fromNs, from - p), Math.min(d.toNs, to + p)];
}

export function findBottleneckMoment(ref: BottleneckRef, d: TraceData, L: TraceLayout = layoutTrace(d)): TraceMoment | null {
  const kind = ref.kind.toLowerCase();
  // the wire, a NIC or generator ceiling, full egress TX rings, nothing at all: no CPU moment
  if (/line_rate|ceiling|generator|none|wire|tx_ring/.test(kind)) return null;
  if (d.n === 0) return null;
  const cpus = cpusFor(d, L, ref.cpu);

  if (ref.stage === 'spin' || /lock|cas|contention|spin/.test(kind)) {
    let best: { cpu: number; run: NonNullable<ReturnType<typeof longestRun>> } | null = null;
    for (const c of cpus) {
      const waits = cpuSlices(L, c).filter((i) => d.kind[i] === TK.LOCK_WAIT);
      const run = longestRun(d, L, waits, LOCK_GAP_NS);
      if (run && (!best || run.to - run.from > best.run.to - best.run.from)) best = { cpu: c, run };
    }
    if (best) {
      const [from, to] = pad(d, best.run.from, best.run.to);
      return { fromNs: from, toNs: to, cpu: best.cpu, ev: best.run.a, why: `CPU ${best.cpu}'s longest stretch of lock waits: ${fmtUs(best.run.to - best.run.from)} from ${fmtUs(best.run.from)}` };
    }
  }

  if (/netmap|wake/.test(kind)) {
    let best: { cpu: number; from: number; to: number; ev: number } | null = null;
    for (let c = 0; c < L.ncpu; c++) {
      const inst = L.instants[c]!;
      let sleepAt = -1;
      for (let k = 0; k < inst.ev.length; k++) {
        const i = inst.ev[k]!;
        if (d.kind[i] === TK.NM_SLEEP && sleepAt < 0) sleepAt = i;
        else if (d.kind[i] === TK.NM_WAKE && sleepAt >= 0) {
          if (!best || d.t0[i]! - d.t0[sleepAt]! > best.to - best.from) best = { cpu: c, from: d.t0[sleepAt]!, to: d.t0[i]!, ev: i };
          sleepAt = -1;
        }
      }
      if (sleepAt >= 0 && (!best || d.toNs - d.t0[sleepAt]! > best.to - best.from)) best = { cpu: c, from: d.t0[sleepAt]!, to: d.toNs, ev: sleepAt };
    }
    if (best) {
      const [from, to] = pad(d, best.from, best.to);
      const woken = best.to < d.toNs;
      return { fromNs: from, toNs: to, cpu: best.cpu, ev: best.ev, why: `the longest netmap sleep on CPU ${best.cpu}: ${fmtUs(best.to - best.from)} from ${fmtUs(best.from)}${woken ? ' to its wake-up' : ', not woken before the trace ends'}` };
    }
  }

  if (cpus.length === 0) return null;
  if (/ring|overflow|drop/.test(kind) && ref.queue !== null) {
    const track = d.counters.findIndex((c) => new RegExp(`^(rxq|sender)${ref.queue}\\b`).test(c.name));
    if (track >= 0 && L.counters[track]!.length > 0) {
      const idx = L.counters[track]!;
      let peak = idx[0]!;
      for (const j of idx) if (d.cv[j]! > d.cv[peak]!) peak = j;
      // time spent at the peak: a ring that stays full has no one moment, it is full throughout
      let atPeak = 0;
      for (let k = 0; k < idx.length; k++) if (d.cv[idx[k]!] === d.cv[peak]) atPeak += (k + 1 < idx.length ? d.ct[idx[k + 1]!]! : d.toNs) - d.ct[idx[k]!]!;
      const share = atPeak / Math.max(1, d.toNs - d.fromNs);
      const c0 = d.counters[track]!;
      if (share >= 0.9) {
        const c = ref.cpu ?? cpus[0]!;
        const run = longestRun(d, L, [...(L.lanesByCpu[c]?.[0]?.ev ?? [])], BUSY_GAP_NS);
        const from0 = run?.from ?? d.fromNs, to0 = Math.min(run?.to ?? d.toNs, from0 + Math.max(0.1 * (d.toNs - d.fromNs), 2000));
        const [from, to] = pad(d, from0, to0);
        return { fromNs: from, toNs: to, cpu: c, ev: run?.a ?? -1, why: `${c0.name} full (${d.cv[peak]} ${c0.unit}) for ${(100 * share).toFixed(0)}% of the trace while CPU ${c} works without a break` };
      }
      // a peak carried in from before the window is no moment: prefer the ring reaching it again
      if (d.ct[peak] === d.fromNs) {
        for (let k = 1; k < idx.length; k++) if (d.cv[idx[k]!] === d.cv[peak] && d.cv[idx[k - 1]!]! < d.cv[peak]!) { peak = idx[k]!; break; }
      }
      const t = d.ct[peak]!;
      const c = ref.cpu ?? cpus[0]!;
      // the busy stretch of that CPU around the peak
      const run = longestRun(d, L, cpuSlices(L, c).filter((i) => d.t0[i]! <= t + 10e3 && L.end[i]! >= t - 10e3), BUSY_GAP_NS);
      const [from, to] = pad(d, Math.min(t, run?.from ?? t), Math.max(t, run?.to ?? t));
      const when = t === d.fromNs ? 'already when the trace starts' : `at ${fmtUs(t)}`;
      return { fromNs: from, toNs: to, cpu: c, ev: run?.a ?? -1, why: `${c0.name} at its peak, ${d.cv[peak]} ${c0.unit}, ${when}` };
    }
  }

  // The CPU is the limit: its longest stretch of back-to-back work.
  let best: { cpu: number; run: NonNullable<ReturnType<typeof longestRun>> } | null = null;
  for (const c of cpus) {
    const top = (L.lanesByCpu[c]?.[0]?.ev ?? new Int32Array(0));
    const run = longestRun(d, L, [...top], BUSY_GAP_NS);
    if (run && (!best || run.to - run.from > best.run.to - best.run.from)) best = { cpu: c, run };
  }
  if (!best) return null;
  const span = d.toNs - d.fromNs;
  const from0 = best.run.from, to0 = Math.min(best.run.to, from0 + Math.max(0.1 * span, 2000));
  // the slice there (or around it: a sender's loop) that spent most in the CPU's top stage
  const stage = ref.cpuStage ?? ref.stage;
  let ev = -1, v = -1;
  for (const i of cpuSlices(L, best.cpu)) {
    if (L.end[i]! < from0 || d.t0[i]! > to0) continue;
    const x = stageNsOf(d, i, stage);
    if (x > v) { v = x; ev = i; }
  }
  const [from, to] = pad(d, from0, to0);
  const whole = best.run.to - best.run.from;
  return { fromNs: from, toNs: to, cpu: best.cpu, ev, why: `CPU ${best.cpu} busy without a break for ${fmtUs(whole)} from ${fmtUs(best.run.from)} (${((100 * whole) / span).toFixed(0)}% of the trace)` };
}
