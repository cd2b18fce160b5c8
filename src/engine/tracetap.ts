/**
 * The sink behind the packet path's trace sources (issue 15): the stage modules call one method
 * here at the moment something happens, guarded by `tap !== null` (null unless sim.trace), and
 * this turns it into trace events. The models only say what happened; what is recorded, where
 * the window is, how events are named and linked, is decided here. Think ns-3 trace sources and
 * a trace sink connected to them.
 *
 * The sources (file: call):
 * - cpus.ts push / pop: `pushed`, `popped` — one slice per CPU activity, recorded when it ends
 *   (A_RX_PASS → RX_PASS, A_DRAIN → DRAIN, A_TX_TASK → TX_TASK, A_SENDER → SENDER_PASS, A_NETMAP →
 *   NM_TXSYNC; A_TAIL, what a CPU still owes after its last activity, is not one). Per stack slot
 *   the push time, the CPU's stage-ns row and the activity's counters are kept; at pop the slice
 *   gets the counters' growth (packets, doorbells) and the row's growth as its stage split. A
 *   nested activity's ns are in its parent's growth too: a parent's split is of its whole span.
 *   The split counts what the activity charged; the last charge of an activity that ends (the CAS
 *   that lets an mp_ring go) is paid by the CPU's next step, so the split can exceed the span by it.
 * - hostpath.ts EV_IRQ: `irq` (instant on the queue's CPU); EV_EGR_UPDATE: `egressUpdate`;
 *   lineTime: `lineWait` where sharedline.ts reports a wait (LOCK_WAIT slice from the request to
 *   the grant, CAS_RETRY instant at the grant on CAS words).
 * - rxqueue.ts push / consume: `rxRing` (the RX ring's occupancy counter).
 * - txpath/drain.ts, locked.ts, netmap.ts, at each txring.ts doorbell: `doorbell` (instant with the
 *   descriptors it handed to the NIC; the TX ring's occupancy is sampled with it and at the end of
 *   each drain and TX task of the queue).
 * - txpath/mpringpath.ts after each enqueue / consume / check_drainage: `softRing` (MP_STATE
 *   instant on a change of the state word, the ring's occupancy counter, and for an enqueue the
 *   producer of the queue's next drain); bufringpath.ts after drbr_enqueue: the same without a state.
 * - txpath/netmap.ts sleep / wake: `netmapSleep`, `netmapWake` (instants with the wake's source).
 * - rxtask.ts at the end of a receive pass with LRO: `lroFlush` (segments, the main reason).
 *
 * Flow arrows (TX queue q): every activity that enqueued a packet on q since q's last drain ended
 * is a producer of q's next drain (at most FLOW_FAN of them); when that drain ends an arrow goes
 * from each producer's slice to it (a producer still running, as a pass whose packet made it the
 * consumer, gets the arrow when it ends).
 *
 * Window: slices that end before it or start after it are not recorded, nor are instants outside
 * it; counter values before it are kept as each track's value at its start, so counter sources
 * call through until the window ends. Nothing here allocates per event, reads the clock itself
 * or draws a random number: a traced run's results equal the untraced run's.
 */
import { A_DRAIN, A_NETMAP, A_RX_PASS, A_SENDER, A_TX_TASK } from './activity';
import { STAGES } from './costs';
import { NST } from './costmodel';
import { STACK_DEPTH } from './cpus';
import { findHost } from './hardware';
import type { HostPath } from './hostpath';
import { R_BATCH_END, R_IDLE, R_QUEUE_FULL, type Lro } from './lro';
import type { Scenario } from './scenario';
import type { SharedLine } from './sharedline';
import { TK, TRACE_CAPACITY, TRACE_FLOW_CAPACITY, TraceRecorder, grow, traceWindow, type TraceMeta } from './trace';

