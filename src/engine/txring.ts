/**
 * A hardware TX descriptor ring drained by the NIC onto a wire.
 *
 * A frame takes a descriptor when it is handed to the NIC and gives it back when its last bit has
 * left the wire. The wire serialises frames back to back, so each frame's departure is
 * max(handoff, previous departure on that wire) + frame time (Lindley's recursion): exact, and no
 * event is needed per departure. Several rings (a NIC's TX queues) may share one `Wire`; frames
 * then leave in the order they were handed over.
 *
 * Completion is lazy, as in iflib: a frame that has left the wire keeps its descriptor until the
 * driver reclaims it (`retireAt`, run at the start of each drain). Observing completions for
 * statistics (`observeAt`, at frame boundaries) gives nothing back.
 *
 * The driver writes descriptors (`write`, iflib_encap → isc_txd_encap) before the NIC knows of
 * them: they hold a descriptor but do not transmit until the doorbell (`doorbell`,
 * isc_txd_flush writes the tail register), which hands every pending descriptor to the NIC at
 * once. `offerFrom` is a write and a doorbell together.
 *
 * With one ring of K descriptors this is exactly an M/D/1/K (poisson) or D/D/1/K (constant)
 * queue, which is what the textbook tests check.
 *
 * Besides the holding-time sum, the ring integrates its held descriptors N(t) over time
 * independently, so Little's law (L = λW) is a real check, not an identity.
 */
import { Histogram } from './histogram';

/** The serialising wire behind one or more rings. */
export class Wire {
  /** [0]: departure time of the last frame handed to this wire (typed array: no boxing per write). */
  readonly last = new Float64Array(1);
  constructor(
    readonly serviceNs: number,
    /**
     * How long after a doorbell the NIC can start sending the first frame it announced: it reads
     * the descriptors, then the frame, over PCIe (0: the ring workload's textbook queue).
     */
    readonly fetchNs = 0,
  ) {}
}

export class TxRing {
  readonly capacity: number;
  private readonly arrive: Float64Array;
  private readonly stamp: Float64Array;
  private readonly depart: Float64Array;
  /** Per slot: the descriptor asks for a completion report (RS; 1 unless the writer says). */
  private readonly rs: Uint8Array;
  private head = 0; // oldest descriptor not yet reclaimed
  private n = 0; // descriptors held: enqueued, not yet reclaimed by the driver
  private doneAhead = 0; // of those, frames already observed complete on the wire
  private pend = 0; // of those, the newest ones written but not yet doorbelled (no departure yet)
  // Doubles updated per frame live in a typed array (V8 boxes double object fields on each write):
  // [0] time up to which `area` is integrated, [1] area, [2] sojourn sum, [3] latency sum.
  private readonly acc = new Float64Array(4);

  enqueued = 0;
  /** Frames whose last bit has left the wire (observed so far). */
  delivered = 0;
  /** Descriptors the driver has reclaimed (iflib_completed_tx_reclaim). */
  reclaimed = 0;
  dropped = 0;
  maxOccupancy = 0;

  /** ∫ N(t) dt of held descriptors, descriptor·ns, integrated event by event. */
  get area(): number { return this.acc[1]!; }
  /** Sum of descriptor holding times (enqueue → reclaim) of reclaimed frames, ns. */
  get sojournSum(): number { return this.acc[2]!; }
  /** Sum of end-to-end latency (from each frame's stamp to its departure) of delivered frames, ns. */
  get latencySum(): number { return this.acc[3]!; }

  constructor(
    capacity: number,
    readonly wire: Wire,
    /** Where end-to-end latencies are recorded (may be shared by several rings). */
    readonly latency: Histogram = new Histogram(),
    /**
     * Free each descriptor the instant its frame leaves the wire (the hardware-only `ring`
     * workload: no driver in the loop). Off, descriptors wait for the driver's reclaim.
     */
    private readonly freeOnCompletion = false,
  ) {
    this.capacity = capacity;
    this.arrive = new Float64Array(capacity);
    this.stamp = new Float64Array(capacity);
    this.depart = new Float64Array(capacity);
    this.rs = new Uint8Array(capacity);
  }

  /** Sum over descriptors still held of how long they have been held by time T. */
  inFlightAge(T: number): number {
    let age = 0;
    for (let k = 0, h = this.head; k < this.n; k++, h = h + 1 === this.capacity ? 0 : h + 1) age += T - this.arrive[h]!;
    return age;
  }

  /** Descriptors held (not yet reclaimed by the driver). */
  get occupancy(): number {
    return this.n;
  }

  /** Frames handed to the NIC whose last bit has not yet left the wire (as of the last observation). */
  get inFlight(): number {
    return this.enqueued - this.delivered;
  }

