/**
 * The RX queue task: `_task_fn_rx` → `iflib_rxeof(rxq, budget)` (or mlx5en's and cxgbe's own RX
 * loops), as steps on the queue's CPU.
 *
 * 1. rxeof: up to `budget` packets (`isc_rxd_pkt_get`, mbuf set-up; rx_budget for iflib
 *    drivers), then `iflib_fl_refill_all`: the descriptors go back to the NIC at the end of the
 *    step. A pass woken by the interrupt also pays the interrupt.
 * 2. The chain goes up with `if_input`: for forwarding, each packet in turn through
 *    `ether_input` → `ip_tryforward` → `ether_output` → the driver's if_transmit, one step per
 *    packet; if that packet's if_transmit made this CPU its ring's consumer, the drain runs right
 *    there (an activity on top of the pass) before the next packet. For receive, `ip_input` →
 *    `udp_input`/`tcp_input` → the socket, or LRO first (`tcp_lro_rx` / `tcp_lro_queue_mbuf`, then
 *    `tcp_lro_flush_all` at the end of the pass or of `lro.batch`): one step for the whole pass.
 *    With LRO enabled on a router (`lro.forwarding`), each forwarded packet first pays
 *    `iflib_check_lro_possible` (lrocheck.ts; none with `lro.tcp_hint` for a non-TCP hash type)
 *    and each pass `iflib_get_ip_forwarding`; none of them reaches LRO.
 * 3. The task re-queues itself (GROUPTASK_ENQUEUE) while descriptors remain, else re-enables the
 *    queue's interrupt. Before it does, a queue going idle (its ring empty) flushes what LRO still
 *    holds of a partial `lro.batch` (`tcp_lro_flush_all`, one step), as a driver flushes before it
 *    sleeps: a batch larger than what the senders have in flight cannot stall a closed loop.
 *
 * Delivered packets are reported to the traffic source (rxsource.ts) when it closes the loop
 * (`feedback`): per segment handed to tcp_input, with its packets, so LRO's aggregates become
 * stretch ACKs; after which the ingress resumes a source that was waiting for them.
 */
import { A_DRAIN, STEP, STEP_DONE, STEP_PUSHED } from './activity';
import { LRO_COST } from './costs';
import { NOP, OP, type CostModel } from './costmodel';
import type { Cpus } from './cpus';
import type { Flows } from './flows';
import type { Histogram } from './histogram';
import { C_RXEOF, C_SOCKET, C_STACK, type Ledger } from './ledger';
import { PROTO_TCP } from './flows';
import { LRO_REASONS, LRO_WORK_LEN, LRO_WORK_NAMES, Lro, type LroCode } from './lro';
import { lroChecks } from './lrocheck';
import type { RxQueues } from './rxqueue';
import type { RxSource } from './rxsource';
import type { SharedLine } from './sharedline';
import type { SegmentBuffer } from './tcpflows';
import type { TraceTap } from './tracetap';
import type { TxPath } from './txpath/txpath';
import { STAGE_INDEX } from './costs';

export interface RxTaskHost {
  readonly cpus: Cpus;
  readonly cost: CostModel;
  readonly ledger: Ledger;
  readonly latency: Histogram;
  readonly time: Float64Array;
  /** Re-queue RX task q behind the others on its CPU. */
  requeueRx(q: number): void;
  /** Re-enable RX queue q's interrupt (IFDI_RX_QUEUE_INTR_ENABLE). */
  armRx(q: number): void;
  readonly rxCpu: Int32Array;
  pushActivity(cpu: number, kind: number, arg: number): void;
  /** Acquire a contended line now: its hold and wait are added to what the CPU owes. */
  lineTime(line: SharedLine, cpu: number, n: number, criticalNs: number): void;
  /** Trace sink (sim.trace), else null. */
  readonly tap: TraceTap | null;
  /** A closed-loop source was told of deliveries: the ingress pulls again if it was waiting. */
  resumeArrivals(): void;
  /** Queue q's idle LRO batch is due for its inactivity flush at t (EV_LRO_FLUSH). */
  lroFlushAt(q: number, t: number): void;
}

