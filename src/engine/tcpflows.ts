/**
 * Per-packet TCP state for the receive workload: what LRO (lro.ts) looks at in each received
 * header. F flows, each a connection whose segments carry a sequence number, an ACK number, a
 * window, RFC 7323 timestamps and flags, as a real sender would put them on the wire:
 *
 * - data streams (a bulk sender towards the host): MSS-sized payloads (frame 1514 → 1448 bytes
 *   with timestamps), sequence advancing by the payload, a constant ACK (the host sends no data);
 * - ACK-only streams (the reverse direction of a bulk sender on the host, `lro-ack-storm`): pure
 *   ACKs whose ACK number advances by `ackEvery` segments, the sequence number constant;
 * - UDP and SCTP flows (the protocol mix): no TCP fields, but iflib offers them to LRO all the same.
 *
 * Disturbances, so LRO's merge-stop rules are exercised: a lost segment (a sequence gap at the
 * receiver), a segment overtaken by the next one (reordering), duplicate ACKs (carrying SACK blocks
 * when `sack`, i.e. options other than timestamps), window changes, occasional PSH.
 *
 * The caller picks the flow of each packet (the simulator's traffic source does) and passes the
 * PRNG in; the same PRNG state and the same flow sequence give the same segments. Per-flow state
 * lives in typed arrays; `next` writes one packet into a caller-provided SegmentBuffer and
 * allocates nothing.
 */
import type { Prng } from './prng';

// IPPROTO_* (netinet/in.h)
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const IPPROTO_SCTP = 132;

// th_flags (netinet/tcp.h)
export const TH_FIN = 0x01;
export const TH_SYN = 0x02;
export const TH_RST = 0x04;
export const TH_PUSH = 0x08;
export const TH_ACK = 0x10;
export const TH_URG = 0x20;
export const TH_ECE = 0x40;
export const TH_CWR = 0x80;

// M_HASHTYPE_* (sys/mbuf.h, FreeBSD 11+): M_HASHTYPE_HASHPROP (0x80) | the Microsoft RSS type.
export const M_HASHTYPE_NONE = 0;
export const M_HASHTYPE_RSS_IPV4 = 0x81;
export const M_HASHTYPE_RSS_TCP_IPV4 = 0x82;
export const M_HASHTYPE_RSS_IPV6 = 0x83;
export const M_HASHTYPE_RSS_TCP_IPV6 = 0x84;
export const M_HASHTYPE_RSS_TCP_IPV6_EX = 0x86;
export const M_HASHTYPE_RSS_UDP_IPV4 = 0x87;
export const M_HASHTYPE_OPAQUE = 63;

/** The hash type a NIC reports for an IPv4 packet: 4-tuple for TCP and UDP, 2-tuple for SCTP (as rss.ts hashes them). */
export function rssHashType(proto: number): number {
  return proto === IPPROTO_TCP ? M_HASHTYPE_RSS_TCP_IPV4 : proto === IPPROTO_UDP ? M_HASHTYPE_RSS_UDP_IPV4 : M_HASHTYPE_RSS_IPV4;
}

// SegmentBuffer.opts bits
/** The option block is exactly NOP, NOP, TIMESTAMP (12 bytes, aligned): the one layout tcp_lro merges. */
export const OPT_TS = 1;
/** Any other option layout (SACK blocks, a lone timestamp, window scale, ...): LRO will not merge. */
export const OPT_OTHER = 2;

/** Ethernet + IPv4 + TCP headers without options: 14 + 20 + 20. */
export const TCP_HDRS = 54;
/** TCPOLEN_TSTAMP_APPA: NOP, NOP, kind 8, length 10, TSval, TSecr. */
export const TCPOLEN_TSTAMP_APPA = 12;

/**
 * Received packets as struct-of-arrays, `capacity` slots. 32-bit wire values (seq, ack, tsval,
 * tsecr, flowid) are kept as int32 bit patterns (read them `>>> 0`): values above 2^31 in a
 * Uint32Array would be read as doubles in hot loops.
 */
