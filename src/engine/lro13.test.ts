/**
 * FreeBSD 12 (classic tcp_lro_rx2, lroclassic.ts) against 13+ (tcp_lro_rx_common +
 * tcp_lro_condense, lro13.ts): one test per place where the code differs, each naming the
 * function and the branch.
 */
import { describe, expect, it } from 'vitest';
import { LRO_REASONS, Lro, W_MERGES, lroCodeOf, type LroCode, type LroOptions } from './lro';
import { IPPROTO_TCP, IPPROTO_UDP, OPT_OTHER, OPT_TS, SegmentBuffer, TH_ACK, TH_CWR, TH_SYN, fmix32, rssHashType } from './tcpflows';

interface P { flow?: number; seq?: number; ack?: number; len?: number; flags?: number; win?: number; tsval?: number; tsecr?: number; opts?: number; proto?: number }

const MSS = 1448;
const data = (k: number, extra: P = {}): P => ({ seq: 1_000_000 + k * MSS, ...extra });

/** Feed packets one by one (tcp_lro_rx, legacy mode), flush_all at the end; the segments as [ids…] and reasons. */
function run(code: LroCode, pkts: P[], o: Partial<LroOptions> = {}): { segs: number[][]; reasons: string[]; lro: Lro } {
  const lro = new Lro({ mode: 'legacy', code, batch: 1 << 20, ...o });
  const b = new SegmentBuffer(1);
  const segs: number[][] = [], reasons: string[] = [];
  const take = () => {
    const out = lro.out;
    for (let s = 0; s < out.nseg; s++) {
      segs.push(Array.from(out.pkt.subarray(out.start[s]!, out.start[s]! + out.count[s]!)));
      reasons.push(LRO_REASONS[out.reason[s]!]!);
    }
    out.clear();
  };
  pkts.forEach((p, id) => {
    const flow = p.flow ?? 0, proto = p.proto ?? IPPROTO_TCP;
    b.set(0, {
      flow, proto, hashType: rssHashType(proto), flowid: fmix32(flow + 1), seq: p.seq ?? 0, ack: p.ack ?? 5000, len: p.len ?? MSS,
      flags: p.flags ?? TH_ACK, win: p.win ?? 1000, tsval: p.tsval ?? 100, tsecr: p.tsecr ?? 50, opts: p.opts ?? OPT_TS,
    });
    lro.input(b, 0, id);
    take();
  });
  lro.flushAll();
  take();
  expect(lro.heldPackets).toBe(0);
  expect(segs.flat().sort((a, c) => a - c)).toEqual(pkts.map((_, k) => k)); // every packet went up once
  return { segs, reasons, lro };
}

const seq = (from: number, to: number, extra: (k: number) => P = () => ({})) => Array.from({ length: to - from }, (_, i) => data(from + i, extra(from + i)));