/** Producers a TX queue keeps for its next drain's arrows. */
export const FLOW_FAN = 8;
/** Recently ended activities whose event index is kept (by serial number), for arrows from them. */
export const TAP_SERIALS = 1 << 12;
const SERIALS = TAP_SERIALS;
const SERIAL_MASK = SERIALS - 1;

/** An activity kind's slice kind (−1: not recorded). */
const SLICE_OF: readonly number[] = [-1, TK.RX_PASS, TK.DRAIN, TK.TX_TASK, TK.SENDER_PASS, TK.NM_TXSYNC, -1];

/** What a shared line is, for its LOCK_WAIT slices (hostpath.newLine). */
export interface LineLabel {
  /** The lock or word, e.g. "txq0 mp_ring state word", "IF_AFDATA_RLOCK". */
  name: string;
  /** Its TX or RX queue, or −1. */
  queue?: number;
  /** A CAS word (mp_ring state, buf_ring head): its waits are CAS retries too. */
  cas?: boolean;
}

export function traceMetaFor(s: Scenario, h: HostPath): TraceMeta {
  return {
    driver: h.nic.driver,
    iflib: h.nic.usesIflib,
    workload: h.workload,
    txPath: h.txKind === 'cxgbe_mp_ring' ? 'mp_ring' : h.txKind === 'mlx5e_xmit' || h.txKind === 'none' ? 'direct' : h.txKind,
    nmTimer: s.netmap.tx_timer,
    title: `${findHost(s.host.preset)?.title ?? s.host.preset}, ${h.nic.title}`,
    cpuLabels: Array.from({ length: h.topo.ncpu }, (_, c) => `CPU ${c} (core ${h.topo.core[c]}, domain ${h.topo.domain[c]})`),
  };
}

/** A traced run's recorder: the scenario's window, the full capacity, the host's CPUs. */
export function hostRecorder(s: Scenario, h: HostPath): TraceRecorder {
  const w = traceWindow(s);
  return new TraceRecorder({ fromNs: w.fromNs, toNs: w.toNs, capacity: TRACE_CAPACITY, ncpu: h.topo.ncpu, stages: STAGES, meta: traceMetaFor(s, h) });
}

/** Build the tap for `h`, connect it to every trace source, return it. */
export function attachTrace(h: HostPath, tr: TraceRecorder): TraceTap {
  const tap = new TraceTap(h, tr);
  h.tap = tap;
  h.cpus.tap = tap;
  if (h.rx) h.rx.tap = tap;
  return tap;
}

export class TraceTap {
  readonly recorder: TraceRecorder;
  readonly fromNs: number;
  readonly toNs: number;
  private readonly time: Float64Array;
  // per activity stack slot (cpu × STACK_DEPTH + depth)
  private readonly live: Uint8Array;
  private readonly t0: Float64Array;
  private readonly serialOf: Int32Array;
  private readonly c0: Float64Array;
  private readonly c1: Float64Array;
  private readonly flag: Uint8Array;
  private readonly stage0: Float64Array;
  /**
   * Arrows waiting for their producer to end: per slot a list (head, tail) of nodes in a pool
   * (node → the drain's event, next node); the pool doubles when full, up to the flow capacity.
   */
  private readonly pendHead: Int32Array;
  private readonly pendTail: Int32Array;
  private poolEv: Int32Array = new Int32Array(256);
  private poolT: Float64Array = new Float64Array(256);
  private poolNext: Int32Array = new Int32Array(256);
  private poolUsed = 0;
  private poolFree = -1;
  private readonly delta = new Float64Array(NST);
  /** Per CPU: the latest end of an activity on it (its owed charges included). */
  private readonly lastEnd: Float64Array;
  /** Per CPU: its stage-ns row when it last went idle. */
  private readonly idleRow: Float64Array;
  // activities by serial number
  private serial = 0;
  private readonly serialTag: Int32Array;
  private readonly serialEv: Int32Array;
  // per TX queue: producers of its next drain, the state word last seen
  private readonly prod: Int32Array;
  private readonly prodSlot: Int32Array;
  private readonly prodT: Float64Array;
  private readonly prodN: Int32Array;
  private readonly mpState: Int8Array;
  // counter tracks
  private readonly rxTrack: number;
  private readonly txTrack: number;
  private readonly softTrack: number;
  // contended lines, by first sight
  private readonly lineId = new Map<SharedLine, number>();
  private lineQueue: Int32Array = new Int32Array(8);
  private lineCas: Uint8Array = new Uint8Array(8);
  private lineRetries: Float64Array = new Float64Array(8);
  // LRO flush reasons seen, per RX queue
  private readonly lroMark: Float64Array;
  private readonly nreasons: number;

