import { describe, expect, it } from 'vitest';
import { Histogram, bucketMid, bucketOf } from './histogram';
import { Prng } from './prng';

describe('Histogram', () => {
  it('buckets within 0.4% relative error', () => {
    for (const v of [0.1, 1, 6.72, 67.2, 1000, 123456.789, 3.3e9]) {
      expect(Math.abs(bucketMid(bucketOf(v)) - v) / v).toBeLessThan(0.004);
    }
  });

  it('reports exact mean and percentiles close to the sorted truth', () => {
    const h = new Histogram();
    const r = new Prng(9);
    const xs: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const v = r.exponential(500);
      xs.push(v);
      h.record(v);
    }
    xs.sort((a, b) => a - b);
    const truth = (q: number) => xs[Math.ceil(q * xs.length) - 1]!;
    expect(h.mean()).toBeCloseTo(xs.reduce((a, b) => a + b, 0) / xs.length, 6);
    for (const q of [0.5, 0.9, 0.99]) {
      expect(Math.abs(h.quantile(q) - truth(q)) / truth(q)).toBeLessThan(0.005);
    }
    expect(h.quantile(1)).toBeLessThanOrEqual(h.max);
  });

  it('is empty-safe', () => {
    const h = new Histogram();
    expect(h.quantile(0.5)).toBe(0);
    expect(h.mean()).toBe(0);
  });

  it('setTotals after bucketing in a hot loop gives what record gives', () => {
    const a = new Histogram(), b = new Histogram();
    const r = new Prng(3);
    let n = a.count, sum = a.sum, min = a.min, max = a.max;
    for (let i = 0; i < 1000; i++) {
      const v = r.exponential(80);
      a.counts[bucketOf(v)]! += 1;
      n++; sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
      b.record(v);
    }
    a.setTotals(n, sum, min, max);
    expect([a.count, a.sum, a.min, a.max, a.quantile(0.5), a.quantile(0.99)]).toEqual([b.count, b.sum, b.min, b.max, b.quantile(0.5), b.quantile(0.99)]);
    expect(Array.from(a.counts)).toEqual(Array.from(b.counts));
  });
});
