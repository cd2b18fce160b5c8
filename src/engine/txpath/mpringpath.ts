/**
 * The mp_ring TX path, as iflib and cxgbe run it.
 *
 * iflib (sys/net/iflib.c, sys/net/mp_ring.c):
 * - `iflib_if_transmit` → `ifmp_ring_enqueue(txq->ift_br, &m, 1, TX_BATCH_SIZE, abdicate)`: a
 *   CAS reserves a slot (pidx_head), a second publishes it (pidx_tail, and the flags).
 * - Without `tx_abdicate` the producer that finds the ring not BUSY becomes the consumer and
 *   drains at once on its own CPU, inside its own if_transmit call (`drain_ring_lockless`:
 *   driver calls of up to 32 packets, cidx published every 64 items or when caught up), picking up
 *   what other CPUs publish meanwhile, until it catches up (IDLE), the NIC ring is full
 *   (STALLED) or, past its budget with a producer in flight, it abdicates.
 * - With `tx_abdicate` the producer marks an IDLE ring ABDICATED, and every if_transmit does
 *   `GROUPTASK_ENQUEUE(&txq->ift_task)`; `_task_fn_tx` on the TX queue's CPU runs
 *   `ifmp_ring_check_drainage(TX_BATCH_SIZE)` and drains there, in its taskqueue's order.
 * - A full ring drops (ENOBUFS); the producer then schedules the TX task (without abdicate) and
 *   runs check_drainage itself.
 * - `_task_fn_tx` also enqueues the txq marker when doorbells are pending, so a drain flushes them.
 *
 * cxgbe (sys/dev/cxgbe/t4_main.c, t4_mp_ring.c, t4_sge.c): `cxgbe_transmit` → `parse_pkt` →
 * `mp_ring_enqueue(txq->r, items, 1, 4096)`; the producer that finds the ring idle drains it with
 * `eth_tx`; the egress-update handler (`handle_eth_egr_update` → `mp_ring_check_drainage`, here the
 * TX task on EV_EGR_UPDATE) sends a work request eth_tx left open. A ring stalled on a full
 * hardware queue is restarted by the next producer (the egress update for it is not modelled).
 *
 * Every state transition is a CAS on the ring's state word: one cache line all producers and the
 * consumer take turns on (SharedLine), which is where CAS retries come from.
 */
import { C_IF_TRANSMIT, C_SOFT_RING, DROP_MP_RING } from '../ledger';
import { OP } from '../costmodel';
import { A_DRAIN, STEP, STEP_DONE, STEP_PUSHED } from '../activity';
import {
  DRN_CAS, ENQ_CODE, ENQ_START, MP_BUSY, MP_CONSUME, MP_DROP, MP_DROP_CHECK, MP_OUT_LEN, MP_STALLED, MP_ABDICATED, MpRing, TX_BATCH_SIZE,
} from '../mpring';
import type { SharedLine } from '../sharedline';
import { DRAIN_CXGBE, DRAIN_CXGBE_COALESCE, DRAIN_IFLIB, DrainCalls, type DrainSource } from './drain';
import { newCounters, type SoftRingSummary, type TxContext, type TxPath, type TxPathNames, type TxQueueCounters } from './txpath';

/** cxgbe_transmit's budget for the producer that becomes the consumer. */
export const CXGBE_BUDGET = 4096;

export const IFLIB_NAMES: TxPathNames = {
  transmit: 'iflib_if_transmit → ifmp_ring_enqueue', softRing: 'mp_ring (ifmp_ring)', drain: 'drain_ring_lockless → iflib_txq_drain',
  encap: 'iflib_encap → isc_txd_encap', doorbell: 'iflib_txd_db_check → isc_txd_flush', reclaim: 'iflib_completed_tx_reclaim', task: '_task_fn_tx',
};
export const CXGBE_NAMES: TxPathNames = {
  transmit: 'cxgbe_transmit → mp_ring_enqueue', softRing: 'mp_ring (t4_mp_ring)', drain: 'drain_ring → eth_tx',
  encap: 'eth_tx → write_txpkt_wr', doorbell: 'ring_eq_db', reclaim: 'reclaim_tx_descs', task: 'handle_sge_egr_update → mp_ring_check_drainage',
};

