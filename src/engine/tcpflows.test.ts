import { describe, expect, it } from 'vitest';
import { Prng } from './prng';
import {
  FLOW_ACK, FLOW_DATA, FLOW_SCTP, FLOW_UDP, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP, M_HASHTYPE_RSS_IPV4,
  M_HASHTYPE_RSS_TCP_IPV4, M_HASHTYPE_RSS_UDP_IPV4, OPT_OTHER, OPT_TS, SegmentBuffer, TH_ACK, TH_PUSH, TcpFlows,
  type TcpFlowsOptions,
} from './tcpflows';

const u32 = (x: number) => x >>> 0;
/** Serial-number difference b − a as a signed 32-bit value (RFC 1982). */
const sdiff = (a: number, b: number) => (b - a) | 0;

/** n packets of one flow, in a fresh buffer. */
function packetsOf(flows: TcpFlows, flow: number, n: number): SegmentBuffer {
  const b = new SegmentBuffer(n);
  for (let i = 0; i < n; i++) flows.next(b, i, flow);
  return b;
}

describe('TcpFlows: data streams', () => {
  it('a 1514-byte frame carries 1448 bytes with timestamps, 1460 without', () => {
    expect(new TcpFlows(1, {}, new Prng(1)).mss).toBe(1448);
    expect(new TcpFlows(1, { timestamps: false }, new Prng(1)).mss).toBe(1460);
    expect(new TcpFlows(1, { frameBytes: 9014 }, new Prng(1)).mss).toBe(8948);
  });

  it('sequence advances by the payload; ACK, window constant; timestamps monotonic and echo never 0', () => {
    const flows = new TcpFlows(4, { tsTickProb: 0.3 }, new Prng(7));
    const b = packetsOf(flows, 2, 200);
    for (let i = 0; i < 200; i++) {
      expect(b.flow(i)).toBe(2);
      expect(b.proto(i)).toBe(IPPROTO_TCP);
      expect(b.hashType(i)).toBe(M_HASHTYPE_RSS_TCP_IPV4);
      expect(b.len(i)).toBe(1448);
      expect(b.flags(i)).toBe(TH_ACK);
      expect(b.opts(i)).toBe(OPT_TS);
      expect(b.tsecr(i)).not.toBe(0);
      if (i === 0) continue;
      expect(sdiff(b.seq(i - 1), b.seq(i))).toBe(1448);
      expect(b.ack(i)).toBe(b.ack(0));
      expect(b.win(i)).toBe(b.win(0));
      expect(sdiff(b.tsval(i - 1), b.tsval(i))).toBeGreaterThanOrEqual(0);
      expect(sdiff(b.tsecr(i - 1), b.tsecr(i))).toBeGreaterThanOrEqual(0);
    }
    // with a 30% tick chance the clock did move
    expect(sdiff(b.tsval(0), b.tsval(199))).toBeGreaterThan(30);
    expect(flows.packets).toBe(200);
  });

  it('without timestamps: no option, TSval and TSecr 0', () => {
    const b = packetsOf(new TcpFlows(1, { timestamps: false }, new Prng(3)), 0, 10);
    for (let i = 0; i < 10; i++) {
      expect(b.opts(i)).toBe(0);
      expect(b.tsval(i)).toBe(0);
      expect(b.tsecr(i)).toBe(0);
      expect(b.len(i)).toBe(1460);
    }
  });

  it('a lost segment leaves a gap of one MSS in the sequence', () => {
    const flows = new TcpFlows(1, { lossProb: 0.1 }, new Prng(11));
    const n = 2000;
    const b = packetsOf(flows, 0, n);
    let gaps = 0;
    for (let i = 1; i < n; i++) {
      const d = sdiff(b.seq(i - 1), b.seq(i));
      expect(d === 1448 || d === 2 * 1448).toBe(true);
      if (d !== 1448) gaps++;
    }
    // a loss drawn before the very first packet leaves no visible gap
    expect(flows.lost - gaps === 0 || flows.lost - gaps === 1).toBe(true);
    expect(flows.lost / n).toBeGreaterThan(0.07);
    expect(flows.lost / n).toBeLessThan(0.13);
  });

  it('a reordered segment arrives right after its successor', () => {
    const flows = new TcpFlows(1, { reorderProb: 0.05 }, new Prng(5));
    const n = 3000;
    const b = packetsOf(flows, 0, n);
    let swaps = 0;
    for (let i = 1; i < n; i++) {
      const d = sdiff(b.seq(i - 1), b.seq(i));
      // back by one MSS after a swap; forward by 2 after it (or 3 when the next pair swaps too)
      expect([-1448, 1448, 2 * 1448, 3 * 1448]).toContain(d);
      if (d === -1448) swaps++;
    }
    // every sequence number is sent exactly once: offsets from the lowest are 0, 1448, 2896, ...
    // with at most one hole, the segment still held back at the end
    const rel = Array.from({ length: b.capacity }, (_, i) => sdiff(b.seq(0), b.seq(i)));
    const low = Math.min(...rel);
    const offs = rel.map((x) => (x - low) / 1448);
    const top = Math.max(...offs);
    expect(top === n - 1 || top === n).toBe(true);
    expect(new Set(offs).size).toBe(n);
    // the last one overtaken may still be waiting in the generator
    expect(swaps).toBe(flows.reordered - heldBack(flows));
    expect(swaps).toBeGreaterThan(100);
  });

  it('PSH shows up on about pshProb of the segments; nothing else but ACK', () => {
    const b = packetsOf(new TcpFlows(1, { pshProb: 0.25 }, new Prng(9)), 0, 4000);
    let psh = 0;
    for (let i = 0; i < 4000; i++) {
      expect(b.flags(i) & ~(TH_ACK | TH_PUSH)).toBe(0);
      if (b.flags(i) & TH_PUSH) psh++;
    }
    expect(psh / 4000).toBeGreaterThan(0.22);
    expect(psh / 4000).toBeLessThan(0.28);
  });
});