describe('FreeBSD 12 vs 13+ tcp_lro.c', () => {
  it('host.freebsd 12 (or lro.code=classic) keeps the classic code; 13 and later run the rewrite', () => {
    expect(lroCodeOf(12, 'by_version')).toBe('classic');
    expect(lroCodeOf(13, 'by_version')).toBe('freebsd13');
    expect(lroCodeOf(15, 'by_version')).toBe('freebsd13');
    expect(lroCodeOf(14, 'classic')).toBe('classic');
  });

  it('a sequence hole: tcp_lro_rx2 (th_seq ≠ next_seq) flushes and passes the packet up alone; tcp_lro_condense push_and_replace makes it the next head', () => {
    const pkts = [...seq(0, 5), ...seq(6, 10)]; // segment 5 lost
    const c12 = run('classic', pkts), c13 = run('freebsd13', pkts);
    expect(c12.segs).toEqual([[0, 1, 2, 3, 4], [5], [6, 7, 8]]);
    expect(c12.reasons).toEqual(['seq_gap', 'seq_gap', 'idle']);
    expect(c13.segs).toEqual([[0, 1, 2, 3, 4], [5, 6, 7, 8]]);
    expect(c13.reasons).toEqual(['seq_gap', 'idle']);
  });

  it('CWR on a data segment: tcp_lro_rx2 force-flushes and sends it alone; tcp_lro_condense (th_flags & ~(ACK|PSH)) heads the next aggregate with it', () => {
    const pkts = seq(0, 8, (k) => (k === 3 ? { flags: TH_ACK | TH_CWR } : {}));
    expect(run('classic', pkts).segs).toEqual([[0, 1, 2], [3], [4, 5, 6, 7]]);
    expect(run('freebsd13', pkts).segs).toEqual([[0, 1, 2], [3, 4, 5, 6, 7]]);
  });

  it('a SACK option: tcp_lro_rx2 (options other than the timestamp) sends it alone; tcp_lro_condense push_and_replace keeps merging behind it', () => {
    const pkts = seq(0, 6, (k) => (k === 2 ? { opts: OPT_OTHER } : {}));
    const c12 = run('classic', pkts), c13 = run('freebsd13', pkts);
    expect(c12.segs).toEqual([[0, 1], [2], [3, 4, 5]]);
    expect(c12.reasons.slice(0, 2)).toEqual(['options', 'options']);
    expect(c13.segs).toEqual([[0, 1], [2, 3, 4, 5]]);
  });

  it('no free entry: tcp_lro_rx2 returns TCP_LRO_NO_ENTRIES and keeps every entry; 13+ tcp_lro_rx runs tcp_lro_flush_active, which flushes only the newest', () => {
    // flows 0 and 1 take the two entries; a packet of flow 2 finds none; flows 0 and 1 go on
    const pkts: P[] = [data(0, { flow: 0 }), data(0, { flow: 1 }), data(0, { flow: 2 }), data(1, { flow: 0 }), data(1, { flow: 1 })];
    const c12 = run('classic', pkts, { entries: 2 }), c13 = run('freebsd13', pkts, { entries: 2 });
    // 12: flow 2 alone; flows 0 and 1 each one aggregate of 2 at the end
    expect(c12.segs.map((s) => s.length).sort()).toEqual([1, 2, 2]);
    expect(c12.segs[0]).toEqual([2]);
    expect(c12.reasons[0]).toBe('no_entries');
    // 13+: the newest entry (flow 1) is flushed before flow 2's packet goes up; flow 1 restarts
    expect(c13.segs.slice(0, 2)).toEqual([[1], [2]]);
    expect(c13.reasons.slice(0, 2)).toEqual(['no_entries', 'no_entries']);
    expect(c13.segs.slice(2).map((s) => s.length).sort()).toEqual([1, 2]); // flow 1's second packet alone, flow 0 whole
  });

  it('a non-TCP packet offered in legacy mode: tcp_lro_rx2 returns not supported and touches nothing; 13+ flushes the newest entry first', () => {
    const pkts: P[] = [...seq(0, 3), { flow: 9, proto: IPPROTO_UDP, opts: 0 }, ...seq(3, 6)];
    expect(run('classic', pkts).segs).toEqual([[3], [0, 1, 2, 4, 5, 6]]);
    expect(run('freebsd13', pkts).segs).toEqual([[0, 1, 2], [3], [4, 5, 6]]);
  });

  it('TSval wraps: tcp_lro_rx2 compares unsigned and sends the packet up alone (timestamps going back); tcp_lro_condense uses TSTMP_GT and merges', () => {
    const pkts = seq(0, 4, (k) => ({ tsval: k < 2 ? 0xfffffff0 | 0 : 0x10 }));
    const c12 = run('classic', pkts);
    // the refused packet does not move next_seq, so the one after it is a sequence gap
    expect(c12.segs).toEqual([[2], [0, 1], [3]]);
    expect(c12.reasons).toEqual(['ts_backwards', 'seq_gap', 'seq_gap']);
    expect(run('freebsd13', pkts).segs).toEqual([[0, 1, 2, 3]]);
  });

  it('an echoed timestamp of 0: tcp_lro_rx2 refuses it; tcp_lro_condense does not look', () => {
    const pkts = seq(0, 3, (k) => (k === 1 ? { tsecr: 0 } : {}));
    expect(run('classic', pkts).segs).toEqual([[1], [0], [2]]);
    expect(run('freebsd13', pkts).segs).toEqual([[0, 1, 2]]);
  });

  it('the mbuf queue: tcp_lro_rx2 merges as packets come; 13+ tcp_lro_rx_common only queues them and tcp_lro_condense merges at the flush', () => {
    const mk = (code: LroCode) => {
      const lro = new Lro({ mode: 'legacy', code, batch: 1 << 20 });
      const b = new SegmentBuffer(1);
      for (let k = 0; k < 10; k++) {
        b.set(0, { flow: 0, proto: IPPROTO_TCP, hashType: rssHashType(IPPROTO_TCP), flowid: 1, seq: k * MSS, ack: 1, len: MSS, flags: TH_ACK, win: 9, tsval: 5, tsecr: 5, opts: OPT_TS });
        lro.input(b, 0, k);
      }
      return lro;
    };
    const a = mk('classic'), b = mk('freebsd13');
    expect(a.work[W_MERGES]).toBe(9);
    expect(b.work[W_MERGES]).toBe(0);
    expect(a.heldPackets).toBe(10);
    expect(b.heldPackets).toBe(10);
    a.flushAll();
    b.flushAll();
    expect(b.work[W_MERGES]).toBe(9);
    expect(a.out.nseg).toBe(1);
    expect(b.out.nseg).toBe(1);
  });

  it('the length limit: tcp_lro_rx2 counts IP payload to 65535 and flushes when one more full frame would not fit; tcp_lro_condense counts TCP payload to 65535 − 255', () => {
    const pkts = Array.from({ length: 140 }, (_, k) => ({ seq: k * 1000, len: 1000 }));
    const c12 = run('classic', pkts), c13 = run('freebsd13', pkts);
    // 12: 52 + 64 × 1000 > 65535 − 1500 → 64 per aggregate; 13+: 66 × 1000 ≥ 65280 → 65
    expect(c12.segs[0]!.length).toBe(64);
    expect(c13.segs[0]!.length).toBe(65);
    expect(c12.reasons[0]).toBe('len_limit');
    expect(c13.reasons[0]).toBe('len_limit');
  });

  it('SYN: both refuse it; 13+ flushes the newest entry before it (order kept)', () => {
    const pkts: P[] = [...seq(0, 2), { flow: 5, flags: TH_SYN, len: 0 }, ...seq(2, 4)];
    expect(run('classic', pkts).segs).toEqual([[2], [0, 1, 3, 4]]);
    expect(run('freebsd13', pkts).segs).toEqual([[0, 1], [2], [3, 4]]);
  });

  it('the sorted walk runs the same engine: on 13+ a hole inside a stream costs one segment, not two', () => {
    const mk = (code: LroCode) => {
      const lro = new Lro({ mode: 'sorted', code, batch: 1 << 20, mbufs: 64 });
      const b = new SegmentBuffer(1);
      let id = 0;
      for (const k of [0, 1, 2, 4, 5, 6]) for (const flow of [0, 1]) {
        b.set(0, { flow, proto: IPPROTO_TCP, hashType: rssHashType(IPPROTO_TCP), flowid: fmix32(flow + 1), seq: k * MSS, ack: 1, len: MSS, flags: TH_ACK, win: 9, tsval: 5, tsecr: 5, opts: OPT_TS });
        lro.input(b, 0, id++);
      }
      lro.flushAll();
      return lro.out.nseg;
    };
    expect(mk('classic')).toBe(6); // per flow: [0 1 2], [4] alone, [5 6]
    expect(mk('freebsd13')).toBe(4); // per flow: [0 1 2], [4 5 6]
  });
});

