/**
 * Hostile input for decodeLink, by the thousand: random and mutated fragments, oversized links,
 * valid lz-string JSON with wrong types, NaN/Infinity, deep nesting, prototype-pollution keys and
 * markup. Whatever comes in: no exception escapes, the result has the documented shape, the
 * headline message is one of a few fixed plain sentences (it never quotes the input), a link that
 * does open holds a valid scenario, and nothing leaks into Object.prototype.
 *
 * Seeded (the engine's own PRNG), so a failure names a case that can be replayed.
 */
import LZString from 'lz-string';
import { describe, expect, it, vi } from 'vitest';
import { KNOBS, MAX_LINK_CHARS, MAX_PAYLOAD_CHARS, SCHEMA_VERSION, decodeLink, defaultScenario, encodeLink, parseScenario, setPath, type DecodeResult, type Scenario } from './index';
import { Prng } from './prng';

const lz = (text: string) => LZString.compressToEncodedURIComponent(text);
const frag = (json: string, v: number = SCHEMA_VERSION) => `#v${v}.${lz(json)}`;

/** The v1 payload's knobs (the walking skeleton's schema). */
const v1Scenario = () => ({
  nic: { link_gbps: 10 },
  queues: { tx_desc: 1024 },
  traffic: { frame_bytes: 64, load: 1, arrival: 'constant' },
  sim: { seed: 1, duration_ms: 2 },
});

const MARKUP = [
  '<script>window.__pwned=1</script>',
  '<img src=x onerror="window.__pwned=1">',
  '"><svg onload=alert(1)>',
  "javascript:alert('x')",
  '{{constructor.constructor("alert(1)")()}}',
  '${alert(1)}',
  '\u0000\u001b[2J\u202e',
  '\ud800',
  '</details><script>alert(1)</script>',
];

/** Values of every wrong kind, as raw JSON text (so 1e999 arrives as Infinity, keys stay own keys). */
const RAW_VALUES = [
  'null', 'true', 'false', '0', '-0', '-1', '1.5', '1e308', '-1e308', '1e999', '-1e999', '4294967296', '9007199254740993',
  '"NaN"', '"Infinity"', '"-Infinity"', '"1"', '"10"', '""', '" 1 "', '"0x10"', '[]', '[1]', '{}', '{"a":1}',
  ...MARKUP.map((m) => JSON.stringify(m)),
  JSON.stringify('x'.repeat(5000)),
];

const POLLUTION = [
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"__proto__":{"__proto__":{"polluted":1}}}',
  '{"prototype":{"polluted":1}}',
];

function pick<T>(r: Prng, xs: readonly T[]): T {
  return xs[r.below(xs.length)]!;
}

/** A random scenario a person could make (valid), for mutation. */
function randomScenario(r: Prng): Scenario {
  let s = defaultScenario();
  s = setPath(s, 'sim.seed', r.below(1_000_000));
  s = setPath(s, 'traffic.load', Math.round(r.below(150)) / 100);
  s = setPath(s, 'traffic.arrival', pick(r, ['constant', 'poisson', 'bursty']));
  s = setPath(s, 'traffic.workload', pick(r, ['forward', 'receive', 'transmit', 'ring']));
  return s;
}

/** A random JSON value of bounded size, as text, with hostile leaves and keys mixed in. */
function randomJson(r: Prng, depth: number): string {
  const k = r.below(depth > 3 ? 3 : 6);
  if (k === 0 || k === 1) return pick(r, RAW_VALUES);
  if (k === 2) return JSON.stringify(pick(r, MARKUP));
  if (k === 3) return `[${Array.from({ length: r.below(4) }, () => randomJson(r, depth + 1)).join(',')}]`;
  const keys = ['host', 'nic', 'traffic', 'load', 'v', 'scenario', '__proto__', 'constructor', 'prototype', ...MARKUP, ...KNOBS.map((x) => x.path.split('.').pop()!)];
  return `{${Array.from({ length: r.below(5) }, () => `${JSON.stringify(pick(r, keys))}:${randomJson(r, depth + 1)}`).join(',')}}`;
}

