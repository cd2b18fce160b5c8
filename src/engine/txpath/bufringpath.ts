/**
 * The buf_ring TX path (sys/sys/buf_ring.h, drbr_*), the design mp_ring replaced, with iflib's
 * drain calls behind it: producers `drbr_enqueue` (a CAS on br_prod_head; a full ring drops,
 * br_drops) and then try the TX queue's lock; whoever gets it drains the ring while the NIC has
 * room, and lets go when it is empty. A producer that fails the trylock leaves its packet to the
 * lock holder; if the holder has already looked for the last time, the packet waits for the TX
 * task, which the holder schedules when it leaves work behind.
 */
import { A_DRAIN, STEP, STEP_DONE, STEP_PUSHED } from '../activity';
import { OP } from '../costmodel';
import { C_IF_TRANSMIT, C_SOFT_RING, DROP_BUF_RING } from '../ledger';
import { BufRing } from '../bufring';
import type { SharedLine } from '../sharedline';
import { DRAIN_IFLIB, DrainCalls, type DrainSource } from './drain';
import { newCounters, type SoftRingSummary, type TxContext, type TxPath, type TxPathNames, type TxQueueCounters } from './txpath';

export const BUF_RING_NAMES: TxPathNames = {
  transmit: 'drbr_enqueue', softRing: 'buf_ring', drain: 'drbr_dequeue loop (TX lock holder)', encap: 'iflib_encap → isc_txd_encap',
  doorbell: 'iflib_txd_db_check → isc_txd_flush', reclaim: 'iflib_completed_tx_reclaim', task: 'TX task',
};

export class BufRingPath implements TxPath, DrainSource {
  readonly names = BUF_RING_NAMES;
  readonly counters: TxQueueCounters[];
  consumer = -1;
  readonly srcStamps: Float64Array;
  readonly srcCpu: Int32Array;
  readonly srcSize: number;
  private readonly br: BufRing[] = [];
  private readonly prodLines: SharedLine[] = [];
  private readonly locks: SharedLine[] = [];
  /** 1 while a CPU holds queue q's TX lock as its consumer. */
  private readonly held: Uint8Array;
  private readonly calls: DrainCalls;
  private readonly drPhase: Uint8Array;
  private readonly tkPhase: Uint8Array;

  constructor(private readonly ctx: TxContext, ntx: number, size: number) {
    this.counters = newCounters(ntx);
    this.srcSize = size;
    this.srcStamps = new Float64Array(ntx * size);
    this.srcCpu = new Int32Array(ntx * size);
    this.held = new Uint8Array(ntx);
    const ncpu = ctx.cpus.ncpu;
    this.calls = new DrainCalls(ctx, DRAIN_IFLIB, ncpu, size, ntx);
    this.drPhase = new Uint8Array(ncpu);
    this.tkPhase = new Uint8Array(ncpu);
    for (let q = 0; q < ntx; q++) {
      this.br.push(new BufRing(size));
      this.prodLines.push(ctx.newLine({ name: `txq${q} buf_ring br_prod_head`, queue: q, cas: true }));
      this.locks.push(ctx.newLine({ name: `txq${q} TX lock (ift_mtx)`, queue: q }));
    }
  }

  srcAvail(q: number): number { return this.br[q]!.count; }
  srcPeek(q: number, i: number): number { return this.br[q]!.peekAt(i); }

  transmit(cpu: number, q: number, stamps: Float64Array, si: number): void {
    const ctx = this.ctx, b = this.br[q]!, ctr = this.counters[q]!, c = ctx.ledger.c;
    this.consumer = -1;
    ctr.transmits++;
    c[C_IF_TRANSMIT]! += 1;
    ctx.cost.charge(ctx.cpus.stageNs, cpu, OP.IF_TRANSMIT, 1);
    const slot = b.headSlot;
    this.cas(this.prodLines[q]!, cpu, q);
    if (b.enqueue(slot) !== 0) {
      ctx.ledger.drops[DROP_BUF_RING]! += 1;
      ctr.drops++;
      return;
    }
    this.srcStamps[q * this.srcSize + slot] = stamps[si]!;
    this.srcCpu[q * this.srcSize + slot] = cpu;
    ctr.enqueues++;
    c[C_SOFT_RING]! += 1;
    if (ctx.tap !== null) ctx.tap.softRing(cpu, q, -1, b.count, true);
    // mtx_trylock(&txq->ift_mtx): one atomic on the lock word either way.
    this.cas(this.locks[q]!, cpu, q);
    if (!this.held[q]) {
      this.held[q] = 1;
      this.consumer = q;
      ctr.drains++;
    }
  }

  drainStep(cpu: number, q: number): number {
    const ctr = this.counters[q]!, b = this.br[q]!, ring = this.ctx.rings[q]!;
    if (this.drPhase[cpu] === 1) {
      const n = this.calls.finish(cpu, q, this, ctr);
      b.dequeue(this.scratch, 0, n);
      if (this.ctx.tap !== null) this.ctx.tap.softRing(cpu, q, -1, b.count, false);
      if (n > 0 && b.count > 0 && ring.free > this.ctx.txReserve) {
        this.calls.plan(cpu, q, this, ctr);
        return STEP;
      }
      if (n === 0) ctr.stalls++;
      // mtx_unlock; work left behind goes to the TX task
      this.held[q] = 0;
      this.drPhase[cpu] = 0;
      if (b.count > 0) this.ctx.scheduleTxTask(q);
      return STEP_DONE;
    }
    this.drPhase[cpu] = 1;
    this.calls.plan(cpu, q, this, ctr);
    return STEP;
  }
  private readonly scratch = new Int32Array(64);

  taskStep(cpu: number, q: number): number {
    const ph = this.tkPhase[cpu]!;
    if (ph === 0) {
      this.tkPhase[cpu] = 1;
      this.ctx.cost.charge(this.ctx.cpus.stageNs, cpu, OP.TASK, 1);
      return STEP;
    }
    this.tkPhase[cpu] = 0;
    if (ph === 2 || this.held[q] || this.br[q]!.count === 0) return STEP_DONE;
    this.held[q] = 1;
    this.counters[q]!.drains++;
    this.counters[q]!.taskDrains++;
    this.tkPhase[cpu] = 2;
    this.ctx.pushActivity(cpu, A_DRAIN, q);
    return STEP_PUSHED;
  }

  private cas(line: SharedLine, cpu: number, q: number): void {
    const r = line.retries;
    this.ctx.lineTime(line, cpu, 1, 0);
    this.counters[q]!.casRetries += line.retries - r;
  }

  inFlight(): number {
    let n = 0;
    for (const b of this.br) n += b.count;
    return n;
  }

  softRing(q: number): SoftRingSummary {
    const b = this.br[q]!, ctr = this.counters[q]!;
    return { kind: 'buf_ring', size: b.size, occupancy: b.count, enqueues: b.enqueued, drops: b.drops, drain_passes: ctr.drainCalls, drained: ctr.drained };
  }
}
