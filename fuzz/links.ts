/**
 * Link fuzzer: random fragments, mutations of real links of every format, well-formed links whose
 * JSON carries wrong types, hostile keys and markup, size and nesting bombs. Whatever comes in,
 * decodeLink must not throw, must answer with one of a few fixed
 * headline sentences (it never quotes the input), must name details as plain strings, must open
 * only complete valid scenarios that re-encode to themselves, and must never touch
 * Object.prototype. How many took longer than SLOW_MS is counted (a figure, not a failure: a link
 * with a 2000-run sweep is checked point by point, ~0.3 s on a loaded machine). Seeded (the
 * engine's PRNG); a failure names the input.
 */
import LZString from 'lz-string';
import { KNOBS, SCHEMA_VERSION, decodeLink, defaultScenario, encodeLink, parseScenario, setPath, type DecodeResult } from '../src/engine';
import { Prng } from '../src/engine/prng';

/** Decodes slower than this are counted (the probe saw none over 200 ms). */
export const SLOW_MS = 200;

export interface LinkFuzzResult {
  total: number;
  opened: number;
  refused: number;
  /** Distinct headline sentences (digits normalised). */
  headlines: string[];
  slowest: number;
  /** Decodes that took longer than SLOW_MS. */
  slow: number;
  failures: string[];
}

const lz = (text: string) => LZString.compressToEncodedURIComponent(text);
const frag = (json: string, v: number) => `#v${v}.${lz(json)}`;

const MARKUP = ['<script>window.__pwned=1</script>', '<img src=x onerror="alert(1)">', '"><svg onload=alert(1)>', '\u0000\u001b[2J\u202e', '\ud800', '=HYPERLINK("http://x","y")'];
const RAW = ['null', 'true', '0', '-0', '-1', '1.5', '1e308', '1e999', '-1e999', '4294967296', '12345678901234567890', '"NaN"', '"1"', '""', '[]', '{}', ...MARKUP.map((m) => JSON.stringify(m))];
const KEYS = ['__proto__', 'constructor', 'prototype', 'scenario', 'baseline', 'sweep', 'v', ...MARKUP, ...KNOBS.map((k) => k.path.split('.').pop()!)];

const pick = <T>(r: Prng, xs: readonly T[]): T => xs[r.below(xs.length)]!;

function randomJson(r: Prng, depth: number): string {
  const k = r.below(depth > 3 ? 3 : 6);
  if (k <= 1) return pick(r, RAW);
  if (k === 2) return JSON.stringify(pick(r, MARKUP));
  if (k === 3) return `[${Array.from({ length: r.below(4) }, () => randomJson(r, depth + 1)).join(',')}]`;
  return `{${Array.from({ length: r.below(5) }, () => `${JSON.stringify(pick(r, KEYS))}:${randomJson(r, depth + 1)}`).join(',')}}`;
}

function withRaw(obj: unknown, path: string, raw: string): string {
  return JSON.stringify(setPath(obj, path, '__RAW__')).replace('"__RAW__"', raw);
}

