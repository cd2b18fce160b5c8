/**
 * Ingress: the traffic generator's port, the receiving NIC's packet-rate ceiling and RSS, up to
 * the RX descriptor rings.
 *
 * - The generator (pkt-gen in the BSDRP bench lab) cannot put more than line rate on its wire:
 *   a FIFO at line rate with SENDER_QUEUE frames of room; what does not fit is `drops.wire`. The
 *   DUT sees a frame when its last bit has arrived.
 * - A NIC with a known packet-rate ceiling serves frames no faster than that, from a buffer of
 *   NIC_BUFFER frames (`drops.nic`).
 * - The packets, their flows and times come from the RxSource (rxsource.ts, `traffic.interleave`):
 *   v3's uniformly random flow per packet, TCP senders' TSO trains, or a capture; RSS put every
 *   flow on its RX queue (flows.ts). A frame of its own size (a capture's) occupies the port for
 *   that size. The source writes each admitted packet's headers (TCP state for LRO) and hears of
 *   the packets lost before the stack: on the port or the NIC (`lostInNetwork`), at the ring
 *   (`dropped`). A closed-loop source may have nothing to send until ACKs come back: the RX task
 *   calls `resume` after deliveries.
 *
 * Run-ahead: arrivals are processed in one loop, ahead of the clock, up to the next moment
 * anything looks at an RX ring or its interrupt (the host's horizon: a heap event, or a CPU step
 * that reads, refills or re-arms a ring). Exact (nothing else depends on the rings in between)
 * and cheap: CPU steps inside a pass do not stop it.
 */
import { EV_ARRIVAL, EV_IRQ } from './events';
import type { Flows } from './flows';
import { C_NIC_IN, C_OFFERED, C_RX_RING, DROP_NIC, DROP_RX_RING, DROP_WIRE, type Ledger } from './ledger';
import { RXQ_ARMED, type RxQueues } from './rxqueue';
import { C_FRAME, C_TIME, type RxSource } from './rxsource';
import type { LazyMin, Scheduler } from './scheduler';
import type { SegmentBuffer } from './tcpflows';

/** Frames the generator's port can queue before it drops (pkt-gen's TX ring). */
export const SENDER_QUEUE = 1024;
/** Frames a NIC buffers in front of its packet-rate ceiling (on-chip packet buffer). */
export const NIC_BUFFER = 512;

const WIRE_LAST = 0, NIC_LAST = 1, NEXT_T = 2, PEEK = 3;

export class Ingress {
  // [WIRE_LAST] the generator port's last departure, [NIC_LAST] the NIC limiter's, [NEXT_T]
  // arrival at the RX ring of the pending packet, [PEEK] the run-ahead horizon of `arrivals`
  // (typed: V8 boxes changing double fields)
  private readonly st = Float64Array.of(0, 0, Infinity, 0);
  private nextFlow = 0;
  /** Headers of admitted packets go here (LRO), else nowhere. */
  seg: SegmentBuffer | null = null;
  /** ns per byte on the generator's wire (a frame of its own size: `(bytes + 20) × wireByteNs`). */
  private readonly wireByteNs: number;

  constructor(
    private readonly clock: Scheduler,
    private readonly source: RxSource,
    private readonly flows: Flows,
    private readonly rx: RxQueues,
    private readonly ledger: Ledger,
    /** Frame time on the generator's wire, ns (0: no wire in front). */
    private readonly wireNs: number,
    /** 1e9 / the NIC's RX packet-rate ceiling, ns (0: none). */
    private readonly nicNs: number,
    private readonly endNs: number,
    /**
     * Per CPU, the earliest moment its step in flight may touch an RX ring: arrivals run ahead of
     * the clock up to the earliest of these and the next heap event (nothing that looks at RX
     * rings comes first).
     */
    private readonly rxTouch: LazyMin,
    /** The generator's link, Gbit/s (for frames of their own size). */
    linkGbps: number,
  ) {
    this.wireByteNs = wireNs > 0 ? 8 / linkGbps : 0;
  }

  /** The arrival time of the pending packet (Infinity when the source has ended). */
  get nextTime(): number {
    return this.st[NEXT_T]!;
  }