export interface LroSummary {
  mode: 'legacy' | 'sorted';
  packets_in: number;
  segments_out: number;
  /** Packets per segment handed to tcp_input: data, pure ACKs, and all. */
  aggregation_ratio: { data: number; ack: number; all: number };
  flush_reasons: Record<string, number>;
  /** Passed up uncoalesced because every entry of the table was busy (TCP_LRO_NO_ENTRIES). */
  no_entries: number;
  /** Non-TCP packets offered to LRO (iflib_check_lro_possible lets them through). */
  not_tcp: number;
  /** Stack cycles saved by coalescing, minus what LRO itself cost (nominal clock). */
  cycles_saved: number;
  /** Packets LRO still held at the end. */
  held: number;
}

const P_START = 0, P_RXEOF = 1, P_PLAN = 2, P_PACKET = 3, P_FLUSH = 4;

export interface RxTaskOptions {
  budget: number;
  forward: boolean;
  /** 12-head before r334118: the egress ifnet's IF_AFDATA_RLOCK word (forward), else null. */
  afdata: SharedLine | null;
  /** FreeBSD 12, ip.redirect on: the route's rtentry mutex of ip_forward / ip_output, else null. */
  rtentry: SharedLine | null;
  /** A mutex cycle's hold beyond its atomic (ns.spinlock − ns.atomic). */
  lockCriticalNs: number;
  lro: { mode: 'legacy' | 'sorted'; code: LroCode; entries: number; mbufs: number; batch: number; tcpHint: boolean } | null;
  /** How long an idle queue's partial batch may wait before its flush, ns (Infinity: never). */
  idleFlushNs: number;
  /** Forward with LRO enabled on the interface: iflib_check_lro_possible per packet (tcpHint: only TCP hash types). */
  lroCheck: { tcpHint: boolean } | null;
  seg: SegmentBuffer | null;
  ghz: number;
  /** The traffic source, told of each delivery when it closes the loop (`feedback`). */
  source: RxSource | null;
}

export class RxTasks {
  readonly budget: number;
  private readonly forward: boolean;
  /** The source wants deliveries reported (closed loop), else null. */
  private readonly fb: RxSource | null;
  // per CPU: the pass in flight
  private readonly phase: Uint8Array;
  private readonly passN: Int32Array;
  private readonly passK: Int32Array;
  private readonly passFlow: Int32Array;
  private readonly passStamp: Float64Array;
  /** ns of one ip_tryforward step on each CPU (the shortest a forwarded packet's step can be). */
  private readonly fwdNs: Float64Array;
  private rxCpuOf(q: number): number {
    return this.h.rxCpu[q]!;
  }

  /** Packets delivered to the socket (receive) or sunk. */
  sunk = 0;
  // LRO (receive): one per RX queue, with the stamps of held packets
  readonly lros: Lro[] = [];
  private readonly lroHold: number = 0;
  private readonly holdStamp: Float64Array = new Float64Array(0);
  private readonly serial: Int32Array = new Int32Array(0);
  private readonly lroMark: Float64Array = new Float64Array(0);
  private readonly lroOpCycles = new Float64Array(LRO_WORK_LEN);
  /** Per RX queue: arrival of the oldest packet LRO holds (the batch's start), for the idle flush. */
  private batchStart: Float64Array = new Float64Array(0);
  /** [0] packets delivered in segments, [1] segments: totals for the frames' aggregation ratio. */
  readonly lroTotals = new Float64Array(2);
  private lroNs = 0;
  private lroStackNs = 0;

  constructor(
    private readonly h: RxTaskHost,
    private readonly rx: RxQueues,
    private readonly flows: Flows,
    private readonly tx: TxPath | null,
    private readonly o: RxTaskOptions,
  ) {
    this.budget = o.budget;
    this.forward = o.forward;
    this.fb = o.source && o.source.feedback ? o.source : null;
    const ncpu = h.cpus.ncpu, B = o.budget;
    this.phase = new Uint8Array(ncpu);
    this.passN = new Int32Array(ncpu);
    this.passK = new Int32Array(ncpu);
    this.passFlow = new Int32Array(ncpu * B);
    this.passStamp = new Float64Array(ncpu * B);
    this.fwdNs = new Float64Array(ncpu);
    for (let c = 0; c < ncpu; c++) this.fwdNs[c] = h.cost.totalNs[c * NOP + OP.FORWARD]!;
    if (o.lro) {
      const nq = this.rx.n;
      for (let k = 0; k < nq; k++) this.lros.push(new Lro({ mode: o.lro.mode, code: o.lro.code, entries: o.lro.entries, mbufs: o.lro.mbufs, batch: o.lro.batch, tcpHint: o.lro.tcpHint }));
      this.batchStart = new Float64Array(nq);
      // Ids of packets inside LRO or handed up by the running pass, for their arrival stamps: at
      // most the sort array or the batch (whichever flushes first) plus one pass, so twice that
      // never wraps onto a packet still in flight.
      this.lroHold = 2 * (Math.max(o.lro.mbufs, o.lro.batch) + B);
      this.holdStamp = new Float64Array(nq * this.lroHold);
      this.serial = new Int32Array(nq);
      this.lroMark = new Float64Array(nq * LRO_WORK_LEN);
      for (let k = 0; k < LRO_WORK_LEN; k++) this.lroOpCycles[k] = LRO_COST[LRO_WORK_NAMES[k]!];
    }
  }

