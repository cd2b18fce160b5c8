/**
 * The TX software path behind one interface, chosen once per run (`tx.path` and the driver):
 * what `if_transmit` does with a packet and how the packets reach the NIC.
 *
 * | module | path | FreeBSD |
 * |---|---|---|
 * | mpringpath.ts | mp_ring | iflib_if_transmit → ifmp_ring_enqueue → (producer as consumer, or _task_fn_tx with tx_abdicate) → iflib_txq_drain → iflib_encap → iflib_txd_db_check; cxgbe_transmit → mp_ring_enqueue → eth_tx |
 * | bufringpath.ts | buf_ring | drbr_enqueue, the TX lock holder drains (the design mp_ring replaced) |
 * | locked.ts | simple / mlx5en | iflib_simple_transmit (lock, iflib_encap, doorbell per packet); mlx5e_xmit (SQ lock, mlx5e_sq_xmit, doorbell) |
 * | netmap.ts | netmap | pkt-gen fills slots, iflib_netmap_txsync (transmit only) |
 *
 * The host calls `transmit` at the moment a packet enters the driver (the end of the CPU step
 * that produced it) and runs the path's activities (a drain, a TX task) on CPUs as steps.
 */
import type { CostModel } from '../costmodel';
import type { Cpus } from '../cpus';
import type { Ledger } from '../ledger';
import type { Scheduler } from '../scheduler';
import type { SharedLine } from '../sharedline';
import type { LineLabel, TraceTap } from '../tracetap';
import type { TxRing } from '../txring';

/** Per TX queue counters every path reports (the summary's `soft_ring` and queue tables). */
export interface TxQueueCounters {
  /** if_transmit calls that reached this queue. */
  transmits: number;
  /** Accepted into the software ring (or the driver, without one). */
  enqueues: number;
  /** Refused: ENOBUFS from a full ring. */
  drops: number;
  /** Consumer activities started (a drain run, inline or by the TX task). */
  drains: number;
  /** Driver drain calls (iflib_txq_drain / eth_tx), and packets they took. */
  drainCalls: number;
  drained: number;
  /** Drains run by the TX task (tx_abdicate, or a restart) rather than by a producer. */
  taskDrains: number;
  /** Consumers that handed off with work left (mp_ring ABDICATED). */
  abdications: number;
  /** Drains that stopped because the NIC ring had no room (mp_ring STALLED). */
  stalls: number;
  /** Failed CAS attempts on the ring's state word / lock word while spinning. */
  casRetries: number;
  /** Doorbell writes (isc_txd_flush / ring_eq_db / mlx5e_tx_notify_hw). */
  doorbells: number;
}

export interface SoftRingSummary {
  kind: 'mp_ring' | 'buf_ring';
  size: number;
  occupancy: number;
  enqueues: number;
  drops: number;
  starts?: number;
  stalls?: number;
  restarts?: number;
  abdications?: number;
  /** As iflib's ring_state sysctl. */
  state?: string;
  drain_passes: number;
  drained: number;
}

/** What a path needs from the host. */
export interface TxContext {
  readonly clock: Scheduler;
  readonly cost: CostModel;
  readonly cpus: Cpus;
  readonly ledger: Ledger;
  /** The hardware TX rings of the egress port, one per TX queue. */
  readonly rings: readonly TxRing[];
  /** CPU of each TX queue's task (_task_fn_tx). */
  readonly txCpu: Int32Array;
  /** MAX_TX_DESC + 2: iflib stops encapsulating when no more descriptors than this are free. */
  readonly txReserve: number;
  /** isc_tx_reclaim_thresh / iflib.tx_reclaim_thresh. */
  readonly reclaimThresh: number;
  /** Completed descriptors iflib_completed_tx_reclaim leaves (isc_tx_nsegments; 0 off iflib). */
  readonly reclaimKeep: number;
  /** Completions come from the DD bits of RS descriptors (NicPreset.txReportsRs, iflib drivers). */
  readonly reportsRs: boolean;
  /** Per TX queue: iflib's ift_rs_pending (descriptors since the last RS). */
  readonly rsPending: Int32Array;
  /** CPU that last wrote each TX queue's driver state (−1: none yet). */
  readonly txqOwner: Int32Array;
  /** A contended line (ring state word, lock, taskqueue mutex) on this host; `label` says which. */
  newLine(label?: LineLabel): SharedLine;
  /** Trace sink (sim.trace), else null: the path's trace sources call it. */
  readonly tap: TraceTap | null;
  /** Acquire `line` `n` times on `cpu` now; its hold and wait go to `spin` and to what the CPU owes. */
  lineTime(line: SharedLine, cpu: number, n: number, criticalNs: number): void;
  /** GROUPTASK_ENQUEUE(&txq->ift_task): queue TX queue q's task on its CPU (once while queued). */
  scheduleTxTask(q: number): void;
  /** cxgbe: queue q's egress update arrives at max(now, times[ti]) and runs its TX task. */
  egressUpdateAt(q: number, times: Float64Array, ti: number): void;
  /** Push an activity on `cpu` now (a drain the caller's producer became the consumer of). */
  pushActivity(cpu: number, kind: number, arg: number): void;
}

