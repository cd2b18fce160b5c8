/**
 * Tracing a whole run, every preset: it never changes the results (summary and every frame), it is
 * deterministic however the run is stepped, it stays in its window, a CPU does one thing at a
 * time, and it exports to a valid Chrome trace. The stage modules' recording calls (tracetap.ts)
 * must keep all of this true.
 */
import { describe, expect, it } from 'vitest';
import { FRAMES_PER_RUN, PRESETS, Simulation, findPreset, presetScenario, runScenario, setPath, type Scenario, type Summary } from './index';
import type { TraceData } from './trace';
import { chromeTrace } from './traceexport';
import { layoutTrace } from './tracelayout';
import { validateChromeTrace } from './tracevalidate';

const NAMES = PRESETS.map((p) => p.name);

function scenario(name: string, ms = 2): Scenario {
  return setPath(presetScenario(findPreset(name)!), 'sim.duration_ms', ms);
}
const traced = (s: Scenario) => setPath(s, 'sim.trace', true);

/** The summary without what must differ: wall time, the scenario (and its link) and the trace report. */
function results(s: Summary): unknown {
  const { wall_ms: _w, scenario: _s, link: _l, trace: _t, ...rest } = s;
  return rest;
}

function run(s: Scenario): { summary: Summary; frames: Record<string, Float64Array>; trace: TraceData | null } {
  const sim = new Simulation(s);
  sim.advance(FRAMES_PER_RUN);
  return { summary: sim.summary(0), frames: sim.frames.since(0).columns, trace: sim.trace?.data() ?? null };
}

describe.each(NAMES)('%s traced', (name) => {
  const off = runScenario(scenario(name));
  const on = run(traced(scenario(name)));

  it('gives the same results as untraced: summary and every frame', () => {
    expect(results(on.summary)).toEqual(results(off.summary));
    expect(on.frames).toEqual(off.frames.columns);
    expect(off.summary.trace).toBeUndefined();
    expect(on.summary.trace).toBeDefined();
  });

  it('records inside its window, and the summary says what it holds', () => {
    const d = on.trace!;
    const t = on.summary.trace!;
    expect([t.from_us, t.to_us]).toEqual([1000, 1200]); // 2 ms run: after the 1 ms warm-up
    expect(t.events).toBe(d.n);
    expect(t.overflowed).toBe(0);
    for (let i = 0; i < d.n; i++) {
      expect(d.t1[i]).toBeGreaterThanOrEqual(d.fromNs);
      expect(d.t0[i]).toBeLessThanOrEqual(d.toNs);
      expect(d.t1[i]).toBeGreaterThanOrEqual(d.t0[i]!);
    }
    for (let j = 0; j < d.cn; j++) expect(d.ct[j]! >= d.fromNs && d.ct[j]! <= d.toNs).toBe(true);
    if (on.summary.workload !== 'ring') {
      expect(d.n).toBeGreaterThan(0);
      // every CPU activity kind the run has shows up: passes or sender threads, and what they drive
      const kinds = new Set(d.kind);
      expect(kinds.has(0) || kinds.has(4) || kinds.has(9), 'a pass, sender or txsync').toBe(true);
    }
  });

  it('a CPU does one thing at a time, and the export is a valid Chrome trace', () => {
    const d = on.trace!;
    expect(layoutTrace(d).clipped).toBe(0);
    const check = validateChromeTrace(chromeTrace(d));
    expect(check.errors).toEqual([]);
    // arrows are drawn where they leave their producer: inside it, and not after the drain ends
    for (let k = 0; k < d.fn; k++) {
      const from = d.flowFrom[k]!, to = d.flowTo[k]!;
      expect(d.flowT[k]! >= d.t0[from]! - 1e-6 && d.flowT[k]! <= d.t1[from]! + 1e-6 && d.flowT[k]! <= d.t1[to]! + 1e-6).toBe(true);
    }
  });
});

describe('trace determinism', () => {
  it('the same scenario records the same trace, whatever the stepping', () => {
    const s = traced(scenario('ixl-40g-kernel-tx'));
    const a = run(s).trace!;
    const sim = new Simulation(s);
    while (!sim.done) sim.advance(3);
    expect(sim.trace!.data()).toEqual(a);
    const sliced = new Simulation(s);
    while (!sliced.done) sliced.advance(FRAMES_PER_RUN, 997);
    expect(sliced.trace!.data()).toEqual(a);
    expect(a.n).toBeGreaterThan(100);
    expect(a.fn).toBeGreaterThan(100);
  });

  it('another window records other events, results unchanged', () => {
    const s = traced(scenario('fwd-mlx5-cx4lx-e5v4'));
    const a = run(setPath(s, 'sim.trace_from_us', 300));
    const b = run(s);
    expect(a.trace!.fromNs).toBe(300e3);
    expect(a.trace!.t0[0]).not.toBe(b.trace!.t0[0]);
    expect(results(a.summary)).toEqual(results(b.summary));
  });

  it('a window too long for the buffer fills it and the summary says so', () => {
    const s = setPath(setPath(traced(scenario('ixl-40g-kernel-tx', 20)), 'sim.trace_us', 15000), 'sim.trace_from_us', 1000);
    const { summary, trace } = run(s);
    // filled up to the reserve, which then takes the activities still running (a sender's loop that
    // began before the window): every busy CPU keeps its slice
    expect(trace!.n).toBeGreaterThan(trace!.capacity - trace!.ncpu * 3);
    expect(trace!.n).toBeLessThanOrEqual(trace!.capacity);
    for (const c of summary.cores) if (c.utilization > 0.5) expect(trace!.cpu.includes(c.cpu), `CPU ${c.cpu}`).toBe(true);
    expect(layoutTrace(trace!).clipped).toBe(0);
    expect(summary.trace!.overflowed).toBeGreaterThan(0);
    expect(summary.trace!.full_at_us).toBeGreaterThan(1000);
    expect(summary.trace!.notes.join(' ')).toMatch(/trace buffer \(131072 events\) filled at/);
    expect(results(summary)).toEqual(results(runScenario(setPath(s, 'sim.trace', false)).summary));
  });
});
