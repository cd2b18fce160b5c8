import { describe, expect, it } from 'vitest';
import { defaultScenario, setPath, type Scenario } from './scenario';
import { FRAMES_PER_RUN, Simulation, runScenario, type Summary } from './sim';
import type { TxQueueSummary } from './index';
import { lineRatePps, frameTimeNs } from './wire';
import { decodeLink } from './link';

function scenario(over: Record<string, unknown>): Scenario {
  // These tests check the ring and wire stages alone: the `ring` workload, v1's model.
  let s = setPath(defaultScenario(), 'traffic.workload', 'ring');
  s = setPath(s, 'traffic.arrival', 'poisson');
  s = setPath(s, 'traffic.load', 0.9);
  for (const [k, v] of Object.entries(over)) s = setPath(s, k, v);
  return s;
}

const noWall = (s: Summary) => ({ ...s, wall_ms: 0 });

describe('Simulation (source → TX ring → wire)', () => {
  it('conserves packets exactly: offered = delivered + dropped + in flight', () => {
    for (const arrival of ['constant', 'poisson', 'bursty'] as const) {
      for (const load of [0.3, 0.95, 1.4]) {
        const { summary: s } = runScenario(scenario({ 'traffic.arrival': arrival, 'traffic.load': load, 'sim.duration_ms': 5, 'queues.tx_desc': 128 }));
        const q = (s.queues[0] as TxQueueSummary);
        expect(s.packets_simulated).toBe(q.delivered + s.drops.tx_ring + s.in_flight);
        expect(q.enqueued).toBe(q.delivered + q.in_flight);
        expect(s.in_flight).toBeLessThanOrEqual(128);
      }
    }
  });

  it('never delivers more than line rate, and drops the excess under overload', () => {
    for (const gbps of [1, 10, 100] as const) {
      const { summary: s } = runScenario(scenario({ 'nic.link_gbps': gbps, 'traffic.load': 1.5, 'sim.duration_ms': 4 }));
      const line = lineRatePps(gbps, 64);
      expect(s.tx_pps).toBeLessThanOrEqual(line * (1 + 1e-9));
      expect(s.tx_pps).toBeGreaterThan(line * 0.99);
      expect(s.offered_pps / line).toBeGreaterThan(1.45);
      expect(s.drops.tx_ring).toBeGreaterThan(0);
    }
  });

  it('constant load 1.0 fills the wire exactly with no drops (D/D/1)', () => {
    const { summary: s } = runScenario(scenario({ 'traffic.arrival': 'constant', 'traffic.load': 1, 'sim.duration_ms': 2 }));
    expect(s.drops.tx_ring).toBe(0);
    // Arrival n and departure n-1 coincide; float rounding may put either first, so ≤ 2.
    expect((s.queues[0] as TxQueueSummary).max_occupancy).toBeLessThanOrEqual(2);
    expect((s.queues[0] as TxQueueSummary).mean_occupancy).toBeCloseTo(1, 6);
    expect(s.latency_us.mean * 1e3).toBeCloseTo(frameTimeNs(10, 64), 6);
  });

  it('matches the M/D/1 mean sojourn (Pollaczek–Khinchine) for poisson arrivals', () => {
    for (const rho of [0.5, 0.8]) {
      const { summary: s } = runScenario(scenario({ 'traffic.load': rho, 'queues.tx_desc': 16384, 'sim.duration_ms': 50, 'sim.seed': 11 }));
      const S = frameTimeNs(10, 64) / 1e3; // µs
      const expected = S + (rho * S) / (2 * (1 - rho));
      expect(s.drops.tx_ring).toBe(0);
      expect(Math.abs(s.latency_us.mean - expected) / expected).toBeLessThan(0.02);
    }
  });

  it('matches the M^X/D/1 mean sojourn for bursty (geometric batch) arrivals', () => {
    // Customer-average wait for batch-Poisson arrivals, deterministic service S, batch size X:
    // Wq = [ρS + (E[X²]/E[X] − 1)S] / (2(1−ρ)); geometric X with mean m gives E[X²]/E[X] = 2m − 1.
    const rho = 0.6, m = 32;
    const { summary: s } = runScenario(scenario({ 'traffic.arrival': 'bursty', 'traffic.load': rho, 'queues.tx_desc': 16384, 'sim.duration_ms': 200, 'sim.seed': 5 }));
    const S = frameTimeNs(10, 64) / 1e3;
    const expected = S + (rho * S + (2 * m - 2) * S) / (2 * (1 - rho));
    expect(s.drops.tx_ring).toBe(0);
    expect(Math.abs(s.latency_us.mean - expected) / expected).toBeLessThan(0.03);
  });

  it('matches the M/D/1/K blocking probability for a small ring', () => {
    // Embedded-chain solution for M/D/1/K (Gross & Harris): computed numerically here.
    const K = 4, rho = 0.9;
    const { summary: s } = runScenario(scenario({ 'traffic.load': rho, 'queues.tx_desc': K, 'sim.duration_ms': 100, 'sim.seed': 3 }));
    const pBlock = s.drops.tx_ring / s.packets_simulated;
    expect(Math.abs(pBlock - md1kBlocking(rho, K)) / md1kBlocking(rho, K)).toBeLessThan(0.03);
  });

  it("holds Little's law on the ring: time-averaged occupancy = throughput × mean sojourn", () => {
    for (const arrival of ['poisson', 'bursty'] as const) {
      const { summary: s } = runScenario(scenario({ 'traffic.arrival': arrival, 'traffic.load': 0.9, 'sim.duration_ms': 20 }));
      const q = (s.queues[0] as TxQueueSummary);
      // Edge effect: frames still in flight at the end count in L but not yet in W.
      expect(Math.abs(q.mean_occupancy - q.littles_law_lambda_w)).toBeLessThan(0.01 * q.mean_occupancy + 1e-3 + q.in_flight / 1000);
      expect(q.mean_occupancy).toBeGreaterThan(1);
    }
  });

  it('is deterministic: same seed → identical summary and frames; different seed → different arrivals', () => {
    const sc = scenario({ 'sim.duration_ms': 3 });
    const a = runScenario(sc), b = runScenario(sc);
    expect(noWall(a.summary)).toEqual(noWall(b.summary));
    expect(a.frames).toEqual(b.frames);
    const c = runScenario(scenario({ 'sim.duration_ms': 3, 'sim.seed': 2 }));
    expect(c.summary.packets_simulated).not.toBe(a.summary.packets_simulated);
  });

  it('gives the same result however the run is chunked', () => {
    const sc = scenario({ 'sim.duration_ms': 3, 'traffic.arrival': 'bursty' });
    const whole = runScenario(sc);
    const sim = new Simulation(sc);
    const sizes = [1, 7, 3, 50, 1000];
    let i = 0;
    while (!sim.done) sim.advance(sizes[i++ % sizes.length]);
    expect(sim.frames.length).toBe(FRAMES_PER_RUN);
    expect(noWall(sim.summary(0))).toEqual(noWall(whole.summary));
    expect(sim.frames.since(0)).toEqual(whole.frames);
  });

  it('records frames whose rates add up to the summary', () => {
    const { summary: s, frames } = runScenario(scenario({ 'traffic.load': 1.2, 'sim.duration_ms': 10 }));
    const frameSec = 10 / FRAMES_PER_RUN / 1e3;
    const sum = (k: string) => frames.columns[k]!.reduce((a, b) => a + b, 0) * frameSec;
    expect(sum('offered_pps')).toBeCloseTo(s.packets_simulated, 3);
    expect(sum('drops_pps')).toBeCloseTo(s.drops.tx_ring, 3);
    expect(sum('tx_pps')).toBeCloseTo((s.queues[0] as TxQueueSummary).delivered, 3);
    expect(frames.columns.t_ms![FRAMES_PER_RUN - 1]).toBe(10);
  });

  it('produces a link that decodes to the same scenario', () => {
    const sc = scenario({ 'traffic.load': 0.42, 'sim.seed': 99, 'sim.duration_ms': 1 });
    const { summary } = runScenario(sc);
    const d = decodeLink(summary.link);
    expect(d.ok && !d.empty && d.state.scenario).toEqual(sc);
  });

  it('a silent source simulates nothing and still finishes', () => {
    const { summary: s } = runScenario(scenario({ 'traffic.load': 0, 'sim.duration_ms': 1 }));
    expect(s.packets_simulated).toBe(0);
    expect(s.simulated_ms).toBe(1);
    expect(s.latency_us.p99).toBe(0);
  });
});