/** 1 if flow 0 has an overtaken segment not yet sent. */
function heldBack(flows: TcpFlows): number {
  return flows.holding(0) ? 1 : 0;
}

describe('TcpFlows: ACK-only streams (the reverse direction of bulk senders)', () => {
  it('pure ACKs: no payload, constant sequence, ACK advancing by ackEvery segments', () => {
    const flows = new TcpFlows(2, { ackShare: 1, ackEvery: 2 }, new Prng(2));
    expect(flows.kind[0]).toBe(FLOW_ACK);
    const b = packetsOf(flows, 1, 100);
    for (let i = 0; i < 100; i++) {
      expect(b.len(i)).toBe(0);
      expect(b.flags(i)).toBe(TH_ACK);
      expect(b.opts(i)).toBe(OPT_TS);
      if (i === 0) continue;
      expect(b.seq(i)).toBe(b.seq(0));
      expect(sdiff(b.ack(i - 1), b.ack(i))).toBe(2 * 1448);
    }
  });

  it('duplicate ACKs repeat ACK and window, with SACK blocks unless sack is off', () => {
    for (const sack of [true, false]) {
      const flows = new TcpFlows(1, { ackShare: 1, dupAckProb: 0.2, sack }, new Prng(4));
      const b = packetsOf(flows, 0, 2000);
      let dups = 0;
      for (let i = 1; i < 2000; i++) {
        if (b.ack(i) !== b.ack(i - 1)) continue;
        dups++;
        expect(b.win(i)).toBe(b.win(i - 1));
        expect(b.opts(i)).toBe(sack ? OPT_TS | OPT_OTHER : OPT_TS);
      }
      expect(dups).toBe(flows.dupAcks);
      expect(dups / 2000).toBeGreaterThan(0.17);
    }
  });

  it('reordered ACKs: an older ACK number arrives after a newer one', () => {
    const flows = new TcpFlows(1, { ackShare: 1, reorderProb: 0.1 }, new Prng(8));
    const b = packetsOf(flows, 0, 1000);
    let older = 0;
    for (let i = 1; i < 1000; i++) if (sdiff(b.ack(i - 1), b.ack(i)) < 0) older++;
    expect(older).toBeGreaterThan(50);
  });
});

