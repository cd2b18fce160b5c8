/**
 * netmap transmit: pkt-gen threads, one per TX ring (thread i → ring i mod ntx), each filling up
 * to `netmap.burst` slots and calling txsync (`iflib_netmap_txsync`): one descriptor per slot, no
 * mbufs, no stack, no software ring, one doorbell per txsync. txsync asks the NIC for a
 * completion report (RS) only at slot 0 and half the ring, so it learns of completed slots in
 * half-ring chunks.
 *
 * When txsync finds no free slot the thread sleeps in poll(); iflib has no TX interrupt, so only
 * a timer wakes it:
 * - `sbt_90us`: the per-queue netmap timer, 90 µs later; `sbt_1ms`: a fixed 1 ms callout;
 * - `tick`: txsync arms the txq callout for one tick, but iflib_timer shares that callout and
 *   re-arms it for hz/2 when it runs. A thread woken on another CPU than the callout runs txsync
 *   (re-arming one tick) before iflib_timer finishes, so iflib_timer's hz/2 wins, again and again:
 *   the missed wake-up of the meeting (a hypothesis consistent with the notes, docs/MODEL.md).
 * Below full load a thread fills only the slots that are due and sleeps until the next is.
 */
import { STEP, STEP_DONE } from '../activity';
import { OP, type CostModel } from '../costmodel';
import type { Cpus } from '../cpus';
import { EV_NM_WAKE, EV_SEND } from '../events';
import { C_ENCAP, C_NIC_TX, C_OFFERED, C_SEND, type Ledger } from '../ledger';
import type { Prng } from '../prng';
import type { Scheduler } from '../scheduler';
import { TrafficSource, type ArrivalProcess } from '../traffic';
import type { TraceTap } from '../tracetap';
import type { TxRing } from '../txring';

export type NetmapTimer = 'tick' | 'sbt_1ms' | 'sbt_90us';

export interface NetmapHost {
  readonly clock: Scheduler;
  readonly cpus: Cpus;
  readonly cost: CostModel;
  readonly ledger: Ledger;
  readonly rings: readonly TxRing[];
  readonly txCpu: Int32Array;
  requeueSender(t: number): void;
  /** Trace sink (sim.trace), else null. */
  readonly tap: TraceTap | null;
}

export class NetmapSenders {
  readonly n: number;
  readonly cpu: Int32Array;
  /** Sleeps on a full ring, sleeps whose one-tick wake-up iflib_timer overwrote, wake-ups by source. */
  readonly stats = { stalls: 0, lost_wakeups: 0, wakeups: { timer: 0, iflib_timer: 0, tx_irq: 0 } };
  private readonly src: TrafficSource[] = [];
  private readonly phase: Uint8Array;
  private readonly fill: Int32Array;
  /** Per TX ring: slots filled by threads whose txsync has not yet written them. */
  private readonly reserved: Int32Array;
  private readonly sleeping: Uint8Array;
  /** 0: woken by the netmap timer, 1: by iflib_timer (hz/2), 2: by the NIC's TX interrupt. */
  private readonly wakeSource: Uint8Array;
  /** tick mode: until when iflib_timer's hz/2 re-arm overwrites the txq callout, per ring. */
  private readonly override: Float64Array;
  private readonly tickNs: number;
  private readonly stampCell = new Float64Array(1);
  private readonly ntx: number;
  /** Slots each thread has filled and synced. */
  readonly sent: Float64Array;
  /** txsync doorbells. */
  doorbells = 0;

  constructor(
    private readonly h: NetmapHost,
    cpus: Int32Array,
    private readonly burst: number,
    private readonly timer: NetmapTimer,
    hz: number,
    process: ArrivalProcess,
    ratePerNs: number,
    rng: Prng,
    private readonly endNs: number,
    /**
     * The driver's netmap TX ring raises a completion interrupt (cxgbe: the egress update →
     * t4_nm_intr → netmap_tx_irq; mlx5en: its TX CQ), so a thread asleep on a full ring is woken
     * when the NIC has sent half of it; iflib has no TX interrupt and needs the timer.
     */
    private readonly txIrq = false,
  ) {
    this.n = cpus.length;
    this.cpu = cpus;
    this.ntx = h.rings.length;
    for (let t = 0; t < this.n; t++) this.src.push(new TrafficSource(process, ratePerNs / this.n, rng));
    this.phase = new Uint8Array(this.n);
    this.fill = new Int32Array(this.n);
    this.reserved = new Int32Array(this.ntx);
    this.sleeping = new Uint8Array(this.n);
    this.wakeSource = new Uint8Array(this.n);
    this.override = new Float64Array(this.ntx);
    this.tickNs = 1e9 / hz;
    this.sent = new Float64Array(this.n);
  }

