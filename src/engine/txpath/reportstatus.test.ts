import { describe, expect, it } from 'vitest';
import { TxRing, Wire } from '../txring';
import { iflibReportStatus, type TxContext } from './txpath';

/** A ring of `size` descriptors holding `held` frames the NIC never finishes, and a context. */
function setup(size: number, held: number, txReserve = 34): { ring: TxRing; ctx: TxContext } {
  const ring = new TxRing(size, new Wire(1e12));
  for (let i = 0; i < held; i++) ring.offer(0);
  const ctx = { reportsRs: true, rsPending: new Int32Array(1), txReserve } as unknown as TxContext;
  return { ring, ctx };
}

/** Frames between two RS descriptors while the ring's in_use stays at `held` (one segment each). */
function rsEvery(size: number, held: number): number {
  const { ring, ctx } = setup(size, held);
  const marks: number[] = [];
  for (let k = 1; k <= 200; k++) if (iflibReportStatus(ctx, 0, ring) === 1) marks.push(k);
  return marks[1]! - marks[0]!;
}

describe('iflib_encap report status (txq_max_rs_deferred)', () => {
  it('asks a report every 2nd frame on a near-empty ring, every 8th, 16th and 32nd above size/8, /4, /2', () => {
    // 1024 descriptors: TXD_NOTIFY_COUNT = 63, minthresh = 128; ift_rs_pending grows by 2 a frame
    expect(rsEvery(1024, 0)).toBe(2); // pending > 2
    expect(rsEvery(1024, 129)).toBe(8); // > 63 >> 2 = 15
    expect(rsEvery(1024, 257)).toBe(16); // > 31
    expect(rsEvery(1024, 513)).toBe(32); // > 63
  });

  it('asks one for every frame at the ring\'s edge (TXQ_AVAIL − nsegs ≤ MAX_TX_DESC + 2)', () => {
    const { ring, ctx } = setup(64, 64 - 35, 34); // free 35: 35 − 1 ≤ 34
    expect([1, 2, 3].map(() => iflibReportStatus(ctx, 0, ring))).toEqual([1, 1, 1]);
  });
});

describe('TxRing completions read from RS descriptors', () => {
  it('a reclaim sees completions only up to the last finished descriptor written with RS', () => {
    const ring = new TxRing(8, new Wire(10));
    const t = new Float64Array([0]), stamps = new Float64Array(1);
    [0, 1, 0, 0, 1, 0].forEach((rs) => ring.write(t, 0, stamps, 0, rs));
    ring.doorbell(t, 0); // departures 10 … 60
    t[0] = 100; // all six done
    ring.retireAt(t, 0, 0, 0, 0, true);
    expect(ring.reclaimed).toBe(5); // up to the RS at the fifth
    expect(ring.occupancy).toBe(1);
    ring.retireAt(t, 0, 0, 0, 0, false); // a head write-back sees the last one too
    expect(ring.occupancy).toBe(0);
  });
});
