import { describe, expect, it } from 'vitest';
import type { RxQueueSummary, TxQueueSummary } from './index';
import { findPreset, presetScenario } from './presets';
import { applyKnob, defaultScenario, parseScenario, setPath, type Scenario } from './scenario';
import { FRAMES_PER_RUN, Simulation, runScenario, type Summary } from './sim';

function scen(base: Scenario, set: Record<string, unknown>): Scenario {
  let s = base;
  for (const [k, v] of Object.entries(set)) s = applyKnob(s, k, v);
  const r = parseScenario(s);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value;
}
const fwd = (set: Record<string, unknown> = {}) => scen(defaultScenario(), { 'sim.duration_ms': 2, ...set });
const rxq = (s: Summary) => s.queues.filter((q): q is RxQueueSummary => q.kind === 'rx' || q.kind === 'sender');
const txq = (s: Summary) => s.queues.filter((q): q is TxQueueSummary => q.kind === 'tx');
const noWall = (s: Summary) => ({ ...s, wall_ms: 0 });

describe('packet path: invariants', () => {
  const cases: [string, Record<string, unknown>][] = [
    ['forward, saturated, 1 queue', { 'queues.rx': 1, 'queues.tx': 1 }],
    ['forward, 24 queues, FreeBSD 12 lock', { 'host.freebsd': 12 }],
    ['forward, poisson at 0.5', { 'traffic.load': 0.5, 'traffic.arrival': 'poisson' }],
    ['forward, bursty overload', { 'traffic.load': 1.4, 'traffic.arrival': 'bursty', 'queues.rx': 4, 'queues.tx': 4 }],
    ['receive', { 'traffic.workload': 'receive', 'queues.rx': 2, 'queues.tx': 2 }],
    ['transmit', { 'traffic.workload': 'transmit', 'queues.rx': 2, 'queues.tx': 2 }],
  ];
  it.each(cases)('%s: conservation per stage and overall, Little on every ring', (_n, set) => {
    const { summary: s } = runScenario(fwd(set));
    expect(s.invariants.conservation).toBe(true);
    expect(s.invariants.ring_conservation).toBe(true);
    const dropped = Object.values(s.drops).reduce((a, b) => a + b, 0);
    expect(s.packets_simulated).toBeGreaterThan(0);
    expect(s.packets_simulated).toBe(Math.round(s.delivered_pps * s.simulated_ms / 1e3) + dropped + s.in_flight);
    // Little's law on every ring: the occupancy integrated event by event (L) equals throughput ×
    // mean time in the ring (λW, from per-packet sojourns) plus the residual of packets still in it.
    for (const q of rxq(s)) {
      expect(q.arrived).toBe(q.processed + q.dropped + q.in_ring);
      expect(q.mean_occupancy).toBeCloseTo(q.littles_law_lambda_w + q.littles_law_residual, 6);
    }
    for (const q of txq(s)) {
      expect(q.enqueued).toBe(q.delivered + q.in_flight);
      expect(q.mean_occupancy).toBeCloseTo(q.littles_law_lambda_w + q.littles_law_residual, 6);
    }
    expect(s.invariants.littles_law_max_error).toBeLessThan(1e-9);
    for (const c of s.cores) {
      expect(c.utilization).toBeGreaterThanOrEqual(0);
      expect(c.utilization).toBeLessThanOrEqual(1 + 1e-9);
    }
  });

  it('never forwards more than line rate', () => {
    const { summary: s } = runScenario(fwd({ 'nic.model': 'cxgbe-t520', 'traffic.load': 1.5 }));
    expect(s.forwarded_pps).toBeLessThanOrEqual(s.line_rate_pps * 1.0001);
    expect(s.drops.wire).toBeGreaterThan(0);
  });

  it('is deterministic and chunking-invariant', () => {
    const sc = fwd({ 'traffic.arrival': 'poisson', 'host.freebsd': 12 });
    const a = runScenario(sc), b = runScenario(sc);
    expect(noWall(a.summary)).toEqual(noWall(b.summary));
    const sim = new Simulation(sc);
    let k = 0;
    while (!sim.done) sim.advance([3, 1, 17][k++ % 3]);
    expect(noWall(sim.summary(0))).toEqual(noWall(a.summary));
    expect(sim.frames.since(0)).toEqual(a.frames);
    expect(sim.frames.length).toBe(FRAMES_PER_RUN);
    const c = runScenario(setPath(sc, 'sim.seed', 2));
    expect(c.summary.delivered_pps).not.toBe(a.summary.delivered_pps);
  });
});

