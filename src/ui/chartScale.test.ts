import { describe, expect, it } from 'vitest';
import type { FrameColumns } from '../state/store';
import { QUEUE_SUMMARY, bandKey, bandSpread, columnsFor, envelopePoints, evenBuckets, niceAxis, niceStep, niceTicks, pointRange, queueSummary } from './chartScale';

function cols(n: number, f: Record<string, (i: number) => number>): FrameColumns {
  const columns: Record<string, Float64Array> = {};
  for (const [k, fn] of Object.entries(f)) columns[k] = Float64Array.from({ length: n }, (_, i) => fn(i));
  return { count: n, columns };
}

/** 1, 2 or 5 × 10^k. */
const isRound = (x: number) => {
  if (x === 0) return true;
  const m = Math.abs(x) / 10 ** Math.floor(Math.log10(Math.abs(x)) + 1e-12);
  return [1, 2, 5].some((r) => Math.abs(m - r) < 1e-9);
};

describe('round ticks', () => {
  it('steps are 1, 2 or 5 × 10^k', () => {
    for (const span of [0.0037, 0.7, 1, 1.4, 2.8, 3, 7, 14.88, 16, 20, 35, 99, 1234, 2e6]) {
      expect(isRound(niceStep(span)), `span ${span}`).toBe(true);
      expect(span / niceStep(span)).toBeLessThanOrEqual(5 + 1e-9);
    }
  });

  it('an axis from 0 to a round value at or above the data, every tick a multiple of the step', () => {
    for (const max of [1.3, 1.4, 2.8, 14.88, 16.2, 59.5, 0.004, 250]) {
      const { domain, ticks } = niceAxis(0, max);
      expect(domain[0]).toBe(0);
      expect(domain[1]).toBeGreaterThanOrEqual(max);
      expect(ticks[0]).toBe(0);
      expect(ticks[ticks.length - 1]).toBe(domain[1]);
      const step = ticks[1]! - ticks[0]!;
      expect(isRound(Number(step.toPrecision(6))), `max ${max}: ${ticks.join(', ')}`).toBe(true);
      expect(ticks.length).toBeLessThanOrEqual(7);
    }
    // The per-queue chart's old 0, 0.35, 0.7, 1.05, 1.4 becomes 0, 0.5, 1, 1.5.
    expect(niceAxis(0, 1.3).ticks).toEqual([0, 0.5, 1, 1.5]);
    expect(niceAxis(0, 2.8).ticks).toEqual([0, 1, 2, 3]);
    expect(niceAxis(0, 0)).toEqual({ domain: [0, 1], ticks: [0, 0.2, 0.4, 0.6, 0.8, 1] });
    // Headroom: data at the top gets a step above it; data well below does not.
    expect(niceAxis(0, 0.6, 5, true).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceAxis(0, 0.5, 5, true).ticks).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
    expect(niceAxis(0, 1.3, 5, true).ticks).toEqual([0, 0.5, 1, 1.5]);
  });

  it('time ticks inside the run: 0, 5, 10, 15, 20 for 20 ms; never 4, 8, 12', () => {
    expect(niceTicks(0, 20)).toEqual([0, 5, 10, 15, 20]);
    expect(niceTicks(0, 1000)).toEqual([0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(0, 7)).toEqual([0, 2, 4, 6]);
    expect(niceTicks(0, 0.1)).toEqual([0, 0.02, 0.04, 0.06, 0.08, 0.1]);
  });

  it('finds the data range over several keys, skipping NaN', () => {
    expect(pointRange([{ t: 0, a: 1, b: NaN }, { t: 1, a: -2, b: 7 }], ['a', 'b'])).toEqual({ min: -2, max: 7 });
    expect(Number.isNaN(pointRange([], ['a']).max)).toBe(true);
  });
});

describe('envelope points', () => {
  it('one point per 6 px column, never more than the frames', () => {
    expect(columnsFor(700, 200)).toBe(116);
    expect(columnsFor(3000, 200)).toBe(200);
    expect(columnsFor(0, 200)).toBe(1);
  });

  it('buckets hold the same number of frames each, at most `columns` of them', () => {
    expect(evenBuckets(200, 116)).toHaveLength(100);
    expect(evenBuckets(200, 116).every(([a, b]) => b - a === 2)).toBe(true);
    expect(evenBuckets(5, 2)).toEqual([[0, 3], [3, 5]]);
    expect(evenBuckets(3, 10)).toEqual([[0, 1], [1, 2], [2, 3]]);
  });

  it('keeps each column\'s mean as the line and its min and max as the band', () => {
    // Alternating 5 and 58 (a burst pattern against the frame clock): the line is the mean, flat.
    const f = cols(200, { t_ms: (i) => (i + 1) * 0.1, x: (i) => (i % 2 ? 58e6 : 5e6) });
    const p = envelopePoints(f, ['x'], 100, 1e-6);
    expect(p).toHaveLength(100);
    for (const q of p) {
      expect(q.x).toBeCloseTo(31.5, 9);
      expect((q as Record<string, unknown>)[bandKey('x')]).toEqual([5, 58]);
    }
    expect(p[99]!.t).toBeCloseTo(20, 9);
    expect(bandSpread(p, 'x', 60)).toBeCloseTo(53 / 60, 9);
  });

  it('a column of NaN has no value and no band; one point per frame when columns ≥ frames', () => {
    const f = cols(4, { t_ms: (i) => i, x: (i) => (i < 2 ? NaN : i) });
    const p = envelopePoints(f, ['x'], 2);
    expect(Number.isNaN(p[0]!.x)).toBe(true);
    expect((p[0] as Record<string, unknown>)[bandKey('x')]).toBeUndefined();
    expect(envelopePoints(f, ['x'], 10)).toHaveLength(4);
  });
});

describe('queue summary', () => {
  it('the range over the queues, their median, and the busiest lines', () => {
    const f = cols(2, { t_ms: (i) => i + 1, q0_pps: () => 1, q1_pps: () => 2, q2_pps: () => 10, q3_pps: (i) => (i ? 4 : NaN) });
    const p = queueSummary(f, ['q0_pps', 'q1_pps', 'q2_pps', 'q3_pps'], ['q2_pps'], 2);
    const r = p as Record<string, unknown>[];
    expect(r[0]![QUEUE_SUMMARY.band]).toEqual([1, 10]);
    expect(r[0]![QUEUE_SUMMARY.median]).toBe(2); // of 1, 2, 10 (q3 has no value yet)
    expect(r[1]![QUEUE_SUMMARY.median]).toBe(3); // of 1, 2, 4, 10
    expect(r[1]!.q2_pps).toBe(10);
    expect(r[1]!.q0_pps).toBeUndefined();
  });
});