function mutate(r: Prng, link: string): string {
  const chars = [...link];
  const op = r.below(5);
  if (op === 0) return link.slice(0, r.below(link.length));
  if (op === 1) return link + link.slice(4 + r.below(Math.max(1, link.length - 4)));
  if (op === 2) return link.replace(/^#v\d+/, `#v${pick(r, [0, 1, 2, 3, 4, 9, 999999])}`);
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$. <>"\u0000\u{1F600}';
  for (let e = 1 + r.below(6); e > 0; e--) {
    const at = 4 + r.below(Math.max(1, chars.length - 4));
    chars[at] = alphabet[r.below(alphabet.length)]!;
  }
  return chars.join('');
}

/** The i-th fuzz input of a run. */
function input(r: Prng, i: number, seeds: string[]): string {
  const kind = i % 6;
  if (kind === 0) {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$#.%<>"&;=/ \u0000\u00e9';
    return pick(r, ['', '#', '#v1.', '#v2.', '#v3.', `#v${SCHEMA_VERSION}.`, '#v999.', 'http://127.0.0.1/#v4.']) + Array.from({ length: r.below(i % 60 === 0 ? 3000 : 150) }, () => alphabet[r.below(alphabet.length)]).join('');
  }
  if (kind === 1 || kind === 2) {
    let l = pick(r, seeds);
    for (let m = 1 + r.below(3); m > 0; m--) l = mutate(r, l);
    return l;
  }
  if (kind === 3) {
    const v = pick(r, [1, 2, 3, SCHEMA_VERSION]);
    return frag(r.below(3) === 0 ? randomJson(r, 0) : `{"v":${v},"scenario":${randomJson(r, 1)}}`, v);
  }
  if (kind === 4) {
    const k = pick(r, KNOBS);
    const v = pick(r, [2, 3, SCHEMA_VERSION]);
    return frag(`{"v":${v},"scenario":${withRaw(defaultScenario(), k.path, pick(r, RAW))}}`, v);
  }
  // Bombs and hostile keys at random places.
  const d = 50 + r.below(3000);
  return pick(r, [
    frag(`{"v":${SCHEMA_VERSION},"scenario":${'['.repeat(d)}${']'.repeat(d)}}`, SCHEMA_VERSION),
    frag(`{"v":${SCHEMA_VERSION},"scenario":${'['.repeat(d * 10)}`, SCHEMA_VERSION),
    frag(`{"v":1,"scenario":{"__proto__":{"polluted":1},"traffic":{"load":0.5}}}`, 1),
    frag(`{"v":${SCHEMA_VERSION},"scenario":${JSON.stringify(defaultScenario()).replace(/^\{/, `{${JSON.stringify(pick(r, KEYS))}:1,`)}}`, SCHEMA_VERSION),
    frag(`{"v":${SCHEMA_VERSION},"scenario":${JSON.stringify(defaultScenario())},"sweep":{"spec":${JSON.stringify(`${pick(r, MARKUP)}=1..2`)},"series":[{"label":${JSON.stringify(pick(r, MARKUP))},"set":{}}],"y":${JSON.stringify(pick(r, MARKUP))}}}`, SCHEMA_VERSION),
  ]);
}

const shape = (m: string) => m.replace(/\d+/g, 'N');

/** `decode` is decodeLink; tests pass a broken one to see the checks fire. */
export function fuzzLinks(seed: number, n: number, decode: (input: string) => DecodeResult = decodeLink): LinkFuzzResult {
  const protoBefore = Object.getOwnPropertyNames(Object.prototype).join(',');
  const r = new Prng(seed);
  const seeds = [
    encodeLink({ scenario: defaultScenario() }),
    encodeLink({ scenario: setPath(defaultScenario(), 'traffic.workload', 'receive'), baseline: defaultScenario(), sweep: { spec: 'traffic.flows=1..100:log:3', series: [{ label: 'a', set: { 'lro.mode': 'sorted' } }], y: 'lro_ratio' } }),
    frag(JSON.stringify({ v: 1, scenario: { nic: { link_gbps: 10 }, queues: { tx_desc: 1024 }, traffic: { frame_bytes: 64, load: 1, arrival: 'constant' }, sim: { seed: 1, duration_ms: 2 } } }), 1),
  ];
  const out: LinkFuzzResult = { total: 0, opened: 0, refused: 0, headlines: [], slowest: 0, slow: 0, failures: [] };
  const headlines = new Set<string>();
  for (let i = 0; i < n; i++) {
    const link = input(r, i, seeds);
    const where = `seed ${seed} #${i} ${JSON.stringify(link.slice(0, 120))}`;
    let d: DecodeResult;
    const t0 = performance.now();
    try {
      d = decode(link);
    } catch (e) {
      out.failures.push(`${where}: threw ${String(e)}`);
      continue;
    }
    const ms = performance.now() - t0;
    out.slowest = Math.max(out.slowest, ms);
    if (ms > SLOW_MS) out.slow++;
    out.total++;
    if (d.ok) {
      if (d.empty) continue;
      out.opened++;
      if (!parseScenario(d.state.scenario).ok) out.failures.push(`${where}: opened an invalid scenario`);
      else if (!decodeLink(encodeLink(d.state)).ok) out.failures.push(`${where}: does not re-encode`);
      continue;
    }
    out.refused++;
    headlines.add(shape(d.message));
    // eslint-disable-next-line no-control-regex
    if (/[<>&"`]|[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|undefined|NaN|\[object/.test(d.message)) out.failures.push(`${where}: headline ${JSON.stringify(d.message)}`);
    if (!Array.isArray(d.details) || d.details.some((x) => typeof x !== 'string')) out.failures.push(`${where}: details are not strings`);
    // eslint-disable-next-line no-control-regex
    else if (d.details.some((x) => /<(script|img|svg)|[\u0000-\u001f\u202a-\u202e\u2066-\u2069]/i.test(x) || x.length > 600)) out.failures.push(`${where}: a detail echoes markup, control characters or too much: ${JSON.stringify(d.details).slice(0, 200)}`);
  }
  if (Object.getOwnPropertyNames(Object.prototype).join(',') !== protoBefore || ({} as Record<string, unknown>).polluted !== undefined) out.failures.push(`seed ${seed}: Object.prototype was changed`);
  out.headlines = [...headlines].sort();
  if (out.headlines.length > 8) out.failures.push(`seed ${seed}: ${out.headlines.length} distinct headlines (fixed sentences expected): ${out.headlines.join(' | ')}`);
  return out;
}
