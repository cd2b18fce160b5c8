import { describe, expect, it } from 'vitest';
import {
  LRO_REASONS, LRO_WORK_LEN, Lro, R_ACK_LIMIT, R_BATCH_END, R_DUP_ACK, R_HINT_BYPASS, R_IDLE, R_LEN_LIMIT,
  R_NO_ENTRIES, R_NOT_TCP, R_OFF, R_OPTIONS, R_QUEUE_FULL, R_SEQ_GAP, R_STREAM_CHANGE, R_TS_BACKWARDS, SEG_ACK,
  SEG_DATA, SEG_OTHER, TCP_LRO_LENGTH_MAX_2021, W_ALLOCS, W_FLUSHES, W_LOOKUPS, W_MERGES, W_OFFERED, W_PASSUPS,
  W_RX_DONE, W_SCANNED, W_SORT_CMPS, W_SORT_SCANS, W_SORT_SWAPS, phashinitSize, type LroOptions,
} from './lro';
import { Prng } from './prng';
import {
  IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, OPT_OTHER, OPT_TS, SegmentBuffer, TH_ACK, TH_CWR,
  TH_ECE, TH_FIN, TH_PUSH, TH_RST, TH_SYN, TH_URG, TcpFlows, fmix32, rssHashType, type TcpFlowsOptions,
} from './tcpflows';

// ---------- crafted packets ----------

interface P {
  flow?: number;
  seq?: number;
  ack?: number;
  len?: number;
  flags?: number;
  win?: number;
  tsval?: number;
  tsecr?: number;
  opts?: number;
  proto?: number;
  flowid?: number;
}

const MSS = 1448;

function put(b: SegmentBuffer, i: number, p: P): void {
  const flow = p.flow ?? 0;
  const proto = p.proto ?? IPPROTO_TCP;
  b.set(i, {
    flow, proto, hashType: rssHashType(proto), flowid: p.flowid ?? fmix32(flow + 1), seq: p.seq ?? 0, ack: p.ack ?? 5000,
    len: p.len ?? MSS, flags: p.flags ?? TH_ACK, win: p.win ?? 1000, tsval: p.tsval ?? 100, tsecr: p.tsecr ?? 50,
    opts: p.opts ?? OPT_TS,
  });
}

/** Data segment k of a connection: in order, full size, timestamps as given. */
const data = (k: number, extra: P = {}): P => ({ seq: 1_000_000 + k * MSS, ...extra });
/** Pure ACK k of a connection: ACK advancing by two segments each. */
const pureAck = (k: number, extra: P = {}): P => ({ seq: 77, ack: 9000 + 2 * k * MSS, len: 0, ...extra });

interface Seg { ids: number[]; reason: string; kind: number; bytes: number; flow: number }

/** What went up since the last call, as plain objects; clears the output. */
function drain(lro: Lro): Seg[] {
  const o = lro.out, r: Seg[] = [];
  for (let s = 0; s < o.nseg; s++) {
    const ids: number[] = [];
    for (let k = 0; k < o.count[s]!; k++) ids.push(o.pkt[o.start[s]! + k]!);
    r.push({ ids, reason: LRO_REASONS[o.reason[s]!]!, kind: o.kind[s]!, bytes: o.bytes[s]!, flow: o.flow[s]! });
  }
  o.clear();
  return r;
}

/** Feed crafted packets (ids 0, 1, ... unless `firstId`), no flush. */
function feed(lro: Lro, pkts: P[], firstId = 0): void {
  const b = new SegmentBuffer(1);
  pkts.forEach((p, k) => {
    put(b, 0, p);
    lro.input(b, 0, firstId + k);
  });
}

const legacy = (o: Partial<LroOptions> = {}) => new Lro({ mode: 'legacy', ...o });

// ---------- traffic from TcpFlows ----------

interface DriveOpts {
  pass?: number;
  seed?: number;
  /** Round-robin over the flows instead of uniform random picks. */
  rr?: boolean;
  flows?: TcpFlowsOptions;
}

/**
 * RX passes of `pass` packets (iflib's rx_budget) over F flows, endOfPass after each, flushAll at
 * the end. Returns how often each packet id was delivered.
 */
function drive(lro: Lro, F: number, n: number, o: DriveOpts = {}): Uint8Array {
  const pass = o.pass ?? 16;
  const rng = new Prng(o.seed ?? 1);
  const flows = new TcpFlows(F, o.flows ?? {}, rng);
  const seg = new SegmentBuffer(pass);
  const seen = new Uint8Array(n);
  const collect = () => {
    const out = lro.out;
    for (let p = 0; p < out.npkt; p++) seen[out.pkt[p]!]! += 1;
    out.clear();
  };
  let id = 0;
  while (id < n) {
    for (let k = 0; k < pass && id < n; k++, id++) {
      flows.next(seg, k, o.rr ? id % F : rng.below(F));
      lro.input(seg, k, id);
    }
    lro.endOfPass();
    collect();
  }
  lro.flushAll();
  collect();
  return seen;
}

