/**
 * Stored share links (fixtures/links/*.json, see the README there) keep their meaning: each link
 * made by an older or the current encoder opens to the same scenario and reproduces the stored
 * figures bit-for-bit; each stored bad link is still refused with the same plain message.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { KNOBS, SCHEMA_VERSION, decodeLink, defaultScenario, encodeLink, getPath, runScenario, setPath, type Scenario } from './index';
import { knobSince } from './scenario';
import { FIGURE_KEYS, figuresOf, type ErrorFixture, type LinkFixture, type OkFixture } from './fixtures/links/fixture';

const DIR = fileURLToPath(new URL('./fixtures/links/', import.meta.url));
const FIXTURES: [string, LinkFixture][] = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(DIR + f, 'utf8')) as LinkFixture]);
const OK = FIXTURES.filter((x): x is [string, OkFixture] => x[1].expect === 'ok');
const BAD = FIXTURES.filter((x): x is [string, ErrorFixture] => x[1].expect === 'error');

/** Dotted paths of every leaf of a plain JSON object. */
function leaves(o: unknown, at = ''): string[] {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) return [at];
  return Object.entries(o).flatMap(([k, v]) => leaves(v, at ? `${at}.${k}` : k));
}

/**
 * Every number stored in `want` equals the one in `got` bit-for-bit (Object.is: 0 ≠ -0), and
 * every other stored value is equal. Fields the engine added since the fixture was recorded (a new
 * drop location, say) are not stored figures and are not compared.
 */
function mismatches(got: unknown, want: unknown, at: string): string[] {
  if (want !== null && typeof want === 'object') {
    if (got === null || typeof got !== 'object') return [`${at}: expected an object, got ${JSON.stringify(got)}`];
    return Object.keys(want).flatMap((k) => mismatches((got as Record<string, unknown>)[k], (want as Record<string, unknown>)[k], `${at}.${k}`));
  }
  return Object.is(got, want) ? [] : [`${at}: stored ${JSON.stringify(want)}, now ${String(got)}`];
}

/**
 * The scenario a fixture must open to today: the stored one, plus every knob added after it was
 * recorded at that knob's legacy value (the meaning the link had). Only knobs of a later format
 * than the fixture's may be missing; anything else missing is a broken link.
 */
function expectedScenario(f: OkFixture): Scenario {
  let s = f.scenario;
  for (const k of KNOBS) {
    if (getPath(s, k.path) !== undefined) continue;
    if (knobSince(k) <= f.version) throw new Error(`${k.path} existed in format v${f.version} but is not in the stored scenario`);
    s = setPath(s, k.path, k.legacy ?? k.default);
  }
  return s;
}

describe('stored share-link fixtures', () => {
  it('cover every link format from v1 to the current one, opening and refused', () => {
    for (let v = 1; v <= SCHEMA_VERSION; v++) {
      expect(OK.filter(([, f]) => f.version === v).length, `fixtures that open, format v${v}`).toBeGreaterThanOrEqual(2);
    }
    expect(BAD.some(([, f]) => f.version === 1), 'a v1 link that is refused').toBe(true);
    expect(FIXTURES.every(([, f]) => f.version >= 1 && f.version <= SCHEMA_VERSION)).toBe(true);
  });

  it.each(FIXTURES)('%s: the stored link holds the stored payload', (_name, f) => {
    expect(f.link.startsWith(`#v${f.version}.`)).toBe(true);
    const json = LZString.decompressFromEncodedURIComponent(f.link.slice(`#v${f.version}.`.length));
    expect(JSON.parse(json!)).toEqual(f.payload);
    // A v1 fixture is exactly what the v1 encoder produced from its payload.
    if (f.version === 1) expect(`#v1.${LZString.compressToEncodedURIComponent(JSON.stringify(f.payload))}`).toBe(f.link);
  });

  it.each(OK)('%s: opens to the same scenario', (_name, f) => {
    const d = decodeLink(f.link);
    if (!d.ok || d.empty) throw new Error(`refused: ${d.ok ? 'empty' : `${d.message} ${d.details.join('; ')}`}`);
    const want = expectedScenario(f);
    expect(d.state.scenario).toEqual(want);
    // Also from a whole URL, as people paste them.
    const url = decodeLink(`http://127.0.0.1:4173/?fps=0${f.link}`);
    expect(url.ok && !url.empty && url.state.scenario).toEqual(want);
    if (f.version === SCHEMA_VERSION) expect(encodeLink({ scenario: d.state.scenario }), 'the current encoder gives the stored link').toBe(f.link);
  });

  it.each(OK.filter(([, f]) => f.version === 1))('%s: a v1 link means the ring workload with its own values', (_name, f) => {
    const d = decodeLink(f.link);
    if (!d.ok || d.empty) throw new Error('refused');
    const s = d.state.scenario;
    expect(s.traffic.workload).toBe('ring');
    const v1 = (f.payload as { scenario: unknown }).scenario;
    const kept = leaves(v1);
    expect(kept.sort()).toEqual(['nic.link_gbps', 'queues.tx_desc', 'sim.duration_ms', 'sim.seed', 'traffic.arrival', 'traffic.frame_bytes', 'traffic.load']);
    for (const path of kept) expect(getPath(s, path), path).toBe(getPath(v1, path));
    // Every knob v1 did not have takes the default of v3 (the ring path ignores them); knobs added
    // later take their legacy value, as for any older link.
    const defaults = defaultScenario();
    for (const k of KNOBS) {
      if (kept.includes(k.path) || k.path === 'traffic.workload') continue;
      expect(getPath(s, k.path), k.path).toEqual(knobSince(k) > 3 ? k.legacy ?? k.default : getPath(defaults, k.path));
    }
  });

  it.each(OK)('%s: running it reproduces the stored figures bit-for-bit', (_name, f) => {
    const got = figuresOf(runScenario(expectedScenario(f)).summary);
    expect(Object.keys(f.figures).sort()).toEqual([...FIGURE_KEYS].sort());
    expect(mismatches(got, f.figures, 'summary')).toEqual([]);
  });

  it.each(BAD)('%s: is still refused, with a plain message naming each bad knob', (_name, f) => {
    const d = decodeLink(f.link);
    if (d.ok) throw new Error('a bad link was accepted');
    expect(d.message).toBe(f.message);
    expect(d.message).not.toMatch(/[<>]|undefined|NaN|\[object/);
    for (const re of f.details_match) expect(d.details.some((x) => new RegExp(re).test(x)), re).toBe(true);
  });
});
