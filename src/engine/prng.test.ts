import { describe, expect, it } from 'vitest';
import { Prng } from './prng';

describe('Prng', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const a = new Prng(7), b = new Prng(7), c = new Prng(8);
    const sa = Array.from({ length: 8 }, () => a.nextU32());
    const sb = Array.from({ length: 8 }, () => b.nextU32());
    const sc = Array.from({ length: 8 }, () => c.nextU32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('produces uniform floats in [0,1) with the right mean and variance', () => {
    const r = new Prng(123);
    let sum = 0, sum2 = 0, min = 1, max = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) {
      const u = r.nextFloat();
      sum += u; sum2 += u * u; min = Math.min(min, u); max = Math.max(max, u);
    }
    const mean = sum / n;
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sum2 / n - mean * mean).toBeCloseTo(1 / 12, 2);
  });

  it('exponential and geometric variates have the requested means', () => {
    const r = new Prng(5);
    let e = 0, g = 0;
    const n = 200_000;
    for (let i = 0; i < n; i++) { e += r.exponential(3); g += r.geometric(32); }
    expect(e / n).toBeGreaterThan(2.95);
    expect(e / n).toBeLessThan(3.05);
    expect(g / n).toBeGreaterThan(31.5);
    expect(g / n).toBeLessThan(32.5);
  });
});
