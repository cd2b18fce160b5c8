import { describe, expect, it } from 'vitest';
import { Prng } from '../prng';
import { TxRing, Wire } from '../txring';
import { DRAIN_CXGBE, DRAIN_IFLIB, DrainCalls, type DrainSource } from './drain';
import { dbDeferLimit } from './txpath';
import { NOP, OP } from '../costmodel';
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

/** One iflib drain call planned on a ring holding `held` descriptors (`pending` of them not yet rung); what it takes and rings. */
function planWith(held: number, reserve: number, offered: number, size = 64, pending = 0): { taken: number; doorbells: number } {
  const time = new Float64Array(1);
  // the NIC never finishes a frame in this test (a wire slower than the run): nothing to reclaim
  const ring = new TxRing(size, new Wire(1e12));
  for (let i = 0; i < held - pending; i++) expect(ring.offer(0)).toBe(true);
  for (let i = 0; i < pending; i++) expect(ring.write(time, 0, time, 0)).toBe(true);
  const ctx = {
    clock: { timeCell: time },
    cost: {
      charge() {}, chargeDrainCall() {}, chargeNs() {}, chargeNsAt() {}, memStage: 0, txqXferNs: () => 0, xferNs: () => 0,
      owe: new Float64Array(1), totalNs: new Float64Array(NOP), uncachedFree: new Float64Array(1), uncachedWaitsEach: false,
    },
    cpus: { stageNs: new Float64Array(64) },
    rings: [ring],
    txReserve: reserve,
    reclaimThresh: 0,
    reclaimKeep: 0,
    reportsRs: false,
    rsPending: new Int32Array(1),
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
  const calls = new DrainCalls(ctx, DRAIN_IFLIB, 1, size, 1);
  const ctr = { drainCalls: 0, doorbells: 0 } as unknown as TxQueueCounters;
  calls.plan(0, 0, src, ctr);
  return { taken: calls.taken(0), doorbells: ctr.doorbells };
}

function takenWith(held: number, reserve: number, offered: number): number {
  return planWith(held, reserve, offered).taken;
}

/** The doorbells of one iflib_txq_drain call by the rule, with dbDeferLimit (nothing reclaimed). */
function doorbellsByRule(size: number, held: number, pending: number, reserve: number, offered: number): number {
  let db = 0, pend = pending, inUse = held, free = size - held, rang = false;
  if (pend >= dbDeferLimit(size, inUse) || free <= reserve) { db++; pend = 0; rang = true; }
  for (let i = 0; i < Math.min(offered, 32) && free > reserve; i++) {
    free--; pend++; inUse++;
    rang = pend >= dbDeferLimit(size, inUse) || free <= reserve;
    if (rang) { db++; pend = 0; }
  }
  if ((!rang && free < reserve - 2) || pend >= dbDeferLimit(size, inUse) || free <= reserve) db++;
  return db;
}

describe('iflib_txq_drain', () => {
  it('encapsulates only while more than MAX_TX_DESC + 2 descriptors are free (TXQ_AVAIL > reserve)', () => {
    const reserve = 10; // 64-descriptor ring
    expect(takenWith(0, reserve, 5)).toBe(5); // plenty of room: everything offered
    expect(takenWith(64 - reserve - 3, reserve, 5)).toBe(3); // 13 free: 13, 12, 11 pass the test
    expect(takenWith(64 - reserve - 1, reserve, 5)).toBe(1); // 11 free: one, then 10 is not > 10
    expect(takenWith(64 - reserve, reserve, 5)).toBe(0); // exactly the reserve free: none
  });

  it('rings where iflib_txd_db_check does, txq_max_db_deferred of the ring as it fills', () => {
    const r = new Prng(11);
    let deferred = 0;
    for (let k = 0; k < 400; k++) {
      const size = [64, 256, 1024][r.below(3)]!, reserve = 2 + r.below(10);
      const held = r.below(size - reserve), pending = r.below(held + 1), offered = 1 + r.below(40);
      const got = planWith(held, reserve, offered, size, pending).doorbells;
      expect(got, `size ${size} held ${held} pending ${pending} reserve ${reserve} offered ${offered}`).toBe(doorbellsByRule(size, held, pending, reserve, offered));
      if (got < Math.min(offered, 32)) deferred++;
    }
    // the states cover deferral, not only a doorbell per packet
    expect(deferred).toBeGreaterThan(50);
  });
});

describe("iflib_txq_drain's doorbells on the CPU", () => {
  /** A one-packet drain on an idle ring with stores of `storeNs` and `pktNs` of work per packet. */
  function oneCall(storeNs: number, pktNs: number, offered: number, each: boolean, policy = DRAIN_IFLIB) {
    const time = new Float64Array(1);
    const ring = new TxRing(1024, new Wire(1e12));
    const totalNs = new Float64Array(NOP);
    totalNs[OP.DOORBELL] = storeNs;
    totalNs[OP.ENCAP] = pktNs;
    const charged: number[] = [];
    let fixed = 0; // doorbells charged at a fixed cost (through charge: OP.DOORBELL)
    const ctx = {
      clock: { timeCell: time },
      cost: {
        charge(_s: Float64Array, _c: number, op: number, count: number) { if (op === OP.DOORBELL) fixed += count; },
        chargeNs() {}, memStage: 0, txqXferNs: () => 0, xferNs: () => 0, chargeDrainCall() {},
        chargeNsAt(_s: Float64Array, _c: number, _st: number, ns: Float64Array, i: number) { charged.push(ns[i]!); },
        owe: new Float64Array(1), totalNs, uncachedFree: new Float64Array(1).fill(-1e9), uncachedWaitsEach: each,
      },
      cpus: { stageNs: new Float64Array(64) }, rings: [ring], txReserve: 2, reclaimThresh: 0, reclaimKeep: 0,
      reportsRs: false, rsPending: new Int32Array(1), txqOwner: new Int32Array([-1]), ledger: { c: new Float64Array(64) }, tap: null,
    } as unknown as TxContext;
    const src: DrainSource = { srcAvail: () => offered, srcPeek: (_q, i) => i, srcStamps: new Float64Array(offered), srcCpu: new Int32Array(offered), srcSize: offered };
    const ctr = { drainCalls: 0, doorbells: 0 } as unknown as TxQueueCounters;
    new DrainCalls(ctx, policy, 1, 1024, 1).plan(0, 0, src, ctr);
    return { doorbells: ctr.doorbells, fixed, wait: charged.reduce((a, b) => a + b, 0) };
  }
  it('no fixed charge per doorbell: the CPU pays the wait for their uncached stores', () => {
    const r = oneCall(100, 30, 1, false);
    // a lone packet on an idle 1024 ring (in_use < 128: txq_max_db_deferred 0): iflib_txd_db_check
    // rings before the loop, after the packet and after the loop
    expect(r.doorbells).toBe(3);
    expect(r.fixed).toBe(0);
    // stores done at 100, 200, 300 one after another, the call's work at 30: the closing CAS waits 270
    expect(r.wait).toBeCloseTo(270, 9);
  });
  it('a doorbell per packet with more work between them than a store takes waits only at the end', () => {
    const r = oneCall(100, 250, 4, true);
    expect(r.doorbells).toBe(6);
    // before the loop, after each of 4 packets (250 apart: each store is done before the next) and
    // after the loop, back to back with the last: that one waits 100, and the close 100
    expect(r.wait).toBeCloseTo(200, 9);
  });
  it("cxgbe's eth_tx waits the same way: a long call's doorbells hide behind its frames but for the last", () => {
    const slow = oneCall(100, 1000, 200, false, DRAIN_CXGBE), fast = oneCall(100, 0.001, 200, false, DRAIN_CXGBE);
    expect(slow.doorbells).toBeGreaterThan(2);
    expect(slow.fixed).toBe(0);
    // frames of 1 µs between ring_eq_db writes: only the store of the last, at the call's end, is waited for
    expect(slow.wait).toBeCloseTo(100, 6);
    // next to no work between them: the closing CAS waits for nearly every store
    expect(fast.wait).toBeGreaterThan((fast.doorbells - 0.01) * 100);
  });
});
