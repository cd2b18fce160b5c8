/**
 * The pre-allocation estimate against the measured state: estimate ≥ stateBytes (so a scenario
 * that passes the budget check cannot then allocate more) and within ESTIMATE_FACTOR of it, for
 * every preset and the extremes of the knobs that size the state. An engine change that allocates
 * more than budget.ts knows about fails here.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESTIMATE_FACTOR, MIB, estimateStateBytes, memoryBudgetProblem } from './budget';
import { bytesReader, openCapture } from './pcap';
import { stateBytes } from './footprint';
import { PRESETS, presetScenario } from './presets';
import { Prng } from './prng';
import { applyKnob, defaultScenario, parseScenario, type Scenario } from './scenario';
import { Simulation } from './sim';

function build(base: Scenario, set: [string, unknown][]): Scenario {
  let s = base;
  for (const [k, v] of set) s = applyKnob(s, k, v);
  const r = parseScenario(s);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value;
}

const mlx100 = applyKnob(defaultScenario(), 'nic.model', 'mlx5-cx5-100g');
const EXTREMES: [string, Scenario][] = [
  ['largest forward (256 cores, 8192-descriptor rings, 10^6 flows)', build(mlx100, [['host.cores', 256], ['queues.rx_desc', 8192], ['queues.tx_desc', 8192], ['traffic.flows', 1_000_000]])],
  ['receive, LRO sorted, big arrays, 16 queues', build(mlx100, [['traffic.workload', 'receive'], ['queues.rx', 16], ['queues.tx', 16], ['queues.rx_desc', 8192], ['traffic.flows', 200_000], ['lro.mode', 'sorted'], ['lro.mbufs', 8192], ['lro.batch', 8192], ['lro.entries', 64]])],
  ['receive, 200,000 TCP senders in a closed loop, LRO sorted (13+)', build(mlx100, [['traffic.workload', 'receive'], ['queues.rx', 8], ['queues.tx', 8], ['traffic.flows', 200_000], ['traffic.mix.tcp', 1], ['traffic.mix.udp', 0], ['traffic.window', 'newreno'], ['lro.mode', 'sorted']])],
  ['receive, 1000 sender hosts of 200,000 flows, classic LRO on 12', build(mlx100, [['traffic.workload', 'receive'], ['host.freebsd', 12], ['traffic.flows', 200_000], ['traffic.active_senders', 1000], ['lro.entries', 64]])],
  ['receive, v3 uniform traffic', build(mlx100, [['traffic.workload', 'receive'], ['traffic.interleave', 'uniform'], ['traffic.flows', 200_000]])],
  ['forward, LRO enabled on the router', build(defaultScenario(), [['lro.forwarding', true], ['lro.tcp_hint', true]])],
  ['receive, LRO legacy, one queue, one flow', build(defaultScenario(), [['traffic.workload', 'receive'], ['queues.rx', 1], ['traffic.flows', 1]])],
  ['transmit, mp_ring of 65536 on 16 queues', build(mlx100, [['traffic.workload', 'transmit'], ['queues.tx', 16], ['queues.rx', 16], ['tx.mp_ring_size', 65536], ['queues.tx_desc', 8192]])],
  ['transmit, buf_ring, 512 senders on 256 cores', build(mlx100, [['traffic.workload', 'transmit'], ['tx.path', 'buf_ring'], ['traffic.senders', 512], ['host.cores', 256]])],
  ['transmit, netmap', build(mlx100, [['traffic.workload', 'transmit'], ['tx.path', 'netmap'], ['netmap.burst', 4096]])],
  ['ring, 64 descriptors', build(defaultScenario(), [['traffic.workload', 'ring'], ['queues.tx_desc', 64]])],
  ['ring, 16384 descriptors', build(defaultScenario(), [['traffic.workload', 'ring'], ['queues.tx_desc', 16384]])],
  ['one core, one flow', build(defaultScenario(), [['host.cores', 1], ['host.numa_domains', 1], ['traffic.flows', 1]])],
  ['SMT, logical cores, separate TX CPUs', build(defaultScenario(), [['host.smt', true], ['queues.use_logical_cores', true], ['queues.separate_txrx', true]])],
];

function check(name: string, s: Scenario): number {
  const est = estimateStateBytes(s).bytes;
  const measured = stateBytes(new Simulation(s));
  expect(est, `${name}: estimate ${est} < measured ${measured}`).toBeGreaterThanOrEqual(measured);
  expect(est / measured, `${name}: estimate ${est} vs measured ${measured}`).toBeLessThanOrEqual(ESTIMATE_FACTOR);
  return est / measured;
}

describe('estimateStateBytes', () => {
  it('bounds every preset from above, within the stated factor', () => {
    check('defaults', defaultScenario());
    for (const p of PRESETS) check(p.name, presetScenario(p));
  });

  it('bounds traced runs (sim.trace: the recorder and its tap at their largest), before and after recording', () => {
    for (const name of ['fwd-ix-82599-e5v4', 'cxgbe-40g-kernel-tx', 'ixl-netmap-stall', 'lro-many-flows-sorted']) {
      const s = applyKnob(applyKnob(presetScenario(PRESETS.find((p) => p.name === name)!), 'sim.trace', true), 'sim.duration_ms', 2);
      check(`${name} traced`, s);
      const sim = new Simulation(s);
      sim.advance(200);
      expect(sim.trace!.length, name).toBeGreaterThan(0);
      expect(estimateStateBytes(s).bytes, name).toBeGreaterThanOrEqual(stateBytes(sim));
      expect(estimateStateBytes(s).parts.trace, name).toBeGreaterThan(14 * MIB);
    }
    check('ring traced', applyKnob(build(defaultScenario(), [['traffic.workload', 'ring']]), 'sim.trace', true));
  });

  it('bounds the extremes of every knob that sizes the state', () => {
    for (const [name, s] of EXTREMES) check(name, s);
  });

  it('bounds random scenarios across workloads, queues, rings, flows and LRO sizes', () => {
    const r = new Prng(2024);
    const pick = <T>(xs: readonly T[]) => xs[r.below(xs.length)]!;
    let n = 0;
    for (let i = 0; i < 300 && n < 40; i++) {
      let s: Scenario;
      try {
        s = build(pick([defaultScenario(), mlx100, ...PRESETS.map((p) => presetScenario(p))]), [
          ['traffic.workload', pick(['forward', 'receive', 'transmit', 'ring'])],
          ['traffic.flows', pick([1, 7, 2000, 65001, 150_000])],
          ['queues.rx_desc', pick([64, 512, 2048, 4096])],
          ['queues.tx_desc', pick([64, 1024, 4096])],
          ['lro.mode', pick(['off', 'legacy', 'sorted'])],
          ['lro.mbufs', pick([16, 1024, 8192])],
          ['lro.batch', pick([1, 1024, 8192])],
          ['lro.entries', pick([1, 8, 64])],
          ['tx.path', pick(['mp_ring', 'buf_ring', 'simple', 'netmap'])],
          ['tx.mp_ring_size', pick([8, 2048, 16384])],
          ['traffic.senders', pick([0, 1, 37])],
          ['traffic.interleave', pick(['uniform', 'tso'])],
          ['traffic.window', pick(['open', 'newreno'])],
          ['traffic.active_senders', pick([0, 3, 1000])],
          ['host.freebsd', pick([12, 14])],
        ]);
      } catch {
        continue; // not a valid combination for that base: try another
      }
      check(`random ${i}`, s);
      n++;
    }
    expect(n).toBe(40);
  });

  it('bounds a capture replay: with the capture\'s flows, and with the most a capture may have', () => {
    const cap = openCapture(bytesReader(new Uint8Array(readFileSync(join(__dirname, 'fixtures', 'pcap', 'iperf3-p8.pcap')))), 'iperf3-p8.pcap');
    for (const mode of ['off', 'sorted']) {
      const s = build(defaultScenario(), [['traffic.workload', 'receive'], ['traffic.interleave', 'pcap'], ['lro.mode', mode], ['sim.duration_ms', 1]]);
      const measured = stateBytes(new Simulation(s, { capture: cap }));
      const est = estimateStateBytes(s, { captureFlows: cap.info.flows }).bytes;
      expect(est, `lro ${mode}: estimate ${est} < measured ${measured}`).toBeGreaterThanOrEqual(measured);
      expect(est / measured).toBeLessThanOrEqual(ESTIMATE_FACTOR);
      // not knowing the capture, the estimate takes a million flows: an upper bound, refused sooner
      expect(estimateStateBytes(s).bytes).toBeGreaterThan(est + 10 * MIB);
    }
  });

  it('refuses over the budget before anything is built, naming MiB and the largest parts', () => {
    const big = EXTREMES[0]![1];
    const est = estimateStateBytes(big).bytes;
    expect(est).toBeGreaterThan(64 * MIB);
    const msg = memoryBudgetProblem(big, 64, '?budget_mb=N');
    expect(msg).toMatch(/^This scenario needs about \d+\.\d MiB of simulation state \(tx rings [\d.]+ MiB, rx rings [\d.]+ MiB\); the memory budget is 64 MiB\. .*\?budget_mb=N\.$/);
    expect(memoryBudgetProblem(big, 1024, '?budget_mb=N')).toBeNull();
  });
});
