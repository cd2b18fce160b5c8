/**
 * The FreeBSD 13+ merge engine: the 2021 rewrite of sys/netinet/tcp_lro.c (read on main, which
 * carries it: tcp_lro_rx_common, tcp_lro_condense, tcp_push_and_replace, tcp_lro_flush_active,
 * tcp_set_entry_to_mbuf). What differs from the classic tcp_lro_rx2 (lroclassic.ts):
 *
 * - Entry lookup (tcp_lro_rx_common): a packet whose 4-tuple matches an active entry is queued on
 *   it (le->m_last_mbuf->m_nextpkt) with no stop rule applied; only a pure ACK older than the
 *   entry's (SEQ_LT against the head's th_ack) is freed at once. SYN is refused; nothing else is
 *   looked at until the flush.
 * - The mbuf queue and tcp_lro_condense: at tcp_lro_flush the queue is merged into the head
 *   packet in order. A packet that cannot join (options other than the aligned timestamp, flags
 *   other than ACK/PSH, a timestamp going back by TSTMP_GT, a sequence hole, a change of the ACK
 *   flag, a duplicate pure ACK, the length or segment limit) is not passed up alone:
 *   tcp_push_and_replace sends the aggregate so far and makes that packet the head of the next.
 *   So a hole costs one segment, not two, and a FIN, CWR or SACK packet heads the aggregate after
 *   it. Pure ACKs merged are freed (not counted in lro_nsegs).
 * - A packet tcp_lro_rx refuses (not TCP, SYN, no free entry) first runs tcp_lro_flush_active,
 *   whose LIST_FOREACH goes on from the entry it has just flushed, which tcp_lro_flush put on
 *   lro_free: only the first active entry (the newest) is flushed, the walk then runs down the
 *   free list, whose entries have no packets. The sorted walk (tcp_lro_flush_all) does the same.
 * - Limits: lro_length_lim is TCP payload, 65535 − 255 (TCP_LRO_LENGTH_MAX in 13+), no proactive
 *   flush for the next full segment; tsecr 0 is not refused.
 *
 * The stack hook for TCP stacks that want the mbuf queue (tcp_lro_flush_tcphpts, rack/bbr with
 * compressed ACKs) is not modelled: the default stack takes tcp_lro_condense.
 */
import {
  F_ACK, F_FLOW, F_FLOWID, F_LENWIN, F_PROTO, F_SEQ, F_TSECR, F_TSVAL, HELD, LroCore, R_ACK_LIMIT, R_DUP_ACK, R_FLAGS,
  R_LEN_LIMIT, R_NOT_TCP, R_NO_ENTRIES, R_OPTIONS, R_SEQ_GAP, R_TS_BACKWARDS, REC, SEG_ACK, SEG_DATA, W_ALLOCS,
  W_FLUSHES, W_LOOKUPS, W_MERGES, W_OFFERED, W_RX_DONE, W_SCANNED, type MergeEngine,
} from './lrodefs';
import { EntryTable, PacketNodes, type TableLayout } from './lroentries';
import type { EngineLimits } from './lroclassic';
import { IPPROTO_TCP, OPT_OTHER, OPT_TS, TH_ACK, TH_PUSH, TH_SYN } from './tcpflows';

// struct lro_entry as ES int32 words
const ES = 22;
const E_FLOW = 0, E_NEXTSEQ = 1, E_ACK = 2, E_WIN = 3, E_TSVAL = 4, E_TSECR = 5;
/** le->timestamp: the head carries the aligned timestamp option. */
const E_TS = 6;
/** le->flags: th_flags of the head. */
const E_FLAGS = 7;
/** lro_tcp_d_len and lro_nsegs of the head mbuf: the aggregate's TCP payload and data segments. */
const E_DLEN = 8, E_NSEGS = 9;
/** The aggregate's packets (ids), head first: first and last node, count. */
const E_AHEAD = 10, E_ATAIL = 11, E_ACNT = 12;
/** The packets queued behind the head, not yet condensed: first and last node. */
const E_QHEAD = 13, E_QTAIL = 14;
/** lro_active links (newest first), hash bucket links and bucket. */
const E_ANEXT = 15, E_APREV = 16, E_BNEXT = 17, E_BPREV = 18, E_BUCKET = 19;
const LAYOUT: TableLayout = { words: ES, flow: E_FLOW, activeNext: E_ANEXT, activePrev: E_APREV, bucketNext: E_BNEXT, bucketPrev: E_BPREV, bucket: E_BUCKET };

/** int32 difference as TCP compares sequence numbers and timestamps (SEQ_LT, TSTMP_GT). */
const sdiff = (a: number, b: number) => (a - b) | 0;

export class Rewrite13Engine implements MergeEngine {
  private readonly core: LroCore;
  private readonly lengthLim: number;
  private readonly ackcntLim: number;
  private readonly hashsz: number;
  private readonly table: EntryTable;
  private readonly ent: Int32Array;
  // packet chains: the aggregate's and the queue's nodes, each with its packet record (REC words)
  private readonly pool: PacketNodes;

