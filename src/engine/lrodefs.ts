/**
 * What every part of the LRO model shares (lro.ts puts them together): the constants of
 * tcp_lro.h, the reasons a segment goes up, the work counters the simulator charges, the output
 * of segments handed to tcp_input, the packet record, and LroCore, the counters and the if_input
 * of one packet that both merge engines (lroclassic.ts, lro13.ts) and the sorted queue
 * (lrosort.ts) write to.
 */
import {
  IPPROTO_TCP, M_HASHTYPE_RSS_TCP_IPV4, M_HASHTYPE_RSS_TCP_IPV6, M_HASHTYPE_RSS_TCP_IPV6_EX, OPT_OTHER,
  PK_ACK, PK_FLOW, PK_FLOWID, PK_LENWIN, PK_META, PK_REC, PK_SEQ, PK_TSECR, PK_TSVAL,
  SegmentBuffer, TH_ACK, TH_PUSH,
} from './tcpflows';

export const TCP_LRO_ENTRIES = 8;
/** Aggregate length limit (lro_length_lim) of the classic code: the IP payload of one segment. */
export const TCP_LRO_LENGTH_MAX = 65535;
/** The 2021 rewrite's limit, (65535 − 255), leaving room for outer headers. */
export const TCP_LRO_LENGTH_MAX_2021 = 65535 - 255;
/** lro_ackcnt_lim default: 65535, i.e. unlimited. */
export const TCP_LRO_ACKCNT_MAX = 65535;
/** Sort-array slots: iflib's tcp_lro_init_args(..., min(1024, nrxd)); mlx5en uses 1024 too. */
export const LRO_MBUFS = 1024;
/** if_mtu of a standard Ethernet interface, for the proactive flush. */
export const ETHERMTU = 1500;

export type LroMode = 'off' | 'legacy' | 'sorted';
export const LRO_MODES: readonly LroMode[] = ['off', 'legacy', 'sorted'];


/**
 * Why a segment went up. Each delivered segment carries exactly one, so the counts add up to the
 * segments delivered. For a stop rule that flushes the entry and passes the packet up alone
 * (seq_gap, dup_ack, flags, options) both segments carry it.
 */
export const LRO_REASONS = [
  'batch_end', // flush_all after `batch` packets (iflib: every rxeof pass)
  'idle', // flushAll(): the ring went idle
  'queue_full', // sorted: the array filled and tcp_lro_queue_mbuf ran flush_all itself
  'stream_change', // sorted: tcp_lro_rx_done when the walk reaches the next (hash type, flowid)
  'no_entries', // TCP_LRO_NO_ENTRIES: no entry matched and none was free
  'seq_gap', // th_seq ≠ the entry's next_seq (loss or reordering)
  'dup_ack', // no data, same ACK, same window: a duplicate ACK must reach TCP
  'flags', // SYN (packet alone) or FIN/RST/URG/ECE/CWR (entry flushed, packet alone)
  'options', // options other than the aligned timestamp (e.g. SACK)
  'ts_backwards', // TSval smaller than the entry's, or TSecr 0: packet alone, entry kept
  'len_limit', // appending would pass lro_length_lim, or the next full segment would
  'ack_limit', // lro_ackcnt_lim ACKs aggregated
  'not_tcp', // offered to LRO, not TCP (TCP_LRO_NOT_SUPPORTED)
  'hint_bypass', // tcpHint: the hash type is not TCP, so not offered
  'off', // LRO disabled
] as const;
export type LroReason = (typeof LRO_REASONS)[number];
export const R_BATCH_END = 0;
export const R_IDLE = 1;
export const R_QUEUE_FULL = 2;
export const R_STREAM_CHANGE = 3;
export const R_NO_ENTRIES = 4;
export const R_SEQ_GAP = 5;
export const R_DUP_ACK = 6;
export const R_FLAGS = 7;
export const R_OPTIONS = 8;
export const R_TS_BACKWARDS = 9;
export const R_LEN_LIMIT = 10;
export const R_ACK_LIMIT = 11;
export const R_NOT_TCP = 12;
export const R_HINT_BYPASS = 13;
export const R_OFF = 14;
export const NREASONS = LRO_REASONS.length;