  firstDue(t: number): number {
    return this.src[t]!.next;
  }

  /** Advance pkt-gen thread t (step protocol of activity.ts). */
  step(cpu: number, t: number): number {
    const h = this.h, now = h.clock.now, ring = h.rings[t % this.ntx]!;
    const c = h.ledger.c;
    if (this.phase[t] === 1) {
      // txsync: the filled slots get their descriptors and one doorbell
      const n = this.fill[t]!;
      this.stampCell[0] = now;
      for (let k = 0; k < n; k++) ring.write(h.clock.timeCell, 0, this.stampCell, 0);
      this.reserved[t % this.ntx]! -= n;
      c[C_ENCAP]! += n;
      const k = ring.doorbell(h.clock.timeCell, 0);
      c[C_NIC_TX]! += k;
      if (h.tap !== null) h.tap.doorbell(cpu, t % this.ntx, k);
      this.sent[t]! += n;
      this.doorbells++;
      this.fill[t] = 0;
      this.phase[t] = 0;
      if (h.cpus.rqLen[cpu]! > 0) {
        h.requeueSender(t);
        return STEP_DONE;
      }
    }
    // txsync first reclaims: completions are reported at slot 0 and half the ring only
    ring.retireAt(h.clock.timeCell, 0, 0, ring.capacity >> 1);
    const src = this.src[t]!;
    let n = 0;
    // Slots another thread on this ring has filled but not yet synced are taken (threads > rings).
    const room = Math.min(this.burst, ring.free - this.reserved[t % this.ntx]!);
    while (n < room && src.next <= now && src.next < this.endNs) {
      src.advance();
      n++;
    }
    if (n === 0) {
      if (ring.free - this.reserved[t % this.ntx]! <= 0) this.sleep(t, now);
      else if (src.next < this.endNs) h.clock.schedule(src.next, EV_SEND, t);
      return STEP_DONE;
    }
    c[C_OFFERED]! += n;
    c[C_SEND]! += n;
    this.fill[t] = n;
    this.reserved[t % this.ntx]! += n;
    this.phase[t] = 1;
    const cost = h.cost, stage = h.cpus.stageNs;
    cost.charge(stage, cpu, OP.NM_SYNC, 1);
    cost.charge(stage, cpu, OP.NM_FILL, n);
    cost.charge(stage, cpu, OP.NM_SLOT, n);
    cost.charge(stage, cpu, OP.DOORBELL, 1);
    return STEP;
  }

  private sleep(t: number, now: number): void {
    const q = t % this.ntx;
    this.sleeping[t] = 1;
    this.stats.stalls++;
    let at: number;
    this.wakeSource[t] = 0;
    if (this.txIrq) {
      const ring = this.h.rings[q]!;
      const d = ring.departureOfHeld(ring.occupancy - (ring.capacity >> 1));
      at = d > now ? d : now;
      this.wakeSource[t] = 2;
    } else if (this.timer === 'sbt_90us') at = now + 90e3;
    else if (this.timer === 'sbt_1ms') at = now + 1e6;
    else if (now < this.override[q]!) {
      at = this.override[q]!;
      this.wakeSource[t] = 1;
      this.stats.lost_wakeups++;
    } else at = (Math.floor(now / this.tickNs) + 1) * this.tickNs;
    if (at < this.endNs) this.h.clock.schedule(at, EV_NM_WAKE, t);
    if (this.h.tap !== null) this.h.tap.netmapSleep(this.cpu[t]!, t, q, now);
  }

  /** EV_NM_WAKE: the timer fires; netmap_tx_irq wakes the thread. Returns false if it was awake. */
  wake(t: number): boolean {
    if (!this.sleeping[t]) return false;
    const now = this.h.clock.now;
    const q = t % this.ntx;
    if (this.wakeSource[t] === 1) this.stats.wakeups.iflib_timer++;
    else if (this.wakeSource[t] === 2) this.stats.wakeups.tx_irq++;
    else this.stats.wakeups.timer++;
    if (this.h.tap !== null) this.h.tap.netmapWake(this.cpu[t]!, t, this.wakeSource[t]!, now);
    if (!this.txIrq && this.timer === 'tick' && this.cpu[t] !== this.h.txCpu[q]) {
      // iflib_timer finishes on the txq's CPU after the woken thread re-armed: hz/2 wins.
      this.override[q] = now + (this.tickNs * Math.floor(1e9 / this.tickNs)) / 2;
    }
    this.sleeping[t] = 0;
    return true;
  }

  /** Slots filled by a txsync in progress (offered, not yet written). */
  inFlight(): number {
    let n = 0;
    for (let t = 0; t < this.n; t++) n += this.fill[t]!;
    return n;
  }
}