export class MpRingPath implements TxPath, DrainSource {
  readonly names: TxPathNames;
  readonly counters: TxQueueCounters[];
  consumer = -1;
  readonly srcStamps: Float64Array;
  readonly srcCpu: Int32Array;
  readonly srcSize: number;
  private readonly mp: MpRing[] = [];
  private readonly lines: SharedLine[] = [];
  private readonly calls: DrainCalls;
  private readonly budget: number;
  private readonly iflib: boolean;
  private readonly out = new Int32Array(MP_OUT_LEN);
  private readonly item = new Int32Array(1);
  /** Per CPU: where its drain activity is (0 begin, 1 call in flight), and its TX task's. */
  private readonly drPhase: Uint8Array;
  private readonly tkPhase: Uint8Array;
  /** The taskqueue mutex of each CPU (GROUPTASK_ENQUEUE from another CPU takes it). */
  private readonly tqLines: SharedLine[];
  /** iflib txq markers in each ring (items that are not packets). */
  private readonly markers: Int32Array;
  /**
   * Per ring, the last producer's reserve → publish window: its CPU (−1: none to hand to) and
   * [from, to), ns, the publish CAS on the state word. A producer reserves and publishes at one
   * instant of the model, so a consumer's CAS inside that window is what sees pidx_head ≠ pidx_tail.
   */
  private readonly winCpu: Int32Array;
  private readonly winFrom: Float64Array;
  private readonly winTo: Float64Array;

  constructor(
    private readonly ctx: TxContext,
    ntx: number,
    size: number,
    private readonly abdicate: boolean,
    cxgbe: boolean,
    /** cxgbe: eth_tx coalesces across calls (D25454). */
    coalesce = false,
  ) {
    this.iflib = !cxgbe;
    this.names = cxgbe ? CXGBE_NAMES : IFLIB_NAMES;
    this.budget = cxgbe ? CXGBE_BUDGET : TX_BATCH_SIZE;
    this.counters = newCounters(ntx);
    this.srcSize = size;
    this.srcStamps = new Float64Array(ntx * size);
    this.srcCpu = new Int32Array(ntx * size);
    const ncpu = ctx.cpus.ncpu;
    this.calls = new DrainCalls(ctx, !cxgbe ? DRAIN_IFLIB : coalesce ? DRAIN_CXGBE_COALESCE : DRAIN_CXGBE, ncpu, size, ntx);
    this.drPhase = new Uint8Array(ncpu);
    this.tkPhase = new Uint8Array(ncpu);
    this.tqLines = Array.from({ length: ncpu }, (_, c) => ctx.newLine({ name: `CPU ${c} taskqueue mutex (GROUPTASK_ENQUEUE)` }));
    this.markers = new Int32Array(ntx);
    this.winCpu = new Int32Array(ntx).fill(-1);
    this.winFrom = new Float64Array(ntx);
    this.winTo = new Float64Array(ntx);
    for (let q = 0; q < ntx; q++) {
      const ring = ctx.rings[q]!;
      const cell = ctx.clock.timeCell;
      // iflib_txq_can_drain: room for a packet, or the NIC reports completions to reclaim.
      this.mp.push(new MpRing(size, () => 0, () => {
        if (ring.free > ctx.txReserve) return true;
        ring.observeAt(cell, 0);
        return ring.completed > 0;
      }));
      this.lines.push(ctx.newLine({ name: `txq${q} ${cxgbe ? 'mp_ring' : 'ifmp_ring'} state word`, queue: q, cas: true }));
    }
  }

  // DrainSource: the consumer's window of the ring
  srcAvail(q: number): number { return this.mp[q]!.consumerAvail; }
  srcPeek(q: number, i: number): number { return this.mp[q]!.consumerPeek(i); }

