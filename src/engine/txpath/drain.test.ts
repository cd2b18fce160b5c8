import { describe, expect, it } from 'vitest';
import { TxRing, Wire } from '../txring';
import { DRAIN_IFLIB, DrainCalls, dbDeferLimit, type DrainSource } from './drain';
import type { TxContext, TxQueueCounters } from './txpath';

describe('txq_max_db_deferred', () => {
  it('rings every packet while the ring holds at most size/8, then defers more as it fills', () => {
    // 1024 descriptors: TXD_NOTIFY_COUNT = 1024/16 − 1 = 63, minthresh = 128
    expect(dbDeferLimit(1024, 0)).toBe(0);
    expect(dbDeferLimit(1024, 128)).toBe(0);
    expect(dbDeferLimit(1024, 129)).toBe(63 >> 3);
    expect(dbDeferLimit(1024, 257)).toBe(63 >> 1);
    expect(dbDeferLimit(1024, 513)).toBe(63);
    expect(dbDeferLimit(2048, 1000)).toBe(127 >> 1);
  });
});

/** One iflib drain call planned on a ring holding `held` descriptors; what it takes. */
function takenWith(held: number, reserve: number, offered: number): number {
  const time = new Float64Array(1);
  // the NIC never finishes a frame in this test (a wire slower than the run): nothing to reclaim
  const ring = new TxRing(64, new Wire(1e12));
  for (let i = 0; i < held; i++) expect(ring.offer(0)).toBe(true);
  const ctx = {
    clock: { timeCell: time },
    cost: { charge() {}, chargeNs() {}, memStage: 0, txqXferNs: () => 0, xferNs: () => 0 },
    cpus: { stageNs: new Float64Array(64) },
    rings: [ring],
    txReserve: reserve,
    reclaimThresh: 0,
    reclaimKeep: 0,
    txqOwner: new Int32Array([-1]),
    ledger: { c: new Float64Array(64) },
    tap: null,
  } as unknown as TxContext;
  const src: DrainSource = {
    srcAvail: () => offered,
    srcPeek: (_q, i) => i,
    srcStamps: new Float64Array(offered),
    srcCpu: new Int32Array(offered),
    srcSize: offered,
  };
  const calls = new DrainCalls(ctx, DRAIN_IFLIB, 1, 64, 1);
  calls.plan(0, 0, src, { drainCalls: 0, doorbells: 0 } as unknown as TxQueueCounters);
  return calls.taken(0);
}

describe('iflib_txq_drain', () => {
  it('encapsulates only while more than MAX_TX_DESC + 2 descriptors are free (TXQ_AVAIL > reserve)', () => {
    const reserve = 10; // 64-descriptor ring
    expect(takenWith(0, reserve, 5)).toBe(5); // plenty of room: everything offered
    expect(takenWith(64 - reserve - 3, reserve, 5)).toBe(3); // 13 free: 13, 12, 11 pass the test
    expect(takenWith(64 - reserve - 1, reserve, 5)).toBe(1); // 11 free: one, then 10 is not > 10
    expect(takenWith(64 - reserve, reserve, 5)).toBe(0); // exactly the reserve free: none
  });
});
