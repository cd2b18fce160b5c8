/**
 * A recorded trace as a Chrome Trace Event Format file (`{"traceEvents": […]}`), which Perfetto UI
 * and chrome://tracing open: one process (pid 1) for the simulated host, one thread track per CPU
 * (tid = CPU + 1, named and sorted by CPU), `X` slices named by the FreeBSD function
 * (tracenames.ts) with packets, queue and ns by stage in their args, `i` instants (doorbells,
 * mp_ring state changes, CAS retries, netmap wake-ups, LRO flushes), `C` counter tracks (ring
 * occupancy per queue), `s`/`f` flow arrows from the pass that produced packets to the drain that
 * sent them, and `M` metadata. Times are µs of simulated time (the format's unit), rounded to the
 * ns, so every slice keeps its place and nesting; `displayTimeUnit: "ns"` makes the viewers show
 * ns. tracevalidate.ts checks a file against the format's rules.
 */
import { MP_STATES, NM_WAKE_SOURCES, TK, type TraceData } from './trace';
import { layoutTrace, type TraceLayout } from './tracelayout';
import { LRO_REASONS } from './lro';
import { eventName } from './tracenames';

export interface ChromeEvent {
  ph: string;
  name: string;
  pid: number;
  tid?: number;
  ts?: number;
  dur?: number;
  cat?: string;
  s?: 'g' | 'p' | 't';
  id?: number;
  bp?: 'e';
  args?: Record<string, unknown>;
}

export interface ChromeTrace {
  traceEvents: ChromeEvent[];
  displayTimeUnit: 'ns';
  otherData: Record<string, unknown>;
}

export const TRACE_PID = 1;

/** ns → µs at ns resolution: rounding first keeps order and nesting exact. */
const us = (ns: number) => Math.round(ns) / 1000;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

export function cpuTid(cpu: number): number {
  return cpu + 1;
}

export function cpuLabel(d: TraceData, cpu: number): string {
  return d.meta.cpuLabels?.[cpu] ?? `CPU ${cpu}`;
}

/**
 * Where flow k leaves its producer, ns (rounded): when the producer handed its packets over, kept
 * inside the producing slice and the window (a producer that began before the window hands over
 * from the window's start at the earliest).
 */
export function flowStartNs(d: TraceData, L: TraceLayout, k: number): number {
  const from = d.flowFrom[k]!;
  const lo = Math.max(Math.round(d.t0[from]!), Math.ceil(d.fromNs)), hi = Math.max(lo, Math.round(L.end[from]!) - 1);
  const t = Math.round(d.flowT[k]!);
  return t < lo ? lo : t > hi ? hi : t;
}

/** Kind-specific args of event i, as the tooltip and the export show them. */
export function eventArgs(d: TraceData, i: number): Record<string, number | string | boolean> {
  const k = d.kind[i]!, a = d.a[i]!, b = d.b[i]!;
  const out: Record<string, number | string | boolean> = {};
  const netmap = k === TK.NM_TXSYNC || k === TK.NM_SLEEP || k === TK.NM_WAKE;
  if (d.queue[i]! >= 0) out[netmap ? 'thread' : 'queue'] = d.queue[i]!;
  if (!d.instant[i]) out.packets = d.packets[i]!;
  switch (k) {
    case TK.RX_PASS: out.woken_by_interrupt = a === 1; break;
    case TK.DRAIN: out.doorbells = a; out.run_by = b === 1 ? 'TX task (abdicated)' : 'producer'; break;
    case TK.TX_TASK: out.doorbells = a; break;
    case TK.NM_TXSYNC: case TK.NM_SLEEP: out.tx_ring = a; break;
    case TK.LOCK_WAIT: out.line = d.lines[a] ?? `line ${a}`; out.acquisitions = b; break;
    case TK.CAS_RETRY: out.retries = a; break;
    case TK.MP_STATE: out.state = MP_STATES[a] ?? String(a); break;
    case TK.DOORBELL: out.descriptors = a; break;
    case TK.NM_WAKE: out.source = NM_WAKE_SOURCES[a] ?? String(a); break;
    case TK.LRO_FLUSH: out.reason = LRO_REASONS[a] ?? String(a); out.segments = b; break;
    default: break;
  }
  return out;
}

/** ns by stage of slice i (only the stages it spent time in), or null if it carries none. */
export function eventStages(d: TraceData, i: number): Record<string, number> | null {
  if (!d.hasStages[i]) return null;
  const nst = d.stages.length, out: Record<string, number> = {};
  for (let k = 0; k < nst; k++) {
    const v = d.stageNs[i * nst + k]!;
    if (v > 0) out[d.stages[k]!] = round3(v);
  }
  return out;
}

