import { describe, expect, it } from 'vitest';
import { tsoSegments } from './makesource';
import { Prng } from './prng';
import { C_TIME } from './rxsource';
import { FLOW_DATA, FLOW_UDP } from './tcpflows';
import { INIT_CWND, TcpSenders, type TcpSendersOptions } from './tcpsenders';
import { frameTimeNs } from './wire';

const FRAME_40G = frameTimeNs(40, 1518);
const FRAME_10G = frameTimeNs(10, 1518);

function senders(o: Partial<TcpSendersOptions> = {}, seed = 1): TcpSenders {
  const nflows = o.nflows ?? 8;
  return new TcpSenders({
    nflows, kind: o.kind ?? new Uint8Array(nflows).fill(FLOW_DATA), senders: 0, senderFrameNs: FRAME_10G,
    rate: 1 / FRAME_40G / 2, tsoSegs: 45, pacing: false, closedLoop: false, rttNs: 100e3, rwndSegs: 1448, ...o,
  }, new Prng(seed));
}

/** The first `n` packets: flows and times. */
function stream(s: TcpSenders, n: number, end = Infinity): { flow: number[]; time: number[] } {
  const flow: number[] = [], time: number[] = [];
  for (let k = 0; k < n; k++) {
    const f = s.next(end);
    if (f < 0) break;
    flow.push(f);
    time.push(s.cell[C_TIME]!);
  }
  return { flow, time };
}

/** Lengths of the runs of consecutive packets of one flow. */
function runs(flow: number[]): number[] {
  const out: number[] = [];
  let n = 1;
  for (let k = 1; k <= flow.length; k++) {
    if (k < flow.length && flow[k] === flow[k - 1]) n++;
    else { out.push(n); n = 1; }
  }
  return out;
}

describe('TSO trains', () => {
  it('64 KB of 1518-byte frames is 45 segments; smaller sends are fewer', () => {
    expect(tsoSegments(64, 1518)).toBe(45); // (65517 − 52) / 1448
    expect(tsoSegments(16, 1518)).toBe(11);
    expect(tsoSegments(1, 1518)).toBe(1);
    expect(tsoSegments(64, 9018)).toBe(7);
  });

  it('one host sends its flows one whole burst at a time, in turn, at its link rate', () => {
    const s = senders({ senders: 1, nflows: 3 });
    const { flow, time } = stream(s, 45 * 9);
    const r = runs(flow);
    expect(r.slice(0, -1).every((x) => x === 45)).toBe(true); // the last run may be cut by n
    // round robin: 0, 1, 2, 0, 1, 2, … by burst
    const order = [flow[0]!, flow[45]!, flow[90]!, flow[135]!];
    expect(new Set(order.slice(0, 3)).size).toBe(3);
    expect(order[3]).toBe(order[0]);
    // inside a burst, one frame per sender-link frame time
    for (let k = 1; k < 45; k++) expect(time[k]! - time[k - 1]!).toBeCloseTo(FRAME_10G, 6);
  });

  it('hosts that are never idle interleave their frames at the switch one by one', () => {
    // 4 hosts at 10G, offered 4 × 10G: no idle time, so frames of 4 bursts alternate
    const s = senders({ senders: 4, nflows: 4, rate: 4 / FRAME_10G });
    const { flow } = stream(s, 4000);
    const r = runs(flow);
    expect(r.reduce((a, b) => a + b, 0) / r.length).toBeLessThan(1.2);
    const seen = new Set(flow.slice(100, 108));
    expect(seen.size).toBe(4);
  });

  it('offers the requested rate on average, and times never go backwards', () => {
    const rate = 1 / FRAME_40G / 2;
    const s = senders({ nflows: 200, rate });
    const { time } = stream(s, 200000);
    for (let k = 1; k < time.length; k++) expect(time[k]!).toBeGreaterThanOrEqual(time[k - 1]!);
    const measured = time.length / time[time.length - 1]!;
    expect(measured / rate).toBeGreaterThan(0.95);
    expect(measured / rate).toBeLessThan(1.05);
  });

  it('interleaving grows with the number of hosts sending at once (offered / sender link)', () => {
    // mean number of distinct flows in a window of 64 packets: 10G senders vs 1G senders at 20G
    const distinct = (frameNs: number) => {
      const { flow } = stream(senders({ nflows: 1000, senderFrameNs: frameNs }), 64000);
      let sum = 0;
      for (let w = 0; w + 64 <= flow.length; w += 64) sum += new Set(flow.slice(w, w + 64)).size;
      return sum / (flow.length / 64);
    };
    const fast = distinct(FRAME_10G), slow = distinct(frameTimeNs(1, 1518));
    // a window spans 39 µs; a burst lasts 55 µs at 10G, 550 µs at 1G: about 2 × (1 + 39/55) and
    // 20 × (1 + 39/550) bursts overlap it
    expect(fast).toBeLessThan(8);
    expect(slow).toBeGreaterThan(15);
    expect(slow).toBeGreaterThan(3 * fast);
  });

  it('pacing cuts bursts to about 1 ms of each flow\'s rate, at least 2 segments, and spaces them evenly', () => {
    // 100 flows sharing 20 Gbit/s: 200 Mbit/s each, 1 ms = 16 frames of 1538 wire bytes
    const s = senders({ senders: 1, nflows: 100, pacing: true });
    expect(s.burst[0]).toBe(16);
    const r = runs(stream(s, 1600).flow);
    expect(r.slice(0, -1).every((x) => x === 16)).toBe(true);
    const many = senders({ nflows: 10000, pacing: true });
    expect(many.burst[0]).toBe(2);
    const few = senders({ nflows: 2, pacing: true });
    expect(few.burst[0]).toBe(45);
  });

  it('non-TCP flows send one packet per turn', () => {
    const kind = new Uint8Array(4).fill(FLOW_DATA);
    kind[3] = FLOW_UDP;
    const s = senders({ senders: 1, nflows: 4, kind });
    expect(s.burst[3]).toBe(1);
    const { flow } = stream(s, 45 * 3 + 1 + 45);
    expect(flow[135]).toBe(3);
    expect(flow[136]).not.toBe(3);
  });

  it('the same seed gives the same stream; another seed another one', () => {
    const a = stream(senders({ nflows: 50 }, 7), 5000), b = stream(senders({ nflows: 50 }, 7), 5000), c = stream(senders({ nflows: 50 }, 8), 5000);
    expect(b).toEqual(a);
    expect(c.time).not.toEqual(a.time);
  });
});

