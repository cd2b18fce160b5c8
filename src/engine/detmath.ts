/**
 * Deterministic transcendental functions. ECMAScript leaves Math.log, Math.exp, Math.pow and the
 * other transcendental functions "implementation-approximated": engines may, and do, round them
 * differently (Node 20's V8 and current Chromium disagree in the last bit of Math.log for about 7%
 * of inputs). Anything here uses only IEEE-754 double arithmetic (+ − × ÷, which JavaScript rounds
 * exactly and never fuses), comparisons and bit access to the double, so it gives the same bits in
 * every engine. The engine draws its random variates through these (prng.ts), so a share link
 * reproduces bit for bit in Node and in the browser.
 *
 * Hot path: no allocation per call; the bit view is one shared typed array.
 */

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
/** Index of the word holding sign, exponent and the top 20 mantissa bits (1 on little-endian). */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/**
 * ln 2 split in two: LN2_HI is ln 2 truncated to 32 significant bits (its low 21 mantissa bits are
 * zero, so k·LN2_HI is exact for any binary exponent k), LN2_LO the double nearest ln 2 − LN2_HI.
 */
const LN2_HI = 0.6931471803691238; // 0x3fe62e42_fee00000
const LN2_LO = 1.9082149292705877e-10; // 0x3dea39ef_35793c76

/** 2^54: scales a subnormal into the normal range exactly. */
const TWO54 = 18014398509481984;

/** Top 20 mantissa bits of √2 (0x3ff6a09e_667f3bcd): from here on the mantissa is halved. */
const SQRT2_HI_MANT = 0x6a09e;

/**
 * SCALE[e] = 2^(1023−e) for each biased exponent e in 1..2047: multiplying a double of biased
 * exponent e (or e − 1) by it gives its mantissa in [1, 2) (or [½, 1)), exactly. A table rather than rewriting the exponent
 * bits in place: writing half of a double and reading it back whole defeats the CPU's store
 * forwarding, which made log() twice as slow.
 */
const SCALE = new Float64Array(2048);
for (let e = 1023, p = 1; e < 2048; e++, p /= 2) SCALE[e] = p;
for (let e = 1023, p = 1; e >= 1; e--, p *= 2) SCALE[e] = p;

/**
 * Coefficients of R(z) = Σ_{n≥1} 2 zⁿ/(2n+1), the series of 2·atanh(s)/s − 2 in z = s². With
 * |s| ≤ (√2−1)/(√2+1) ≈ 0.1716, z ≤ 0.0295, so the first omitted term, 2 z¹¹/23, is below 2⁻⁵⁹:
 * under 1/60 of an ulp of the result. Each quotient is one IEEE division, the same everywhere.
 */
const C1 = 2 / 3, C2 = 2 / 5, C3 = 2 / 7, C4 = 2 / 9, C5 = 2 / 11;
const C6 = 2 / 13, C7 = 2 / 15, C8 = 2 / 17, C9 = 2 / 19, C10 = 2 / 21;

/**
 * Natural logarithm, within 1 ulp of the exact value over the whole double range (subnormals
 * included), with log(1) = +0, log(±0) = −∞, log(+∞) = +∞, and NaN for NaN and negative x.
 *
 * x = 2^k · m with m in [√½, √2) (read from the exponent and top mantissa bits); with f = m − 1
 * (exact) and s = f/(2+f), log m = log((1+s)/(1−s)) = 2s + s·R(s²), and 2s = f − s·f. Rearranged
 * as f − (f²/2 − s·(f²/2 + R)) so that the large part f enters last and unrounded, and k·ln 2 is
 * added in two parts (hi exact, lo with the small terms).
 */
export function log(x: number): number {
  f64[0] = x;
  let hi = u32[HI]!;
  let k = 0;
  if (!(hi >= 0x00100000 && hi < 0x7ff00000)) {
    // not a positive normal number
    if (!(x > 0)) return x === 0 ? -1 / 0 : 0 / 0; // −0 too; NaN and negatives (literals: an inlined global load boxes the result)
    if (x === Infinity) return x;
    x *= TWO54; // subnormal: scale into the normal range, exactly
    f64[0] = x;
    hi = u32[HI]!;
    k = -54;
  }
  // m in [√2, 2): use m/2 and one more power of 2. Branch-free, as the branch is a coin toss for
  // random inputs (mispredicted, it cost about 4 ns a call): adding 2^20 − 0x6a09e to the top 20
  // mantissa bits carries into bit 20 exactly when they are ≥ 0x6a09e.
  const e = (hi >>> 20) + (((hi & 0x000fffff) + (0x100000 - SQRT2_HI_MANT)) >>> 20);
  k += e - 1023;
  const f = x * SCALE[e]! - 1; // both steps exact: a power-of-2 scaling, then Sterbenz
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const r = z * (C1 + w * (C3 + w * (C5 + w * (C7 + w * C9)))) + w * (C2 + w * (C4 + w * (C6 + w * (C8 + w * C10))));
  const hfsq = 0.5 * f * f;
  return k * LN2_HI + (f - (hfsq - (s * (hfsq + r) + k * LN2_LO)));
}

/**
 * 2^k for an integer k, exactly (built from its bits; Math.pow and ** are implementation-
 * approximated even here). Rounds k toward −∞ if it is not an integer; 0 below 2⁻¹⁰⁷⁴, ∞ above
 * 2¹⁰²³, NaN for NaN.
 */
export function exp2i(k: number): number {
  k = Math.floor(k);
  if (k !== k) return 0 / 0;
  if (k > 1023) return 1 / 0;
  if (k < -1074) return 0;
  if (k < -1022) return exp2i(k + 54) / TWO54; // subnormal: exact, a power of two
  u32[LO] = 0;
  u32[HI] = (k + 1023) << 20;
  return f64[0]!;
}
