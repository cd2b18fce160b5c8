/**
 * The receive path fed by real TCP structure: TSO senders (open and closed loop), the FreeBSD 13+
 * LRO selected by host.freebsd, and captures replayed through runScenario.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

  it('a closed loop with a batch larger than the windows stalls, and the run says why', () => {
    const s = rx({ 'traffic.flows': 10, 'lro.mode': 'sorted', 'lro.batch': 1024, 'traffic.window': 'newreno' }).summary;
    expect(s.delivered_pps).toBe(0);
    expect(s.notes.some((n) => n.startsWith('closed loop with lro.batch 1024'))).toBe(true);
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

  it('a single in-order flow coalesces to 64 KB aggregates with no sequence gap; the lossy one meets its holes', () => {
    const ms = (f: string) => Math.ceil(capture(f).info.durationNs / 1e6) + 5;
    const set = { 'traffic.interleave': 'pcap', 'lro.mode': 'sorted', 'lro.batch': 1024, 'sim.duration_ms': Math.max(ms('single-flow.pcap'), ms('loss-1pct.pcap')), 'host.freebsd': 12 };
    const one = runScenario(scenario(set), { capture: capture('single-flow.pcap') }).summary.lro!;
    expect(one.packets_in).toBe(3999);
    expect(one.flush_reasons.seq_gap ?? 0).toBe(0);
    expect(one.no_entries).toBe(0);
    expect(one.aggregation_ratio.data).toBeGreaterThan(20);
    expect(one.aggregation_ratio.data).toBeLessThanOrEqual(45); // 64 KB of 1448-byte segments
    const lossy12 = runScenario(scenario(set), { capture: capture('loss-1pct.pcap') }).summary.lro!;
    const lossy14 = runScenario(scenario({ ...set, 'host.freebsd': 14 }), { capture: capture('loss-1pct.pcap') }).summary.lro!;
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