export class SegmentBuffer {
  readonly capacity: number;
  /** Connection index: equal values are the same 4-tuple. */
  readonly flow: Int32Array;
  /** IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP. */
  readonly proto: Uint8Array;
  /** M_HASHTYPE_* the NIC reported (M_HASHTYPE_GET(m)). */
  readonly hashType: Uint8Array;
  /** m_pkthdr.flowid: the RSS hash. */
  readonly flowid: Int32Array;
  readonly seq: Int32Array;
  readonly ack: Int32Array;
  /** L4 payload bytes (TCP data; 0 for a pure ACK). */
  readonly len: Uint16Array;
  /** th_flags. */
  readonly flags: Uint8Array;
  /** th_win, as on the wire (unscaled). */
  readonly win: Uint16Array;
  readonly tsval: Int32Array;
  readonly tsecr: Int32Array;
  /** OPT_TS / OPT_OTHER bits. */
  readonly opts: Uint8Array;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`SegmentBuffer capacity ${capacity}`);
    this.capacity = capacity;
    this.flow = new Int32Array(capacity);
    this.proto = new Uint8Array(capacity);
    this.hashType = new Uint8Array(capacity);
    this.flowid = new Int32Array(capacity);
    this.seq = new Int32Array(capacity);
    this.ack = new Int32Array(capacity);
    this.len = new Uint16Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.win = new Uint16Array(capacity);
    this.tsval = new Int32Array(capacity);
    this.tsecr = new Int32Array(capacity);
    this.opts = new Uint8Array(capacity);
  }

  /** Slot `i` of this buffer becomes a copy of slot `j` of `src`. */
  copyFrom(i: number, src: SegmentBuffer, j: number): void {
    this.flow[i] = src.flow[j]!;
    this.proto[i] = src.proto[j]!;
    this.hashType[i] = src.hashType[j]!;
    this.flowid[i] = src.flowid[j]!;
    this.seq[i] = src.seq[j]!;
    this.ack[i] = src.ack[j]!;
    this.len[i] = src.len[j]!;
    this.flags[i] = src.flags[j]!;
    this.win[i] = src.win[j]!;
    this.tsval[i] = src.tsval[j]!;
    this.tsecr[i] = src.tsecr[j]!;
    this.opts[i] = src.opts[j]!;
  }
}

// flow kinds
export const FLOW_DATA = 0;
export const FLOW_ACK = 1;
export const FLOW_UDP = 2;
export const FLOW_SCTP = 3;

export interface TcpFlowsOptions {
  /** Ethernet frame of a full data segment (no FCS). Default 1514. */
  frameBytes?: number;
  /** Flows negotiated RFC 7323 timestamps (12 option bytes on every segment). Default true. */
  timestamps?: boolean;
  /** Share of the flows per protocol, by flow position as path.ts does (no PRNG draw). Default all TCP. */
  mix?: { tcp: number; udp: number; sctp: number };
  /** Share of the TCP flows that are ACK-only streams (the first ones by position). Default 0. */
  ackShare?: number;
  /** Per data segment: the previous one was lost (sequence gap); per ACK: it was lost (ACK jumps). */
  lossProb?: number;
  /** Per packet: it is overtaken by the next one of its flow. */
  reorderProb?: number;
  /** Per data segment: PSH set. */
  pshProb?: number;
  /** Per ACK of an ACK-only stream: a duplicate of the previous ACK (same ack, same window). */
  dupAckProb?: number;
  /** Duplicate ACKs carry SACK blocks (options other than timestamps). Default true. */
  sack?: boolean;
  /** Per packet: the advertised window changes. */
  winChangeProb?: number;
  /** Per packet: the sender's timestamp clock ticked (tsval + 1); the echoed clock likewise. */
  tsTickProb?: number;
  /** Segments acknowledged per ACK in ACK-only streams (delayed ACK: 2). */
  ackEvery?: number;
  /** RSS hash of each flow (m_pkthdr.flowid); default a 32-bit mix of the flow index. */
  flowid?: Uint32Array | Int32Array;
}

// stats
const S_PKTS = 0, S_LOST = 1, S_REORDERED = 2, S_DUPACKS = 3;

export class TcpFlows {
  readonly nflows: number;
  /** TCP payload of a full data segment. */
  readonly mss: number;
  /** L4 payload of UDP / SCTP packets at the same frame size. */
  readonly udpLen: number;
  readonly sctpLen: number;
  readonly timestamps: boolean;
  readonly kind: Uint8Array;
  private readonly proto: Uint8Array;
  private readonly htype: Uint8Array;
  private readonly fid: Int32Array;
  // per-flow TCP state, int32 bit patterns of the uint32 wire values
  private readonly seq: Int32Array;
  private readonly ack: Int32Array;
  private readonly win: Uint16Array;
  private readonly tsval: Int32Array;
  private readonly tsecr: Int32Array;
  private readonly sent: Uint8Array;
  // a segment overtaken by its successor, sent on the flow's next turn
  private readonly held: Uint8Array;
  private readonly hSeq: Int32Array;
  private readonly hAck: Int32Array;
  private readonly hWin: Uint16Array;
  private readonly hFlags: Uint8Array;
  private readonly hTsval: Int32Array;
  private readonly hTsecr: Int32Array;
  private readonly stats = new Float64Array(4);
  private readonly rng: Prng;
  // probabilities as thresholds on a uint32 draw (p · 2^32); 0 draws nothing
  private readonly tLoss: number;
  private readonly tReorder: number;
  private readonly tPsh: number;
  private readonly tDup: number;
  private readonly tWin: number;
  private readonly tTick: number;
  private readonly sackOpt: number;
  private readonly ackStep: number;
  private readonly tsOpt: number;

