/**
 * TX paths without a software ring: the sending CPU takes the TX queue's lock and writes the
 * descriptor itself.
 * - iflib `iflib_simple_transmit` (`iflib.simple_tx`; tx.path=simple): `iflib_simple_select_queue`,
 *   `mtx_lock(&txq->ift_mtx)`, `iflib_encap` (on no room: reclaim and retry, then ENOBUFS, the
 *   mbuf freed), `iflib_txd_db_check(txq, true)` — a doorbell for every packet —,
 *   `iflib_completed_tx_reclaim`, unlock.
 * - mlx5en `mlx5e_xmit` (its only path): `mlx5e_select_queue`, `mtx_lock(&sq->lock)`,
 *   `mlx5e_sq_xmit` (the WQE), `mlx5e_tx_notify_hw` (doorbell) per packet; completions are
 *   polled (`mlx5e_poll_tx_cq`), modelled as a reclaim under the same lock.
 * The lock is a cache line held through encap, doorbell and reclaim: with several CPUs on one
 * queue they take turns (SharedLine with a critical section).
 */
import { A_DRAIN, STEP, STEP_DONE } from '../activity';
import { OP } from '../costmodel';
import { C_ENCAP, C_IF_TRANSMIT, C_NIC_TX, DROP_TX_RING } from '../ledger';
import type { SharedLine } from '../sharedline';
import { iflibReportStatus, newCounters, touchTxq, type TxContext, type TxPath, type TxPathNames, type TxQueueCounters } from './txpath';

export const SIMPLE_NAMES: TxPathNames = {
  transmit: 'iflib_simple_transmit', softRing: null, drain: null, encap: 'iflib_encap → isc_txd_encap',
  doorbell: 'iflib_txd_db_check(txq, true) → isc_txd_flush', reclaim: 'iflib_completed_tx_reclaim', task: '_task_fn_tx',
};
export const MLX5_NAMES: TxPathNames = {
  transmit: 'mlx5e_xmit', softRing: null, drain: null, encap: 'mlx5e_sq_xmit', doorbell: 'mlx5e_tx_notify_hw', reclaim: 'mlx5e_poll_tx_cq', task: null,
};

/** iflib_encap needs nsegs + 2 descriptors: one segment for a small frame. */
const SIMPLE_RESERVE = 2;

export class LockedPath implements TxPath {
  readonly names: TxPathNames;
  readonly counters: TxQueueCounters[];
  consumer = -1;
  private readonly locks: SharedLine[] = [];
  private readonly time: Float64Array;
  private readonly tkPhase: Uint8Array;

  constructor(private readonly ctx: TxContext, ntx: number, mlx5: boolean) {
    this.names = mlx5 ? MLX5_NAMES : SIMPLE_NAMES;
    this.counters = newCounters(ntx);
    for (let q = 0; q < ntx; q++) this.locks.push(ctx.newLine({ name: mlx5 ? `sq${q} lock (sq->lock)` : `txq${q} TX lock (ift_mtx)`, queue: q }));
    this.time = ctx.clock.timeCell;
    this.tkPhase = new Uint8Array(ctx.cpus.ncpu);
  }

  transmit(cpu: number, q: number, stamps: Float64Array, si: number): void {
    const ctx = this.ctx, ring = ctx.rings[q]!, cost = ctx.cost, stage = ctx.cpus.stageNs, ctr = this.counters[q]!;
    const c = ctx.ledger.c, owe = cost.owe;
    ctr.transmits++;
    c[C_IF_TRANSMIT]! += 1;
    cost.charge(stage, cpu, OP.IF_TRANSMIT, 1);
    // Under the lock: encap (reclaiming first when short of room), the doorbell, the reclaim.
    const before = ring.reclaimed;
    if (ring.free <= SIMPLE_RESERVE) ring.retireAt(this.time, 0, 0, 0, ctx.reclaimKeep, ctx.reportsRs);
    const start = owe[cpu]!;
    touchTxq(ctx, q, cpu);
    const ok = ring.free > SIMPLE_RESERVE && ring.write(this.time, 0, stamps, si, iflibReportStatus(ctx, q, ring));
    if (ok) {
      cost.charge(stage, cpu, OP.ENCAP, 1);
      cost.charge(stage, cpu, OP.DOORBELL, 1);
      c[C_ENCAP]! += 1;
      const k = ring.doorbell(this.time, 0);
      c[C_NIC_TX]! += k;
      if (ctx.tap !== null) ctx.tap.doorbell(cpu, q, k);
      ctr.enqueues++;
      ctr.doorbells++;
    } else {
      ctx.ledger.drops[DROP_TX_RING]! += 1;
      ctr.drops++;
    }
    ring.retireAt(this.time, 0, ctx.reclaimThresh, 0, ctx.reclaimKeep, ctx.reportsRs);
    const reclaimed = ring.reclaimed - before;
    if (reclaimed > 0) cost.charge(stage, cpu, OP.RECLAIM, reclaimed);
    const lock = this.locks[q]!;
    const retries = lock.retries;
    // the lock stays held through the work just charged
    ctx.lineTime(lock, cpu, 1, owe[cpu]! - start);
    ctr.casRetries += lock.retries - retries;
    if (!ok && this.names.task) ctx.scheduleTxTask(q);
  }

  drainStep(): number {
    throw new Error(`${this.names.transmit} has no software ring to drain (${A_DRAIN})`);
  }

  /** _task_fn_tx with simple_tx: reclaim under the lock. */
  taskStep(cpu: number, q: number): number {
    if (this.tkPhase[cpu] === 1) {
      this.tkPhase[cpu] = 0;
      return STEP_DONE;
    }
    const ctx = this.ctx, ring = ctx.rings[q]!;
    touchTxq(ctx, q, cpu);
    const before = ring.reclaimed;
    ring.retireAt(this.time, 0, ctx.reclaimThresh, 0, ctx.reclaimKeep, ctx.reportsRs);
    const r = ring.reclaimed - before;
    this.tkPhase[cpu] = 1;
    ctx.cost.charge(ctx.cpus.stageNs, cpu, OP.TASK, 1);
    if (r > 0) ctx.cost.charge(ctx.cpus.stageNs, cpu, OP.RECLAIM, r);
    return STEP;
  }

  inFlight(): number {
    return 0;
  }

  softRing(): undefined {
    return undefined;
  }
}