describe('packet path: mechanisms', () => {
  it('one saturated queue: its CPU is 100% busy, the rest idle, and the bottleneck says so', () => {
    const { summary: s } = runScenario(fwd({ 'queues.rx': 1, 'queues.tx': 1 }));
    const busy = s.cores.filter((c) => c.utilization > 0.95);
    expect(busy.map((c) => c.cpu)).toEqual([0]);
    expect(s.drops.rx_ring).toBeGreaterThan(0);
    expect(s.bottleneck.kind).toBe('cpu');
    expect(s.bottleneck.cpu).toBe(0);
    expect(s.bottleneck.queue).toBe(0);
    expect(s.bottleneck.text).toMatch(/CPU 0 .*RX queue 0.*busy/);
    expect(s.bottleneck.text).toMatch(/23 of 24 CPUs have no queue work/);
  });

  it('forwarding scales with queues while CPU-bound, then stops at line rate', () => {
    // one socket, so every queue is local to the NIC
    const host = { 'host.preset': 'xeon-e5-2697av4', 'nic.model': 'cxgbe-t520' };
    const rate = (n: number) => runScenario(fwd({ ...host, 'queues.rx': n, 'queues.tx': n })).summary.forwarded_pps;
    const r1 = rate(1), r2 = rate(2), r4 = rate(4), r16 = rate(16);
    expect(r2 / r1).toBeGreaterThan(1.8);
    expect(r4 / r2).toBeGreaterThan(1.8);
    expect(r16).toBeGreaterThan(0.98 * runScenario(fwd(host)).summary.line_rate_pps);
  });

  it('FreeBSD 12 lock contention caps many-queue forwarding; 13 does not', () => {
    const v12 = runScenario(fwd({ 'host.freebsd': 12, 'sim.duration_ms': 3 })).summary;
    const v13 = runScenario(fwd({ 'host.freebsd': 13, 'sim.duration_ms': 3 })).summary;
    expect(v12.forwarded_pps).toBeLessThan(0.92 * v13.forwarded_pps);
    // spin per forwarded packet: 12 adds the lock word every CPU writes to 13's own TX locks
    const spinPerPkt = (s: Summary) => s.cores.reduce((a, c) => a + c.cycles_by_stage.spin, 0) / (s.forwarded_pps * s.simulated_ms / 1e3);
    expect(spinPerPkt(v12)).toBeGreaterThan(2 * spinPerPkt(v13));
  });

  it('a NUMA-remote egress NIC makes CPU-bound forwarding slower, and numa cycles show why', () => {
    const base = { 'nic.model': 'ix-82599', 'queues.rx': 2, 'queues.tx': 2 };
    const local = runScenario(fwd(base)).summary;
    const remote = runScenario(fwd({ ...base, 'forward.egress_numa_domain': 1 })).summary;
    expect(remote.forwarded_pps).toBeLessThan(0.97 * local.forwarded_pps);
    expect(remote.cores[0]!.cycles_by_stage.numa).toBeGreaterThan(local.cores[0]!.cycles_by_stage.numa);
  });

  it('if_alloc_dev matters when the NIC sits on domain 1', () => {
    const base = { 'nic.model': 'ix-82599', 'queues.rx': 2, 'queues.tx': 2, 'nic.numa_domain': 1, 'forward.egress_numa_domain': 1, 'queues.core_offset': 12 };
    const on = runScenario(fwd({ ...base, 'numa.if_alloc_dev': true })).summary;
    const off = runScenario(fwd({ ...base, 'numa.if_alloc_dev': false })).summary;
    expect(on.forwarded_pps).toBeGreaterThan(1.02 * off.forwarded_pps);
  });

  it('irq_spread moves 4 queues off consecutive CPUs onto every domain', () => {
    const packed = runScenario(fwd({ 'queues.rx': 4, 'queues.tx': 4 })).summary;
    const spread = runScenario(fwd({ 'queues.rx': 4, 'queues.tx': 4, 'queues.irq_spread': true })).summary;
    expect(rxq(packed).map((q) => q.cpu)).toEqual([0, 1, 2, 3]);
    expect(rxq(spread).map((q) => q.cpu)).toEqual([0, 6, 12, 18]);
    // Half the spread queues now run across the interconnect from the NIC: they pay for it.
    expect(spread.cores[12]!.cycles_by_stage.numa).toBeGreaterThan(0);
    expect(packed.cores[2]!.cycles_by_stage.numa).toBe(0);
  });

  it('options RSS: cxgbe takes a queue per bucket, bound to every CPU of both domains, and forwards more than its 8 local queues', () => {
    const t580 = (rss: boolean) => runScenario(setPath(presetScenario(findPreset('fwd-cxgbe-t580-e5v4-2s')!, { 'host.options_rss': rss }), 'sim.duration_ms', 2)).summary;
    const off = t580(false), on = t580(true);
    const domainOf = (cpu: number) => (cpu < 16 ? 0 : 1); // 2 × 16 cores, no SMT
    expect(rxq(off).length).toBe(8);
    expect(new Set(rxq(off).map((q) => domainOf(q.cpu)))).toEqual(new Set([0]));
    // 64 buckets for 32 CPUs; 63 RX queues fit the MSI-X vectors of each port
    expect(rxq(on).length).toBe(63);
    expect(txq(on).length).toBe(64);
    expect(new Set(rxq(on).map((q) => q.cpu)).size).toBe(32);
    expect(new Set(rxq(on).map((q) => domainOf(q.cpu)))).toEqual(new Set([0, 1]));
    expect(on.forwarded_pps).toBeGreaterThan(2 * off.forwarded_pps);
    expect(on.notes.some((n) => n.includes('rss_getcpu') && n.includes('performance will be impacted'))).toBe(true);
    // bucket 63 falls back on queue 0 (63 mod 63): that queue takes twice the flows
    const arrived = rxq(on).map((q) => q.arrived);
    const others = arrived.slice(1).reduce((a, b) => a + b, 0) / (arrived.length - 1);
    expect(arrived[0]!).toBeGreaterThan(1.6 * others);
  });

  it('options RSS changes nothing iflib does (sys/net/iflib.c has no RSS code), and says so', () => {
    const ixl = (rss: boolean) => runScenario(setPath(presetScenario(findPreset('fwd-ixl-x710-ryzen')!, { 'host.options_rss': rss }), 'sim.duration_ms', 2)).summary;
    const off = ixl(false), on = ixl(true);
    const strip = (s: Summary) => ({ ...noWall(s), scenario: null, link: null, notes: null });
    expect(strip(on)).toEqual(strip(off));
    expect(on.notes.filter((n) => !off.notes.includes(n))).toEqual(["host.options_rss=true has no effect here: sys/net/iflib.c has no RSS code, and 8 RX queues divide the kernel's 16 buckets, so ixl's RSS table comes out as without it"]);
  });

  it('options RSS on an iflib driver whose RX queues do not divide the buckets: the RSS table from the kernel loads some queues more', () => {
    const ix = (rss: boolean) => runScenario(setPath(presetScenario(findPreset('fwd-ix-82599-e5v4')!, { 'host.freebsd': 14, 'host.options_rss': rss }), 'sim.duration_ms', 2)).summary;
    const off = ix(false), on = ix(true);
    // 12 queues on domain 0's CPUs either way (iflib places them); 24 CPUs → 64 buckets, 64 mod 12 = 4
    expect(rxq(on).map((q) => q.cpu)).toEqual(rxq(off).map((q) => q.cpu));
    expect(rxq(on).length).toBe(12);
    const ratio = (s: Summary) => {
      const a = rxq(s).map((q) => q.arrived), mean = (xs: number[]) => xs.reduce((x, y) => x + y, 0) / xs.length;
      return mean(a.slice(0, 4)) / mean(a.slice(4));
    };
    expect(ratio(on)).toBeGreaterThan(1.1); // 6 buckets against 5
    expect(Math.abs(ratio(off) - 1)).toBeLessThan(0.08);
    expect(on.notes.some((n) => n.startsWith('options RSS: ix fills its RSS table from the kernel\'s 64 buckets') && n.includes('RX queues 0–3 take 6 buckets'))).toBe(true);
  });

  it('options RSS leaves cxgbe netmap transmit alone: its rings are the netmap queues, which RSS does not size', () => {
    const nm = (rss: boolean) => runScenario(setPath(presetScenario(findPreset('cxgbe-40g-netmap-tx')!, { 'host.options_rss': rss }), 'sim.duration_ms', 1)).summary;
    const off = nm(false), on = nm(true);
    const strip = (s: Summary) => ({ ...noWall(s), scenario: null, link: null, notes: null });
    expect(strip(on)).toEqual(strip(off));
    expect(on.notes.some((n) => n.startsWith('host.options_rss=true has no effect here') && n.includes('vi->nnmtxq'))).toBe(true);
  });

  it('a larger rx_budget means fewer passes per packet for iflib drivers', () => {
    const base = { 'nic.model': 'ix-82599', 'queues.rx': 1, 'queues.tx': 1, 'sim.duration_ms': 10 };
    const b16 = runScenario(fwd(base)).summary;
    const b64 = runScenario(fwd({ ...base, 'iflib.rx_budget': 64 })).summary;
    expect(rxq(b16)[0]!.mean_pass).toBeGreaterThan(15.5);
    expect(rxq(b16)[0]!.mean_pass).toBeLessThanOrEqual(16);
    expect(rxq(b64)[0]!.mean_pass).toBeGreaterThan(60);
    expect(rxq(b64)[0]!.mean_pass).toBeLessThanOrEqual(64);
    expect(b64.forwarded_pps).toBeGreaterThan(b16.forwarded_pps);
  });

  it('interrupt moderation bounds the interrupt rate at light load', () => {
    const s = runScenario(fwd({ 'traffic.load': 0.05, 'queues.rx': 1, 'queues.tx': 1, 'iflib.itr_us': 100, 'sim.duration_ms': 5 })).summary;
    const irqs = rxq(s)[0]!.interrupts;
    expect(irqs).toBeLessThanOrEqual(5e-3 / 100e-6 + 1);
    expect(irqs).toBeGreaterThan(5e-3 / 100e-6 * 0.8);
    expect(s.drops.rx_ring).toBe(0);
  });

  it('RSS spreads 2000 flows over queues roughly evenly; one flow lands on one queue', () => {
    const many = runScenario(fwd({ 'nic.model': 'cxgbe-t520', 'traffic.load': 0.3 })).summary;
    const arr = rxq(many).map((q) => q.arrived);
    const mean = arr.reduce((a, b) => a + b, 0) / arr.length;
    expect(Math.max(...arr) / mean).toBeLessThan(1.25);
    const one = runScenario(fwd({ 'nic.model': 'cxgbe-t520', 'traffic.load': 0.3, 'traffic.flows': 1 })).summary;
    expect(rxq(one).filter((q) => q.arrived > 0)).toHaveLength(1);
  });

  it('receive sinks packets locally: nothing leaves on a wire', () => {
    const s = runScenario(fwd({ 'traffic.workload': 'receive', 'traffic.load': 0.2 })).summary;
    expect(s.tx_pps).toBe(0);
    expect(s.delivered_pps).toBeGreaterThan(0.19 * s.line_rate_pps);
    expect(s.cores[0]!.cycles_by_stage.stack).toBeGreaterThan(0);
    expect(s.cores[0]!.cycles_by_stage.encap).toBe(0);
  });

  it('transmit charges sender threads and is limited by them', () => {
    const s = runScenario(fwd({ 'traffic.workload': 'transmit', 'queues.rx': 1, 'queues.tx': 1 })).summary;
    expect(s.drops.sender).toBe(0);
    expect(s.cores[0]!.cycles_by_stage.sender).toBeGreaterThan(s.cores[0]!.cycles_by_stage.encap);
    expect(s.bottleneck.cpu).toBe(0);
    expect(s.bottleneck.text).toMatch(/a sender/);
  });

  it('SMT siblings sharing a core run slower than two physical cores', () => {
    const phys = runScenario(fwd({ 'nic.model': 'ix-82599', 'host.smt': true, 'queues.rx': 2, 'queues.tx': 2 })).summary;
    const smt = runScenario(fwd({ 'nic.model': 'ix-82599', 'host.smt': true, 'queues.use_logical_cores': true, 'queues.rx': 2, 'queues.tx': 2 })).summary;
    expect(rxq(smt).map((q) => q.cpu)).toEqual([0, 1]);
    expect(smt.forwarded_pps).toBeLessThan(0.7 * phys.forwarded_pps);
  });
});

