import { describe, expect, it } from 'vitest';
import { applyKnob, coerceKnobText, defaultScenario, getPath, KNOBS, parseScenario, setPath, validateKnob, type Scenario } from './scenario';
import { PRESETS, presetScenario } from './presets';

describe('scenario schema', () => {
  it('the defaults satisfy the schema and every knob has a default, unit or options, and help', () => {
    const d = defaultScenario();
    expect(parseScenario(d).ok).toBe(true);
    for (const k of KNOBS) {
      expect(getPath(d, k.path)).toEqual(k.default);
      expect(k.help.length).toBeGreaterThan(20);
    }
    expect(new Set(KNOBS.map((k) => k.path)).size).toBe(KNOBS.length);
  });

  it('accepts the issue\'s public knob paths', () => {
    for (const p of ['nic.link_gbps', 'traffic.frame_bytes', 'traffic.load', 'traffic.arrival', 'queues.tx_desc', 'sim.seed', 'sim.duration_ms']) {
      expect(KNOBS.some((k) => k.path === p)).toBe(true);
    }
  });

  it('rejects out-of-range values with the knob and its range in the message', () => {
    const cases: [string, unknown, RegExp][] = [
      ['traffic.load', 1.6, /traffic\.load.*at most 1\.5.*0–1\.5/],
      ['traffic.load', -0.1, /traffic\.load.*at least 0/],
      ['traffic.frame_bytes', 63, /traffic\.frame_bytes.*at least 64.*64–9216/],
      ['traffic.frame_bytes', 100.5, /traffic\.frame_bytes.*whole number/],
      ['nic.link_gbps', 11, /nic\.link_gbps.*one of 1 \| 10 \| 25 \| 40 \| 100/],
      ['traffic.arrival', 'uniform', /traffic\.arrival.*constant \| poisson \| bursty/],
      ['queues.tx_desc', 1000, /queues\.tx_desc.*power of two/],
      ['sim.duration_ms', Infinity, /sim\.duration_ms/],
      ['sim.seed', NaN, /sim\.seed/],
    ];
    for (const [path, v, re] of cases) {
      const r = validateKnob(path, v);
      expect(r.ok, `${path}=${String(v)}`).toBe(false);
      if (!r.ok) expect(r.errors.join(' ')).toMatch(re);
      const whole = parseScenario(setPath(defaultScenario(), path, v));
      expect(whole.ok).toBe(false);
    }
    const unknown = validateKnob('traffic.lod', 1);
    expect(!unknown.ok && unknown.errors[0]).toMatch(/unknown knob "traffic\.lod"/);
  });

  it('coerces CLI text by knob kind', () => {
    expect(coerceKnobText('nic.link_gbps', '40')).toBe(40);
    expect(coerceKnobText('traffic.arrival', 'poisson')).toBe('poisson');
    expect(Number.isNaN(coerceKnobText('traffic.load', 'abc'))).toBe(true);
    expect(Number.isNaN(coerceKnobText('traffic.load', ''))).toBe(true);
  });

  it('every preset is valid and only sets known knobs', () => {
    for (const p of PRESETS) {
      for (const path of Object.keys(p.set)) expect(KNOBS.some((k) => k.path === path), `${p.name}: ${path}`).toBe(true);
      expect(() => presetScenario(p)).not.toThrow();
    }
  });
});

describe('the Scenario type is the knob table', () => {
  it('types every knob from its kind (checked by tsc: a wrong value does not compile)', () => {
    const s = defaultScenario();
    const path: Scenario['tx']['path'] = s.tx.path;
    const fbsd: Scenario['host']['freebsd'] = s.host.freebsd;
    // @ts-expect-error: not one of tx.path's options
    const bad: Scenario['tx']['path'] = 'bogus';
    // @ts-expect-error: nic.udp_hashtype is a boolean knob
    const num: Scenario['nic']['udp_hashtype'] = 1;
    expect([path, fbsd, bad, num].length).toBe(4);
    // and every knob path exists in the default scenario, nothing else does
    const leaves = (o: unknown, at = ''): string[] => (o !== null && typeof o === 'object' ? Object.entries(o).flatMap(([k, v]) => leaves(v, at ? `${at}.${k}` : k)) : [at]);
    expect(leaves(s).sort()).toEqual(KNOBS.map((k) => k.path).sort());
  });
});

describe('host facts across knobs', () => {
  it('refuses SMT on a host without it, naming the knob and the host', () => {
    for (const preset of ['atom-c2758', 'apu2-gx412tc']) {
      const s = setPath(applyKnob(defaultScenario(), 'host.preset', preset), 'host.smt', true);
      const r = parseScenario(s);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.join('\n')).toMatch(/host\.smt: the .* has no SMT/);
    }
    const xeon = setPath(applyKnob(defaultScenario(), 'host.preset', 'xeon-e5-2650v4-2s'), 'host.smt', true);
    expect(parseScenario(xeon).ok).toBe(true);
  });
});