export function chromeTrace(d: TraceData): ChromeTrace {
  const L = layoutTrace(d);
  const pid = TRACE_PID;
  const ev: ChromeEvent[] = [];
  ev.push({ ph: 'M', name: 'process_name', pid, args: { name: `ringlab: ${d.meta.title || 'simulated host'}${d.meta.workload ? ` (${d.meta.workload})` : ''}` } });
  ev.push({ ph: 'M', name: 'process_sort_index', pid, args: { sort_index: 0 } });
  for (let c = 0; c < L.ncpu; c++) {
    ev.push({ ph: 'M', name: 'thread_name', pid, tid: cpuTid(c), args: { name: cpuLabel(d, c) } });
    ev.push({ ph: 'M', name: 'thread_sort_index', pid, tid: cpuTid(c), args: { sort_index: c } });
  }
  const names = new Map<string, ReturnType<typeof eventName>>();
  const nameOf = (i: number) => {
    const key = `${d.kind[i]}:${d.kind[i] === TK.LOCK_WAIT || d.kind[i] === TK.MP_STATE || d.kind[i] === TK.NM_WAKE || d.kind[i] === TK.LRO_FLUSH ? `${d.a[i]}:${d.b[i]}` : ''}`;
    let n = names.get(key);
    if (!n) names.set(key, (n = eventName(d.meta, d.lines, d.kind[i]!, d.a[i]!, d.b[i]!)));
    return n;
  };
  for (let c = 0; c < L.ncpu; c++) {
    // Slices (all depths) and instants of this CPU, in time order: enclosing slices first.
    const items: number[] = [];
    for (const lane of L.lanesByCpu[c]!) for (const i of lane.ev) items.push(i);
    for (const i of L.instants[c]!.ev) items.push(i);
    const t0 = (i: number) => Math.round(d.t0[i]!);
    items.sort((x, y) => t0(x) - t0(y) || (d.instant[x]! - d.instant[y]!) || L.depth[x]! - L.depth[y]! || x - y);
    const tid = cpuTid(c);
    for (const i of items) {
      const nm = nameOf(i);
      const args: Record<string, unknown> = { ...eventArgs(d, i), freebsd: nm.chain };
      if (d.instant[i]) {
        ev.push({ ph: 'i', s: 't', name: nm.name, cat: nm.cat, pid, tid, ts: us(d.t0[i]!), args });
        continue;
      }
      const st = eventStages(d, i);
      if (st) args.stage_ns = st;
      if (L.end[i]! < d.t1[i]!) args.clipped_ns = round3(d.t1[i]! - L.end[i]!);
      ev.push({ ph: 'X', name: nm.name, cat: nm.cat, pid, tid, ts: us(d.t0[i]!), dur: round3(us(L.end[i]!) - us(d.t0[i]!)), args });
    }
  }
  for (let k = 0; k < d.counters.length; k++) {
    const c = d.counters[k]!;
    const name = `${c.name} (${c.unit})`;
    for (const j of L.counters[k]!) ev.push({ ph: 'C', name, cat: 'counter', pid, ts: us(d.ct[j]!), args: { value: d.cv[j]! } });
  }
  // Flow arrows: the start binds inside the producing slice at the moment it handed the packets
  // over, the finish to the slice it enters (bp "e": the enclosing slice) at its start, or at the
  // arrow's start if the drain was already running then.
  for (let k = 0; k < d.fn; k++) {
    const from = d.flowFrom[k]!, to = d.flowTo[k]!;
    if (d.instant[from] || d.instant[to]) continue;
    const sNs = flowStartNs(d, L, k);
    const fNs = Math.max(Math.round(d.t0[to]!), sNs);
    // an arrow back in time, or out of the window, cannot be drawn
    if (fNs > Math.round(L.end[to]!) || fNs > Math.floor(d.toNs) || sNs > Math.round(L.end[from]!)) continue;
    const id = k + 1;
    ev.push({ ph: 's', name: 'packets', cat: 'flow', id, pid, tid: cpuTid(d.cpu[from]!), ts: sNs / 1000, args: { packets: d.packets[from]! } });
    ev.push({ ph: 'f', bp: 'e', name: 'packets', cat: 'flow', id, pid, tid: cpuTid(d.cpu[to]!), ts: fNs / 1000, args: { packets: d.packets[to]! } });
  }
  return {
    traceEvents: ev,
    displayTimeUnit: 'ns',
    otherData: {
      generator: 'ringlab',
      format: d.format,
      window_us: [d.fromNs / 1000, d.toNs / 1000],
      driver: d.meta.driver,
      workload: d.meta.workload,
      tx_path: d.meta.txPath,
      events: d.n,
      overflowed: d.overflowed,
      ...(d.fullAtNs !== null ? { full_at_us: d.fullAtNs / 1000 } : {}),
      ...(L.clipped > 0 ? { clipped_slices: L.clipped } : {}),
    },
  };
}

/** The file: one event per line, so a 100k-event trace stays readable with grep and diff. */
export function chromeTraceJson(d: TraceData): string {
  const t = chromeTrace(d);
  const head = JSON.stringify({ displayTimeUnit: t.displayTimeUnit, otherData: t.otherData });
  return `${head.slice(0, -1)},"traceEvents":[\n${t.traceEvents.map((e) => JSON.stringify(e)).join(',\n')}\n]}\n`;
}