  /**
   * Departure of the newest frame the NIC has been handed (−Infinity: none held), into out[oi]:
   * a double returned from a call V8 does not inline is boxed into a fresh heap number.
   */
  lastHandedDepartureTo(out: Float64Array, oi: number): void {
    const handed = this.n - this.pend;
    if (handed <= 0) {
      out[oi] = -1 / 0;
      return;
    }
    let i = this.head + handed - 1;
    if (i >= this.capacity) i -= this.capacity;
    out[oi] = this.depart[i]!;
  }

  /** Departure of the k-th oldest descriptor held (0 = oldest); −Infinity when k is out of range. */
  departureOfHeld(k: number): number {
    if (k < 0 || k >= this.n) return -Infinity;
    let i = this.head + k;
    if (i >= this.capacity) i -= this.capacity;
    return this.depart[i]!;
  }

  /** Descriptors the driver can use now. */
  get free(): number {
    return this.capacity - this.n;
  }

  /** Descriptors written since the last doorbell (the NIC does not know of them yet). */
  get pending(): number {
    return this.pend;
  }

  /** Frames the NIC has finished that the driver has not reclaimed (as of the last observation). */
  get completed(): number {
    return this.doneAhead;
  }

  private readonly scratch = new Float64Array(2);

  /** Observe completions up to t and reclaim them (the driver's reclaim at time t). */
  retireUntil(t: number): void {
    this.scratch[0] = t;
    this.retireAt(this.scratch, 0);
  }

  /** observeAt for callers outside the hot loops (frame boundaries, end of run). */
  observeUntil(t: number): void {
    this.scratch[0] = t;
    this.observeAt(this.scratch, 0);
  }

  /**
   * Hand a frame to the NIC at time t (reclaim first). `stamp` is when the frame entered the
   * system, for end-to-end latency. Returns false (and counts a drop) when no descriptor is free.
   */
  offer(t: number, stamp: number = t): boolean {
    this.scratch[0] = t;
    this.scratch[1] = stamp;
    return this.offerFrom(this.scratch, 0, this.scratch, 1);
  }

  /**
   * Note the frames whose transmission has finished by `times[ti]` (delivered count, latency)
   * without giving their descriptors back: what the hardware has done, before the driver looks.
   * The hot loops pass times as (array, index): a double argument to a call V8 does not inline is
   * boxed into a fresh heap number every time.
   */
  observeAt(times: Float64Array, ti: number): void {
    const t = times[ti]!;
    const cap = this.capacity;
    const acc = this.acc;
    if (this.freeOnCompletion) {
      this.completeAndFree(t);
      return;
    }
    let i = this.head + this.doneAhead;
    if (i >= cap) i -= cap;
    const visible = this.n - this.pend;
    while (this.doneAhead < visible) {
      const d = this.depart[i]!;
      if (d > t) break;
      const lat = d - this.stamp[i]!;
      acc[3]! += lat;
      this.latency.record(lat);
      this.delivered++;
      this.doneAhead++;
      i = i + 1 === cap ? 0 : i + 1;
    }
    if (t > acc[0]!) {
      acc[1]! += this.n * (t - acc[0]!);
      acc[0] = t;
    }
  }

  /**
   * The driver reclaims completed descriptors at `times[ti]` (iflib_completed_tx_reclaim, run at
   * the start of each drain). Until then a finished frame still holds its descriptor. As iflib's
   * DESC_RECLAIMABLE, the newest `keep` completed descriptors stay (processed − cleaned −
   * isc_tx_nsegments), and nothing is freed unless more than `threshold` are reclaimable. With
   * `rsOnly` the driver sees completions only up to the last finished descriptor written with RS
   * (the DD bits its credits update reads, ix and igb).
   */
  retireAt(times: Float64Array, ti: number, threshold = 0, reportEvery = 0, keep = 0, rsOnly = false): void {
    this.observeAt(times, ti);
    let k = this.doneAhead;
    if (k === 0) return;
    if (reportEvery > 0) {
      k = this.reported(k, reportEvery);
      if (k === 0) return;
    } else if (rsOnly) {
      k = this.reportedRs(k);
      if (k === 0) return;
    }
    // iflib_completed_tx_reclaim: `reclaim <= thresh` returns without freeing anything.
    k -= keep;
    if (k <= 0 || k <= threshold) return;
    const t = times[ti]!;
    const cap = this.capacity;
    let soj = 0;
    let h = this.head;
    for (let j = 0; j < k; j++) {
      soj += t - this.arrive[h]!;
      h = h + 1 === cap ? 0 : h + 1;
    }
    this.acc[2]! += soj;
    this.head = h;
    this.n -= k;
    this.reclaimed += k;
    this.doneAhead -= k;
  }

