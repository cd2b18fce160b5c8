import { describe, expect, it } from 'vitest';
import { UC_FREE, UC_SLOTS, UC_STORE, UC_W, UC_W0, UC_WAIT, uncachedWaits } from './uncached';

const at = (...xs: number[]) => Int32Array.from([...xs, 0, 0]);
const run = (L: number, each: boolean, free: number, w0: number, w: number, start: boolean, pos: Int32Array, n: number, writes: number, end: boolean) => {
  const io = new Float64Array(UC_SLOTS);
  io[UC_STORE] = L;
  io[UC_FREE] = free;
  io[UC_W0] = w0;
  io[UC_W] = w;
  uncachedWaits(io, each, start, pos, n, writes, end);
  return { wait: io[UC_WAIT]!, free: io[UC_FREE]! };
};

describe('uncached stores (doorbells)', () => {
  it("a one-packet drain's three doorbells: the closing CAS waits for all three stores, one after another", () => {
    // iflib_txd_db_check before the loop, after the packet, after the loop; work 10 before, 30 per packet
    for (const each of [false, true]) {
      const r = run(100, each, -1e9, 10, 30, true, at(1), 1, 1, true);
      // stores complete at 110, 210, 310; the call's work ends at 40: it waits 270 either way
      expect(r.wait, String(each)).toBeCloseTo(270, 9);
      expect(r.free).toBeCloseTo(310, 9);
    }
  });
  it('doorbells further apart than a store takes cost nothing, on both rules', () => {
    for (const each of [false, true]) {
      const r = run(100, each, -1e9, 0, 150, true, at(1, 2, 3), 3, 3, false);
      // stores at 0, 150, 300, 450 done by 100, 250, 400, 550; the call ends at 450 and waits 100
      expect(r.wait).toBeCloseTo(100, 9);
    }
  });
  it('a doorbell per packet with less work between them than a store takes: one store time per packet', () => {
    // 4 packets of 30, a doorbell after each, stores of 100: done at 130, 230, 330, 430
    for (const each of [false, true]) {
      const r = run(100, each, -1e9, 0, 30, false, at(1, 2, 3, 4), 4, 4, false);
      // the work ends at 120 (Intel) or is held with each store (AMD): 310 of waiting either way
      expect(r.wait, String(each)).toBeCloseTo(310, 9);
      expect(r.free).toBeCloseTo(430, 9);
    }
  });
  it('Intel goes on working while an earlier store completes; AMD waits at the next doorbell', () => {
    // a store of the last call completes at 200; this call rings at once, then writes a packet of 150
    const intel = run(100, false, 200, 0, 150, true, at(), 0, 1, false);
    const amd = run(100, true, 200, 0, 150, true, at(), 0, 1, false);
    expect(intel.wait).toBeCloseTo(150, 9); // its store is done at 300, its work at 150
    expect(amd.wait).toBeCloseTo(200, 9); // it waits to 200 to ring, then works to 350
  });
  it("a store still in flight from the CPU's last call holds up the first doorbell of the next", () => {
    const idle = run(100, true, -1e9, 5, 30, true, at(), 0, 1, false);
    const busy = run(100, true, 60, 5, 30, true, at(), 0, 1, false);
    expect(busy.wait - idle.wait).toBeCloseTo(55, 9);
  });
  it('no doorbell: no wait, and the last store stays where it was', () => {
    const r = run(100, false, 20, 5, 30, false, at(), 0, 2, false);
    expect(r.wait).toBe(0);
    expect(r.free).toBe(20);
  });
});
