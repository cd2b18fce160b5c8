/**
 * The receive path fed by real TCP structure: TSO senders (open and closed loop), the FreeBSD 13+
 * LRO selected by host.freebsd, and captures replayed through runScenario.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeLink } from './link';
import { bytesReader, openCapture } from './pcap';
import { applyKnob, defaultScenario, parseScenario, type Scenario } from './scenario';
import { runScenario, type Summary } from './sim';

const capture = (f: string) => openCapture(bytesReader(new Uint8Array(readFileSync(join(__dirname, 'fixtures', 'pcap', f)))), f);

function scenario(set: Record<string, unknown>): Scenario {
  let s: Scenario = defaultScenario();
  const base = {
    'host.preset': 'xeon-e5-2697av4', 'nic.model': 'mlx5-cx5-100g', 'traffic.workload': 'receive', 'queues.rx': 1, 'queues.tx': 1,
    'traffic.frame_bytes': 1518, 'traffic.mix.tcp': 1, 'traffic.mix.udp': 0, 'sim.duration_ms': 5,
  };
  for (const [k, v] of Object.entries({ ...base, ...set })) s = applyKnob(s, k, v);
  const r = parseScenario(s);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value;
}
const rx = (set: Record<string, unknown>) => runScenario(scenario(set));
const strip = (s: Summary) => ({ ...s, wall_ms: 0 });

describe('TSO senders on the receive path', () => {
  it('closed loop: a ring that overflows under open-loop senders stops overflowing once the windows react', () => {
    const set = { 'traffic.flows': 100, 'lro.mode': 'off', 'traffic.load': 1, 'sim.duration_ms': 10 };
    const open = rx(set), closed = rx({ ...set, 'traffic.window': 'newreno' });
    expect(open.summary.drops.rx_ring).toBeGreaterThan(10 * closed.summary.drops.rx_ring);
    // the second half of the run: open loop keeps dropping, the closed loop has settled
    const late = (r: typeof open) => Array.from(r.frames.columns.drops_pps!.slice(100)).reduce((a, b) => a + b, 0) / 100;
    expect(late(open)).toBeGreaterThan(1e6);
    expect(late(closed)).toBeLessThan(0.05 * late(open));
    // the CPU-bound queue delivers about as much either way: what TCP backs off is what was dropped
    expect(closed.summary.delivered_pps).toBeGreaterThan(0.9 * open.summary.delivered_pps);
    expect(closed.summary.invariants.conservation).toBe(true);
  });

  it('conserves packets with LRO holding them, open and closed loop', () => {
    for (const w of ['open', 'newreno']) {
      const s = rx({ 'traffic.flows': 50, 'lro.mode': 'sorted', 'lro.batch': 256, 'traffic.window': w, 'traffic.load': 0.6 }).summary;
      expect(s.invariants.conservation).toBe(true);
      expect(s.invariants.ring_conservation).toBe(true);
    }
  });

  it('a closed loop with a batch larger than the windows does not stall: the queue going idle flushes what LRO holds', () => {
    // 10 flows of 10 segments' initial window cannot fill a batch of 1024: without the idle
    // flush LRO would hold them all while the senders waited for ACKs, and nothing would flow
    const set = { 'traffic.flows': 10, 'lro.mode': 'sorted', 'traffic.window': 'newreno' };
    const batch = rx({ ...set, 'lro.batch': 1024 }).summary, pass = rx({ ...set, 'lro.batch': 1 }).summary;
    expect(batch.lro!.flush_reasons.idle).toBeGreaterThan(0);
    expect(batch.lro!.flush_reasons.batch_end ?? 0).toBe(0);
    // it flows, slower: the packets LRO holds until the queue empties delay the ACK clock
    expect(batch.delivered_pps).toBeGreaterThan(0.2 * pass.delivered_pps);
    expect(batch.invariants.conservation).toBe(true);
    // flushing an idle queue at once, the run ends with nothing left in LRO (with the default
    // inactivity timeout, what arrived in the last lro.idle_flush_us may still be held)
    const atOnce = rx({ ...set, 'lro.batch': 1024, 'lro.idle_flush_us': 0 }).summary;
    expect(atOnce.lro!.held).toBe(0);
    expect(batch.lro!.held).toBeLessThan(1024);
  });

  it('an open-loop overload never lets its queue go idle, so nothing flushes early (the stored v3 link reproduces)', () => {
    const f = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'links', 'v3-lro-many-flows-sorted.json'), 'utf8')) as { link: string; figures: { delivered_pps: number; in_flight: number } };
    const d = decodeLink(f.link);
    if (!d.ok || !d.state) throw new Error('the v3 fixture no longer opens');
    const s = runScenario(d.state.scenario).summary;
    expect(s.drops.rx_ring).toBeGreaterThan(0);
    expect(s.lro!.flush_reasons.idle ?? 0).toBe(0);
    expect(s.lro!.held).toBeGreaterThan(0); // a partial array still waiting at the end
    expect(s.delivered_pps).toBe(f.figures.delivered_pps);
    expect(s.in_flight).toBe(f.figures.in_flight);
  });

  it('the same seed gives the same run', () => {
    const set = { 'traffic.flows': 30, 'lro.mode': 'legacy', 'traffic.window': 'newreno', 'traffic.pacing': true };
    expect(strip(rx(set).summary)).toEqual(strip(rx(set).summary));
  });
});

describe('host.freebsd selects the LRO code', () => {
  it('a lossy transfer: 12 pays two segments a hole (tcp_lro_rx2), 13+ one (tcp_lro_condense)', () => {
    const set = { 'traffic.flows': 4, 'lro.mode': 'legacy', 'traffic.loss': 0.01, 'traffic.load': 0.3 };
    const v12 = rx({ ...set, 'host.freebsd': 12 }).summary.lro!, v14 = rx({ ...set, 'host.freebsd': 14 }).summary.lro!;
    const classic14 = rx({ ...set, 'host.freebsd': 14, 'lro.code': 'classic' }).summary.lro!;
    expect(classic14).toEqual(v12);
    const gaps12 = v12.flush_reasons.seq_gap ?? 0, gaps14 = v14.flush_reasons.seq_gap ?? 0;
    expect(gaps12).toBeGreaterThan(0);
    expect(gaps14).toBeLessThan(0.7 * gaps12);
    expect(v14.aggregation_ratio.data).toBeGreaterThan(v12.aggregation_ratio.data);
  });
});

describe('replaying a capture', () => {
  it('runs the capture\'s packets, flows and headers through LRO; twice gives identical results', () => {
    const cap = capture('iperf3-p8.pcap');
    // the capture starts with ICMPv6 and ARP frames 170 ms before iperf3's data: run past its end
    const s = scenario({ 'traffic.interleave': 'pcap', 'lro.mode': 'sorted', 'lro.batch': 64, 'sim.duration_ms': Math.ceil(cap.info.durationNs / 1e6) + 5 });
    const a = runScenario(s, { capture: cap }).summary, b = runScenario(s, { capture: cap }).summary;
    expect(strip(a)).toEqual(strip(b));
    expect(a.lro!.packets_in).toBe(cap.info.replayed);
    expect(a.lro!.not_tcp).toBe(1); // the IPv6 ICMP frame
    expect(a.invariants.conservation).toBe(true);
    expect(a.notes.some((n) => n.startsWith('capture iperf3-p8.pcap: 7999 IP packets of 10 flow(s) (9 TCP)'))).toBe(true);
  });

  it('a single in-order flow replayed at 20 Gbit/s coalesces to 64 KB aggregates with no sequence gap; the lossy one meets its holes', () => {
    const ms = (f: string) => Math.ceil(capture(f).info.durationNs / 1e6) + 5;
    // scaled to a fifth of the 100G link, the queue stays busy and the batch fills; at the
    // captured pace (~0.8 Gbit/s, veth) it goes idle between packets and flushes what it holds
    const set = { 'traffic.interleave': 'pcap', 'traffic.pcap_timing': 'scaled', 'traffic.load': 0.2, 'lro.mode': 'sorted', 'lro.batch': 1024, 'sim.duration_ms': Math.max(ms('single-flow.pcap'), ms('loss-1pct.pcap')), 'host.freebsd': 12 };
    // (flushing an idle queue at once: with the default inactivity timeout the captured pace's
    // packets, ~14 µs apart, still meet in the batch)
    const kept = runScenario(scenario({ ...set, 'traffic.pcap_timing': 'kept', 'lro.idle_flush_us': 0 }), { capture: capture('single-flow.pcap') }).summary.lro!;
    const one = runScenario(scenario(set), { capture: capture('single-flow.pcap') }).summary.lro!;
    expect(kept.flush_reasons.idle).toBeGreaterThan(10 * (one.flush_reasons.idle ?? 0));
    expect(kept.aggregation_ratio.data).toBeLessThan(0.5 * one.aggregation_ratio.data);
    expect(one.packets_in).toBe(3999);
    expect(one.flush_reasons.seq_gap ?? 0).toBe(0);
    expect(one.no_entries).toBe(0);
    expect(one.aggregation_ratio.data).toBeGreaterThan(20);
    expect(one.aggregation_ratio.data).toBeLessThanOrEqual(45); // 64 KB of 1448-byte segments
    // the lossy transfer at its own pace (a faster replay would overflow the ring: holes of its own)
    const lossy = { ...set, 'traffic.pcap_timing': 'kept' };
    const lossy12 = runScenario(scenario(lossy), { capture: capture('loss-1pct.pcap') }).summary.lro!;
    const lossy14 = runScenario(scenario({ ...lossy, 'host.freebsd': 14 }), { capture: capture('loss-1pct.pcap') }).summary.lro!;
    // 119 TCP packets whose seq is not where their flow's previous packet ended (46 holes, 45
    // retransmissions, and the jumps back to the front after them: fixtures/pcap/README.md). On 12
    // each costs two segments while an entry is open (tcp_lro_rx2 flushes and sends it alone), on
    // 13+ one (tcp_push_and_replace)
    expect(lossy12.flush_reasons.seq_gap! % 2).toBe(0);
    expect(lossy12.flush_reasons.seq_gap).toBeLessThanOrEqual(2 * 119);
    expect(lossy14.flush_reasons.seq_gap).toBeLessThanOrEqual(119);
    expect(lossy14.flush_reasons.seq_gap).toBeGreaterThan(60);
    expect(lossy12.flush_reasons.seq_gap).toBeGreaterThan(1.3 * lossy14.flush_reasons.seq_gap!);
    expect(lossy14.aggregation_ratio.data).toBeGreaterThan(lossy12.aggregation_ratio.data);
  });

  it('a pcap scenario without a capture is refused with a clear message', () => {
    expect(() => rx({ 'traffic.interleave': 'pcap', 'lro.mode': 'legacy' })).toThrow(/traffic.interleave=pcap needs a capture/);
  });
});
