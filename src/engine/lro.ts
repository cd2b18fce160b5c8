/**
 * Software LRO on one RX queue (`struct lro_ctrl`, sys/netinet/tcp_lro.c), as iflib drives it.
 *
 * The merge engine is the classic tcp_lro_rx2() (FreeBSD 11–12, before the TCP-hpts mbuf queueing
 * and the 2021 rewrite): a table of `entries` active entries (TCP_LRO_ENTRIES = 8), found through
 * a hash of m_pkthdr.flowid. A TCP packet whose 4-tuple matches an active entry is appended to it;
 * one that matches none takes a free entry; with none free (TCP_LRO_NO_ENTRIES) it goes up the
 * stack alone and nothing is evicted. tcp_lro_flush() turns an entry into one segment for
 * tcp_input. The stop rules are in `rx`, in the kernel's order.
 *
 * Ways to feed it (`mode`):
 * - `legacy`: iflib_rxeof calls tcp_lro_rx() per packet in arrival order and tcp_lro_flush_all()
 *   at the end of the pass. With more interleaved connections than entries, most packets find no
 *   entry: LRO stops coalescing.
 * - `sorted` (Hans Petter Selasky, 2016): tcp_lro_queue_mbuf() stores each packet with the key
 *   (hash type << 56) | (flowid << 24) | arrival index in an array of `mbufs` slots;
 *   tcp_lro_flush_all() sorts it (tcp_lro_sort) and feeds it stream by stream, flushing the active
 *   entries whenever the stream (hash type and flowid) changes. Packets of one connection meet
 *   however interleaved they arrived, but only within one array: the batch must be large.
 * - `off`: every packet goes up alone.
 * The meeting's task 1 is `batch`: iflib calls flush_all after every rxeof pass (rx_budget, 16);
 * here flush_all waits until `batch` packets came in since the last one. batch = 1 is iflib today.
 *
 * Driving it, per RX pass of a queue: `input(seg, i, id)` for each packet in ring order, then
 * `endOfPass()`; `flushAll()` when the task finds the ring empty and re-arms its interrupt (the
 * end of the interrupt: nothing more is coming soon). After each call, `out` holds the segments
 * handed up (each with the ids of all its packets and why it went up); read it, then
 * `out.clear()`. `workSince` gives the operations to charge. Packets held across passes are
 * delivered later than they arrived: that latency is the price of the batch.
 *
 * Modelled: IPv4 TCP without IP options or fragments, checksums verified by the NIC (iflib offers
 * only packets with CSUM_L4_CALC|CSUM_L4_VALID), no VLAN tag; checksum arithmetic is not modelled
 * (its cost belongs to merges and flushes); tcp_lro_flush_inactive (the timer) is not either.
 * Work is counted, not timed. State lives in typed arrays; only output growth allocates.
 */
import {
  IPPROTO_TCP, M_HASHTYPE_RSS_TCP_IPV4, M_HASHTYPE_RSS_TCP_IPV6, M_HASHTYPE_RSS_TCP_IPV6_EX, OPT_OTHER, OPT_TS,
  PK_ACK, PK_FLOW, PK_FLOWID, PK_LENWIN, PK_META, PK_REC, PK_SEQ, PK_TSECR, PK_TSVAL,
  SegmentBuffer, TCPOLEN_TSTAMP_APPA, TH_ACK, TH_PUSH, TH_SYN,
} from './tcpflows';

/** Active entries per RX queue (tcp_lro.h; sysctl net.inet.tcp.lro.entries). */
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

export interface LroOptions {
  mode: LroMode;
  /** lro_cnt: active entries. Default TCP_LRO_ENTRIES. */
  entries?: number;
  /** lro_mbuf_max: sort-array slots (sorted mode); also sizes the flowid hash as init_args does. */
  mbufs?: number;
  /** flush_all once this many packets came in since the last one. 1 (default) = every rxeof pass. */
  batch?: number;
  /** Offer only packets whose RSS hash type says TCP (M_HASHTYPE_RSS_TCP_*); others bypass LRO. */
  tcpHint?: boolean;
  /** lro_length_lim. Default TCP_LRO_LENGTH_MAX. */
  lengthLim?: number;
  /** lro_ackcnt_lim. Default TCP_LRO_ACKCNT_MAX. */
  ackcntLim?: number;
  /** if_mtu. Default ETHERMTU. */
  mtu?: number;
}

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
const NREASONS = LRO_REASONS.length;

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
const IP_TCP_HDRS = 40;
/** Returned by rx() when the packet is held in an entry. */
const HELD = -1;