/** Expected packets per segment when B packets pick uniformly among F flows and each flow's share merges. */
const expectedRatio = (B: number, F: number) => B / (F * (1 - Math.pow(1 - 1 / F, B)));

// ---------- the mechanism the meeting describes ----------

describe('the table of 8 entries (tcp_lro_rx) against many connections', () => {
  it('≤ 8 interleaved flows coalesce fully: per pass of 16, and up to the length limit across a large batch', () => {
    // 8 flows round robin, flush_all after every pass of 16 (iflib today): 2 packets per flow per pass
    const a = legacy();
    drive(a, 8, 16_000, { rr: true });
    expect(a.dataRatio).toBe(2);
    expect(a.noEntries).toBe(0);
    // one flow: the whole pass is one segment
    const one = legacy();
    drive(one, 1, 16_000);
    expect(one.dataRatio).toBe(16);
    // a batch of 1024 (task 1): a segment stops only at the length limit, 45 segments of 1448
    // bytes (the IP payload must stay ≤ 65535 − if_mtu after a merge), or at the batch's end
    const big = legacy({ batch: 1024 });
    drive(big, 8, 200_000);
    expect(big.dataRatio).toBeGreaterThan(38);
    expect(big.dataRatio).toBeLessThanOrEqual(45);
    expect(big.reasons[R_LEN_LIMIT]).toBeGreaterThan(big.reasons[R_BATCH_END]! + big.reasons[R_IDLE]!);
    expect(big.noEntries).toBe(0);
  });

  it('with 1000 flows most packets find no entry and go up alone: nothing is evicted', () => {
    // pass of 16: the first 8 connections of the pass take the 8 entries, the other ~8 packets
    // find none (TCP_LRO_NO_ENTRIES); the ones with entries have nothing to merge with either
    const a = legacy();
    drive(a, 1000, 200_000);
    expect(a.noEntries / a.packetsIn).toBeGreaterThan(0.45);
    expect(a.noEntries / a.packetsIn).toBeLessThan(0.55);
    expect(a.dataRatio).toBeLessThan(1.02);
    // a larger batch makes it worse: the same 8 entries for 1024 packets
    const b = legacy({ batch: 1024 });
    drive(b, 1000, 200_000);
    expect(b.noEntries / b.packetsIn).toBeGreaterThan(0.98);
    expect(b.dataRatio).toBeLessThan(1.02);
  });
});

