import { describe, expect, it } from 'vitest';
import { PRESETS, STAGE_LABELS, presetScenario, runScenario, setPath } from '../engine';
import { costData, hasCost } from './costData';

const short = (name: string) => setPath(presetScenario(PRESETS.find((p) => p.name === name)!), 'sim.duration_ms', 1);

describe('cost per packet data', () => {
  it('shows the engine\'s figures by stage (with its one name per stage), per CPU and in all', () => {
    const b = runScenario(short('numa-crossing')).summary;
    const d = costData(b, null);
    const c = b.cost_per_packet;
    expect(d.rows.length).toBeGreaterThan(3);
    for (const r of d.rows) {
      expect(r.label).toBe(STAGE_LABELS[r.stage]);
      expect(r.b).toEqual({ ns: c.by_stage_ns[r.stage], cycles: c.by_stage_cycles[r.stage] });
      expect(r.b!.ns).toBeGreaterThan(0);
      expect(r.a).toBeNull();
    }
    expect(d.total.b).toEqual({ ns: c.total_ns, cycles: c.total_cycles });
    expect(d.perCpu.b!.map((x) => x.ns)).toEqual(c.by_cpu_ns);
    // Every stage with a cost is a row.
    expect(d.rows.reduce((a, r) => a + r.b!.ns, 0)).toBeCloseTo(c.total_ns, 6);
  });

  it('A and B side by side: the rows either has, and the NIC on the far domain costs more per packet', () => {
    const a = runScenario(short('numa-crossing')).summary;
    const b = runScenario(setPath(short('numa-crossing'), 'nic.numa_domain', 1 - a.scenario.nic.numa_domain)).summary;
    const d = costData(b, a);
    expect(d.total.a!.ns).toBe(a.cost_per_packet.total_ns);
    expect(d.total.b!.ns).toBe(b.cost_per_packet.total_ns);
    expect(d.rows.every((r) => r.a !== null && r.b !== null)).toBe(true);
    expect(d.total.a!.ns).not.toBe(d.total.b!.ns);
  });

  it('the ring workload has no CPU cost to show', () => {
    const ring = runScenario(short('overload-40g')).summary;
    expect(hasCost(ring)).toBe(false);
    expect(costData(ring, null)).toMatchObject({ rows: [], total: { a: null, b: null } });
  });
});
