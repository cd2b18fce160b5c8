/**
 * RX queues: one hardware descriptor ring per queue, which the NIC fills by DMA and the queue's
 * task empties, and the queue's interrupt vector with its moderation (ITR).
 *
 * - A full ring drops (the NIC's missed-packets counter, `drops.rx_ring`).
 * - A packet that lands on a queue whose interrupt is armed raises it at
 *   max(now, last interrupt + itr_us): iflib_fast_intr then queues the task (GROUPTASK_ENQUEUE)
 *   and the interrupt stays masked until the task re-enables it (IFDI_RX_QUEUE_INTR_ENABLE) on
 *   finding the ring empty.
 * - Transmit uses the same structure for its sender threads' backlogs (no interrupt then).
 *
 * Each ring integrates its occupancy N(t) event by event, and separately sums per-packet
 * sojourns, so Little's law on it is a real check. State is struct-of-arrays by queue.
 */

import type { TraceTap } from './tracetap';

/** Interrupt enabled, task idle. */
export const RXQ_ARMED = 0;
/** Interrupt raised (after moderation), task not yet queued. */
export const RXQ_IRQ_PENDING = 1;
/** Task queued or running. */
export const RXQ_QUEUED = 2;
/** netmap: the thread sleeps in poll() on a full TX ring. */
export const RXQ_SLEEPING = 3;

export interface RxQueueSummary {
  id: number;
  kind: 'rx' | 'sender';
  cpu: number;
  descriptors: number;
  arrived: number;
  processed: number;
  dropped: number;
  in_ring: number;
  max_occupancy: number;
  mean_occupancy: number;
  littles_law_lambda_w: number;
  /** Time-average occupancy owed to packets still in the ring at the end (their waits so far / T). */
  littles_law_residual: number;
  interrupts: number;
  passes: number;
  mean_pass: number;
  pps: number;
}

export class RxQueues {
  readonly n: number;
  readonly cap: number;
  /** Per slot (queue × cap): time the packet entered the ring, its end-to-end stamp, its flow. */
  readonly ringT: Float64Array;
  readonly ringStamp: Float64Array;
  readonly ringFlow: Int32Array;
  readonly head: Int32Array;
  readonly count: Int32Array;
  readonly state: Uint8Array;
  readonly lastIrq: Float64Array;
  /** 1 when the task was woken by an interrupt (its next pass pays the wake-up). */
  readonly woken: Uint8Array;
  readonly itrNs: number;
  // accounting
  readonly arrived: Float64Array;
  readonly processed: Float64Array;
  readonly dropped: Float64Array;
  readonly maxOcc: Int32Array;
  readonly irqs: Float64Array;
  readonly passes: Float64Array;
  private readonly area: Float64Array;
  private readonly areaT: Float64Array;
  private readonly sojourn: Float64Array;
  /** Trace source (sim.trace): told of each ring's occupancy when it changes. */
  tap: TraceTap | null = null;

  constructor(n: number, cap: number, itrNs: number) {
    this.n = n;
    this.cap = cap;
    this.itrNs = itrNs;
    this.ringT = new Float64Array(n * cap);
    this.ringStamp = new Float64Array(n * cap);
    this.ringFlow = new Int32Array(n * cap);
    this.head = new Int32Array(n);
    this.count = new Int32Array(n);
    this.state = new Uint8Array(n);
    this.lastIrq = new Float64Array(n).fill(-Infinity);
    this.woken = new Uint8Array(n);
    this.arrived = new Float64Array(n);
    this.processed = new Float64Array(n);
    this.dropped = new Float64Array(n);
    this.maxOcc = new Int32Array(n);
    this.irqs = new Float64Array(n);
    this.passes = new Float64Array(n);
    this.area = new Float64Array(n);
    this.areaT = new Float64Array(n);
    this.sojourn = new Float64Array(n);
  }

