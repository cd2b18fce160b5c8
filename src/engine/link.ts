/**
 * Share links: the URL fragment `#v<version>.<lz-string payload>` holds the whole scenario (every
 * knob, seed included) plus the schema version, so a link keeps its meaning even when defaults
 * change. Decoding never throws: it returns a plain-language message for people and the details
 * (which knob, which limit) for those who want them.
 */
import LZString from 'lz-string';
import { decompressFromURIComponentBounded } from './lzdecode';
import { SCHEMA_VERSION, addKnobsOf, defaultScenarioAt, echoKey, parseScenario, type Scenario } from './scenario';
import { SweepDefSchema, planSweep, sweepShapeErrors, type SweepDef } from './sweep';

/**
 * What a link holds: the scenario, and optionally the run pinned as the comparison baseline (its
 * scenario: runs are deterministic, so the scenario is the result) and a sweep definition.
 */
export interface LinkState {
  scenario: Scenario;
  baseline?: Scenario;
  sweep?: SweepDef;
  /**
   * The capture a traffic.interleave=pcap scenario replays: a link cannot carry the file, so it
   * names it and its SHA-256; the page asks for the file and refuses one with another hash.
   */
  capture?: CaptureRef;
}

export type DecodeResult =
  | { ok: true; state: LinkState; empty: false }
  | { ok: true; state: null; empty: true }
  | { ok: false; message: string; details: string[] };

/** Longest fragment we will try to decode (a full scenario is well under 2 kB). */
export const MAX_LINK_CHARS = 16_384;

/**
 * Most characters of decompressed JSON we parse (UTF-16 code units). A scenario, a baseline and a
 * sweep are ~6 kB; a 16 kB lz-string link can expand to ~32 MB of nested JSON, so decompression
 * itself stops at this size.
 */
export const MAX_PAYLOAD_CHARS = 65_536;

/** Deepest object/array nesting we parse (a scenario is 3 deep; a sweep 4). */
export const MAX_PAYLOAD_DEPTH = 16;

