import { describe, expect, it } from 'vitest';
import { defaultScenario, getPath, parseScenario, setPath } from './scenario';
import { findPreset, presetScenario } from './presets';
import { BUILTIN_SWEEPS, SWEEP_OUTPUTS, SweepDefSchema, parseSweepSpec, planSweep, type SweepDef } from './sweep';
import { runScenario } from './sim';

const def = (spec: string, extra: Partial<SweepDef> = {}): SweepDef => ({ spec, series: [], y: 'delivered_pps', ...extra });

describe('parseSweepSpec', () => {
  it('spaces numeric points linearly or geometrically with exact endpoints', () => {
    const lin = parseSweepSpec('traffic.load=0.2..1:5');
    expect(lin.ok && lin.value.values).toEqual([0.2, 0.4, 0.6, 0.8, 1]);
    const log = parseSweepSpec('traffic.flows=1..10000:log:5');
    expect(log.ok && log.value.values).toEqual([1, 10, 100, 1000, 10000]);
  });
  it('names the knob and the limit when a point is out of range', () => {
    const r = parseSweepSpec('traffic.load=0.5..99');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatch(/sweep traffic\.load: end "99"/);
  });
  it('refuses unknown knobs, modifiers and a log sweep through zero', () => {
    for (const bad of ['nope=1..2', 'traffic.load=0.1..1:cubic', 'traffic.load=0..1:log', 'traffic.load', 'traffic.load=1']) {
      expect(parseSweepSpec(bad).ok, bad).toBe(false);
    }
  });
});

