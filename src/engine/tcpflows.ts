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

// SegmentBuffer record layout: PK_REC int32 words per packet, read by lro.ts as they are.
/** Int32 words per packet in a SegmentBuffer. */
export const PK_REC = 8;
/** Connection index: equal values are the same 4-tuple. */
export const PK_FLOW = 0;
export const PK_SEQ = 1;
export const PK_ACK = 2;
export const PK_TSVAL = 3;
export const PK_TSECR = 4;
/** len | win << 16: L4 payload bytes (TCP data; 0 for a pure ACK) and th_win as on the wire. */
export const PK_LENWIN = 5;
/** proto | th_flags << 8 | opts << 16 | hash type << 24. */
export const PK_META = 6;
/** m_pkthdr.flowid: the RSS hash. */
export const PK_FLOWID = 7;

/** The fields of one packet, for tests and crafted packets (`SegmentBuffer.set`, `get`). */
export interface SegmentFields {
  flow: number;
  /** IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP. */
  proto: number;
  /** M_HASHTYPE_* the NIC reported (M_HASHTYPE_GET(m)). */
  hashType: number;
  /** m_pkthdr.flowid (int32 bits). */
  flowid: number;
  seq: number;
  ack: number;
  /** L4 payload bytes (0..65535). */
  len: number;
  /** th_flags. */
  flags: number;
  /** th_win, as on the wire (unscaled). */
  win: number;
  tsval: number;
  tsecr: number;
  /** OPT_TS / OPT_OTHER bits. */
  opts: number;
}

/**
 * Received packets, `capacity` slots of PK_REC int32 words each in one Int32Array (`rec`), so
 * that writing a packet and copying it into LRO touch one cache line, not twelve arrays. 32-bit
 * wire values (seq, ack, tsval, tsecr, flowid) are int32 bit patterns (read them `>>> 0`).
 * The accessors are for tests and cold paths; hot loops read `rec` at `i * PK_REC + PK_*`.
 */
export class SegmentBuffer {
  readonly capacity: number;
  readonly rec: Int32Array;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`SegmentBuffer capacity ${capacity}`);
    this.capacity = capacity;
    this.rec = new Int32Array(capacity * PK_REC);
  }

  flow(i: number): number { return this.rec[i * PK_REC + PK_FLOW]!; }
  proto(i: number): number { return this.rec[i * PK_REC + PK_META]! & 0xff; }
  hashType(i: number): number { return this.rec[i * PK_REC + PK_META]! >>> 24; }
  flowid(i: number): number { return this.rec[i * PK_REC + PK_FLOWID]!; }
  seq(i: number): number { return this.rec[i * PK_REC + PK_SEQ]!; }
  ack(i: number): number { return this.rec[i * PK_REC + PK_ACK]!; }
  len(i: number): number { return this.rec[i * PK_REC + PK_LENWIN]! & 0xffff; }
  flags(i: number): number { return (this.rec[i * PK_REC + PK_META]! >>> 8) & 0xff; }
  win(i: number): number { return this.rec[i * PK_REC + PK_LENWIN]! >>> 16; }
  tsval(i: number): number { return this.rec[i * PK_REC + PK_TSVAL]!; }
  tsecr(i: number): number { return this.rec[i * PK_REC + PK_TSECR]!; }
  opts(i: number): number { return (this.rec[i * PK_REC + PK_META]! >>> 16) & 0xff; }

  /** All fields of slot `i` (allocates: tests and cold paths). */
  get(i: number): SegmentFields {
    return {
      flow: this.flow(i), proto: this.proto(i), hashType: this.hashType(i), flowid: this.flowid(i), seq: this.seq(i),
      ack: this.ack(i), len: this.len(i), flags: this.flags(i), win: this.win(i), tsval: this.tsval(i),
      tsecr: this.tsecr(i), opts: this.opts(i),
    };
  }

  /** Write slot `i`; fields are truncated to their widths (len, win 16 bits; proto, flags, opts, hashType 8). */
  set(i: number, p: SegmentFields): void {
    writeSeg(this.rec, i * PK_REC, p.flow, p.proto, p.hashType, p.flowid, p.seq, p.ack, p.len, p.flags, p.win, p.tsval, p.tsecr, p.opts);
  }

  /** Slot `i` of this buffer becomes a copy of slot `j` of `src`. */
  copyFrom(i: number, src: SegmentBuffer, j: number): void {
    const d = this.rec, s = src.rec, o = i * PK_REC, q = j * PK_REC;
    for (let k = 0; k < PK_REC; k++) d[o + k] = s[q + k]!;
  }
}