describe('the sorted array (tcp_lro_queue_mbuf + tcp_lro_flush_all)', () => {
  it('a batch of 1024 coalesces 1000 interleaved flows; the ratio follows the batch size', () => {
    const F = 1000, n = 200_000;
    const rows: string[] = [];
    for (const B of [16, 64, 256, 1024]) {
      const s = new Lro({ mode: 'sorted', batch: B });
      drive(s, F, n);
      const exp = expectedRatio(B, F);
      rows.push(`batch ${B}: ${s.dataRatio.toFixed(3)} packets per segment (expected ${exp.toFixed(3)})`);
      expect(s.dataRatio).toBeGreaterThan(exp * 0.97);
      expect(s.dataRatio).toBeLessThan(exp * 1.03);
    }
    // a 4096-slot array with a batch of 4096
    const s4 = new Lro({ mode: 'sorted', batch: 4096, mbufs: 4096 });
    drive(s4, F, n);
    rows.push(`batch 4096 (mbufs 4096): ${s4.dataRatio.toFixed(3)} (expected ${expectedRatio(4096, F).toFixed(3)})`);
    expect(s4.dataRatio).toBeGreaterThan(expectedRatio(4096, F) * 0.97);
    console.log(`sorted LRO, ${F} flows:\n  ${rows.join('\n  ')}`);

    const s = new Lro({ mode: 'sorted', batch: 1024 });
    const l = legacy({ batch: 1024 });
    drive(s, F, n);
    drive(l, F, n);
    expect(s.dataRatio).toBeGreaterThan(1.55); // ≈ 1.60
    expect(l.dataRatio).toBeLessThan(1.02);
    expect(s.noEntries).toBe(0);
    // fewer flows per queue, the same batch: ~10 packets per segment
    const s100 = new Lro({ mode: 'sorted', batch: 1024 });
    drive(s100, 100, n);
    expect(s100.dataRatio).toBeGreaterThan(expectedRatio(1024, 100) * 0.97);
  });

  it("with iflib's pass of 16 as the batch, sorting does not help: why task 1 matters", () => {
    const s16 = new Lro({ mode: 'sorted', batch: 1 }); // flush_all after every pass of 16
    drive(s16, 1000, 100_000);
    expect(s16.dataRatio).toBeLessThan(1.01);
    const s1024 = new Lro({ mode: 'sorted', batch: 1024 });
    drive(s1024, 1000, 100_000);
    expect(s1024.dataRatio / s16.dataRatio).toBeGreaterThan(1.5);
  });

  it('a ring overflow leaves holes at pass boundaries: a pass-long batch never meets them, a larger one pays a packet alone per hole', () => {
    // The anomaly of issue 5: 8 flows on an overloaded queue, where lro.batch = 1024 coalesced
    // about half as well as flushing after every pass. An overflowing ring is refilled a pass at a
    // time (the pass frees its descriptors, the next arrivals take them, the rest are dropped), so
    // each pass is a run of consecutive arrivals and every flow has a hole between two passes.
    // Flushing at the end of the pass ends every aggregate at the hole, so no rule sees it. An
    // entry held across the boundary meets the hole: tcp_lro_rx2 flushes it and, in the classic
    // code, the packet after the hole goes up alone (TCP_LRO_CANNOT): one more segment per hole.
    const F = 8, P = 240, passes = 400;
    const run = (o: Partial<LroOptions> & { mode: 'sorted' | 'legacy' }, lost: number) => {
      const rng = new Prng(5);
      const flows = new TcpFlows(F, {}, rng);
      const seg = new SegmentBuffer(P);
      const lro = new Lro(o);
      let id = 0, alone = 0;
      const collect = () => {
        const out = lro.out;
        for (let k = 0; k < out.nseg; k++) if (out.count[k] === 1 && out.reason[k] === R_SEQ_GAP) alone++;
        out.clear();
      };
      for (let p = 0; p < passes; p++) {
        for (let k = 0; k < P; k++) {
          flows.next(seg, k, k % F);
          lro.input(seg, k, id++);
        }
        lro.endOfPass();
        collect();
        // the ring is full until the next pass ends: these arrivals are dropped (a hole per flow)
        for (let k = 0; k < lost; k++) flows.next(null, 0, k % F);
      }
      lro.flushAll();
      collect();
      return Object.assign(lro, { alone });
    };
    const perPass = run({ mode: 'sorted', batch: 1 }, 3 * F);
    expect(perPass.dataRatio).toBe(P / F); // one segment per flow per pass: the holes are never seen
    expect(perPass.reasons[R_SEQ_GAP]).toBe(0);
    for (const mode of ['sorted', 'legacy'] as const) {
      const big = run({ mode, batch: 1024 }, 3 * F);
      // every hole inside a batch: the aggregate goes up (seq_gap) and so does the next packet, alone
      const holes = big.reasons[R_SEQ_GAP]! / 2;
      expect(holes).toBeGreaterThan(passes * F * 0.7);
      expect(big.alone).toBe(holes);
      expect(big.dataSegments).toBeGreaterThanOrEqual(perPass.dataSegments + holes);
      expect(big.dataRatio).toBeLessThan(0.6 * perPass.dataRatio);
      // the same traffic without the overflow: the large batch coalesces more, up to the length limit
      const clean = run({ mode, batch: 1024 }, 0);
      expect(clean.reasons[R_SEQ_GAP]).toBe(0);
      expect(clean.dataRatio).toBeGreaterThan(run({ mode, batch: 1 }, 0).dataRatio);
      expect(clean.dataRatio).toBeGreaterThan(35);
    }
  });

  it('a stream of one packet takes an entry and goes up at the next stream change, work counted as rx2 + rx_done do', () => {
    // flowids apart, one packet each: plain data, a pure ACK, a SYN, SACK options, UDP
    const s = new Lro({ mode: 'sorted', batch: 1024 });
    const fid = (k: number) => (k + 1) << 24;
    feed(s, [
      data(0, { flow: 0, flowid: fid(0) }),
      pureAck(0, { flow: 1, flowid: fid(1) }),
      data(0, { flow: 2, flowid: fid(2), flags: TH_SYN }),
      data(0, { flow: 3, flowid: fid(3), opts: OPT_TS | OPT_OTHER }),
      data(0, { flow: 4, flowid: fid(4), proto: IPPROTO_UDP }),
      data(0, { flow: 5, flowid: fid(5) }),
    ]);
    const w0 = Float64Array.from(s.work);
    s.flushAll();
    const out = drain(s);
    // UDP has another hash type (a larger key): it sorts last
    expect(out.map((x) => [x.ids, x.reason, x.kind, x.bytes])).toEqual([
      [[0], 'stream_change', SEG_DATA, MSS], [[1], 'stream_change', SEG_ACK, 0], [[2], 'flags', SEG_DATA, MSS],
      [[3], 'options', SEG_DATA, MSS], [[5], 'stream_change', SEG_DATA, MSS], [[4], 'not_tcp', SEG_OTHER, MSS],
    ]);
    const d = (k: number) => s.work[k]! - w0[k]!;
    expect([d(W_OFFERED), d(W_LOOKUPS), d(W_SCANNED), d(W_ALLOCS), d(W_FLUSHES), d(W_PASSUPS), d(W_MERGES), d(W_RX_DONE)])
      .toEqual([6, 4, 0, 3, 3, 3, 0, 7]); // rx_done: 6 stream changes and the end of flush_all
    expect(s.heldPackets).toBe(0);
    expect(s.activeEntries).toBe(0);
  });

  it('the array flushes itself when full; a batch beyond mbufs changes nothing', () => {
    const a = new Lro({ mode: 'sorted', batch: 1_000_000, mbufs: 1024 });
    const b = new Lro({ mode: 'sorted', batch: 1024, mbufs: 1024 });
    drive(a, 1000, 50_000);
    drive(b, 1000, 50_000);
    expect(a.dataRatio).toBe(b.dataRatio);
    expect(a.reasons[R_QUEUE_FULL]).toBe(Math.floor(50_000 / 1024));
    expect(a.reasons[R_BATCH_END]).toBe(0);
  });

  it('pure-ACK streams (lro-ack-storm) are absorbed the same way', () => {
    const s = new Lro({ mode: 'sorted', batch: 1024 });
    drive(s, 100, 100_000, { flows: { ackShare: 1 } });
    expect(s.dataSegments).toBe(0);
    expect(s.ackRatio).toBeGreaterThan(expectedRatio(1024, 100) * 0.97);
    // 8 ACK streams, legacy, large batch: no length limit for ACKs, so one segment per flow per batch
    const l = legacy({ batch: 1024 });
    drive(l, 8, 100_000, { flows: { ackShare: 1 } });
    expect(l.ackRatio).toBeGreaterThan(100);
  });

  it('walks stream by stream in key order, flushing at every change', () => {
    // 4 connections interleaved, 10 packets each
    const s = new Lro({ mode: 'sorted', batch: 1024 });
    const fids = [0x30000000, 0x10000000, 0x40000000, 0x20000000];
    const pk: P[] = [];
    for (let k = 0; k < 10; k++) for (let f = 0; f < 4; f++) pk.push(data(k, { flow: f, flowid: fids[f]! }));
    feed(s, pk);
    expect(drain(s)).toEqual([]);
    expect(s.queuedPackets).toBe(40);
    s.flushAll();
    const out = drain(s);
    expect(out.map((x) => x.flow)).toEqual([1, 3, 0, 2]); // ascending flowid
    expect(out.map((x) => x.ids.length)).toEqual([10, 10, 10, 10]);
    expect(out.map((x) => x.reason)).toEqual(['stream_change', 'stream_change', 'stream_change', 'idle']);
    expect(out[0]!.ids).toEqual([1, 5, 9, 13, 17, 21, 25, 29, 33, 37]); // arrival order within
    expect(s.heldPackets).toBe(0);
  });

  it('connections sharing a flowid share a stream and still merge apart', () => {
    const s = new Lro({ mode: 'sorted', batch: 1024 });
    const pk: P[] = [];
    for (let k = 0; k < 5; k++) pk.push(data(k, { flow: 1, flowid: 7 }), data(k, { flow: 2, flowid: 7 }));
    feed(s, pk);
    s.flushAll();
    const out = drain(s);
    expect(out.length).toBe(2);
    expect(out.every((x) => x.ids.length === 5 && x.reason === 'idle')).toBe(true);
  });

  it('orders keys as tcp_lro_sort does, and counts the work tcp_lro_sort would do', () => {
    // non-TCP packets go up alone during the walk, so the output order is the sorted order
    const rng = new Prng(99);
    for (const n of [5, 12, 13, 40, 300, 1024]) {
      // an array larger than the batch, so that flush_all runs when the test says so
      const s = new Lro({ mode: 'sorted', mbufs: 2048, batch: 1 << 20 });
      const b = new SegmentBuffer(1);
      const keys: bigint[] = [];
      for (let i = 0; i < n; i++) {
        // few distinct flowids, so streams repeat; two hash types
        const proto = rng.below(4) === 0 ? IPPROTO_SCTP : IPPROTO_UDP;
        const flowid = (rng.below(3) === 0 ? rng.below(8) : rng.nextU32()) | 0;
        put(b, 0, { proto, flowid, flow: i });
        s.input(b, 0, i);
        keys.push((BigInt(rssHashType(proto)) << 56n) | (BigInt(flowid >>> 0) << 24n) | BigInt(i));
      }
      const before = Float64Array.from(s.work);
      s.flushAll();
      const ref = kernelSort(keys);
      const order = drain(s).map((x) => x.ids[0]!);
      expect(order).toEqual(ref.sorted.map((k) => Number(k & 0xffffffn)));
      expect(s.work[W_SORT_SCANS]! - before[W_SORT_SCANS]!).toBe(ref.scans);
      expect(s.work[W_SORT_SWAPS]! - before[W_SORT_SWAPS]!).toBe(ref.swaps);
      expect(s.work[W_SORT_CMPS]! - before[W_SORT_CMPS]!).toBe(ref.cmps);
      expect(s.notTcp).toBe(n);
    }
  });
});

