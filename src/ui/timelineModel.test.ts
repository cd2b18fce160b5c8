import { describe, expect, it } from 'vitest';
import { STAGES, STAGE_LABELS, TK, TraceRecorder, layoutTrace, synthTrace } from '../engine';
import { synthMeta } from '../engine/tracesynth';
import {
  DrawBuffer, MIN_SPAN_NS, clampView, counterDraws, describeEvent, fullView, instantAt, instantDraws, laneDraws, panView, prepare, sliceAt, stageParts, stepEvent, ticks, zoomView,
} from './timelineModel';

const B = { t0: 1000, t1: 11000 };

describe('view', () => {
  it('zooms around the anchor and stays inside the trace', () => {
    const v = zoomView(B, 0.5, 3000, B);
    expect(v).toEqual({ t0: 2000, t1: 7000 });
    expect(zoomView(v, 4, 3000, B)).toEqual(B); // out past the trace: the whole trace
    const tiny = zoomView(B, 1e-9, 5000, B);
    expect(tiny.t1 - tiny.t0).toBe(MIN_SPAN_NS);
  });

  it('pans and stops at the edges', () => {
    const v = { t0: 2000, t1: 4000 };
    expect(panView(v, 500, B)).toEqual({ t0: 2500, t1: 4500 });
    expect(panView(v, -5000, B)).toEqual({ t0: 1000, t1: 3000 });
    expect(panView(v, 1e9, B)).toEqual({ t0: 9000, t1: 11000 });
    expect(clampView({ t0: NaN, t1: NaN }, B)).toEqual(B);
  });

  it('axis ticks are round numbers of µs', () => {
    const t = ticks({ t0: 2_000_000, t1: 2_200_000 }, 1100);
    expect(t.length).toBeGreaterThanOrEqual(5);
    expect(t[1]!.t - t[0]!.t).toBe(20_000);
    expect(t[0]!.label).toBe('2000 µs');
    expect(ticks({ t0: 2_000_000, t1: 2_002_000 }, 1100)[1]!.label).toBe('2000.2 µs');
  });
});

describe('lane drawing', () => {
  function dense(n: number) {
    const r = new TraceRecorder({ fromNs: 0, toNs: n * 10, capacity: n, ncpu: 1, stages: STAGES, meta: synthMeta('ixl', 1) });
    const row = new Float64Array(STAGES.length);
    for (let k = 0; k < n; k++) {
      const e = r.slice(TK.RX_PASS, 0, k * 10, k * 10 + 9, 0, 1, 0, 0);
      row.fill(0);
      row[STAGES.indexOf(k % 4 === 0 ? 'encap' : 'rxeof')] = 9;
      r.stageNs(e, row, 0);
    }
    const d = r.data();
    const L = layoutTrace(d);
    return { d, L, p: prepare(d, L) };
  }

  it('100k slices on 1000 px merge into at most a run per pixel, coloured by the stage with most time', () => {
    const { d, L, p } = dense(100_000);
    const out = new DrawBuffer();
    const visited = laneDraws(L.lanesByCpu[0]![0]!, p, fullView(d), 1000, out);
    expect(visited).toBe(100_000);
    expect(out.length).toBeLessThanOrEqual(1000);
    let covered = 0;
    for (let k = 0; k < out.length; k++) {
      expect(out.stage[k]).toBe(STAGES.indexOf('rxeof')); // 3 of 4 passes
      covered += out.count[k]!;
    }
    expect(covered).toBe(100_000);
  });

  it('zoomed in, slices are drawn one by one and only those in view are visited', () => {
    const { L, p } = dense(100_000);
    const out = new DrawBuffer();
    const visited = laneDraws(L.lanesByCpu[0]![0]!, p, { t0: 500_000, t1: 501_000 }, 1000, out);
    expect(visited).toBeLessThanOrEqual(102);
    expect(out.length).toBe(visited);
    for (let k = 0; k < out.length; k++) {
      expect(out.count[k]).toBe(1);
      expect(out.ev[k]).toBeGreaterThanOrEqual(0);
      expect(out.x1[k]! - out.x0[k]!).toBeCloseTo(9, 6);
      expect(out.stage[k]).toBe(STAGES.indexOf(out.ev[k]! % 4 === 0 ? 'encap' : 'rxeof')); // event k is pass k
    }
  });
});

