/**
 * The `ring` workload: a traffic source feeding one hardware TX descriptor ring drained onto the
 * wire, with no CPU in the way. It is an exact single-server queue (M/D/1/K, D/D/1/K, M^X/D/1/K),
 * kept as the textbook check of the ring and wire stages.
 */
import type { Prng } from './prng';
import type { Scenario } from './scenario';
import type { Scheduler } from './scheduler';
import { TrafficSource } from './traffic';
import { TxRing, Wire } from './txring';
import { frameTimeNs, lineRatePps } from './wire';

export const EV_RING_ARRIVAL = 0;

export class RingModel {
  readonly ring: TxRing;
  readonly linePps: number;
  private readonly source: TrafficSource;
  offered = 0;

  constructor(
    s: Scenario,
    private readonly clock: Scheduler,
    rng: Prng,
    private readonly durationNs: number,
  ) {
    this.linePps = lineRatePps(s.nic.link_gbps, s.traffic.frame_bytes);
    this.source = new TrafficSource(s.traffic.arrival, (s.traffic.load * this.linePps) / 1e9, rng);
    this.ring = new TxRing(s.queues.tx_desc, new Wire(frameTimeNs(s.nic.link_gbps, s.traffic.frame_bytes)), undefined, true);
  }

  start(): void {
    if (this.source.next < this.durationNs) this.clock.schedule(this.source.next, EV_RING_ARRIVAL);
  }

  /** Process consecutive arrivals up to the next foreign event, then re-arm. */
  arrivals(): void {
    const clock = this.clock, src = this.source, ring = this.ring;
    const horizon = Math.min(clock.peekTime(), this.durationNs);
    let t = src.next;
    while (t < horizon) {
      clock.advanceTo(t);
      ring.retireUntil(t);
      ring.offer(t);
      this.offered++;
      src.advance();
      t = src.next;
    }
    if (t < this.durationNs) clock.schedule(t, EV_RING_ARRIVAL);
  }
}