/**
 * tcp_lro_sort (sys/netinet/tcp_lro.c) on 64-bit keys, written from its description: ranges of
 * ≤ 12 by insertion, else find the bits that vary, partition on the highest, recurse. Counted as
 * lro.ts counts: one scan of the range to find the bits, a second to partition, a swap per key
 * with the bit clear; insertion sorts at their expected cost for random order.
 */
function kernelSort(keys: bigint[]): { sorted: bigint[]; scans: number; swaps: number; cmps: number } {
  const a = keys.slice();
  const M = (1n << 64n) - 1n;
  let scans = 0, swaps = 0, cmps = 0;
  const sort = (base: number, size: number): void => {
    for (;;) {
      if (size <= 12) {
        for (let x = base + 1; x < base + size; x++) {
          const t = a[x]!;
          let y = x;
          while (y > base && t < a[y - 1]!) {
            a[y] = a[y - 1]!;
            y--;
          }
          a[y] = t;
        }
        swaps += (size * (size - 1)) / 4;
        cmps += size > 1 ? (size * (size - 1)) / 4 + size - 1 : 0;
        return;
      }
      let ones = 0n, zeros = 0n;
      for (let x = base; x < base + size; x++) {
        ones |= a[x]!;
        zeros |= ~a[x]! & M;
      }
      ones &= zeros;
      if (ones === 0n) {
        scans += size;
        return;
      }
      const bit = 1n << BigInt(ones.toString(2).length - 1);
      let x = base;
      for (let y = base; y < base + size; y++) {
        if (a[y]! & bit) continue;
        const t = a[x]!;
        a[x] = a[y]!;
        a[y] = t;
        x++;
      }
      scans += 2 * size;
      swaps += x - base;
      sort(base, x - base);
      size -= x - base;
      base = x;
    }
  };
  sort(0, a.length);
  return { sorted: a, scans, swaps, cmps };
}

