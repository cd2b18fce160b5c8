import { describe, expect, it } from 'vitest';
import type { TxQueueSummary } from '../index';
import { applyKnob, defaultScenario, parseScenario, type Scenario } from '../scenario';
import { runScenario, type Summary } from '../sim';

function tx(set: Record<string, unknown>): Summary {
  let s: Scenario = defaultScenario();
  const base = { 'host.preset': 'xeon-e5-2697av4', 'nic.model': 'ixl-xl710', 'traffic.workload': 'transmit', 'sim.duration_ms': 2 };
  for (const [k, v] of Object.entries({ ...base, ...set })) s = applyKnob(s, k, v);
  const r = parseScenario(s);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return runScenario(r.value).summary;
}
const txq = (s: Summary) => s.queues.filter((q): q is TxQueueSummary => q.kind === 'tx');
const sum = (s: Summary, stage: 'drain' | 'encap' | 'spin' | 'sender', cpus?: number[]) =>
  s.cores.filter((c) => !cpus || cpus.includes(c.cpu)).reduce((a, c) => a + c.cycles_by_stage[stage], 0);

describe('TX software paths', () => {
  it('mp_ring: the producer that finds the ring idle drains it on its own CPU', () => {
    const s = tx({ 'tx.path': 'mp_ring', 'traffic.senders': 4, 'queues.rx': 4, 'queues.tx': 4, 'traffic.load': 0.03 });
    expect(s.invariants.conservation).toBe(true);
    const rings = txq(s).map((q) => q.soft_ring!);
    expect(rings.every((r) => r.kind === 'mp_ring' && r.size === 2048)).toBe(true);
    const enq = rings.reduce((a, r) => a + r.enqueues, 0);
    const drained = rings.reduce((a, r) => a + r.drained, 0);
    expect(enq).toBeGreaterThan(0);
    expect(drained).toBeLessThanOrEqual(enq);
    expect(rings.reduce((a, r) => a + r.starts!, 0)).toBeGreaterThan(0);
    expect(rings.reduce((a, r) => a + r.abdications!, 0)).toBe(0);
    // Drain and encap cycles land on the sender CPUs (0–3), nowhere else.
    expect(sum(s, 'encap', [0, 1, 2, 3])).toBeGreaterThan(0);
    expect(sum(s, 'encap') - sum(s, 'encap', [0, 1, 2, 3])).toBe(0);
    expect(s.tx_pps).toBeGreaterThan(0.029 * s.line_rate_pps);
  });

  it('tx_abdicate: producers only enqueue; the TX queue task drains on its own CPU', () => {
    const s = tx({ 'tx.path': 'mp_ring', 'iflib.tx_abdicate': true, 'traffic.senders': 4, 'traffic.sender_cpu': 8, 'queues.rx': 4, 'queues.tx': 4, 'traffic.load': 0.1 });
    expect(s.invariants.conservation).toBe(true);
    // TX queues 0–3 have their tasks on CPUs 0–3; senders sit on 8–11.
    expect(sum(s, 'encap', [0, 1, 2, 3])).toBeGreaterThan(0);
    expect(sum(s, 'encap', [8, 9, 10, 11])).toBe(0);
    expect(sum(s, 'sender', [8, 9, 10, 11])).toBeGreaterThan(0);
    expect(txq(s).reduce((a, q) => a + q.soft_ring!.starts!, 0)).toBe(0); // never started from IDLE by a producer
  });

  it('a full TX descriptor ring stalls the mp_ring; later producers restart it', () => {
    // four senders into one 1G queue of 1518-byte frames (12 µs each on the wire): a drain call
    // finds nothing completed and the ring full, takes nothing, and stalls the ring
    const s = tx({ 'nic.model': 'igb-i350', 'tx.path': 'mp_ring', 'traffic.senders': 4, 'queues.rx': 1, 'queues.tx': 1, 'queues.tx_desc': 128, 'traffic.frame_bytes': 1518, 'traffic.load': 1.5, 'sim.duration_ms': 10 });
    const r = txq(s)[0]!.soft_ring!;
    expect(r.stalls).toBeGreaterThan(0);
    expect(r.restarts).toBeGreaterThan(0);
    expect(s.invariants.conservation).toBe(true);
  });

  it('a small software ring drops when producers outrun the consumer (drops.mp_ring)', () => {
    const s = tx({ 'tx.path': 'mp_ring', 'tx.mp_ring_size': 16, 'traffic.senders': 16, 'queues.rx': 1, 'queues.tx': 1, 'queues.tx_desc': 64, 'traffic.load': 1.2, 'nic.link_gbps': 10 });
    expect(s.drops.mp_ring).toBeGreaterThan(0);
    expect(txq(s)[0]!.soft_ring!.drops).toBe(s.drops.mp_ring);
    expect(s.invariants.conservation).toBe(true);
  });

  it('buf_ring drops when full and whoever holds the TX lock drains', () => {
    const s = tx({ 'tx.path': 'buf_ring', 'tx.mp_ring_size': 16, 'traffic.senders': 16, 'queues.rx': 1, 'queues.tx': 1, 'queues.tx_desc': 64, 'traffic.load': 1.2, 'nic.link_gbps': 10 });
    expect(s.drops.buf_ring).toBeGreaterThan(0);
    expect(txq(s)[0]!.soft_ring!.kind).toBe('buf_ring');
    expect(s.invariants.conservation).toBe(true);
  });

  it('senders block, they do not drop: what they manage to push is the offered load', () => {
    const s = tx({ 'tx.path': 'mp_ring', 'traffic.senders': 2, 'queues.rx': 1, 'queues.tx': 1, 'traffic.load': 1 });
    expect(s.drops.sender).toBe(0);
    expect(s.offered_pps).toBeLessThan(0.2 * s.line_rate_pps);
    expect(s.offered_pps).toBeCloseTo(s.tx_pps, -5);
    expect(s.bottleneck.kind).toBe('cpu');
    expect(s.bottleneck.text).toMatch(/sender/);
  });

  it('simple: every sender encapsulates under the queue lock; on one queue, lock time per packet grows with senders', () => {
    const one = (n: number) => tx({ 'tx.path': 'simple', 'traffic.senders': n, 'queues.rx': 1, 'queues.tx': 1, 'traffic.load': 1 });
    const few = one(2), many = one(16);
    const perPkt = (s: Summary) => sum(s, 'spin') / (s.tx_pps * s.simulated_ms / 1e3);
    expect(perPkt(many)).toBeGreaterThan(3 * perPkt(few));
    expect(sum(many, 'encap', [15])).toBeGreaterThan(0); // the last sender encapsulates its own packets
    expect(many.invariants.conservation).toBe(true);
    expect(many.queues.some((q) => q.kind === 'tx' && q.soft_ring)).toBe(false);
  });

  it('iflib.tx_reclaim_thresh: fewer, larger reclaims keep descriptors held longer', () => {
    const base = { 'tx.path': 'mp_ring', 'traffic.senders': 4, 'queues.rx': 4, 'queues.tx': 4, 'traffic.load': 0.03 };
    const eager = tx(base), lazy = tx({ ...base, 'iflib.tx_reclaim_thresh': 256 });
    const held = (s: Summary) => txq(s).reduce((a, q) => a + q.mean_occupancy, 0);
    expect(held(lazy)).toBeGreaterThan(2 * held(eager));
    expect(lazy.invariants.conservation).toBe(true);
  });

  it('buf_ring needs a power-of-two size', () => {
    let s = defaultScenario();
    for (const [k, v] of Object.entries({ 'traffic.workload': 'transmit', 'tx.path': 'buf_ring', 'tx.mp_ring_size': 1000 })) s = applyKnob(s, k, v);
    const r = parseScenario(s);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.join(' ')).toMatch(/tx\.mp_ring_size = 1000 must be a power of two for buf_ring/);
  });
});