/** Write one packet record at word `o` of `r`. */
function writeSeg(
  r: Int32Array, o: number, flow: number, proto: number, hashType: number, flowid: number, seq: number, ack: number,
  len: number, flags: number, win: number, tsval: number, tsecr: number, opts: number,
): void {
  r[o + PK_FLOW] = flow;
  r[o + PK_SEQ] = seq;
  r[o + PK_ACK] = ack;
  r[o + PK_TSVAL] = tsval;
  r[o + PK_TSECR] = tsecr;
  r[o + PK_LENWIN] = (len & 0xffff) | ((win & 0xffff) << 16);
  r[o + PK_META] = (proto & 0xff) | ((flags & 0xff) << 8) | ((opts & 0xff) << 16) | ((hashType & 0xff) << 24);
  r[o + PK_FLOWID] = flowid;
}

// flow kinds
export const FLOW_DATA = 0;
export const FLOW_ACK = 1;
export const FLOW_UDP = 2;
export const FLOW_SCTP = 3;

/**
 * The kind of flow `f` of `nflows`: protocol and stream direction by position (no PRNG draw), as
 * path.ts assigns protocols: the first `mix.tcp · ackShare` are ACK-only streams, then data
 * streams, then UDP, then SCTP.
 */
export function flowKindAt(f: number, nflows: number, mix: { tcp: number; udp: number }, ackShare: number): number {
  const u = (f + 0.5) / nflows;
  return u < mix.tcp * ackShare ? FLOW_ACK : u < mix.tcp ? FLOW_DATA : u < mix.tcp + mix.udp ? FLOW_UDP : FLOW_SCTP;
}

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

// TcpFlows per-flow state: FS int32 words per flow
const FS = 16;
const F_SEQ = 0, F_ACK = 1, F_TSVAL = 2, F_TSECR = 3, F_WIN = 4;
/** kind | proto << 8 | hash type << 16 (fixed at construction). */
const F_META = 5;
/** m_pkthdr.flowid. */
const F_FID = 6;
/** ACK-only stream: an ACK was sent (a duplicate needs one to repeat). */
const F_SENT = 7;
// a segment overtaken by its successor, sent on the flow's next turn: held flag, then its fields
const F_HELD = 8, F_HSEQ = 9, F_HACK = 10;
/** win | flags << 16 of the held segment. */
const F_HWINFL = 11;
const F_HTSVAL = 12, F_HTSECR = 13;

