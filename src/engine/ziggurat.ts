/**
 * Tables of the ziggurat method for the standard exponential distribution (Marsaglia & Tsang, "The
 * Ziggurat Method for Generating Random Variables", J. Statistical Software 5(8), 2000), in the
 * layout of Doornik's ZIGNOR and rand_distr: 256 layers of equal area V under f(x) = e^−x.
 *
 * Layer 0 is the base: the rectangle [0, r] × [0, f(r)] plus the tail beyond r, together of area
 * V = (r + 1)·e^−r, drawn as one rectangle of width X[0] = V / f(r). Layer i ≥ 1 spans heights
 * F[i] = f(X[i]) to F[i+1] with width X[i], so X[i]·(F[i+1] − F[i]) = V; X[256] = 0, F[256] = 1.
 *
 * Built once at load time from two published constants (r and V for 256 layers, Marsaglia &
 * Tsang's `re` and `ve`) with + − × ÷ and detmath.log only, so every JavaScript engine builds the
 * same bits: F[i+1] = F[i] + V/X[i], X[i+1] = −log F[i+1]. The recursion would close the top layer
 * at height 1 + 1.3e−15 instead of 1 (accumulated rounding; ziggurat.test.ts bounds it), which
 * skews that layer's share of the probability by ~1e−13: far below anything a simulation can see.
 */
import { log } from './detmath';

/** Layers. The sampler takes the layer from the low 8 bits of a 32-bit draw. */
export const ZIG_LAYERS = 256;

/**
 * Right edge of the base layer's rectangle: r for 256 layers, 7.69711747013104972 (Marsaglia &
 * Tsang 2000, `re`), as the double nearest it.
 */
export const ZIG_R = 7.69711747013105;

/** Area of each layer: V = (r + 1)·e^−r = 0.0039496598225815571993 (`ve`), as the nearest double. */
export const ZIG_V = 0.003949659822581557;

/** X[i]: width of layer i (X[0] the base's virtual width), X[256] = 0. */
export const ZIG_X = new Float64Array(ZIG_LAYERS + 1);
/** F[i] = e^−X[i] for i ≥ 1 (F[0] is unused), F[256] = 1. */
export const ZIG_F = new Float64Array(ZIG_LAYERS + 1);

{
  const f1 = ZIG_V / (ZIG_R + 1); // e^−r, from V = (r + 1)·e^−r
  ZIG_X[0] = ZIG_V / f1;
  ZIG_F[0] = f1;
  ZIG_X[1] = ZIG_R;
  ZIG_F[1] = f1;
  for (let i = 1; i < ZIG_LAYERS - 1; i++) {
    ZIG_F[i + 1] = ZIG_F[i]! + ZIG_V / ZIG_X[i]!;
    ZIG_X[i + 1] = -log(ZIG_F[i + 1]!);
  }
  ZIG_X[ZIG_LAYERS] = 0;
  ZIG_F[ZIG_LAYERS] = 1;
}

/**
 * X[i]·2^−53 (exact: a power-of-two scaling): a 53-bit integer j times this is (j/2^53)·X[i] to
 * the bit, one multiplication instead of a division and a multiplication.
 */
export const ZIG_X53 = ZIG_X.map((x) => x / 9007199254740992);