describe('planSweep', () => {
  it('applies each series before the swept knob, series-major', () => {
    const base = presetScenario(findPreset('lro-many-flows-legacy')!);
    const r = planSweep(base, {
      spec: 'traffic.flows=1..100:log:3',
      series: [
        { label: 'legacy', set: { 'lro.mode': 'legacy' } },
        { label: 'sorted', set: { 'lro.mode': 'sorted', 'lro.batch': 1024 } },
      ],
      y: 'lro_ratio',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.labels).toEqual(['legacy', 'sorted']);
    expect(r.value.runs.map((x) => [x.series, x.point, x.value])).toEqual([
      [0, 0, 1], [0, 1, 10], [0, 2, 100], [1, 0, 1], [1, 1, 10], [1, 2, 100],
    ]);
    expect(getPath(r.value.runs[4]!.scenario, 'lro.batch')).toBe(1024);
    expect(getPath(r.value.runs[4]!.scenario, 'traffic.flows')).toBe(10);
    expect(getPath(r.value.runs[1]!.scenario, 'lro.mode')).toBe('legacy');
  });
  it('refuses a series that sets the swept knob, a bad series value, an unknown output', () => {
    const base = defaultScenario();
    expect(planSweep(base, def('traffic.load=0.1..1', { series: [{ label: 'x', set: { 'traffic.load': 0.5 } }] })).ok).toBe(false);
    expect(planSweep(base, def('traffic.load=0.1..1', { series: [{ label: 'x', set: { 'lro.entries': -3 } }] })).ok).toBe(false);
    expect(planSweep(base, def('traffic.load=0.1..1', { y: 'nonsense' })).ok).toBe(false);
  });
  it('names every point that breaks a cross-knob rule', () => {
    const base = parseScenario({ ...defaultScenario(), host: { ...defaultScenario().host, cores: 2 } });
    expect(base.ok).toBe(true);
    if (!base.ok) return;
    const r = planSweep(base.value, def('host.numa_domains=1..4:4'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors.some((e) => /host\.numa_domains=4/.test(e))).toBe(true);
  });
});

describe('hostile sweep definitions (they come from links)', () => {
  const base = defaultScenario();
  const errs = (d: SweepDef) => {
    const r = planSweep(base, d);
    return r.ok ? [] : r.errors;
  };
  const markup = '<img src=x onerror=alert(1)>';
  const plainEcho = (lines: string[]) => {
    for (const l of lines) {
      expect(l).not.toMatch(/[<>]/);
      // eslint-disable-next-line no-control-regex
      expect(l).not.toMatch(/[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/);
      expect(l.length).toBeLessThan(300);
    }
  };

  it('escapes and cuts an unknown output, and names the closest outputs', () => {
    const e = errs(def('traffic.load=0.1..1', { y: markup + 'x'.repeat(50) }));
    expect(e).toHaveLength(1);
    expect(e[0]).toContain('unknown output "\\u003cimg src=x onerror=alert(1)\\u003exxxx');
    plainEcho(e);
    expect(errs(def('traffic.load=0.1..1', { y: 'lro_ratoi' }))[0]).toMatch(/unknown output "lro_ratoi" for the y axis; did you mean "lro_ratio"/);
  });

  it('escapes labels, set keys and specs it quotes, and names a few knobs, not all of them', () => {
    const e = errs(def('traffic.load=0.1..1', { series: [{ label: markup, set: { [`${markup}\u202e`]: 1, 'lro.entrie': 2 } }] }));
    plainEcho(e);
    expect(e[0]).toContain('series "\\u003cimg src=x onerror=alert(1)\\u003e"');
    expect(e[0]).toContain('unknown knob "\\u003cimg');
    expect(e[0]).toContain('\\u202e');
    expect(e[1]).toMatch(/unknown knob "lro\.entrie"; did you mean "lro\.entries"\?$/);
    // Never the whole knob table (47 names) in one line.
    for (const l of e) expect(l.split('"').length).toBeLessThan(12);
    plainEcho(errs(def(`${markup}=1..2`)));
    expect(errs(def(`${markup}=1..2`))[0]).toMatch(/^unknown knob "\\u003cimg src" in sweep$/);
    plainEcho(errs(def(`traffic.load=${markup}..1`)));
    plainEcho(errs(def(`traffic.load=0.1..1:${markup}`)));
    plainEcho(errs(def(`traffic.load${markup}`)));
    expect(errs(def('traffic.lod=0.1..1'))[0]).toMatch(/did you mean "traffic\.load"/);
  });

  it('refuses labels with control or bidi characters, with a message that says so', () => {
    for (const bad of ['a\u202eb', 'x\u2066', 'tab\there', 'line\nbreak', '\u0000', 'lone \ud800', 'mark\u200f']) {
      const d = def('traffic.load=0.1..1', { series: [{ label: bad, set: {} }] });
      expect(SweepDefSchema.safeParse(d).success, JSON.stringify(bad)).toBe(false);
      const e = errs(d);
      expect(e[0], JSON.stringify(bad)).toMatch(/printable text: no control characters, line breaks or bidi controls/);
      plainEcho(e);
    }
    // Markup, formula starts and any script are printable: allowed (escaped where echoed, neutralised in CSV).
    for (const good of ['=HYPERLINK("x")', 'sorted, batch 1024', 'тест 🚀', 'עברית']) {
      expect(SweepDefSchema.safeParse(def('traffic.load=0.1..1', { series: [{ label: good, set: {} }] })).success, good).toBe(true);
    }
  });
});

describe('built-in sweeps', () => {
  it('every built-in sweep plans on its preset and charts a known output', () => {
    for (const b of BUILTIN_SWEEPS) {
      expect(SweepDefSchema.safeParse(b.def).success, b.name).toBe(true);
      const base = b.preset ? presetScenario(findPreset(b.preset)!) : defaultScenario();
      const r = planSweep(base, b.def);
      expect(r.ok, `${b.name}: ${r.ok ? '' : r.errors.join('; ')}`).toBe(true);
    }
  });
  it('the LRO sweep: alike below the table\'s 8 entries, the table collapsing above, the sorted queue with a batch merging many', () => {
    const b = BUILTIN_SWEEPS.find((x) => x.name === 'lro-flows')!;
    const base = presetScenario(findPreset(b.preset!)!);
    const r = planSweep(base, { ...b.def, spec: 'traffic.flows=4..1000:log:2' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const ratio = SWEEP_OUTPUTS.find((o) => o.key === 'lro_ratio')!;
    const run = (series: number, point: number) => runScenario(r.value.runs.find((x) => x.series === series && x.point === point)!.scenario).summary;
    const at = (series: number, point: number) => ratio.get(run(series, point));
    const [pass4, table4, sorted4] = [at(0, 0), at(1, 0), at(2, 0)];
    const [pass1000, table1000] = [at(0, 1), at(1, 1)];
    const sorted = run(2, 1), sorted1000 = ratio.get(sorted);
    // 4 connections: the table and the sorted queue merge alike, and a batch (held across idle
    // spells up to lro.idle_flush_us) gathers more than a pass
    expect(Math.abs(table4 - sorted4) / sorted4).toBeLessThan(0.15);
    expect(table4).toBeGreaterThan(2 * pass4);
    // 1000 connections: the table is full (no_entries) with or without the batch and falls behind;
    // the sorted queue merges many per segment and keeps up with what is offered
    const table = run(1, 1);
    expect(table1000).toBeLessThan(1.5);
    expect(pass1000).toBeLessThan(1.2);
    expect(sorted1000).toBeGreaterThan(3 * table1000);
    expect(table.delivered_pps).toBeLessThan(0.95 * table.offered_pps);
    expect(sorted.delivered_pps).toBeGreaterThan(0.99 * sorted.offered_pps);
    // flushing an idle queue's batch at once (lro.idle_flush_us = 0) throws most of that away:
    // the queue keeps up, its ring empties every few dozen packets
    const atOnce = runScenario(setPath(sorted.scenario, 'lro.idle_flush_us', 0)).summary;
    expect(ratio.get(atOnce)).toBeLessThan(0.5 * sorted1000);
    expect(atOnce.lro!.flush_reasons.idle ?? 0).toBeGreaterThan(sorted.lro!.flush_reasons.idle ?? 0);
  });
});