// ---------- merge-stop rules, one at a time (classic tcp_lro_rx2) ----------

describe('merging and the rules that stop it', () => {
  it('consecutive segments of one connection become one segment at flush_all', () => {
    const l = legacy();
    feed(l, [data(0), data(1), data(2)]);
    expect(l.activeEntries).toBe(1);
    expect(drain(l)).toEqual([]);
    l.endOfPass();
    expect(drain(l)).toEqual([{ ids: [0, 1, 2], reason: 'batch_end', kind: SEG_DATA, bytes: 3 * MSS, flow: 0 }]);
    expect(l.work[W_MERGES]).toBe(2);
    expect(l.work[W_ALLOCS]).toBe(1);
    expect(l.work[W_FLUSHES]).toBe(1);
  });

  it('PSH does not stop merging', () => {
    const l = legacy();
    feed(l, [data(0), data(1, { flags: TH_ACK | TH_PUSH }), data(2)]);
    l.endOfPass();
    expect(drain(l).map((s) => s.ids)).toEqual([[0, 1, 2]]);
  });

  it('SYN goes up alone and leaves the entry alone', () => {
    const l = legacy();
    feed(l, [data(0), data(1, { flags: TH_SYN | TH_ACK }), data(1)]);
    expect(drain(l)).toEqual([{ ids: [1], reason: 'flags', kind: SEG_DATA, bytes: MSS, flow: 0 }]);
    l.endOfPass();
    expect(drain(l).map((s) => s.ids)).toEqual([[0, 2]]);
  });

  for (const [name, flag] of [['FIN', TH_FIN], ['RST', TH_RST], ['URG', TH_URG], ['ECE', TH_ECE], ['CWR', TH_CWR]] as const) {
    it(`${name}: what was gathered goes up first, then the packet alone`, () => {
      const l = legacy();
      feed(l, [data(0), data(1), data(2, { flags: TH_ACK | flag })]);
      expect(drain(l).map((s) => [s.ids, s.reason])).toEqual([[[0, 1], 'flags'], [[2], 'flags']]);
      expect(l.activeEntries).toBe(0);
    });
  }

  it('options other than the aligned timestamp (SACK): entry flushed, packet alone, no entry taken', () => {
    const l = legacy();
    feed(l, [pureAck(0), pureAck(1), pureAck(1, { opts: OPT_TS | OPT_OTHER })]);
    expect(drain(l).map((s) => [s.ids, s.reason, s.kind])).toEqual([[[0, 1], 'options', SEG_ACK], [[2], 'options', SEG_ACK]]);
    // with no entry for its connection it just goes up, without taking one
    feed(l, [data(0, { flow: 3, opts: OPT_OTHER })], 10);
    expect(drain(l).map((s) => [s.ids, s.reason])).toEqual([[[10], 'options']]);
    expect(l.activeEntries).toBe(0);
  });

  it('a sequence gap flushes the entry and the packet goes up alone (it does not start a new one)', () => {
    const l = legacy();
    feed(l, [data(0), data(1), data(3), data(4), data(5)]);
    expect(drain(l).map((s) => [s.ids, s.reason])).toEqual([[[0, 1], 'seq_gap'], [[2], 'seq_gap']]);
    // data(4) took a fresh entry, data(5) merged into it
    l.endOfPass();
    expect(drain(l).map((s) => s.ids)).toEqual([[3, 4]]);
    expect(l.reasons[R_SEQ_GAP]).toBe(2);
  });

  it('pure ACKs with an advancing ACK number are absorbed into one segment', () => {
    const l = legacy();
    feed(l, Array.from({ length: 20 }, (_, k) => pureAck(k)));
    l.endOfPass();
    expect(drain(l)).toEqual([{ ids: Array.from({ length: 20 }, (_, k) => k), reason: 'batch_end', kind: SEG_ACK, bytes: 0, flow: 0 }]);
    expect(l.ackRatio).toBe(20);
  });

  it('a duplicate ACK (no data, same ACK, same window) flushes the entry and goes up alone', () => {
    const l = legacy();
    feed(l, [pureAck(0), pureAck(1), pureAck(1)]);
    expect(drain(l).map((s) => [s.ids, s.reason])).toEqual([[[0, 1], 'dup_ack'], [[2], 'dup_ack']]);
    expect(l.reasons[R_DUP_ACK]).toBe(2);
  });

  it('window updates are absorbed (the largest window kept); an old ACK is absorbed silently', () => {
    const l = legacy();
    feed(l, [
      pureAck(1, { win: 100 }),
      pureAck(1, { win: 300 }), // same ACK, new window: a window update, merged
      pureAck(1, { win: 200 }), // smaller window: merged, WIN_MAX keeps 300
      pureAck(0, { win: 100 }), // older ACK: freed into the aggregate
    ]);
    expect(drain(l)).toEqual([]);
    // the entry holds window 300 now: the same ACK with 300 is a duplicate
    feed(l, [pureAck(1, { win: 300 })], 4);
    expect(drain(l).map((s) => [s.ids, s.reason])).toEqual([[[0, 1, 2, 3], 'dup_ack'], [[4], 'dup_ack']]);
  });

  it('timestamps going backwards: the packet goes up alone, the entry stays', () => {
    const l = legacy();
    feed(l, [data(0, { tsval: 10 }), data(1, { tsval: 12 }), data(2, { tsval: 11 })]);
    expect(drain(l).map((s) => [s.ids, s.reason])).toEqual([[[2], 'ts_backwards']]);
    expect(l.activeEntries).toBe(1);
    // equal TSval is fine; a zero echo is refused the same way
    feed(l, [data(2, { tsval: 12 }), data(3, { tsval: 13, tsecr: 0 })], 3);
    expect(drain(l).map((s) => [s.ids, s.reason])).toEqual([[[4], 'ts_backwards']]);
    l.endOfPass();
    expect(drain(l).map((s) => s.ids)).toEqual([[0, 1, 3]]);
    expect(l.reasons[R_TS_BACKWARDS]).toBe(2);
  });

  it('the length limit: 45 segments of 1448 bytes at most, flushed as soon as a next full one would not fit', () => {
    // p_len = 52 + 1448 = 1500 for the first packet, + 1448 per merge; after a merge the entry
    // goes up once p_len > 65535 − if_mtu (64035): 1500 + 44 × 1448 = 65212
    const l = legacy();
    feed(l, Array.from({ length: 100 }, (_, k) => data(k)));
    const segs = drain(l);
    expect(segs.map((s) => [s.ids.length, s.reason])).toEqual([[45, 'len_limit'], [45, 'len_limit']]);
    l.endOfPass();
    expect(drain(l).map((s) => s.ids.length)).toEqual([10]);
    // the 2021 limit (65280) gives the same 45 here
    const l2 = legacy({ lengthLim: TCP_LRO_LENGTH_MAX_2021 });
    feed(l2, Array.from({ length: 50 }, (_, k) => data(k)));
    expect(drain(l2).map((s) => s.ids.length)).toEqual([45]);
  });

  it('the length limit before appending: a packet that would overflow flushes the entry and starts a new one', () => {
    // with a tiny if_mtu the proactive flush never fires; the 46th packet finds p_len + 1448 > 65535
    const l = legacy({ mtu: 68 });
    feed(l, Array.from({ length: 46 }, (_, k) => data(k)));
    const segs = drain(l);
    expect(segs.map((s) => [s.ids.length, s.reason])).toEqual([[45, 'len_limit']]);
    expect(l.activeEntries).toBe(1); // packet 45 started a new entry
    l.endOfPass();
    expect(drain(l).map((s) => s.ids)).toEqual([[45]]);
  });

  it('lro_ackcnt_lim: an entry of pure ACKs goes up after that many appended', () => {
    const l = legacy({ ackcntLim: 4 });
    feed(l, Array.from({ length: 12 }, (_, k) => pureAck(k)));
    expect(drain(l).map((s) => [s.ids.length, s.reason])).toEqual([[5, 'ack_limit'], [5, 'ack_limit']]);
    expect(l.reasons[R_ACK_LIMIT]).toBe(2);
  });

  it('a full table: a 9th connection goes up alone (TCP_LRO_NO_ENTRIES) and nothing is evicted', () => {
    const l = legacy();
    feed(l, Array.from({ length: 9 }, (_, f) => data(0, { flow: f })));
    expect(drain(l)).toEqual([{ ids: [8], reason: 'no_entries', kind: SEG_DATA, bytes: MSS, flow: 8 }]);
    expect(l.activeEntries).toBe(8);
    feed(l, Array.from({ length: 9 }, (_, f) => data(1, { flow: f })), 9);
    expect(drain(l).map((s) => s.ids)).toEqual([[17]]);
    l.endOfPass();
    const segs = drain(l);
    expect(segs.length).toBe(8);
    expect(segs.every((s) => s.ids.length === 2)).toBe(true);
    expect(l.noEntries).toBe(2);
  });

  it('non-TCP packets are offered, cost the parse, and go up (not_tcp); the TCP hash hint keeps them out', () => {
    const l = legacy();
    feed(l, [{ proto: IPPROTO_UDP, len: 1472 }, { proto: IPPROTO_SCTP, len: 1452 }, data(0)]);
    expect(drain(l).map((s) => [s.ids, s.reason, s.kind])).toEqual([[[0], 'not_tcp', SEG_OTHER], [[1], 'not_tcp', SEG_OTHER]]);
    expect(l.work[W_OFFERED]).toBe(3);
    expect(l.work[W_LOOKUPS]).toBe(1); // tcp_lro_rx_ipv4 refuses them before the table
    expect(l.notTcp).toBe(2);
    const h = legacy({ tcpHint: true });
    feed(h, [{ proto: IPPROTO_UDP }, { proto: IPPROTO_SCTP }, data(0)]);
    expect(drain(h).map((s) => [s.ids, s.reason])).toEqual([[[0], 'hint_bypass'], [[1], 'hint_bypass']]);
    expect(h.work[W_OFFERED]).toBe(1);
    expect(h.notTcp).toBe(0);
    // sorted: without the hint they take array slots and are sorted too
    const s = new Lro({ mode: 'sorted', batch: 1024 });
    feed(s, [{ proto: IPPROTO_UDP }, data(0)]);
    expect(s.queuedPackets).toBe(2);
    const sh = new Lro({ mode: 'sorted', batch: 1024, tcpHint: true });
    feed(sh, [{ proto: IPPROTO_UDP }, data(0)]);
    expect(sh.queuedPackets).toBe(1);
    expect(drain(sh).map((x) => x.reason)).toEqual(['hint_bypass']);
  });

  it('off: every packet goes up alone; the only work is the if_input of each', () => {
    const o = new Lro({ mode: 'off' });
    feed(o, [data(0), data(1), pureAck(0)]);
    expect(drain(o).map((s) => [s.ids, s.reason])).toEqual([[[0], 'off'], [[1], 'off'], [[2], 'off']]);
    o.endOfPass();
    o.flushAll();
    expect(Array.from(o.work).filter((w) => w !== 0)).toEqual([3]);
    expect(o.work[W_PASSUPS]).toBe(3);
    expect(o.reasons[R_OFF]).toBe(3);
  });
});

