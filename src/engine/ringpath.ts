/**
 * The `ring` workload: a traffic source feeding one hardware TX descriptor ring drained onto the
 * wire, with no CPU in the way. It is an exact single-server queue (M/D/1/K, D/D/1/K, M^X/D/1/K),
 * kept as the textbook check of the ring and wire stages.
 *
 * The model is the one of txring.ts's TxRing with free-on-completion (a frame gives its descriptor
 * back the instant its last bit leaves the wire; departure = max(arrival, previous departure) +
 * frame time, Lindley's recursion), and gives the same drops, deliveries, peak occupancy, holding
 * times and latency histogram to the bit (ringpath.test.ts runs both). It is written for speed:
 *  - arrivals come in blocks (TrafficSource.fill, the PRNG's state in locals while it draws);
 *  - a frame's admission needs the number of frames still in the system, which the wire's back-to-
 *    back departures give in closed form, checked against two stored departures (no per-departure
 *    loop with an unpredictable exit per arrival);
 *  - departures are accounted afterwards, in order, in a loop of their own (`account`);
 *  - every per-packet quantity lives in locals, written back once per block.
 *
 * Little's law stays a real check: ∫N(t) dt is integrated over each accounting segment from the
 * arrival and departure epochs and the count held at its start (N(t0)·Δ + Σ(t1 − a) − Σ(t1 − d)),
 * independently of the per-frame holding times d − a that make the sojourn sum. Latency here is the
 * holding time (a frame enters the system when it is offered), so the sojourn sum, the latency sum
 * and the histogram's sum are the same additions in the same order: one accumulator.
 */
import { Histogram, bucketOf } from './histogram';
import type { Prng } from './prng';
import type { Scenario } from './scenario';
import type { Scheduler } from './scheduler';
import { TrafficSource } from './traffic';
import { frameTimeNs, lineRatePps } from './wire';

export const EV_RING_ARRIVAL = 0;

/** One hardware TX ring on its own wire; descriptors free on completion. */
export class HwRing {
  readonly capacity: number;
  /** End-to-end latency of delivered frames (here: holding time). */
  readonly latency = new Histogram();
  readonly serviceNs: number;
  private readonly invService: number;
  /** Slots: a power of two ≥ capacity, so a slot index wraps with a mask. */
  private readonly mask: number;
  /** Arrival and departure time of the frame in each slot. */
  private readonly arrive: Float64Array;
  private readonly depart: Float64Array;
  // Doubles that change per frame (typed array: V8 boxes double object fields on each write).
  private readonly acc = new Float64Array(5);

  /** Next slot to fill. */
  private tail = 0;
  /** Frames still on the wire or waiting for it, as of the last arrival (an upper bound later). */
  private inSystem = 0;
  /** Frames admitted whose departure has not been accounted yet: the newest `unaccounted` slots. */
  private unaccounted = 0;
  /** Frames admitted since the accounting segment began (acc[T0]). */
  private segArrivals = 0;
  /** offerRun stopped at an arrival that must wait for an accounting. */
  private mustAccount = false;

  /** Descriptors held (frames not yet departed) as of the last accounting. */
  occupancy = 0;
  enqueued = 0;
  /** Frames whose last bit has left the wire (accounted so far). */
  delivered = 0;
  /** Descriptors given back (each at its frame's departure). */
  reclaimed = 0;
  dropped = 0;
  maxOccupancy = 0;

  constructor(capacity: number, serviceNs: number) {
    this.capacity = capacity;
    this.serviceNs = serviceNs;
    this.invService = 1 / serviceNs;
    let slots = 1;
    while (slots < capacity) slots *= 2;
    this.mask = slots - 1;
    this.arrive = new Float64Array(slots);
    this.depart = new Float64Array(slots);
  }

  /** ∫ N(t) dt of held descriptors, descriptor·ns, from the arrival and departure epochs. */
  get area(): number { return this.acc[AREA]!; }
  /** Sum of holding times (arrival → departure) of delivered frames, ns. */
  get sojournSum(): number { return this.acc[SOJ]!; }
  /** Sum of end-to-end latencies of delivered frames, ns (the holding times: see the header). */
  get latencySum(): number { return this.acc[SOJ]!; }
  /** Time up to which N(t) is integrated: the last accounting. */
  get integratedAt(): number { return this.acc[T0]!; }
  /** Frames on the ring whose last bit has not left the wire (as of the last accounting). */
  get inFlight(): number { return this.enqueued - this.delivered; }
  get free(): number { return this.capacity - this.occupancy; }