export interface TxPath {
  /** FreeBSD function names of this path's stages, for reports and the UI. */
  readonly names: TxPathNames;
  /**
   * One packet enters the driver on `cpu` now, for TX queue `q`; its end-to-end stamp is
   * `stamps[si]`. The call's time is charged to the CPU (what it owes). When the caller became
   * the ring's consumer and must drain it before going on, `consumer` is `q` afterwards, else −1.
   */
  transmit(cpu: number, q: number, stamps: Float64Array, si: number): void;
  consumer: number;
  /** Advance the A_DRAIN activity of queue q on cpu (step protocol of activity.ts). */
  drainStep(cpu: number, q: number, frame: number): number;
  /** Advance the A_TX_TASK activity of queue q on cpu. */
  taskStep(cpu: number, q: number, frame: number): number;
  /** Packets held in software rings (and written descriptors not yet handed over). */
  inFlight(): number;
  readonly counters: readonly TxQueueCounters[];
  softRing(q: number): SoftRingSummary | undefined;
}

/** The FreeBSD functions a path's stages stand for. */
export interface TxPathNames {
  /** The driver's transmit entry (if_transmit). */
  transmit: string;
  /** The software ring, or null when there is none. */
  softRing: string | null;
  /** The consumer's loop over the ring. */
  drain: string | null;
  /** Descriptor writes. */
  encap: string;
  /** The doorbell write. */
  doorbell: string;
  /** Completion reclaim. */
  reclaim: string;
  /** The TX task, if the path has one. */
  task: string | null;
}

export function newCounters(n: number): TxQueueCounters[] {
  return Array.from({ length: n }, () => ({ transmits: 0, enqueues: 0, drops: 0, drains: 0, drainCalls: 0, drained: 0, taskDrains: 0, abdications: 0, stalls: 0, casRetries: 0, doorbells: 0 }));
}

/**
 * `cpu` is about to write TX queue q's driver state (a drain call, a locked transmit): when another
 * CPU did last, its lines move here first (TXQ_STATE_LINES), charged to the `memory` stage.
 * Returns the ns charged.
 */
export function touchTxq(ctx: TxContext, q: number, cpu: number): number {
  const prev = ctx.txqOwner[q]!;
  ctx.txqOwner[q] = cpu;
  if (prev < 0 || prev === cpu) return 0;
  const ns = ctx.cost.txqXferNs(prev, cpu);
  ctx.cost.chargeNs(ctx.cpus.stageNs, cpu, ctx.cost.memStage, ns);
  return ns;
}

/**
 * iflib's occupancy tiers, shared by txq_max_db_deferred and txq_max_rs_deferred: TXD_NOTIFY_COUNT
 * (size/16 − 1, ift_update_freq = 16) above size/2 in use, half of it above size/4, `>> shift` of it
 * above size/8, and `floor` below.
 */
function deferTier(size: number, inUse: number, shift: number, floor: number): number {
  const notify = (size >> 4) - 1, min = size >> 3;
  if (inUse > 4 * min) return notify;
  if (inUse > 2 * min) return notify >> 1;
  if (inUse > min) return notify >> shift;
  return floor;
}

/** txq_max_db_deferred: descriptors iflib lets pile up before it writes the doorbell. */
export function dbDeferLimit(size: number, inUse: number): number {
  return deferTier(size, inUse, 3, 0);
}

/** txq_max_rs_deferred: the ift_rs_pending iflib_encap lets grow before it asks for a report. */
export function rsDeferLimit(size: number, inUse: number): number {
  return deferTier(size, inUse, 2, 2);
}

/**
 * iflib_encap's IPI_TX_INTR for the frame about to be written on TX queue q (one segment): whether
 * its descriptor asks for a completion report. ift_rs_pending grows by nsegs + 1 per frame; the
 * report is asked once it passes txq_max_rs_deferred(in_use), or when the ring is at its edge.
 * 1: RS, 0: none. A driver that reads a head index instead of DD bits (ctx.reportsRs false) marks
 * every descriptor (nothing reads the mark).
 */
export function iflibReportStatus(ctx: TxContext, q: number, ring: TxRing): number {
  if (!ctx.reportsRs) return 1;
  const pending = ctx.rsPending[q]! + 2;
  if (pending > rsDeferLimit(ring.capacity, ring.occupancy) || ring.free - 1 <= ctx.txReserve) {
    ctx.rsPending[q] = 0;
    return 1;
  }
  ctx.rsPending[q] = pending;
  return 0;
}
