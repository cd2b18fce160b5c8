/**
 * A coarse trace of the current PathModel, read from outside it (sim.ts calls `after` once per
 * event while tracing): until the stage modules record their own events, this derives what each
 * CPU did from the model's public counters, without touching its state.
 *
 * - A CPU's activity ends at its EV_CPU_DONE; its length is the growth of `busyAcc[cpu]` since the
 *   CPU's previous end (the model adds busy time only while a CPU runs, frame syncs included), so
 *   the slice is exact. What ran: the task on that CPU whose `processed` grew (an RX pass, a
 *   sender pass or a netmap txsync, packets = the growth), else the TX queue whose `drained` grew
 *   (a drain), else an empty pass or drain.
 * - Interrupts (EV_IRQ of an RX queue) are instants on the queue's CPU; a pass after one has a=1
 *   (transmit's EV_IRQ is a sender getting work, not an interrupt: not recorded).
 * - Drains: a = doorbells (one per TX_BATCH_SIZE packets), b = 1 with tx_abdicate; a flow arrow
 *   from the pass that ended on the CPU (or, abdicated, on any CPU) the instant the drain began.
 * - Doorbells (drain ends; forwarding rings one per pass), LRO flushes (segments handed up in a
 *   pass, with the reason that grew most), netmap sleeps and wake-ups (with their source).
 * - Counters: each RX ring's occupancy (arrived − dropped − processed) and each TX ring's held
 *   descriptors, sampled after the events that change them.
 * Lock waits, CAS retries, mp_ring states and the stage split of a pass are inside the model's
 * private state: they come with the stage modules' own recording calls.
 */
import { STAGES } from './costs';
import { findHost } from './hardware';
import { LRO_REASONS } from './lro';
import { TX_BATCH_SIZE } from './mpring';
import { EV_ARRIVAL, EV_CPU_DONE, EV_IRQ, EV_NM_WAKE, type PathModel } from './path';
import type { Scenario } from './scenario';
import type { Scheduler } from './scheduler';
import { TK, TRACE_CAPACITY, TraceRecorder, traceWindow, type TraceMeta } from './trace';

/**
 * Probing runs from this long before the window to this long after it: an activity that ends in
 * the window began before it, one that begins in it may end after it (passes last µs, not ms).
 */
const LEAD_NS = 1_000_000;

export const PROBE_NOTE = 'coarse trace derived from the model\'s counters: passes, drains, interrupts, doorbells, LRO flushes, netmap sleeps and ring occupancy; lock waits, CAS retries, mp_ring states and stage splits come with the stage modules';

export function traceMetaFor(s: Scenario, p: PathModel): TraceMeta {
  return {
    driver: p.nic.driver,
    iflib: p.nic.usesIflib,
    workload: p.workload,
    txPath: p.txPath,
    nmTimer: s.netmap.tx_timer,
    title: `${findHost(s.host.preset)?.title ?? s.host.preset}, ${p.nic.title}`,
    cpuLabels: Array.from({ length: p.topo.ncpu }, (_, c) => `CPU ${c} (core ${p.topo.core[c]}, domain ${p.topo.domain[c]})`),
  };
}

/** The recorder a traced path run uses: the scenario's window, the full capacity. */
export function pathRecorder(s: Scenario, p: PathModel): TraceRecorder {
  const w = traceWindow(s);
  return new TraceRecorder({ fromNs: w.fromNs, toNs: w.toNs, capacity: TRACE_CAPACITY, ncpu: p.topo.ncpu, stages: STAGES, meta: traceMetaFor(s, p) });
}

export class PathTraceProbe {
  private readonly busy: Float64Array;
  private readonly lastEnd: Float64Array;
  private readonly processed: Float64Array;
  private readonly arrived: Float64Array;
  private readonly drops: Float64Array;
  private readonly drained: Float64Array;
  private readonly irqSeen: Uint8Array;
  private readonly lastPassT: Float64Array;
  private readonly lastPassEv: Int32Array;
  private readonly rxTrack: Int32Array;
  /** Tasks of each CPU: cpuTasks[cpuTaskAt[c] .. cpuTaskAt[c + 1]). */
  private readonly cpuTasks: Int32Array;
  private readonly cpuTaskAt: Int32Array;
  private readonly txOcc: Float64Array;
  private readonly txTrack: Int32Array;
  private readonly lroSeg: Float64Array;
  private readonly lroReason: Float64Array;
  private stalls = 0;
  private wakeIflib = 0;
  private wakeTimer = 0;
  private active = false;
  /** sim.ts calls `after` only for events in [fromNs, toNs]: outside, tracing costs one compare. */
  readonly fromNs: number;
  readonly toNs: number;
  private readonly passKind: number;
  private readonly abdicate: boolean;