  /** Sum over frames still held (as of the last accounting) of how long they have been held by time T. */
  inFlightAge(T: number): number {
    let age = 0;
    const mask = this.mask;
    for (let k = 0, h = (this.tail - this.occupancy) & mask; k < this.occupancy; k++, h = (h + 1) & mask) age += T - this.arrive[h]!;
    return age;
  }

  /** Account every frame that has left the wire by t and integrate N up to t (frame boundaries, end of run). */
  observeUntil(t: number): void {
    this.account(t);
  }

  /**
   * Offer the arrivals times[from..to) that come before `horizon`, in order; returns the index of
   * the first one not offered.
   *
   * Per arrival at t, the frames still in the system are those whose departure is after t. The wire
   * sends back to back, so within the current busy period departures are S apart and their number
   * is ⌈(last − t)/S⌉ (last: the newest frame's departure), exactly in real arithmetic; the count is
   * then checked against the stored departures of the oldest frame counted and the one before it
   * (and moved until both agree, which rounding at a tie can require), so drops and the peak
   * occupancy are what a frame-by-frame retire loop gives, without its unpredictable exit branch.
   * Departures are accounted later, in order (`account`).
   */
  offerBlock(times: Float64Array, from: number, to: number, horizon: number): number {
    let k = from;
    for (;;) {
      k = this.offerRun(times, k, to, horizon);
      if (!this.mustAccount) return k;
      this.mustAccount = false;
      this.account(times[k]!);
    }
  }

  /** offerBlock until the horizon, the end, or an arrival that needs a slot still unaccounted. */
  private offerRun(times: Float64Array, from: number, to: number, horizon: number): number {
    const cap = this.capacity, mask = this.mask, S = this.serviceNs, invS = this.invService;
    const arrive = this.arrive, depart = this.depart, acc = this.acc;
    let last = acc[LAST]!, sumA = acc[SUMA]!;
    const t0 = acc[T0]!;
    let n = this.inSystem, tail = this.tail, unacc = this.unaccounted, m = this.segArrivals;
    const m0 = m;
    let maxOcc = this.maxOccupancy, drop = 0;
    let k = from;
    for (; k < to; k++) {
      const t = times[k]!;
      if (!(t < horizon)) break;
      let d: number;
      if (last > t) {
        // (An int32 from here on: the ceiling is taken only below n.)
        const q = (last - t) * invS;
        let c = q < n ? Math.ceil(q) | 0 : n;
        // The frame before the oldest counted still in the system: count it; the oldest counted
        // already gone: uncount it (the newest, departing at last > t, always stays).
        while (c < n && depart[(tail - c - 1) & mask]! > t) c++;
        while (depart[(tail - c) & mask]! <= t) c--;
        n = c;
        d = last + S;
      } else {
        n = 0;
        d = t + S;
      }
      if (n === cap) {
        drop++;
        continue;
      }
      if (unacc > mask || m === SEGMENT) {
        // Every slot holds a frame not yet accounted (the oldest has left, as fewer than
        // `capacity` are in the system), or the segment is full: account up to this arrival first.
        this.mustAccount = true;
        break;
      }
      arrive[tail] = t;
      depart[tail] = d;
      last = d;
      tail = (tail + 1) & mask;
      n++;
      if (n > maxOcc) maxOcc = n;
      unacc++;
      m++;
      sumA += t - t0;
    }
    acc[LAST] = last;
    acc[SUMA] = sumA;
    this.tail = tail;
    this.inSystem = n;
    this.unaccounted = unacc;
    this.segArrivals = m;
    this.maxOccupancy = maxOcc;
    this.enqueued += m - m0;
    this.dropped += drop;
    return k;
  }

