/**
 * One call of the driver's drain callback: what a software ring's consumer does with the packets
 * it is offered. Two policies, read from the code:
 *
 * iflib, `iflib_txq_drain` (sys/net/iflib.c):
 * 1. `iflib_completed_tx_reclaim(txq, RECLAIM_THRESH)`: credits update, free completed
 *    descriptors (nothing unless more than the threshold are done);
 * 2. `iflib_txd_db_check(txq, reclaimed)`: rings the doorbell when it reclaimed anything, or
 *    when the deferral limit is met (below);
 * 3. up to `min(avail, TX_BATCH_SIZE)` packets while `TXQ_AVAIL > MAX_TX_DESC + 2`:
 *    `iflib_encap` (one descriptor for a forwarded 64-byte frame), then
 *    `iflib_txd_db_check(txq, false)`; iflib's TX-queue marker item (`*mp == txq`, queued by
 *    `_task_fn_tx` to flush pending doorbells) is consumed without an encap;
 * 4. a last `iflib_txd_db_check(txq, ring)`, ring = the last check did not ring and the ring is
 *    nearly full (`iflib_min_tx_latency` and encap errors aside).
 * `iflib_txd_db_check` writes the doorbell (`isc_txd_flush`) when asked to, when the descriptors
 * written since the last doorbell reach `txq_max_db_deferred(in_use)` — 0 while the ring holds at
 * most size/8 descriptors, then (size/16 − 1) >> 3, >> 1 and the whole of it above size/8, size/4
 * and size/2 — or when the ring is at its edge. With a nearly empty ring every check rings, even
 * with nothing new to announce: a call that takes one packet writes the doorbell up to three times.
 *
 * cxgbe, `eth_tx` (sys/dev/cxgbe/t4_sge.c): everything offered while the egress queue has room,
 * `ring_eq_db` every 16 descriptors and once at the end.
 *
 * The call is decided at its start (nothing else frees descriptors meanwhile: completions are
 * lazy) and its descriptors are written and handed over at its end.
 */
import { OP } from '../costmodel';
import { C_DRAINED, C_ENCAP, C_NIC_TX } from '../ledger';
import { TX_BATCH_SIZE } from '../mpring';
import type { TxContext, TxQueueCounters } from './txpath';

export const DRAIN_IFLIB = 0, DRAIN_CXGBE = 1;

/** eth_tx rings the doorbell once this many descriptors are pending (t4_sge.c `dbdiff >= 16`). */
export const CXGBE_DB_EVERY = 16;

/** txq_max_db_deferred: descriptors iflib lets pile up before it writes the doorbell. */
export function dbDeferLimit(size: number, inUse: number): number {
  const notify = Math.floor(size / 16) - 1; // TXD_NOTIFY_COUNT with ift_update_freq = 16
  const min = size >> 3;
  if (inUse > 4 * min) return notify;
  if (inUse > 2 * min) return notify >> 1;
  if (inUse > min) return notify >> 3;
  return 0;
}

/** Where a consumer reads its packets: the software ring's consumer window. */
export interface DrainSource {
  /** Items offered to the next call (mp_ring: cidx … pidx_tail seen). */
  srcAvail(q: number): number;
  /** Item i of the window: a slot id (≥ 0) or a marker (< 0). */
  srcPeek(q: number, i: number): number;
  /** Stamp (end-to-end) and producing CPU of slot `id` of queue q. */
  srcStamps: Float64Array;
  srcCpu: Int32Array;
  /** Slots per queue in srcStamps / srcCpu. */
  srcSize: number;
}

export class DrainCalls {
  private readonly items: Int32Array;
  private readonly n: Int32Array; // items consumed by the call in flight, per CPU
  private readonly writes: Int32Array; // descriptors it writes
  private readonly rung: Int32Array; // of those, written before its last doorbell
  private readonly maxItems: number;
  private readonly time: Float64Array;

  constructor(
    private readonly ctx: TxContext,
    private readonly policy: number,
    ncpu: number,
    /** Most items one call takes (TX_BATCH_SIZE for iflib; the ring size for cxgbe). */
    maxPerCall: number,
  ) {
    this.maxItems = policy === DRAIN_IFLIB ? TX_BATCH_SIZE : maxPerCall;
    this.items = new Int32Array(ncpu * this.maxItems);
    this.n = new Int32Array(ncpu);
    this.writes = new Int32Array(ncpu);
    this.rung = new Int32Array(ncpu);
    this.time = ctx.clock.timeCell;
  }

  /** TX-queue markers the last finished call consumed (not packets). */
  markers = 0;

  /** Items the call in flight on `cpu` consumed. */
  taken(cpu: number): number {
    return this.n[cpu]!;
  }

