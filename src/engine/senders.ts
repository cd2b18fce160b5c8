/**
 * The transmit workload's sender threads: applications calling sendto() in a loop (netsend,
 * netperf UDP), one per CPU from `traffic.sender_cpu` (or one per TX queue on the queue's CPU).
 * Each has its own socket, so one flow, whose TX queue the driver picks (flows.ts); the default
 * senders map one to one onto the queues.
 *
 * A sender is closed-loop: it sends the next packet when sendto() returns, as fast as it can or,
 * below full load, when the next packet is due (the arrival process at load / senders). It never
 * drops for lack of speed: what it manages to push is the offered load. A full software ring
 * makes sendto() return ENOBUFS (counted as the ring's drops); the application goes on.
 * On a CPU that also runs queue tasks the thread yields after SENDER_PASS packets.
 */
import { A_DRAIN, STEP, STEP_DONE, STEP_PUSHED } from './activity';
import { OP, type CostModel } from './costmodel';
import type { Cpus } from './cpus';
import { EV_SEND } from './events';
import { C_OFFERED, C_SEND, C_STACK, type Ledger } from './ledger';
import type { Prng } from './prng';
import type { Scheduler } from './scheduler';
import { TrafficSource, type ArrivalProcess } from './traffic';
import type { TxPath } from './txpath/txpath';

/** Packets a sender sends before it lets other tasks queued on its CPU run. */
export const SENDER_PASS = 8;

export interface SenderHost {
  readonly clock: Scheduler;
  readonly cpus: Cpus;
  readonly cost: CostModel;
  readonly ledger: Ledger;
  pushActivity(cpu: number, kind: number, arg: number): void;
  /** Put sender s's task back on its CPU's queue (it yields). */
  requeueSender(s: number): void;
}

export class Senders {
  readonly n: number;
  readonly cpu: Int32Array;
  /** TX queue each sender's flow goes to. */
  readonly txq: Int32Array;
  private readonly src: TrafficSource[] = [];
  private readonly stamp: Float64Array;
  private readonly phase: Uint8Array;
  private readonly inRow: Int32Array;
  /** Packets each sender has sent (sendto calls returned). */
  readonly sent: Float64Array;
  /** 1 while the sender holds a packet (sendto in progress). */
  private readonly holding: Uint8Array;

  constructor(
    private readonly h: SenderHost,
    private readonly tx: TxPath,
    cpus: Int32Array,
    txq: Int32Array,
    process: ArrivalProcess,
    ratePerNs: number,
    rng: Prng,
    private readonly endNs: number,
  ) {
    this.n = cpus.length;
    this.cpu = cpus;
    this.txq = txq;
    for (let s = 0; s < this.n; s++) this.src.push(new TrafficSource(process, ratePerNs / this.n, rng));
    this.stamp = new Float64Array(this.n);
    this.phase = new Uint8Array(this.n);
    this.inRow = new Int32Array(this.n);
    this.sent = new Float64Array(this.n);
    this.holding = new Uint8Array(this.n);
  }

  /** When sender s first has something to send (Infinity: never). */
  firstDue(s: number): number {
    return this.src[s]!.next;
  }

  /** Advance sender s's loop on its CPU (step protocol of activity.ts). */
  step(cpu: number, s: number): number {
    const h = this.h, now = h.clock.now;
    for (;;) {
      if (this.phase[s] === 1) {
        // sendto → udp_output → ip_output → the driver's if_transmit
        this.holding[s] = 0;
        this.sent[s]! += 1;
        h.ledger.c[C_STACK]! += 1;
        this.tx.transmit(cpu, this.txq[s]!, this.stamp, s);
        this.phase[s] = 0;
        this.inRow[s]! += 1;
        if (this.tx.consumer >= 0) {
          h.pushActivity(cpu, A_DRAIN, this.tx.consumer);
          return STEP_PUSHED;
        }
        continue;
      }
      const src = this.src[s]!;
      const due = src.next;
      if (!(due < this.endNs)) return STEP_DONE;
      if (due > now) {
        this.inRow[s] = 0;
        h.clock.schedule(due, EV_SEND, s);
        return STEP_DONE;
      }
      if (this.inRow[s]! >= SENDER_PASS && h.cpus.rqLen[cpu]! > 0) {
        this.inRow[s] = 0;
        h.requeueSender(s);
        return STEP_DONE;
      }
      src.advance();
      this.stamp[s] = now;
      this.holding[s] = 1;
      h.ledger.c[C_OFFERED]! += 1;
      h.ledger.c[C_SEND]! += 1;
      this.phase[s] = 1;
      h.cost.charge(h.cpus.stageNs, cpu, OP.SEND, 1);
      return STEP;
    }
  }

  /** Packets in senders' hands (sendto in progress). */
  inFlight(): number {
    let n = 0;
    for (let s = 0; s < this.n; s++) n += this.holding[s]!;
    return n;
  }
}
