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
 * Which tcp_lro.c (`code`): `classic`, the 11–12 merge engine above (lroclassic.ts); `freebsd13`,
 * the 2021 rewrite of FreeBSD 13 and later (lro13.ts): packets are queued on their entry as they
 * come and merged by tcp_lro_condense when the entry is flushed, a hole or a packet that cannot
 * be merged starts the next aggregate (tcp_push_and_replace) instead of going up alone, and a
 * packet tcp_lro_rx refuses first flushes every active entry (tcp_lro_flush_active).
 *
 * Modules: lrodefs.ts (constants, reasons, work counters, output, the shared core), lroclassic.ts
 * and lro13.ts (the merge engines), lrosort.ts (tcp_lro_queue_mbuf, tcp_lro_sort and the walk);
 * this file puts them together behind the interface the path uses.
 *
 * Modelled: IPv4 TCP without IP options or fragments, checksums verified by the NIC (iflib offers
 * only packets with CSUM_L4_CALC|CSUM_L4_VALID), no VLAN tag; checksum arithmetic is not modelled
 * (its cost belongs to merges and flushes); tcp_lro_flush_inactive (the timer) is not either.
 * Work is counted, not timed. State lives in typed arrays; only output growth allocates.
 */
import {
  C_ACK_PKTS, C_ACK_SEGS, C_BYTES, C_DATA_PKTS, C_DATA_SEGS, C_IN, C_OTHER, ETHERMTU, F_PROTO, HELD, LRO_MBUFS,
  LRO_MODES, LRO_WORK_LEN, LroCore, LroOutput, R_BATCH_END, R_HINT_BYPASS, R_IDLE, R_NOT_TCP, R_NO_ENTRIES, R_OFF,
  R_QUEUE_FULL, REC, TCP_LRO_ACKCNT_MAX, TCP_LRO_ENTRIES, TCP_LRO_LENGTH_MAX, TCP_LRO_LENGTH_MAX_2021, W_FLUSH_ALL,
  isTcpHashType, pack, phashinitSize, type LroMode, type MergeEngine,
} from './lrodefs';
import { ClassicEngine } from './lroclassic';
import { Rewrite13Engine } from './lro13';
import { SortQueue } from './lrosort';
import type { SegmentBuffer } from './tcpflows';

export * from './lrodefs';

/** Which tcp_lro.c merges: the 11–12 code, or the FreeBSD 13+ rewrite. */
export type LroCode = 'classic' | 'freebsd13';

/** The tcp_lro.c a host runs: lro.code = classic, or FreeBSD 12, keep the classic code; 13 and later the rewrite. */
export function lroCodeOf(freebsd: number, code: 'by_version' | 'classic'): LroCode {
  return code === 'classic' || freebsd < 13 ? 'classic' : 'freebsd13';
}

export interface LroOptions {
  mode: LroMode;
  /** tcp_lro.c generation. Default classic. */
  code?: LroCode;
  /** lro_cnt: active entries. Default TCP_LRO_ENTRIES. */
  entries?: number;
  /** lro_mbuf_max: sort-array slots (sorted mode); also sizes the flowid hash as init_args does. */
  mbufs?: number;
  /** flush_all once this many packets came in since the last one. 1 (default) = every rxeof pass. */
  batch?: number;
  /** Offer only packets whose RSS hash type says TCP (M_HASHTYPE_RSS_TCP_*); others bypass LRO. */
  tcpHint?: boolean;
  /** lro_length_lim. Default TCP_LRO_LENGTH_MAX (classic), TCP_LRO_LENGTH_MAX_2021 (13+). */
  lengthLim?: number;
  /** lro_ackcnt_lim. Default TCP_LRO_ACKCNT_MAX. */
  ackcntLim?: number;
  /** if_mtu. Default ETHERMTU. */
  mtu?: number;
}

