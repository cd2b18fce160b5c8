/** The bench gate's arithmetic (no timing here: the bench itself is not part of npm test). */
import { describe, expect, it } from 'vitest';
import { checkAgainstBaseline, gateText, incomparable, makeBaseline, type MeasuredRow } from './gate';

const row = (scenario: string, mpps: number, cpuMpps = mpps): MeasuredRow => ({
  scenario,
  packets_per_s_median: mpps * 1e6,
  packets_per_cpu_s_median: cpuMpps * 1e6,
});

const baseline = makeBaseline([row('default', 10), row('fwd', 20, 18), row('gone', 5)], { duration_ms: 20, shared: false, warmup: 3 }, { engine: 'e@1', cores: 2 }, '2026-11-25T17:00:00Z');

describe('bench gate', () => {
  it('compares medians as ratios and fails below the threshold', () => {
    const g = checkAgainstBaseline([row('default', 5.5), row('fwd', 9.9, 8.9)], baseline, 0.5);
    expect(g.rows.map((r) => [r.scenario, r.ratio, r.pass])).toEqual([
      ['default', 0.55, true],
      ['fwd', 0.495, false],
    ]);
    expect(g.rows[1]!.cpu_ratio).toBeCloseTo(8.9 / 18);
    expect(g.failed).toEqual(['fwd']);
    expect(g.pass).toBe(false);
    expect(g.missing).toEqual(['gone']);
    const text = gateText(g);
    expect(text).toMatch(/fwd .*0\.49× .*BELOW 0\.5×/);
    expect(text).toMatch(/gate: FAILED, 1 scenario\(s\) below 0\.5× their baseline: fwd/);
    expect(text).toMatch(/not measured this time \(in the baseline\): gone/);
  });

  it('a wall ratio below the threshold passes when the CPU ratio is not (a busy machine, not a slowdown)', () => {
    const g = checkAgainstBaseline([row('default', 3, 9)], baseline, 0.5);
    expect(g.rows[0]).toMatchObject({ ratio: 0.3, cpu_ratio: 0.9, pass: true });
    expect(gateText(g)).toMatch(/default .*0\.30× .*0\.90× .*wall below, CPU ok/);
    expect(checkAgainstBaseline([row('default', 3, 4.9)], baseline, 0.5).pass).toBe(false);
  });

  it('passes at or above the threshold, faster is fine, and a new scenario cannot regress', () => {
    const g = checkAgainstBaseline([row('default', 5), row('fwd', 40), row('brand-new', 3)], baseline);
    expect(g.rows.map((r) => r.ratio)).toEqual([0.5, 2, null]);
    expect(g.pass).toBe(true);
    expect(gateText(g)).toMatch(/gate: passed, every scenario at or above 0\.5× its baseline \(lowest default 0\.50×\)/);
    expect(gateText(g)).toMatch(/brand-new .* new/);
  });

  it('a scenario without a measurement fails', () => {
    expect(checkAgainstBaseline([row('brand-new', NaN)], baseline).pass).toBe(false);
    expect(checkAgainstBaseline([row('default', NaN)], baseline).pass).toBe(false);
  });

  it('does not look up scenario names on the prototype', () => {
    expect(checkAgainstBaseline([row('constructor', 1), row('__proto__', 1)], baseline).rows.every((r) => r.ratio === null)).toBe(true);
  });

  it('refuses to compare runs measured differently', () => {
    expect(incomparable(baseline, { duration_ms: 20, shared: false, warmup: 3 })).toEqual([]);
    expect(incomparable(baseline, { duration_ms: 100, shared: false, warmup: 3 }).join()).toMatch(/--duration-ms 20, this run with 100/);
    expect(incomparable(baseline, { duration_ms: 20, shared: true, warmup: 3 }).join()).toMatch(/without --shared, this run with/);
    expect(incomparable(baseline, { duration_ms: 20, shared: false, warmup: 0 }).join()).toMatch(/--warmup 3, this run with 0/);
  });
});