/** Nesting depth of JSON text, skipping strings; stops counting past `limit`. */
function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \\ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91 /* { [ */) {
      if (++depth > max) max = depth;
      if (max > limit) return max;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/**
 * Upgrades from older link versions: MIGRATIONS[n] turns a version-n payload into version n+1.
 * Each knob rename or meaning change adds one step here with a fixture test.
 */
const MIGRATIONS: Record<number, (p: Record<string, unknown>) => Record<string, unknown>> = {
  // v1 (walking skeleton) had only the TX ring and wire: that model is now `traffic.workload=ring`.
  // Its knobs keep their values; every new knob takes its default, which the ring path ignores.
  1: (p) => ({ ...p, v: 2, scenario: mergeOnto(defaultScenarioAt(3), { ...asObject(p.scenario), traffic: { ...asObject(asObject(p.scenario).traffic), workload: 'ring' } }) }),
  // v2 → v3 added LRO (lro.*, traffic.ack_share, traffic.loss) and the TX software paths (tx.*,
  // netmap.*, kern.hz, iflib.tx_abdicate, iflib.tx_reclaim_thresh). v2 had no LRO: its links get
  // lro.mode=off, no ACK-only streams and no loss. A v2 transmit link made before tx.path existed
  // described a TX model that is gone: it is refused rather than silently re-interpreted.
  2: (p) => {
    const sc = asObject(p.scenario);
    if (asObject(sc.traffic).workload === 'transmit' && sc.tx === undefined) {
      throw new MigrationRefused('This link was made before ringlab modelled the TX software paths; its transmit result cannot be reproduced. Open a preset instead.');
    }
    const base = mergeOnto(defaultScenarioAt(3), { lro: { mode: 'off' }, traffic: { ack_share: 0, loss: 0 } });
    return { ...p, v: 3, scenario: mergeOnto(base, sc) };
  },
  // v3 → v4 (forwarding through the TX software path, calibration, traffic and trace knobs): each
  // knob v4 added takes its `legacy` value from the knob table, the behaviour v3 links meant.
  // A pinned baseline is a scenario of the same format and migrates the same way.
  3: (p) => ({ ...p, v: 4, scenario: addKnobsOf(asObject(p.scenario), 3), ...(p.baseline !== undefined ? { baseline: addKnobsOf(asObject(p.baseline), 3) } : {}) }),
  // v4 → v5 added host.options_rss: a v4 link meant a kernel without it (its legacy value).
  4: (p) => ({ ...p, v: 5, scenario: addKnobsOf(asObject(p.scenario), 4), ...(p.baseline !== undefined ? { baseline: addKnobsOf(asObject(p.baseline), 4) } : {}) }),
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

/** A capture as a link names it. */
export interface CaptureRef {
  name: string;
  sha256: string;
}

/** Longest capture file name a link carries. */
export const MAX_CAPTURE_NAME = 255;

/** Why `ref` is not a capture reference a link may carry (null: it is). */
export function captureRefProblem(ref: unknown): string | null {
  if (ref === null || typeof ref !== 'object' || Array.isArray(ref)) return 'capture: not an object';
  const r = ref as Record<string, unknown>;
  const extra = Object.keys(r).filter((k) => k !== 'name' && k !== 'sha256');
  if (extra.length) return `capture: unknown key ${echoKey(extra[0]!)}`;
  if (typeof r.name !== 'string' || r.name.length === 0 || r.name.length > MAX_CAPTURE_NAME) return `capture.name must be a file name of 1 to ${MAX_CAPTURE_NAME} characters`;
  if (typeof r.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(r.sha256)) return 'capture.sha256 must be 64 lowercase hexadecimal digits';
  return null;
}

const REFUSED = 'This link asks for settings ringlab does not accept, so it was not applied.';

/** Keys that name an object's prototype machinery, never a knob. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Dotted paths (echoed safely) of every reserved key inside plain objects of `v`. */
function reservedKeys(v: unknown, at: string, depth = 0): string[] {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || depth > MAX_PAYLOAD_DEPTH) return [];
  const out: string[] = [];
  for (const k of Object.keys(v)) {
    const path = at ? `${at}.${echoKey(k)}` : echoKey(k);
    if (RESERVED_KEYS.has(k)) out.push(path);
    else out.push(...reservedKeys((v as Record<string, unknown>)[k], path, depth + 1));
  }
  return out;
}

export function encodeLink(state: LinkState): string {
  const payload: Record<string, unknown> = { v: SCHEMA_VERSION, scenario: state.scenario };
  if (state.baseline) payload.baseline = state.baseline;
  if (state.sweep) payload.sweep = state.sweep;
  if (state.capture) payload.capture = { name: state.capture.name, sha256: state.capture.sha256 };
  const json = JSON.stringify(payload);
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
  // Decompression stops as soon as the text passes the cap (lzdecode.ts): a 16 kB link can
  // expand to ~32 MB, and none of that is built.
  const inflated = decompressFromURIComponentBounded(m[2]!, MAX_PAYLOAD_CHARS);
  if (!inflated.ok) {
    return { ok: false, message: 'This link is too large to be a ringlab scenario.', details: [`more than ${MAX_PAYLOAD_CHARS} characters of data`] };
  }
  const json = inflated.text;
  if (!json) return { ok: false, message: damaged, details: ['the data did not decompress'] };
  if (jsonDepth(json, MAX_PAYLOAD_DEPTH) > MAX_PAYLOAD_DEPTH) {
    return { ok: false, message: damaged, details: [`the data is nested more than ${MAX_PAYLOAD_DEPTH} levels deep`] };
  }
  let payload: unknown;
  try {
    // -0 is read as 0 (the same knob value; it must not print or divide differently).
    payload = JSON.parse(json, (_k, v: unknown) => (v === 0 ? 0 : v));
  } catch {
    return { ok: false, message: damaged, details: ['the data is not valid JSON'] };
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return { ok: false, message: damaged, details: ['the data is not an object'] };
  }
  let p = payload as Record<string, unknown>;
  if (p.v !== version) return { ok: false, message: damaged, details: ['the version inside the data does not match the link'] };
  // A migration merges an old scenario onto new defaults, which would drop these keys without a
  // word; a current-format link is refused for them (they are unknown knobs), so an old one is too.
  if (version < SCHEMA_VERSION) {
    const hostile = [...reservedKeys(p.scenario, ''), ...reservedKeys(p.baseline, '')];
    if (hostile.length) {
      const named = hostile.slice(0, 5).join(', ');
      return { ok: false, message: REFUSED, details: [`unknown knob${hostile.length > 1 ? 's' : ''}: ${named}${hostile.length > 5 ? ` and ${hostile.length - 5} more` : ''}`] };
    }
  }
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
  if (!parsed.ok) return { ok: false, message: REFUSED, details: parsed.errors };
  const state: LinkState = { scenario: parsed.value };
  // Baseline and sweep exist from v3 on; a link that carries them and cannot use them is refused
  // whole rather than opened without them (that would silently change what was shared).
  if (p.baseline !== undefined) {
    const b = parseScenario(p.baseline);
    if (!b.ok) {
      return { ok: false, message: 'The baseline run pinned in this link has settings ringlab does not accept, so the link was not applied.', details: b.errors.map((e) => `baseline: ${e}`) };
    }
    state.baseline = b.value;
  }
  if (p.sweep !== undefined) {
    const shape = SweepDefSchema.safeParse(p.sweep);
    const plan = shape.success ? planSweep(parsed.value, shape.data) : null;
    if (!shape.success || !plan?.ok) {
      const details = !shape.success ? sweepShapeErrors(shape.error) : plan && !plan.ok ? plan.errors : [];
      return { ok: false, message: 'The sweep in this link cannot be run here, so the link was not applied.', details };
    }
    state.sweep = shape.data;
  }
  // A capture replay names its capture; anything else must not (v4 on)
  const pcap = parsed.value.traffic.interleave === 'pcap';
  if (p.capture !== undefined) {
    const problem = captureRefProblem(p.capture);
    if (problem) return { ok: false, message: 'The capture this link names cannot be read, so the link was not applied.', details: [problem] };
    if (!pcap) return { ok: false, message: 'This link names a capture but does not replay one, so it was not applied.', details: ['capture is set but traffic.interleave is not pcap'] };
    const c = p.capture as CaptureRef;
    state.capture = { name: c.name, sha256: c.sha256 };
  } else if (pcap) {
    return { ok: false, message: 'This link replays a capture but does not say which one, so it was not applied.', details: ['traffic.interleave = pcap needs capture.name and capture.sha256'] };
  }
  return { ok: true, state, empty: false };
}