  constructor(private readonly h: HostPath, private readonly tr: TraceRecorder) {
    this.recorder = tr;
    tr.reserve(h.cpus.ncpu * STACK_DEPTH);
    this.fromNs = tr.fromNs;
    this.toNs = tr.toNs;
    this.time = h.clock.timeCell;
    const slots = h.cpus.ncpu * STACK_DEPTH;
    this.live = new Uint8Array(slots);
    this.t0 = new Float64Array(slots);
    this.serialOf = new Int32Array(slots);
    this.c0 = new Float64Array(slots);
    this.c1 = new Float64Array(slots);
    this.flag = new Uint8Array(slots);
    this.stage0 = new Float64Array(slots * NST);
    this.pendHead = new Int32Array(slots).fill(-1);
    this.pendTail = new Int32Array(slots).fill(-1);
    this.lastEnd = new Float64Array(h.cpus.ncpu);
    this.idleRow = new Float64Array(h.cpus.ncpu * NST);
    this.serialTag = new Int32Array(SERIALS).fill(-1);
    this.serialEv = new Int32Array(SERIALS);
    const ntx = h.ntx;
    this.prod = new Int32Array(Math.max(1, ntx) * FLOW_FAN);
    this.prodSlot = new Int32Array(Math.max(1, ntx) * FLOW_FAN);
    this.prodT = new Float64Array(Math.max(1, ntx) * FLOW_FAN);
    this.prodN = new Int32Array(ntx);
    this.mpState = new Int8Array(ntx).fill(-1);
    this.rxTrack = tr.counterCount;
    for (let q = 0; q < h.nrx; q++) tr.declareCounter(`rxq${q} RX ring`, 'descriptors');
    this.txTrack = tr.counterCount;
    for (let q = 0; q < h.rings.length; q++) tr.declareCounter(`txq${q} TX ring`, 'descriptors');
    this.softTrack = tr.counterCount;
    const soft = h.txKind === 'mp_ring' || h.txKind === 'cxgbe_mp_ring' ? 'mp_ring' : h.txKind === 'buf_ring' ? 'buf_ring' : null;
    if (soft) for (let q = 0; q < ntx; q++) tr.declareCounter(`txq${q} ${soft}`, 'entries');
    const nrq = h.rxt ? h.rxt.lros.length : 0;
    this.nreasons = nrq > 0 ? h.rxt!.lros[0]!.reasons.length : 0;
    this.lroMark = new Float64Array(nrq * this.nreasons);
  }

  // ---- activities (cpus.ts) --------------------------------------------------------------------

