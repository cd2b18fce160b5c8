/**
 * Pure renderers for the CLI: summaries, frames, knob and preset listings, sweep rows, help.
 * Everything returns strings (newline-terminated); main.ts/run.ts decide where they go.
 */
import {
  ENGINE_ID,
  FRAME_SERIES,
  FRAMES_PER_RUN,
  KNOBS,
  PRESETS,
  SCHEMA_VERSION,
  getPath,
  SWEEP_OUTPUTS,
  DEFAULT_MEMORY_BUDGET_MIB,
  calibrationEvidence,
  calibrationPathText,
  columnsCsv,
  hostEvidenceText,
  looRange,
  csvRow,
  measuredFigureFor,
  settingsText,
  type FrameBatch,
  type Knob,
  type Preset,
  type Scenario,
  type Summary,
} from '../engine';
import { formatInt } from '../engine/numtext';
import { spreadEnds, type FitSpread, type RatioSpread } from '../engine/fitspread';
import { FLAGS } from './args';

// ---------------------------------------------------------------- numbers

function fixed(x: number, digits: number): string {
  return Number.isFinite(x) ? x.toFixed(digits) : String(x);
}

/** 13390000 → "13.390 Mpps" */
export function mpps(pps: number): string {
  return `${fixed(pps / 1e6, 3)} Mpps`;
}

/** Thousands separators with a thin, copy-safe comma: 1338981 → "1,338,981". */
export function count(n: number): string {
  return Number.isInteger(n) ? formatInt(n) : String(n);
}

/** Latency in µs with enough digits for sub-microsecond values. */
export function micros(us: number): string {
  if (!Number.isFinite(us)) return String(us);
  if (us === 0) return '0';
  if (us < 10) return us.toPrecision(3);
  return fixed(us, 1);
}

/** Every CSV goes through the engine's one writer (engine/csv.ts), shared with the page's exports. */
export { csvField, csvRow } from '../engine';

// ---------------------------------------------------------------- scenario & summary

/** `path=value` for every knob that differs from its default, in KNOBS order: pasteable as --set. */
export function scenarioAssignments(s: Scenario): string[] {
  return KNOBS.filter((k) => getPath(s, k.path) !== k.default).map((k) => `${k.path}=${String(getPath(s, k.path))}`);
}

export function summaryText(s: Summary): string {
  const dropsTotal = Object.values(s.drops).reduce((a, b) => a + b, 0);
  const dropPct = s.packets_simulated > 0 ? (100 * dropsTotal) / s.packets_simulated : 0;
  const where = Object.entries(s.drops)
    .filter(([, v]) => v > 0)
    .map(([k, v]) => `${k.replace(/_/g, ' ')} ${count(v)}`);
  const changed = scenarioAssignments(s.scenario);
  const rate = s.wall_ms > 0 ? s.packets_simulated / (s.wall_ms / 1000) : 0;
  const lines = [
    `engine      ${s.engine}`,
    `scenario    ${changed.length ? `${changed.join(' ')} (other knobs at their defaults)` : 'every knob at its default'}`,
    `workload    ${s.workload}`,
    `simulated   ${fixed(s.simulated_ms, 3)} ms, ${count(s.packets_simulated)} packets in ${fixed(s.wall_ms, 1)} ms wall (${fixed(rate / 1e6, 2)} M packets/s)`,
    `line rate   ${mpps(s.line_rate_pps)}`,
    `offered     ${mpps(s.offered_pps)}`,
    s.workload === 'transmit' ? `accepted    ${mpps(s.rx_pps)} by the sender threads` : `received    ${mpps(s.rx_pps)} into RX rings`,
    `delivered   ${mpps(s.delivered_pps)}${s.forwarded_pps > 0 ? ` (forwarded ${mpps(s.forwarded_pps)})` : ''}, on the wire ${mpps(s.tx_pps)}`,
    `drops       ${count(dropsTotal)} (${fixed(dropPct, 2)} % of offered${where.length ? `; ${where.join(', ')}` : ''})`,
    `latency     mean ${micros(s.latency_us.mean)} µs, p50 ${micros(s.latency_us.p50)} µs, p99 ${micros(s.latency_us.p99)} µs`,
    `bottleneck  ${s.bottleneck.text}`,
    ...calibrationLine(s),
    ...s.notes.map((n, i) => `${i === 0 ? 'notes       ' : '            '}${n}`),
    ...(s.invariants.conservation && s.invariants.ring_conservation ? [] : ['WARNING     packet conservation check failed: please report this run (its link is below)']),
    `link        ${s.link}`,
    `            reproduce: npm run -s sim -- --link '${s.link}'`,
  ];
  return `${lines.join('\n')}\n`;
}