describe('closed loop (NewReno)', () => {
  const closed = (o: Partial<TcpSendersOptions> = {}) => senders({ senders: 1, nflows: 1, closedLoop: true, rttNs: 10e3, ...o });

  it('a new flow sends its initial window and then waits for ACKs', () => {
    const s = closed();
    const { flow } = stream(s, 100);
    expect(flow.length).toBe(INIT_CWND);
    expect(s.inflightOf(0)).toBe(INIT_CWND);
    expect(s.next(Infinity)).toBe(-1);
  });

  it('ACKs of delivered segments open the window: slow start adds at most 2 segments per ACK', () => {
    const s = closed();
    stream(s, 100); // the initial window; then the host waits
    // the receiver delivers one LRO aggregate of all 10: one immediate ACK (stretch ACK)
    s.delivered(0, 10, 1, 1000);
    const { flow, time } = stream(s, 100);
    expect(s.cwndOf(0)).toBe(INIT_CWND + 2); // byte counting with L = 2, not + 10
    expect(flow.length).toBe(INIT_CWND + 2);
    expect(time[0]).toBeCloseTo(1000 + 10e3, 6); // the ACK took the RTT
    // ten single segments: delayed ACK, one per two, five ACKs → +2 each
    const t = closed();
    stream(t, INIT_CWND);
    for (let k = 0; k < 10; k++) t.delivered(0, 1, 1, 1000 + k);
    stream(t, 1000);
    expect(t.cwndOf(0)).toBe(INIT_CWND + 5 * 2);
  });

  it('a drop halves the window once per window of data, after an RTT', () => {
    const s = closed();
    stream(s, INIT_CWND);
    for (let k = 0; k < 9; k++) s.delivered(0, 1, 1, 100); // 4 ACKs (the 9th waits for a partner)
    stream(s, 1000);
    const before = s.cwndOf(0);
    expect(before).toBe(INIT_CWND + 8);
    s.dropped(0, 200);
    s.dropped(0, 210); // same window: no second halving
    stream(s, 1000);
    expect(s.cwndOf(0)).toBe(before >> 1);
    expect(s.stats[3]).toBe(1);
    // data sent after the recovery point, lost: a new halving
    const w = s.cwndOf(0);
    s.delivered(0, 20, 1, 300);
    stream(s, 1000);
    s.dropped(0, 400);
    stream(s, 1000);
    expect(s.cwndOf(0)).toBe(Math.max(2, (w + 1) >> 1));
    expect(s.stats[3]).toBe(2);
  });

  it('congestion avoidance adds one segment per window acknowledged', () => {
    const s = closed();
    stream(s, INIT_CWND);
    s.dropped(0, 0); // ssthresh = cwnd = 5
    stream(s, 100);
    expect(s.cwndOf(0)).toBe(5);
    s.delivered(0, 4, 1, 20e3);
    stream(s, 100);
    expect(s.cwndOf(0)).toBe(5); // 4 < 5 acknowledged
    s.delivered(0, 3, 1, 40e3);
    stream(s, 100);
    expect(s.cwndOf(0)).toBe(6);
  });
});
