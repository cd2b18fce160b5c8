/**
 * Log-linear latency histogram (HDR-style): 256 linear sub-buckets per power of two, so any
 * percentile is reported within 0.4% of the true value while memory stays fixed no matter how
 * many packets are recorded. Bucketing reads the float's exponent and top mantissa bits directly,
 * so it is exact and identical on every platform (no Math.log; bucket midpoints use detmath's
 * exact 2^k, not Math.pow). The mean is kept exactly.
 */
import { exp2i } from './detmath';

const SUB_BITS = 8;
const SUB = 1 << SUB_BITS;
const MIN_EXP = -4; // values below 2^-4 ns land in bucket 0
const MAX_EXP = 44; // about 4.9 hours in ns; larger values clamp to the top bucket
const BUCKETS = (MAX_EXP - MIN_EXP) * SUB;

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: high word is [1]

export class Histogram {
  readonly counts = new Float64Array(BUCKETS);
  // count, sum, min, max in a typed array: V8 re-boxes a double stored in an object field on every
  // write, and record() runs once per packet.
  private readonly acc = Float64Array.of(0, 0, Infinity, -Infinity);

  get count(): number { return this.acc[0]!; }
  get sum(): number { return this.acc[1]!; }
  get min(): number { return this.acc[2]!; }
  get max(): number { return this.acc[3]!; }

  record(v: number): void {
    this.counts[bucketOf(v)]! += 1;
    const a = this.acc;
    a[0]! += 1;
    a[1]! += v;
    if (v < a[2]!) a[2] = v;
    if (v > a[3]!) a[3] = v;
  }

  /**
   * For hot loops that bucket values themselves (`counts[bucketOf(v)] += 1`) and carry the count,
   * sum, min and max in locals, started from `count`, `sum`, `min` and `max` and updated in the
   * order of the values: stores them back. The result is the same as `record` on each value.
   */
  setTotals(count: number, sum: number, min: number, max: number): void {
    const a = this.acc;
    a[0] = count;
    a[1] = sum;
    a[2] = min;
    a[3] = max;
  }

  mean(): number {
    return this.count ? this.sum / this.count : 0;
  }

  /** Value at quantile q in [0,1]: the midpoint of the bucket holding that rank, clamped to [min,max]. */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.max, Math.max(this.min, bucketMid(i)));
    }
    return this.max;
  }
}

export function bucketOf(v: number): number {
  if (!(v > 0)) return 0;
  f64[0] = v;
  const hi = u32[HI]!;
  const exp = ((hi >>> 20) & 0x7ff) - 1023;
  if (exp < MIN_EXP) return 0;
  if (exp >= MAX_EXP) return BUCKETS - 1;
  const sub = (hi >>> (20 - SUB_BITS)) & (SUB - 1);
  return (exp - MIN_EXP) * SUB + sub;
}

export function bucketMid(i: number): number {
  const exp = Math.floor(i / SUB) + MIN_EXP;
  const sub = i % SUB;
  return exp2i(exp) * (1 + (sub + 0.5) / SUB);
}