  /** Advance RX queue q's pass on `cpu` (step protocol of activity.ts). */
  step(cpu: number, q: number): number {
    const h = this.h, rx = this.rx, cost = h.cost, stage = h.cpus.stageNs;
    for (;;) {
      const ph = this.phase[cpu]!;
      if (ph === P_START) {
        const n = Math.min(this.budget, rx.count[q]!);
        rx.passes[q]! += 1;
        if (rx.woken[q]) {
          rx.woken[q] = 0;
          cost.charge(stage, cpu, OP.IRQ, 1);
        }
        if (n === 0) return this.idle(cpu, q);
        cost.charge(stage, cpu, OP.RXEOF_PASS, 1);
        cost.charge(stage, cpu, OP.RX_PKT, n);
        if (this.o.lroCheck !== null) this.chargeLroCheck(cpu, q, n);
        this.passN[cpu] = n;
        if (!this.forward) this.up(cpu, q, n);
        this.phase[cpu] = P_RXEOF;
        return STEP;
      }
      if (ph === P_RXEOF) {
        // iflib_fl_refill_all: the pass's descriptors go back to the NIC now.
        const n = this.passN[cpu]!, B = this.budget;
        const now = h.time[0]!;
        for (let k = 0; k < n; k++) {
          const i = rx.slot(q, k);
          this.passFlow[cpu * B + k] = rx.ringFlow[i]!;
          this.passStamp[cpu * B + k] = rx.ringStamp[i]!;
        }
        rx.consume(q, n, h.time);
        h.ledger.c[C_RXEOF]! += n;
        if (!this.forward) {
          this.deliver(cpu, q, n, now);
          return this.idle(cpu, q);
        }
        this.passK[cpu] = 0;
        this.phase[cpu] = P_PLAN;
        continue;
      }
      if (ph === P_FLUSH) {
        // the idle flush's segments reach the socket; then the task re-arms (or re-queues)
        this.deliver(cpu, q, 0, h.time[0]!);
        return this.endPass(q);
      }
      if (ph === P_PLAN) {
        if (this.passK[cpu] === this.passN[cpu]) return this.endPass(q);
        cost.charge(stage, cpu, OP.FORWARD, 1);
        // rw_rlock + rw_runlock: two atomics on the lock word
        if (this.o.afdata) h.lineTime(this.o.afdata, cpu, 2, 0);
        if (this.o.rtentry) {
          // ip_forward: rtalloc1_fib and ip_output's lookup each RT_LOCK + RT_ADDREF, and each
          // reference is dropped by RTFREE under RT_LOCK: four lock cycles per packet
          cost.charge(stage, cpu, OP.IP_FORWARD, 1);
          h.lineTime(this.o.rtentry, cpu, 4, this.o.lockCriticalNs);
        }
        this.phase[cpu] = P_PACKET;
        return STEP;
      }
      // P_PACKET: ip_tryforward is done; the packet enters the driver now.
      const k = this.passK[cpu]!, B = this.budget;
      const f = this.passFlow[cpu * B + k]!;
      h.ledger.c[C_STACK]! += 1;
      const tx = this.tx!;
      tx.transmit(cpu, this.flows.txq[f]!, this.passStamp, cpu * B + k);
      this.passK[cpu] = k + 1;
      this.phase[cpu] = P_PLAN;
      if (tx.consumer >= 0) {
        h.pushActivity(cpu, A_DRAIN, tx.consumer);
        return STEP_PUSHED;
      }
    }
  }