describe('table lookups, batches, work counts', () => {
  it('sizes the flowid hash as phashinit does, and counts the entries each lookup compares', () => {
    expect(phashinitSize(8)).toBe(1);
    expect(phashinitSize(1024)).toBe(1021);
    expect(phashinitSize(12)).toBe(1);
    expect(phashinitSize(13)).toBe(13);
    // iflib: tcp_lro_init_args(lc, ifp, TCP_LRO_ENTRIES, min(1024, nrxd)) → 1021 buckets
    expect(legacy().hashsz).toBe(1021);
    // tcp_lro_init (no mbufs): one bucket, every lookup walks the active list (newest first)
    const one = legacy({ mbufs: 1 });
    expect(one.hashsz).toBe(1);
    feed(one, Array.from({ length: 8 }, (_, f) => data(0, { flow: f })));
    // lookups compared 0, 1, ..., 7 entries before taking a free one
    expect(one.work[W_SCANNED]).toBe(28);
    feed(one, [data(1, { flow: 0 })], 8); // the oldest entry is last in the list
    expect(one.work[W_SCANNED]).toBe(36);
  });

  it('batch: flush_all waits until `batch` packets came in; flushAll() when the ring goes idle', () => {
    const l = legacy({ batch: 20 });
    const b = new SegmentBuffer(1);
    let id = 0;
    const pass = (n: number) => {
      for (let k = 0; k < n; k++) {
        put(b, 0, data(id));
        l.input(b, 0, id++);
      }
      l.endOfPass();
    };
    pass(8);
    pass(8);
    expect(drain(l)).toEqual([]);
    expect(l.accumulated).toBe(16);
    pass(8); // 24 ≥ 20
    expect(drain(l).map((s) => [s.ids.length, s.reason])).toEqual([[24, 'batch_end']]);
    expect(l.accumulated).toBe(0);
    pass(5);
    l.flushAll(); // the ring went idle
    expect(drain(l).map((s) => [s.ids.length, s.reason])).toEqual([[5, 'idle']]);
  });

  it('sorted: the array flushes when full (queue_full) and at flush_all', () => {
    const s = new Lro({ mode: 'sorted', mbufs: 4, batch: 100 });
    feed(s, [data(0), data(1), data(2)]);
    expect(drain(s)).toEqual([]);
    feed(s, [data(3)], 3);
    expect(drain(s)).toEqual([{ ids: [0, 1, 2, 3], reason: 'queue_full', kind: SEG_DATA, bytes: 4 * MSS, flow: 0 }]);
    expect(s.accumulated).toBe(0);
  });

  it('workSince gives the work of one pass', () => {
    const l = legacy();
    const mark = new Float64Array(LRO_WORK_LEN), d = new Float64Array(LRO_WORK_LEN);
    feed(l, [data(0), data(1)]);
    l.endOfPass();
    l.workSince(mark, d);
    expect([d[W_OFFERED], d[W_MERGES], d[W_FLUSHES], d[W_PASSUPS]]).toEqual([2, 1, 1, 0]);
    feed(l, [data(0, { flow: 1 })], 2);
    l.endOfPass();
    l.workSince(mark, d);
    expect([d[W_OFFERED], d[W_MERGES], d[W_FLUSHES], d[W_ALLOCS]]).toEqual([1, 0, 1, 1]);
  });

  it('rejects bad options', () => {
    expect(() => new Lro({ mode: 'legacy', entries: 0 })).toThrow(RangeError);
    expect(() => new Lro({ mode: 'sorted', mbufs: 1 << 25 })).toThrow(RangeError);
    expect(() => new Lro({ mode: 'bogus' as 'off' })).toThrow(RangeError);
  });
});