  constructor(private readonly tr: TraceRecorder, private readonly p: PathModel, private readonly clock: Scheduler, s: Scenario) {
    const ncpu = p.topo.ncpu, T = p.ntask, Q = p.txRings.length;
    this.busy = new Float64Array(ncpu);
    this.lastEnd = new Float64Array(ncpu);
    this.processed = new Float64Array(T);
    this.arrived = new Float64Array(T);
    this.drops = new Float64Array(T);
    this.drained = new Float64Array(p.drained.length);
    this.irqSeen = new Uint8Array(T);
    this.lastPassT = new Float64Array(ncpu).fill(-1);
    this.lastPassEv = new Int32Array(ncpu).fill(-1);
    this.lroSeg = new Float64Array(T);
    this.lroReason = new Float64Array(T * LRO_REASONS.length);
    this.cpuTaskAt = new Int32Array(ncpu + 1);
    for (let t = 0; t < T; t++) this.cpuTaskAt[p.taskCpu[t]! + 1]! += 1;
    for (let c = 0; c < ncpu; c++) this.cpuTaskAt[c + 1]! += this.cpuTaskAt[c]!;
    this.cpuTasks = new Int32Array(T);
    const fill = this.cpuTaskAt.slice(0, ncpu);
    for (let t = 0; t < T; t++) this.cpuTasks[fill[p.taskCpu[t]!]!++] = t;
    this.txOcc = new Float64Array(Q).fill(-1);
    const rxName = p.workload === 'transmit' ? 'sender' : 'rxq';
    this.rxTrack = Int32Array.from({ length: T }, (_, t) => tr.declareCounter(`${rxName}${t} ${p.workload === 'transmit' ? 'backlog' : 'RX ring'}`, p.workload === 'transmit' ? 'packets' : 'descriptors'));
    this.txTrack = Int32Array.from({ length: Q }, (_, q) => tr.declareCounter(`txq${q} TX ring`, 'descriptors'));
    this.fromNs = Math.max(0, tr.fromNs - LEAD_NS);
    this.toNs = tr.toNs + LEAD_NS;
    this.passKind = p.workload !== 'transmit' ? TK.RX_PASS : p.txPath === 'netmap' ? TK.NM_TXSYNC : TK.SENDER_PASS;
    this.abdicate = p.txPath === 'mp_ring' && s.iflib.tx_abdicate;
  }

  /** Snapshot the counters when probing starts, so deltas count only what happens from then on. */
  private activate(): void {
    const p = this.p;
    this.active = true;
    // busy time the model has counted so far: an activity's length is what it adds from here
    this.busy.set(p.busyAcc);
    this.processed.set(p.processed);
    this.arrived.set(p.arrived);
    this.drops.set(p.ringDrops);
    this.drained.set(p.drained);
    this.stalls = p.netmapStats.stalls;
    this.wakeIflib = p.netmapStats.wakeups.iflib_timer;
    this.wakeTimer = p.netmapStats.wakeups.timer;
    for (let t = 0; t < p.lros.length; t++) {
      this.lroSeg[t] = p.lros[t]!.segmentsOut;
      for (let k = 0; k < LRO_REASONS.length; k++) this.lroReason[t * LRO_REASONS.length + k] = p.lros[t]!.reasons[k]!;
    }
  }

  /** After the model handled an event of `kind` (argument `arg`) at the clock's time. */
  after(kind: number, arg: number): void {
    const now = this.clock.now;
    const p = this.p, tr = this.tr;
    if (!this.active) {
      this.activate();
      if (kind === EV_CPU_DONE) this.lastEnd[arg] = now;
      return;
    }
    if (kind === EV_CPU_DONE) {
      const b = p.busyAcc[arg]!, d = b - this.busy[arg]!;
      this.busy[arg] = b;
      // now − d can round below the previous end (sums of doubles): a CPU starts after it ends.
      const t0 = Math.max(now - d, this.lastEnd[arg]!);
      this.lastEnd[arg] = now;
      this.ended(arg, t0, now);
    }
    if (now > tr.toNs) return;
    if (kind === EV_IRQ) {
      // transmit: EV_IRQ is the sender thread getting work, not a NIC interrupt
      this.irqSeen[arg] = this.passKind === TK.RX_PASS ? 1 : 0;
      if (this.passKind === TK.RX_PASS) tr.instant(TK.IRQ, p.taskCpu[arg]!, now, arg, 0, 0);
    } else if (kind === EV_NM_WAKE) {
      // a stale timer (the thread is not asleep) wakes nobody: neither count moves
      const w = p.netmapStats.wakeups.iflib_timer, wt = p.netmapStats.wakeups.timer;
      if (w > this.wakeIflib || wt > this.wakeTimer) tr.instant(TK.NM_WAKE, p.taskCpu[arg]!, now, arg, w > this.wakeIflib ? 1 : 0, 0);
      this.wakeIflib = w;
      this.wakeTimer = wt;
    } else if (kind === EV_ARRIVAL) {
      for (let t = 0; t < p.ntask; t++) this.sampleRx(t, now);
    }
    const st = p.netmapStats.stalls;
    if (st > this.stalls) {
      const cpu = kind === EV_CPU_DONE ? arg : kind === EV_NM_WAKE ? p.taskCpu[arg]! : 0;
      tr.instant(TK.NM_SLEEP, cpu, now, -1, st - this.stalls, 0);
      this.stalls = st;
    }
  }

