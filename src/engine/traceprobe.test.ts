/**
 * Trace content on scenarios small enough to count by hand: one queue, one flow, one packet every
 * 20 µs, so the 200 µs window holds ten packets, each handled alone. These check the coarse probe
 * (traceprobe.ts); the stage modules' own recording calls must pass them too.
 */
import { describe, expect, it } from 'vitest';
import { FRAMES_PER_RUN, Simulation, applyKnob, defaultScenario, lineRatePps, parseScenario, setPath, type Scenario } from './index';
import { TK, type TraceData } from './trace';

const GAP_NS = 20_000;

/** ixl (iflib) on the Ryzen host, one RX and one TX queue, interrupts unmoderated, one packet per 20 µs. */
function oneQueue(workload: 'forward' | 'transmit', extra: Record<string, unknown> = {}): Scenario {
  let s = applyKnob(applyKnob(defaultScenario(), 'nic.model', 'ixl-x710'), 'host.preset', 'ryzen7-8845hs');
  const set: Record<string, unknown> = {
    'traffic.workload': workload, 'queues.rx': 1, 'queues.tx': 1, 'iflib.itr_us': 0, 'traffic.flows': 1,
    'traffic.load': 1e9 / GAP_NS / lineRatePps(10, 64), 'sim.duration_ms': 2, 'sim.trace': true,
    ...(workload === 'transmit' ? { 'traffic.senders': 1 } : {}), ...extra,
  };
  for (const [k, v] of Object.entries(set)) s = setPath(s, k, v);
  const r = parseScenario(s);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value;
}

function trace(s: Scenario): TraceData {
  const sim = new Simulation(s);
  sim.advance(FRAMES_PER_RUN);
  return sim.trace!.data();
}

const of = (d: TraceData, kind: number) => [...Array(d.n).keys()].filter((i) => d.kind[i] === kind);

describe('one forwarded packet every 20 µs', () => {
  const d = trace(oneQueue('forward'));
  const passes = of(d, TK.RX_PASS), irqs = of(d, TK.IRQ), bells = of(d, TK.DOORBELL);

  it('ten packets in the 200 µs window: ten interrupts, each starting a pass of one packet', () => {
    expect(d.toNs - d.fromNs).toBe(10 * GAP_NS);
    expect(irqs.length).toBe(10);
    expect(passes.length).toBe(10);
    for (const [k, p] of passes.entries()) {
      expect(d.packets[p]).toBe(1);
      expect(d.a[p]).toBe(1); // woken by the interrupt
      expect(d.cpu[p]).toBe(d.cpu[irqs[k]!]);
      expect(d.t0[p]).toBe(d.t0[irqs[k]!]); // the idle CPU starts the task at the interrupt
      if (k > 0) expect(d.t0[p]! - d.t0[passes[k - 1]!]!).toBeCloseTo(GAP_NS, 6);
    }
  });

  it('every pass costs the same and rings one doorbell at its end', () => {
    const dur = passes.map((p) => d.t1[p]! - d.t0[p]!);
    for (const x of dur) expect(x).toBeCloseTo(dur[0]!, 6);
    expect(dur[0]).toBeGreaterThan(0);
    expect(bells.map((b) => d.t0[b])).toEqual(passes.map((p) => d.t1[p]));
    expect(bells.every((b) => d.a[b] === 1)).toBe(true);
  });

  it('the RX ring holds the packet from its arrival until its pass ends', () => {
    const rx = d.counters.findIndex((c) => c.name === 'rxq0 RX ring');
    const samples = [...Array(d.cn).keys()].filter((j) => d.ctrack[j] === rx).map((j) => [d.ct[j], d.cv[j]]);
    // 1 at each arrival, 0 at each pass end
    expect(samples.filter(([, v]) => v === 1).length).toBe(10);
    for (const p of passes) expect(samples).toContainEqual([d.t1[p], 0]);
  });
});

describe('one sender, one TX queue, a packet every 20 µs', () => {
  it('the producer becomes the consumer: each sender pass is followed on its CPU by a drain of its packet', () => {
    const d = trace(oneQueue('transmit'));
    const sends = of(d, TK.SENDER_PASS), drains = of(d, TK.DRAIN);
    // 1.0 ms … 1.2 ms: passes at 1.00, 1.02, …, 1.20 ms (the last starts on the window's end)
    expect(sends.length).toBe(11);
    expect(drains.length).toBe(10);
    expect(d.fn).toBe(10);
    for (let k = 0; k < d.fn; k++) {
      const [s, t] = [d.flowFrom[k]!, d.flowTo[k]!];
      expect(d.kind[s]).toBe(TK.SENDER_PASS);
      expect(d.kind[t]).toBe(TK.DRAIN);
      expect(d.cpu[t]).toBe(d.cpu[s]);
      expect(d.t0[t]).toBe(d.t1[s]);
      expect([d.packets[s], d.packets[t], d.a[t], d.b[t]]).toEqual([1, 1, 1, 0]); // one packet, one doorbell, run by the producer
    }
  });

  it('with tx_abdicate and separate TX CPUs the drain runs on the TX queue\'s CPU, by the TX task', () => {
    const d = trace(oneQueue('transmit', { 'iflib.tx_abdicate': true, 'queues.separate_txrx': true }));
    const sends = of(d, TK.SENDER_PASS);
    expect(d.fn).toBe(10);
    for (let k = 0; k < d.fn; k++) {
      const [s, t] = [d.flowFrom[k]!, d.flowTo[k]!];
      expect(d.cpu[t]).not.toBe(d.cpu[s]);
      expect(d.b[t]).toBe(1);
      expect(d.t0[t]).toBe(d.t1[s]); // the TX CPU was idle: it starts at once
    }
    expect(new Set(sends.map((s) => d.cpu[s])).size).toBe(1);
  });
});