  /**
   * An activity of `kind` on `arg` starts on `cpu` at `now`, in stack slot `slot`. What the CPU
   * still owes for its previous activity (that one's last charges) is paid first, and a step it
   * has in flight ends first: the slice starts after them. On an idle CPU what it owes is its own wake-up (a thread woken: OP.IRQ), which the
   * slice includes, split and all.
   */
  pushed(cpu: number, slot: number, kind: number, arg: number, now: number): void {
    const h = this.h;
    const fromIdle = slot === cpu * STACK_DEPTH && now >= this.lastEnd[cpu]!;
    // Pushed from another CPU's step (a drain handed to a producer in flight, mpringpath.ts): it
    // starts when this CPU's step in flight ends.
    const stepEnd = h.clock.timerAt(cpu);
    const t = fromIdle ? now : Math.max(now + h.cost.owe[cpu]!, stepEnd < Infinity ? stepEnd : 0);
    if (t > this.toNs || this.closed || SLICE_OF[kind]! < 0) {
      this.live[slot] = 0;
      return;
    }
    this.live[slot] = 1;
    this.t0[slot] = t;
    const s = this.serial++ & 0x7fffffff;
    this.serialOf[slot] = s;
    const k = s & SERIAL_MASK;
    this.serialTag[k] = s;
    this.serialEv[k] = -1;
    this.pendHead[slot] = -1;
    this.pendTail[slot] = -1;
    this.flag[slot] = 0;
    if (kind === A_RX_PASS) {
      this.c0[slot] = h.rx!.processed[arg]!;
      this.flag[slot] = h.rx!.woken[arg]!; // queued by its interrupt (the pass pays it)
    } else if (kind === A_DRAIN || kind === A_TX_TASK) {
      const ctr = h.tx ? h.tx.counters[arg]! : null;
      this.c0[slot] = ctr ? ctr.drained : 0;
      this.c1[slot] = ctr ? ctr.doorbells : 0;
      // a drain run by the TX task (abdicated, or a restart) sits on it
      if (kind === A_DRAIN && slot % STACK_DEPTH > 0 && h.cpus.kind[slot - 1] === A_TX_TASK) this.flag[slot] = 1;
    } else if (kind === A_SENDER) this.c0[slot] = h.senders!.sent[arg]!;
    else if (kind === A_NETMAP) this.c0[slot] = h.netmap!.sent[arg]!;
    const row = fromIdle ? this.idleRow : h.cpus.stageNs, s0 = this.stage0, o = cpu * NST, so = slot * NST;
    for (let j = 0; j < NST; j++) s0[so + j] = row[o + j]!;
  }

  /**
   * The activity in stack slot `slot` of `cpu` ends at `now`; its last charges (owed: the CPU
   * pays them in its next step) are its own, so the slice ends after them. Charges lie end to end
   * on the CPU's timeline this way, and a slice's stage split adds up to its length.
   */
  popped(cpu: number, slot: number, now: number): void {
    const h = this.h;
    // the buffer has filled: what is still running goes into its reserve, then nothing more
    if (!this.closed && this.tr.eventsFull) this.close(now);
    if (h.cpus.depth[cpu] === 0 && h.cost.owe[cpu] === 0) {
      // the CPU goes idle: its stage row now, for a wake-up charged before its next activity
      const row = h.cpus.stageNs, idle = this.idleRow, o = cpu * NST;
      for (let j = 0; j < NST; j++) idle[o + j] = row[o + j]!;
      if (now > this.lastEnd[cpu]!) this.lastEnd[cpu] = now;
    }
    if (this.live[slot] === 0) return;
    this.record(cpu, slot, now + h.cost.owe[cpu]!);
  }

