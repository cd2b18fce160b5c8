/**
 * Traffic source: the arrival process of packets offered to the first queue of the path.
 * Produces one arrival time at a time (no arrays, no allocation).
 *
 *  - constant: t_n = n / λ (computed by multiplication, so no drift over long runs)
 *  - poisson:  exponential gaps with mean 1/λ (the PRNG's ziggurat: no logarithm on most draws)
 *  - bursty:   batches. Bursts of a geometric number of frames (mean BURST_MEAN_FRAMES) arrive
 *              together, as when a sender hands the driver a whole TX batch at once; bursts form a
 *              Poisson process with rate λ / mean, so the long-run rate is still λ. This is the
 *              textbook M^X arrival process, so its queueing delay has a closed form to test.
 */
import type { Prng } from './prng';

export type ArrivalProcess = 'constant' | 'poisson' | 'bursty';

/** Mean frames per burst: iflib's TX batch (TX_BATCH_SIZE, 32 in sys/net/iflib.c). */
export const BURST_MEAN_FRAMES = 32;

export class TrafficSource {
  // [0]: time of the next arrival. A typed array, because V8 boxes a double object field on
  // every write and this one changes once per packet.
  private readonly nextT = Float64Array.of(Infinity);
  /** Time of the next arrival (ns); +Infinity when the source is silent. */
  get next(): number {
    return this.nextT[0]!;
  }
  /** Arrivals produced so far (including `next`). */
  count = 0;
  private readonly gap: number;
  private readonly burstGap: number;
  private left = 0; // frames left in the current burst (bursty)

  constructor(
    private readonly process: ArrivalProcess,
    /** Offered rate in packets per ns. */
    rate: number,
    private readonly rng: Prng,
  ) {
    this.gap = rate > 0 ? 1 / rate : Infinity;
    this.burstGap = BURST_MEAN_FRAMES * this.gap;
    if (rate > 0) this.start();
  }

  private start(): void {
    this.count = 1;
    switch (this.process) {
      case 'constant':
        this.nextT[0] = 0;
        break;
      case 'poisson':
        this.nextT[0] = this.rng.standardExponential() * this.gap;
        break;
      case 'bursty':
        this.left = this.rng.geometric(BURST_MEAN_FRAMES) - 1;
        this.nextT[0] = this.rng.standardExponential() * this.burstGap;
        break;
    }
  }

  /**
   * out[0..n) = the next n arrival times, the first being `next`; `next` then is the one after
   * them. The same times, from the same random draws, as reading `next` and calling `advance` n
   * times; for a loop that consumes arrivals in blocks.
   */
  fill(out: Float64Array, n: number): void {
    if (this.process !== 'poisson' || !(this.gap < Infinity)) {
      for (let k = 0; k < n; k++) {
        out[k] = this.nextT[0]!;
        this.advance();
      }
      return;
    }
    this.nextT[0] = this.rng.fillExponentialSums(out, n, this.nextT[0]!, this.gap);
    this.count += n;
  }

  /** Move `next` to the following arrival. */
  advance(): void {
    switch (this.process) {
      case 'constant':
        this.nextT[0] = this.count * this.gap;
        break;
      case 'poisson':
        this.nextT[0]! += this.rng.standardExponential() * this.gap;
        break;
      case 'bursty':
        if (this.left > 0) {
          this.left--; // same instant: the rest of the burst
        } else {
          this.left = this.rng.geometric(BURST_MEAN_FRAMES) - 1;
          this.nextT[0]! += this.rng.standardExponential() * this.burstGap;
        }
        break;
    }
    this.count++;
  }
}