  /**
   * A lower bound on how long after its step in flight ends this pass can next touch an RX ring
   * (read, refill or re-arm it): 0 unless it is forwarding packet k, when packets k+1… still
   * have to go up the stack first, each at least its ip_tryforward step. `drain`: a drain sits on
   * top of the pass (passK is then the next packet to forward).
   */
  nsUntilRxTouch(cpu: number, drain: boolean): number {
    const left = drain ? this.passN[cpu]! - this.passK[cpu]! : this.phase[cpu] === P_PACKET ? this.passN[cpu]! - this.passK[cpu]! - 1 : 0;
    return left > 0 ? left * this.fwdNs[cpu]! : 0;
  }

  /**
   * The pass is over. A queue whose ring is empty is about to re-arm its interrupt: LRO first
   * flushes what a partial batch still holds (tcp_lro_flush_all, R_IDLE), in a step of its own.
   */
  private idle(cpu: number, q: number): number {
    if (this.lros.length > 0 && this.rx.count[q] === 0) {
      const lro = this.lros[q]!;
      if (lro.heldPackets > 0) {
        // tcp_lro_flush_inactive: only once the batch's oldest packet has waited idleFlushNs
        const due = this.batchStart[q]! + this.o.idleFlushNs, now = this.h.time[0]!;
        if (now < due) {
          this.h.lroFlushAt(q, due);
          return this.endPass(q);
        }
        lro.flushAll();
        this.chargeLro(cpu, q);
        this.phase[cpu] = P_FLUSH;
        return STEP;
      }
    }
    return this.endPass(q);
  }

  /** Forward with IFCAP_LRO: iflib_get_ip_forwarding per pass, iflib_check_lro_possible per packet it runs on. */
  private chargeLroCheck(cpu: number, q: number, n: number): void {
    const cost = this.h.cost, stage = this.h.cpus.stageNs;
    let tcp = 0;
    if (this.o.lroCheck!.tcpHint) {
      const rx = this.rx, proto = this.flows.proto, hashed = this.flows.hashed;
      for (let k = 0; k < n; k++) {
        const f = rx.ringFlow[rx.slot(q, k)]!;
        if (proto[f] === PROTO_TCP && hashed[f] === 1) tcp++;
      }
    }
    cost.charge(stage, cpu, OP.LRO_PASS, 1);
    cost.charge(stage, cpu, OP.LRO_CHECK, lroChecks(n, tcp, 0, true, this.o.lroCheck!.tcpHint));
  }

  private endPass(q: number): number {
    const rx = this.rx;
    this.phase[this.rxCpuOf(q)] = P_START;
    // The task re-queues itself while packets remain, else re-enables its interrupt.
    if (rx.count[q]! > 0) this.h.requeueRx(q);
    else this.h.armRx(q);
    return STEP_DONE;
  }

  /** Receive: the stack's work for the pass's n packets (LRO, tcp_input per segment). */
  private up(cpu: number, q: number, n: number): void {
    const h = this.h, cost = h.cost, stage = h.cpus.stageNs;
    h.ledger.c[C_STACK]! += n;
    if (this.lros.length === 0) {
      cost.charge(stage, cpu, OP.RECEIVE, n);
      return;
    }
    const lro = this.lros[q]!, rx = this.rx, hold = this.lroHold, hb = q * hold;
    let id = this.serial[q]!;
    for (let k = 0; k < n; k++) {
      const i = rx.slot(q, k);
      this.holdStamp[hb + id] = rx.ringStamp[i]!;
      if (lro.heldPackets === 0) this.batchStart[q] = rx.ringStamp[i]!;
      lro.input(this.o.seg!, i, id);
      id = id + 1 === hold ? 0 : id + 1;
    }
    this.serial[q] = id;
    // flush_all at the end of the pass; with a larger lro.batch, held packets wait for more
    // while the ring keeps them coming (idle() flushes them when it empties): the batch's
    // latency price.
    lro.endOfPass();
    this.chargeLro(cpu, q);
  }