// Work counters (cumulative, `lro.work`), what the simulator charges CPU for.
/** Packets handed to the merge engine (tcp_lro_rx / rx2): header parse. */
export const W_OFFERED = 0;
/** TCP packets that walked a hash bucket. */
export const W_LOOKUPS = 1;
/** Entries compared during those walks. */
export const W_SCANNED = 2;
/** Packets appended to an entry (absorbed ACKs included). */
export const W_MERGES = 3;
/** Entries started. */
export const W_ALLOCS = 4;
/** Entries flushed (tcp_lro_flush: header rewrite, one if_input). */
export const W_FLUSHES = 5;
/** Packets handed to if_input alone. */
export const W_PASSUPS = 6;
/** tcp_lro_queue_mbuf calls (sorted). */
export const W_QUEUED = 7;
/** tcp_lro_flush_all calls. */
export const W_FLUSH_ALL = 8;
/** tcp_lro_rx_done calls (stream changes and the final one of each flush_all). */
export const W_RX_DONE = 9;
/** tcp_lro_sort calls on a non-empty array. */
export const W_SORTS = 10;
/** Elements read by tcp_lro_sort's bit scans and partition loops. */
export const W_SORT_SCANS = 11;
/** Element swaps (partitions) and moves (insertion sort, expected value). */
export const W_SORT_SWAPS = 12;
/** Insertion-sort key comparisons (runs of ≤ 12, expected value). */
export const W_SORT_CMPS = 13;
export const LRO_WORK_LEN = 14;
export const LRO_WORK_NAMES = [
  'offered', 'lookups', 'scanned', 'merges', 'allocs', 'flushes', 'passups', 'queued', 'flush_all', 'rx_done',
  'sorts', 'sort_scans', 'sort_swaps', 'sort_cmps',
] as const;

// segment kinds in LroOutput.kind
/** A TCP segment with payload (an aggregate or a single packet). */
export const SEG_DATA = 0;
/** A TCP segment without payload: pure ACK(s) or window update(s). */
export const SEG_ACK = 1;
/** A non-TCP packet. */
export const SEG_OTHER = 2;

/** IPv4 + TCP headers without options: the entry's p_len starts at ip_len. */
export const IP_TCP_HDRS = 40;
/** Returned by rx() when the packet is held in an entry. */
export const HELD = -1;

// A packet inside Lro: its SegmentBuffer record (PK_REC = 8 int32, 32 bytes) copied as it is, so
// that the sorted walk, which visits packets in key order, not arrival order, touches one cache
// line per packet.
export const REC = PK_REC;
export const F_FLOW = PK_FLOW, F_SEQ = PK_SEQ, F_ACK = PK_ACK, F_TSVAL = PK_TSVAL, F_TSECR = PK_TSECR;
/** len | win << 16 */
export const F_LENWIN = PK_LENWIN;
/** proto | flags << 8 | opts << 16 | hash type << 24 */
export const F_PROTO = PK_META;
export const F_FLOWID = PK_FLOWID;

/** Copy record `i` of a SegmentBuffer into record `o` of `r`. */
export function pack(b: SegmentBuffer, i: number, r: Int32Array, o: number): void {
  const s = b.rec, q = i * REC;
  r[o] = s[q]!;
  r[o + 1] = s[q + 1]!;
  r[o + 2] = s[q + 2]!;
  r[o + 3] = s[q + 3]!;
  r[o + 4] = s[q + 4]!;
  r[o + 5] = s[q + 5]!;
  r[o + 6] = s[q + 6]!;
  r[o + 7] = s[q + 7]!;
}

// cumulative delivery counters
export const C_IN = 0, C_DATA_SEGS = 1, C_DATA_PKTS = 2, C_ACK_SEGS = 3, C_ACK_PKTS = 4, C_OTHER = 5, C_BYTES = 6;

/**
 * Segments handed up since the last `clear()`, in delivery order. Segment s carries packets
 * pkt[start[s] .. start[s] + count[s]), first packet first. Grows by doubling when needed.
 */
