import { log } from './detmath';

/**
 * The engine's one source of randomness: xoshiro128** (Blackman & Vigna), seeded through
 * splitmix32 so that nearby seeds give unrelated streams. 32-bit integer arithmetic only, so the
 * sequence is bit-identical in every JavaScript engine. The exponential and geometric variates
 * take their logarithm from detmath.ts, not Math.log, whose last bit differs between engines.
 */
export class Prng {
  // State in an Int32Array: object fields holding uint32 values above 2^31 would be boxed as heap
  // numbers on every update, which made this ten times slower.
  private readonly st = new Int32Array(4);

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      // splitmix32
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (let i = 0; i < 4; i++) this.st[i] = next();
    if ((this.st[0]! | this.st[1]! | this.st[2]! | this.st[3]!) === 0) this.st[0] = 1;
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const st = this.st;
    const a = st[0]!, b = st[1]!, c0 = st[2]!, d0 = st[3]!;
    const r = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    const c1 = c0 ^ a;
    const d1 = d0 ^ b;
    const b1 = b ^ c1;
    const a1 = a ^ d1;
    st[0] = a1;
    st[1] = b1;
    st[2] = c1 ^ t;
    st[3] = rotl(d1, 11);
    return r;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const hi = this.nextU32() >>> 5; // 27 bits
    const lo = this.nextU32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Exponential variate with the given mean. Uses 1-u so log never sees 0. */
  exponential(mean: number): number {
    return -log(1 - this.nextFloat()) * mean;
  }

  /** Geometric number of trials ≥ 1 with the given mean (≥ 1). */
  geometric(mean: number): number {
    if (mean <= 1) return 1;
    const p = 1 / mean;
    return 1 + Math.floor(log(1 - this.nextFloat()) / log(1 - p));
  }

  /** Integer in [0, n). */
  below(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
