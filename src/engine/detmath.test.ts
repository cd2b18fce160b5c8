import { describe, expect, it } from 'vitest';
import { exp2i, log } from './detmath';
import { Prng } from './prng';

const f64 = new Float64Array(1);
const bits = new BigInt64Array(f64.buffer);

/** The double's bits as 16 hex digits. */
function hex(x: number): string {
  f64[0] = x;
  return BigInt.asUintN(64, bits[0]!).toString(16).padStart(16, '0');
}

function fromBits(b: bigint): number {
  bits[0] = BigInt.asIntN(64, b);
  return f64[0]!;
}

/** Distance in ulps between two finite doubles (counting representable values between them). */
function ulps(a: number, b: number): number {
  const key = (x: number): bigint => {
    f64[0] = x;
    const v = bits[0]!;
    return v < 0n ? -(v & 0x7fffffffffffffffn) : v; // sign-magnitude → one ordered line
  };
  const d = key(a) - key(b);
  return Number(d < 0n ? -d : d);
}

/** ~200k positive finite inputs: every exponent, near 1, near the √2 split, subnormals, powers of 2. */
function inputs(): number[] {
  const r = new Prng(20240607);
  const xs: number[] = [];
  // Uniform over bit patterns: every binade from the smallest subnormal to the largest double.
  for (let i = 0; i < 80_000; i++) {
    const b = (BigInt(r.nextU32() & 0x7fffffff) << 32n) | BigInt(r.nextU32());
    const x = fromBits(b);
    if (x > 0 && x < Infinity) xs.push(x);
  }
  // Near 1, at every scale of |x − 1| from 2^-1 down to 2^-53.
  for (let i = 0; i < 50_000; i++) xs.push(1 + (r.nextFloat() - 0.5) * 2 ** -r.below(53));
  // Within a few ulps of 1.
  for (let i = -64; i <= 64; i++) xs.push(fromBits(0x3ff0000000000000n + BigInt(i)));
  // Around the mantissa split at √2 (and √½), where the reduction changes branch.
  for (let i = 0; i < 20_000; i++) {
    const e = 1 + (r.nextFloat() - 0.5) * 2 ** -(4 + r.below(40));
    xs.push(Math.SQRT2 * e, Math.SQRT1_2 * e, Math.SQRT2 * e * 2 ** (r.below(200) - 100));
  }
  // Subnormals: random bit patterns below 2^-1022, and the smallest ones.
  for (let i = 0; i < 10_000; i++) xs.push(fromBits((BigInt(r.nextU32() & 0xfffff) << 32n) | BigInt(r.nextU32())) || Number.MIN_VALUE);
  for (let i = 1n; i <= 64n; i++) xs.push(fromBits(i));
  // Uniform on (0, 1]: what the PRNG's variates feed it (1 − u).
  for (let i = 0; i < 30_000; i++) xs.push(1 - r.nextFloat());
  // Every power of two, and the extremes.
  for (let k = -1074; k <= 1023; k++) xs.push(2 ** k);
  xs.push(Number.MAX_VALUE, Number.MIN_VALUE, 2.2250738585072014e-308, 2.225073858507201e-308, Math.E, 10, 0.1);
  return xs;
}

describe('detmath.log', () => {
  it('is within 2 ulp of Math.log over ~200k inputs across the whole double range', () => {
    const xs = inputs();
    expect(xs.length).toBeGreaterThan(190_000);
    let worst = 0, worstX = 0, differ = 0;
    for (const x of xs) {
      const got = log(x), want = Math.log(x);
      if (Object.is(got, want)) continue;
      differ++;
      const d = ulps(got, want);
      if (d > worst) { worst = d; worstX = x; }
    }
    expect(worst, `worst at x = ${worstX} (${hex(worstX)}): ${hex(log(worstX))} vs Math.log ${hex(Math.log(worstX))}`).toBeLessThanOrEqual(2);
    // It is its own function, not Math.log by another name: they round some inputs differently.
    expect(differ).toBeGreaterThan(0);
  });

  it('is exact where the answer is representable, and handles the special values', () => {
    expect(Object.is(log(1), 0)).toBe(true);
    expect(log(2)).toBe(Math.LN2);
    expect(log(0.5)).toBe(-Math.LN2);
    expect(log(0)).toBe(-Infinity);
    expect(log(-0)).toBe(-Infinity);
    expect(log(Infinity)).toBe(Infinity);
    expect(log(NaN)).toBeNaN();
    expect(log(-1)).toBeNaN();
    expect(log(-Number.MIN_VALUE)).toBeNaN();
    expect(log(-Infinity)).toBeNaN();
  });

  it('is monotonic across the reduction boundaries', () => {
    for (const c of [Math.SQRT2, Math.SQRT1_2, 1, 2, 2.2250738585072014e-308]) {
      f64[0] = c;
      const b = bits[0]!;
      let prev = -Infinity;
      for (let i = -2000n; i <= 2000n; i++) {
        const y = log(fromBits(b + i));
        expect(y).toBeGreaterThanOrEqual(prev);
        prev = y;
      }
    }
  });

  it('gives these exact bits (an engine change that alters them moves every random-arrival result)', () => {
    const pinned: [number, string][] = [
      [10, '40026bb1bbb55516'],
      [0.1, 'c0026bb1bbb55515'],
      [3, '3ff193ea7aad030a'],
      [123456.789, '40277281cad8a844'],
      [1e-300, 'c085963447f87fb5'],
      [Number.MIN_VALUE, 'c0874385446d71c3'],
      [Number.MAX_VALUE, '40862e42fefa39ef'],
      [1 + 2 ** -52, '3cafffffffffffff'],
      [1 - 2 ** -53, 'bca0000000000000'],
      // Inputs where Node 20's Math.log rounds the other way: detmath keeps its own answer.
      [1.0429119169712067, '3fa5833733cf6396'],
      [0.8914556503295898, 'bfbd6a0f3e12f8de'],
      [1.2297383546829224, '3fca78781ad60b81'],
      [0.7071060864716142, 'bfd62e471de71b96'],
    ];
    expect(pinned.map(([x]) => [x, hex(log(x))])).toEqual(pinned);
  });

  it('pins the PRNG variates built on it', () => {
    const r = new Prng(42);
    expect(Array.from({ length: 5 }, () => hex(r.exponential(1)))).toEqual([
      '3ff14a3a8d8a8c38', '3fbe529b1cc47d94', '3fb518d1a5615323', '3f8f6348294db30a', '4001020f44216c09',
    ]);
    expect(Array.from({ length: 5 }, () => r.geometric(32))).toEqual([7, 110, 47, 22, 25]);
  });
});

describe('detmath.exp2i', () => {
  it('is exactly 2^k for every integer k of the double range', () => {
    let sub = Number.MIN_VALUE; // 2^-1074, doubled exactly up the subnormals
    for (let k = -1074; k <= 1023; k++) {
      const y = exp2i(k);
      if (k < -1022) {
        expect(y).toBe(sub);
        sub *= 2;
      } else {
        expect(hex(y)).toBe(((BigInt(k + 1023) << 52n).toString(16)).padStart(16, '0'));
      }
    }
    expect(exp2i(1024)).toBe(Infinity);
    expect(exp2i(-1075)).toBe(0);
    expect(exp2i(NaN)).toBeNaN();
  });
});