describe('packet path: bad input names the knob and the limit', () => {
  const errs = (set: Record<string, unknown>) => {
    let s = defaultScenario();
    for (const [k, v] of Object.entries(set)) s = applyKnob(s, k, v);
    const r = parseScenario(s);
    return r.ok ? [] : r.errors;
  };
  it('too many queues for the NIC', () => {
    expect(errs({ 'nic.model': 'ix-82599', 'queues.rx': 17, 'queues.tx': 17 }).join(' ')).toMatch(/queues\.rx = 17 exceeds the limit of 16/);
  });
  it('ring sizes the driver cannot take', () => {
    expect(errs({ 'queues.rx_desc': 32768 }).join(' ')).toMatch(/queues\.rx_desc/);
    expect(errs({ 'nic.model': 'ix-82599', 'queues.tx_desc': 8192 }).join(' ')).toMatch(/queues\.tx_desc = 8192 is above the ix maximum of 4096/);
  });
  it('domains that do not exist, zero cores, a mix that does not add up', () => {
    expect(errs({ 'nic.numa_domain': 2 }).join(' ')).toMatch(/nic\.numa_domain = 2 does not exist/);
    expect(errs({ 'host.cores': 0 }).join(' ')).toMatch(/host\.cores must be at least 1/);
    expect(errs({ 'traffic.mix.tcp': 0.5 }).join(' ')).toMatch(/traffic\.mix\.tcp \+ traffic\.mix\.udp \+ traffic\.mix\.sctp must add up to 1/);
  });
});