  /**
   * The NIC (or an application) puts a packet on queue q at time `times[ti]`, end-to-end stamp
   * `stamps[si]`. Returns the ring slot index (q × cap + slot) it took, or −1 when the ring was
   * full (dropped). The caller checks `state` to raise the interrupt. Times come in typed arrays,
   * here and below: a double argument to a call V8 does not inline is boxed into a fresh heap
   * number every time, and this runs per packet.
   */
  pushFrom(q: number, times: Float64Array, ti: number, stamps: Float64Array, si: number, flow: number): number {
    const t = times[ti]!, stamp = stamps[si]!;
    this.arrived[q]! += 1;
    const n = this.count[q]!;
    if (n >= this.cap) {
      this.dropped[q]! += 1;
      return -1;
    }
    this.area[q]! += n * (t - this.areaT[q]!);
    this.areaT[q] = t;
    let slot = this.head[q]! + n;
    if (slot >= this.cap) slot -= this.cap;
    const i = q * this.cap + slot;
    this.ringT[i] = t;
    this.ringStamp[i] = stamp;
    this.ringFlow[i] = flow;
    this.count[q] = n + 1;
    if (n + 1 > this.maxOcc[q]!) this.maxOcc[q] = n + 1;
    if (this.tap !== null) this.tap.rxRing(q, t, n + 1);
    return i;
  }

  /** When the interrupt of the last `raiseAt` fires (read it at once). */
  readonly irqAt = new Float64Array(1);

  /**
   * A packet at `times[ti]` raises the queue's interrupt: marks it pending; it fires at
   * max(t, last interrupt + itr) (ITR moderation), written to `irqAt[0]`.
   */
  raiseAt(q: number, times: Float64Array, ti: number): void {
    const t = times[ti]!;
    this.state[q] = RXQ_IRQ_PENDING;
    const at = this.lastIrq[q]! + this.itrNs;
    this.irqAt[0] = t > at ? t : at;
  }

  /** The interrupt fires at `times[ti]`: the filter queues the task. */
  fireAt(q: number, times: Float64Array, ti: number): void {
    this.lastIrq[q] = times[ti]!;
    this.irqs[q]! += 1;
    this.state[q] = RXQ_QUEUED;
    this.woken[q] = 1;
  }

  /** Slot index of the k-th oldest packet of queue q. */
  slot(q: number, k: number): number {
    let s = this.head[q]! + k;
    if (s >= this.cap) s -= this.cap;
    return q * this.cap + s;
  }

  /** The task takes the `n` oldest packets at `tc[0]` (iflib refills their descriptors). The time comes in a typed array: a double argument of a call V8 does not inline is boxed. */
  consume(q: number, n: number, tc: Float64Array): void {
    const now = tc[0]!;
    const cap = this.cap;
    const cnt = this.count[q]!;
    this.area[q]! += cnt * (now - this.areaT[q]!);
    this.areaT[q] = now;
    let h = this.head[q]!, soj = 0;
    const base = q * cap, ringT = this.ringT;
    for (let k = 0; k < n; k++) {
      soj += now - ringT[base + h]!;
      h = h + 1 === cap ? 0 : h + 1;
    }
    this.head[q] = h;
    this.count[q] = cnt - n;
    this.sojourn[q]! += soj;
    this.processed[q]! += n;
    if (this.tap !== null) this.tap.rxRing(q, now, cnt - n);
  }

  /** Bring the occupancy integrals up to t. */
  sync(t: number): void {
    for (let q = 0; q < this.n; q++) {
      this.area[q]! += this.count[q]! * (t - this.areaT[q]!);
      this.areaT[q] = t;
    }
  }

  /** Packets in all rings now. */
  get held(): number {
    let s = 0;
    for (let q = 0; q < this.n; q++) s += this.count[q]!;
    return s;
  }

  summaries(T: number, kind: 'rx' | 'sender', cpuOf: Int32Array): RxQueueSummary[] {
    const out: RxQueueSummary[] = [];
    for (let q = 0; q < this.n; q++) {
      const done = this.processed[q]!;
      let age = 0;
      for (let k = 0; k < this.count[q]!; k++) age += T - this.ringT[this.slot(q, k)]!;
      out.push({
        id: q,
        kind,
        cpu: cpuOf[q]!,
        descriptors: this.cap,
        arrived: this.arrived[q]!,
        processed: done,
        dropped: this.dropped[q]!,
        in_ring: this.count[q]!,
        max_occupancy: this.maxOcc[q]!,
        mean_occupancy: T > 0 ? this.area[q]! / T : 0,
        littles_law_lambda_w: T > 0 ? this.sojourn[q]! / T : 0,
        littles_law_residual: T > 0 ? age / T : 0,
        interrupts: this.irqs[q]!,
        passes: this.passes[q]!,
        mean_pass: this.passes[q]! ? done / this.passes[q]! : 0,
        pps: T > 0 ? done / (T / 1e9) : 0,
      });
    }
    return out;
  }
}