  constructor(nflows: number, opts: TcpFlowsOptions, rng: Prng) {
    if (!Number.isInteger(nflows) || nflows < 1) throw new RangeError(`TcpFlows: ${nflows} flows`);
    const frame = opts.frameBytes ?? 1514;
    this.timestamps = opts.timestamps ?? true;
    this.tsOpt = this.timestamps ? OPT_TS : 0;
    this.mss = frame - TCP_HDRS - (this.timestamps ? TCPOLEN_TSTAMP_APPA : 0);
    if (this.mss < 1 || frame > 65535) throw new RangeError(`TcpFlows: frame of ${frame} bytes leaves no TCP payload`);
    this.udpLen = frame - 14 - 20 - 8;
    this.sctpLen = Math.max(0, frame - 14 - 20 - 12 - 16); // common header + one DATA chunk header
    this.nflows = nflows;
    this.rng = rng;
    const thr = (p: number | undefined) => {
      const q = p ?? 0;
      if (!(q >= 0 && q <= 1)) throw new RangeError(`TcpFlows: probability ${q} not in [0, 1]`);
      return Math.floor(q * 4294967296);
    };
    this.tLoss = thr(opts.lossProb);
    this.tReorder = thr(opts.reorderProb);
    this.tPsh = thr(opts.pshProb);
    this.tDup = thr(opts.dupAckProb);
    this.tWin = thr(opts.winChangeProb);
    this.tTick = thr(opts.tsTickProb ?? 0.01);
    this.sackOpt = (opts.sack ?? true) ? OPT_OTHER : 0;
    const every = opts.ackEvery ?? 2;
    if (!Number.isInteger(every) || every < 1) throw new RangeError(`TcpFlows: ackEvery ${every}`);
    this.ackStep = every * this.mss;

    const F = nflows;
    this.kind = new Uint8Array(F);
    this.proto = new Uint8Array(F);
    this.htype = new Uint8Array(F);
    this.fid = new Int32Array(F);
    this.seq = new Int32Array(F);
    this.ack = new Int32Array(F);
    this.win = new Uint16Array(F);
    this.tsval = new Int32Array(F);
    this.tsecr = new Int32Array(F);
    this.sent = new Uint8Array(F);
    this.held = new Uint8Array(F);
    this.hSeq = new Int32Array(F);
    this.hAck = new Int32Array(F);
    this.hWin = new Uint16Array(F);
    this.hFlags = new Uint8Array(F);
    this.hTsval = new Int32Array(F);
    this.hTsecr = new Int32Array(F);
    const mix = opts.mix ?? { tcp: 1, udp: 0, sctp: 0 };
    const ackShare = opts.ackShare ?? 0;
    for (let f = 0; f < F; f++) {
      // protocol and stream direction by position, as path.ts assigns protocols
      const u = (f + 0.5) / F;
      const k = u < mix.tcp * ackShare ? FLOW_ACK : u < mix.tcp ? FLOW_DATA : u < mix.tcp + mix.udp ? FLOW_UDP : FLOW_SCTP;
      this.kind[f] = k;
      this.proto[f] = k === FLOW_UDP ? IPPROTO_UDP : k === FLOW_SCTP ? IPPROTO_SCTP : IPPROTO_TCP;
      this.htype[f] = rssHashType(this.proto[f]!);
      this.fid[f] = opts.flowid ? opts.flowid[f]! | 0 : fmix32(f + 1);
      // initial sequence numbers and clocks are random (RFC 6528, RFC 7323 offsets)
      this.seq[f] = rng.nextU32() | 0;
      this.ack[f] = rng.nextU32() | 0;
      this.tsval[f] = rng.nextU32() | 0;
      this.tsecr[f] = rng.nextU32() | 1; // an echoed 0 means "no echo": tcp_lro would not merge it
      this.win[f] = 0x4000 + (rng.nextU32() & 0x3fff);
    }
  }

  /** Packets written, segments lost before sending, segments overtaken, duplicate ACKs. */
  get packets(): number { return this.stats[S_PKTS]!; }
  get lost(): number { return this.stats[S_LOST]!; }
  get reordered(): number { return this.stats[S_REORDERED]!; }
  get dupAcks(): number { return this.stats[S_DUPACKS]!; }

  /** The RSS hash of a flow (as int32 bits). */
  flowidOf(flow: number): number { return this.fid[flow]!; }

