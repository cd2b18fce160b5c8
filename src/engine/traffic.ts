/**
 * Traffic source: the arrival process of packets offered to the first queue of the path.
 * Produces one arrival time at a time (no arrays, no allocation).
 *
 *  - constant: t_n = n / λ (computed by multiplication, so no drift over long runs)
 *  - poisson:  exponential gaps with mean 1/λ
 *  - bursty:   on/off. A burst holds a geometric number of frames (mean BURST_MEAN_FRAMES) spaced at
 *              the peak gap (wire speed, or faster when the offered load exceeds line rate); bursts
 *              are separated by exponential idle gaps sized so the long-run mean rate is still λ.
 */
import type { Prng } from './prng';

export type ArrivalProcess = 'constant' | 'poisson' | 'bursty';

/** Mean frames per burst of the bursty source. A modelling choice, see docs/MODEL.md. */
export const BURST_MEAN_FRAMES = 32;

export class TrafficSource {
  /** Time of the next arrival (ns); +Infinity when the source is silent. */
  next = Infinity;
  /** Arrivals produced so far (including `next`). */
  count = 0;
  private readonly gap: number;
  private readonly peakGap: number;
  private readonly offMean: number;
  private left = 0; // frames left in the current burst (bursty)

  constructor(
    private readonly process: ArrivalProcess,
    /** Offered rate in packets per ns. */
    rate: number,
    /** Wire-speed gap between frames, ns. */
    wireGap: number,
    private readonly rng: Prng,
  ) {
    this.gap = rate > 0 ? 1 / rate : Infinity;
    this.peakGap = Math.min(wireGap, this.gap);
    this.offMean = BURST_MEAN_FRAMES * (this.gap - this.peakGap);
    if (rate > 0) this.start();
  }

  private start(): void {
    this.count = 1;
    switch (this.process) {
      case 'constant':
        this.next = 0;
        break;
      case 'poisson':
        this.next = this.rng.exponential(this.gap);
        break;
      case 'bursty':
        this.left = this.rng.geometric(BURST_MEAN_FRAMES) - 1;
        this.next = this.rng.exponential(this.offMean);
        break;
    }
  }

  /** Move `next` to the following arrival. */
  advance(): void {
    switch (this.process) {
      case 'constant':
        this.next = this.count * this.gap;
        break;
      case 'poisson':
        this.next += this.rng.exponential(this.gap);
        break;
      case 'bursty':
        if (this.left > 0) {
          this.left--;
          this.next += this.peakGap;
        } else {
          this.left = this.rng.geometric(BURST_MEAN_FRAMES) - 1;
          this.next += this.peakGap + this.rng.exponential(this.offMean);
        }
        break;
    }
    this.count++;
  }
}