  constructor(core: LroCore, l: EngineLimits) {
    this.core = core;
    this.lengthLim = l.lengthLim;
    this.ackcntLim = l.ackcntLim;
    this.hashsz = l.hashsz;
    const E = l.entries;
    this.table = new EntryTable(LAYOUT, E, l.hashsz, [E_AHEAD, E_ATAIL, E_QHEAD, E_QTAIL, E_ANEXT, E_APREV, E_BNEXT, E_BPREV, E_BUCKET]);
    this.ent = this.table.ent;
    this.pool = new PacketNodes(Math.max(64, 8 * E), REC);
  }

  get activeEntries(): number { return this.table.active; }
  hasActive(): boolean { return this.table.activeHead >= 0; }

  /** tcp_lro_rx_common: queue the packet on its entry, or start one, or refuse it. */
  rx(r: Int32Array, o: number, id: number, useHash: boolean): number {
    const w = this.core.work;
    w[W_OFFERED]! += 1;
    const pf = r[o + F_PROTO]!;
    if ((pf & 0xff) !== IPPROTO_TCP) return R_NOT_TCP; // tcp_lro_parser: TCP_LRO_NOT_SUPPORTED
    const fl = (pf >>> 8) & 0xff;
    if ((fl & TH_SYN) !== 0) return R_FLAGS; // "Don't process SYN packets": TCP_LRO_CANNOT
    const flow = r[o + F_FLOW]!;
    const E = this.ent;
    w[W_LOOKUPS]! += 1;
    const bucket = useHash ? (r[o + F_FLOWID]! >>> 0) % this.hashsz : 0;
    const e = this.table.find(flow, bucket, useHash, w, W_SCANNED);
    if (e >= 0) {
      const eo = e * ES;
      // no data and an ACK older than the entry's: freed now (it goes up inside the aggregate)
      if ((r[o + F_LENWIN]! & 0xffff) === 0 && sdiff(r[o + F_ACK]!, E[eo + E_ACK]!) < 0) {
        w[W_MERGES]! += 1;
        this.aggAppend(e, id);
        return HELD;
      }
      // the mbuf queue: le->m_last_mbuf->m_nextpkt = m
      const k = this.pool.take(id);
      const d = this.pool.rec, q = k * REC;
      for (let x = 0; x < REC; x++) d[q + x] = r[o + x]!;
      const t = E[eo + E_QTAIL]!;
      if (t >= 0) this.pool.nodes[2 * t] = k; else E[eo + E_QHEAD] = k;
      E[eo + E_QTAIL] = k;
      return HELD;
    }
    const n = this.table.alloc(bucket, useHash);
    if (n < 0) return R_NO_ENTRIES;
    const no = n * ES;
    w[W_ALLOCS]! += 1;
    E[no + E_FLOW] = flow;
    E[no + E_TSVAL] = 0;
    this.setEntry(n, r, o);
    this.aggAppend(n, id);
    return HELD;
  }

  /**
   * tcp_lro_flush_active after a refusal: the first active entry only (see the file's comment). Its
   * segment carries the refused packet's reason: it went up so that packet would not overtake it.
   */
  refused(reason: number): void {
    const t = this.table;
    if (t.activeHead >= 0) this.flushEntry(t.activeHead, reason);
  }

  /** A one-packet stream: entry, nothing to condense, flushed at the next rx_done. */
  single(r: Int32Array, o: number, id: number, reason: number): void {
    this.core.single(r, o, id, reason);
  }

  rxDone(reason: number): void {
    this.core.work[W_RX_DONE]! += 1;
    const t = this.table;
    while (t.activeHead >= 0) this.flushEntry(t.activeHead, reason);
  }

  /** tcp_set_entry_to_mbuf: the entry's head is now the packet `r` at `o`. */
  private setEntry(e: number, r: Int32Array, o: number): void {
    const E = this.ent, eo = e * ES;
    const pf = r[o + F_PROTO]!, opts = (pf >>> 16) & 0xff, len = r[o + F_LENWIN]! & 0xffff;
    if ((opts & OPT_TS) !== 0 && (opts & OPT_OTHER) === 0) {
      E[eo + E_TS] = 1;
      E[eo + E_TSVAL] = r[o + F_TSVAL]!;
      E[eo + E_TSECR] = r[o + F_TSECR]!;
    } else E[eo + E_TS] = 0; // le->tsval is left as it was
    E[eo + E_NEXTSEQ] = (r[o + F_SEQ]! + len) | 0;
    E[eo + E_ACK] = r[o + F_ACK]!;
    E[eo + E_WIN] = r[o + F_LENWIN]! >>> 16;
    E[eo + E_FLAGS] = (pf >>> 8) & 0xff;
    E[eo + E_DLEN] = len;
    E[eo + E_NSEGS] = 1;
  }

