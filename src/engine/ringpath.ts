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

/** Most arrivals one arrival event handles before re-arming itself (see arrivals()). */
export const ARRIVALS_PER_EVENT = 256;

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

  /**
   * Process consecutive arrivals up to the next foreign event (at most ARRIVALS_PER_EVENT of
   * them), then re-arm. The cap keeps one event short when nothing else is scheduled for a long
   * time (a 600 s run's frame is billions of arrivals): the re-armed arrival is earlier than every
   * pending event, so it is the next one popped and the run is the same as without the cap.
   */
  arrivals(): void {
    const clock = this.clock, src = this.source, ring = this.ring;
    const horizon = Math.min(clock.peekTime(), this.durationNs);
    let t = src.next;
    for (let n = ARRIVALS_PER_EVENT; t < horizon && n > 0; n--) {
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
