/**
 * The probe's fuzzers at CI size, with fixed seeds (`npm run fuzz` runs them larger): share links,
 * scenarios run twice, command lines. Each counts what it tried; any failure names the input.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from './sim';
import { fuzzCli } from '../../fuzz/cli';
import { fuzzLinks } from '../../fuzz/links';
import { fuzzScenarios } from '../../fuzz/scenarios';

describe('fuzzers (CI size)', () => {
  it('3000 links: no throw, fixed headlines, valid openings, no pollution', () => {
    const r = fuzzLinks(17, 3000);
    expect(r.failures).toEqual([]);
    expect(r.total).toBe(3000);
    expect(r.opened).toBeGreaterThan(50);
    expect(r.refused).toBeGreaterThan(2000);
    console.log(`fuzz links: ${r.total} decoded, ${r.opened} opened, ${r.refused} refused, ${r.headlines.length} headlines, slowest ${r.slowest.toFixed(1)} ms`);
  });

  it('300 scenarios run twice: identical, conserving, event-sliced runs equal', () => {
    const r = fuzzScenarios(17, 300);
    expect(r.failures).toEqual([]);
    expect(r.total).toBe(300);
    expect(r.packets).toBeGreaterThan(100_000);
    console.log(`fuzz scenarios: ${r.total} run twice, ${r.packets} packets, longest ${r.maxRunMs.toFixed(0)} ms`);
  });

  it('500 command lines: exit 0, 2 or 3, clean stderr', () => {
    const r = fuzzCli(17, 500);
    expect(r.failures).toEqual([]);
    expect(r.byCode[0]).toBeGreaterThan(20);
    expect(r.byCode[2]).toBeGreaterThan(100);
    console.log(`fuzz cli: ${r.total} command lines, exits ${JSON.stringify(r.byCode)}`);
  });

  it('the checks fire: a decoder that echoes its input, a run that is not deterministic, a broken count', () => {
    const echoing = fuzzLinks(5, 60, (input) => ({ ok: false, message: `Bad link ${input.slice(0, 30)}.`, details: [] }));
    expect(echoing.failures.some((f) => /headline/.test(f))).toBe(true);
    const throwing = fuzzLinks(5, 20, () => {
      throw new Error('boom');
    });
    expect(throwing.failures.filter((f) => /threw Error: boom/.test(f))).toHaveLength(20);
    let n = 0;
    const drifting = fuzzScenarios(5, 3, {}, (s) => {
      const r = runScenario(s);
      return { ...r, summary: { ...r.summary, delivered_pps: r.summary.delivered_pps + n++ } };
    });
    expect(drifting.failures.filter((f) => /two runs gave different summaries/.test(f))).toHaveLength(3);
    const leaking = fuzzScenarios(5, 2, {}, (s) => {
      const r = runScenario(s);
      return { ...r, summary: { ...r.summary, invariants: { ...r.summary.invariants, conservation: false } } };
    });
    expect(leaking.failures.filter((f) => /packet conservation broken/.test(f))).toHaveLength(2);
  });
});