  /**
   * tcp_lro_active_remove + tcp_lro_flush: tcp_lro_condense (a segment for every
   * push_and_replace), then tcp_flush_out_entry with `reason`; the entry goes back to lro_free.
   */
  private flushEntry(e: number, reason: number): void {
    const E = this.ent, eo = e * ES;
    this.table.unlink(e);
    this.condense(e);
    this.flushOut(e, reason);
    E[eo + E_FLOW] = -1;
    E[eo + E_TSVAL] = 0;
    this.table.free(e);
  }

  /** tcp_lro_condense: merge the queue into the head, in order. */
  private condense(e: number): void {
    const E = this.ent, eo = e * ES, w = this.core.work;
    for (let k = E[eo + E_QHEAD]!; k >= 0;) {
      // read after every take: appending to the aggregate may grow the node arrays
      const nodes = this.pool.nodes, q = this.pool.rec;
      const next = nodes[2 * k]!;
      E[eo + E_QHEAD] = next;
      if (next < 0) E[eo + E_QTAIL] = -1;
      const o = k * REC, id = nodes[2 * k + 1]!;
      const pf = q[o + F_PROTO]!, fl = (pf >>> 8) & 0xff, opts = (pf >>> 16) & 0xff;
      const lw = q[o + F_LENWIN]!, dlen = lw & 0xffff, win = lw >>> 16;
      const seq = q[o + F_SEQ]!, ack = q[o + F_ACK]!;
      let stop = -1;
      if (E[eo + E_NSEGS]! + 1 >= this.ackcntLim) stop = R_ACK_LIMIT;
      else if (E[eo + E_DLEN]! + dlen >= this.lengthLim) stop = R_LEN_LIMIT;
      else if ((opts & OPT_OTHER) !== 0) stop = R_OPTIONS;
      else if ((fl & ~(TH_ACK | TH_PUSH)) !== 0) stop = R_FLAGS;
      else if ((opts & OPT_TS) !== 0 && sdiff(E[eo + E_TSVAL]!, q[o + F_TSVAL]!) > 0) stop = R_TS_BACKWARDS;
      else if (seq !== E[eo + E_NEXTSEQ]) stop = R_SEQ_GAP;
      else if ((fl & TH_ACK) !== (E[eo + E_FLAGS]! & TH_ACK)) stop = R_FLAGS;
      else if (dlen === 0 && ack === E[eo + E_ACK] && win === E[eo + E_WIN]) stop = R_DUP_ACK;
      if (stop >= 0) {
        // tcp_push_and_replace: the aggregate so far goes up, this packet heads the next
        this.flushOut(e, stop);
        this.setEntry(e, q, o);
        this.aggAppend(e, id);
        this.pool.release(k);
        k = next;
        continue;
      }
      if ((opts & OPT_TS) !== 0) {
        E[eo + E_TSVAL] = q[o + F_TSVAL]!;
        E[eo + E_TSECR] = q[o + F_TSECR]!;
      }
      w[W_MERGES]! += 1;
      if (dlen !== 0 || sdiff(ack, E[eo + E_ACK]!) > 0) {
        E[eo + E_NEXTSEQ] = (E[eo + E_NEXTSEQ]! + dlen) | 0;
        E[eo + E_ACK] = ack;
        E[eo + E_WIN] = win;
      } else if (ack === E[eo + E_ACK] && win > E[eo + E_WIN]!) {
        E[eo + E_WIN] = win;
      }
      if (dlen !== 0) {
        E[eo + E_DLEN]! += dlen;
        E[eo + E_NSEGS]! += 1;
      }
      this.aggAppend(e, id);
      this.pool.release(k);
      k = next;
    }
  }

  /** tcp_flush_out_entry: the aggregate (head and what joined it) goes up as one segment. */
  private flushOut(e: number, reason: number): void {
    this.core.work[W_FLUSHES]! += 1;
    const E = this.ent, eo = e * ES;
    const bytes = E[eo + E_DLEN]!;
    const kind = bytes > 0 ? SEG_DATA : SEG_ACK;
    const out = this.core.out;
    const s = out.beginSeg(E[eo + E_FLOW]!, kind, reason, bytes);
    const nodes = this.pool.nodes;
    let k = E[eo + E_AHEAD]!, cnt = 0;
    while (k >= 0) {
      out.pushPkt(s, nodes[2 * k + 1]!);
      const nx = nodes[2 * k]!;
      this.pool.release(k);
      k = nx;
      cnt++;
    }
    E[eo + E_AHEAD] = -1;
    E[eo + E_ATAIL] = -1;
    E[eo + E_ACNT] = 0;
    this.core.held -= cnt;
    this.core.count(kind, cnt, bytes, reason);
  }

  private aggAppend(e: number, id: number): void {
    const k = this.pool.take(id);
    const E = this.ent, eo = e * ES;
    const t = E[eo + E_ATAIL]!;
    if (t >= 0) this.pool.nodes[2 * t] = k; else E[eo + E_AHEAD] = k;
    E[eo + E_ATAIL] = k;
    E[eo + E_ACNT]! += 1;
  }
}
