import { describe, expect, it } from 'vitest';
import { Prng } from './prng';
import { ZIG_F, ZIG_LAYERS, ZIG_R, ZIG_V, ZIG_X, ZIG_X53 } from './ziggurat';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const hex = (x: number): string => {
  f64[0] = x;
  return u32[1]!.toString(16).padStart(8, '0') + u32[0]!.toString(16).padStart(8, '0');
};

/** Kolmogorov–Smirnov statistic D of sorted samples against a CDF. */
function ksD(sorted: Float64Array, cdf: (x: number) => number): number {
  const n = sorted.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(sorted[i]!);
    d = Math.max(d, f - i / n, (i + 1) / n - f);
  }
  return d;
}

const expCdf = (x: number): number => 1 - Math.exp(-x);
/** KS critical value at α = 0.001 for large n: 1.95/√n (Kolmogorov distribution). */
const ksCritical = (n: number): number => 1.95 / Math.sqrt(n);

function draws(seed: number, n: number): Float64Array {
  const r = new Prng(seed);
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) xs[i] = r.standardExponential();
  return xs;
}

describe('ziggurat tables', () => {
  it('are 256 layers of equal area under e^−x, closing at the top', () => {
    expect(ZIG_X[1]).toBe(ZIG_R);
    expect(ZIG_X[ZIG_LAYERS]).toBe(0);
    expect(ZIG_F[ZIG_LAYERS]).toBe(1);
    // The base: rectangle [0, r] × [0, f(r)] plus the tail, area V.
    expect(Math.abs(ZIG_X[0]! * ZIG_F[1]! - ZIG_V) / ZIG_V).toBeLessThan(1e-15);
    expect(Math.abs((ZIG_R + 1) * Math.exp(-ZIG_R) - ZIG_V) / ZIG_V).toBeLessThan(1e-14);
    for (let i = 1; i < ZIG_LAYERS; i++) {
      expect(ZIG_X[i + 1]).toBeLessThan(ZIG_X[i]!);
      expect(ZIG_F[i + 1]).toBeGreaterThan(ZIG_F[i]!);
      // F[i] = e^−X[i] (Math.exp only as the reference here; the tables use detmath.log).
      expect(Math.abs(ZIG_F[i]! - Math.exp(-ZIG_X[i]!)) / ZIG_F[i]!).toBeLessThan(1e-14);
      const area = ZIG_X[i]! * (ZIG_F[i + 1]! - ZIG_F[i]!);
      // The top layer closes at 1, a few ulps from where the recursion would put it.
      expect(Math.abs(area - ZIG_V) / ZIG_V).toBeLessThan(i === ZIG_LAYERS - 1 ? 1e-12 : 1e-13);
    }
    for (let i = 0; i <= ZIG_LAYERS; i++) expect(ZIG_X53[i]! * 2 ** 53).toBe(ZIG_X[i]);
  });
});

describe('Prng.standardExponential (ziggurat)', () => {
  const n = 1_000_000;
  const xs = draws(20261201, n);

  it('has mean 1 and variance 1', () => {
    let s = 0, s2 = 0;
    for (const x of xs) { s += x; s2 += x * x; }
    const mean = s / n, variance = s2 / n - mean * mean;
    // Standard errors at n = 10^6: 0.001 for the mean, 0.0045 for the variance (4th moment 9).
    expect(Math.abs(mean - 1)).toBeLessThan(0.004);
    expect(Math.abs(variance - 1)).toBeLessThan(0.018);
  });

  it('passes a Kolmogorov–Smirnov test against 1 − e^−x, which a wrong distribution fails', () => {
    const sorted = Float64Array.from(xs).sort();
    expect(sorted[0]).toBeGreaterThanOrEqual(0);
    expect(ksD(sorted, expCdf)).toBeLessThan(ksCritical(n));
    // The same test rejects a close miss: a mean 1% off, or the tail cut at r.
    expect(ksD(sorted, (x) => 1 - Math.exp(-x / 1.01))).toBeGreaterThan(ksCritical(n));
    const cut = sorted.map((x) => Math.min(x, 3));
    expect(ksD(cut, (x) => (x >= 3 ? 1 : expCdf(x)))).toBeGreaterThan(ksCritical(n));
  });

  it('draws the tail beyond r at its rate, with exponential excess', () => {
    const tail = xs.filter((x) => x > ZIG_R);
    const expected = n * Math.exp(-ZIG_R); // 454
    expect(Math.abs(tail.length - expected)).toBeLessThan(5 * Math.sqrt(expected));
    const excess = tail.reduce((a, x) => a + (x - ZIG_R), 0) / tail.length;
    expect(Math.abs(excess - 1)).toBeLessThan(5 / Math.sqrt(tail.length));
  });

  it("fills the layers' overhangs (the rejection branch) correctly: KS within each of 8 ranges", () => {
    // Conditional on x in [a, b), the distribution is e^−x truncated; the overhang points decide it.
    const edges = [0, 0.05, 0.2, 0.5, 1, 2, 4, 7, ZIG_R];
    for (let e = 0; e + 1 < edges.length; e++) {
      const a = edges[e]!, b = edges[e + 1]!;
      const part = Float64Array.from(xs.filter((x) => x >= a && x < b)).sort();
      const fa = expCdf(a), fb = expCdf(b);
      expect(ksD(part, (x) => (expCdf(x) - fa) / (fb - fa))).toBeLessThan(ksCritical(part.length));
    }
  });

  it('gives these exact bits (a change moves every Poisson and bursty result)', () => {
    // Cross-checked once against an independent Python implementation of xoshiro128** and this
    // ziggurat over the same tables (2026-12-01).
    const r = new Prng(42);
    expect(Array.from({ length: 6 }, () => hex(r.standardExponential()))).toEqual([
      '3fe89cab4f0eb30d', '3f9853713799e739', '3fbcfa5e7329430c', '3f912037043bc5f4', '3ffc7c73ad15d0f1', '3fcd1d8ebf6620b4',
    ]);
  });

  it('fillStandardExponential gives the same values from the same draws, rare branches included', () => {
    const a = new Prng(7), b = new Prng(7);
    const out = new Float64Array(4096);
    for (let block = 0; block < 50; block++) {
      b.fillStandardExponential(out, out.length);
      for (let i = 0; i < out.length; i++) if (out[i] !== a.standardExponential()) throw new Error(`block ${block} value ${i} differs`);
    }
    expect(a.nextU32()).toBe(b.nextU32()); // the generators are in the same state after
  });
});