describe('TcpFlows: protocol mix, flowids, determinism', () => {
  it('protocols by flow position; UDP/SCTP carry no TCP fields and their own hash types', () => {
    const F = 100;
    const flows = new TcpFlows(F, { mix: { tcp: 0.5, udp: 0.3, sctp: 0.2 }, ackShare: 0.2 }, new Prng(1));
    const count = [0, 0, 0, 0];
    for (let f = 0; f < F; f++) count[flows.kind[f]!]! += 1;
    expect(count).toEqual([40, 10, 30, 20]); // data, ack-only, udp, sctp
    const b = new SegmentBuffer(F);
    for (let f = 0; f < F; f++) flows.next(b, f, f);
    for (let f = 0; f < F; f++) {
      const k = flows.kind[f]!;
      if (k === FLOW_UDP || k === FLOW_SCTP) {
        expect(b.proto(f)).toBe(k === FLOW_UDP ? IPPROTO_UDP : IPPROTO_SCTP);
        expect(b.hashType(f)).toBe(k === FLOW_UDP ? M_HASHTYPE_RSS_UDP_IPV4 : M_HASHTYPE_RSS_IPV4);
        expect([b.seq(f), b.ack(f), b.flags(f), b.opts(f), b.tsval(f)]).toEqual([0, 0, 0, 0, 0]);
        expect(b.len(f)).toBe(k === FLOW_UDP ? 1514 - 42 : 1514 - 62);
      } else {
        expect(b.proto(f)).toBe(IPPROTO_TCP);
        expect(b.len(f)).toBe(k === FLOW_DATA ? 1448 : 0);
      }
    }
  });

  it('uses the caller\'s RSS hashes as flowid', () => {
    const fid = Uint32Array.of(0xdeadbeef, 7);
    const flows = new TcpFlows(2, { flowid: fid }, new Prng(1));
    const b = new SegmentBuffer(2);
    flows.next(b, 0, 0);
    flows.next(b, 1, 1);
    expect(u32(b.flowid(0))).toBe(0xdeadbeef);
    expect(b.flowid(1)).toBe(7);
  });

  it('the same seed and flow sequence give the same segments', () => {
    const gen = (seed: number) => {
      const rng = new Prng(seed);
      const flows = new TcpFlows(50, { ackShare: 0.3, lossProb: 0.01, reorderProb: 0.01, dupAckProb: 0.05, pshProb: 0.1, winChangeProb: 0.01 }, rng);
      const b = new SegmentBuffer(5000);
      for (let i = 0; i < 5000; i++) flows.next(b, i, rng.below(50));
      return b;
    };
    const a = gen(42), c = gen(42), d = gen(43);
    expect(Array.from(a.rec)).toEqual(Array.from(c.rec));
    const seqs = (b: SegmentBuffer) => Array.from({ length: b.capacity }, (_, i) => b.seq(i));
    expect(seqs(a)).not.toEqual(seqs(d));
  });

  it('a packet lost before the host (next with no buffer) moves its flow on like a written one', () => {
    const opts: TcpFlowsOptions = { ackShare: 0.5, lossProb: 0.05, reorderProb: 0.05, dupAckProb: 0.1, winChangeProb: 0.05 };
    const a = new TcpFlows(4, opts, new Prng(6)), c = new TcpFlows(4, opts, new Prng(6));
    const ba = new SegmentBuffer(400), bc = new SegmentBuffer(400);
    for (let i = 0; i < 400; i++) {
      const f = i % 4;
      a.next(ba, i, f);
      // c loses every third packet: nothing written, the same state afterwards
      if (i % 3 === 0) c.next(null, i, f);
      else c.next(bc, i, f);
      if (i % 3 !== 0) expect(bc.get(i)).toEqual(ba.get(i));
    }
    expect(Array.from(bc.rec.subarray(0, 8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect([c.packets, c.lost, c.reordered, c.dupAcks]).toEqual([a.packets, a.lost, a.reordered, a.dupAcks]);
  });

  it('rejects bad arguments', () => {
    expect(() => new TcpFlows(0, {}, new Prng(1))).toThrow(RangeError);
    expect(() => new TcpFlows(1, { lossProb: 2 }, new Prng(1))).toThrow(RangeError);
    expect(() => new TcpFlows(1, { frameBytes: 60 }, new Prng(1))).toThrow(RangeError);
    const flows = new TcpFlows(2, {}, new Prng(1));
    expect(() => flows.next(new SegmentBuffer(1), 0, 2)).toThrow(RangeError);
  });
});
