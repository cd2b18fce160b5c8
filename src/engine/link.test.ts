import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { decodeLink, encodeLink, MAX_LINK_CHARS, type DecodeResult } from './link';
import { Prng } from './prng';
import { applyKnob, defaultScenario, defaultScenarioAt, getPath, KNOBS, setPath, SCHEMA_VERSION } from './scenario';

const fragment = (payload: unknown, v = SCHEMA_VERSION) =>
  `#v${v}.${LZString.compressToEncodedURIComponent(JSON.stringify(payload))}`;

function expectCleanError(r: DecodeResult): void {
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.message.length).toBeGreaterThan(10);
    expect(r.message).not.toMatch(/undefined|NaN|\[object|Error:|at .*\.ts/);
    expect(Array.isArray(r.details)).toBe(true);
  }
}

describe('share links', () => {
  it('round-trips every knob, from a bare fragment or a full URL', () => {
    let s = defaultScenario();
    s = setPath(s, 'traffic.load', 1.23);
    s = setPath(s, 'traffic.arrival', 'bursty');
    s = setPath(s, 'sim.seed', 4294967295);
    s = applyKnob(s, 'nic.model', 'mlx5-cx5-100g');
    s = setPath(s, 'queues.irq_spread', true);
    const frag = encodeLink({ scenario: s });
    expect(frag.startsWith(`#v${SCHEMA_VERSION}.`)).toBe(true);
    for (const input of [frag, frag.slice(1), `http://127.0.0.1:4173/${frag}`, `  ${frag}\n`]) {
      const r = decodeLink(input);
      expect(r.ok && !r.empty && r.state.scenario).toEqual(s);
    }
  });

  it('treats an empty fragment as "no link"', () => {
    for (const e of ['', '#', 'http://x/#']) expect(decodeLink(e)).toEqual({ ok: true, state: null, empty: true });
  });

  it('explains out-of-range and unknown knobs, naming them', () => {
    const bad = decodeLink(fragment({ v: SCHEMA_VERSION, scenario: setPath(defaultScenario(), 'traffic.load', 7) }));
    expectCleanError(bad);
    if (!bad.ok) expect(bad.details.join(' ')).toMatch(/traffic\.load.*1\.5/);
    const extra = decodeLink(fragment({ v: SCHEMA_VERSION, scenario: { ...defaultScenario(), evil: 1 } }));
    expectCleanError(extra);
    if (!extra.ok) expect(extra.details.join(' ')).toMatch(/evil/);
    const ring = decodeLink(fragment({ v: SCHEMA_VERSION, scenario: setPath(defaultScenario(), 'queues.tx_desc', 1000) }));
    if (!ring.ok) expect(ring.details.join(' ')).toMatch(/queues\.tx_desc.*power of two/);
    else expect.fail('non-power-of-two ring accepted');
  });

  it('migrates v2 links without changing their meaning, and refuses v2 transmit links from before tx.path', () => {
    const v2 = (scenario: unknown) => fragment({ v: 2, scenario }, 2);
    const cur = defaultScenario() as unknown as Record<string, Record<string, unknown>>;
    // A v2 receive link had no LRO: it must open with lro.mode=off, not the new default.
    const { lro: _lro, tx: _tx, netmap: _nm, kern: _kern, ...old } = cur;
    const oldTraffic = { ...cur.traffic, workload: 'receive' } as Record<string, unknown>;
    delete oldTraffic.ack_share;
    delete oldTraffic.loss;
    const r = decodeLink(v2({ ...old, traffic: oldTraffic }));
    expect(r.ok && !r.empty && r.state.scenario.lro.mode).toBe('off');
    const t = decodeLink(v2({ ...old, traffic: { ...oldTraffic, workload: 'transmit' } }));
    expectCleanError(t);
    if (!t.ok) expect(t.message).toMatch(/before ringlab modelled the TX software paths/);
  });

  it('migrates a v3 link\'s pinned baseline as its scenario: both gain the v4 knobs at their legacy values', () => {
    // A v3 scenario: today's minus every knob added in format 4.
    const v3 = defaultScenarioAt(3) as unknown as Record<string, unknown>;
    const baseline = JSON.parse(JSON.stringify(v3)) as Record<string, Record<string, unknown>>;
    baseline.traffic!.load = 0.5;
    const r = decodeLink(fragment({ v: 3, scenario: v3, baseline }, 3));
    expect(r.ok, r.ok ? '' : r.details.join('; ')).toBe(true);
    if (!r.ok || r.empty) return;
    for (const k of KNOBS.filter((x) => (x.since ?? 3) === 4)) {
      const want = k.legacy ?? k.default;
      expect(getPath(r.state.scenario, k.path), k.path).toEqual(want);
      expect(getPath(r.state.baseline!, k.path), `baseline ${k.path}`).toEqual(want);
    }
    expect(r.state.baseline!.traffic.load).toBe(0.5);
  });

  it('migrates a v4 link (and its baseline) to v5: a kernel without options RSS, what every v4 link meant', () => {
    const v4 = defaultScenarioAt(4) as unknown as Record<string, Record<string, unknown>>;
    expect(v4.host!.options_rss).toBeUndefined();
    const baseline = JSON.parse(JSON.stringify(v4)) as Record<string, Record<string, unknown>>;
    baseline.nic!.model = 'cxgbe-t580';
    const r = decodeLink(fragment({ v: 4, scenario: { ...v4, nic: { ...v4.nic, model: 'cxgbe-t520' } }, baseline }, 4));
    expect(r.ok, r.ok ? '' : r.details.join('; ')).toBe(true);
    if (!r.ok || r.empty) return;
    expect(r.state.scenario.host.options_rss).toBe(false);
    expect(r.state.baseline!.host.options_rss).toBe(false);
    expect(r.state.baseline!.nic.model).toBe('cxgbe-t580');
    // the migration fills only what is missing: a v4 payload that holds the knob keeps its value
    const named = decodeLink(fragment({ v: 4, scenario: { ...v4, host: { ...v4.host, options_rss: true } } }, 4));
    expect(named.ok && !named.empty && named.state.scenario.host.options_rss).toBe(true);
  });

  it('refuses links from a newer format and mismatched inner versions', () => {
    expectCleanError(decodeLink(fragment({ v: 99, scenario: defaultScenario() }, 99)));
    const r = decodeLink(fragment({ v: 99, scenario: defaultScenario() }, 99));
    if (!r.ok) expect(r.message).toMatch(/newer/);
    expectCleanError(decodeLink(fragment({ v: 2, scenario: defaultScenario() }, 1)));
    expectCleanError(decodeLink('#v0.abc'));
  });

  it('rejects hostile payloads cleanly: wrong types, NaN, nesting, scripts, oversize', () => {
    const hostile: unknown[] = [
      null, 42, 'str', [], [1, 2], { v: SCHEMA_VERSION },
      { v: SCHEMA_VERSION, scenario: null },
      { v: SCHEMA_VERSION, scenario: setPath(defaultScenario(), 'traffic.load', 'NaN') },
      { v: SCHEMA_VERSION, scenario: setPath(defaultScenario(), 'traffic.load', '<script>alert(1)</script>') },
      { v: SCHEMA_VERSION, scenario: setPath(defaultScenario(), 'sim.seed', 1.5) },
      { v: SCHEMA_VERSION, scenario: setPath(defaultScenario(), 'nic.link_gbps', '10') },
      { v: SCHEMA_VERSION, scenario: setPath(defaultScenario(), 'traffic', { deep: { deeper: {} } }) },
      { v: SCHEMA_VERSION, scenario: { __proto__: { polluted: true } } },
    ];
    let nested: unknown = 1;
    for (let i = 0; i < 5000; i++) nested = [nested];
    hostile.push({ v: SCHEMA_VERSION, scenario: nested });
    for (const h of hostile) {
      let frag: string;
      try { frag = fragment(h); } catch { continue; } // JSON.stringify may refuse very deep input
      expectCleanError(decodeLink(frag));
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expectCleanError(decodeLink('#v1.' + 'A'.repeat(MAX_LINK_CHARS + 1)));
    expectCleanError(decodeLink('#v1.%3Cscript%3E'));
    expectCleanError(decodeLink('#<img src=x onerror=alert(1)>'));
  });

  it('never throws on thousands of random and mutated fragments', () => {
    const r = new Prng(2024);
    const good = encodeLink({ scenario: defaultScenario() });
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$.#%<>"\'&;=/\\ \u0000\u00e9\u{1F600}';
    let errors = 0;
    for (let i = 0; i < 4000; i++) {
      let f: string;
      if (i % 2 === 0) {
        // mutate a valid link: flip, drop or insert characters
        const chars = [...good];
        const edits = 1 + r.below(4);
        for (let e = 0; e < edits; e++) {
          const at = 4 + r.below(chars.length - 4);
          const op = r.below(3);
          const c = alphabet[r.below(alphabet.length)]!;
          if (op === 0) chars[at] = c;
          else if (op === 1) chars.splice(at, 1);
          else chars.splice(at, 0, c);
        }
        f = chars.join('');
      } else {
        const n = r.below(200);
        f = '#v1.' + Array.from({ length: n }, () => alphabet[r.below(alphabet.length)]).join('');
      }
      const d = decodeLink(f);
      if (!d.ok) { errors++; expectCleanError(d); }
      else if (!d.empty) expect(d.state.scenario).toBeTypeOf('object');
    }
    expect(errors).toBeGreaterThan(3000);
  });
});

describe('share links: baseline and sweep', () => {
  const sweep = { spec: 'traffic.load=0.2..1:3', series: [{ label: 'poisson', set: { 'traffic.arrival': 'poisson' } }], y: 'delivered_pps' };

  it('round-trips a pinned baseline and a sweep definition', () => {
    const scenario = setPath(defaultScenario(), 'traffic.load', 0.9);
    const baseline = setPath(defaultScenario(), 'traffic.load', 0.5);
    const r = decodeLink(encodeLink({ scenario, baseline, sweep }));
    expect(r.ok && !r.empty && r.state).toEqual({ scenario, baseline, sweep });
  });

  it('a link without them decodes to the scenario alone (old links keep their meaning)', () => {
    const r = decodeLink(encodeLink({ scenario: defaultScenario() }));
    expect(r.ok && !r.empty && Object.keys(r.state)).toEqual(['scenario']);
  });

  it('refuses the whole link when the baseline or the sweep is bad, saying which', () => {
    const badBase = decodeLink(fragment({ v: SCHEMA_VERSION, scenario: defaultScenario(), baseline: { ...defaultScenario(), traffic: 7 } }));
    expectCleanError(badBase);
    expect(!badBase.ok && badBase.message).toMatch(/baseline/);
    const badSweep = decodeLink(fragment({ v: SCHEMA_VERSION, scenario: defaultScenario(), sweep: { ...sweep, spec: 'traffic.load=0.2..9' } }));
    expectCleanError(badSweep);
    expect(!badSweep.ok && badSweep.message).toMatch(/sweep/);
    expect(!badSweep.ok && badSweep.details.join(' ')).toMatch(/traffic\.load/);
    const wrongShape = decodeLink(fragment({ v: SCHEMA_VERSION, scenario: defaultScenario(), sweep: { spec: 3, series: 'x' } }));
    expectCleanError(wrongShape);
  });

  it('refuses a sweep whose series label holds bidi or control characters, and escapes record keys it names', () => {
    const bidi = decodeLink(fragment({ v: SCHEMA_VERSION, scenario: defaultScenario(), sweep: { ...sweep, series: [{ label: 'gpj.\u202eexe', set: {} }] } }));
    expectCleanError(bidi);
    expect(!bidi.ok && bidi.details.join(' ')).toMatch(/series\.0\.label: a series label must be printable text/);
    const key = decodeLink(fragment({ v: SCHEMA_VERSION, scenario: defaultScenario(), sweep: { ...sweep, series: [{ label: 'x', set: { ['<b>' + 'k'.repeat(100)]: 'v'.repeat(100) } }] } }));
    expectCleanError(key);
    expect(!key.ok && key.details.join(' ')).not.toMatch(/<b>|k{41}/);
  });

  it('refuses oversized and deeply nested data before parsing it', () => {
    const big = decodeLink(fragment({ v: SCHEMA_VERSION, scenario: defaultScenario(), pad: 'x'.repeat(70_000) }));
    expectCleanError(big);
    expect(!big.ok && big.message).toMatch(/too large/);
    const deep = decodeLink(`#v${SCHEMA_VERSION}.${LZString.compressToEncodedURIComponent(`{"v":3,"scenario":${'['.repeat(5000)}${']'.repeat(5000)}}`)}`);
    expectCleanError(deep);
    expect(!deep.ok && deep.details.join(' ')).toMatch(/nested more than/);
    // brackets inside strings do not count as nesting
    const s = setPath(defaultScenario(), 'traffic.load', 0.7);
    const withText = decodeLink(encodeLink({ scenario: s, sweep: { ...sweep, series: [{ label: '[[[[[[[[[[[[[[[[[[[[ {{{{', set: {} }] } }));
    expect(withText.ok).toBe(true);
  });
});