export class TcpFlows {
  readonly nflows: number;
  /** TCP payload of a full data segment. */
  readonly mss: number;
  /** L4 payload of UDP / SCTP packets at the same frame size. */
  readonly udpLen: number;
  readonly sctpLen: number;
  readonly timestamps: boolean;
  readonly kind: Uint8Array;
  /**
   * Per-flow state, FS int32 words per flow (F_* offsets) in one array, so that a packet touches
   * one cache line of its flow's state, not a dozen arrays: int32 bit patterns of the uint32 wire
   * values.
   */
  private readonly fs: Int32Array;
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
    this.fs = new Int32Array(F * FS);
    const mix = opts.mix ?? { tcp: 1, udp: 0, sctp: 0 };
    const ackShare = opts.ackShare ?? 0;
    for (let f = 0; f < F; f++) {
      const k = flowKindAt(f, F, mix, ackShare);
      this.kind[f] = k;
      const proto = k === FLOW_UDP ? IPPROTO_UDP : k === FLOW_SCTP ? IPPROTO_SCTP : IPPROTO_TCP;
      const o = f * FS, st = this.fs;
      st[o + F_META] = k | (proto << 8) | (rssHashType(proto) << 16);
      st[o + F_FID] = opts.flowid ? opts.flowid[f]! | 0 : fmix32(f + 1);
      // initial sequence numbers and clocks are random (RFC 6528, RFC 7323 offsets)
      st[o + F_SEQ] = rng.nextU32() | 0;
      st[o + F_ACK] = rng.nextU32() | 0;
      st[o + F_TSVAL] = rng.nextU32() | 0;
      st[o + F_TSECR] = rng.nextU32() | 1; // an echoed 0 means "no echo": tcp_lro would not merge it
      st[o + F_WIN] = 0x4000 + (rng.nextU32() & 0x3fff);
    }
  }

  /** Packets written, segments lost before sending, segments overtaken, duplicate ACKs. */
  get packets(): number { return this.stats[S_PKTS]!; }
  get lost(): number { return this.stats[S_LOST]!; }
  get reordered(): number { return this.stats[S_REORDERED]!; }
  get dupAcks(): number { return this.stats[S_DUPACKS]!; }

  /** The RSS hash of a flow (as int32 bits). */
  flowidOf(flow: number): number { return this.fs[flow * FS + F_FID]!; }

  /** Whether `flow` holds back an overtaken segment, to be sent on its next turn. */
  holding(flow: number): boolean { return this.fs[flow * FS + F_HELD] !== 0; }

  /**
   * Write the next packet of `flow` into slot `i` of `out`. With `out` null the packet is lost
   * before the host sees it (a ring drop): the flow's state moves on, nothing is written.
   */
  next(out: SegmentBuffer | null, i: number, flow: number): void {
    const f = flow;
    if (!(f >= 0 && f < this.nflows)) throw new RangeError(`TcpFlows.next: flow ${flow} of ${this.nflows}`);
    this.stats[S_PKTS]! += 1;
    const st = this.fs, o = f * FS;
    const meta = st[o + F_META]!;
    const p = (meta >>> 8) & 0xff, kind = meta & 0xff;
    // what the packet carries; written once at the end (int32 locals, no helper call)
    let seq = 0, ack = 0, len = 0, flags = 0, win = 0, tsval = 0, tsecr = 0, opts = 0;
    if (p !== IPPROTO_TCP) {
      len = p === IPPROTO_UDP ? this.udpLen : this.sctpLen;
    } else if (st[o + F_HELD] !== 0) {
      // the overtaken segment arrives now, behind its successor
      st[o + F_HELD] = 0;
      seq = st[o + F_HSEQ]!;
      ack = st[o + F_HACK]!;
      len = kind === FLOW_DATA ? this.mss : 0;
      const wf = st[o + F_HWINFL]!;
      flags = wf >>> 16;
      win = wf & 0xffff;
      tsval = st[o + F_HTSVAL]!;
      tsecr = st[o + F_HTSECR]!;
      opts = this.tsOpt;
    } else {
      const rng = this.rng;
      // the sender's timestamp clock and the clock it echoes move on now and then (1 ms ticks)
      if (this.tTick !== 0) {
        if (rng.nextU32() < this.tTick) st[o + F_TSVAL] = (st[o + F_TSVAL]! + 1) | 0;
        if (rng.nextU32() < this.tTick) st[o + F_TSECR] = (st[o + F_TSECR]! + 1) | 0 || 1;
      }
      if (this.tWin !== 0 && rng.nextU32() < this.tWin) st[o + F_WIN] = 0x4000 + (rng.nextU32() & 0x3fff);
      const reorder = this.tReorder !== 0 && rng.nextU32() < this.tReorder;
      opts = this.tsOpt;
      flags = TH_ACK;
      if (kind === FLOW_DATA) {
        if (this.tLoss !== 0 && rng.nextU32() < this.tLoss) {
          st[o + F_SEQ] = (st[o + F_SEQ]! + this.mss) | 0;
          this.stats[S_LOST]! += 1;
        }
        if (this.tPsh !== 0 && rng.nextU32() < this.tPsh) flags |= TH_PUSH;
        seq = st[o + F_SEQ]!;
        st[o + F_SEQ] = (seq + this.mss) | 0;
        if (reorder) {
          this.hold(o, seq, st[o + F_ACK]!, flags);
          seq = st[o + F_SEQ]!;
          st[o + F_SEQ] = (seq + this.mss) | 0;
        }
        ack = st[o + F_ACK]!;
        len = this.mss;
      } else if (st[o + F_SENT] !== 0 && this.tDup !== 0 && rng.nextU32() < this.tDup) {
        // ACK-only stream, a duplicate: same ACK, same window, SACK blocks if negotiated
        this.stats[S_DUPACKS]! += 1;
        seq = st[o + F_SEQ]!;
        ack = st[o + F_ACK]!;
        opts |= this.sackOpt;
      } else {
        // ACK-only stream: the peer acknowledges what the host sent; its own sequence stays put
        st[o + F_SENT] = 1;
        if (this.tLoss !== 0 && rng.nextU32() < this.tLoss) {
          st[o + F_ACK] = (st[o + F_ACK]! + this.ackStep) | 0;
          this.stats[S_LOST]! += 1;
        }
        seq = st[o + F_SEQ]!;
        ack = (st[o + F_ACK]! + this.ackStep) | 0;
        st[o + F_ACK] = ack;
        if (reorder) {
          this.hold(o, seq, ack, TH_ACK);
          ack = (ack + this.ackStep) | 0;
          st[o + F_ACK] = ack;
        }
      }
      win = st[o + F_WIN]!;
      if (opts !== 0) {
        tsval = st[o + F_TSVAL]!;
        tsecr = st[o + F_TSECR]!;
      }
    }
    if (out !== null) writeSeg(out.rec, i * PK_REC, f, p, meta >>> 16, st[o + F_FID]!, seq, ack, len, flags, win, tsval, tsecr, opts);
  }

  /** The segment just built is overtaken: keep it (flow state at word `o`) for the flow's next turn. */
  private hold(o: number, seq: number, ack: number, flags: number): void {
    const st = this.fs;
    st[o + F_HELD] = 1;
    st[o + F_HSEQ] = seq;
    st[o + F_HACK] = ack;
    st[o + F_HWINFL] = st[o + F_WIN]! | (flags << 16);
    st[o + F_HTSVAL] = st[o + F_TSVAL]!;
    st[o + F_HTSECR] = st[o + F_TSECR]!;
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