/**
 * Blocking probability of M/D/1/K via the embedded Markov chain at departures (Gross & Harris,
 * "Fundamentals of Queueing Theory", §5.x): a_k = P(k arrivals in one service time) = e^{-ρ} ρ^k / k!.
 */
function md1kBlocking(rho: number, K: number): number {
  const a = (k: number) => (Math.exp(-rho) * rho ** k) / factorial(k);
  // Departure-epoch distribution π_0..π_{K-1} solving π = πP for the M/G/1/K embedded chain.
  const n = K;
  const P: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const base = Math.max(i - 1, 0); // after a departure from i (i=0: wait for an arrival first)
    let acc = 0;
    for (let j = base; j < n - 1; j++) {
      const p = a(j - base + (i === 0 ? 0 : 0));
      P[i]![j] = p;
      acc += p;
    }
    P[i]![n - 1] = 1 - acc;
  }
  // Power iteration.
  let pi = new Array<number>(n).fill(1 / n);
  for (let it = 0; it < 5000; it++) {
    const next = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) next[j]! += pi[i]! * P[i]![j]!;
    pi = next;
  }
  // Time-average distribution: p_j = π_j / (π_0 + ρ), j < K; p_K = 1 - 1/(π_0 + ρ).
  return 1 - 1 / (pi[0]! + rho);
}

function factorial(k: number): number {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
}
