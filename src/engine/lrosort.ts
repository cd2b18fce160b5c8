/**
 * The sorted queue (Hans Petter Selasky, 2016): tcp_lro_queue_mbuf stores each packet with the
 * 64-bit key (hash type << 56) | (flowid << 24) | arrival index in an array of `mbufs` slots;
 * tcp_lro_flush_all sorts it (tcp_lro_sort) and walks it stream by stream into the merge engine,
 * flushing the active entries whenever the stream changes. Packets of one connection meet however
 * interleaved they arrived, but only within one array. The same walk feeds either engine (12's
 * tcp_lro_rx2 or 13+'s tcp_lro_rx_common); the sort's work is counted as the kernel does it.
 */
import {
  C_ACK_PKTS, C_ACK_SEGS, C_BYTES, C_DATA_PKTS, C_DATA_SEGS, F_FLOW, F_FLOWID, F_LENWIN, F_PROTO, HELD, K_AND_HI, K_AND_LO, K_OR_HI, K_OR_LO, LroCore, PLAIN_TCP_MASK, R_STREAM_CHANGE,
  REC, SEG_ACK, SEG_DATA, SIGN, W_ALLOCS, W_FLUSHES, W_LOOKUPS, W_OFFERED, W_QUEUED, W_RX_DONE, W_SORTS, W_SORT_CMPS,
  W_SORT_SCANS, W_SORT_SWAPS, digit, pack, type MergeEngine,
} from './lrodefs';
import { IPPROTO_TCP, type SegmentBuffer } from './tcpflows';

export class SortQueue {
  private readonly core: LroCore;
  readonly mbufs: number;
  // lro_mbuf_data: the packets as records, and their 64-bit keys as int32 halves
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

  constructor(core: LroCore, mbufs: number) {
    this.core = core;
    this.mbufs = mbufs;
    const Q = mbufs;
    this.qrec = new Int32Array(Math.max(1, Q) * REC);
    this.qId = new Int32Array(Q);
    this.keyHi = new Int32Array(Q);
    this.keyLo = new Int32Array(Q);
    this.tmpHi = new Int32Array(Q);
    this.tmpLo = new Int32Array(Q);
  }

  get queued(): number { return this.qCount; }

  /** tcp_lro_queue_mbuf: store the packet and its key; true when the array is now full. */
  queue(seg: SegmentBuffer, i: number, id: number): boolean {
    this.core.work[W_QUEUED]! += 1;
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
    this.core.held++;
    this.qCount = n + 1;
    return this.qCount === this.mbufs;
  }

  /**
   * tcp_lro_flush_all's walk: sort the array, feed it to the engine stream by stream (rx_done at
   * every change of hash type and flowid), a packet the engine refuses up alone after
   * `engine.refused`. The caller runs the final rx_done.
   */
  walk(engine: MergeEngine, reason: number): void {
    const n = this.qCount;
    if (n > 0) {
      const q = this.qrec;
      this.core.work[W_SORTS]! += 1;
      this.sort(n);
      // walk stream by stream; the kernel starts from seq = 0, so the first packet is a change too
      const keyHi = this.keyHi, keyLo = this.keyLo, qId = this.qId, out = this.core.out;
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
          if (engine.hasActive()) engine.rxDone(R_STREAM_CHANGE);
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
            engine.single(q, o, id, reason);
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
        const r = engine.rx(q, slot * REC, id, false);
        if (r !== HELD) {
          this.core.held--;
          engine.refused(r);
          this.core.passUp(q, slot * REC, id, r);
        }
      }
      const w = this.core.work, c = this.core.ctr;
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
      this.core.reasons[R_STREAM_CHANGE]! += singles;
      this.core.held -= singles;
      this.qCount = 0;
      this.resetKeyAcc();
    }
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
    const hi = this.keyHi, lo = this.keyLo, w = this.core.work;
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

}
