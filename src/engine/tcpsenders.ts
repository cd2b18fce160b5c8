/**
 * TCP senders towards the receiver (`traffic.interleave=tso`): the structure a real receiver's
 * LRO sees. Sources for every default are in docs/MODEL.md §3 (the sender model).
 *
 * - Senders. `senders` hosts (0 = one per flow), flow f on host f mod senders. A host sends one
 *   TSO burst at a time (its NIC cuts the 64 KB send into back-to-back MSS frames at the host's
 *   link rate, `senderFrameNs` per frame), taking its flows in turn (round robin per burst).
 * - Bursts. A TCP data flow's burst is `tsoSegs` segments (tcp_output: the TSO limit, rounded to
 *   whole segments); with `pacing`, about 1 ms of the flow's rate, at least 2 segments (Linux's
 *   tcp_tso_autosize with its default pacing shift of 10), sent at evenly spaced times. ACK-only,
 *   UDP and SCTP flows send one packet per turn.
 * - Rate. Each host averages rate/senders packets per ns (the offered load): after a burst it
 *   is idle for the rest of its cycle, a random (exponential) time without pacing, the exact time
 *   with it. Hosts start at random phases (exponential, or uniform over a cycle when paced), so the
 *   offered rate is the same from the first microsecond. A host whose link cannot carry its share sends back to
 *   back (the run's notes say what the senders can offer).
 * - The switch. The packets of all hosts are merged in time order: the stream at the input of
 *   the receiver's switch port (the ingress then serialises it at the receiver's line rate, with
 *   the port's buffer; a full buffer drops, and with `closedLoop` that is a loss like any other).
 * - Closed loop (`closedLoop`, NewReno): a data flow may only have `cwnd` segments unacknowledged;
 *   a burst is cut to the window and a host whose flows all wait skips to the first that can send,
 *   or idles until an ACK arrives. The receiver acknowledges what its stack is handed
 *   (`delivered`): a segment of more than one packet (an LRO aggregate, longer than t_maxseg) at
 *   once, single packets every second one (FreeBSD's DELAY_ACK), so LRO's aggregation compresses
 *   the ACK stream. ACKs and loss signals reach the sender `rttNs` later. Per ACK, slow start adds
 *   min(acked, 2) segments (RFC 3465 byte counting with L = 2, FreeBSD's tcp_abc_l_var), congestion
 *   avoidance one segment per window acked; `cwnd` starts at 10 (RFC 6928) and is capped by the
 *   receive window. A drop halves the window (ssthresh = max(cwnd/2, 2), cwnd = ssthresh:
 *   NewReno's cong_signal), once per window of data (NewReno's recovery point, RFC 6582).
 *   Retransmissions are not put on the wire: the receiver sees the hole a loss leaves, not the
 *   repair. An ACK that would let a host send earlier than the packet already handed to the
 *   switch port is applied when that packet has been taken (a lookahead of one packet).
 *
 * Per-packet work is one sift of a binary heap of hosts keyed by their next packet's time; state
 * lives in typed arrays and nothing allocates per packet (the ACK queue grows by doubling).
 */
import type { Prng } from './prng';
import { C_TIME, type RxSource } from './rxsource';
import { FLOW_DATA, type SegmentBuffer, type TcpFlows } from './tcpflows';

/** Segments a new connection may send before its first ACK (RFC 6928; FreeBSD V_tcp_initcwnd_segments). */
export const INIT_CWND = 10;
/** ABC limit per ACK in slow start, segments (RFC 3465 L; FreeBSD net.inet.tcp.abc_l_var). */
export const ABC_L = 2;
/** Smallest burst of tcp_tso_autosize (Linux sysctl tcp_min_tso_segs). */
export const MIN_TSO_SEGS = 2;
/** The time tcp_tso_autosize sizes a burst for: rate >> sk_pacing_shift (10) = about 1 ms. */
export const AUTOSIZE_NS = 1e6;

export interface TcpSendersOptions {
  nflows: number;
  /** FLOW_* kind of each flow (tcpflows.flowKindAt). */
  kind: Uint8Array;
  /** Sender hosts; 0 = one per flow. */
  senders: number;
  /** Serialisation of one frame at the senders' link rate, ns. */
  senderFrameNs: number;
  /** Offered load of all senders together, packets per ns. */
  rate: number;
  /** Segments per TSO burst. */
  tsoSegs: number;
  pacing: boolean;
  closedLoop: boolean;
  /** Round-trip time the ACKs add (receiver → sender), ns. */
  rttNs: number;
  /** Receive window, segments (caps cwnd). */
  rwndSegs: number;
}