  private sampleRx(t: number, now: number): void {
    const p = this.p;
    const a = p.arrived[t]!, dr = p.ringDrops[t]!;
    if (a === this.arrived[t] && dr === this.drops[t]) return;
    this.arrived[t] = a;
    this.drops[t] = dr;
    this.tr.counter(this.rxTrack[t]!, now, a - dr - p.processed[t]!);
  }

  /** An activity on `cpu` over [t0, t1] just ended: find what it was and record it. */
  private ended(cpu: number, t0: number, t1: number): void {
    const p = this.p, tr = this.tr;
    for (let j = this.cpuTaskAt[cpu]!, e = this.cpuTaskAt[cpu + 1]!; j < e; j++) {
      const t = this.cpuTasks[j]!;
      const n = p.processed[t]! - this.processed[t]!;
      if (n === 0) continue;
      this.processed[t] = p.processed[t]!;
      const ev = tr.slice(this.passKind, cpu, t0, t1, t, n, this.irqSeen[t]!, 0);
      this.irqSeen[t] = 0;
      this.lastPassT[cpu] = t1;
      this.lastPassEv[cpu] = ev;
      tr.counter(this.rxTrack[t]!, t1, p.arrived[t]! - p.ringDrops[t]! - p.processed[t]!);
      if (p.workload === 'forward') tr.instant(TK.DOORBELL, cpu, t1, -1, n, 0);
      if (p.lros.length > 0) this.lroFlush(cpu, t, t1);
      for (let q = 0; q < p.txRings.length; q++) this.sampleTx(q, t1);
      return;
    }
    for (let q = 0; q < this.drained.length; q++) {
      const n = p.drained[q]! - this.drained[q]!;
      if (n === 0) continue;
      this.drained[q] = p.drained[q]!;
      this.drain(cpu, q, n, t0, t1);
      return;
    }
    // Nothing moved: an empty pass (a task on this CPU) or an empty drain; the model does not say which.
    if (t1 > t0) tr.slice(this.passKind, cpu, t0, t1, -1, 0, 0, 0);
  }

  private drain(cpu: number, q: number, n: number, t0: number, t1: number): void {
    const tr = this.tr;
    const doorbells = n > 0 ? Math.ceil(n / TX_BATCH_SIZE) : 0;
    const ev = tr.slice(TK.DRAIN, cpu, t0, t1, q, n, doorbells, this.abdicate ? 1 : 0);
    // The producer: the pass that ended the instant this drain began, on this CPU first.
    let src = this.lastPassT[cpu] === t0 ? this.lastPassEv[cpu]! : -1;
    for (let c = 0; src < 0 && c < this.lastPassT.length; c++) if (this.lastPassT[c] === t0) src = this.lastPassEv[c]!;
    tr.flow(src, ev);
    if (n > 0) tr.instant(TK.DOORBELL, cpu, t1, q, n, 0);
    this.sampleTx(q, t1);
  }

  private sampleTx(q: number, now: number): void {
    const v = this.p.txRings[q]!.occupancy;
    if (v === this.txOcc[q]) return;
    this.txOcc[q] = v;
    this.tr.counter(this.txTrack[q]!, now, v);
  }

  private lroFlush(cpu: number, t: number, t1: number): void {
    const l = this.p.lros[t]!, R = LRO_REASONS.length;
    const seg = l.segmentsOut - this.lroSeg[t]!;
    let best = 0, bestD = 0;
    for (let k = 0; k < R; k++) {
      const dk = l.reasons[k]! - this.lroReason[t * R + k]!;
      this.lroReason[t * R + k] = l.reasons[k]!;
      if (dk > bestD) { bestD = dk; best = k; }
    }
    this.lroSeg[t] = l.segmentsOut;
    if (seg > 0) this.tr.instant(TK.LRO_FLUSH, cpu, t1, t, best, seg);
  }
}
