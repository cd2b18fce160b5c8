/**
 * The classic merge engine: tcp_lro_rx2 of FreeBSD 11–12 (sys/netinet/tcp_lro.c before the 2021
 * rewrite), with `entries` active entries found through a hash of m_pkthdr.flowid (tcp_lro_rx) or
 * in one bucket (the sorted walk). Every stop rule is applied as the packet arrives: a packet is
 * merged into its entry at once, or the entry is flushed and the packet goes up alone; a packet
 * that finds no entry while none is free goes up alone and nothing is evicted.
 */
import {
  HELD, IP_TCP_HDRS, LroCore, R_ACK_LIMIT, R_DUP_ACK, R_FLAGS, R_LEN_LIMIT, R_NOT_TCP, R_NO_ENTRIES, R_OPTIONS,
  R_SEQ_GAP, R_TS_BACKWARDS, SEG_ACK, SEG_DATA, W_ALLOCS, W_FLUSHES, W_LOOKUPS, W_MERGES, W_OFFERED, W_RX_DONE,
  W_SCANNED, F_ACK, F_FLOW, F_FLOWID, F_LENWIN, F_PROTO, F_SEQ, F_TSECR, F_TSVAL, type MergeEngine,
} from './lrodefs';
import { EntryTable, PacketNodes, type TableLayout } from './lroentries';
import { IPPROTO_TCP, OPT_OTHER, OPT_TS, TCPOLEN_TSTAMP_APPA, TH_ACK, TH_PUSH, TH_SYN } from './tcpflows';

// struct lro_entry as ES int32 words in ClassicEngine.ent
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
const LAYOUT: TableLayout = { words: ES, flow: E_FLOW, activeNext: E_ANEXT, activePrev: E_APREV, bucketNext: E_BNEXT, bucketPrev: E_BPREV, bucket: E_BUCKET };

export interface EngineLimits {
  entries: number;
  hashsz: number;
  lengthLim: number;
  ackcntLim: number;
  mtu: number;
}

export class ClassicEngine implements MergeEngine {
  private readonly core: LroCore;
  private readonly lengthLim: number;
  private readonly ackcntLim: number;
  private readonly mtu: number;
  private readonly hashsz: number;
  // entries (struct lro_entry): ES int32 words each in one array (E_* offsets), seq/ack/ts as int32
  // bits of the wire values; with lro_free, lro_active and the hash buckets (legacy mode finds
  // entries through the flowid hash, sorted mode walks lro_active)
  private readonly table: EntryTable;
  private readonly ent: Int32Array;
  // packet-id chains of the entries
  private readonly pool: PacketNodes;

  constructor(core: LroCore, l: EngineLimits) {
    this.core = core;
    this.lengthLim = l.lengthLim;
    this.ackcntLim = l.ackcntLim;
    this.mtu = l.mtu;
    this.hashsz = l.hashsz;
    const E = l.entries;
    this.table = new EntryTable(LAYOUT, E, l.hashsz, [E_HEAD, E_TAIL, E_ANEXT, E_APREV, E_BNEXT, E_BPREV, E_BUCKET]);
    this.ent = this.table.ent;
    this.pool = new PacketNodes(Math.max(64, 4 * E), 0);
  }

  get activeEntries(): number { return this.table.active; }
  hasActive(): boolean { return this.table.activeHead >= 0; }

  /** 12's tcp_lro_rx and flush_all pass a refused packet up and leave the entries as they are. */
  refused(): void {}

  /**
   * tcp_lro_rx2 of the classic code: HELD if the packet is now inside an entry, else the reason it
   * must go up alone. Stop rules in the kernel's order.
   */
  rx(r: Int32Array, o: number, id: number, useHash: boolean): number {
    const w = this.core.work;
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
    const bucket = useHash ? (r[o + F_FLOWID]! >>> 0) % this.hashsz : 0;
    const e = this.table.find(flow, bucket, useHash, w, W_SCANNED);
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
    // start a new entry: LIST_FIRST(&lc->lro_free), onto the active list and the bucket, heads
    const n = this.table.alloc(bucket, useHash);
    if (n < 0) return R_NO_ENTRIES;
    const no = n * ES;
    w[W_ALLOCS]! += 1;
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
  single(r: Int32Array, o: number, id: number, reason: number): void {
    this.core.single(r, o, id, reason);
  }

  /** tcp_lro_rx_done: flush every active entry, head of lro_active first. */
  rxDone(reason: number): void {
    this.core.work[W_RX_DONE]! += 1;
    const t = this.table;
    while (t.activeHead >= 0) this.flushEntry(t.activeHead, reason);
  }

  /** tcp_lro_active_remove + tcp_lro_flush: the entry goes up as one segment and is freed. */
  private flushEntry(e: number, reason: number): void {
    this.core.work[W_FLUSHES]! += 1;
    const E = this.ent, eo = e * ES;
    this.table.unlink(e);
    const bytes = E[eo + E_BYTES]!;
    const kind = bytes > 0 ? SEG_DATA : SEG_ACK;
    const out = this.core.out;
    const s = out.beginSeg(E[eo + E_FLOW]!, kind, reason, bytes);
    const pool = this.pool, nodes = pool.nodes;
    let k = E[eo + E_HEAD]!, cnt = 0;
    while (k >= 0) {
      out.pushPkt(s, nodes[2 * k + 1]!);
      const nx = nodes[2 * k]!;
      pool.release(k);
      k = nx;
      cnt++;
    }
    this.core.held -= cnt;
    E[eo + E_HEAD] = -1;
    E[eo + E_TAIL] = -1;
    E[eo + E_FLOW] = -1;
    this.table.free(e);
    this.core.count(kind, cnt, bytes, reason);
  }

  private chainAppend(e: number, id: number): void {
    const k = this.pool.take(id);
    const E = this.ent;
    const t = E[e * ES + E_TAIL]!;
    if (t >= 0) this.pool.nodes[2 * t] = k; else E[e * ES + E_HEAD] = k;
    E[e * ES + E_TAIL] = k;
  }
}
