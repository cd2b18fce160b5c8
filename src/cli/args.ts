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
  KNOB_BY_PATH,
  didYouMean,
  echoKey,
  echoQuoted,
  unknownKnobMessage,
  DEFAULT_MEMORY_BUDGET_MIB,
  type LinkState,
  PRESETS,
  applyKnob,
  parseKnobText,
  decodeLink,
  defaultScenario,
  findPreset,
  parseScenario,
  presetScenario,
  parseSweepSpec,
  BUILTIN_SWEEPS,
  type Scenario,
  type SweepRange,
} from '../engine';

/** Exit codes: 0 ok, 1 internal error, 2 bad usage or input (flag, knob, value, preset, link). */
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;
/** A limit stopped the command: --max-wall-s ran out. */
export const EXIT_STOPPED = 3;

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
  /** `--max-wall-s S`: stop (exit 3) once the command has run S seconds of wall time. */
  maxWallS?: number;
  /** `--max-mib N`: refuse (exit 2) any scenario whose simulation state would exceed N MiB. */
  maxMib?: number;
  /** `--quiet`: no progress on stderr. */
  quiet: boolean;
  /** `--scenario-only`: with --link, run only its scenario, not its baseline or sweep. */
  scenarioOnly: boolean;
  preset?: string;
  link?: string;
  sets: SetArg[];
  /** Raw `--sweep` spec; parsed by parseSweep once the knob table is consulted. */
  sweep?: string;
  /** `--builtin-sweep NAME`: a sweep from BUILTIN_SWEEPS, with its preset and series. */
  builtinSweep?: string;
  /** `--trace FILE`, `--trace-window A..B` (trace.ts). */
  trace?: string;
  traceWindow?: string;
  /** `--pcap FILE`: replay a capture (cli/pcap.ts). */
  pcap?: string;
  /** Raw `--shard i/N`: run only every N-th point of the sweep (shard.ts). */
  shard?: string;
  /** `--fit-spread`: also run the scenario with each of the fit's leave-one-out constant sets. */
  fitSpread: boolean;
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
  {
    name: '--builtin-sweep',
    value: 'NAME',
    help: `run a built-in sweep (its preset, series and range; --set and --sweep adjust it): ${BUILTIN_SWEEPS.map((b) => b.name).join(', ')}`,
  },
  { name: '--trace', value: 'FILE', help: 'also record a trace of the run (sim.trace) and write it to FILE as Chrome trace JSON (Perfetto UI, chrome://tracing)' },
  { name: '--trace-window', value: 'A..B', help: 'the traced span of simulated time with --trace, e.g. 1ms..1.2ms (default: 200 µs after the warm-up)' },
  { name: '--pcap', value: 'FILE', help: 'replay a pcap or pcapng capture (Ethernet, up to 4 GiB) through the receive path: its flows, TCP headers and timing' },
  { name: '--shard', value: 'i/N', help: 'with a sweep: run only points k with k mod N = i and print them as JSON lines (for --merge)' },
  { name: '--merge', value: 'FILE…', help: 'join the JSON lines of every --shard into the sweep\'s csv (default) or --format json' },
  { name: '--format', value: 'text|json|csv', help: 'text: short summary (default); json: the Summary object; csv: the recorded frames' },
  {
    name: '--scenario-only',
    help: 'with --link: run only the link\'s scenario (by default a link\'s sweep runs, or its pinned baseline is compared)',
  },
  { name: '--max-wall-s', value: 'S', help: 'stop after S seconds of wall time (exit 3); finished sweep rows stay printed' },
  { name: '--max-mib', value: 'N', help: `refuse a scenario whose simulation state would exceed N MiB (default ${DEFAULT_MEMORY_BUDGET_MIB}), before building it` },
  { name: '--fit-spread', help: 'also run the scenario (each sweep point) once per leave-one-out set of the fitted constants, one per calibration row, and print the range of its headline figure (a sweep: fit_* columns)' },
  { name: '--quiet', help: 'no progress on stderr (progress shows after 2 s: a bar on a terminal, a line every 10 s otherwise)' },
  { name: '--list-knobs', help: 'list every knob: path, range or options, default, unit, FreeBSD name' },
  { name: '--list-presets', help: 'list the presets: name, title, description' },
  { name: '--version', help: 'print the engine version' },
  { name: '--help', help: 'show this help' },
];

const SHORT: Record<string, string> = { '-h': '--help', '-V': '--version' };

export { closeMatches, levenshtein } from '../engine';

/**
 * "did you mean" with the closest few names; with nothing close, a short list (`listAll`: the
 * flags) names them all, a long one (47 knobs, the presets) points to its listing instead.
 */
function suggest(word: string, candidates: readonly string[], noun: string, listAll = false): string {
  const near = didYouMean(word, candidates);
  if (near) return near;
  return listAll ? `known ${noun}: ${candidates.join(', ')}` : `no ${noun.replace(/s$/, '')} has a similar name`;
}

