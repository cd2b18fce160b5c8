/**
 * A hardware TX descriptor ring drained by the NIC onto the wire (a FIFO with one server).
 *
 * A frame takes a descriptor when it is enqueued and gives it back when its last bit has left the
 * wire. The NIC serialises frames back to back, so each frame's departure is
 * max(arrival, previous departure) + frame time (Lindley's recursion): exact, and no event is
 * needed per departure. Departures are retired lazily, in time order, whenever the caller moves
 * the ring's view of time forward with `retireUntil(t)`.
 *
 * With one ring of K descriptors this is exactly an M/D/1/K (poisson) or D/D/1/K (constant)
 * queue, which is what the textbook tests check.
 *
 * Besides the sojourn sum, the ring integrates its occupancy N(t) over time independently, so
 * Little's law (L = λW) is a real check, not an identity.
 */
import { Histogram } from './histogram';

export class TxRing {
  readonly capacity: number;
  private readonly arrive: Float64Array;
  private readonly depart: Float64Array;
  private head = 0; // oldest in-flight slot
  private n = 0; // descriptors in use
  private lastDepart = 0;
  private lastT = 0; // time up to which `area` is integrated

  enqueued = 0;
  delivered = 0;
  dropped = 0;
  maxOccupancy = 0;
  /** ∫ N(t) dt in descriptor·ns, integrated event by event. */
  area = 0;
  /** Sum of sojourn times of delivered frames, ns. */
  sojournSum = 0;
  readonly latency = new Histogram();

  constructor(
    capacity: number,
    /** Wire time per frame, ns. */
    private readonly serviceNs: number,
  ) {
    this.capacity = capacity;
    this.arrive = new Float64Array(capacity);
    this.depart = new Float64Array(capacity);
  }

  get occupancy(): number {
    return this.n;
  }

  /** Retire every frame whose transmission has finished by time t. */
  retireUntil(t: number): void {
    const cap = this.capacity;
    while (this.n > 0) {
      const d = this.depart[this.head]!;
      if (d > t) break;
      this.area += this.n * (d - this.lastT);
      this.lastT = d;
      const w = d - this.arrive[this.head]!;
      this.sojournSum += w;
      this.latency.record(w);
      this.delivered++;
      this.n--;
      this.head = this.head + 1 === cap ? 0 : this.head + 1;
    }
    if (t > this.lastT) {
      this.area += this.n * (t - this.lastT);
      this.lastT = t;
    }
  }

  /** Offer a frame at time t (call retireUntil(t) first). Returns false when the ring is full. */
  offer(t: number): boolean {
    if (this.n === this.capacity) {
      this.dropped++;
      return false;
    }
    let tail = this.head + this.n;
    if (tail >= this.capacity) tail -= this.capacity;
    const start = t > this.lastDepart ? t : this.lastDepart;
    const d = start + this.serviceNs;
    this.arrive[tail] = t;
    this.depart[tail] = d;
    this.lastDepart = d;
    this.n++;
    this.enqueued++;
    if (this.n > this.maxOccupancy) this.maxOccupancy = this.n;
    return true;
  }
}
