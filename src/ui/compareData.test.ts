import { describe, expect, it } from 'vitest';
import { PRESETS, defaultScenario, presetScenario, runScenario, setPath } from '../engine';
import { compareFigures, formatRatio, knobDiffs, ratio } from './compareData';

const short = (name: string) => setPath(presetScenario(PRESETS.find((p) => p.name === name)!), 'sim.duration_ms', 1);

describe('compare figures', () => {
  it('puts A and B side by side, with the figures the workloads have', () => {
    const a = runScenario(short('fewer-queues-than-cores')).summary;
    const b = runScenario(setPath(short('fewer-queues-than-cores'), 'queues.irq_spread', true)).summary;
    const rows = compareFigures(a, b);
    const keys = rows.map((r) => r.key);
    expect(keys).toEqual(['offered_pps', 'rx_pps', 'delivered_pps', 'forwarded_pps', 'tx_pps', 'drops', 'latency_mean', 'latency_p50', 'latency_p99', 'cost_ns', 'cost_cycles', 'cpu_busy', 'packets_simulated']);
    // The engine's cost per packet, for A and B.
    const cost = rows.find((r) => r.key === 'cost_ns')!;
    expect([cost.a, cost.b]).toEqual([a.cost_per_packet.total_ns, b.cost_per_packet.total_ns]);
    const d = rows.find((r) => r.key === 'delivered_pps')!;
    expect(d.a).toBe(a.delivered_pps);
    expect(d.b).toBe(b.delivered_pps);
    expect(d.format(d.a)).toBe((a.delivered_pps / 1e6).toFixed(3));
    expect(d.unit).toBe('Mpps');
  });

  it('shows LRO only when a run has it, and no B before B has run', () => {
    const a = runScenario(short('lro-many-flows-sorted')).summary;
    const rows = compareFigures(a, null);
    const lro = rows.find((r) => r.key === 'lro_ratio')!;
    expect(lro.a).toBeGreaterThan(1);
    expect(lro.unit).toBe('packets/segment');
    expect(rows.every((r) => r.b === null)).toBe(true);
    expect(rows.some((r) => r.key === 'forwarded_pps')).toBe(false);
    // Receive has no TX wire; the ring workload no RX rings and no CPU cost.
    expect(rows.some((r) => r.key === 'tx_pps')).toBe(false);
    const ring = runScenario(short('line-rate-10g-64b')).summary;
    const ringKeys = compareFigures(ring, ring).map((r) => r.key);
    expect(ringKeys).not.toContain('rx_pps');
    expect(ringKeys).not.toContain('cost_ns');
    expect(ringKeys).toContain('tx_pps');
  });

  it('B/A, and a dash where it means nothing', () => {
    expect(ratio(2, 3)).toBe(1.5);
    expect(ratio(0, 0)).toBeNull(); // nothing to compare (no TX in a receive run, no drops)
    expect(ratio(0, 5)).toBeNull();
    expect(ratio(2, null)).toBeNull();
    expect(ratio(NaN, 1)).toBeNull();
    expect(formatRatio(1.5)).toBe('1.500×');
    expect(formatRatio(null)).toBe('—');
  });
});

describe('knob differences', () => {
  it('lists every knob that differs, in form order, with units and names', () => {
    const a = defaultScenario();
    let b = setPath(a, 'traffic.load', 0.5);
    b = setPath(b, 'queues.irq_spread', !a.queues.irq_spread);
    b = setPath(b, 'sim.duration_ms', 7);
    const d = knobDiffs(a, b);
    expect(d.map((x) => x.path).sort()).toEqual(['queues.irq_spread', 'sim.duration_ms', 'traffic.load']);
    // In the form's order: the simulation knobs come last.
    expect(d[d.length - 1]!.path).toBe('sim.duration_ms');
    const load = d.find((x) => x.path === 'traffic.load')!;
    expect(load.b).toMatch(/^0\.5/);
    expect(d.find((x) => x.path === 'queues.irq_spread')!.b).toBe(a.queues.irq_spread ? 'off' : 'on');
    expect(d.find((x) => x.path === 'sim.duration_ms')!.b).toMatch(/^7 ms/);
    expect(knobDiffs(a, a)).toEqual([]);
  });

  it('reads the settings as values: "16 threads", "domain 1 → domain 0", "driver default"', () => {
    const a = setPath(setPath(setPath(defaultScenario(), 'traffic.senders', 16), 'nic.numa_domain', 1), 'queues.rx', 8);
    const b = setPath(setPath(setPath(defaultScenario(), 'traffic.senders', 1), 'nic.numa_domain', 0), 'queues.rx', 0);
    const d = Object.fromEntries(knobDiffs(a, b).map((x) => [x.path, `${x.a} → ${x.b}`]));
    expect(d['traffic.senders']).toBe('16 threads → 1 thread');
    expect(d['nic.numa_domain']).toBe('domain 1 → domain 0');
    expect(d['queues.rx']).toBe('8 queues → driver default');
  });
});
