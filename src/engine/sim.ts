/**
 * One simulation run: wires the stages of the packet path together and drives them from the
 * scheduler. Steppable, so a Worker can stream frames and pause between steps; stepping in any
 * chunk size gives the same result as one call (frame boundaries are fixed in simulated time).
 *
 * Stages so far (walking skeleton): traffic source → one hardware TX descriptor ring → wire.
 */
import { encodeLink } from './link';
import { FrameRecorder, type FrameBatch } from './metrics';
import { Prng } from './prng';
import type { Scenario } from './scenario';
import { Scheduler } from './scheduler';
import { TrafficSource } from './traffic';
import { TxRing } from './txring';
import { ENGINE_ID } from './version';
import { frameTimeNs, lineRatePps } from './wire';

/** Frames per run: fixed, so chart resolution does not depend on duration. */
export const FRAMES_PER_RUN = 200;

const EV_ARRIVAL = 0;
const EV_FRAME = 1;

export interface LatencySummary {
  mean: number;
  p50: number;
  p99: number;
}

export interface QueueSummary {
  id: number;
  kind: 'tx';
  descriptors: number;
  enqueued: number;
  delivered: number;
  dropped: number;
  in_flight: number;
  max_occupancy: number;
  /** Time-averaged occupancy, descriptors (integrated over time). */
  mean_occupancy: number;
  /** Little's law right-hand side: delivered rate × mean sojourn, descriptors. */
  littles_law_lambda_w: number;
  latency_us: LatencySummary;
}

export interface Summary {
  engine: string;
  scenario: Scenario;
  link: string;
  simulated_ms: number;
  /** Wall-clock time of the run: the only field that differs between identical runs. */
  wall_ms: number;
  packets_simulated: number;
  line_rate_pps: number;
  offered_pps: number;
  tx_pps: number;
  drops: { tx_ring: number };
  in_flight: number;
  latency_us: LatencySummary;
  queues: QueueSummary[];
}

export class Simulation {
  readonly scenario: Scenario;
  readonly frames: FrameRecorder;
  readonly durationNs: number;
  readonly frameNs: number;
  private readonly clock = new Scheduler();
  private readonly source: TrafficSource;
  private readonly ring: TxRing;
  private readonly linePps: number;
  private offered = 0;
  // counters at the previous frame boundary
  private prevOffered = 0;
  private prevDelivered = 0;
  private prevDropped = 0;
  private prevArea = 0;

  constructor(scenario: Scenario) {
    this.scenario = scenario;
    const { nic, traffic, queues, sim } = scenario;
    this.durationNs = sim.duration_ms * 1e6;
    this.frameNs = this.durationNs / FRAMES_PER_RUN;
    this.frames = new FrameRecorder(FRAMES_PER_RUN);
    this.linePps = lineRatePps(nic.link_gbps, traffic.frame_bytes);
    const wireNs = frameTimeNs(nic.link_gbps, traffic.frame_bytes);
    const rng = new Prng(sim.seed);
    this.source = new TrafficSource(traffic.arrival, (traffic.load * this.linePps) / 1e9, rng);
    this.ring = new TxRing(queues.tx_desc, wireNs);
    this.clock.schedule(this.frameNs, EV_FRAME, 1);
    if (this.source.next < this.durationNs) this.clock.schedule(this.source.next, EV_ARRIVAL);
  }

  get done(): boolean {
    return this.frames.length >= FRAMES_PER_RUN;
  }

  get simulatedMs(): number {
    return this.clock.now / 1e6;
  }

  /** Run until `maxFrames` more frames are recorded (or the run ends); returns those frames. */
  advance(maxFrames = FRAMES_PER_RUN): FrameBatch {
    const from = this.frames.length;
    const target = Math.min(FRAMES_PER_RUN, from + maxFrames);
    const clock = this.clock;
    while (this.frames.length < target) {
      const kind = clock.pop();
      if (kind === EV_ARRIVAL) this.arrivals();
      else if (kind === EV_FRAME) this.frame(clock.lastArg);
      else break;
    }
    return this.frames.since(from);
  }

  /** Process consecutive arrivals up to the next foreign event, then re-arm. */
  private arrivals(): void {
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
    if (t < this.durationNs) clock.schedule(t, EV_ARRIVAL);
  }

  private frame(index: number): void {
    const t = this.clock.now;
    const ring = this.ring;
    ring.retireUntil(t);
    const sec = this.frameNs / 1e9;
    this.frames.push({
      t_ms: t / 1e6,
      offered_pps: (this.offered - this.prevOffered) / sec,
      tx_pps: (ring.delivered - this.prevDelivered) / sec,
      drops_pps: (ring.dropped - this.prevDropped) / sec,
      tx_ring_occupancy: (ring.area - this.prevArea) / this.frameNs,
    });
    this.prevOffered = this.offered;
    this.prevDelivered = ring.delivered;
    this.prevDropped = ring.dropped;
    this.prevArea = ring.area;
    // The last boundary is exactly the duration (no accumulated rounding).
    if (index < FRAMES_PER_RUN) {
      const next = index + 1 === FRAMES_PER_RUN ? this.durationNs : (index + 1) * this.frameNs;
      this.clock.schedule(next, EV_FRAME, index + 1);
    }
  }

  summary(wallMs: number): Summary {
    const ring = this.ring;
    const T = this.clock.now; // ns simulated so far
    const sec = T / 1e9;
    const lat = (h: TxRing['latency']): LatencySummary => ({
      mean: h.mean() / 1e3,
      p50: h.quantile(0.5) / 1e3,
      p99: h.quantile(0.99) / 1e3,
    });
    const deliveredRate = T > 0 ? ring.delivered / T : 0; // per ns
    const meanSojourn = ring.delivered ? ring.sojournSum / ring.delivered : 0;
    const q: QueueSummary = {
      id: 0,
      kind: 'tx',
      descriptors: ring.capacity,
      enqueued: ring.enqueued,
      delivered: ring.delivered,
      dropped: ring.dropped,
      in_flight: ring.occupancy,
      max_occupancy: ring.maxOccupancy,
      mean_occupancy: T > 0 ? ring.area / T : 0,
      littles_law_lambda_w: deliveredRate * meanSojourn,
      latency_us: lat(ring.latency),
    };
    return {
      engine: ENGINE_ID,
      scenario: this.scenario,
      link: encodeLink({ scenario: this.scenario }),
      simulated_ms: T / 1e6,
      wall_ms: wallMs,
      packets_simulated: this.offered,
      line_rate_pps: this.linePps,
      offered_pps: sec > 0 ? this.offered / sec : 0,
      tx_pps: sec > 0 ? ring.delivered / sec : 0,
      drops: { tx_ring: ring.dropped },
      in_flight: ring.occupancy,
      latency_us: lat(ring.latency),
      queues: [q],
    };
  }
}

/** Run a scenario to completion (CLI, tests, benchmarks). */
export function runScenario(scenario: Scenario): { summary: Summary; frames: FrameBatch } {
  const t0 = performance.now();
  const sim = new Simulation(scenario);
  sim.advance(FRAMES_PER_RUN);
  const wall = performance.now() - t0;
  return { summary: sim.summary(wall), frames: sim.frames.since(0) };
}