  /**
   * Account the departures up to t1, oldest first: delivered count, holding times and the latency
   * histogram; and integrate N over the segment (t0, t1] from its epochs, independently of the
   * holding times: ∫N dt = N(t0)·(t1 − t0) + Σ over arrivals (t1 − a) − Σ over departures (t1 − d).
   */
  private account(t1: number): void {
    const mask = this.mask, arrive = this.arrive, depart = this.depart, acc = this.acc;
    const hist = this.latency, counts = hist.counts;
    const u = this.unaccounted;
    let p = (this.tail - u) & mask;
    let nd = 0, sumD = 0, soj = acc[SOJ]!, lmin = hist.min, lmax = hist.max;
    while (nd < u) {
      const d = depart[p]!;
      if (d > t1) break;
      sumD += t1 - d;
      const s = d - arrive[p]!;
      soj += s;
      counts[bucketOf(s)]! += 1;
      if (s < lmin) lmin = s;
      if (s > lmax) lmax = s;
      p = (p + 1) & mask;
      nd++;
    }
    const t0 = acc[T0]!;
    const m = this.segArrivals;
    if (t1 > t0) acc[AREA]! += (this.occupancy + m) * (t1 - t0) - acc[SUMA]! - sumD;
    this.occupancy += m - nd;
    this.inSystem = Math.min(this.inSystem, this.occupancy);
    acc[T0] = t1 > t0 ? t1 : t0;
    acc[SUMA] = 0;
    acc[SOJ] = soj;
    this.segArrivals = 0;
    this.unaccounted = u - nd;
    this.delivered += nd;
    this.reclaimed += nd;
    // The histogram's sum is the sojourn sum: the same values added in the same order since the start.
    hist.setTotals(hist.count + nd, soj, lmin, lmax);
  }
}

/**
 * Arrivals per accounting segment at most: ∫N dt's sums over a segment grow with its length, and
 * so does their rounding (at 256 the area agrees with a frame-by-frame integration to ~1e−13).
 */
const SEGMENT = 256;

// acc[] cells: start of the accounting segment, ∫N dt, sojourn sum, departure of the newest frame,
// Σ (a − T0) over the segment's arrivals.
const T0 = 0, AREA = 1, SOJ = 2, LAST = 3, SUMA = 4;

/** Arrivals drawn per block (a 2 KB buffer). */
const BLOCK = 256;
/**
 * Most arrivals one arrival event handles before re-arming itself: the re-armed arrival precedes
 * every pending event, so the run is identical, and a long frame (a 600 s run's frame is 3 s) is
 * not one uninterruptible step (Simulation.advance's maxEvents bounds a call).
 */
export const ARRIVALS_PER_EVENT = BLOCK;

export class RingModel {
  readonly ring: HwRing;
  readonly linePps: number;
  private readonly source: TrafficSource;
  offered = 0;

  /** Arrivals drawn ahead: times[pos..len) are the next ones, in order. */
  private readonly times = new Float64Array(BLOCK);
  private pos = 0;
  private len = 0;

  constructor(
    s: Scenario,
    private readonly clock: Scheduler,
    rng: Prng,
    private readonly durationNs: number,
  ) {
    this.linePps = lineRatePps(s.nic.link_gbps, s.traffic.frame_bytes);
    this.source = new TrafficSource(s.traffic.arrival, (s.traffic.load * this.linePps) / 1e9, rng);
    this.ring = new HwRing(s.queues.tx_desc, frameTimeNs(s.nic.link_gbps, s.traffic.frame_bytes));
  }

  /** Time of the next arrival. */
  private next(): number {
    if (this.pos === this.len) {
      this.source.fill(this.times, BLOCK);
      this.pos = 0;
      this.len = BLOCK;
    }
    return this.times[this.pos]!;
  }

  start(): void {
    if (this.source.next < this.durationNs) this.clock.schedule(this.next(), EV_RING_ARRIVAL);
  }

  /** Process consecutive arrivals up to the next foreign event, then re-arm. */
  arrivals(): void {
    const clock = this.clock;
    const horizon = Math.min(clock.peekTime(), this.durationNs);
    let lastT = clock.now;
    let budget = ARRIVALS_PER_EVENT;
    for (;;) {
      this.next();
      const end = Math.min(this.len, this.pos + budget);
      const k = this.ring.offerBlock(this.times, this.pos, end, horizon);
      if (k > this.pos) lastT = this.times[k - 1]!;
      this.offered += k - this.pos;
      budget -= k - this.pos;
      this.pos = k;
      if (k < end || budget === 0) break; // stopped at the horizon, or this event's share is done
    }
    // The clock moves to the last arrival offered (nothing else reads it in between).
    clock.advanceTo(lastT);
    const t = this.next();
    if (t < this.durationNs) clock.schedule(t, EV_RING_ARRIVAL);
  }
}
