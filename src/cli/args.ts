/**
 * Pure command-line parsing for `npm run sim`: argv → options → scenario. No I/O, no process
 * access, nothing throws: every problem comes back as a `CliError` (exit code + message lines)
 * that main.ts prints. Tested in args.test.ts.
 *
 * Scenario precedence: defaults, or `--preset NAME`, or `--link L` (exactly one base), then every
 * `--set path=value` in command-line order (a later --set of the same knob wins), then the `--sweep`
 * knob's value at each point, like one more --set at the end. A --set applies the knob the way the
 * UI does (`applyKnob`): choosing `host.preset` or `nic.model` also sets the knobs they determine,
 * so put explicit overrides of those (e.g. queues.tx_desc) after them.
 */
import {
  KNOBS,
  KNOB_BY_PATH,
  PRESETS,
  applyKnob,
  coerceKnobText,
  decodeLink,
  defaultScenario,
  findPreset,
  parseScenario,
  presetScenario,
  validateKnob,
  type Knob,
  type Scenario,
} from '../engine';

/** Exit codes: 0 ok, 1 internal error, 2 bad usage or input (flag, knob, value, preset, link). */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;

export interface CliError {
  code: number;
  /**
   * Lines for stderr: each unindented line is one problem (printed as `ringlab: …`); lines that
   * start with two spaces are details or hints for the problem above them.
   */
  lines: string[];
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: CliError };

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const fail = (...lines: string[]): { ok: false; error: CliError } => ({ ok: false, error: { code: EXIT_USAGE, lines } });

export const FORMATS = ['text', 'json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export interface SetArg {
  path: string;
  /** The value exactly as typed; coerced per knob in resolveScenario. */
  text: string;
}

export type Action = 'run' | 'help' | 'version' | 'list-knobs' | 'list-presets';

export interface CliOptions {
  action: Action;
  format: Format;
  preset?: string;
  link?: string;
  sets: SetArg[];
  /** Raw `--sweep` spec; parsed by parseSweep once the knob table is consulted. */
  sweep?: string;
}

interface FlagSpec {
  name: string;
  /** Takes a value (`--flag value` or `--flag=value`). */
  value?: string;
  help: string;
}

/** Every flag the CLI accepts; the help text and "did you mean" suggestions come from here. */
export const FLAGS: readonly FlagSpec[] = [
  { name: '--preset', value: 'NAME', help: 'start from a named preset instead of the defaults (see --list-presets)' },
  { name: '--link', value: 'URL|#v…', help: 'start from exactly what a share link encodes (a whole URL or just the fragment)' },
  { name: '--set', value: 'path=value', help: 'override one knob; repeatable, applied in order, a later --set wins' },
  { name: '--sweep', value: 'path=a..b[:lin|:log][:N]', help: 'run N points of one knob from a to b and print one CSV row per point' },
  { name: '--format', value: 'text|json|csv', help: 'text: short summary (default); json: the Summary object; csv: the recorded frames' },
  { name: '--list-knobs', help: 'list every knob: path, range or options, default, unit, FreeBSD name' },
  { name: '--list-presets', help: 'list the presets: name, title, description' },
  { name: '--version', help: 'print the engine version' },
  { name: '--help', help: 'show this help' },
];

const SHORT: Record<string, string> = { '-h': '--help', '-V': '--version' };

/** Edit distance, for "did you mean" suggestions. */
export function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** Candidates close to `word`: small edit distance, or one contains the other's last segment. */
export function closeMatches(word: string, candidates: readonly string[]): string[] {
  const w = word.toLowerCase();
  const leaf = (s: string) => s.slice(s.lastIndexOf('.') + 1);
  const scored = candidates
    .map((c) => {
      const cl = c.toLowerCase();
      let d = levenshtein(w, cl);
      const wl = leaf(w);
      if (wl.length >= 3 && (leaf(cl).includes(wl) || wl.includes(leaf(cl)))) d = Math.min(d, 1);
      return { c, d };
    })
    .filter(({ c, d }) => d <= Math.max(2, Math.floor(c.length / 5)))
    .sort((x, y) => x.d - y.d || x.c.localeCompare(y.c));
  return scored.map((s) => s.c);
}

function suggest(word: string, candidates: readonly string[], noun: string): string {
  const near = closeMatches(word, candidates);
  if (near.length) return `did you mean ${near.map((n) => `"${n}"`).join(' or ')}?`;
  return `known ${noun}: ${candidates.join(', ')}`;
}