  /** What LRO did since the last charge on queue q (its work, tcp_input per segment it handed up). */
  private chargeLro(cpu: number, q: number): void {
    const cost = this.h.cost, stage = this.h.cpus.stageNs;
    const lro = this.lros[q]!, out = lro.out;
    this.lroTotals[0]! += out.npkt;
    this.lroTotals[1]! += out.nseg;
    const w = lro.work, mark = this.lroMark, ob = q * LRO_WORK_LEN;
    let cycles = 0;
    for (let k = 0; k < LRO_WORK_LEN; k++) {
      const d = w[k]! - mark[ob + k]!;
      mark[ob + k] = w[k]!;
      cycles += d * this.lroOpCycles[k]!;
    }
    cost.chargeNs(stage, cpu, STAGE_INDEX.lro, cycles * cost.nsPerCycle[cpu]!);
    this.lroNs += cycles / this.o.ghz;
    cost.charge(stage, cpu, OP.RECEIVE, out.nseg);
    this.lroStackNs += out.nseg * this.h.cost.params['cyc.receive']! / this.o.ghz;
  }

  /** Receive: the pass's packets (or what LRO handed up) reach the socket. */
  private deliver(cpu: number, q: number, n: number, now: number): void {
    const h = this.h, lat = h.latency, c = h.ledger.c;
    if (this.lros.length === 0) {
      const B = this.budget;
      for (let k = 0; k < n; k++) lat.record(now - this.passStamp[cpu * B + k]!);
      this.sunk += n;
      c[C_SOCKET]! += n;
      const src = this.fb;
      if (src !== null) {
        for (let k = 0; k < n; k++) src.delivered(this.passFlow[cpu * B + k]!, 1, 1, now);
        h.resumeArrivals();
      }
      return;
    }
    const out = this.lros[q]!.out;
    const pb = q * this.lroHold, np = out.npkt, ids = out.pkt;
    for (let k = 0; k < np; k++) lat.record(now - this.holdStamp[pb + ids[k]!]!);
    this.sunk += np;
    c[C_SOCKET]! += np;
    if (h.tap !== null) h.tap.lroFlush(cpu, q, now, this.lros[q]!);
    const src = this.fb;
    if (src !== null && out.nseg > 0) {
      const flow = out.flow, count = out.count;
      for (let k = 0; k < out.nseg; k++) src.delivered(flow[k]!, count[k]!, 1, now);
      h.resumeArrivals();
    }
    out.clear();
  }

  /** Packets inside LRO (held or handed up by a running pass), for conservation. */
  lroHeld(): number {
    let n = 0;
    for (const l of this.lros) n += l.heldPackets + l.out.npkt;
    return n;
  }

  /** Packets a running pass has taken off its ring and not yet passed on. */
  inPass(): number {
    let n = 0;
    for (let c = 0; c < this.phase.length; c++) {
      if (this.phase[c] === P_PLAN || this.phase[c] === P_PACKET) n += this.passN[c]! - this.passK[c]!;
    }
    return n;
  }

  /** Receive with LRO: packets of passes in flight, already given to LRO but still in their ring. */
  passInRing(): number {
    if (this.lros.length === 0) return 0;
    let n = 0;
    for (let c = 0; c < this.phase.length; c++) if (this.phase[c] === P_RXEOF) n += this.passN[c]!;
    return n;
  }

  lroSummary(mode: 'legacy' | 'sorted', ghz: number): LroSummary | null {
    if (this.lros.length === 0) return null;
    let pin = 0, segs = 0, dp = 0, ds = 0, ap = 0, as = 0, noE = 0, notTcp = 0, held = 0;
    const reasons = new Float64Array(LRO_REASONS.length);
    for (const l of this.lros) {
      pin += l.packetsIn; segs += l.segmentsOut; dp += l.dataPackets; ds += l.dataSegments; ap += l.ackPackets; as += l.ackSegments;
      noE += l.noEntries; notTcp += l.notTcp; held += l.heldPackets;
      for (let k = 0; k < reasons.length; k++) reasons[k]! += l.reasons[k]!;
    }
    const perSeg = this.h.cost.params['cyc.receive']! / ghz;
    const flush: Record<string, number> = {};
    LRO_REASONS.forEach((r, k) => { if (reasons[k]! > 0) flush[r] = reasons[k]!; });
    const delivered = pin - held;
    return {
      mode,
      packets_in: pin,
      segments_out: segs,
      aggregation_ratio: { data: ds ? dp / ds : 0, ack: as ? ap / as : 0, all: segs ? delivered / segs : 0 },
      flush_reasons: flush,
      no_entries: noE,
      not_tcp: notTcp,
      cycles_saved: Math.round((delivered * perSeg - this.lroStackNs - this.lroNs) * ghz),
      held,
    };
  }
}