  /** Packets on the generator's wire at this moment (the one-packet lookahead). */
  get inFlight(): number {
    return this.st[NEXT_T]! < Infinity ? 1 : 0;
  }

  start(): void {
    this.pull();
    const t = this.st[NEXT_T]!;
    if (t < this.endNs) this.clock.schedule(t, EV_ARRIVAL);
  }

  /** Generate source packets until one reaches the NIC's rings (or the source passes the end). */
  private pull(): void {
    const src = this.source, cell = src.cell, st = this.st, c = this.ledger.c, drops = this.ledger.drops;
    for (;;) {
      const flow = src.next(this.endNs);
      if (flow < 0) {
        st[NEXT_T] = Infinity;
        return;
      }
      const t = cell[C_TIME]!;
      c[C_OFFERED]! += 1;
      let at = t;
      if (this.wireNs > 0) {
        const last = st[WIRE_LAST]!;
        const start = t > last ? t : last;
        if (start - t >= SENDER_QUEUE * this.wireNs) {
          drops[DROP_WIRE]! += 1;
          src.lostInNetwork();
          continue;
        }
        const fb = cell[C_FRAME]!;
        at = start + (fb > 0 ? (fb + 20) * this.wireByteNs : this.wireNs); // last bit received
        st[WIRE_LAST] = at;
      }
      c[C_NIC_IN]! += 1;
      if (this.nicNs > 0) {
        const last = st[NIC_LAST]!;
        const start = at > last ? at : last;
        if (start - at >= NIC_BUFFER * this.nicNs) {
          drops[DROP_NIC]! += 1;
          src.lostInNetwork();
          continue;
        }
        at = start + this.nicNs;
        st[NIC_LAST] = at;
      }
      st[NEXT_T] = at;
      this.nextFlow = flow;
      return;
    }
  }

  /**
   * A closed-loop source that had nothing to send (NEXT_T = Infinity) may have been given window
   * by the deliveries just reported: pull again and re-arm the arrival event.
   */
  resume(): void {
    if (this.st[NEXT_T] !== Infinity) return;
    this.pull();
    const t = this.st[NEXT_T]!;
    if (t < this.endNs) this.clock.schedule(t, EV_ARRIVAL);
  }

  /** How far arrivals may run ahead: the next heap event or RX-touching step end, into st[PEEK]. */
  private horizon(): void {
    const e = this.clock.peekEvent(), r = this.rxTouch.min;
    this.st[PEEK] = e < r ? e : r;
  }

  /**
   * EV_ARRIVAL: admit packets until the next foreign event, then re-arm. The loop keeps its times
   * in `st`, not in locals: a loop-carried double that also reaches a call V8 did not inline (a
   * source's `dropped`, cold until a ring overflows) is kept boxed, a heap number per packet.
   */
  arrivals(): void {
    const clock = this.clock, rx = this.rx, st = this.st, c = this.ledger.c, drops = this.ledger.drops;
    const rxqOf = this.flows.rxq, state = rx.state;
    const src = this.source, seg = this.seg;
    const end = this.endNs;
    // The horizon changes only when this loop raises an interrupt: read it once, not per packet.
    this.horizon();
    while (st[NEXT_T]! < end && st[NEXT_T]! <= st[PEEK]!) {
      const f = this.nextFlow;
      const q = rxqOf[f]!;
      const i = rx.pushFrom(q, st, NEXT_T, st, NEXT_T, f);
      if (i < 0) {
        // A dropped packet still advances its flow: the receiver sees a sequence gap.
        src.header(null, 0);
        src.dropped(f, st[NEXT_T]!);
        drops[DROP_RX_RING]! += 1;
      } else {
        src.header(seg, i);
        c[C_RX_RING]! += 1;
        if (state[q] === RXQ_ARMED) {
          rx.raiseAt(q, st, NEXT_T);
          clock.scheduleAt(rx.irqAt, 0, EV_IRQ, q);
          this.horizon();
        }
      }
      this.pull();
    }
    if (st[NEXT_T]! < end) clock.scheduleAt(st, NEXT_T, EV_ARRIVAL, 0);
  }
}