const K_LOSS = -1;

export class TcpSenders implements RxSource {
  readonly kind = 'tso' as const;
  readonly flowHash = null;
  readonly hashType = null;
  readonly cell = new Float64Array(2);
  readonly feedback: boolean;
  readonly notes: string[] = [];
  readonly nflows: number;
  readonly senders: number;
  /** Packets per burst of each flow when its window allows (before the closed loop cuts it). */
  readonly burst: Int32Array;
  private tcp: TcpFlows | null = null;
  private readonly rng: Prng;
  private readonly kinds: Uint8Array;
  private readonly frameNs: number;
  /** Mean idle time per packet of a burst (ns): cycle per packet minus its serialisation. */
  private readonly idlePerPkt: number;
  private readonly pacing: boolean;
  private readonly closed: boolean;
  private readonly rttNs: number;
  private readonly rwnd: number;
  private last = 0;

  // per host: next packet time, burst flow (−1: choose at that time), packets left and burst
  // length, round-robin position, heap index (−1: idle, waiting for an ACK)
  private readonly nextT: Float64Array;
  private readonly cur: Int32Array;
  private readonly left: Int32Array;
  private readonly blen: Int32Array;
  private readonly rr: Int32Array;
  private readonly hpos: Int32Array;
  private readonly heap: Int32Array;
  private hn = 0;

  // per flow (closed loop): window, unacknowledged packets, ssthresh, CA byte counting, delayed
  // ACK count; packets sent and the recovery point (a count of packets sent)
  private readonly cwnd: Int32Array;
  private readonly inflight: Int32Array;
  private readonly ssthresh: Int32Array;
  private readonly caAcc: Int32Array;
  private readonly delack: Int32Array;
  private readonly sent: Float64Array;
  private readonly recover: Float64Array;

  // ACKs and loss signals on their way back: a FIFO (times only grow: now + rtt)
  private ackT: Float64Array;
  private ackFlow: Int32Array;
  private ackPkts: Int32Array;
  private ackAux: Float64Array;
  private aHead = 0;
  private aLen = 0;

  /** [packets, bursts, losses signalled, windows halved, ACKs] */
  readonly stats = new Float64Array(5);

  constructor(o: TcpSendersOptions, rng: Prng) {
    const F = o.nflows;
    if (!Number.isInteger(F) || F < 1) throw new RangeError(`TcpSenders: ${F} flows`);
    if (!(o.rate > 0)) throw new RangeError(`TcpSenders: rate ${o.rate}`);
    if (!Number.isInteger(o.tsoSegs) || o.tsoSegs < 1) throw new RangeError(`TcpSenders: tsoSegs ${o.tsoSegs}`);
    this.nflows = F;
    this.rng = rng;
    this.kinds = o.kind;
    const H = o.senders > 0 ? Math.min(o.senders, F) : F;
    this.senders = H;
    this.frameNs = o.senderFrameNs;
    this.pacing = o.pacing;
    this.closed = o.closedLoop;
    this.feedback = o.closedLoop;
    this.rttNs = o.rttNs;
    this.rwnd = Math.max(2, o.rwndSegs);
    // each host's share: rate / H packets per ns, i.e. a cycle of H / rate ns per packet
    const cyclePerPkt = H / o.rate;
    this.idlePerPkt = Math.max(0, cyclePerPkt - this.frameNs);
    if (cyclePerPkt < this.frameNs) {
      this.notes.push(`the ${H} sender(s) can offer only ${((H / this.frameNs / o.rate) * 100).toFixed(0)}% of the load: each sends back to back at its link rate`);
    }
    let data = 0;
    for (let f = 0; f < F; f++) if (o.kind[f] === FLOW_DATA) data++;
    this.burst = new Int32Array(F);
    // pacing: about 1 ms of the flow's share of the load (tcp_tso_autosize), 2 … tsoSegs
    const perFlowMs = data > 0 ? (o.rate / data) * AUTOSIZE_NS : 0;
    const paced = Math.min(o.tsoSegs, Math.max(MIN_TSO_SEGS, Math.floor(perFlowMs)));
    for (let f = 0; f < F; f++) this.burst[f] = o.kind[f] === FLOW_DATA ? (o.pacing ? paced : o.tsoSegs) : 1;

    this.nextT = new Float64Array(H);
    this.cur = new Int32Array(H).fill(-1);
    this.left = new Int32Array(H);
    this.blen = new Int32Array(H);
    this.rr = new Int32Array(H);
    this.hpos = new Int32Array(H).fill(-1);
    this.heap = new Int32Array(H);
    const cf = o.closedLoop ? F : 0;
    this.cwnd = new Int32Array(cf).fill(INIT_CWND);
    this.inflight = new Int32Array(cf);
    this.ssthresh = new Int32Array(cf).fill(this.rwnd);
    this.caAcc = new Int32Array(cf);
    this.delack = new Int32Array(cf);
    this.sent = new Float64Array(cf);
    this.recover = new Float64Array(cf).fill(-1);
    const ac = o.closedLoop ? 1024 : 0;
    this.ackT = new Float64Array(ac);
    this.ackFlow = new Int32Array(ac);
    this.ackPkts = new Int32Array(ac);
    this.ackAux = new Float64Array(ac);
    // random phases, so that the hosts' bursts form a stationary stream from time 0: a paced host
    // starts anywhere in its first cycle; an unpaced one after an exponential time of one cycle's
    // mean (its bursts are then a Poisson process from the start, not more frequent at first)
    for (let h = 0; h < H; h++) {
      const cycle = this.burst[h]! * (this.frameNs + this.idlePerPkt);
      this.nextT[h] = o.pacing || this.idlePerPkt === 0 ? rng.nextFloat() * cycle : rng.exponential(cycle);
      this.push(h);
    }
  }