  /**
   * Of the k oldest completed descriptors, those the driver sees: the NIC reports completion only
   * for descriptors with the RS bit (netmap sets it at slot 0 and half the ring), so up to the
   * last completed RS slot, nothing past it. (Out of retireAt, which then inlines more often.)
   */
  private reported(k: number, reportEvery: number): number {
    let seen = 0;
    for (let j = 0, h = this.head; j < k; j++, h = h + 1 === this.capacity ? 0 : h + 1) {
      if (h % reportEvery === 0) seen = j + 1;
    }
    return seen;
  }

  /** Of the k oldest completed descriptors, those up to the last one written with RS. */
  private reportedRs(k: number): number {
    let seen = 0;
    for (let j = 0, h = this.head; j < k; j++, h = h + 1 === this.capacity ? 0 : h + 1) {
      if (this.rs[h] !== 0) seen = j + 1;
    }
    return seen;
  }

  /** Hardware-only ring: each frame frees its descriptor at its departure instant. */
  private completeAndFree(t: number): void {
    const cap = this.capacity;
    const acc = this.acc;
    while (this.n > 0) {
      const d = this.depart[this.head]!;
      if (d > t) break;
      acc[1]! += this.n * (d - acc[0]!);
      acc[0] = d;
      acc[2]! += d - this.arrive[this.head]!;
      const lat = d - this.stamp[this.head]!;
      acc[3]! += lat;
      this.latency.record(lat);
      this.delivered++;
      this.reclaimed++;
      this.n--;
      this.head = this.head + 1 === cap ? 0 : this.head + 1;
    }
    if (t > acc[0]!) {
      acc[1]! += this.n * (t - acc[0]!);
      acc[0] = t;
    }
  }

  /**
   * The driver writes one descriptor at `times[ti]` for a frame stamped `stamps[si]`; the NIC sees
   * it at the next `doorbell`. Returns false when no descriptor is free (the caller decides: iflib
   * leaves the packet in its software ring; without one it is a drop, which `offerFrom` counts).
   * `rs` 0: the descriptor asks for no completion report (see retireAt's `rsOnly`).
   */
  write(times: Float64Array, ti: number, stamps: Float64Array, si: number, rs = 1): boolean {
    const t = times[ti]!;
    if (this.n === this.capacity) return false;
    // ∫N dt up to t, before N changes at t (written out: a double argument to a call V8 does not
    // inline is boxed into a fresh heap number, once per frame here)
    const acc = this.acc;
    if (t > acc[0]!) {
      acc[1]! += this.n * (t - acc[0]!);
      acc[0] = t;
    }
    let tail = this.head + this.n;
    if (tail >= this.capacity) tail -= this.capacity;
    this.arrive[tail] = t;
    this.stamp[tail] = stamps[si]!;
    this.depart[tail] = Infinity;
    this.rs[tail] = rs;
    this.n++;
    this.pend++;
    this.enqueued++;
    if (this.n > this.maxOccupancy) this.maxOccupancy = this.n;
    return true;
  }

  /**
   * The doorbell at `times[ti]`: the NIC learns of every pending descriptor and sends their
   * frames in order after whatever the wire is busy with. Returns how many it handed over.
   */
  doorbell(times: Float64Array, ti: number): number {
    const k = this.pend;
    if (k === 0) return 0;
    const cap = this.capacity;
    const w = this.wire;
    const t = times[ti]! + w.fetchNs;
    let last = w.last[0]!;
    let i = this.head + this.n - k;
    if (i >= cap) i -= cap;
    for (let j = 0; j < k; j++) {
      const d = (t > last ? t : last) + w.serviceNs;
      this.depart[i] = d;
      last = d;
      i = i + 1 === cap ? 0 : i + 1;
    }
    w.last[0] = last;
    this.pend = 0;
    return k;
  }

  /** offer with the time read from `times[ti]` and the stamp from `stamps[si]`. */
  offerFrom(times: Float64Array, ti: number, stamps: Float64Array, si: number): boolean {
    const t = times[ti]!;
    if (this.n === this.capacity) {
      this.dropped++;
      return false;
    }
    if (this.pend > 0) throw new Error('TxRing.offerFrom with descriptors awaiting a doorbell');
    // ∫N dt up to t, before N changes at t (written out: a double argument to a call V8 does not
    // inline is boxed into a fresh heap number, once per frame here)
    const acc = this.acc;
    if (t > acc[0]!) {
      acc[1]! += this.n * (t - acc[0]!);
      acc[0] = t;
    }
    let tail = this.head + this.n;
    if (tail >= this.capacity) tail -= this.capacity;
    const w = this.wire;
    const last = w.last[0]!;
    const tf = t + w.fetchNs;
    const d = (tf > last ? tf : last) + w.serviceNs;
    this.arrive[tail] = t;
    this.stamp[tail] = stamps[si]!;
    this.depart[tail] = d;
    this.rs[tail] = 1;
    w.last[0] = d;
    this.n++;
    this.enqueued++;
    if (this.n > this.maxOccupancy) this.maxOccupancy = this.n;
    return true;
  }
}