/** The scenario as JSON text with one knob replaced by raw JSON text (keeps 1e999, -0, own __proto__ keys). */
function withRawKnob(s: unknown, path: string, raw: string): string {
  const marker = '"__RAW_MARKER__"';
  return JSON.stringify(setPath(s, path, '__RAW_MARKER__')).replace(marker, raw);
}

function mutate(r: Prng, link: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$.#%<>"\'&;=/\\ \u0000\u00e9\u{1F600}';
  const chars = [...link];
  const op = r.below(6);
  if (op === 0) return link.slice(0, r.below(link.length)); // cut off when copied
  if (op === 1) return link + link.slice(4 + r.below(link.length - 4)); // pasted twice
  if (op === 2) return link.replace(/^#v\d+/, `#v${pick(r, [0, 1, 2, 3, 10, 999999, -1])}`);
  const edits = 1 + r.below(6);
  for (let e = 0; e < edits; e++) {
    const at = 4 + r.below(Math.max(1, chars.length - 4));
    const c = op === 3 ? pick(r, [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$']) : alphabet[r.below(alphabet.length)]!;
    if (r.below(3) === 0) chars.splice(at, 1);
    else if (r.below(2) === 0) chars.splice(at, 0, c);
    else chars[at] = c;
  }
  return chars.join('');
}

/** Headline with digits normalised: the set of these must stay tiny (fixed sentences, no echo). */
const shape = (m: string) => m.replace(/\d+/g, 'N');

function checkResult(input: unknown, d: DecodeResult, headlines: Set<string>): void {
  expect(typeof d.ok).toBe('boolean');
  if (d.ok) {
    if (d.empty) {
      expect(d.state).toBeNull();
      return;
    }
    // A link that opens holds a complete, valid scenario and re-encodes to itself.
    const again = parseScenario(d.state.scenario);
    expect(again.ok, String(input).slice(0, 120)).toBe(true);
    expect(decodeLink(encodeLink(d.state)).ok).toBe(true);
    return;
  }
  const { message, details } = d;
  expect(typeof message).toBe('string');
  expect(message.length).toBeGreaterThan(10);
  expect(message.length).toBeLessThan(200);
  // Plain text: no markup, no control characters, no leaked internals.
  // eslint-disable-next-line no-control-regex
  expect(message).not.toMatch(/[<>&"`]|[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202e]/);
  expect(message).not.toMatch(/undefined|NaN|Infinity|\[object|Error:|\bat .*\.ts|\{|\}/);
  expect(message).toMatch(/^[A-Z].*\.$/);
  headlines.add(shape(message));
  expect(Array.isArray(details)).toBe(true);
  for (const x of details) expect(typeof x).toBe('string');
  // The raw (compressed) payload is never echoed back.
  if (typeof input === 'string') {
    const m = /#?v-?\d+\./.exec(input.slice(0, 4096));
    const data = m ? input.slice(m.index + m[0].length, m.index + m[0].length + 24) : '';
    if (data.length === 24) expect(message + details.join('\n')).not.toContain(data);
  }
}

function decodeSafely(input: unknown): DecodeResult {
  try {
    return decodeLink(input as string);
  } catch (e) {
    throw new Error(`decodeLink threw on ${JSON.stringify(String(input).slice(0, 200))}: ${String(e)}`);
  }
}

describe('decodeLink under hostile input', () => {
  const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  const headlines = new Set<string>();
  const counts = { total: 0, opened: 0, refused: 0 };
  const feed = (input: unknown) => {
    const d = decodeSafely(input);
    counts.total++;
    if (d.ok && !d.empty) counts.opened++;
    if (!d.ok) counts.refused++;
    checkResult(input, d, headlines);
    return d;
  };

  it('survives 3000 random fragments', () => {
    const r = new Prng(0xdecade);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$._~!*()\'#%<>"&;=/?\\ \t\n\u0000\u00e9\u{1F600}\ud800';
    const prefixes = ['', '#', '#v1.', '#v2.', '#v3.', '#v0.', '#v999999.', '#v1234567.', 'v2.', 'http://127.0.0.1:4173/?fps=0#v2.', '#V2.', '#v2', '#v.', '#v-1.', '#v02.'];
    for (let i = 0; i < 3000; i++) {
      const n = r.below(i % 10 === 0 ? 2000 : 120);
      feed(pick(r, prefixes) + Array.from({ length: n }, () => alphabet[r.below(alphabet.length)]).join(''));
    }
  });

  it('survives 3000 mutations of valid v1 and v2 links', () => {
    const r = new Prng(1234);
    const seeds = [
      encodeLink({ scenario: defaultScenario() }),
      frag(JSON.stringify({ v: 1, scenario: v1Scenario() }), 1),
      ...Array.from({ length: 20 }, () => encodeLink({ scenario: randomScenario(r) })),
    ];
    for (let i = 0; i < 3000; i++) {
      let link = pick(r, seeds);
      for (let m = 1 + r.below(3); m > 0; m--) link = mutate(r, link);
      feed(link);
    }
  });

  it('refuses well-formed links whose JSON carries wrong types, NaN, Infinity and markup in every knob', () => {
    const base = defaultScenario();
    let refused = 0;
    for (const k of KNOBS) {
      for (const raw of RAW_VALUES) {
        const d = feed(frag(`{"v":${SCHEMA_VERSION},"scenario":${withRawKnob(base, k.path, raw)}}`));
        if (!d.ok) {
          refused++;
          // The refusal names the knob.
          expect(d.details.join('\n'), `${k.path}=${raw}`).toContain(k.path);
        }
      }
    }
    // Only a value of the knob's own kind in range can pass; nearly every case is refused.
    expect(refused).toBeGreaterThan(KNOBS.length * RAW_VALUES.length * 0.9);
    // The same through the v1 → v2 migration: the v1 knobs carry the hostile values.
    for (const path of ['nic.link_gbps', 'queues.tx_desc', 'traffic.frame_bytes', 'traffic.load', 'traffic.arrival', 'sim.seed', 'sim.duration_ms']) {
      for (const raw of RAW_VALUES) {
        const d = feed(frag(`{"v":1,"scenario":${withRawKnob(v1Scenario(), path, raw)}}`, 1));
        if (d.ok) expect(parseScenario(d.ok && !d.empty ? d.state.scenario : null).ok).toBe(true);
        else expect(d.details.join('\n'), `v1 ${path}=${raw}`).toContain(path);
      }
    }
  });

  it('refuses 2000 random JSON documents inside valid lz-string, at every version', () => {
    const r = new Prng(77);
    for (let i = 0; i < 2000; i++) {
      const v = pick(r, [1, 2, SCHEMA_VERSION, 1]);
      const json = r.below(3) === 0 ? randomJson(r, 0) : `{"v":${v},"scenario":${randomJson(r, 1)}}`;
      feed(frag(json, v));
    }
  });

  it('ignores prototype-pollution keys at every level, without polluting anything', () => {
    const levels = ['', 'traffic', 'traffic.mix', 'nic', 'sim'];
    for (const p of POLLUTION) {
      // At the top of the payload, in the scenario, inside groups, for v1 (merge) and v2 (strict).
      feed(frag(`{"v":${SCHEMA_VERSION},"scenario":${JSON.stringify(defaultScenario())},${p.slice(1)}`));
      feed(frag(`{"v":1,"scenario":${JSON.stringify(v1Scenario())},${p.slice(1)}`, 1));
      for (const at of levels) {
        const v2 = at ? withRawKnob(defaultScenario(), `${at}.x`, '0').replace('"x":0', p.slice(1, -1)) : JSON.stringify(defaultScenario()).replace(/^\{/, `{${p.slice(1, -1)},`);
        const d2 = feed(frag(`{"v":${SCHEMA_VERSION},"scenario":${v2}}`));
        // v2 is strict: the key is an unknown knob.
        expect(d2.ok).toBe(false);
        const v1 = at ? withRawKnob(v1Scenario(), `${at}.x`, '0').replace('"x":0', p.slice(1, -1)) : JSON.stringify(v1Scenario()).replace(/^\{/, `{${p.slice(1, -1)},`);
        feed(frag(`{"v":1,"scenario":${v1}}`, 1));
      }
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore);
    expect(Object.getPrototypeOf(defaultScenario())).toBe(Object.prototype);
  });

  it('handles deep nesting and large documents without throwing', () => {
    for (const depth of [1_000, 10_000, 100_000]) {
      const arr = '['.repeat(depth) + ']'.repeat(depth);
      const obj = '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
      const mix = '{"mix":'.repeat(depth) + '1' + '}'.repeat(depth);
      for (const v of [1, SCHEMA_VERSION]) {
        feed(frag(`{"v":${v},"scenario":${arr}}`, v));
        feed(frag(`{"v":${v},"scenario":{"traffic":${obj}}}`, v));
        feed(frag(`{"v":${v},"scenario":{"traffic":{"mix":${mix}}}}`, v));
        feed(frag(`{"v":${v},"scenario":{"traffic":{"load":${arr}}}}`, v));
        feed(frag(arr, v));
      }
    }
    // Unterminated nesting and a document of many keys.
    feed(frag(`{"v":2,"scenario":${'['.repeat(50_000)}`));
    feed(frag(JSON.stringify({ v: 2, scenario: { ...defaultScenario(), ...Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i])) } })));
  });

  it('refuses oversized links before decoding them', () => {
    const good = encodeLink({ scenario: defaultScenario() });
    for (const n of [MAX_LINK_CHARS + 1, MAX_LINK_CHARS * 4, 1 << 20, 8 << 20]) {
      const t0 = performance.now();
      const d = feed(`#v2.${'A'.repeat(n)}`);
      expect(d.ok).toBe(false);
      if (!d.ok) expect(d.message).toMatch(/too long/);
      expect(performance.now() - t0).toBeLessThan(500);
    }
    // A valid link padded past the limit, and a huge URL in front of a valid fragment.
    const padded = feed(good + 'A'.repeat(MAX_LINK_CHARS));
    expect(padded.ok).toBe(false);
    const longUrl = feed(`http://127.0.0.1:4173/?${'q'.repeat(1 << 20)}${good}`);
    expect(longUrl.ok && !longUrl.empty).toBe(true);
  });

  it('returns an error, never throws, for inputs that are not strings', () => {
    for (const x of [undefined, null, 0, 42, NaN, true, {}, [], ['#v2.abc'], { toString: () => '#v2.abc' }, new String('#v2.x'), () => '#v2', Symbol('x'), 10n]) {
      const d = decodeSafely(x);
      counts.total++;
      if (d.ok) expect(d.empty || typeof x === 'object').toBe(true);
      else checkResult(x, d, headlines);
    }
  });

  it('used only a handful of fixed headline sentences across all of it', () => {
    // Each headline is one of link.ts's fixed sentences (version numbers aside): none quotes the input.
    expect([...headlines].length, [...headlines].join('\n')).toBeLessThanOrEqual(8);
    expect(counts.total).toBeGreaterThan(9_000);
    expect(counts.refused).toBeGreaterThan(counts.total * 0.9);
    // Printed for the record: how much of it decoded at all.
    console.log(`linkfuzz: ${counts.total} inputs, ${counts.refused} refused, ${counts.opened} opened, ${headlines.size} distinct headlines`);
  });

  it('stops decompressing at the size cap: a short link of nested brackets is never inflated', () => {
    // A run of one character compresses to O(√n) codes: 2 M brackets fit in a ~4 kB link (16 kB,
    // the longest link accepted, holds ~32 M).
    const data = lz(`{"v":${SCHEMA_VERSION},"scenario":${'['.repeat(2_000_000)}`);
    const link = `#v${SCHEMA_VERSION}.${data}`;
    expect(link.length).toBeLessThan(MAX_LINK_CHARS);
    expect(LZString.decompressFromEncodedURIComponent(data).length).toBeGreaterThan(2_000_000);
    const inflate = vi.spyOn(LZString, 'decompressFromEncodedURIComponent');
    try {
      const d = feed(link);
      expect(d.ok).toBe(false);
      if (!d.ok) {
        expect(d.message).toMatch(/too large/);
        expect(d.details).toEqual([`more than ${MAX_PAYLOAD_CHARS} characters of data`]);
      }
      expect(inflate).not.toHaveBeenCalled();
    } finally {
      inflate.mockRestore();
    }
  });

  it('quotes unknown keys in details safely: control characters escaped, length capped', () => {
    const key = `\u001b[2J<b>${'k'.repeat(30_000)}`;
    const d = feed(frag(JSON.stringify({ v: SCHEMA_VERSION, scenario: { ...defaultScenario(), [key]: 1 } })));
    expect(d.ok).toBe(false);
    if (d.ok) return;
    const text = d.details.join('\n');
    expect(text.length).toBeLessThan(200);
    expect(text).toContain('\\u001b[2J\\u003cb\\u003e');
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u001f<>]/);
  });

  it('refuses __proto__, constructor and prototype keys in v1, v2 and v3 links as in current ones', () => {
    const cur = feed(frag(`{"v":${SCHEMA_VERSION},"scenario":${JSON.stringify(defaultScenario()).replace(/^\{/, '{"__proto__":{"polluted":1},')}}`));
    expect(cur.ok).toBe(false);
    const refusal = !cur.ok ? cur.message : '';
    const old = [
      frag(`{"v":1,"scenario":${JSON.stringify(v1Scenario()).replace(/^\{/, '{"__proto__":{"polluted":1},')}}`, 1),
      frag(`{"v":1,"scenario":${withRawKnob(v1Scenario(), 'traffic.constructor', '{"prototype":{"polluted":1}}')}}`, 1),
      frag(`{"v":2,"scenario":${withRawKnob(v1Scenario(), 'nic.prototype', '1')}}`, 2),
      frag(`{"v":3,"scenario":${JSON.stringify(defaultScenario()).replace(/^\{/, '{"constructor":1,')}}`, 3),
      frag(`{"v":3,"scenario":${JSON.stringify(defaultScenario())},"baseline":${JSON.stringify(defaultScenario()).replace(/^\{/, '{"__proto__":1,')}}`, 3),
    ];
    for (const link of old) {
      const d = feed(link);
      expect(d.ok, link).toBe(false);
      if (d.ok) continue;
      expect(d.message).toBe(refusal);
      expect(d.details.join(' ')).toMatch(/^unknown knobs?: .*(__proto__|constructor|prototype)/);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reads -0 as 0, and a 20-digit seed gets one message', () => {
    const d = feed(frag(withRawKnob(JSON.parse(`{"v":${SCHEMA_VERSION},"scenario":${JSON.stringify(defaultScenario())}}`), 'scenario.queues.core_offset', '-0')));
    expect(d.ok && !d.empty && Object.is(d.state.scenario.queues.core_offset, 0)).toBe(true);
    const v1 = feed(frag(`{"v":1,"scenario":${withRawKnob(v1Scenario(), 'sim.seed', '-0')}}`, 1));
    expect(v1.ok && !v1.empty && Object.is(v1.state.scenario.sim.seed, 0)).toBe(true);
    const seed = feed(frag(`{"v":${SCHEMA_VERSION},"scenario":${withRawKnob(defaultScenario(), 'sim.seed', '12345678901234567890')}}`));
    expect(!seed.ok && seed.details).toEqual(['sim.seed must be at most 4294967295 (allowed 0–4294967295)']);
  });
});
