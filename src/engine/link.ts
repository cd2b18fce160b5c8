/**
 * Share links: the URL fragment `#v<version>.<lz-string payload>` holds the whole scenario (every
 * knob, seed included) plus the schema version, so a link keeps its meaning even when defaults
 * change. Decoding never throws: it returns a plain-language message for people and the details
 * (which knob, which limit) for those who want them.
 */
import LZString from 'lz-string';
import { SCHEMA_VERSION, defaultScenario, parseScenario, type Scenario } from './scenario';

export interface LinkState {
  scenario: Scenario;
}

export type DecodeResult =
  | { ok: true; state: LinkState; empty: false }
  | { ok: true; state: null; empty: true }
  | { ok: false; message: string; details: string[] };

/** Longest fragment we will try to decode (a full scenario is well under 2 kB). */
export const MAX_LINK_CHARS = 16_384;

/**
 * Upgrades from older link versions: MIGRATIONS[n] turns a version-n payload into version n+1.
 * Each knob rename or meaning change adds one step here with a fixture test.
 */
const MIGRATIONS: Record<number, (p: Record<string, unknown>) => Record<string, unknown>> = {
  // v1 (walking skeleton) had only the TX ring and wire: that model is now `traffic.workload=ring`.
  // Its knobs keep their values; every new knob takes its default, which the ring path ignores.
  1: (p) => ({ ...p, v: 2, scenario: mergeOnto(defaultScenario(), { ...asObject(p.scenario), traffic: { ...asObject(asObject(p.scenario).traffic), workload: 'ring' } }) }),
  // v2 → v3 added LRO (lro.*, traffic.ack_share, traffic.loss) and the TX software paths (tx.*,
  // netmap.*, kern.hz, iflib.tx_abdicate, iflib.tx_reclaim_thresh). v2 had no LRO: its links get
  // lro.mode=off, no ACK-only streams and no loss. A v2 transmit link made before tx.path existed
  // described a TX model that is gone: it is refused rather than silently re-interpreted.
  2: (p) => {
    const sc = asObject(p.scenario);
    if (asObject(sc.traffic).workload === 'transmit' && sc.tx === undefined) {
      throw new MigrationRefused('This link was made before ringlab modelled the TX software paths; its transmit result cannot be reproduced. Open a preset instead.');
    }
    const base = mergeOnto(defaultScenario(), { lro: { mode: 'off' }, traffic: { ack_share: 0, loss: 0 } });
    return { ...p, v: 3, scenario: mergeOnto(base, sc) };
  },
};

class MigrationRefused extends Error {}

function asObject(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Deep merge of plain objects; anything unexpected is kept so validation can name it. */
function mergeOnto(base: unknown, over: unknown): unknown {
  if (over === null || typeof over !== 'object' || Array.isArray(over)) return over;
  if (base === null || typeof base !== 'object' || Array.isArray(base)) return over;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(over as Record<string, unknown>)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    out[k] = mergeOnto(out[k], v);
  }
  return out;
}

export function encodeLink(state: LinkState): string {
  const json = JSON.stringify({ v: SCHEMA_VERSION, scenario: state.scenario });
  return `#v${SCHEMA_VERSION}.${LZString.compressToEncodedURIComponent(json)}`;
}

/** Accepts a fragment (`#v1.…`, with or without `#`) or a whole URL containing one. */
export function decodeLink(input: string): DecodeResult {
  const damaged = 'This link is damaged: its data could not be read. It may have been cut off when it was copied.';
  if (typeof input !== 'string') return { ok: false, message: damaged, details: ['not a string'] };
  let frag = input.trim();
  const hash = frag.indexOf('#');
  if (hash >= 0) frag = frag.slice(hash + 1);
  if (frag === '') return { ok: true, state: null, empty: true };
  if (frag.length > MAX_LINK_CHARS) {
    return { ok: false, message: 'This link is too long to be a ringlab scenario.', details: [`${frag.length} characters; at most ${MAX_LINK_CHARS}`] };
  }
  const m = /^v(\d{1,6})\.([A-Za-z0-9+\-$]*)$/.exec(frag);
  if (!m) {
    return { ok: false, message: 'This is not a ringlab scenario link.', details: ['expected a fragment like #v1.<data>'] };
  }
  const version = Number(m[1]);
  if (version > SCHEMA_VERSION) {
    return {
      ok: false,
      message: `This link was made by a newer ringlab (link format v${version}); this page reads up to v${SCHEMA_VERSION}.`,
      details: [`format v${version} is not known here`],
    };
  }
  if (version < 1) return { ok: false, message: 'This is not a ringlab scenario link.', details: [`format v${version} never existed`] };
  let json: string | null;
  try {
    json = LZString.decompressFromEncodedURIComponent(m[2]!);
  } catch {
    json = null;
  }
  if (!json) return { ok: false, message: damaged, details: ['the data did not decompress'] };
  let payload: unknown;
  try {
    payload = JSON.parse(json);
  } catch {
    return { ok: false, message: damaged, details: ['the data is not valid JSON'] };
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return { ok: false, message: damaged, details: ['the data is not an object'] };
  }
  let p = payload as Record<string, unknown>;
  if (p.v !== version) return { ok: false, message: damaged, details: ['the version inside the data does not match the link'] };
  for (let v = version; v < SCHEMA_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) return { ok: false, message: `Links of format v${v} can no longer be opened.`, details: [`no migration from v${v}`] };
    if (asObject(p.scenario) !== p.scenario) return { ok: false, message: damaged, details: ['the scenario is not an object'] };
    try {
      p = step(p);
    } catch (e) {
      if (e instanceof MigrationRefused) return { ok: false, message: e.message, details: [`format v${v} → v${v + 1}`] };
      throw e;
    }
  }
  const parsed = parseScenario(p.scenario);
  if (!parsed.ok) {
    return { ok: false, message: 'This link asks for settings ringlab does not accept, so it was not applied.', details: parsed.errors };
  }
  return { ok: true, state: { scenario: parsed.value }, empty: false };
}
