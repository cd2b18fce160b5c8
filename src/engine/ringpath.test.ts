import { describe, expect, it } from 'vitest';
import { Prng } from './prng';
import { HwRing } from './ringpath';
import { TrafficSource, type ArrivalProcess } from './traffic';
import { TxRing, Wire } from './txring';

/**
 * HwRing (the ring workload's closed-form ring) against txring.ts's TxRing with free-on-completion,
 * which retires frame by frame: the same arrivals must give the same drops, deliveries, peak
 * occupancy, holding times (summed in the same order: the same bits), latency histogram and
 * in-flight age, at every observation; only ∫N dt is computed differently (from the epochs instead
 * of event by event), so it agrees to rounding.
 */
function compare(process: ArrivalProcess, load: number, cap: number, seed: number, n = 20_000) {
  const S = 67.2;
  const src = new TrafficSource(process, load / S, new Prng(seed));
  const times = new Float64Array(n);
  src.fill(times, n);
  const a = new HwRing(cap, S);
  const b = new TxRing(cap, new Wire(S), undefined, true);
  // Observations (frame boundaries) at an arrival instant, between arrivals, and past the end.
  const marks = [times[n >> 3]!, times[n >> 2]! + 0.5, times[n >> 1]! + S / 3, times[n - 1]! + 1e4];
  let k = 0, mi = 0, worstArea = 0;
  const state = (r: HwRing | TxRing, T: number) => [r.enqueued, r.delivered, r.reclaimed, r.dropped, r.maxOccupancy, r.occupancy, r.inFlight, r.sojournSum, r.latencySum, r.latency.count, r.latency.sum, r.latency.min, r.latency.max, r.latency.quantile(0.5), r.latency.quantile(0.99), r.inFlightAge(T)];
  while (mi < marks.length) {
    const h = marks[mi]!;
    // Blocks of varying size, as the model's arrival buffer and horizons cut them.
    const k2 = a.offerBlock(times, k, Math.min(n, k + 1 + ((k * 7) % 300)), h);
    for (let j = k; j < k2; j++) {
      b.retireUntil(times[j]!);
      b.offer(times[j]!);
    }
    k = k2;
    if (k === n || times[k]! >= h) {
      a.observeUntil(h);
      b.observeUntil(h);
      expect(state(a, h)).toEqual(state(b, h));
      worstArea = Math.max(worstArea, Math.abs(a.area - b.area) / Math.max(1, b.area));
      mi++;
    }
  }
  expect(worstArea).toBeLessThan(1e-11);
  return a;
}

describe('HwRing', () => {
  it.each(['constant', 'poisson', 'bursty'] as const)('%s: the same frame-by-frame figures as TxRing, at loads below, at and above line rate', (p) => {
    for (const load of [0.3, 0.8, 1, 1.4]) {
      for (const cap of [1, 4, 64, 100, 1024]) {
        const r = compare(p, load, cap, 7 + cap);
        if (load > 1 && p !== 'bursty') expect(r.dropped).toBeGreaterThan(0);
      }
    }
  });

  it('a ring that never fills its slots between observations and one that refills them many times agree alike', () => {
    // 16384 slots are never all unaccounted in 20k arrivals; a 2-descriptor ring is every other one.
    compare('poisson', 0.95, 16384, 3);
    const small = compare('bursty', 0.7, 2, 5);
    expect(small.dropped).toBeGreaterThan(0);
  });

  it('holds Little\'s law from independent quantities: ∫N dt from the epochs, holding times per frame', () => {
    const r = compare('poisson', 0.9, 256, 11, 100_000);
    const T = r.integratedAt;
    const L = r.area / T, lw = (r.sojournSum + r.inFlightAge(T)) / T;
    expect(Math.abs(L - lw) / L).toBeLessThan(1e-9);
    expect(L).toBeGreaterThan(1);
  });
});