  /**
   * Start a call on `cpu` for TX queue q now: reclaim, decide what it takes and where it rings,
   * charge it to the CPU. With nothing taken (no room) the caller stalls the ring.
   */
  plan(cpu: number, q: number, src: DrainSource, ctr: TxQueueCounters): void {
    const ctx = this.ctx, ring = ctx.rings[q]!, cost = ctx.cost, stage = ctx.cpus.stageNs;
    const before = ring.reclaimed;
    ring.retireAt(this.time, 0, ctx.reclaimThresh);
    const reclaimed = ring.reclaimed - before;
    let doorbells = 0;
    const iflib = this.policy === DRAIN_IFLIB;
    const size = ring.capacity;
    let pend = ring.pending, inUse = ring.occupancy;
    let rang = false;
    if (iflib) {
      // iflib_txd_db_check(txq, reclaimed, in_use) before the loop
      if (reclaimed > 0 || pend >= dbDeferLimit(size, inUse) || ring.free <= ctx.txReserve) {
        ctx.ledger.c[C_NIC_TX]! += ring.doorbell(this.time, 0);
        doorbells++;
        rang = true;
        pend = 0;
      }
    }
    const avail = src.srcAvail(q);
    const count = avail < this.maxItems ? avail : this.maxItems;
    const base = cpu * this.maxItems;
    let consumed = 0, writes = 0, rungAt = 0, remote = 0;
    const free0 = ring.free;
    for (let i = 0; i < count; i++) {
      if (free0 - writes <= ctx.txReserve) break;
      const id = src.srcPeek(q, i);
      this.items[base + consumed] = id;
      consumed++;
      if (id < 0) continue; // iflib's txq marker: consumed, nothing to encapsulate
      writes++;
      pend++;
      inUse++;
      const p = src.srcCpu[q * src.srcSize + id]!;
      if (p !== cpu) remote += p === this.lastFrom && cpu === this.lastTo ? this.lastXfer : this.xfer(p, cpu);
      if (iflib) {
        rang = pend >= dbDeferLimit(size, inUse) || free0 - writes <= ctx.txReserve;
        if (rang) { doorbells++; pend = 0; rungAt = writes; }
      } else if (pend >= CXGBE_DB_EVERY) {
        doorbells++;
        pend = 0;
        rungAt = writes;
      }
    }
    if (iflib) {
      const ringNow = !rang && free0 - writes < ctx.txReserve - 2;
      if (ringNow || pend >= dbDeferLimit(size, inUse) || free0 - writes <= ctx.txReserve) {
        doorbells++;
        pend = 0;
        rungAt = writes;
      }
    } else if (pend > 0 && writes > 0) {
      doorbells++;
      rungAt = writes;
    }
    this.n[cpu] = consumed;
    this.writes[cpu] = writes;
    this.rung[cpu] = rungAt;
    ctr.drainCalls++;
    ctr.doorbells += doorbells;
    cost.charge(stage, cpu, OP.DRAIN_CALL, 1);
    if (reclaimed > 0) cost.charge(stage, cpu, OP.RECLAIM, reclaimed);
    if (writes > 0) {
      cost.charge(stage, cpu, OP.DRAIN_PKT, writes);
      cost.charge(stage, cpu, OP.ENCAP, writes);
    }
    if (doorbells > 0) cost.charge(stage, cpu, OP.DOORBELL, doorbells);
    if (remote > 0) cost.chargeNs(stage, cpu, cost.memStage, remote);
  }

  // the last producer → consumer transfer cost looked up (a consumer drains runs from one CPU)
  private lastFrom = -1;
  private lastTo = -1;
  private lastXfer = 0;
  private xfer(from: number, to: number): number {
    this.lastFrom = from;
    this.lastTo = to;
    this.lastXfer = this.ctx.cost.xferNs(from, to);
    return this.lastXfer;
  }

  /** The call in flight on `cpu` ends now: write its descriptors, ring where it rang. */
  finish(cpu: number, q: number, src: DrainSource, ctr: TxQueueCounters): number {
    const ctx = this.ctx, ring = ctx.rings[q]!, c = ctx.ledger.c;
    const n = this.n[cpu]!, base = cpu * this.maxItems, rungAt = this.rung[cpu]!;
    const stamps = src.srcStamps, off = q * src.srcSize;
    let written = 0, handed = 0;
    for (let k = 0; k < n; k++) {
      const id = this.items[base + k]!;
      if (id < 0) continue;
      ring.write(this.time, 0, stamps, off + id);
      written++;
      if (written === rungAt) handed += ring.doorbell(this.time, 0);
    }
    c[C_DRAINED]! += written;
    c[C_ENCAP]! += written;
    c[C_NIC_TX]! += handed;
    ctr.drained += written;
    this.markers = n - written;
    return n;
  }
}
