/**
 * Sweep point spacing from + − × ÷ and comparisons only, so a sweep's points are the same bits in
 * every engine by construction (Math.pow, Math.log2 and `**` are implementation-approximated; see
 * detmath.ts). Used by sweep.ts.
 *
 * Geometric spacing of k + 1 points from a to b: the step r is the k-th root of b / a (bisection
 * on doubles to the double whose k-th power comes closest, then one Newton step carried in
 * double-double arithmetic, ~106 bits); point i is a × r^i (repeated squaring, in double-double),
 * rounded once to a double; the ends are a and b exactly. The caller then applies the stated rounding
 * rule: whole numbers for integer knobs (half up), 12 significant digits for the others (the
 * exactly specified Number.prototype.toPrecision), so decades stay decades (10.000000000000002
 * → 10).
 *
 * Powers of two are exponent arithmetic: a log sweep from 2^p to 2^q takes 2^(p + round((q − p) i / k))
 * (half up), a linear one snaps each linear value v to the nearer power of two on a log scale
 * (2^(j+1) when v² ≥ 2^(2j+1), with 2^j ≤ v < 2^(j+1)).
 */

/** x^n for a whole n ≥ 0 by repeated squaring. */
export function powInt(x: number, n: number): number {
  let r = 1;
  let b = x;
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) r *= b;
    b *= b;
  }
  return r;
}

/** The double r between 1 and q whose powInt(r, k) is nearest q (q > 0, whole k ≥ 1); ties go low. */
export function rootInt(q: number, k: number): number {
  if (k === 1 || q === 1) return q;
  let lo = Math.min(1, q);
  let hi = Math.max(1, q);
  for (;;) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    if (powInt(mid, k) < q) lo = mid;
    else hi = mid;
  }
  return Math.abs(powInt(hi, k) - q) < Math.abs(powInt(lo, k) - q) ? hi : lo;
}

// ---- double-double arithmetic (Dekker, Knuth): a value is hi + lo with |lo| ≤ ½ ulp(hi), about
// 106 bits; built from + − × only, so it is as deterministic as they are. The geometric step and
// its powers are carried in it, so a 999-point sweep does not pile up 999 roundings of the step.

type DD = [number, number];
const SPLIT = 134217729; // 2^27 + 1

function twoSum(a: number, b: number): DD {
  const s = a + b;
  const bb = s - a;
  return [s, a - (s - bb) + (b - bb)];
}

function twoProd(a: number, b: number): DD {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  return [p, ah * bh - p + ah * bl + al * bh + al * bl];
}

function ddMul(x: DD, y: DD): DD {
  const [p, e] = twoProd(x[0], y[0]);
  return twoSum(p, e + (x[0] * y[1] + x[1] * y[0]));
}

function ddPowInt(x: DD, n: number): DD {
  let r: DD = [1, 0];
  let b = x;
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) r = ddMul(r, b);
    b = ddMul(b, b);
  }
  return r;
}

/** The k-th root of q as a double-double: rootInt's double, then one Newton step in double-double. */
export function rootIntDD(q: number, k: number): DD {
  const r0 = rootInt(q, k);
  if (k === 1 || q === 1) return [r0, 0];
  const p = ddPowInt([r0, 0], k);
  // r = r0 − (r0^k − q) / (k r0^(k−1)); the residual is tiny, so double precision suffices for it.
  const [d0, d1] = twoSum(q, -p[0]);
  const residual = d0 + (d1 - p[1]);
  return twoSum(r0, residual / ((k * p[0]) / r0));
}

/** count points from a to b (both > 0), geometrically spaced; the ends exact, before rounding. */
export function geometricPoints(a: number, b: number, count: number): number[] {
  if (count === 1) return [a];
  const k = count - 1;
  const r = rootIntDD(b / a, k);
  const out: number[] = [];
  for (let i = 0; i <= k; i++) {
    if (i === 0 || i === k) out.push(i === 0 ? a : b);
    else {
      const x = ddMul([a, 0], ddPowInt(r, i));
      out.push(x[0] + x[1]);
    }
  }
  return out;
}

/** The exponent p of a power of two x = 2^p (x a power of two, as pow2 knobs are). */
export function log2Exact(x: number): number {
  let p = 0;
  for (let v = 1; v < x; v *= 2) p++;
  for (let v = 1; v > x; v /= 2) p--;
  return p;
}

/** 2^p for a whole p, exactly. */
export function pow2(p: number): number {
  let v = 1;
  for (let i = 0; i < p; i++) v *= 2;
  for (let i = 0; i > p; i--) v /= 2;
  return v;
}

/** The power of two nearest v > 0 on a log scale (see above). */
export function nearestPow2(v: number): number {
  let j = 0;
  while (pow2(j + 1) <= v) j++;
  while (pow2(j) > v) j--;
  return v * v >= pow2(2 * j + 1) ? pow2(j + 1) : pow2(j);
}

/** count powers of two from 2^p to 2^q, geometrically spaced: exponents p + round((q − p) i / k), half up. */
export function pow2LogPoints(a: number, b: number, count: number): number[] {
  if (count === 1) return [a];
  const p = log2Exact(a);
  const q = log2Exact(b);
  const k = count - 1;
  const out: number[] = [];
  // (q − p)·i is a small whole number and k ≤ 999: the quotient is never within an ulp of a
  // half it is not exactly, so Math.floor(x + 0.5) is round-half-up of the exact ratio.
  for (let i = 0; i <= k; i++) out.push(pow2(p + Math.floor(((q - p) * i) / k + 0.5)));
  return out;
}