  /** Record the activity of `slot` as ending at `t`. */
  private record(cpu: number, slot: number, t: number): void {
    this.live[slot] = 0;
    const h = this.h, tr = this.tr, cpus = h.cpus;
    const kind = cpus.kind[slot]!, arg = cpus.arg[slot]!;
    let ev = -1;
    if (t >= this.fromNs) {
      let packets = 0, a = 0, b = 0, queue = arg;
      if (kind === A_RX_PASS) {
        packets = h.rx!.processed[arg]! - this.c0[slot]!;
        a = this.flag[slot]!;
      } else if (kind === A_DRAIN || kind === A_TX_TASK) {
        const ctr = h.tx ? h.tx.counters[arg]! : null;
        packets = ctr ? ctr.drained - this.c0[slot]! : 0;
        a = ctr ? ctr.doorbells - this.c1[slot]! : 0;
        b = this.flag[slot]!;
      } else if (kind === A_SENDER) packets = h.senders!.sent[arg]! - this.c0[slot]!;
      else if (kind === A_NETMAP) {
        packets = h.netmap!.sent[arg]! - this.c0[slot]!;
        a = arg % Math.max(1, h.rings.length); // its TX ring
        queue = arg;
      }
      ev = tr.slice(SLICE_OF[kind]!, cpu, this.t0[slot]!, t, queue, packets, a, b);
      if (ev >= 0) {
        const d = this.delta, row = cpus.stageNs, o = cpu * NST, s0 = this.stage0, so = slot * NST;
        for (let k = 0; k < NST; k++) d[k] = row[o + k]! - s0[so + k]!;
        tr.stageNs(ev, d, 0);
      }
    }
    if (t > this.lastEnd[cpu]!) this.lastEnd[cpu] = t;
    const s = this.serialOf[slot]!, k = s & SERIAL_MASK;
    if (this.serialTag[k] === s) this.serialEv[k] = ev;
    // arrows to the drains this activity fed that ended before it
    for (let i = this.pendHead[slot]!; i >= 0;) {
      tr.flow(ev, this.poolEv[i]!, this.poolT[i]!);
      const next = this.poolNext[i]!;
      this.poolNext[i] = this.poolFree;
      this.poolFree = i;
      i = next;
    }
    this.pendHead[slot] = -1;
    this.pendTail[slot] = -1;
    if (kind === A_DRAIN) this.drainEnded(arg, ev);
    if (kind === A_DRAIN || kind === A_TX_TASK) this.txRing(arg, t);
  }

  /** An arrow from the activity in `slot` (running) to event `ev`, once the activity ends. */
  private pend(slot: number, ev: number, t: number): void {
    let i = this.poolFree;
    if (i >= 0) this.poolFree = this.poolNext[i]!;
    else {
      if (this.poolUsed === this.poolEv.length) {
        if (this.poolUsed >= TRACE_FLOW_CAPACITY) return; // more arrows than the trace holds
        const n = this.poolUsed * 2;
        this.poolEv = grow(this.poolEv, n, Int32Array);
        this.poolNext = grow(this.poolNext, n, Int32Array);
        this.poolT = grow(this.poolT, n, Float64Array);
      }
      i = this.poolUsed++;
    }
    this.poolEv[i] = ev;
    this.poolT[i] = t;
    this.poolNext[i] = -1;
    const tail = this.pendTail[slot]!;
    if (tail >= 0) this.poolNext[tail] = i;
    else this.pendHead[slot] = i;
    this.pendTail[slot] = i;
  }

  /**
   * A frame boundary at `t`: once past the window, the activities still running (a sender whose
   * loop never yields, a pass around them) are recorded as far as they have got, ending with their
   * CPU's step in flight, and recording stops (also done at the first pop once the buffer is full).
   */
  frame(t: number): void {
    if (!this.closed && t >= this.toNs) this.close(t);
  }

  /**
   * Stop recording at `t` (the window is over, or the buffer has filled): the activities still
   * running are recorded as far as they have got, into the recorder's reserve.
   */
  private close(t: number): void {
    this.closed = true;
    this.tr.useReserve(() => this.cutAll(t));
  }

  private cutAll(t: number): void {
    const cpus = this.h.cpus;
    for (let cpu = 0; cpu < cpus.ncpu; cpu++) {
      const base = cpu * STACK_DEPTH, depth = cpus.depth[cpu]!;
      // as far as it has got: the end of its step in flight (everything it charged is paid by then)
      const stepEnd = this.h.clock.timerAt(cpu);
      let end = stepEnd < Infinity ? stepEnd : t;
      if (this.lastEnd[cpu]! > end) end = this.lastEnd[cpu]!;
      for (let d = 0; d < depth; d++) if (this.live[base + d] === 1 && this.t0[base + d]! > end) end = this.t0[base + d]!;
      // innermost first: a parent's arrows wait for its children
      for (let d = depth - 1; d >= 0; d--) {
        if (this.live[base + d] !== 1) continue;
        this.record(cpu, base + d, end);
        this.cut++;
      }
    }
  }

