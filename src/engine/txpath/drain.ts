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
 * cxgbe, `eth_tx` (sys/dev/cxgbe/t4_sge.c): everything offered while the egress queue has room.
 * Frames go out in work requests: a lone frame in a txpkt WR (1 descriptor with its gather list),
 * several in a "txpkts type 1" WR of 16 B + 32 B per frame, at most 15 frames (512 B, 8
 * descriptors). Two generations:
 * - before D25454 (r362905, July 2020; FreeBSD 12, `nic.tx_coalesce` off): a txpkts WR only for
 *   frames present in the same call (two or more left); `ring_eq_db` once 16 descriptors are
 *   pending with at least 4 frames still to go, and at the end of the call;
 * - after it: `txq->txp` stays open across calls; a WR is written when it holds 15 frames, the
 *   doorbell rung once 8 descriptors are written and at the end of a call that wrote any. A
 *   partial WR left at the end stays open while an egress update is due (frames on the wire):
 *   the update's `mp_ring_check_drainage` → `drain_txpkts` sends it (the TX task here). With
 *   nothing in flight it is sent at once, as eth_tx sends a lone frame when no update is due.
 * The ring here holds one slot per frame (the WR packing changes doorbells and work, not the
 * ring's capacity in frames).
 *
 * The call is decided at its start (nothing else frees descriptors meanwhile: completions are
 * lazy) and its descriptors are written and handed over at its end.
 */
import { NOP, OP } from '../costmodel';
import { STAGE_INDEX } from '../costs';
import { C_DRAINED, C_ENCAP, C_NIC_TX } from '../ledger';
import { TX_BATCH_SIZE } from '../mpring';
import { dbDeferLimit, iflibReportStatus, touchTxq, type TxContext, type TxQueueCounters } from './txpath';
import { UC_FREE, UC_SLOTS, UC_STORE, UC_T0, UC_W, UC_W0, UC_WAIT, uncachedWaits } from './uncached';

export const DRAIN_IFLIB = 0, DRAIN_CXGBE = 1, DRAIN_CXGBE_COALESCE = 2;
const XF_REMOTE = 0, XF_LAST = 1;

/** Old eth_tx rings the doorbell once this many descriptors are pending (t4_sge.c `dbdiff >= 16`)… */
export const CXGBE_DB_EVERY = 16;
/** …with at least this many frames still to go. */
export const CXGBE_DB_REMAINING = 4;
/** The coalescing eth_tx rings once this many descriptors (512 B) are written. */
export const CXGBE_COALESCE_DB = 8;
/** Frames in one txpkts WR (`struct txpkts` mb[15]). */
export const CXGBE_TXPKTS_MAX = 15;

/** Hardware descriptors (64 B) of a WR carrying n single-segment frames. */
export function cxgbeWrDescs(n: number): number {
  return n === 1 ? 1 : Math.ceil((16 + 32 * n) / 64);
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
  private readonly rung: Int32Array; // of those, written before its last doorbell
  private readonly maxItems: number;
  /** Doorbell positions of the call being planned (frames written before each ring). */
  private readonly dbAt: Int32Array;
  private readonly time: Float64Array;

  // cxgbe: per TX queue, the frames of the WR being built (stamps), and per CPU the call's plan
  private readonly openN: Int32Array;
  private readonly openStamp: Float64Array;
  private readonly hold: Uint8Array;
  /** Work requests written (cxgbe), all queues. */
  workRequests = 0;

  constructor(
    private readonly ctx: TxContext,
    private readonly policy: number,
    ncpu: number,
    /** Most items one call takes (TX_BATCH_SIZE for iflib; the ring size for cxgbe). */
    maxPerCall: number,
    ntx: number,
  ) {
    this.maxItems = policy === DRAIN_IFLIB ? TX_BATCH_SIZE : maxPerCall;
    this.items = new Int32Array(ncpu * this.maxItems);
    this.dbAt = new Int32Array(this.maxItems + 2);
    this.n = new Int32Array(ncpu);
    this.rung = new Int32Array(ncpu);
    this.time = ctx.clock.timeCell;
    const cx = policy !== DRAIN_IFLIB;
    this.openN = new Int32Array(cx ? ntx : 0);
    this.openStamp = new Float64Array(cx ? ntx * CXGBE_TXPKTS_MAX : 0);
    this.hold = new Uint8Array(cx ? ncpu : 0);
  }

  /** Frames waiting in open txpkts WRs, all queues. */
  held(): number {
    let n = 0;
    for (let q = 0; q < this.openN.length; q++) n += this.openN[q]!;
    return n;
  }

  /** Frames waiting in queue q's open txpkts WR (coalescing cxgbe). */
  open(q: number): number {
    return this.openN.length ? this.openN[q]! : 0;
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
    const ctx = this.ctx, ring = ctx.rings[q]!;
    touchTxq(ctx, q, cpu);
    const before = ring.reclaimed;
    ring.retireAt(this.time, 0, ctx.reclaimThresh, 0, ctx.reclaimKeep, ctx.reportsRs);
    const reclaimed = ring.reclaimed - before;
    if (this.policy !== DRAIN_IFLIB) {
      this.planEthTx(cpu, q, src, ctr, reclaimed);
      return;
    }
    let doorbells = 0;
    const size = ring.capacity;
    let pend = ring.pending, inUse = ring.occupancy;
    let rang = false;
    // iflib_txd_db_check(txq, reclaimed, in_use) before the loop
    let startRang = false, inLoop = 0;
    if (reclaimed > 0 || pend >= dbDeferLimit(size, inUse) || ring.free <= ctx.txReserve) {
      this.bell(cpu, q);
      doorbells++;
      rang = true;
      pend = 0;
      startRang = true;
    }
    const avail = src.srcAvail(q);
    const count = avail < this.maxItems ? avail : this.maxItems;
    const base = cpu * this.maxItems;
    let consumed = 0, writes = 0, rungAt = 0;
    const xf = this.xf;
    xf[XF_REMOTE] = 0;
    const free0 = ring.free;
    for (let i = 0; i < count; i++) {
      if (free0 - writes <= ctx.txReserve) break; // the loop runs while TXQ_AVAIL > MAX_TX_DESC + 2
      const id = src.srcPeek(q, i);
      this.items[base + consumed] = id;
      consumed++;
      if (id < 0) continue; // iflib's txq marker: consumed, nothing to encapsulate
      writes++;
      pend++;
      inUse++;
      const p = src.srcCpu[q * src.srcSize + id]!;
      if (p !== cpu) this.addXfer(p, cpu);
      rang = pend >= dbDeferLimit(size, inUse) || free0 - writes <= ctx.txReserve;
      if (rang) { doorbells++; pend = 0; rungAt = writes; this.dbAt[inLoop++] = writes; }
    }
    const ringNow = !rang && free0 - writes < ctx.txReserve - 2;
    let endRang = false;
    if (ringNow || pend >= dbDeferLimit(size, inUse) || free0 - writes <= ctx.txReserve) {
      doorbells++;
      pend = 0;
      rungAt = writes;
      endRang = true;
    }
    this.n[cpu] = consumed;
    this.rung[cpu] = rungAt;
    this.chargeCall(cpu, ctr, reclaimed, writes, 0, doorbells, startRang, inLoop, endRang);
  }

  private readonly ucOut = new Float64Array(UC_SLOTS);

  /**
   * What one drain call costs its CPU, and its counters: the call, reclaim, drain loop and encap
   * per packet and work requests, its transfers (xf[XF_REMOTE]), and then what the CPU waits for
   * its doorbells' uncached stores (txpath/uncached.ts), which ring at the start (`start`), after
   * packet dbAt[k] (k < n) and at the end (`end`). cxgbe's work requests are spread over its
   * frames: the timeline keeps one cost per frame.
   */
  private chargeCall(cpu: number, ctr: TxQueueCounters, reclaimed: number, packets: number, wrs: number, doorbells: number, start: boolean, n: number, end: boolean): void {
    const cost = this.ctx.cost, stage = this.ctx.cpus.stageNs, out = this.ucOut;
    ctr.drainCalls++;
    ctr.doorbells += doorbells;
    // the call starts where the CPU's charges stand (typed: a double kept across calls is boxed)
    out[UC_T0] = this.time[0]! + cost.owe[cpu]!;
    cost.chargeDrainCall(stage, cpu, reclaimed, packets, wrs);
    if (this.xf[XF_REMOTE]! > 0) cost.chargeNsAt(stage, cpu, cost.memStage, this.xf, XF_REMOTE);
    if (!start && n === 0 && !end) return;
    const T = cost.totalNs, o = cpu * NOP;
    out[UC_W0] = T[o + OP.DRAIN_CALL]! + reclaimed * T[o + OP.RECLAIM]!;
    out[UC_W] = T[o + OP.DRAIN_PKT]! + T[o + OP.ENCAP]! + (wrs > 0 && packets > 0 ? (wrs * T[o + OP.TX_WR]!) / packets : 0);
    // a store completes in the host's doorbell time, plus the crossing to a remote root complex
    out[UC_STORE] = T[o + OP.DOORBELL]!;
    out[UC_FREE] = cost.uncachedFree[cpu]! - out[UC_T0]!;
    uncachedWaits(out, cost.uncachedWaitsEach, start, this.dbAt, n, packets, end);
    cost.uncachedFree[cpu] = out[UC_FREE]! + out[UC_T0]!;
    cost.chargeNsAt(stage, cpu, STAGE_INDEX.doorbell, out, UC_WAIT);
  }

  // The call's producer → consumer transfers: [XF_REMOTE] their ns so far in the call being
  // planned, [XF_LAST] the cost last looked up, for the pair (lastFrom, lastTo): a consumer drains
  // runs from one CPU. Doubles in a typed array: a loop-carried double that reaches a call V8 did
  // not inline stays boxed, a heap number per packet.
  private readonly xf = new Float64Array(2);
  private lastFrom = -1;
  private lastTo = -1;

  /** Add the transfer of a packet produced on `from` to the call on `to`. */
  private addXfer(from: number, to: number): void {
    const xf = this.xf;
    if (from !== this.lastFrom || to !== this.lastTo) {
      this.lastFrom = from;
      this.lastTo = to;
      xf[XF_LAST] = this.ctx.cost.xferNs(from, to);
    }
    xf[XF_REMOTE]! += xf[XF_LAST]!;
  }

  /** The call in flight on `cpu` ends now: write its descriptors, ring where it rang. */
  finish(cpu: number, q: number, src: DrainSource, ctr: TxQueueCounters): number {
    if (this.policy !== DRAIN_IFLIB) return this.finishEthTx(cpu, q, src, ctr);
    const ctx = this.ctx, ring = ctx.rings[q]!, c = ctx.ledger.c;
    const n = this.n[cpu]!, base = cpu * this.maxItems, rungAt = this.rung[cpu]!;
    const stamps = src.srcStamps, off = q * src.srcSize;
    let written = 0, handed = 0;
    for (let k = 0; k < n; k++) {
      const id = this.items[base + k]!;
      if (id < 0) continue;
      ring.write(this.time, 0, stamps, off + id, iflibReportStatus(ctx, q, ring));
      written++;
      if (written === rungAt) handed += ring.doorbell(this.time, 0);
    }
    c[C_DRAINED]! += written;
    c[C_ENCAP]! += written;
    c[C_NIC_TX]! += handed;
    if (ctx.tap !== null && rungAt > 0) ctx.tap.doorbell(cpu, q, handed);
    ctr.drained += written;
    this.markers = n - written;
    return n;
  }

  // ---- cxgbe eth_tx ------------------------------------------------------------------------------

  private readonly ethOut = new Int32Array(2);
  /** The departure an open WR's egress update waits for (typed: a double argument is boxed). */
  private readonly depCell = new Float64Array(1);

  /**
   * Walk one eth_tx call over `count` frames with `open0` already in the open WR: the WRs it
   * writes and its doorbells into ethOut; with `q` ≥ 0 it writes them (stamps from `src`, items
   * of the call on `cpu`). Plan and finish run the same walk, so they cannot disagree.
   */
  private ethTx(count: number, open0: number, hold: boolean, cpu: number, q: number, src: DrainSource | null): void {
    const coalesce = this.policy === DRAIN_CXGBE_COALESCE;
    let open = open0, wrs = 0, dbs = 0, desc = 0;
    const base = cpu * this.maxItems, ob = q * CXGBE_TXPKTS_MAX;
    for (let k = 0; k < count; k++) {
      if (src !== null) {
        const id = this.items[base + k]!;
        this.openStamp[ob + open] = src.srcStamps[q * src.srcSize + id]!;
      }
      open++;
      const left = count - k - 1;
      // Close the WR: full; or (old eth_tx) nothing left in this call, or the next frame would
      // have to go alone (txpkts needs two).
      if (open === CXGBE_TXPKTS_MAX || (!coalesce && left === 0)) {
        desc += cxgbeWrDescs(open);
        wrs++;
        if (src !== null) this.writeWr(q, open);
        open = 0;
        const db = coalesce ? desc >= CXGBE_COALESCE_DB : desc >= CXGBE_DB_EVERY && left >= CXGBE_DB_REMAINING;
        if (db) {
          if (src === null) this.dbAt[dbs] = k + 1;
          dbs++;
          desc = 0;
          if (src !== null) this.bell(cpu, q);
        }
      }
    }
    if (open > 0 && !hold) {
      desc += cxgbeWrDescs(open);
      wrs++;
      if (src !== null) this.writeWr(q, open);
      open = 0;
    }
    if (desc > 0) {
      if (src === null) this.dbAt[dbs] = count;
      dbs++;
      if (src !== null) this.bell(cpu, q);
    }
    if (src !== null) this.openN[q] = open;
    this.ethOut[0] = wrs;
    this.ethOut[1] = dbs;
  }

  /** The doorbell of TX queue q, rung by `cpu` now (ring_eq_db / isc_txd_flush). */
  private bell(cpu: number, q: number): void {
    const k = this.ctx.rings[q]!.doorbell(this.time, 0);
    this.ctx.ledger.c[C_NIC_TX]! += k;
    if (this.ctx.tap !== null) this.ctx.tap.doorbell(cpu, q, k);
  }

  private writeWr(q: number, n: number): void {
    const ring = this.ctx.rings[q]!, ob = q * CXGBE_TXPKTS_MAX;
    for (let j = 0; j < n; j++) ring.write(this.time, 0, this.openStamp, ob + j);
    this.workRequests++;
  }

  private planEthTx(cpu: number, q: number, src: DrainSource, ctr: TxQueueCounters, reclaimed: number): void {
    const ctx = this.ctx, ring = ctx.rings[q]!;
    const open0 = this.openN[q]!;
    const room = ring.free - ctx.txReserve - open0;
    const avail = src.srcAvail(q);
    let count = avail < this.maxItems ? avail : this.maxItems;
    if (count > room) count = room > 0 ? room : 0;
    const base = cpu * this.maxItems;
    this.xf[XF_REMOTE] = 0;
    for (let i = 0; i < count; i++) {
      const id = src.srcPeek(q, i);
      this.items[base + i] = id;
      const p = src.srcCpu[q * src.srcSize + id]!;
      if (p !== cpu) this.addXfer(p, cpu);
    }
    // A partial WR stays open only while an egress update is due: frames the NIC still has.
    const hold = this.policy === DRAIN_CXGBE_COALESCE && ring.inFlight - ring.pending > 0;
    this.hold[cpu] = hold ? 1 : 0;
    this.ethTx(count, open0, hold, cpu, q, null);
    const wrs = this.ethOut[0]!, dbs = this.ethOut[1]!;
    this.n[cpu] = count;
    // ring_eq_db's stores waited for by the closing CAS of drain_ring (t4_mp_ring.c), as iflib's;
    // ethTx recorded every doorbell's position in dbAt
    this.chargeCall(cpu, ctr, reclaimed, count, wrs, dbs, false, dbs, false);
  }

  private finishEthTx(cpu: number, q: number, src: DrainSource, ctr: TxQueueCounters): number {
    const n = this.n[cpu]!, ring = this.ctx.rings[q]!;
    this.ethTx(n, this.openN[q]!, this.hold[cpu] === 1, cpu, q, src);
    this.ctx.ledger.c[C_DRAINED]! += n;
    this.ctx.ledger.c[C_ENCAP]! += n;
    ctr.drained += n;
    this.markers = 0;
    if (this.openN[q]! > 0) {
      ring.lastHandedDepartureTo(this.depCell, 0);
      this.ctx.egressUpdateAt(q, this.depCell, 0);
    }
    return n;
  }

  /**
   * The egress update's `drain_txpkts` (cxgbe, on `cpu`): the open WR is written and rung.
   * Returns whether there was one.
   */
  flushOpen(cpu: number, q: number, ctr: TxQueueCounters): boolean {
    const open = this.openN.length ? this.openN[q]! : 0;
    if (open === 0) return false;
    touchTxq(this.ctx, q, cpu);
    this.writeWr(q, open);
    this.openN[q] = 0;
    this.bell(cpu, q);
    ctr.doorbells++;
    const cost = this.ctx.cost, stage = this.ctx.cpus.stageNs;
    cost.charge(stage, cpu, OP.TX_WR, 1);
    cost.charge(stage, cpu, OP.DOORBELL, 1);
    return true;
  }
}
