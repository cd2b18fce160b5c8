import { describe, expect, it } from 'vitest';
import { TxRing, Wire } from './txring';

describe('TxRing (lazy reclaim, as iflib)', () => {
  it('a finished frame keeps its descriptor until the driver reclaims it', () => {
    const ring = new TxRing(4, new Wire(10));
    for (let i = 0; i < 4; i++) expect(ring.offer(0)).toBe(true); // departures at 10, 20, 30, 40
    ring.observeUntil(100); // all four have left the wire...
    expect(ring.delivered).toBe(4);
    expect(ring.inFlight).toBe(0);
    expect(ring.occupancy).toBe(4); // ...but nobody reclaimed: the ring is still full
    expect(ring.offer(100)).toBe(false);
    expect(ring.dropped).toBe(1);
    ring.retireUntil(100); // iflib_completed_tx_reclaim at the next drain
    expect(ring.occupancy).toBe(0);
    expect(ring.reclaimed).toBe(4);
    expect(ring.offer(100)).toBe(true);
  });

  it('a reclaim threshold leaves completed descriptors held until more than it are done', () => {
    const ring = new TxRing(8, new Wire(10));
    for (let i = 0; i < 5; i++) ring.offer(0);
    const t = new Float64Array([35]); // three frames done
    ring.retireAt(t, 0, 3); // iflib_completed_tx_reclaim: reclaim <= thresh frees nothing
    expect(ring.occupancy).toBe(5);
    t[0] = 45; // four done
    ring.retireAt(t, 0, 3);
    expect(ring.occupancy).toBe(1);
  });

  it('as DESC_RECLAIMABLE, the newest isc_tx_nsegments completed descriptors stay held', () => {
    const ring = new TxRing(16, new Wire(10));
    for (let i = 0; i < 10; i++) ring.offer(0); // departures 10..100
    const t = new Float64Array([65]); // six done
    ring.retireAt(t, 0, 0, 0, 8); // fewer done than the 8 kept: nothing reclaimable
    expect(ring.occupancy).toBe(10);
    t[0] = 105; // all ten done: 10 − 8 = 2 reclaimed, the 8 newest stay
    ring.retireAt(t, 0, 0, 0, 8);
    expect(ring.reclaimed).toBe(2);
    expect(ring.occupancy).toBe(8);
    expect(ring.delivered).toBe(10);
    ring.retireAt(t, 0, 0, 0, 0); // without the reserve the rest goes
    expect(ring.occupancy).toBe(0);
  });

  it('with report-status at slot 0 and half the ring, the driver sees completions in chunks', () => {
    const ring = new TxRing(8, new Wire(10));
    for (let i = 0; i < 8; i++) ring.offer(0); // slots 0..7, departures 10..80
    const t = new Float64Array([35]); // slots 0..2 done; only slot 0 carries RS
    ring.retireAt(t, 0, 0, 4);
    expect(ring.occupancy).toBe(7); // slot 0 reclaimed
    t[0] = 45; // slots 0..3 done, RS at 4 not yet
    ring.retireAt(t, 0, 0, 4);
    expect(ring.occupancy).toBe(7);
    t[0] = 55; // slot 4 (RS) done: 1..4 reclaimed
    ring.retireAt(t, 0, 0, 4);
    expect(ring.occupancy).toBe(3);
    expect(ring.delivered).toBe(5);
  });

  it('held time (enqueue → reclaim) is what Little counts; latency stops at departure', () => {
    const ring = new TxRing(8, new Wire(10));
    ring.offer(0, 0); // departs at 10
    ring.observeUntil(50);
    ring.retireUntil(50); // reclaimed at 50
    expect(ring.latencySum).toBe(10);
    expect(ring.sojournSum).toBe(50);
    ring.observeUntil(100);
    expect(ring.area).toBeCloseTo(50, 9); // one descriptor held from 0 to 50
  });

  it('a hardware-only ring frees at departure', () => {
    const ring = new TxRing(2, new Wire(10), undefined, true);
    ring.offer(0);
    ring.offer(0);
    ring.observeUntil(15);
    expect(ring.occupancy).toBe(1);
    expect(ring.area).toBeCloseTo(2 * 10 + 1 * 5, 9);
  });

  it('rings sharing a wire serialise in hand-over order', () => {
    const w = new Wire(10);
    const a = new TxRing(4, w), b = new TxRing(4, w);
    a.offer(0, 0);
    b.offer(0, 0);
    a.offer(0, 0);
    a.observeUntil(29);
    b.observeUntil(29);
    expect(a.delivered).toBe(1); // a's second frame leaves at 30, behind b's at 20
    expect(b.delivered).toBe(1);
  });
});
