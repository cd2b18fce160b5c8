import { describe, expect, it } from 'vitest';
import { PRESETS, presetScenario } from './presets';
import { stagesOf } from './report';
import { applyKnob, parseScenario, type Scenario } from './scenario';
import { runScenario } from './sim';

const short = (s: Scenario): Scenario => ({ ...s, sim: { ...s.sim, duration_ms: 0.5 } });

/** Every preset, and each forwarding / transmit preset on every TX path and NIC driver family. */
function scenarios(): { name: string; s: Scenario }[] {
  const out: { name: string; s: Scenario }[] = [];
  for (const p of PRESETS) {
    const base = presetScenario(p);
    out.push({ name: p.name, s: base });
    if (base.traffic.workload === 'forward' || base.traffic.workload === 'transmit') {
      for (const path of ['mp_ring', 'buf_ring', 'simple', 'netmap']) {
        const s = applyKnob(base, 'tx.path', path);
        if (parseScenario(s).ok) out.push({ name: `${p.name} tx.path=${path}`, s });
      }
    }
    if (base.traffic.workload === 'receive') {
      for (const mode of ['off', 'legacy', 'sorted']) out.push({ name: `${p.name} lro.mode=${mode}`, s: applyKnob(base, 'lro.mode', mode) });
    }
  }
  return out;
}

describe('stagesOf', () => {
  it('names the stages a run reports (summary.stages and its stage series), before running it', () => {
    const seen = new Set<string>();
    for (const { name, s } of scenarios()) {
      const { summary, frames } = runScenario(short(s));
      const before = stagesOf(s);
      expect(before.length, name).toBeGreaterThan(0);
      expect(before, name).toEqual(
        summary.stages.map((st) => ({ id: st.id, title: st.title, fn: st.fn, functions: st.functions, drop_locations: Object.keys(st.drops), cpu_stages: st.cpu_stages })),
      );
      // Every stage has its frame series, ring workload included.
      for (const st of before) expect(frames.columns[`stage_${st.id}_pps`], `${name} ${st.id}`).toBeDefined();
      seen.add(before.map((x) => x.fn).join(' '));
    }
    // The names differ by driver and path (iflib, cxgbe, mlx5en; mp_ring, buf_ring, simple, netmap).
    expect(seen.size).toBeGreaterThan(8);
  });

  it('is empty for an unknown NIC', () => {
    const s = presetScenario(PRESETS[0]!);
    expect(stagesOf({ ...s, nic: { ...s.nic, model: 'no-such-nic' as Scenario['nic']['model'] } })).toEqual([]);
  });
});

describe('stage counts', () => {
  it('never count more packets at a stage than entered the one before it, over the run and at every frame', () => {
    for (const p of PRESETS) {
      const { summary, frames } = runScenario(presetScenario(p));
      const st = summary.stages;
      for (let i = 1; i < st.length; i++) expect(st[i]!.packets, `${p.name}: ${st[i - 1]!.id} → ${st[i]!.id}`).toBeLessThanOrEqual(st[i - 1]!.packets);
      // The frame series are differences of the same counters: their running sums keep the order.
      const sec = (frames.columns.t_ms![1]! - frames.columns.t_ms![0]!) / 1e3;
      const cum = st.map(() => 0);
      for (let f = 0; f < frames.columns.t_ms!.length; f++) {
        st.forEach((x, i) => (cum[i] = cum[i]! + Math.round(frames.columns[`stage_${x.id}_pps`]![f]! * sec)));
        for (let i = 1; i < st.length; i++) expect(cum[i]!, `${p.name} frame ${f}: ${st[i - 1]!.id} → ${st[i]!.id}`).toBeLessThanOrEqual(cum[i - 1]!);
      }
      // …and add up to the summary's.
      st.forEach((x, i) => expect(cum[i], `${p.name} ${x.id}`).toBe(x.packets));
    }
  });

  it('the cost per packet in cycles is the ns at the nominal clock, by stage and by CPU', () => {
    const p = PRESETS.find((x) => x.name === 'numa-crossing')!;
    const { summary } = runScenario(short(presetScenario(p)));
    const c = summary.cost_per_packet;
    const ghz = c.total_cycles / c.total_ns;
    expect(ghz).toBeCloseTo(summary.scenario.host.ghz, 9);
    for (const [st, ns] of Object.entries(c.by_stage_ns)) expect(c.by_stage_cycles[st as keyof typeof c.by_stage_cycles]).toBeCloseTo(ns * ghz, 6);
    expect(c.by_cpu_cycles.map((x, i) => x / c.by_cpu_ns[i]!).filter(Number.isFinite).every((g) => Math.abs(g - ghz) < 1e-9)).toBe(true);
    expect(c.by_cpu_ns.reduce((a, b) => a + b, 0)).toBeCloseTo(c.total_ns, 6);
  });
});

describe('stage reports: where the packets are when the run ends', () => {
  it('each stage holds what entered it, minus its drops, minus what entered the next; together they are in_flight', () => {
    for (const { name, s } of scenarios()) {
      const sum = runScenario({ ...s, sim: { ...s.sim, duration_ms: 2 } }).summary;
      const st = sum.stages;
      let total = 0;
      st.forEach((x, i) => {
        expect(x.held, `${name} ${x.id}`).toBeGreaterThanOrEqual(0);
        if (i + 1 === st.length) expect(x.held, `${name} ${x.id}`).toBe(0);
        total += x.held;
      });
      // in_flight is counted from the rings, passes and soft rings themselves (conservation), not from the stage counters
      expect(total, name).toBe(sum.in_flight);
    }
  });
});