export class Lro {
  readonly mode: LroMode;
  readonly code: LroCode;
  readonly entries: number;
  readonly mbufs: number;
  readonly batch: number;
  readonly tcpHint: boolean;
  readonly lengthLim: number;
  readonly ackcntLim: number;
  readonly mtu: number;
  /** lro_hashsz: buckets of the flowid hash (tcp_lro_rx); the sorted walk uses bucket 0 only. */
  readonly hashsz: number;
  /** Segments handed up since the caller last cleared it. */
  readonly out: LroOutput;
  /** Cumulative work counters, indexed by W_*. */
  readonly work: Float64Array;
  /** Cumulative segments delivered per reason, indexed by R_*. */
  readonly reasons: Float64Array;
  private readonly core: LroCore;
  private readonly ctr: Float64Array;
  private readonly engine: MergeEngine;
  private readonly sortq: SortQueue | null;
  /** The packet tcp_lro_rx looks at (legacy mode). */
  private readonly scratch = new Int32Array(REC);
  /** Packets in since the last flush_all (the batch being built). */
  private accum = 0;

  constructor(opts: LroOptions) {
    const int = (v: number, lo: number, hi: number, name: string) => {
      if (!Number.isInteger(v) || v < lo || v > hi) throw new RangeError(`Lro: ${name} = ${v} not an integer in ${lo}..${hi}`);
      return v;
    };
    if (!LRO_MODES.includes(opts.mode)) throw new RangeError(`Lro: mode ${String(opts.mode)}`);
    const code = opts.code ?? 'classic';
    if (code !== 'classic' && code !== 'freebsd13') throw new RangeError(`Lro: code ${String(code)}`);
    this.mode = opts.mode;
    this.code = code;
    this.entries = int(opts.entries ?? TCP_LRO_ENTRIES, 1, 65536, 'entries');
    // the key keeps the arrival index in 24 bits
    this.mbufs = int(opts.mbufs ?? LRO_MBUFS, 1, 1 << 24, 'mbufs');
    this.batch = int(opts.batch ?? 1, 1, 1 << 30, 'batch');
    this.tcpHint = opts.tcpHint ?? false;
    this.lengthLim = int(opts.lengthLim ?? (code === 'classic' ? TCP_LRO_LENGTH_MAX : TCP_LRO_LENGTH_MAX_2021), 1, 1 << 30, 'lengthLim');
    this.ackcntLim = int(opts.ackcntLim ?? TCP_LRO_ACKCNT_MAX, 1, 1 << 30, 'ackcntLim');
    this.mtu = int(opts.mtu ?? ETHERMTU, 68, 65535, 'mtu');
    this.hashsz = phashinitSize(Math.max(this.entries, this.mbufs));
    const sorted = this.mode === 'sorted';
    // a flush_all of the sorted array can hand up a segment per packet: room for a full array
    this.out = sorted ? new LroOutput(this.mbufs + 64, this.mbufs + 64) : new LroOutput();
    this.core = new LroCore(this.out);
    this.work = this.core.work;
    this.reasons = this.core.reasons;
    this.ctr = this.core.ctr;
    const limits = {
      entries: this.entries, hashsz: this.hashsz, lengthLim: this.lengthLim,
      ackcntLim: this.ackcntLim, mtu: this.mtu,
    };
    this.engine = code === 'classic' ? new ClassicEngine(this.core, limits) : new Rewrite13Engine(this.core, limits);
    this.sortq = sorted ? new SortQueue(this.core, this.mbufs) : null;
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
  get heldPackets(): number { return this.core.held; }
  get activeEntries(): number { return this.engine.activeEntries; }
  get queuedPackets(): number { return this.sortq ? this.sortq.queued : 0; }
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
      this.core.passUp(seg.rec, i * REC, id, off ? R_OFF : R_HINT_BYPASS);
      return;
    }
    const q = this.sortq;
    if (q === null) {
      // iflib_rxeof: tcp_lro_rx(lc, m, 0); non-zero → if_input(m)
      const r = this.scratch;
      pack(seg, i, r, 0);
      this.core.held++;
      const why = this.engine.rx(r, 0, id, true);
      if (why !== HELD) {
        this.core.held--;
        this.engine.refused(why);
        this.core.passUp(r, 0, id, why);
      }
      return;
    }
    if (q.queue(seg, i, id)) this.flushAllWith(R_QUEUE_FULL);
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

  /** tcp_lro_flush_all: the sorted walk (if any), then rx_done. */
  private flushAllWith(reason: number): void {
    this.work[W_FLUSH_ALL]! += 1;
    if (this.sortq !== null) this.sortq.walk(this.engine, reason);
    this.engine.rxDone(reason);
    this.accum = 0;
  }
}
