import { describe, expect, it } from 'vitest';
import { Prng } from './prng';
import { BURST_MEAN_FRAMES, TrafficSource, type ArrivalProcess } from './traffic';

function arrivals(p: ArrivalProcess, rate: number, n: number, seed = 1): number[] {
  const s = new TrafficSource(p, rate, new Prng(seed));
  const out: number[] = [];
  for (let i = 0; i < n; i++) { out.push(s.next); s.advance(); }
  return out;
}

describe('TrafficSource', () => {
  it.each(['constant', 'poisson', 'bursty'] as const)('%s keeps the offered mean rate', (p) => {
    const rate = 0.01; // 10 Mpps in packets/ns
    const xs = arrivals(p, rate, 200_000);
    const measured = (xs.length - 1) / (xs[xs.length - 1]! - xs[0]!);
    expect(measured / rate).toBeGreaterThan(0.97);
    expect(measured / rate).toBeLessThan(1.03);
    expect(xs.every((x, i) => i === 0 || x >= xs[i - 1]!)).toBe(true);
  });

  it('constant spacing is exact and does not drift', () => {
    const xs = arrivals('constant', 1 / 3, 1_000_001);
    expect(xs[1_000_000]).toBe(3_000_000);
  });

  it('poisson gaps have coefficient of variation 1; constant has 0', () => {
    const cv = (xs: number[]) => {
      const g = xs.slice(1).map((x, i) => x - xs[i]!);
      const m = g.reduce((a, b) => a + b, 0) / g.length;
      const v = g.reduce((a, b) => a + (b - m) ** 2, 0) / g.length;
      return Math.sqrt(v) / m;
    };
    expect(cv(arrivals('poisson', 0.005, 100_000))).toBeCloseTo(1, 1);
    expect(cv(arrivals('constant', 0.005, 1000))).toBeLessThan(1e-9);
  });

  it('bursty sends simultaneous bursts of the configured mean length', () => {
    const xs = arrivals('bursty', 0.005, 200_000, 3);
    let bursts = 1;
    for (let i = 1; i < xs.length; i++) if (xs[i]! !== xs[i - 1]!) bursts++;
    const mean = xs.length / bursts;
    expect(mean).toBeGreaterThan(BURST_MEAN_FRAMES * 0.9);
    expect(mean).toBeLessThan(BURST_MEAN_FRAMES * 1.1);
  });

  it('different seeds give different poisson arrivals; zero load gives none', () => {
    expect(arrivals('poisson', 0.01, 10, 1)).not.toEqual(arrivals('poisson', 0.01, 10, 2));
    expect(new TrafficSource('poisson', 0, new Prng(1)).next).toBe(Infinity);
  });

  it.each(['constant', 'poisson', 'bursty'] as const)('%s: fill gives the same times as next/advance, in blocks of any size', (p) => {
    const seq = arrivals(p, 0.012, 5000, 9);
    const s = new TrafficSource(p, 0.012, new Prng(9));
    const got: number[] = [];
    for (let size = 1; got.length < 5000; size = (size * 3) % 251 + 1) {
      const out = new Float64Array(size);
      s.fill(out, size);
      got.push(...out);
    }
    expect(got.slice(0, 5000)).toEqual(seq);
    expect(s.count).toBe(got.length + 1);
  });

  it('fill on a silent source gives +Infinity', () => {
    const out = new Float64Array(4);
    new TrafficSource('poisson', 0, new Prng(1)).fill(out, 4);
    expect([...out]).toEqual([Infinity, Infinity, Infinity, Infinity]);
  });
});