export class LroOutput {
  nseg = 0;
  npkt = 0;
  start: Int32Array;
  count: Int32Array;
  /** TCP payload bytes (L4 payload for non-TCP). */
  bytes: Int32Array;
  flow: Int32Array;
  /** SEG_DATA, SEG_ACK or SEG_OTHER. */
  kind: Uint8Array;
  /** Index into LRO_REASONS. */
  reason: Uint8Array;
  /** Packet ids as given to `input` (int32). */
  pkt: Int32Array;

  constructor(segCap = 256, pktCap = 1024) {
    this.start = new Int32Array(segCap);
    this.count = new Int32Array(segCap);
    this.bytes = new Int32Array(segCap);
    this.flow = new Int32Array(segCap);
    this.kind = new Uint8Array(segCap);
    this.reason = new Uint8Array(segCap);
    this.pkt = new Int32Array(pktCap);
  }

  clear(): void {
    this.nseg = 0;
    this.npkt = 0;
  }

  /** Open segment nseg; its packets are pushed next. */
  beginSeg(flow: number, kind: number, reason: number, bytes: number): number {
    const s = this.nseg;
    if (s === this.start.length) this.growSegs();
    this.start[s] = this.npkt;
    this.count[s] = 0;
    this.flow[s] = flow;
    this.kind[s] = kind;
    this.reason[s] = reason;
    this.bytes[s] = bytes;
    this.nseg = s + 1;
    return s;
  }

  /** A segment of one packet: beginSeg + pushPkt. */
  one(flow: number, kind: number, reason: number, bytes: number, id: number): void {
    const s = this.nseg, p = this.npkt;
    if (s === this.start.length) this.growSegs();
    if (p === this.pkt.length) this.growPkts();
    this.start[s] = p;
    this.count[s] = 1;
    this.flow[s] = flow;
    this.kind[s] = kind;
    this.reason[s] = reason;
    this.bytes[s] = bytes;
    this.nseg = s + 1;
    this.pkt[p] = id;
    this.npkt = p + 1;
  }

  pushPkt(s: number, id: number): void {
    if (this.npkt === this.pkt.length) this.growPkts();
    this.pkt[this.npkt++] = id;
    this.count[s]! += 1;
  }

  private growPkts(): void {
    const p = new Int32Array(this.pkt.length * 2);
    p.set(this.pkt);
    this.pkt = p;
  }

  private growSegs(): void {
    const n = this.start.length * 2;
    const g32 = (a: Int32Array) => { const b = new Int32Array(n); b.set(a); return b; };
    const g8 = (a: Uint8Array) => { const b = new Uint8Array(n); b.set(a); return b; };
    this.start = g32(this.start);
    this.count = g32(this.count);
    this.bytes = g32(this.bytes);
    this.flow = g32(this.flow);
    this.kind = g8(this.kind);
    this.reason = g8(this.reason);
  }
}

/** The key bits from bit `s` up (s ≥ 14) of the 64-bit key hi:lo, unmasked. */
export function digit(hi: number, lo: number, s: number): number {
  return s >= 32 ? hi >> (s - 32) : (hi << (32 - s)) | (lo >>> s);
}

/**
 * Bits of a record's F_PROTO word that must equal IPPROTO_TCP for a packet rx2 merges or starts an
 * entry with: the protocol byte, every th_flags bit but ACK and PSH, and OPT_OTHER.
 */
export const PLAIN_TCP_MASK = 0xff | ((0xff & ~(TH_ACK | TH_PUSH)) << 8) | (OPT_OTHER << 16);

// Lro.keyAcc slots
export const K_OR_HI = 0, K_AND_HI = 1, K_OR_LO = 2, K_AND_LO = 3;

/** Flips the sign bit so that unsigned order becomes int32 order (an int32 literal, not a double). */
export const SIGN = -0x80000000;

/** phashinit(): the largest listed prime ≤ elements (1 below 13), as kern_subr.c sizes the table. */
export function phashinitSize(elements: number): number {
  const primes = [1, 13, 31, 61, 127, 251, 509, 761, 1021, 1531, 2039, 2557, 3067, 3583, 4093, 4603, 5119, 5623,
    6143, 6653, 7159, 7673, 8191, 12281, 16381, 24571, 32749];
  let size = 1;
  for (const p of primes) if (p <= elements) size = p;
  return size;
}