  transmit(cpu: number, q: number, stamps: Float64Array, si: number): void {
    const ctx = this.ctx, m = this.mp[q]!, out = this.out, ctr = this.counters[q]!;
    const c = ctx.ledger.c;
    this.consumer = -1;
    ctx.cost.charge(ctx.cpus.stageNs, cpu, OP.IF_TRANSMIT, 1);
    c[C_IF_TRANSMIT]! += 1;
    ctr.transmits++;
    m.reserve(1, out);
    const code = out[ENQ_CODE]!;
    if (code === MP_DROP || code === MP_DROP_CHECK) {
      // A full ring is seen in a load of the state word; the mbuf is freed (ENOBUFS).
      this.line(cpu, q, 1);
      ctx.ledger.drops[DROP_MP_RING]! += 1;
      ctr.drops++;
      if (code === MP_DROP_CHECK) this.check(cpu, q, 0);
      if (this.iflib) {
        // iflib_if_transmit's error path: GROUPTASK_ENQUEUE (once, abdicate or not), check_drainage
        this.wakeTask(cpu, q);
        if (this.consumer < 0) this.check(cpu, q, TX_BATCH_SIZE);
      }
      return;
    }
    const start = out[ENQ_START]!;
    const slot = q * this.srcSize + start;
    this.srcStamps[slot] = stamps[si]!;
    this.srcCpu[slot] = cpu;
    this.item[0] = start;
    m.publish(start, this.item, 0, 1, this.budget, this.abdicate, out);
    this.line(cpu, q, 2); // reserve + publish
    const line = this.lines[q]!;
    this.winCpu[q] = cpu;
    this.winTo[q] = line.freeAt;
    this.winFrom[q] = line.freeAt - line.lastHoldNs;
    if (ctx.tap !== null) ctx.tap.softRing(cpu, q, m.state, m.occupancy, true);
    ctr.enqueues++;
    c[C_SOFT_RING]! += 1;
    if (out[ENQ_CODE] === MP_CONSUME) {
      this.consumer = q;
      ctr.drains++;
    }
    if (this.abdicate) this.wakeTask(cpu, q);
  }

  drainStep(cpu: number, q: number): number {
    const m = this.mp[q]!, ctr = this.counters[q]!;
    const phase = this.drPhase[cpu]!;
    if (phase === 0) {
      m.beginConsume();
      this.drPhase[cpu] = 1;
      this.calls.plan(cpu, q, this, ctr);
      return STEP;
    }
    const n = this.calls.finish(cpu, q, this, ctr);
    this.markers[q]! -= this.calls.markers;
    // drain_ring_lockless's state CAS: past its budget, a consumer that meets a producer between
    // reserve and publish abdicates (state_to_flags: pidx_tail != pidx_head → ABDICATED)
    const p = this.winCpu[q]!, now = this.ctx.clock.now;
    const inFlight = p >= 0 && p !== cpu && now >= this.winFrom[q]! && now < this.winTo[q]!;
    const f = m.consumed(n, this.out, inFlight);
    const cas = this.out[DRN_CAS]!;
    if (cas > 0) this.line(cpu, q, cas);
    if (this.ctx.tap !== null) this.ctx.tap.softRing(cpu, q, m.state, m.occupancy, false);
    if (f === MP_BUSY) {
      this.calls.plan(cpu, q, this, ctr);
      return STEP;
    }
    if (f === MP_STALLED) ctr.stalls++;
    else if (f === MP_ABDICATED) {
      ctr.abdications++;
      // Not abdicating, that producer's publish finds ABDICATED and it drains, inside its own
      // if_transmit (the step in flight on its CPU ends at or after the publish). With
      // tx_abdicate the ring stays ABDICATED for the TX task its enqueue scheduled.
      if (inFlight && !this.abdicate && m.takeOver(this.budget)) {
        this.winCpu[q] = -1;
        ctr.drains++;
        this.ctx.pushActivity(p, A_DRAIN, q);
      }
    }
    // The CAS that let go is owed by this CPU: whatever it does next starts after it.
    this.drPhase[cpu] = 0;
    return STEP_DONE;
  }