// ---------- invariants ----------

describe('no packet lost or duplicated, and determinism', () => {
  const rough: TcpFlowsOptions = {
    mix: { tcp: 0.8, udp: 0.15, sctp: 0.05 }, ackShare: 0.3, lossProb: 0.01, reorderProb: 0.01, dupAckProb: 0.02,
    pshProb: 0.05, winChangeProb: 0.01, tsTickProb: 0.05,
  };
  const configs: LroOptions[] = [
    { mode: 'off' },
    { mode: 'legacy' },
    { mode: 'legacy', batch: 256, tcpHint: true },
    { mode: 'sorted' },
    { mode: 'sorted', batch: 1024 },
    { mode: 'sorted', batch: 300, mbufs: 128, tcpHint: true },
  ];

  for (const cfg of configs) {
    it(`every packet goes up exactly once: ${JSON.stringify(cfg)}`, () => {
      const n = 30_000;
      const lro = new Lro(cfg);
      const seen = drive(lro, 200, n, { flows: rough, seed: 5 });
      expect(seen.every((c) => c === 1)).toBe(true);
      expect(lro.heldPackets).toBe(0);
      expect(lro.packetsIn).toBe(n);
      expect(lro.dataPackets + lro.ackPackets + lro.otherSegments).toBe(n);
      let byReason = 0;
      for (const r of lro.reasons) byReason += r;
      expect(byReason).toBe(lro.segmentsOut);
      expect(lro.work[W_FLUSHES]! + lro.work[W_PASSUPS]!).toBe(lro.segmentsOut);
    });
  }

  it('the same seed gives identical counters and segments', () => {
    const run = (seed: number) => {
      const lro = new Lro({ mode: 'sorted', batch: 512 });
      drive(lro, 300, 20_000, { flows: rough, seed });
      return { reasons: Array.from(lro.reasons), work: Array.from(lro.work), ratio: lro.dataRatio, ack: lro.ackRatio, segs: lro.segmentsOut };
    };
    const a = run(3), b = run(3), c = run(4);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // the stop rules did fire on this traffic (loss, reordering, SACKed duplicate ACKs, UDP/SCTP);
    // UDP's hash type sorts last, so the final tcp_lro_rx_done of each flush finds nothing to flush
    for (const r of [R_SEQ_GAP, R_OPTIONS, R_STREAM_CHANGE, R_NOT_TCP]) expect(a.reasons[r]).toBeGreaterThan(0);
    expect(a.reasons[R_NO_ENTRIES]).toBe(0);
    expect(a.reasons[R_HINT_BYPASS]).toBe(0);
  });
});