describe('13+ engine on generated traffic', () => {
  it('hands every packet up exactly once, in both modes, with loss, reordering, SACKed duplicate ACKs and UDP mixed in', async () => {
    const { TcpFlows } = await import('./tcpflows');
    const { Prng } = await import('./prng');
    for (const mode of ['legacy', 'sorted'] as const) {
      const rng = new Prng(3);
      const tcp = new TcpFlows(40, { lossProb: 0.02, reorderProb: 0.02, dupAckProb: 0.1, ackShare: 0.3, mix: { tcp: 0.9, udp: 0.1, sctp: 0 }, winChangeProb: 0.01 }, rng);
      const lro = new Lro({ mode, code: 'freebsd13', batch: 300, mbufs: 256 });
      const seg = new SegmentBuffer(1);
      const seen = new Uint8Array(20000);
      const take = () => {
        const o = lro.out;
        for (let k = 0; k < o.npkt; k++) seen[o.pkt[k]!]! += 1;
        o.clear();
      };
      for (let id = 0; id < 20000; id++) {
        tcp.next(seg, 0, rng.below(40));
        lro.input(seg, 0, id);
        if (id % 16 === 15) lro.endOfPass();
        take();
      }
      lro.flushAll();
      take();
      expect(lro.heldPackets).toBe(0);
      expect(seen.every((x) => x === 1)).toBe(true);
      expect(lro.packetsIn).toBe(20000);
    }
  });
});
