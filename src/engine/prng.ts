import { log } from './detmath';
import { ZIG_F, ZIG_R, ZIG_X, ZIG_X53 } from './ziggurat';

/**
 * The engine's one source of randomness: xoshiro128** (Blackman & Vigna), seeded through
 * splitmix32 so that nearby seeds give unrelated streams. 32-bit integer arithmetic only, so the
 * sequence is bit-identical in every JavaScript engine. The exponential and geometric variates
 * take their logarithm from detmath.ts, not Math.log, whose last bit differs between engines;
 * `standardExponential` (the ziggurat) needs no logarithm on 98.9% of its draws.
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

  /**
   * Standard exponential variate (mean 1) by the ziggurat method (ziggurat.ts): two 32-bit draws
   * give a layer (8 bits of the first) and a 53-bit uniform u (the other 21 bits of the first and
   * all 32 of the second); x = u·X[i] is returned when it lies inside the layer's rectangle under
   * the curve (x < X[i+1]), 98.9% of the time, with one multiplication and two table reads.
   * Otherwise (`exponentialEdge`): the base layer's tail returns r plus a fresh variate (the
   * exponential is memoryless), an overhang point is accepted when under e^−x (decided with
   * detmath.log), else the draw starts over. + − × ÷ and table reads only, so the same bits in
   * every engine. A different stream from `exponential(mean)`, which inverts one uniform by a log.
   */
  standardExponential(): number {
    const st = this.st;
    // Two xoshiro128** steps with the state in locals: one load and one store of each word.
    let a = st[0]!, b = st[1]!, c = st[2]!, d = st[3]!;
    const r1 = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    let t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
    const r2 = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    t = b << 9;
    c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
    st[0] = a; st[1] = b; st[2] = c; st[3] = d;
    const i = r1 & 0xff;
    const x = ((r1 >>> 11) * 4294967296 + (r2 >>> 0)) * ZIG_X53[i]!;
    if (x < ZIG_X[i + 1]!) return x;
    return this.exponentialEdge(i, x);
  }

  /**
   * out[0..n) = the next n `standardExponential()` variates (the same values, from the same
   * draws), with the generator's state in locals for the whole block.
   */
  fillStandardExponential(out: Float64Array, n: number): void {
    this.fillExponentialSums(out, n, NaN, 1);
  }

  /**
   * The times of a Poisson process in one pass: out[k] = t, then t += mean·E (E the next
   * `standardExponential()` variate), for k = 0 … n − 1, starting at `start`; returns the time
   * after the last. With `start` NaN, out[k] = E itself (fillStandardExponential).
   */
  fillExponentialSums(out: Float64Array, n: number, start: number, mean: number): number {
    const sums = start === start;
    const zs = this.zs;
    zs[0] = start;
    let k = 0;
    // The fast path runs in a loop without calls (small, so V8 compiles it quickly); it stops at a
    // draw that needs the ziggurat's rare branches, taken here in the same order of draws.
    while ((k = this.zigRun(out, k, n, sums, mean)) < n) {
      const x = this.exponentialEdge(this.edgeLayer, zs[1]!);
      if (sums) {
        out[k] = zs[0]!;
        zs[0]! += x * mean;
      } else out[k] = x;
      k++;
    }
    return zs[0]!;
  }

  // zigRun's state across its stops: [0] the running sum, [1] the stopping draw's x.
  private readonly zs = new Float64Array(2);
  private edgeLayer = 0;

  /** fillExponentialSums' fast path from index k: returns n, or the index of a draw outside it. */
  private zigRun(out: Float64Array, from: number, n: number, sums: boolean, mean: number): number {
    const st = this.st, zs = this.zs;
    let sum = zs[0]!;
    let a = st[0]!, b = st[1]!, c = st[2]!, d = st[3]!;
    let k = from;
    for (; k < n; k++) {
      const r1 = Math.imul(rotl(Math.imul(b, 5), 7), 9);
      let t = b << 9;
      c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
      const r2 = Math.imul(rotl(Math.imul(b, 5), 7), 9);
      t = b << 9;
      c ^= a; d ^= b; b ^= c; a ^= d; c ^= t; d = rotl(d, 11);
      const i = r1 & 0xff;
      const x = ((r1 >>> 11) * 4294967296 + (r2 >>> 0)) * ZIG_X53[i]!;
      if (!(x < ZIG_X[i + 1]!)) {
        zs[1] = x;
        this.edgeLayer = i;
        break;
      }
      if (sums) {
        out[k] = sum;
        sum += x * mean;
      } else out[k] = x;
    }
    st[0] = a; st[1] = b; st[2] = c; st[3] = d;
    zs[0] = sum;
    return k;
  }

  /** The ziggurat's rare cases (1.1% of draws): the base layer's tail, or a point in an overhang. */
  private exponentialEdge(i: number, x: number): number {
    if (i === 0) return ZIG_R + this.standardExponential();
    // A uniform height within the layer; under the curve when y < e^−x, i.e. −log y > x.
    const y = ZIG_F[i + 1]! + (ZIG_F[i]! - ZIG_F[i + 1]!) * this.nextFloat();
    if (-log(y) > x) return x;
    return this.standardExponential();
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