  /** Activities still running when recording stopped, recorded as ending then. */
  cut = 0;
  /** Recording has stopped (the first frame boundary past the window). */
  private closed = false;

  /** Drain `ev` of TX queue q ended: arrows from its producers (now, or when they end). */
  private drainEnded(q: number, ev: number): void {
    const n = this.prodN[q]!;
    this.prodN[q] = 0;
    if (ev < 0) return;
    for (let j = 0; j < n; j++) {
      const s = this.prod[q * FLOW_FAN + j]!, slot = this.prodSlot[q * FLOW_FAN + j]!, t = this.prodT[q * FLOW_FAN + j]!;
      if (this.live[slot] === 1 && this.serialOf[slot] === s) this.pend(slot, ev, t); // still running
      else {
        const k = s & SERIAL_MASK;
        if (this.serialTag[k] === s && this.serialEv[k]! >= 0) this.tr.flow(this.serialEv[k]!, ev, t);
      }
    }
  }

  // ---- instants and counters -------------------------------------------------------------------

  /** RX queue q's interrupt fires (iflib_fast_intr queues its task on `cpu`). */
  irq(q: number, cpu: number, t: number): void {
    if (t >= this.fromNs && t <= this.toNs) this.tr.instant(TK.IRQ, cpu, t, q, 0, 0);
  }

  /** cxgbe: TX queue q's egress update (CPL_SGE_EGR_UPDATE) arrives; its handler runs on `cpu`. */
  egressUpdate(q: number, cpu: number, t: number): void {
    if (t >= this.fromNs && t <= this.toNs) this.tr.instant(TK.EGR_UPDATE, cpu, t, q, 0, 0);
  }

  /** RX ring q holds `n` descriptors from `t` on. */
  rxRing(q: number, t: number, n: number): void {
    if (t <= this.toNs) this.tr.counter(this.rxTrack + q, t, n);
  }

  private txRing(q: number, t: number): void {
    if (t <= this.toNs && q < this.h.rings.length) this.tr.counter(this.txTrack + q, t, this.h.rings[q]!.occupancy);
  }

  /** A doorbell on TX queue q by `cpu`, now: the NIC learns of `descriptors` new descriptors. */
  doorbell(cpu: number, q: number, descriptors: number): void {
    const t = this.time[0]!;
    if (t > this.toNs) return;
    if (descriptors > 0 && t >= this.fromNs) this.tr.instant(TK.DOORBELL, cpu, t, q, descriptors, 0);
    this.txRing(q, t);
  }

  /**
   * TX queue q's software ring after an operation by `cpu`, now: its consumer state (MP_STATES
   * index; −1: the ring has none), its occupancy, and whether the operation enqueued a packet.
   */
  softRing(cpu: number, q: number, state: number, occupancy: number, enqueued: boolean): void {
    const t = this.time[0]!;
    if (t > this.toNs) return;
    if (enqueued) {
      const slot = this.h.cpus.top(cpu);
      if (slot >= cpu * STACK_DEPTH && this.live[slot] === 1) {
        const s = this.serialOf[slot]!, n = this.prodN[q]!, base = q * FLOW_FAN;
        // the arrow leaves the producer at its last enqueue before the drain (on the CPU's
        // timeline: after what the step charged before it)
        const at = t + this.h.cost.owe[cpu]!;
        if (n > 0 && this.prod[base + n - 1] === s) this.prodT[base + n - 1] = at;
        else if (n < FLOW_FAN) {
          this.prod[base + n] = s;
          this.prodSlot[base + n] = slot;
          this.prodT[base + n] = at;
          this.prodN[q] = n + 1;
        }
      }
    }
    if (this.softTrack + q < this.tr.counterCount) this.tr.counter(this.softTrack + q, t, occupancy);
    if (state >= 0 && state !== this.mpState[q]) {
      this.mpState[q] = state;
      if (t >= this.fromNs) this.tr.instant(TK.MP_STATE, cpu, t, q, state, 0);
    }
  }