// struct lro_entry as ES int32 words in Lro.ent
const ES = 16;
const E_FLOW = 0, E_NEXTSEQ = 1, E_ACK = 2, E_WIN = 3, E_TSVAL = 4, E_TSECR = 5;
/** p_len: IP payload of the aggregate. */
const E_PLEN = 6;
/** TCP payload of the aggregate. */
const E_BYTES = 7;
/** append_cnt. */
const E_APPEND = 8;
/** The packet chain (the mbuf chain): first and last node. */
const E_HEAD = 9, E_TAIL = 10;
/** lro_active links (newest first). */
const E_ANEXT = 11, E_APREV = 12;
/** Hash bucket links (legacy mode) and the bucket. */
const E_BNEXT = 13, E_BPREV = 14, E_BUCKET = 15;

// A packet inside Lro: its SegmentBuffer record (PK_REC = 8 int32, 32 bytes) copied as it is, so
// that the sorted walk, which visits packets in key order, not arrival order, touches one cache
// line per packet.
const REC = PK_REC;
const F_FLOW = PK_FLOW, F_SEQ = PK_SEQ, F_ACK = PK_ACK, F_TSVAL = PK_TSVAL, F_TSECR = PK_TSECR;
/** len | win << 16 */
const F_LENWIN = PK_LENWIN;
/** proto | flags << 8 | opts << 16 | hash type << 24 */
const F_PROTO = PK_META;
const F_FLOWID = PK_FLOWID;