  /** Write the next packet of `flow` into slot `i` of `out`. */
  next(out: SegmentBuffer, i: number, flow: number): void {
    const f = flow;
    if (!(f >= 0 && f < this.nflows)) throw new RangeError(`TcpFlows.next: flow ${flow} of ${this.nflows}`);
    this.stats[S_PKTS]! += 1;
    const p = this.proto[f]!;
    out.flow[i] = f;
    out.proto[i] = p;
    out.hashType[i] = this.htype[f]!;
    out.flowid[i] = this.fid[f]!;
    // what the packet carries; written once at the end (int32 locals, no helper call)
    let seq = 0, ack = 0, len = 0, flags = 0, win = 0, tsval = 0, tsecr = 0, opts = 0;
    if (p !== IPPROTO_TCP) {
      len = p === IPPROTO_UDP ? this.udpLen : this.sctpLen;
    } else if (this.held[f] !== 0) {
      // the overtaken segment arrives now, behind its successor
      this.held[f] = 0;
      seq = this.hSeq[f]!;
      ack = this.hAck[f]!;
      len = this.kind[f] === FLOW_DATA ? this.mss : 0;
      flags = this.hFlags[f]!;
      win = this.hWin[f]!;
      tsval = this.hTsval[f]!;
      tsecr = this.hTsecr[f]!;
      opts = this.tsOpt;
    } else {
      const rng = this.rng;
      // the sender's timestamp clock and the clock it echoes move on now and then (1 ms ticks)
      if (this.tTick !== 0) {
        if (rng.nextU32() < this.tTick) this.tsval[f] = (this.tsval[f]! + 1) | 0;
        if (rng.nextU32() < this.tTick) this.tsecr[f] = (this.tsecr[f]! + 1) | 0 || 1;
      }
      if (this.tWin !== 0 && rng.nextU32() < this.tWin) this.win[f] = 0x4000 + (rng.nextU32() & 0x3fff);
      const reorder = this.tReorder !== 0 && rng.nextU32() < this.tReorder;
      opts = this.tsOpt;
      flags = TH_ACK;
      if (this.kind[f] === FLOW_DATA) {
        if (this.tLoss !== 0 && rng.nextU32() < this.tLoss) {
          this.seq[f] = (this.seq[f]! + this.mss) | 0;
          this.stats[S_LOST]! += 1;
        }
        if (this.tPsh !== 0 && rng.nextU32() < this.tPsh) flags |= TH_PUSH;
        seq = this.seq[f]!;
        this.seq[f] = (seq + this.mss) | 0;
        if (reorder) {
          this.hold(f, seq, this.ack[f]!, flags);
          seq = this.seq[f]!;
          this.seq[f] = (seq + this.mss) | 0;
        }
        ack = this.ack[f]!;
        len = this.mss;
      } else if (this.sent[f] !== 0 && this.tDup !== 0 && rng.nextU32() < this.tDup) {
        // ACK-only stream, a duplicate: same ACK, same window, SACK blocks if negotiated
        this.stats[S_DUPACKS]! += 1;
        seq = this.seq[f]!;
        ack = this.ack[f]!;
        opts |= this.sackOpt;
      } else {
        // ACK-only stream: the peer acknowledges what the host sent; its own sequence stays put
        this.sent[f] = 1;
        if (this.tLoss !== 0 && rng.nextU32() < this.tLoss) {
          this.ack[f] = (this.ack[f]! + this.ackStep) | 0;
          this.stats[S_LOST]! += 1;
        }
        seq = this.seq[f]!;
        ack = (this.ack[f]! + this.ackStep) | 0;
        this.ack[f] = ack;
        if (reorder) {
          this.hold(f, seq, ack, TH_ACK);
          ack = (ack + this.ackStep) | 0;
          this.ack[f] = ack;
        }
      }
      win = this.win[f]!;
      if (opts !== 0) {
        tsval = this.tsval[f]!;
        tsecr = this.tsecr[f]!;
      }
    }
    out.seq[i] = seq;
    out.ack[i] = ack;
    out.len[i] = len;
    out.flags[i] = flags;
    out.win[i] = win;
    out.tsval[i] = tsval;
    out.tsecr[i] = tsecr;
    out.opts[i] = opts;
  }

  private hold(f: number, seq: number, ack: number, flags: number): void {
    this.held[f] = 1;
    this.hSeq[f] = seq;
    this.hAck[f] = ack;
    this.hFlags[f] = flags;
    this.hWin[f] = this.win[f]!;
    this.hTsval[f] = this.tsval[f]!;
    this.hTsecr[f] = this.tsecr[f]!;
    this.stats[S_REORDERED]! += 1;
  }
}

/** murmur3's finaliser: a well-spread 32-bit value from a flow index (int32 bits). */
export function fmix32(x: number): number {
  let h = x | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