/** argv (without node and script) → options. Syntax only; knob values are checked later. */
export function parseArgs(argv: readonly string[]): Result<CliOptions> {
  const opts: CliOptions = { action: 'run', format: 'text', sets: [] };
  const actions: Action[] = [];
  let formatGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith('-') || token === '-' || token === '--') {
      return fail(`unexpected argument "${token}"`, '  options start with --; see --help');
    }
    const eq = token.indexOf('=');
    let name = eq > 0 && token.startsWith('--') ? token.slice(0, eq) : token;
    name = SHORT[name] ?? name;
    const spec = FLAGS.find((f) => f.name === name);
    if (!spec) {
      return fail(`unknown option ${name}; ${suggest(name, FLAGS.map((f) => f.name), 'options')}`, '  see --help');
    }
    let value: string | undefined;
    if (spec.value) {
      if (eq > 0 && token.startsWith('--')) value = token.slice(eq + 1);
      else {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) return fail(`${name} needs a value: ${name} ${spec.value}`);
        value = next;
        i++;
      }
    } else if (eq > 0) {
      return fail(`${name} takes no value`);
    }
    switch (name) {
      case '--help':
        actions.push('help');
        break;
      case '--version':
        actions.push('version');
        break;
      case '--list-knobs':
        actions.push('list-knobs');
        break;
      case '--list-presets':
        actions.push('list-presets');
        break;
      case '--format': {
        const f = value!.trim().toLowerCase();
        if (!(FORMATS as readonly string[]).includes(f)) return fail(`--format must be one of ${FORMATS.join(' | ')}, not "${value}"`);
        if (formatGiven && f !== opts.format) return fail(`--format given twice (${opts.format} and ${f}); give it once`);
        opts.format = f as Format;
        formatGiven = true;
        break;
      }
      case '--preset':
        if (opts.preset !== undefined) return fail('--preset given twice; give it once');
        opts.preset = value!;
        break;
      case '--link':
        if (opts.link !== undefined) return fail('--link given twice; give it once');
        opts.link = value!;
        break;
      case '--set': {
        const at = value!.indexOf('=');
        if (at <= 0) return fail(`--set needs path=value, got "${value}"`, '  e.g. --set traffic.load=0.9 (see --list-knobs)');
        opts.sets.push({ path: value!.slice(0, at).trim(), text: value!.slice(at + 1) });
        break;
      }
      case '--sweep':
        if (opts.sweep !== undefined) return fail('--sweep given twice; one knob per sweep');
        opts.sweep = value!;
        break;
    }
  }
  // --help wins over everything, then --version; the two listings are separate documents.
  if (actions.includes('help')) opts.action = 'help';
  else if (actions.includes('version')) opts.action = 'version';
  else if (actions.includes('list-knobs') && actions.includes('list-presets')) {
    return fail('--list-knobs and --list-presets cannot be combined; run them one at a time');
  } else if (actions.length) opts.action = actions[0]!;
  if (opts.action === 'run' && opts.preset !== undefined && opts.link !== undefined) {
    return fail('--preset and --link cannot be combined: a link already holds a whole scenario', '  use --link with --set to change it');
  }
  return ok(opts);
}

/** Check one `--set` and return the typed value; the message names the knob and its range. */
export function parseSetValue(set: SetArg): Result<unknown> {
  const knob = KNOB_BY_PATH.get(set.path);
  if (!knob) {
    return fail(`unknown knob "${set.path}"; ${suggest(set.path, KNOBS.map((k) => k.path), 'knobs')}`, '  run --list-knobs for all knobs');
  }
  const v = validateKnob(set.path, coerceKnobText(set.path, set.text));
  if (!v.ok) return fail(...v.errors.map((e) => `--set ${set.path}=${set.text}: ${e}`));
  return ok(v.value);
}

export type ScenarioBase = { kind: 'default' } | { kind: 'preset'; name: string } | { kind: 'link' };

/** A knob value already checked against its knob (a sweep point). */
export interface KnobValue {
  path: string;
  value: unknown;
}

/**
 * Base (defaults, preset or link), then every --set in order, then `after` (a sweep point), each
 * applied with applyKnob. Reports every bad --set at once; then the whole scenario is checked,
 * including the rules that involve several knobs.
 */
export function resolveScenario(
  opts: Pick<CliOptions, 'preset' | 'link' | 'sets'>,
  after: readonly KnobValue[] = [],
): Result<{ scenario: Scenario; base: ScenarioBase }> {
  let scenario: Scenario;
  let base: ScenarioBase;
  if (opts.link !== undefined) {
    const d = decodeLink(opts.link);
    if (!d.ok) return fail(`--link: ${d.message}`, ...d.details.map((x) => `  ${x}`));
    if (d.empty) return fail('--link: this link holds no scenario (nothing after the #)');
    scenario = d.state.scenario;
    base = { kind: 'link' };
  } else if (opts.preset !== undefined) {
    const p = findPreset(opts.preset);
    if (!p) return fail(`unknown preset "${opts.preset}"; ${suggest(opts.preset, PRESETS.map((x) => x.name), 'presets')}`, '  run --list-presets for all presets');
    scenario = presetScenario(p);
    base = { kind: 'preset', name: p.name };
  } else {
    scenario = defaultScenario();
    base = { kind: 'default' };
  }
  const errors: string[] = [];
  for (const set of opts.sets) {
    const v = parseSetValue(set);
    if (v.ok) scenario = applyKnob(scenario, set.path, v.value);
    else errors.push(...v.error.lines);
  }
  if (errors.length) return fail(...errors);
  for (const a of after) scenario = applyKnob(scenario, a.path, a.value);
  const full = parseScenario(scenario);
  if (!full.ok) return fail(...full.errors);
  return ok({ scenario: full.value, base });
}