  /**
   * `cpu` asked for `line` at `t` and waited `waitNs` for it (n back-to-back acquisitions):
   * a LOCK_WAIT slice, and on a CAS word the failed attempts meanwhile as a CAS_RETRY instant.
   */
  lineWait(line: SharedLine, cpu: number, t: number, waitNs: number, n: number, label: LineLabel | undefined): void {
    let id = this.lineId.get(line);
    if (id === undefined) id = this.declareLine(line, label);
    const retries = line.retries, r = retries - this.lineRetries[id]!;
    this.lineRetries[id] = retries;
    if (t > this.toNs || t + waitNs < this.fromNs) return;
    const q = this.lineQueue[id]!;
    this.tr.slice(TK.LOCK_WAIT, cpu, t, t + waitNs, q, 0, id, n);
    if (this.lineCas[id] === 1 && r > 0) this.tr.instant(TK.CAS_RETRY, cpu, t + waitNs, q, r, 0);
  }

  private declareLine(line: SharedLine, label: LineLabel | undefined): number {
    const id = this.tr.declareLine(label?.name ?? 'a shared cache line');
    this.lineId.set(line, id);
    if (id >= this.lineQueue.length) {
      const n = this.lineQueue.length * 2;
      this.lineQueue = grow(this.lineQueue, n, Int32Array);
      this.lineCas = grow(this.lineCas, n, Uint8Array);
      this.lineRetries = grow(this.lineRetries, n, Float64Array);
    }
    this.lineQueue[id] = label?.queue ?? -1;
    this.lineCas[id] = label?.cas ? 1 : 0;
    // lineRetries[id] is 0: retries grow only on waits, and the tap has seen every wait
    return id;
  }

  /** pkt-gen thread `thread` (on `cpu`, TX ring `ring`) sleeps in poll() at `t`. */
  netmapSleep(cpu: number, thread: number, ring: number, t: number): void {
    if (t >= this.fromNs && t <= this.toNs) this.tr.instant(TK.NM_SLEEP, cpu, t, thread, ring, 0);
  }

  /** The thread is woken at `t` by `source` (NM_WAKE_SOURCES index). */
  netmapWake(cpu: number, thread: number, source: number, t: number): void {
    if (t >= this.fromNs && t <= this.toNs) this.tr.instant(TK.NM_WAKE, cpu, t, thread, source, 0);
  }

  /** RX queue q's pass on `cpu` ends at `t` with LRO: what tcp_lro_flush_all handed up, and why. */
  lroFlush(cpu: number, q: number, t: number, lro: Lro): void {
    const R = this.nreasons, mark = this.lroMark, base = q * R, reasons = lro.reasons;
    // what triggered tcp_lro_flush_all (the batch, the queue going idle, a full sort array) names
    // it; else the reason most of its segments were closed for
    let best = -1, bestD = 0, trigger = -1, triggerD = 0;
    for (let k = 0; k < R; k++) {
      const d = reasons[k]! - mark[base + k]!;
      mark[base + k] = reasons[k]!;
      if (d > bestD) { bestD = d; best = k; }
      if ((k === R_BATCH_END || k === R_IDLE || k === R_QUEUE_FULL) && d > triggerD) { triggerD = d; trigger = k; }
    }
    if (trigger >= 0) best = trigger;
    const seg = lro.out.nseg;
    if (seg > 0 && t >= this.fromNs && t <= this.toNs) this.tr.instant(TK.LRO_FLUSH, cpu, t, q, best < 0 ? 0 : best, seg);
  }
}
