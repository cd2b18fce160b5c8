import { describe, expect, it } from 'vitest';
import { PRESETS, Simulation, presetScenario, runScenario, setPath, type Scenario, type SeriesInfo } from '../engine';
import type { FrameColumns } from '../state/store';
import { activeDropSeries, buckets, cyclesByStage, downsample, finiteStats, framePoints, heatLevel, heatStrip, mergeByTime, prefixPoints, rankByMean } from './chartData';

function cols(n: number, f: Record<string, (i: number) => number>): FrameColumns {
  const columns: Record<string, Float64Array> = {};
  for (const [k, fn] of Object.entries(f)) columns[k] = Float64Array.from({ length: n }, (_, i) => fn(i));
  return { count: n, columns };
}

const S = (key: string, group: SeriesInfo['group'], unit = 'pps'): SeriesInfo => ({ key, label: key, unit, group });

describe('buckets / downsampling', () => {
  it('is the identity up to the limit', () => {
    expect(buckets(3, 400)).toEqual([[0, 1], [1, 2], [2, 3]]);
    expect(buckets(0, 400)).toEqual([]);
  });
  it('covers every index exactly once, in order, with at most max buckets', () => {
    for (const [n, max] of [[1000, 400], [401, 400], [200, 7], [5, 1]] as const) {
      const b = buckets(n, max);
      expect(b.length).toBeLessThanOrEqual(max);
      expect(b[0]![0]).toBe(0);
      expect(b[b.length - 1]![1]).toBe(n);
      for (let i = 1; i < b.length; i++) expect(b[i]![0]).toBe(b[i - 1]![1]);
    }
  });
  it('framePoints averages buckets, skips NaN, keeps the bucket end time, scales', () => {
    const f = cols(4, { t_ms: (i) => i + 1, a: (i) => (i === 1 ? NaN : i * 1e6) });
    expect(framePoints(f, ['a'], { max: 2, scale: () => 1e-6 })).toEqual([
      { t: 2, a: 0 },
      { t: 4, a: 2.5 },
    ]);
    expect(framePoints(f, ['a'])).toHaveLength(4);
    expect(framePoints({ count: 0, columns: {} }, ['a'])).toEqual([]);
  });
  it('a 1000-frame run is drawn with at most 400 points, with the same mean', () => {
    const f = cols(1000, { t_ms: (i) => i, a: (i) => i % 7 });
    const p = framePoints(f, ['a']);
    expect(p.length).toBeLessThanOrEqual(400);
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
    expect(mean(p.map((x) => x.a!))).toBeCloseTo(mean(Array.from({ length: 1000 }, (_, i) => i % 7)), 1);
    const d = downsample(p, 100);
    expect(d).toHaveLength(100);
    expect(d[99]!.t).toBe(999);
  });
});

describe('series helpers', () => {
  it('draws only drop locations that dropped something, by their role (never by key)', () => {
    const f = cols(3, { t_ms: (i) => i, drops_wire_pps: () => 0, odd_name: (i) => i, drops_pps: (i) => i });
    const at = (key: string, id: string): SeriesInfo => ({ ...S(key, 'drops'), role: 'drop_at', id });
    const series = [{ ...S('drops_pps', 'drops'), role: 'drops' as const }, at('drops_wire_pps', 'wire'), at('odd_name', 'rx_ring')];
    expect(activeDropSeries(f, series).map((s) => s.key)).toEqual(['odd_name']);
    expect(activeDropSeries(f, [{ ...S('drops_pps', 'drops'), role: 'drops' as const }])).toEqual([]);
  });
  it('the ring workload records its TX ring drops as a drop location', () => {
    const p = PRESETS.find((x) => x.name === 'overload-40g')!;
    const s = { ...presetScenario(p), sim: { ...presetScenario(p).sim, duration_ms: 1 } };
    const r = runScenario(s);
    const f = { count: r.frames.columns.t_ms!.length, columns: r.frames.columns };
    expect(activeDropSeries(f, new Simulation(s).series).map((x) => [x.key, x.id])).toEqual([['drops_tx_ring_pps', 'tx_ring']]);
  });
  it('ranks series by their mean, ties in engine order', () => {
    const f = cols(2, { q0_pps: () => 1, q1_pps: () => 5, q2_pps: () => 1 });
    expect(rankByMean(f, [S('q0_pps', 'queue'), S('q1_pps', 'queue'), S('q2_pps', 'queue')]).map((s) => s.key)).toEqual(['q1_pps', 'q0_pps', 'q2_pps']);
  });
});

