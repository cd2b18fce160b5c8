/**
 * Forwarding through iflib's real TX software path: each forwarded packet enters
 * iflib_if_transmit during its rxeof pass, and what happens then — who drains, where, with how
 * many doorbells — comes out of the mp_ring state machine and iflib_txq_drain, not constants.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, type Summary, type TxQueueSummary } from '../index';
import { applyKnob, defaultScenario, parseScenario, type Scenario } from '../scenario';
import { PARAMS } from '../costs';

function scen(set: Record<string, unknown>): Scenario {
  let s = defaultScenario();
  for (const [k, v] of Object.entries({ 'nic.model': 'ix-82599', 'traffic.workload': 'forward', 'sim.duration_ms': 2, ...set })) s = applyKnob(s, k, v);
  const r = parseScenario(s);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value;
}
const run = (set: Record<string, unknown>): Summary => runScenario(scen(set)).summary;
const txq = (s: Summary) => s.queues.filter((q): q is TxQueueSummary => q.kind === 'tx');
const sum = (s: Summary, k: keyof TxQueueSummary) => txq(s).reduce((a, q) => a + ((q[k] as number | undefined) ?? 0), 0);
const stage = (s: Summary, cpu: number, st: keyof Summary['cores'][number]['cycles_by_stage']) => s.cores[cpu]!.cycles_by_stage[st];

describe('forwarding through mp_ring', () => {
  it('a lone producer finds the ring idle every time: it drains its own packet at once, with three doorbells', () => {
    // light load: every packet is alone in its pass and in the ring
    const s = run({ 'queues.rx': 1, 'queues.tx': 1, 'traffic.load': 0.01, 'traffic.flows': 1 });
    const q = txq(s)[0]!, r = q.soft_ring!;
    const pkts = r.enqueues;
    expect(pkts).toBeGreaterThan(100);
    // every enqueue found the ring IDLE: ifmp_ring_enqueue returned with the producer as consumer
    expect(r.starts).toBe(pkts);
    expect(q.drains).toBe(pkts);
    expect(q.task_drains).toBe(0);
    expect(r.state).toMatch(/IDLE$/);
    // iflib_txd_db_check with a nearly empty ring rings before the loop (something reclaimed),
    // after the packet, and once more at the end: three MMIO writes for one packet
    expect(s.doorbells_per_packet).toBeGreaterThan(2.5);
    expect(s.doorbells_per_packet).toBeLessThanOrEqual(3);
    expect(s.tx_path.kind).toBe('mp_ring');
    expect(s.invariants.conservation).toBe(true);
  });

  it('with tx_abdicate the producer only enqueues; _task_fn_tx drains on the TX queue\'s CPU, in batches', () => {
    const base = { 'queues.rx': 2, 'queues.tx': 2, 'queues.separate_txrx': true };
    const own = run(base);
    const abd = run({ ...base, 'iflib.tx_abdicate': true });
    // separate_txrx: RX tasks on CPUs 0-1, TX tasks on CPUs 2-3
    expect(txq(abd).map((q) => q.cpu)).toEqual([2, 3]);
    expect(sum(abd, 'task_drains')).toBe(sum(abd, 'drains'));
    expect(stage(abd, 0, 'drain') + stage(abd, 1, 'drain')).toBe(0);
    expect(stage(abd, 2, 'drain')).toBeGreaterThan(0);
    expect(stage(abd, 2, 'encap')).toBeGreaterThan(0);
    // without it the RX CPUs drain
    expect(stage(own, 0, 'drain')).toBeGreaterThan(0);
    expect(stage(own, 2, 'drain')).toBe(0);
    // abdicating restores batching: fewer doorbells per packet
    expect(abd.doorbells_per_packet).toBeLessThan(0.7 * own.doorbells_per_packet);
    expect(own.forwarded_pps).not.toBe(abd.forwarded_pps);
  });

  it('fewer TX than RX queues: several RX CPUs share a ring, fight over its state word, and one drains the others\' packets', () => {
    const s = run({ 'queues.rx': 4, 'queues.tx': 1 });
    const q = txq(s)[0]!, r = q.soft_ring!;
    expect(q.cas_retries).toBeGreaterThan(0);
    // producers that found the ring BUSY left their packet to the running consumer
    expect(r.starts!).toBeLessThan(0.8 * r.enqueues);
    // the consumer pulls in the mbufs other CPUs wrote: cache-to-cache transfers (memory stage)
    const drainers = s.cores.slice(0, 4).filter((c) => c.cycles_by_stage.drain > 0);
    expect(drainers.length).toBeGreaterThan(0);
    expect(s.invariants.conservation).toBe(true);
    expect(s.invariants.littles_law_max_error).toBeLessThan(1e-9);
  });

  it('a consumer past its budget that meets a producer between its CASes abdicates, and that producer drains on', () => {
    // drain_ring_lockless: state_to_flags(ns, total >= budget) → ABDICATED while pidx_head !=
    // pidx_tail; the producer's publish then finds ABDICATED and (no tx_abdicate) drains itself.
    // One TX queue fed by four RX CPUs: the consumer duty moves from CPU to CPU.
    const apu = { 'host.preset': 'apu2-gx412tc', 'nic.model': 'igb-i210', 'sim.duration_ms': 10 };
    const own = run(apu);
    const q = txq(own)[0]!;
    expect(q.abdications).toBeGreaterThan(0);
    expect(q.task_drains).toBe(0);
    // every drain after the first began with a hand-off (the ring never went IDLE: it is overloaded)
    expect(q.drains).toBe(q.abdications! + q.soft_ring!.starts!);
    const drainers = own.cores.filter((c) => c.cycles_by_stage.drain > 0);
    expect(drainers.length).toBeGreaterThan(1);
    // with tx_abdicate the TX task lets go and its producers' GROUPTASK_ENQUEUE runs it again:
    // the drains stay on TX queue 0's CPU
    const abd = run({ ...apu, 'iflib.tx_abdicate': true });
    const qa = txq(abd)[0]!;
    expect(qa.abdications).toBeGreaterThan(0);
    expect(qa.task_drains).toBe(qa.drains);
    expect(abd.cores.filter((c) => c.cycles_by_stage.drain > 0).map((c) => c.cpu)).toEqual([qa.cpu]);
    expect(own.invariants.conservation && abd.invariants.conservation).toBe(true);
  });

  it('every UDP packet on TX queue 0 (no hash type): abdication changes little; with one, a lot', () => {
    const apu = { 'host.preset': 'apu2-gx412tc', 'nic.model': 'igb-i210', 'sim.duration_ms': 3 };
    const one = run(apu), oneAbd = run({ ...apu, 'iflib.tx_abdicate': true });
    expect(txq(one).filter((q) => q.enqueued > 0).map((q) => q.id)).toEqual([0]);
    const spread = run({ ...apu, 'nic.udp_hashtype': true }), spreadAbd = run({ ...apu, 'nic.udp_hashtype': true, 'iflib.tx_abdicate': true });
    expect(txq(spread).every((q) => q.enqueued > 0)).toBe(true);
    const gain = (a: Summary, b: Summary) => b.forwarded_pps / a.forwarded_pps - 1;
    // The mechanism's direction (docs/MODEL.md has the magnitudes against the board's rows: the
    // model's gain with a hash type is well below the measured 2×). With one queue the board
    // measured −0.3%; the model loses ~4% because its TX task, past its budget with a producer
    // in flight, lets go and waits behind CPU 0's RX task for its next turn (engine 0.10.0).
    expect(Math.abs(gain(one, oneAbd))).toBeLessThan(0.06);
    expect(gain(spread, spreadAbd)).toBeGreaterThan(Math.abs(gain(one, oneAbd)) + 0.05);
    // abdicating moves the drains of a spread run to the TX tasks and cuts its doorbells
    expect(spreadAbd.doorbells_per_packet).toBeLessThan(0.7 * spread.doorbells_per_packet);
  });

  it('tx.path changes forwarding: mp_ring, buf_ring and iflib_simple_transmit give different results', () => {
    const r = ['mp_ring', 'buf_ring', 'simple'].map((p) => run({ 'queues.rx': 2, 'queues.tx': 2, 'tx.path': p }));
    expect(new Set(r.map((s) => s.forwarded_pps)).size).toBe(3);
    expect(r.map((s) => s.tx_path.kind)).toEqual(['mp_ring', 'buf_ring', 'simple']);
    expect(r[2]!.doorbells_per_packet).toBe(1);
    expect(r[2]!.tx_path.names!.transmit).toBe('iflib_simple_transmit');
    for (const s of r) expect(s.invariants.conservation).toBe(true);
  });

  it('tx_reclaim_thresh and mp_ring size reach forwarding', () => {
    const base = { 'queues.rx': 2, 'queues.tx': 2 };
    expect(run({ ...base, 'iflib.tx_reclaim_thresh': 512 }).forwarded_pps).not.toBe(run(base).forwarded_pps);
    // producers on four CPUs, one TX task draining in batches of 32: a 16-entry ring overflows
    const small = run({ 'queues.rx': 4, 'queues.tx': 1, 'iflib.tx_abdicate': true, 'tx.mp_ring_size': 16 });
    expect(small.drops.mp_ring).toBeGreaterThan(0);
    expect(small.invariants.conservation).toBe(true);
  });

  it('drivers with their own path say so by name and are never labelled with iflib functions', () => {
    const m = run({ 'nic.model': 'mlx5-cx4lx', 'queues.rx': 2, 'queues.tx': 2 });
    expect(m.tx_path.kind).toBe('mlx5e_xmit');
    expect(JSON.stringify(m.stages)).not.toMatch(/iflib/);
    const c = run({ 'nic.model': 'cxgbe-t520', 'queues.rx': 2, 'queues.tx': 2 });
    expect(c.tx_path.kind).toBe('cxgbe_mp_ring');
    expect(JSON.stringify(c.stages)).not.toMatch(/iflib/);
    expect(c.stages.map((st) => st.fn)).toContain('cxgbe_transmit');
  });

  it('the NIC\'s TX packet-rate ceiling applies to forwarded packets too', () => {
    const s = run({ 'host.preset': 'custom', 'host.cores': 64, 'host.ghz': 4, 'host.numa_domains': 1, 'nic.model': 'ixl-xl710', 'nic.link_gbps': 40, 'queues.rx': 64, 'queues.tx': 64, 'sim.duration_ms': 1 });
    expect(s.forwarded_pps).toBeLessThanOrEqual(s.line_rate_pps);
    // in and out through one XL710: every packet crosses the device twice, half of its 37 Mpps each way
    expect(s.forwarded_pps).toBeGreaterThan(0.95 * 18.5e6);
    expect(s.forwarded_pps).toBeLessThanOrEqual(1.001 * 18.5e6);
    expect(s.notes.join(' ')).toMatch(/sends at most 18\.5 Mpps/);
    expect(s.notes.join(' ')).toMatch(/receives at most 18\.5 Mpps/);
  });

  it('an egress card on the other domain is a second device: each direction has all of one', () => {
    const s = run({ 'host.preset': 'custom', 'host.cores': 64, 'host.ghz': 4, 'host.numa_domains': 2, 'forward.egress_numa_domain': 1, 'nic.model': 'ixl-xl710', 'nic.link_gbps': 40, 'queues.rx': 32, 'queues.tx': 32, 'sim.duration_ms': 1 });
    expect(s.forwarded_pps).toBeGreaterThan(1.2 * 18.5e6);
    expect(s.forwarded_pps).toBeLessThanOrEqual(1.001 * 37e6);
  });

  it('frames of 160 bytes and more are not under the device limit', () => {
    const small = run({ 'nic.model': 'ixl-xl710', 'nic.link_gbps': 40, 'sim.duration_ms': 1 });
    const big = run({ 'nic.model': 'ixl-xl710', 'nic.link_gbps': 40, 'traffic.frame_bytes': 160, 'sim.duration_ms': 1 });
    expect(small.notes.join(' ')).toMatch(/Specification Update/);
    expect(big.notes.join(' ')).not.toMatch(/Specification Update/);
  });

  it('netmap is not a forwarding path', () => {
    let s = defaultScenario();
    s = applyKnob(applyKnob(s, 'traffic.workload', 'forward'), 'tx.path', 'netmap');
    const r = parseScenario(s);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.join(' ')).toMatch(/tx\.path = netmap is a transmit path/);
  });
});

describe("what the doorbells' uncached stores cost the CPU (txpath/uncached.ts)", () => {
  const apu2 = (set: Record<string, unknown>) => run({ 'host.preset': 'apu2-gx412tc', 'nic.model': 'igb-i210', 'traffic.flows': 2000, ...set });
  const storeNs = (s: Summary) => s.cost_per_packet.by_stage_ns.doorbell / s.doorbells_per_packet;
  it('one-packet drains ring three times back to back and wait for nearly every store; a busy consumer hides them behind encap', () => {
    // D58513: every producer drains its own packet (three doorbells, then the closing CAS)
    const alone = apu2({ 'nic.udp_hashtype': true });
    // no UDP hash type: every packet on TX queue 0, one consumer draining batches with a
    // doorbell after each encap
    const busy = apu2({});
    expect(alone.doorbells_per_packet).toBeGreaterThan(2.9);
    expect(busy.doorbells_per_packet).toBeGreaterThan(1);
    expect(busy.doorbells_per_packet).toBeLessThan(1.2);
    // the same stores, waited for to very different degrees
    expect(storeNs(alone)).toBeGreaterThan(3 * storeNs(busy));
    // the consumer's CPU is held by its encap work, not by its doorbells
    const cpu = busy.cores.reduce((a, c) => (stage(busy, c.cpu, 'encap') > stage(busy, a.cpu, 'encap') ? c : a), busy.cores[0]!).cpu;
    expect(stage(busy, cpu, 'encap')).toBeGreaterThan(3 * stage(busy, cpu, 'doorbell'));
  });
  it("a lone producer's three doorbells cost two to three store times: the last two are back to back, the encap before them hides up to one", () => {
    for (const host of ['xeon-e5-2650v4-2s', 'ryzen7-8845hs']) {
      const s = run({ 'host.preset': host, 'queues.rx': 1, 'queues.tx': 1, 'traffic.load': 0.01, 'traffic.flows': 1 });
      const store = PARAMS['ns.doorbell']!;
      expect(s.doorbells_per_packet, host).toBeGreaterThan(2.9);
      expect(s.cost_per_packet.by_stage_ns.doorbell, host).toBeGreaterThanOrEqual(2 * store - 1e-6);
      expect(s.cost_per_packet.by_stage_ns.doorbell, host).toBeLessThan(3 * store);
    }
  });
});