describe('netmap', () => {
  const nm = (set: Record<string, unknown>) => tx({ 'tx.path': 'netmap', 'traffic.senders': 4, 'traffic.load': 1, 'sim.duration_ms': 20, ...set });

  it('pushed past the NIC, threads sleep on full rings and the 90 µs timer keeps the NIC busy', () => {
    const s = nm({ 'netmap.tx_timer': 'sbt_90us' });
    expect(s.netmap!.stalls).toBeGreaterThan(0);
    expect(s.netmap!.wakeups.timer).toBeGreaterThan(0);
    expect(s.netmap!.wakeups.iflib_timer).toBe(0);
    // the XL710's device limit (Intel's specification update: ~37 Mpps below 160 bytes), all of it TX here
    expect(s.tx_pps).toBeGreaterThan(0.97 * 37e6);
    expect(s.tx_pps).toBeLessThanOrEqual(1.001 * 37e6);
    expect(s.bottleneck.kind).toBe('tx_ceiling');
    expect(s.bottleneck.text).toMatch(/device's packet-processing limit \(37 Mpps/);
    expect(s.notes.join(' ')).toMatch(/Specification Update/);
    expect(s.invariants.conservation).toBe(true);
  });

  it('with the tick timer and pkt-gen pinned off the queue CPUs, the wake-up is lost and traffic collapses', () => {
    const s = nm({ 'netmap.tx_timer': 'tick', 'traffic.sender_cpu': 8, 'sim.duration_ms': 50 });
    expect(s.netmap!.lost_wakeups).toBeGreaterThan(0);
    expect(s.tx_pps).toBeLessThan(0.05 * 32e6);
    // The collapse comes from sleeping, not from busy CPUs.
    expect(Math.max(...s.cores.map((c) => c.utilization))).toBeLessThan(0.2);
    expect(s.bottleneck.kind).toBe('netmap_wakeup');
    expect(s.bottleneck.text).toMatch(/iflib_timer/);
    // The same threads with the fixed 90 µs timer hold the rate.
    const fixed = nm({ 'netmap.tx_timer': 'sbt_90us', 'traffic.sender_cpu': 8, 'sim.duration_ms': 50 });
    expect(fixed.tx_pps).toBeGreaterThan(0.9 * 32e6);
  });

  it('a fixed 1 ms timer never loses the wake-up, but a 1 ms sleep is long next to a ring that empties in ~100 µs', () => {
    const tick = nm({ 'netmap.tx_timer': 'tick', 'traffic.sender_cpu': 8, 'sim.duration_ms': 50 });
    const ms = nm({ 'netmap.tx_timer': 'sbt_1ms', 'traffic.sender_cpu': 8, 'sim.duration_ms': 50 });
    expect(ms.netmap!.lost_wakeups).toBe(0);
    expect(ms.tx_pps).toBeGreaterThan(10 * tick.tx_pps);
    // About two rings' worth of 1024 slots per thread per millisecond: far below the NIC's 32 Mpps.
    expect(ms.tx_pps).toBeLessThan((4 * 1024 * 2.5) / 1e-3);
    expect(ms.tx_pps).toBeLessThan(0.5 * 32e6);
  });

  it('the tick timer without the race (threads on the queue CPUs) is slow but does not collapse', () => {
    const s = nm({ 'netmap.tx_timer': 'tick' });
    expect(s.netmap!.lost_wakeups).toBe(0);
    expect(s.tx_pps).toBeGreaterThan(0.1 * 32e6);
    expect(s.tx_pps).toBeLessThan(0.5 * 32e6);
  });

  it('switching the same host from netmap to mp_ring moves the number, and sender cycles say why', () => {
    const n = nm({ 'traffic.senders': 16 });
    const k = tx({ 'tx.path': 'mp_ring', 'traffic.senders': 16, 'traffic.load': 1, 'sim.duration_ms': 5 });
    expect(n.tx_pps).toBeGreaterThan(2 * k.tx_pps);
    const perPkt = (s: Summary) => sum(s, 'sender') / (s.tx_pps * s.simulated_ms / 1e3);
    expect(perPkt(k)).toBeGreaterThan(3 * perPkt(n)); // sendto() vs filling a netmap slot (+ txsync share)
    expect(sum(k, 'drain')).toBeGreaterThan(0);
    expect(sum(n, 'drain')).toBe(0); // netmap does not use mp_ring (Marius, in the meeting)
  });
});