const pct = (x: number) => `${x >= 0 ? '+' : '−'}${fixed(Math.abs(x) * 100, 1)} %`;

/**
 * What calibration.md says about this run: the measurement it reproduces (a calibration row), or
 * how well the fit predicts the rows on its path when each is left out (engine measured.ts), or
 * that no row measures that path. The page's "Model vs measured" and "Calibration behind this
 * result" boxes say the same.
 */
function calibrationLine(s: Summary): string[] {
  const m = measuredFigureFor(s.scenario);
  if (m) return [`measured    ${mpps(m.measured_pps)} ${SPREAD_WORDS[m.metric]} (calibration.md); this run ${pct(s[m.metric] / m.measured_pps - 1)} against it${m.fit ? `, the fit's leave-one-out ${pct(m.fit.loo_error)}` : ''}`];
  const e = calibrationEvidence(s.scenario);
  if (!e) return [];
  const path = calibrationPathText(e.path);
  const host = `            ${hostEvidenceText(e.host)}`;
  if (e.rows.length === 0) return [`calibration no row of calibration.md measures ${path}: no measurement checks this result`, host];
  const n = e.rows.length;
  const range = `${n === 1 ? 'at' : 'within'} ${looRange(e, pct)}`;
  return [`calibration ${n} row${n === 1 ? '' : 's'} of calibration.md measure${n === 1 ? 's' : ''} ${path}; each left out of the fit, the model predicts ${n === 1 ? 'it' : 'them'} ${range}: this run may miss by as much`, host];
}

const SPREAD_WORDS: Record<FitSpread['metric'], string> = { forwarded_pps: 'forwarded', tx_pps: 'sent', delivered_pps: 'delivered' };

/** `--fit-spread`: the headline figure with the fitted constants and over the leave-one-out sets. */
export function spreadText(s: Summary, f: FitSpread): string {
  const { lo, hi } = spreadEnds(f.runs, (r) => r.value);
  return [
    `fit spread  ${SPREAD_WORDS[f.metric]} ${mpps(s[f.metric])} with the fitted constants; ${mpps(f.min)} – ${mpps(f.max)} (median ${mpps(f.median)})`,
    `            over the ${f.runs.length} leave-one-out sets (the fit redone without one calibration row each)`,
    f.min === f.max
      ? '            no set moves it: nothing that limits this run depends on the fitted constants'
      : `            lowest without ${lo.left_out}; highest without ${hi.left_out}`,
    `            what any one measurement moves; not a bound on what the model lacks (docs/MODEL.md §6)`,
    '',
  ].join('\n');
}

/** `--fit-spread` on a comparison: B/A with the fitted constants and over the leave-one-out sets. */
export function ratioSpreadText(f: RatioSpread): string {
  const x = (r: number) => `${fixed(r, 3)}×`;
  const { lo, hi } = spreadEnds(f.runs, (r) => r.ratio);
  const side = f.min > 1 ? 'B above A under every set' : f.max < 1 ? 'B below A under every set' : 'B/A crosses 1 between sets';
  return [
    `fit spread  B/A ${SPREAD_WORDS[f.metric]} ${x(f.ratio)} with the fitted constants; ${x(f.min)} – ${x(f.max)} (median ${x(f.median)})`,
    `            over the ${f.runs.length} leave-one-out sets, A and B run under the same set: ${side}`,
    f.min === f.max ? '            no set moves it' : `            lowest without ${lo.left_out}; highest without ${hi.left_out}`,
    '',
  ].join('\n');
}

export function summaryJson(s: Summary): string {
  return `${JSON.stringify(s, null, 2)}\n`;
}

/**
 * The recorded frames, one row per frame: the FRAME_SERIES columns every run has, in that order,
 * then the scenario's own series (drops by location, per queue, per CPU) in the engine's order.
 */
export function framesCsv(frames: FrameBatch): string {
  const keys: string[] = FRAME_SERIES.map((f) => f.key);
  for (const k of Object.keys(frames.columns)) if (!keys.includes(k)) keys.push(k);
  return columnsCsv(keys, frames.columns, frames.columns[keys[0]!]?.length ?? 0);
}

// ---------------------------------------------------------------- knobs

export function knobRange(k: Knob): string {
  switch (k.kind) {
    case 'int':
      return `${k.min}–${k.max}${k.pow2 ? ', power of two' : ', whole number'}`;
    case 'number':
      return `${k.min}–${k.max}, step ${k.step}`;
    case 'choice':
      return k.options.map(String).join(' | ');
    case 'bool':
      return 'true | false';
  }
}

export function knobUnit(k: Knob): string {
  const unit = 'unit' in k && k.unit ? k.unit : '';
  return k.kind === 'int' && k.zeroMeans ? `${unit} (0 = ${k.zeroMeans})` : unit;
}

export interface KnobRow {
  path: string;
  group: string;
  label: string;
  kind: Knob['kind'];
  range: string;
  min?: number;
  max?: number;
  step?: number;
  pow2?: boolean;
  options?: (string | number)[];
  default: string | number | boolean;
  unit: string;
  freebsd: string;
  help: string;
}

export function knobRows(): KnobRow[] {
  return KNOBS.map((k) => {
    const row: KnobRow = {
      path: k.path,
      group: k.group,
      label: k.label,
      kind: k.kind,
      range: knobRange(k),
      default: k.default,
      unit: knobUnit(k),
      freebsd: k.freebsd ?? '',
      help: k.help,
    };
    if (k.kind === 'int' || k.kind === 'number') {
      row.min = k.min;
      row.max = k.max;
    }
    if (k.kind === 'number') row.step = k.step;
    if (k.kind === 'int' && k.pow2) row.pow2 = true;
    if (k.kind === 'choice') row.options = [...k.options];
    return row;
  });
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function knobsText(): string {
  const rows = knobRows();
  const w = Math.max(...rows.map((r) => r.path.length)) + 2;
  const out: string[] = [];
  for (const r of rows) {
    out.push(`${pad(r.path, w)}${r.label}`);
    const ind = ' '.repeat(w);
    out.push(`${ind}range    ${r.range}`);
    out.push(`${ind}default  ${String(r.default)}${r.unit ? ` ${r.unit}` : ''}`);
    if (r.freebsd) out.push(`${ind}FreeBSD  ${r.freebsd}`);
    out.push(`${ind}${r.help}`);
    out.push('');
  }
  out.push('Set any knob with --set path=value; e.g. npm run sim -- --set traffic.load=1.1');
  return `${out.join('\n')}\n`;
}

export function knobsJson(): string {
  return `${JSON.stringify(knobRows(), null, 2)}\n`;
}

export function knobsCsv(): string {
  const cols = ['path', 'kind', 'range', 'default', 'unit', 'freebsd', 'label', 'group'] as const;
  let out = csvRow(cols);
  for (const r of knobRows()) out += csvRow(cols.map((c) => r[c]));
  return out;
}

// ---------------------------------------------------------------- presets

export interface PresetRow {
  name: string;
  title: string;
  description: string;
  set: Preset['set'];
}

export function presetRows(): PresetRow[] {
  return PRESETS.map((p) => ({ name: p.name, title: p.title, description: p.description, set: { ...p.set } }));
}

export function presetsText(): string {
  const rows = presetRows();
  const w = Math.max(...rows.map((r) => r.name.length)) + 2;
  const out: string[] = [];
  for (const r of rows) {
    out.push(`${pad(r.name, w)}${r.title}`);
    out.push(`${' '.repeat(w)}${r.description}`);
    out.push(`${' '.repeat(w)}sets: ${settingsText(r.set)}`);
    out.push('');
  }
  out.push('Run one with --preset NAME; --set overrides apply on top.');
  return `${out.join('\n')}\n`;
}

export function presetsJson(): string {
  return `${JSON.stringify(presetRows(), null, 2)}\n`;
}

export function presetsCsv(): string {
  let out = csvRow(['name', 'title', 'description', 'set']);
  for (const r of presetRows()) out += csvRow([r.name, r.title, r.description, settingsText(r.set)]);
  return out;
}

// ---------------------------------------------------------------- sweeps

/**
 * The summary fields a sweep row carries, after the swept knob's value, as [column, value] pairs so
 * the header and the rows cannot drift apart. No wall_ms: rows are deterministic. The sweep outputs
 * (engine/sweep.ts) not already among the fixed columns follow the latency columns.
 */
function sweepCells(s: Summary): [string, unknown][] {
  const fixed: [string, unknown][] = [
    ['packets_simulated', s.packets_simulated],
    ['line_rate_pps', s.line_rate_pps],
    ['offered_pps', s.offered_pps],
    ['rx_pps', s.rx_pps],
    ['forwarded_pps', s.forwarded_pps],
    ['delivered_pps', s.delivered_pps],
    ['tx_pps', s.tx_pps],
    ...Object.entries(s.drops).map(([k, v]): [string, unknown] => [`drops_${k}`, v]),
    ['in_flight', s.in_flight],
    ['latency_mean_us', s.latency_us.mean],
    ['latency_p50_us', s.latency_us.p50],
    ['latency_p99_us', s.latency_us.p99],
  ];
  const named = new Set(fixed.map(([k]) => k));
  const outputs = SWEEP_OUTPUTS.filter((o) => !named.has(o.key)).map((o): [string, unknown] => [o.key, o.get(s)]);
  return [...fixed, ...outputs, ['bottleneck', s.bottleneck.text], ['link', s.link]];
}

export function sweepColumns(path: string, sample: Summary): string[] {
  return [path, ...sweepCells(sample).map(([k]) => k)];
}

export function sweepRow(value: unknown, s: Summary): unknown[] {
  return [value, ...sweepCells(s).map(([, v]) => v)];
}

// ---------------------------------------------------------------- compare (a link's pinned baseline)

/** One figure of the comparison: A (the link's pinned baseline), B (its scenario), B/A. */
export interface CompareRow {
  key: string;
  label: string;
  unit: string;
  baseline: number;
  scenario: number;
  /** B/A; null when it has no meaning (A is 0, a value is missing), as in the page's compare table. */
  ratio: number | null;
}

export interface SettingDiff {
  knob: string;
  baseline: unknown;
  scenario: unknown;
}

const COMPARE_EXTRA = [{ key: 'packets_simulated', label: 'Packets simulated', unit: 'packets', get: (s: Summary) => s.packets_simulated }];

export function compareRows(a: Summary, b: Summary): CompareRow[] {
  return [...SWEEP_OUTPUTS, ...COMPARE_EXTRA].map((o) => {
    const x = o.get(a);
    const y = o.get(b);
    return { key: o.key, label: o.label, unit: o.unit, baseline: x, scenario: y, ratio: Number.isFinite(x) && Number.isFinite(y) && x !== 0 ? y / x : null };
  });
}

export function settingDiffs(a: Scenario, b: Scenario): SettingDiff[] {
  return KNOBS.filter((k) => getPath(a, k.path) !== getPath(b, k.path)).map((k) => ({ knob: k.path, baseline: getPath(a, k.path), scenario: getPath(b, k.path) }));
}

function figureText(x: number, unit: string): string {
  if (!Number.isFinite(x)) return '—';
  if (unit === 'pps') return mpps(x);
  if (Number.isInteger(x)) return count(x);
  return `${Number(x.toPrecision(4))} ${unit}`;
}

/** The comparison as text: a table of figures with B/A, the settings that differ, both links. */
export function compareText(a: Summary, b: Summary): string {
  const rows = compareRows(a, b);
  const w = Math.max(...rows.map((r) => r.key.length)) + 2;
  const cells = rows.map((r) => [figureText(r.baseline, r.unit), figureText(r.scenario, r.unit)]);
  const wa = Math.max(14, ...cells.map((c) => c[0]!.length)) + 2;
  const wb = Math.max(14, ...cells.map((c) => c[1]!.length)) + 2;
  const lines = [
    `compare     A = the link's pinned baseline, B = its scenario (${b.engine})`,
    '',
    `${pad('figure', w)}${pad('A', wa)}${pad('B', wb)}B/A`,
    ...rows.map((r, i) => `${pad(r.key, w)}${pad(cells[i]![0]!, wa)}${pad(cells[i]![1]!, wb)}${r.ratio === null ? '—' : `${r.ratio.toFixed(3)}×`}`),
    '',
  ];
  const diffs = settingDiffs(a.scenario, b.scenario);
  lines.push(diffs.length ? 'settings that differ (A → B)' : 'settings      A and B have the same settings');
  for (const d of diffs) lines.push(`  ${d.knob}: ${String(d.baseline)} → ${String(d.scenario)}`);
  lines.push('', `link A      ${a.link}`, `link B      ${b.link}`);
  return `${lines.join('\n')}\n`;
}

/** `{ baseline, scenario, figures, differs }`: both Summaries as the engine writes them. */
export function compareJson(a: Summary, b: Summary): string {
  return `${JSON.stringify({ baseline: a, scenario: b, figures: compareRows(a, b), differs: settingDiffs(a.scenario, b.scenario) }, null, 2)}\n`;
}

/** One table: `kind,key,unit,baseline,scenario,ratio`, figures first, then each differing setting. */
export function compareCsv(a: Summary, b: Summary): string {
  let out = csvRow(['kind', 'key', 'unit', 'baseline', 'scenario', 'ratio']);
  for (const r of compareRows(a, b)) out += csvRow(['figure', r.key, r.unit, r.baseline, r.scenario, r.ratio ?? NaN]);
  for (const d of settingDiffs(a.scenario, b.scenario)) {
    const k = KNOBS.find((x) => x.path === d.knob)!;
    out += csvRow(['setting', d.knob, knobUnit(k), d.baseline, d.scenario, NaN]);
  }
  return out;
}

// ---------------------------------------------------------------- help

export function helpText(): string {
  const w = Math.max(...FLAGS.map((f) => `${f.name}${f.value ? ` ${f.value}` : ''}`.length)) + 2;
  const flags = FLAGS.map((f) => `  ${pad(`${f.name}${f.value ? ` ${f.value}` : ''}`, w)}${f.help}`);
  return `ringlab sim — run the ${ENGINE_ID} packet-path simulation headless

Usage
  npm run -s sim -- [--preset NAME | --link L] [--set path=value]... [--format text|json|csv]
  npm run -s sim -- --sweep path=a..b[:lin|:log][:N] [--preset NAME | --link L] [--set ...]
  npm run -s sim -- --link L [--scenario-only] [--max-wall-s S] [--max-mib N] [--quiet]
  npm run -s sim -- --list-knobs | --list-presets [--format json]

Options
${flags.join('\n')}

Scenario precedence
  The run starts from the defaults, or from --preset, or from --link (never both), then applies
  every --set in command-line order; a later --set of the same knob wins. With --link, the --set
  overrides apply on top of the linked scenario, and the printed link is the new scenario's.
  Numbers are written in plain decimal (16, 0.5, 1e-3 for non-integer knobs); 0x10, 1e1 for a
  whole-number knob, " 12 " or -0 are refused with the number to write instead.

A whole link
  --link runs what the link holds: its sweep (as --sweep would, series included), or, with a
  pinned baseline, both runs and their comparison: every sweep output of A (the baseline) and B
  (the scenario, with any --set) with B/A, and the settings that differ (text; --format json:
  {baseline, scenario, figures, differs}; csv: kind,key,unit,baseline,scenario,ratio). Whatever
  it does not run (a baseline next to a sweep, or all of it with --scenario-only) is named in a
  note on stderr.

Long runs
  After 2 s, progress goes to stderr (a bar on a terminal, a line every 10 s otherwise; --quiet
  for none): percent, the run of a sweep, simulated time, elapsed time and ETA. --max-wall-s S
  stops the command after S seconds (exit 3; finished sweep rows stay printed). Every scenario is
  checked against the memory budget (--max-mib, default ${DEFAULT_MEMORY_BUDGET_MIB} MiB) before anything is built.
  Like the UI, --set host.preset=… or --set nic.model=… also sets the knobs that host or NIC
  determines (cores, clock, link speed, ring sizes…): put explicit overrides after them.

Output
  text  a short summary: line rate, offered and delivered Mpps, drops, latency mean/p50/p99 µs,
        the bottleneck, the engine version and the share link of the exact scenario run.
  json  one JSON object: the engine's Summary (engine, scenario, link, workload, simulated_ms,
        wall_ms, packets_simulated, offered_pps, delivered_pps, tx_pps, drops, latency_us, queues, …).
        wall_ms is the only field that differs between two runs of the same scenario.
  csv   one row per recorded frame (${FRAMES_PER_RUN} per run), with the columns
        ${FRAME_SERIES.map((f) => f.key).join(' ')}
        then the scenario's own series (drops by location, per queue, per CPU).

Sweeps
  --sweep runs the base scenario once per point with one knob replaced and prints one CSV row per
  point (JSON with --format json): the knob value, packets, rates, drops, latency, the bottleneck
  and the point's share link. The swept knob is applied after every --set, and each point is an
  independent run with the same seed, so a row equals running the same command with
  --set path=value appended. Every point is checked before any runs.
  Numeric knobs: N points (default 5) from a to b, linear or :log spaced; whole-number knobs are
  rounded; power-of-two knobs snap to powers of two and, without :N, take every power of two in
  range. Choice knobs take their options from a to b in listed order.
  e.g. --sweep traffic.load=0.5..1.2:8   --sweep queues.tx_desc=64..4096   --sweep traffic.frame_bytes=64..1518:log:6

Examples
  npm run -s sim -- --set traffic.load=0.9 --set sim.seed=7 --format json
  npm run -s sim -- --preset overload-40g --set queues.tx_desc=4096
  npm run -s sim -- --link 'http://127.0.0.1:5173/#v${SCHEMA_VERSION}.N4Ig…' --set sim.seed=2
  npm run -s sim -- --format csv --set traffic.arrival=bursty > frames.csv

  Quote links: an unquoted # starts a shell comment. Use npm's -s (silent) when piping, so npm's
  own banner does not precede the output.

Exit status
  0 success; 2 unknown option, unknown knob, bad value, unknown preset, bad link or a scenario
  over the memory budget (the message names the knob and its allowed range); 3 stopped by
  --max-wall-s; 1 internal error (set RINGLAB_DEBUG=1 for the stack).
`;
}

const MAX_ERROR_LINE = 500;

/**
 * Error text can quote a share link's content (unknown key names): show control characters
 * (terminal escapes, carriage returns, bidi overrides) as \u{…} escapes so a hostile link cannot
 * rewrite the terminal, and cut very long lines.
 */
export function terminalSafe(line: string): string {
  // eslint-disable-next-line no-control-regex
  const safe = line.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
  const chars = [...safe];
  return chars.length > MAX_ERROR_LINE ? `${chars.slice(0, MAX_ERROR_LINE).join('')}… (${chars.length - MAX_ERROR_LINE} more characters)` : safe;
}