  attachTcp(tcp: TcpFlows): void {
    this.tcp = tcp;
  }

  /** The congestion window of a flow (closed loop), segments. */
  cwndOf(flow: number): number { return this.cwnd[flow]!; }
  inflightOf(flow: number): number { return this.inflight[flow]!; }

  next(end: number): number {
    for (;;) {
      const top = this.hn > 0 ? this.nextT[this.heap[0]!]! : 1 / 0; // (a literal, not the global: no boxing of `top`)
      // ACKs that arrive before the next send may release an earlier one
      if (this.aLen > 0 && this.ackT[this.aHead]! <= top) {
        this.takeAck();
        continue;
      }
      if (!(top < end)) return -1;
      const h = this.heap[0]!;
      let f = this.cur[h]!;
      if (f < 0) {
        f = this.choose(h);
        if (f < 0) {
          this.remove(h);
          continue;
        }
      }
      this.cell[C_TIME] = top;
      this.last = f;
      this.stats[0]! += 1;
      if (this.closed) this.sent[f]! += 1;
      const l = this.left[h]! - 1;
      this.left[h] = l;
      if (l > 0) {
        this.nextT[h] = top + this.frameNs;
      } else {
        // the burst is done; the host idles for the rest of its cycle, then starts the next
        const idle = this.blen[h]! * this.idlePerPkt;
        this.nextT[h] = top + this.frameNs + (idle > 0 ? (this.pacing ? idle : this.rng.exponential(idle)) : 0);
        this.cur[h] = -1;
      }
      this.siftDown(this.hpos[h]!);
      return f;
    }
  }

  /** The host's next flow that may send, its burst set up; −1 if all wait for ACKs. */
  private choose(h: number): number {
    const H = this.senders, F = this.nflows;
    const count = Math.floor((F - 1 - h) / H) + 1;
    let k = this.rr[h]!;
    for (let tries = 0; tries < count; tries++) {
      const f = h + k * H;
      k = k + 1 === count ? 0 : k + 1;
      let n = this.burst[f]!;
      if (this.closed && this.kinds[f] === FLOW_DATA) {
        const room = this.cwnd[f]! - this.inflight[f]!;
        if (room <= 0) continue;
        if (n > room) n = room;
        this.inflight[f]! += n;
      }
      this.rr[h] = k;
      this.cur[h] = f;
      this.left[h] = n;
      this.blen[h] = n;
      this.stats[1]! += 1;
      return f;
    }
    return -1;
  }

  header(out: SegmentBuffer | null, i: number): void {
    const t = this.tcp;
    if (t !== null) t.next(out, i, this.last);
  }

  /** Dropped by the switch port's buffer or the NIC's: the segment is lost. */
  lostInNetwork(): void {
    this.header(null, 0);
    this.dropped(this.last, this.cell[C_TIME]!);
  }

  dropped(flow: number, now: number): void {
    if (!this.closed || this.kinds[flow] !== FLOW_DATA) return;
    this.inflight[flow]! -= 1;
    this.queueAck(now + this.rttNs, flow, K_LOSS, this.sent[flow]!);
  }