describe('calibration presets', () => {
  it('exist under the issue\'s names', () => {
    for (const n of ['fwd-mlx5-cx4lx-e5v4', 'fwd-ix-82599-e5v4', 'fwd-cxgbe-t520-e5v4', 'fwd-ixl-x710-ryzen']) expect(findPreset(n)?.targets?.length).toBeGreaterThan(0);
  });

});

describe('transmit senders', () => {
  it('places sender threads from traffic.sender_cpu and shares TX queues by flowid', () => {
    const s = runScenario(fwd({ 'traffic.workload': 'transmit', 'traffic.senders': 6, 'traffic.sender_cpu': 4, 'queues.rx': 2, 'queues.tx': 2, 'traffic.load': 0.2 })).summary;
    const withSenders = s.cores.filter((c) => c.tasks.some((t) => t.startsWith('sender'))).map((c) => c.cpu);
    expect(withSenders).toEqual([4, 5, 6, 7, 8, 9]);
    const tx = txq(s);
    expect(tx).toHaveLength(2);
    expect(tx.every((q) => q.enqueued > 0)).toBe(true);
    expect(s.cores[4]!.cycles_by_stage.sender).toBeGreaterThan(0);
    expect(s.cores[0]!.cycles_by_stage.sender).toBe(0);
    expect(s.invariants.conservation).toBe(true);
  });
});
