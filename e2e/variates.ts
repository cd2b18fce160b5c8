/**
 * A digest of the engine's random variates, computed the same way in Node and in the page
 * (e2e/determinism.spec.ts bundles this file for the browser): FNV-1a over both 32-bit halves of
 * every double, so one different bit anywhere changes it, plus counts of the ziggurat's rare
 * branches so the digest is known to cover them.
 */
import { Prng } from '../src/engine/prng';
import { TrafficSource } from '../src/engine/traffic';
import { ZIG_R } from '../src/engine/ziggurat';

export interface VariateDigest {
  hash: string;
  draws: number;
  /** Draws beyond r (the ziggurat's tail branch). */
  tail: number;
  sum: number;
}

export function variateDigest(seeds: readonly number[], n: number): VariateDigest {
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);
  let h = 0x811c9dc5, draws = 0, tail = 0, sum = 0;
  const mix = (x: number): void => {
    f64[0] = x;
    for (let w = 0; w < 2; w++) {
      const v = u32[w]!;
      for (let b = 0; b < 32; b += 8) h = Math.imul(h ^ ((v >>> b) & 0xff), 0x01000193);
    }
    draws++;
    sum += x;
  };
  const block = new Float64Array(1000);
  for (const seed of seeds) {
    const r = new Prng(seed);
    for (let i = 0; i < n; i++) {
      const x = r.standardExponential();
      if (x > ZIG_R) tail++;
      mix(x);
    }
    for (let i = 0; i < n; i += block.length) {
      r.fillStandardExponential(block, block.length);
      for (const x of block) mix(x);
    }
    for (let i = 0; i < 1000; i++) { mix(r.exponential(84)); mix(r.geometric(32)); mix(r.below(1000)); }
    for (const p of ['poisson', 'bursty'] as const) {
      const src = new TrafficSource(p, 1 / 84, new Prng(seed));
      for (let i = 0; i < n; i += block.length) {
        src.fill(block, block.length);
        for (const x of block) mix(x);
      }
    }
  }
  return { hash: (h >>> 0).toString(16), draws, tail, sum };
}