  delivered(flow: number, packets: number, _segments: number, now: number): void {
    if (!this.closed || this.kinds[flow] !== FLOW_DATA) return;
    // DELAY_ACK: a segment longer than one MSS is acknowledged at once, else every second one
    if (packets > 1) {
      const n = packets + this.delack[flow]!;
      this.delack[flow] = 0;
      this.queueAck(now + this.rttNs, flow, n, 0);
    } else {
      const n = this.delack[flow]! + 1;
      if (n >= 2) {
        this.delack[flow] = 0;
        this.queueAck(now + this.rttNs, flow, n, 0);
      } else this.delack[flow] = n;
    }
  }

  private queueAck(t: number, flow: number, pkts: number, aux: number): void {
    if (this.aLen === this.ackT.length) this.growAcks();
    let at = this.aHead + this.aLen;
    if (at >= this.ackT.length) at -= this.ackT.length;
    this.ackT[at] = t;
    this.ackFlow[at] = flow;
    this.ackPkts[at] = pkts;
    this.ackAux[at] = aux;
    this.aLen++;
  }

  /** Apply the oldest ACK or loss signal at its time. */
  private takeAck(): void {
    const a = this.aHead;
    const t = this.ackT[a]!, f = this.ackFlow[a]!, n = this.ackPkts[a]!, aux = this.ackAux[a]!;
    this.aHead = a + 1 === this.ackT.length ? 0 : a + 1;
    this.aLen--;
    if (n === K_LOSS) {
      this.stats[2]! += 1;
      // NewReno: one halving per window; a loss of a packet sent after the recovery point is new
      if (aux > this.recover[f]!) {
        const half = Math.max(2, this.cwnd[f]! >> 1);
        this.ssthresh[f] = half;
        this.cwnd[f] = half;
        this.caAcc[f] = 0;
        this.recover[f] = this.sent[f]!;
        this.stats[3]! += 1;
      }
    } else {
      this.stats[4]! += 1;
      const inf = this.inflight[f]! - n;
      this.inflight[f] = inf > 0 ? inf : 0;
      let w = this.cwnd[f]!;
      if (w < this.ssthresh[f]!) {
        w += n < ABC_L ? n : ABC_L;
      } else {
        const acc = this.caAcc[f]! + n;
        if (acc >= w) {
          this.caAcc[f] = acc - w;
          w += 1;
        } else this.caAcc[f] = acc;
      }
      this.cwnd[f] = w < this.rwnd ? w : this.rwnd;
    }
    // an idle host whose flow may send again starts now
    const h = f % this.senders;
    if (this.hpos[h]! < 0) {
      this.nextT[h] = t;
      this.cur[h] = -1;
      this.push(h);
    }
  }

  private growAcks(): void {
    const n = this.ackT.length * 2 || 1024, len = this.ackT.length;
    const t = new Float64Array(n), fl = new Int32Array(n), p = new Int32Array(n), x = new Float64Array(n);
    for (let k = 0; k < this.aLen; k++) {
      let j = this.aHead + k;
      if (j >= len) j -= len;
      t[k] = this.ackT[j]!;
      fl[k] = this.ackFlow[j]!;
      p[k] = this.ackPkts[j]!;
      x[k] = this.ackAux[j]!;
    }
    this.ackT = t;
    this.ackFlow = fl;
    this.ackPkts = p;
    this.ackAux = x;
    this.aHead = 0;
  }

  // --- binary heap of hosts by (next time, host) ---

  private less(a: number, b: number): boolean {
    const ta = this.nextT[a]!, tb = this.nextT[b]!;
    return ta < tb || (ta === tb && a < b);
  }

  private push(h: number): void {
    const i = this.hn++;
    this.heap[i] = h;
    this.hpos[h] = i;
    this.siftUp(i);
  }

  private remove(h: number): void {
    const i = this.hpos[h]!;
    const lastH = this.heap[--this.hn]!;
    this.hpos[h] = -1;
    if (i === this.hn) return;
    this.heap[i] = lastH;
    this.hpos[lastH] = i;
    this.siftDown(i);
    this.siftUp(this.hpos[lastH]!);
  }

  private siftUp(i: number): void {
    const heap = this.heap, pos = this.hpos;
    const h = heap[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const ph = heap[p]!;
      if (!this.less(h, ph)) break;
      heap[i] = ph;
      pos[ph] = i;
      i = p;
    }
    heap[i] = h;
    pos[h] = i;
  }

  private siftDown(i: number): void {
    const heap = this.heap, pos = this.hpos, n = this.hn;
    const h = heap[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && this.less(heap[c + 1]!, heap[c]!)) c++;
      const ch = heap[c]!;
      if (!this.less(ch, h)) break;
      heap[i] = ch;
      pos[ch] = i;
      i = c;
    }
    heap[i] = h;
    pos[h] = i;
  }
}