/** Copy record `i` of a SegmentBuffer into record `o` of `r`. */
function pack(b: SegmentBuffer, i: number, r: Int32Array, o: number): void {
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
const C_IN = 0, C_DATA_SEGS = 1, C_DATA_PKTS = 2, C_ACK_SEGS = 3, C_ACK_PKTS = 4, C_OTHER = 5, C_BYTES = 6;

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
function digit(hi: number, lo: number, s: number): number {
  return s >= 32 ? hi >> (s - 32) : (hi << (32 - s)) | (lo >>> s);
}

/**
 * Bits of a record's F_PROTO word that must equal IPPROTO_TCP for a packet rx2 merges or starts an
 * entry with: the protocol byte, every th_flags bit but ACK and PSH, and OPT_OTHER.
 */
const PLAIN_TCP_MASK = 0xff | ((0xff & ~(TH_ACK | TH_PUSH)) << 8) | (OPT_OTHER << 16);

// Lro.keyAcc slots
const K_OR_HI = 0, K_AND_HI = 1, K_OR_LO = 2, K_AND_LO = 3;

/** Flips the sign bit so that unsigned order becomes int32 order (an int32 literal, not a double). */
const SIGN = -0x80000000;

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

export class Lro {
  readonly mode: LroMode;
  readonly entries: number;
  readonly mbufs: number;
  readonly batch: number;
  readonly tcpHint: boolean;
  readonly lengthLim: number;
  readonly ackcntLim: number;
  readonly mtu: number;
  /** lro_hashsz: buckets of the flowid hash (tcp_lro_rx); the sorted walk uses bucket 0 only. */
  readonly hashsz: number;
  /** Entries are found through the flowid hash (legacy); sorted mode walks lro_active instead. */
  private readonly hashed: boolean;
  /** Segments handed up since the caller last cleared it. */
  readonly out: LroOutput;
  /** Cumulative work counters, indexed by W_*. */
  readonly work = new Float64Array(LRO_WORK_LEN);
  /** Cumulative segments delivered per reason, indexed by R_*. */
  readonly reasons = new Float64Array(NREASONS);
  private readonly ctr = new Float64Array(8);

  // entries (struct lro_entry): ES int32 words each in one array (E_* offsets), seq/ack/ts as int32
  // bits of the wire values; with the lro_active list and the hash bucket links
  private readonly ent: Int32Array;
  private activeHead = -1;
  private readonly bHead: Int32Array;
  // lro_free (LIFO)
  private readonly freeStack: Int32Array;
  private nfree: number;
  // packet-id chain nodes of the entries: [next, id] pairs
  private nodes: Int32Array;
  private freeNode = -1;

  // lro_mbuf_data (sorted mode): the packets as records, and their 64-bit keys as int32 halves;
  // legacy mode uses record 0 as scratch
  private readonly qrec: Int32Array;
  private readonly qId: Int32Array;
  private keyHi: Int32Array;
  private keyLo: Int32Array;
  // sort scratch: the other half of the ping-pong and the bucket counts
  private tmpHi: Int32Array;
  private tmpLo: Int32Array;
  private readonly radixCnt = new Int32Array(2048);
  /** OR and AND of the queued keys' halves (K_*): int32 values, so a typed array, not fields. */
  private readonly keyAcc = Int32Array.of(0, -1, 0, -1);
  private qCount = 0;
  /** Packets in since the last flush_all (the batch being built). */
  private accum = 0;
  private held = 0;

  constructor(opts: LroOptions) {
    const int = (v: number, lo: number, hi: number, name: string) => {
      if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`Lro: ${name} = ${v} not an integer in ${lo}..${hi}`);
      return v;
    };
    if (!LRO_MODES.includes(opts.mode)) throw new RangeError(`Lro: mode ${String(opts.mode)}`);
    this.mode = opts.mode;
    this.entries = int(opts.entries ?? TCP_LRO_ENTRIES, 1, 65536, 'entries');
    // the key keeps the arrival index in 24 bits
    this.mbufs = int(opts.mbufs ?? LRO_MBUFS, 1, 1 << 24, 'mbufs');
    this.batch = int(opts.batch ?? 1, 1, 1 << 30, 'batch');
    this.tcpHint = opts.tcpHint ?? false;
    this.lengthLim = int(opts.lengthLim ?? TCP_LRO_LENGTH_MAX, 1, 1 << 30, 'lengthLim');
    this.ackcntLim = int(opts.ackcntLim ?? TCP_LRO_ACKCNT_MAX, 1, 1 << 30, 'ackcntLim');
    this.mtu = int(opts.mtu ?? ETHERMTU, 68, 65535, 'mtu');
    this.hashsz = phashinitSize(Math.max(this.entries, this.mbufs));
    this.hashed = this.mode === 'legacy';
    // a flush_all of the sorted array can hand up a segment per packet: room for a full array
    this.out = this.mode === 'sorted' ? new LroOutput(this.mbufs + 64, this.mbufs + 64) : new LroOutput();

    const E = this.entries;
    this.ent = new Int32Array(E * ES);
    const unlinked = [E_HEAD, E_TAIL, E_ANEXT, E_APREV, E_BNEXT, E_BPREV, E_BUCKET];
    for (let e = 0; e < E; e++) for (const k of unlinked) this.ent[e * ES + k] = -1;
    this.bHead = new Int32Array(this.hashsz).fill(-1);
    this.freeStack = new Int32Array(E);
    // tcp_lro_init_args pushes entries 0..E−1 with LIST_INSERT_HEAD: the last one is taken first
    for (let k = 0; k < E; k++) this.freeStack[k] = k;
    this.nfree = E;
    const nodes = Math.max(64, 4 * E);
    this.nodes = new Int32Array(nodes * 2);
    this.linkFreeNodes(0, nodes);

    const sorted = this.mode === 'sorted';
    const Q = sorted ? this.mbufs : 0;
    this.qrec = new Int32Array(Math.max(1, Q) * REC);
    this.qId = new Int32Array(Q);
    this.keyHi = new Int32Array(Q);
    this.keyLo = new Int32Array(Q);
    this.tmpHi = new Int32Array(Q);
    this.tmpLo = new Int32Array(Q);
  }

  // counters
  get packetsIn(): number { return this.ctr[C_IN]!; }
  get segmentsOut(): number { return this.ctr[C_DATA_SEGS]! + this.ctr[C_ACK_SEGS]! + this.ctr[C_OTHER]!; }
  /** TCP segments with payload delivered, and the packets they carried. */
  get dataSegments(): number { return this.ctr[C_DATA_SEGS]!; }
  get dataPackets(): number { return this.ctr[C_DATA_PKTS]!; }
  /** TCP segments without payload delivered (pure ACKs, window updates), and their packets. */
  get ackSegments(): number { return this.ctr[C_ACK_SEGS]!; }
  get ackPackets(): number { return this.ctr[C_ACK_PKTS]!; }
  /** Non-TCP packets delivered (one segment each). */
  get otherSegments(): number { return this.ctr[C_OTHER]!; }
  /** Payload bytes delivered. */
  get bytesOut(): number { return this.ctr[C_BYTES]!; }
  /** Packets per delivered data segment (1 = no coalescing; NaN before any). */
  get dataRatio(): number { return this.ctr[C_DATA_PKTS]! / this.ctr[C_DATA_SEGS]!; }
  /** Packets per delivered pure-ACK segment. */
  get ackRatio(): number { return this.ctr[C_ACK_PKTS]! / this.ctr[C_ACK_SEGS]!; }
  /** Packets passed up alone because no entry matched and none was free. */
  get noEntries(): number { return this.reasons[R_NO_ENTRIES]!; }
  /** Non-TCP packets offered to LRO. */
  get notTcp(): number { return this.reasons[R_NOT_TCP]!; }
  /** Packets inside LRO now: in active entries or in the sort array. */
  get heldPackets(): number { return this.held; }
  get activeEntries(): number { return this.entries - this.nfree; }
  get queuedPackets(): number { return this.qCount; }
  /** Packets in since the last flush_all. */
  get accumulated(): number { return this.accum; }

  /**
   * Work done since `mark` was taken (copy of `work`, at `markAt` in `mark`): delta into `dst`, and
   * `mark` moves on.
   */
  workSince(mark: Float64Array, dst: Float64Array, markAt = 0): void {
    const w = this.work;
    for (let k = 0; k < LRO_WORK_LEN; k++) {
      dst[k] = w[k]! - mark[markAt + k]!;
      mark[markAt + k] = w[k]!;
    }
  }

  /**
   * One received packet, in ring order: slot `i` of `seg`, known to the caller as `id` (an
   * int32). What goes up now (passed alone, or entries it flushed) is appended to `out`.
   */
  input(seg: SegmentBuffer, i: number, id: number): void {
    this.ctr[C_IN]! += 1;
    this.accum++;
    const off = this.mode === 'off';
    if (off || (this.tcpHint && !isTcpHashType(seg.rec[i * REC + F_PROTO]! >>> 24))) {
      this.passUp(seg.rec, i * REC, id, off ? R_OFF : R_HINT_BYPASS);
      return;
    }
    if (this.mode === 'legacy') {
      // iflib_rxeof: tcp_lro_rx(lc, m, 0); non-zero → if_input(m)
      const r = this.qrec;
      pack(seg, i, r, 0);
      this.held++;
      const why = this.rx(r, 0, id, true);
      if (why !== HELD) {
        this.held--;
        this.passUp(r, 0, id, why);
      }
      return;
    }
    this.queue(seg, i, id);
  }

  /**
   * The end of an rxeof pass: iflib's tcp_lro_flush_all, deferred until `batch` packets came in
   * since the last one.
   */
  endOfPass(): void {
    if (this.mode !== 'off' && this.accum >= this.batch) this.flushAllWith(R_BATCH_END);
  }

  /** tcp_lro_flush_all now, whatever the batch: call it when the ring goes idle. */
  flushAll(reason: number = R_IDLE): void {
    if (this.mode !== 'off') this.flushAllWith(reason);
  }

  // --- tcp_lro_queue_mbuf / tcp_lro_flush_all / tcp_lro_sort ---

  private queue(seg: SegmentBuffer, i: number, id: number): void {
    this.work[W_QUEUED]! += 1;
    const n = this.qCount;
    pack(seg, i, this.qrec, n * REC);
    this.qId[n] = id;
    const q = this.qrec, o = n * REC;
    const h = q[o + F_FLOWID]!;
    // (hash type << 56) | (flowid << 24) | index, split into 32-bit halves
    const kh = (q[o + F_PROTO]! & ~0xffffff) | (h >>> 8), kl = (h << 24) | n;
    this.keyHi[n] = kh;
    this.keyLo[n] = kl;
    // which key bits vary, for the sort's bucket pass: OR and AND of the stream parts
    const acc = this.keyAcc;
    acc[K_OR_HI]! |= kh;
    acc[K_AND_HI]! &= kh;
    acc[K_OR_LO]! |= kl;
    acc[K_AND_LO]! &= kl;
    this.held++;
    this.qCount = n + 1;
    if (this.qCount === this.mbufs) this.flushAllWith(R_QUEUE_FULL);
  }

  private flushAllWith(reason: number): void {
    this.work[W_FLUSH_ALL]! += 1;
    const n = this.qCount;
    if (n > 0) {
      const q = this.qrec;
      this.work[W_SORTS]! += 1;
      this.sort(n);
      // walk stream by stream; the kernel starts from seq = 0, so the first packet is a change too
      const keyHi = this.keyHi, keyLo = this.keyLo, qId = this.qId, out = this.out;
      // counts of the walk's one-packet streams and empty rx_done calls, added once at the end
      // (integer counts, so the sums are the same in any order)
      let singles = 0, singleData = 0, singleBytes = 0, idleDones = 0;
      let sHi = 0, sLo = 0;
      for (let x = 0; x < n; x++) {
        const hi = keyHi[x]!, lo = keyLo[x]!;
        const slo = lo & ~0xffffff;
        const first = hi !== sHi || slo !== sLo;
        if (first) {
          sHi = hi;
          sLo = slo;
          if (this.activeHead >= 0) this.rxDone(R_STREAM_CHANGE);
          else idleDones++;
        }
        const slot = lo & 0xffffff, o = slot * REC;
        const id = qId[slot]!;
        // A stream of one packet that rx2 would take into a fresh entry (every entry is free when
        // a stream starts) goes up alone at the next rx_done: do that directly (single()).
        const last = x + 1 === n;
        if (first && (last || keyHi[x + 1] !== hi || (keyLo[x + 1]! & ~0xffffff) !== slo) &&
          (q[o + F_PROTO]! & PLAIN_TCP_MASK) === IPPROTO_TCP) {
          if (last) {
            this.single(q, o, id, reason);
          } else {
            const bytes = q[o + F_LENWIN]! & 0xffff;
            out.one(q[o + F_FLOW]!, bytes > 0 ? SEG_DATA : SEG_ACK, R_STREAM_CHANGE, bytes, id);
            singles++;
            if (bytes > 0) singleData++;
            singleBytes += bytes;
          }
          continue;
        }
        // tcp_lro_rx2(lc, mb, 0, 0): no hash, one bucket
        const r = this.rx(q, slot * REC, id, false);
        if (r !== HELD) {
          this.held--;
          this.passUp(q, slot * REC, id, r);
        }
      }
      const w = this.work, c = this.ctr;
      w[W_RX_DONE]! += idleDones;
      // single() for each one-packet stream flushed at a stream change
      w[W_OFFERED]! += singles;
      w[W_LOOKUPS]! += singles;
      w[W_ALLOCS]! += singles;
      w[W_FLUSHES]! += singles;
      c[C_DATA_SEGS]! += singleData;
      c[C_DATA_PKTS]! += singleData;
      c[C_ACK_SEGS]! += singles - singleData;
      c[C_ACK_PKTS]! += singles - singleData;
      c[C_BYTES]! += singleBytes;
      this.reasons[R_STREAM_CHANGE]! += singles;
      this.held -= singles;
      this.qCount = 0;
      this.resetKeyAcc();
    }
    this.rxDone(reason);
    this.accum = 0;
  }

  /**
   * Order the array as tcp_lro_sort leaves it: by the 64-bit key, i.e. by hash type and flowid,
   * arrival order within. Keys are unique (the arrival index), so any correct sort gives the
   * kernel's order. The kernel's bit-at-a-time partitions are slow in JavaScript, so: one stable
   * counting pass on the ~log2(n) most significant bits that vary, then an insertion pass that
   * only has to fix keys sharing a bucket. The kernel's work is counted separately
   * (kernelSortWork).
   */
  private sort(n: number): void {
    if (n > 32) this.bucketPass(n);
    this.insertionSort(n);
    this.kernelSortWork(0, n);
  }

  /** Stable counting sort on the top varying key bits above the arrival index. */
  private bucketPass(n: number): void {
    const hi = this.keyHi, lo = this.keyLo, acc = this.keyAcc;
    const vh = acc[K_OR_HI]! ^ acc[K_AND_HI]!, vl = (acc[K_OR_LO]! ^ acc[K_AND_LO]!) & ~0xffffff;
    // one stream: arrival order is already key order
    if ((vh | vl) === 0) return;
    const top = vh !== 0 ? 63 - Math.clz32(vh) : 31 - Math.clz32(vl);
    const bits = Math.min(11, 32 - Math.clz32(n));
    const s = top - bits + 1; // ≥ 14: the top varying bit is at least bit 24
    const mask = (1 << bits) - 1;
    const cnt = this.radixCnt;
    cnt.fill(0, 0, mask + 1);
    for (let x = 0; x < n; x++) cnt[digit(hi[x]!, lo[x]!, s) & mask]! += 1;
    let sum = 0;
    for (let k = 0; k <= mask; k++) {
      const c = cnt[k]!;
      cnt[k] = sum;
      sum += c;
    }
    const th = this.tmpHi, tl = this.tmpLo;
    for (let x = 0; x < n; x++) {
      const h = hi[x]!, l = lo[x]!;
      const k = digit(h, l, s) & mask;
      const at = cnt[k]!;
      cnt[k] = at + 1;
      th[at] = h;
      tl[at] = l;
    }
    this.keyHi = th;
    this.keyLo = tl;
    this.tmpHi = hi;
    this.tmpLo = lo;
  }

  /** Insertion sort by the unsigned 64-bit key (sign bits flipped to compare as int32). */
  private insertionSort(n: number): void {
    const hi = this.keyHi, lo = this.keyLo;
    for (let x = 1; x < n; x++) {
      const th = hi[x]!, tl = lo[x]!;
      const ch = th ^ SIGN, cl = tl ^ SIGN;
      let y = x;
      while (y > 0) {
        const ph = hi[y - 1]! ^ SIGN;
        if (!(ch < ph || (ch === ph && cl < (lo[y - 1]! ^ SIGN)))) break;
        hi[y] = hi[y - 1]!;
        lo[y] = lo[y - 1]!;
        y--;
      }
      hi[y] = th;
      lo[y] = tl;
    }
  }

  /**
   * The work tcp_lro_sort does on these keys, from the sorted array. The kernel scans a range to
   * find the bits that are not constant, takes the most significant one and partitions on it
   * (a second scan, one swap per key with the bit clear), then repeats on both halves; ranges of
   * ≤ 12 get an insertion sort. In a sorted range the most significant non-constant bit is the
   * highest bit where its first and last keys differ, and the split is where that bit turns 1, so
   * the scans and swaps are exact. Insertion sorts are counted as the expected value for keys in
   * random order (k(k−1)/4 moves); the real count depends on the order the partitions leave.
   */
  private kernelSortWork(base: number, size: number): void {
    const hi = this.keyHi, lo = this.keyLo, w = this.work;
    for (;;) {
      if (size <= 12) {
        const inv = (size * (size - 1)) / 4;
        w[W_SORT_SWAPS]! += inv;
        w[W_SORT_CMPS]! += size > 1 ? inv + size - 1 : 0;
        return;
      }
      const last = base + size - 1;
      const dh = hi[base]! ^ hi[last]!, dl = lo[base]! ^ lo[last]!;
      if ((dh | dl) === 0) {
        w[W_SORT_SCANS]! += size;
        return;
      }
      const mh = dh !== 0 ? 1 << (31 - Math.clz32(dh)) : 0;
      const ml = dh !== 0 ? 0 : 1 << (31 - Math.clz32(dl));
      // first key with the bit set: the bits above it are equal, so the bit is monotonic here
      let a = base, b = last;
      while (a < b) {
        const m = (a + b) >>> 1;
        if ((hi[m]! & mh) !== 0 || (lo[m]! & ml) !== 0) b = m;
        else a = m + 1;
      }
      w[W_SORT_SCANS]! += 2 * size;
      w[W_SORT_SWAPS]! += a - base;
      this.kernelSortWork(base, a - base);
      size = base + size - a;
      base = a;
    }
  }

  private resetKeyAcc(): void {
    const acc = this.keyAcc;
    acc[K_OR_HI] = 0;
    acc[K_AND_HI] = -1;
    acc[K_OR_LO] = 0;
    acc[K_AND_LO] = -1;
  }

  // --- the merge engine: tcp_lro_rx2 / tcp_lro_flush / tcp_lro_rx_done ---

  /**
   * tcp_lro_rx2 of the classic code: HELD if the packet is now inside an entry, else the reason it
   * must go up alone. Stop rules in the kernel's order.
   */
  private rx(r: Int32Array, o: number, id: number, useHash: boolean): number {
    const w = this.work;
    w[W_OFFERED]! += 1;
    const pf = r[o + F_PROTO]!;
    // tcp_lro_rx_ipv4: ip_p != IPPROTO_TCP → TCP_LRO_NOT_SUPPORTED, before any table lookup
    if ((pf & 0xff) !== IPPROTO_TCP) return R_NOT_TCP;
    const fl = (pf >>> 8) & 0xff, opts = (pf >>> 16) & 0xff;
    const lw = r[o + F_LENWIN]!, dlen = lw & 0xffff;
    if ((fl & TH_SYN) !== 0) return R_FLAGS;
    // FIN/RST/URG/ECE/CWR or options other than the aligned timestamp: what was gathered for this
    // connection must reach TCP before this packet, and this one goes up alone (force_flush)
    const force = (fl & ~(TH_ACK | TH_PUSH)) !== 0 ? R_FLAGS : (opts & OPT_OTHER) !== 0 ? R_OPTIONS : HELD;
    const flow = r[o + F_FLOW]!;
    const E = this.ent;
    w[W_LOOKUPS]! += 1;
    let bucket = 0, e = -1, scanned = 0;
    if (useHash) {
      bucket = (r[o + F_FLOWID]! >>> 0) % this.hashsz;
      e = this.bHead[bucket]!;
      while (e >= 0) {
        scanned++;
        if (E[e * ES + E_FLOW] === flow) break;
        e = E[e * ES + E_BNEXT]!;
      }
    } else {
      // one bucket (tcp_lro_rx2 without a hash): it holds every active entry, in lro_active's
      // order (both lists insert at the head and lose an entry when it is flushed), so walk that
      e = this.activeHead;
      while (e >= 0) {
        scanned++;
        if (E[e * ES + E_FLOW] === flow) break;
        e = E[e * ES + E_ANEXT]!;
      }
    }
    w[W_SCANNED]! += scanned;
    if (e >= 0) {
      const eo = e * ES;
      if (force !== HELD) {
        this.flushEntry(e, force);
        return force;
      }
      if (E[eo + E_PLEN]! > this.lengthLim - dlen) {
        // appending would overflow: flush, and this packet starts a new entry below
        this.flushEntry(e, R_LEN_LIMIT);
      } else {
        const seq = r[o + F_SEQ]!, ack = r[o + F_ACK]!, win = lw >>> 16;
        if (seq !== E[eo + E_NEXTSEQ]) {
          this.flushEntry(e, R_SEQ_GAP);
          return R_SEQ_GAP;
        }
        if (dlen === 0 && ack === E[eo + E_ACK] && win === E[eo + E_WIN]) {
          this.flushEntry(e, R_DUP_ACK);
          return R_DUP_ACK;
        }
        if ((opts & OPT_TS) !== 0) {
          const tsval = r[o + F_TSVAL]!, tsecr = r[o + F_TSECR]!;
          // unsigned compare, not TSTMP_GT (the 2021 code made it wrap-safe); a zero echo is refused
          if ((E[eo + E_TSVAL]! >>> 0) > (tsval >>> 0) || tsecr === 0) return R_TS_BACKWARDS;
          E[eo + E_TSVAL] = tsval;
          E[eo + E_TSECR] = tsecr;
        }
        w[W_MERGES]! += 1;
        this.chainAppend(e, id);
        const eack = E[eo + E_ACK]!;
        if (dlen !== 0 || ((ack - eack) | 0) > 0) {
          E[eo + E_NEXTSEQ] = (E[eo + E_NEXTSEQ]! + dlen) | 0;
          E[eo + E_ACK] = ack;
          E[eo + E_WIN] = win;
        } else if (ack === eack) {
          // a window update: WIN_MAX (the kernel compares the raw network-order shorts; values here)
          if (win > E[eo + E_WIN]!) E[eo + E_WIN] = win;
        } else {
          // no data and an old ACK: freed, counted in the aggregate
          E[eo + E_APPEND]! += 1;
          return HELD;
        }
        E[eo + E_APPEND]! += 1;
        if (dlen === 0) {
          if (E[eo + E_APPEND]! >= this.ackcntLim) this.flushEntry(e, R_ACK_LIMIT);
          return HELD;
        }
        E[eo + E_PLEN]! += dlen;
        E[eo + E_BYTES]! += dlen;
        // if a next full-size packet would overflow, flush now
        if (E[eo + E_PLEN]! > this.lengthLim - this.mtu) this.flushEntry(e, R_LEN_LIMIT);
        return HELD;
      }
    }
    if (force !== HELD) return force;
    if (this.nfree === 0) return R_NO_ENTRIES;
    // start a new entry: LIST_FIRST(&lc->lro_free), onto the active list and the bucket, heads
    const n = this.freeStack[--this.nfree]!;
    const no = n * ES;
    w[W_ALLOCS]! += 1;
    const ah = this.activeHead;
    E[no + E_APREV] = -1;
    E[no + E_ANEXT] = ah;
    if (ah >= 0) E[ah * ES + E_APREV] = n;
    this.activeHead = n;
    if (useHash) {
      const bh = this.bHead[bucket]!;
      E[no + E_BPREV] = -1;
      E[no + E_BNEXT] = bh;
      if (bh >= 0) E[bh * ES + E_BPREV] = n;
      this.bHead[bucket] = n;
      E[no + E_BUCKET] = bucket;
    }
    const ts = (opts & OPT_TS) !== 0;
    E[no + E_FLOW] = flow;
    E[no + E_NEXTSEQ] = (r[o + F_SEQ]! + dlen) | 0;
    E[no + E_ACK] = r[o + F_ACK]!;
    E[no + E_WIN] = lw >>> 16;
    E[no + E_TSVAL] = ts ? r[o + F_TSVAL]! : 0;
    E[no + E_TSECR] = ts ? r[o + F_TSECR]! : 0;
    E[no + E_PLEN] = IP_TCP_HDRS + (ts ? TCPOLEN_TSTAMP_APPA : 0) + dlen;
    E[no + E_BYTES] = dlen;
    E[no + E_APPEND] = 0;
    E[no + E_HEAD] = -1;
    E[no + E_TAIL] = -1;
    this.chainAppend(n, id);
    return HELD;
  }

  /**
   * What rx2 and the following rx_done(`reason`) do with a plain TCP packet (no SYN, no flag or
   * option that forces a flush) that finds no entry while every entry is free: take an entry, then
   * flush it as a segment of one packet. The entry, its chain node and the free lists end as they
   * began, so only the counters and the output move.
   */
  private single(r: Int32Array, o: number, id: number, reason: number): void {
    const w = this.work;
    w[W_OFFERED]! += 1;
    w[W_LOOKUPS]! += 1;
    w[W_ALLOCS]! += 1;
    w[W_FLUSHES]! += 1;
    const bytes = r[o + F_LENWIN]! & 0xffff;
    const kind = bytes > 0 ? SEG_DATA : SEG_ACK;
    const out = this.out;
    out.pushPkt(out.beginSeg(r[o + F_FLOW]!, kind, reason, bytes), id);
    this.held--;
    this.count(kind, 1, bytes, reason);
  }

  /** tcp_lro_rx_done: flush every active entry, head of lro_active first. */
  private rxDone(reason: number): void {
    this.work[W_RX_DONE]! += 1;
    while (this.activeHead >= 0) this.flushEntry(this.activeHead, reason);
  }

  /** tcp_lro_active_remove + tcp_lro_flush: the entry goes up as one segment and is freed. */
  private flushEntry(e: number, reason: number): void {
    this.work[W_FLUSHES]! += 1;
    const E = this.ent, eo = e * ES;
    const an = E[eo + E_ANEXT]!, ap = E[eo + E_APREV]!;
    if (ap >= 0) E[ap * ES + E_ANEXT] = an; else this.activeHead = an;
    if (an >= 0) E[an * ES + E_APREV] = ap;
    if (this.hashed) {
      const bn = E[eo + E_BNEXT]!, bp = E[eo + E_BPREV]!;
      if (bp >= 0) E[bp * ES + E_BNEXT] = bn; else this.bHead[E[eo + E_BUCKET]!] = bn;
      if (bn >= 0) E[bn * ES + E_BPREV] = bp;
    }
    const bytes = E[eo + E_BYTES]!;
    const kind = bytes > 0 ? SEG_DATA : SEG_ACK;
    const out = this.out;
    const s = out.beginSeg(E[eo + E_FLOW]!, kind, reason, bytes);
    const nodes = this.nodes;
    let k = E[eo + E_HEAD]!, cnt = 0;
    while (k >= 0) {
      out.pushPkt(s, nodes[2 * k + 1]!);
      const nx = nodes[2 * k]!;
      nodes[2 * k] = this.freeNode;
      this.freeNode = k;
      k = nx;
      cnt++;
    }
    this.held -= cnt;
    E[eo + E_HEAD] = -1;
    E[eo + E_TAIL] = -1;
    E[eo + E_FLOW] = -1;
    this.freeStack[this.nfree++] = e;
    this.count(kind, cnt, bytes, reason);
  }

  /** if_input of one packet, from its record. */
  private passUp(r: Int32Array, o: number, id: number, reason: number): void {
    this.passUpAlone(r[o + F_FLOW]!, r[o + F_PROTO]! & 0xff, r[o + F_LENWIN]! & 0xffff, id, reason);
  }

  private passUpAlone(flow: number, proto: number, bytes: number, id: number, reason: number): void {
    this.work[W_PASSUPS]! += 1;
    const kind = proto !== IPPROTO_TCP ? SEG_OTHER : bytes > 0 ? SEG_DATA : SEG_ACK;
    const s = this.out.beginSeg(flow, kind, reason, bytes);
    this.out.pushPkt(s, id);
    this.count(kind, 1, bytes, reason);
  }

  private count(kind: number, pkts: number, bytes: number, reason: number): void {
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

  private chainAppend(e: number, id: number): void {
    if (this.freeNode < 0) this.growNodes();
    const nodes = this.nodes, E = this.ent;
    const k = this.freeNode;
    this.freeNode = nodes[2 * k]!;
    nodes[2 * k] = -1;
    nodes[2 * k + 1] = id;
    const t = E[e * ES + E_TAIL]!;
    if (t >= 0) nodes[2 * t] = k; else E[e * ES + E_HEAD] = k;
    E[e * ES + E_TAIL] = k;
  }

  private growNodes(): void {
    const old = this.nodes.length >> 1, n = old * 2;
    const nn = new Int32Array(n * 2);
    nn.set(this.nodes);
    this.nodes = nn;
    this.linkFreeNodes(old, n);
  }

  private linkFreeNodes(from: number, to: number): void {
    for (let k = from; k < to; k++) this.nodes[2 * k] = k + 1 < to ? k + 1 : this.freeNode;
    this.freeNode = from;
  }
}