describe('CPU heat strip', () => {
  it('one row per CPU, at most maxColumns columns, values 0..1', () => {
    const f = cols(200, { t_ms: (i) => (i + 1) * 0.1, cpu0_util: () => 1, cpu1_util: (i) => (i < 100 ? 0 : 0.5) });
    const h = heatStrip(f, [S('cpu0_util', 'cpu', 'fraction busy'), S('cpu1_util', 'cpu', 'fraction busy')], 50);
    expect(h.t).toHaveLength(50);
    expect(h.t0).toBeCloseTo(0, 9);
    expect(h.t[49]).toBeCloseTo(20, 9);
    expect(h.rows.map((r) => r.mean)).toEqual([1, 0.25]);
    expect(h.rows[1]!.values[0]).toBe(0);
    expect(h.rows[1]!.values[49]).toBe(0.5);
  });
  it('quantises utilisation into colour levels', () => {
    expect(heatLevel(0, 10)).toBe(0);
    expect(heatLevel(0.999, 10)).toBe(9);
    expect(heatLevel(1, 10)).toBe(9);
    expect(heatLevel(1.2, 10)).toBe(9);
    expect(heatLevel(NaN, 10)).toBe(-1);
  });
});

describe('cycles by stage per CPU', () => {
  it('is percent of each CPU\'s time: busy stages plus idle make 100 %, utilisation matches', () => {
    const p = PRESETS.find((x) => x.name === 'fewer-queues-than-cores')!;
    const { summary } = runScenario(setPath(presetScenario(p), 'sim.duration_ms', 2) as Scenario);
    const { rows, stages } = cyclesByStage(summary);
    expect(rows).toHaveLength(summary.cores.length);
    expect(stages.map((s) => s.stage)).toContain('rxeof');
    expect(stages.map((s) => s.stage)).not.toContain('lro');
    const r0 = rows[0]!;
    const busy = stages.reduce((a, s) => a + Number(r0[s.stage]), 0);
    expect(busy / 100).toBeCloseTo(summary.cores[0]!.utilization, 2);
    expect(cyclesByStage(null)).toEqual({ rows: [], stages: [] });
  });
});

describe('baseline overlay and LRO shaping', () => {
  it('prefixPoints renames every value key but t', () => {
    expect(prefixPoints([{ t: 1, a: 2, b: 3 }])).toEqual([{ t: 1, A_a: 2, A_b: 3 }]);
  });

  it('mergeByTime pairs equal times and keeps the rest in time order', () => {
    const b = [{ t: 1, x: 10 }, { t: 2, x: 20 }];
    const a = prefixPoints([{ t: 1, x: 1 }, { t: 2, x: 2 }, { t: 3, x: 3 }]);
    expect(mergeByTime(b, a)).toEqual([{ t: 1, x: 10, A_x: 1 }, { t: 2, x: 20, A_x: 2 }, { t: 3, A_x: 3 }]);
    // Different durations: interleaved.
    expect(mergeByTime([{ t: 1, x: 1 }, { t: 3, x: 3 }], [{ t: 2, A_x: 2 }])).toEqual([{ t: 1, x: 1 }, { t: 2, A_x: 2 }, { t: 3, x: 3 }]);
    expect(mergeByTime(b, [])).toBe(b);
    expect(mergeByTime([], a)).toBe(a);
  });

  it('pairs the frame times of two runs of the same duration exactly', () => {
    const s = setPath(presetScenario(PRESETS.find((p) => p.name === 'line-rate-10g-64b')!), 'sim.duration_ms', 1);
    const f1 = runScenario(s).frames;
    const f2 = runScenario(setPath(s, 'traffic.load', 0.5)).frames;
    const toCols = (f: typeof f1): FrameColumns => ({ count: f.columns.t_ms!.length, columns: f.columns });
    const merged = mergeByTime(framePoints(toCols(f1), ['delivered_pps']), prefixPoints(framePoints(toCols(f2), ['delivered_pps'])));
    expect(merged).toHaveLength(200);
    for (const p of merged) expect(Number.isFinite(p.delivered_pps) && Number.isFinite(p.A_delivered_pps)).toBe(true);
  });

  it('finiteStats counts only finite values (frames with no LRO ratio are NaN)', () => {
    const f = cols(4, { t_ms: (i) => i, lro_ratio: (i) => [NaN, 1.5, NaN, 2][i]! });
    expect(finiteStats(f, 'lro_ratio')).toEqual({ n: 2, max: 2, mean: 1.75 });
    expect(finiteStats(f, 'missing').n).toBe(0);
  });
});