/** Whether the RSS hash type says TCP: the hint the meeting proposes in place of parsing. */
export function isTcpHashType(t: number): boolean {
  return t === M_HASHTYPE_RSS_TCP_IPV4 || t === M_HASHTYPE_RSS_TCP_IPV6 || t === M_HASHTYPE_RSS_TCP_IPV6_EX;
}

/**
 * The counters and the output a merge engine and the sorted queue write: segments handed up,
 * packets inside LRO (`held`), work, reasons; if_input of one packet alone.
 */
export class LroCore {
  readonly out: LroOutput;
  /** Cumulative work counters, indexed by W_*. */
  readonly work = new Float64Array(LRO_WORK_LEN);
  /** Cumulative segments delivered per reason, indexed by R_*. */
  readonly reasons = new Float64Array(NREASONS);
  readonly ctr = new Float64Array(8);
  /** Packets inside LRO: in entries or in the sort array. */
  held = 0;

  constructor(out: LroOutput) {
    this.out = out;
  }

  /**
   * A one-packet stream that went through an entry: looked up, allocated, flushed alone at the
   * next rx_done (both merge engines count it the same way).
   */
  single(r: Int32Array, o: number, id: number, reason: number): void {
    const w = this.work;
    w[W_OFFERED]! += 1;
    w[W_LOOKUPS]! += 1;
    w[W_ALLOCS]! += 1;
    w[W_FLUSHES]! += 1;
    const bytes = r[o + F_LENWIN]! & 0xffff;
    const kind = bytes > 0 ? SEG_DATA : SEG_ACK;
    this.out.pushPkt(this.out.beginSeg(r[o + F_FLOW]!, kind, reason, bytes), id);
    this.held--;
    this.count(kind, 1, bytes, reason);
  }

  /** if_input of one packet, from its record. */
  passUp(r: Int32Array, o: number, id: number, reason: number): void {
    this.passUpAlone(r[o + F_FLOW]!, r[o + F_PROTO]! & 0xff, r[o + F_LENWIN]! & 0xffff, id, reason);
  }

  passUpAlone(flow: number, proto: number, bytes: number, id: number, reason: number): void {
    this.work[W_PASSUPS]! += 1;
    const kind = proto !== IPPROTO_TCP ? SEG_OTHER : bytes > 0 ? SEG_DATA : SEG_ACK;
    const s = this.out.beginSeg(flow, kind, reason, bytes);
    this.out.pushPkt(s, id);
    this.count(kind, 1, bytes, reason);
  }

  count(kind: number, pkts: number, bytes: number, reason: number): void {
    const c = this.ctr;
    if (kind === SEG_DATA) {
      c[C_DATA_SEGS]! += 1;
      c[C_DATA_PKTS]! += pkts;
    } else if (kind === SEG_ACK) {
      c[C_ACK_SEGS]! += 1;
      c[C_ACK_PKTS]! += pkts;
    } else c[C_OTHER]! += 1;
    c[C_BYTES]! += bytes;
    this.reasons[reason]! += 1;
  }
}

/**
 * A merge engine: the entries and how packets join them (tcp_lro_rx2 in 12, tcp_lro_rx_common and
 * tcp_lro_condense in 13+).
 */
export interface MergeEngine {
  /** Take the packet into an entry (HELD), or say why it must go up alone (R_*); `useHash`: tcp_lro_rx's bucket, else bucket 0. */
  rx(r: Int32Array, o: number, id: number, useHash: boolean): number;
  /** After rx refused a packet and before it goes up: 12 does nothing, 13+ flushes the active entries (tcp_lro_flush_active). */
  refused(reason: number): void;
  /** A plain TCP packet that is a stream of its own in the sorted walk: what rx + rx_done would do, counted directly. */
  single(r: Int32Array, o: number, id: number, reason: number): void;
  /** tcp_lro_rx_done: flush every active entry. */
  rxDone(reason: number): void;
  readonly activeEntries: number;
  hasActive(): boolean;
}