describe('picking and stepping', () => {
  const d = synthTrace({ ncpu: 2, passes: 50, seed: 5 });
  const L = layoutTrace(d);
  const p = prepare(d, L);

  it('finds the slice under the pointer, or the nearest within the tolerance', () => {
    const lane = L.lanesByCpu[0]![0]!;
    const i = lane.ev[10]!;
    const mid = (d.t0[i]! + L.end[i]!) / 2;
    expect(sliceAt(lane, mid, 0)).toBe(i);
    expect(sliceAt(lane, d.fromNs - 1e6, 10)).toBe(-1);
    const inst = L.instants[1]!;
    expect(instantAt(L, 1, inst.t[3]! + 2, 5)).toBe(inst.ev[3]);
  });

  it('steps through a CPU\'s slices in time order', () => {
    const v = fullView(d);
    const first = stepEvent(d, L, 0, -1, 1, v);
    expect(first).toBe(L.lanesByCpu[0]![0]!.ev[0]);
    const second = stepEvent(d, L, 0, first, 1, v);
    expect(d.t0[second]).toBeGreaterThan(d.t0[first]!);
    expect(stepEvent(d, L, 0, second, -1, v)).toBe(first);
    expect(stepEvent(d, L, 0, first, -1, v)).toBe(first); // nothing before the first
  });

  it('the tooltip names the FreeBSD function, the CPU, the time and what the slice carried', () => {
    const pass = [...Array(d.n).keys()].find((i) => d.kind[i] === TK.RX_PASS)!;
    const t = describeEvent(d, L, pass);
    expect(t.title).toBe('iflib_rxeof');
    expect(t.lines[0]).toMatch(/^CPU 0 \(domain 0\) · \d+\.\d{3} µs → \d+\.\d{3} µs \((\d+ ns|\d\.\d{3} µs)\)$/);
    expect(t.lines.join('\n')).toMatch(/packets: \d+/);
    expect(t.lines.join('\n')).toMatch(/_task_fn_rx → iflib_rxeof/);
    expect(t.lines.join('\n')).toMatch(/by stage: rxeof \d+ ns/);
    const parts = stageParts(d, pass);
    expect(parts.reduce((a, [, f]) => a + f, 0)).toBeCloseTo(1, 9);
  });

  it('the tooltip names each stage as the cycles chart and the bottleneck do (STAGE_LABELS), not by its id', () => {
    const r = new TraceRecorder({ fromNs: 0, toNs: 1000, capacity: 4, ncpu: 1, stages: STAGES, meta: synthMeta('ixl', 1) });
    const e = r.slice(TK.RX_PASS, 0, 0, 900, 0, 1, 0, 0);
    const row = new Float64Array(STAGES.length);
    row[STAGES.indexOf('irq')] = 100;
    row[STAGES.indexOf('memory')] = 300;
    row[STAGES.indexOf('spin')] = 500;
    r.stageNs(e, row, 0);
    const t = describeEvent(r.data(), layoutTrace(r.data()), e);
    const line = t.lines.find((l) => l.startsWith('by stage: '));
    expect(line).toBe(`by stage: ${STAGE_LABELS.irq} 100 ns, ${STAGE_LABELS.memory} 300 ns, ${STAGE_LABELS.spin} 500 ns`);
    expect(line).toBe('by stage: interrupt 100 ns, memory stalls 300 ns, lock / CAS contention 500 ns');
  });

  it('instants and counters are decimated per pixel', () => {
    const v = fullView(d);
    const ins = instantDraws(L, d, 0, v, 50);
    const seen = new Set(ins.map((x) => `${d.kind[x.ev]}@${x.x}`));
    expect(seen.size).toBe(ins.length);
    expect(ins.length).toBeLessThan(L.instants[0]!.ev.length);
    const c = counterDraws(p, 0, v, 50);
    expect(c.length).toBeLessThanOrEqual(2 * 51);
    expect(c.every((pt) => pt.x >= 0 && pt.x <= 50)).toBe(true);
    expect(p.cpus).toEqual([0, 1]);
  });
});