/** argv (without node and script) → options. Syntax only; knob values are checked later. */
export function parseArgs(argv: readonly string[]): Result<CliOptions> {
  const opts: CliOptions = { action: 'run', format: 'text', sets: [], quiet: false, scenarioOnly: false, fitSpread: false };
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
      return fail(`unknown option ${echoKey(name)}; ${suggest(name, FLAGS.map((f) => f.name), 'options', true)}`, '  see --help');
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
      case '--builtin-sweep':
        if (opts.builtinSweep !== undefined) return fail('--builtin-sweep given twice; give it once');
        opts.builtinSweep = value!;
        break;
      case '--trace':
      case '--trace-window':
        if ((name === '--trace' ? opts.trace : opts.traceWindow) !== undefined) return fail(`${name} given twice; give it once`);
        if (name === '--trace') opts.trace = value!;
        else opts.traceWindow = value!;
        break;
      case '--pcap':
        if (opts.pcap !== undefined) return fail('--pcap given twice; one capture per run');
        opts.pcap = value!;
        break;
      case '--fit-spread':
        opts.fitSpread = true;
        break;
      case '--quiet':
        opts.quiet = true;
        break;
      case '--scenario-only':
        opts.scenarioOnly = true;
        break;
      case '--max-wall-s':
      case '--max-mib': {
        // The number rule of knobs (engine/knobtext.ts): plain decimal, above 0.
        const n = /^(0|[1-9]\d*)(\.\d+)?$/.test(value!) ? Number(value) : NaN;
        if (!(n > 0) || !Number.isFinite(n)) return fail(`${name} needs a number above 0 in plain decimal, not ${echoQuoted(value!)}`);
        if (name === '--max-wall-s') opts.maxWallS = n;
        else opts.maxMib = n;
        break;
      }
      case '--shard':
        if (opts.shard !== undefined) return fail('--shard given twice; give it once');
        opts.shard = value!;
        break;
    }
  }
  // --help wins over everything, then --version; the two listings are separate documents.
  if (actions.includes('help')) opts.action = 'help';
  else if (actions.includes('version')) opts.action = 'version';
  else if (actions.includes('list-knobs') && actions.includes('list-presets')) {
    return fail('--list-knobs and --list-presets cannot be combined; run them one at a time');
  } else if (actions.length) opts.action = actions[0]!;
  if (opts.action === 'run' && opts.builtinSweep !== undefined && (opts.preset !== undefined || opts.link !== undefined)) {
    return fail('--builtin-sweep brings its own preset; it cannot be combined with --preset or --link', '  use --set to change the preset\'s knobs');
  }
  if (opts.action === 'run' && opts.pcap !== undefined && (opts.sweep !== undefined || opts.builtinSweep !== undefined)) {
    return fail('--pcap cannot be combined with --sweep or --builtin-sweep: run the capture once per setting', '  e.g. --pcap FILE --set lro.mode=legacy, then --set lro.mode=sorted');
  }
  if (opts.action === 'run' && opts.scenarioOnly && opts.link === undefined) {
    return fail('--scenario-only goes with --link: it runs a link\'s scenario without its baseline or sweep');
  }
  if (opts.action === 'run' && opts.preset !== undefined && opts.link !== undefined) {
    return fail('--preset and --link cannot be combined: a link already holds a whole scenario', '  use --link with --set to change it');
  }
  return ok(opts);
}

/** Check one `--set` and return the typed value; the message names the knob and its range. */
export function parseSetValue(set: SetArg): Result<unknown> {
  const knob = KNOB_BY_PATH.get(set.path);
  if (!knob) {
    return fail(unknownKnobMessage(set.path), '  run --list-knobs for all knobs');
  }
  const v = parseKnobText(set.path, set.text);
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
): Result<{ scenario: Scenario; base: ScenarioBase; link?: LinkState }> {
  let scenario: Scenario;
  let base: ScenarioBase;
  let link: LinkState | undefined;
  if (opts.link !== undefined) {
    const d = decodeLink(opts.link);
    if (!d.ok) return fail(`--link: ${d.message}`, ...d.details.map((x) => `  ${x}`));
    if (d.empty) return fail('--link: this link holds no scenario (nothing after the #)');
    scenario = d.state.scenario;
    link = d.state;
    base = { kind: 'link' };
  } else if (opts.preset !== undefined) {
    const p = findPreset(opts.preset);
    if (!p) return fail(`unknown preset ${echoQuoted(opts.preset)}; ${suggest(opts.preset, PRESETS.map((x) => x.name), 'presets')}`, '  run --list-presets for all presets');
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
  return ok({ scenario: full.value, base, ...(link ? { link } : {}) });
}

// ---------------------------------------------------------------- sweeps

/**
 * `path=a..b[:lin|:log][:N]` → the values to run (engine/sweep.ts parses it, the same way the UI
 * and share links do); an unknown knob gets a did-you-mean.
 */
export function parseSweep(spec: string): Result<SweepRange> {
  const at = spec.indexOf('=');
  const path = at > 0 ? spec.slice(0, at).trim() : '';
  if (at > 0 && !KNOB_BY_PATH.get(path)) {
    const r = parseSweepSpec(spec, '--sweep');
    return fail(...(r.ok ? [] : r.errors), '  run --list-knobs for all knobs');
  }
  const r = parseSweepSpec(spec, '--sweep');
  return r.ok ? ok(r.value) : fail(...r.errors);
}