  /** `_task_fn_tx` (iflib) / the egress-update restart (cxgbe) of queue q, on cpu. */
  taskStep(cpu: number, q: number): number {
    const ctx = this.ctx, phase = this.tkPhase[cpu]!;
    if (phase === 0) {
      this.tkPhase[cpu] = 1;
      ctx.cost.charge(ctx.cpus.stageNs, cpu, OP.TASK, 1);
      return STEP;
    }
    if (phase === 2) {
      this.tkPhase[cpu] = 0;
      return STEP_DONE;
    }
    this.consumer = -1;
    let touched = false;
    if (this.iflib && ctx.rings[q]!.pending > 0) {
      // ifmp_ring_enqueue(txq->ift_br, (void **)&txq, 1, TX_BATCH_SIZE, abdicate): the marker
      const m = this.mp[q]!, out = this.out;
      m.reserve(1, out);
      if (out[ENQ_CODE] !== MP_DROP && out[ENQ_CODE] !== MP_DROP_CHECK) {
        this.item[0] = -1;
        m.publish(out[ENQ_START]!, this.item, 0, 1, TX_BATCH_SIZE, this.abdicate, out);
        this.markers[q]! += 1;
        this.line(cpu, q, 2);
        if (ctx.tap !== null) ctx.tap.softRing(cpu, q, m.state, m.occupancy, false);
        touched = true;
        if (out[ENQ_CODE] === MP_CONSUME) this.consumer = q;
      }
    } else if (!this.abdicate) {
      // cxgbe's egress update: drain_txpkts sends an open WR unless a consumer is running
      if (!this.iflib && this.mp[q]!.state !== MP_BUSY) this.calls.flushOpen(cpu, q, this.counters[q]!);
      this.check(cpu, q, this.iflib ? TX_BATCH_SIZE : this.budget);
      touched = true;
    }
    if (this.abdicate && this.consumer < 0) {
      this.check(cpu, q, TX_BATCH_SIZE);
      touched = true;
    }
    if (this.consumer < 0) {
      this.tkPhase[cpu] = touched ? 2 : 0;
      return touched ? STEP : STEP_DONE;
    }
    this.counters[q]!.drains++;
    this.counters[q]!.taskDrains++;
    this.consumer = -1;
    this.tkPhase[cpu] = 2;
    ctx.pushActivity(cpu, A_DRAIN, q);
    return STEP_PUSHED;
  }

  /** ifmp_ring_check_drainage(budget): on CONSUME, `consumer` = q. */
  private check(cpu: number, q: number, budget: number): void {
    const m = this.mp[q]!;
    m.checkDrainage(budget, this.out);
    this.line(cpu, q, 1);
    if (this.ctx.tap !== null) this.ctx.tap.softRing(cpu, q, m.state, m.occupancy, false);
    if (this.out[ENQ_CODE] === MP_CONSUME) this.consumer = q;
  }

  /** GROUPTASK_ENQUEUE(&txq->ift_task): the TX CPU's taskqueue mutex, then the task is queued. */
  private wakeTask(cpu: number, q: number): void {
    const ctx = this.ctx;
    ctx.lineTime(this.tqLines[ctx.txCpu[q]!]!, cpu, 1, 0);
    ctx.scheduleTxTask(q);
  }

  private line(cpu: number, q: number, n: number): void {
    const line = this.lines[q]!;
    const retries = line.retries;
    this.ctx.lineTime(line, cpu, n, 0);
    this.counters[q]!.casRetries += line.retries - retries;
  }

  /** Work requests written (cxgbe). */
  get workRequests(): number { return this.calls.workRequests; }

  inFlight(): number {
    let n = 0;
    // Items not yet taken by a consumer (a call in flight takes its items at its end), less markers.
    for (let q = 0; q < this.mp.length; q++) n += this.mp[q]!.unconsumed - this.markers[q]!;
    return n + this.calls.held();
  }

  softRing(q: number): SoftRingSummary {
    const m = this.mp[q]!, ctr = this.counters[q]!;
    return {
      kind: 'mp_ring', size: m.size, occupancy: m.occupancy, enqueues: m.enqueues, drops: m.drops,
      starts: m.starts, stalls: m.stalls, restarts: m.restarts, abdications: m.abdications, state: m.describe(),
      drain_passes: ctr.drainCalls, drained: ctr.drained,
    };
  }
}