// ---------------------------------------------------------------- sweeps

export interface SweepSpec {
  path: string;
  knob: Knob;
  /** The knob values to run, in order, already validated. */
  values: (string | number | boolean)[];
}

export const DEFAULT_SWEEP_POINTS = 5;
export const MAX_SWEEP_POINTS = 1000;

/** Drop float noise (0.30000000000000004 → 0.3) without moving a value by more than 1e-12. */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

/**
 * `path=a..b[:lin|:log][:N]` → the values to run. Numeric knobs get N points (default 5) spaced
 * linearly or geometrically, endpoints exact; int knobs are rounded, power-of-two knobs snap to
 * powers of two (and without N take every power of two in range); duplicates after rounding are
 * dropped. Choice knobs take every option from a to b in declared order (N and scale do not apply).
 */
export function parseSweep(spec: string): Result<SweepSpec> {
  const usage = '  expected --sweep path=a..b[:lin|:log][:N], e.g. --sweep traffic.load=0.5..1.2:8';
  const at = spec.indexOf('=');
  if (at <= 0) return fail(`--sweep "${spec}": no knob path`, usage);
  const path = spec.slice(0, at).trim();
  const knob = KNOB_BY_PATH.get(path);
  if (!knob) return fail(`unknown knob "${path}" in --sweep; ${suggest(path, KNOBS.map((k) => k.path), 'knobs')}`, '  run --list-knobs for all knobs');
  const [range = '', ...mods] = spec.slice(at + 1).split(':');
  const dots = range.indexOf('..');
  if (dots < 0) return fail(`--sweep ${path}: no range "a..b" in "${range}"`, usage);
  const aText = range.slice(0, dots).trim();
  const bText = range.slice(dots + 2).trim();
  let scale: 'lin' | 'log' | undefined;
  let n: number | undefined;
  for (const m of mods) {
    const t = m.trim().toLowerCase();
    if (t === 'lin' || t === 'log') {
      if (scale) return fail(`--sweep ${path}: scale given twice`, usage);
      scale = t;
    } else if (/^\d+$/.test(t)) {
      if (n !== undefined) return fail(`--sweep ${path}: point count given twice`, usage);
      n = Number(t);
      if (n < 1 || n > MAX_SWEEP_POINTS) return fail(`--sweep ${path}: point count must be from 1 to ${MAX_SWEEP_POINTS}, not ${n}`);
    } else {
      return fail(`--sweep ${path}: unknown modifier ":${m}"`, usage);
    }
  }
  const check = (text: string, which: string): Result<unknown> => {
    const v = validateKnob(path, coerceKnobText(path, text));
    return v.ok ? v : fail(...v.errors.map((e) => `--sweep ${path}: ${which} "${text}": ${e}`));
  };
  const a = check(aText, 'start');
  if (!a.ok) return a;
  const b = check(bText, 'end');
  if (!b.ok) return b;

  if (knob.kind === 'bool') {
    if (scale || n !== undefined) return fail(`--sweep ${path}: a true/false knob takes no scale or point count`);
    return ok({ path, knob, values: a.value === b.value ? [a.value as boolean] : [a.value as boolean, b.value as boolean] });
  }
  if (knob.kind === 'choice') {
    if (scale || n !== undefined) return fail(`--sweep ${path}: a choice knob sweeps its options from a to b; it takes no scale or point count`);
    const i = knob.options.indexOf(a.value as string | number);
    const j = knob.options.indexOf(b.value as string | number);
    const values = i <= j ? knob.options.slice(i, j + 1) : knob.options.slice(j, i + 1).reverse();
    return ok({ path, knob, values: [...values] });
  }

  const lo = a.value as number;
  const hi = b.value as number;
  const sc = scale ?? 'lin';
  if (sc === 'log' && (lo <= 0 || hi <= 0)) return fail(`--sweep ${path}: a log sweep needs both ends above 0 (got ${lo}..${hi})`);
  const pow2 = knob.kind === 'int' && knob.pow2 === true;
  let raw: number[];
  if (pow2 && n === undefined) {
    // every power of two from lo to hi (both are powers of two: validated above)
    raw = [];
    const up = lo <= hi;
    for (let v = lo; up ? v <= hi : v >= hi; v = up ? v * 2 : v / 2) raw.push(v);
  } else {
    const count = n ?? DEFAULT_SWEEP_POINTS;
    raw = [];
    for (let i = 0; i < count; i++) {
      const f = count === 1 ? 0 : i / (count - 1);
      let v = i === 0 ? lo : i === count - 1 ? hi : sc === 'lin' ? lo + (hi - lo) * f : lo * Math.pow(hi / lo, f);
      if (pow2) v = 2 ** Math.round(Math.log2(v));
      else if (knob.kind === 'int') v = Math.round(v);
      else v = tidy(v);
      raw.push(v);
    }
  }
  const values = raw.filter((v, i) => raw.indexOf(v) === i);
  for (const v of values) {
    const r = validateKnob(path, v);
    if (!r.ok) return fail(...r.errors.map((e) => `--sweep ${path}: point ${v}: ${e}`));
  }
  return ok({ path, knob, values });
}
