/**
 * The CLI's commands, with output injected: `runCli(argv, io)` returns the exit code and writes
 * only through `io`, so tests can run it in-process. main.ts binds it to the real process.
 *
 * A new feature is a new Action in args.ts plus a case in `runCli`.
 */
import { BUILTIN_SWEEPS, ENGINE_ID, findBuiltinSweep, getPath, planSweep, runScenario, type Scenario, type SweepPlan, type Summary } from '../engine';
import {
  EXIT_OK,
  EXIT_USAGE,
  parseArgs,
  parseSweep,
  resolveScenario,
  type CliError,
  type CliOptions,
} from './args';
import {
  csvRow,
  framesCsv,
  helpText,
  knobsCsv,
  knobsJson,
  knobsText,
  presetsCsv,
  presetsJson,
  presetsText,
  summaryJson,
  summaryText,
  sweepColumns,
  sweepRow,
} from './format';
import { runTraceCommand } from './trace';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Write a whole file (--trace); main.ts binds it to the file system. */
  writeFile?(path: string, text: string): void;
}

/** Longest error line printed; longer ones (a link can name a 100 kB key) are cut. */
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

function report(io: CliIo, e: CliError): number {
  for (const raw of e.lines.length ? e.lines : ['error']) {
    const l = terminalSafe(raw);
    io.err(l.startsWith('  ') ? `${l}\n` : `ringlab: ${l}\n`);
  }
  return e.code;
}

export function runCli(argv: readonly string[], io: CliIo): number {
  const parsed = parseArgs(argv);
  if (!parsed.ok) return report(io, parsed.error);
  const opts = parsed.value;
  switch (opts.action) {
    case 'help':
      io.out(helpText());
      return EXIT_OK;
    case 'version':
      io.out(`${ENGINE_ID}\n`);
      return EXIT_OK;
    case 'list-knobs':
      io.out(opts.format === 'json' ? knobsJson() : opts.format === 'csv' ? knobsCsv() : knobsText());
      return EXIT_OK;
    case 'list-presets':
      io.out(opts.format === 'json' ? presetsJson() : opts.format === 'csv' ? presetsCsv() : presetsText());
      return EXIT_OK;
    case 'run':
      break;
  }
  if (opts.builtinSweep !== undefined) return runBuiltinSweep(opts, io);
  const resolved = resolveScenario(opts);
  if (!resolved.ok) return report(io, resolved.error);
  const scenario = resolved.value.scenario;
  if (opts.trace !== undefined || opts.traceWindow !== undefined) return runTraceCommand(scenario, opts, io);

  if (opts.sweep !== undefined) {
    const sweep = parseSweep(opts.sweep);
    if (!sweep.ok) return report(io, sweep.error);
    if (opts.sets.some((s) => s.path === sweep.value.path)) {
      return report(io, {
        code: EXIT_USAGE,
        lines: [`--set ${sweep.value.path} conflicts with --sweep ${sweep.value.path}: the sweep sets that knob at every point`],
      });
    }
    const plan = planSweep(scenario, { spec: opts.sweep, series: [], y: 'delivered_pps' }, '--sweep');
    if (!plan.ok) return report(io, { code: EXIT_USAGE, lines: plan.errors });
    return runPlan(plan.value, opts, scenario, io);
  }

  const { summary, frames } = runScenario(scenario);
  if (opts.format === 'json') io.out(summaryJson(summary));
  else if (opts.format === 'csv') io.out(framesCsv(frames));
  else io.out(summaryText(summary));
  return EXIT_OK;
}

/**
 * `--builtin-sweep NAME`: the sweep the UI's Sweep tab offers under that name. Base = its preset
 * plus every --set; --sweep replaces its range (the series stay). CSV rows carry the series label.
 */
function runBuiltinSweep(opts: CliOptions, io: CliIo): number {
  const name = opts.builtinSweep!;
  const b = findBuiltinSweep(name);
  if (!b) {
    return report(io, { code: EXIT_USAGE, lines: [`unknown built-in sweep "${name}"`, `  built-in sweeps: ${BUILTIN_SWEEPS.map((x) => x.name).join(', ')}`] });
  }
  const resolved = resolveScenario({ ...opts, preset: b.preset ?? undefined });
  if (!resolved.ok) return report(io, resolved.error);
  const spec = opts.sweep ?? b.def.spec;
  const plan = planSweep(resolved.value.scenario, { ...b.def, spec }, opts.sweep !== undefined ? '--sweep' : `--builtin-sweep ${b.name}`);
  if (!plan.ok) return report(io, { code: EXIT_USAGE, lines: plan.errors });
  return runPlan(plan.value, opts, resolved.value.scenario, io);
}

/**
 * Runs a planned sweep (engine/sweep.ts: the base, then each series' knobs, then the swept knob,
 * every scenario checked before anything runs), point by point, series-major. Each point is an
 * independent runScenario call, so a row equals running that point on its own. CSV streams a row
 * per run, so a long sweep shows progress and can be cut short; with series, rows start with the
 * series label. Notes on stderr name every --set that a series or the swept knob (host.preset,
 * nic.model) replaces at some point.
 */
function runPlan(plan: SweepPlan, opts: CliOptions, base: Scenario, io: CliIo): number {
  const path = plan.range.path;
  const overridden = new Set<string>();
  for (const run of plan.runs) {
    for (const set of opts.sets) {
      if (JSON.stringify(getPath(run.scenario, set.path)) !== JSON.stringify(getPath(base, set.path))) overridden.add(set.path);
    }
  }
  const labelled = plan.labels.some((l) => l !== '');
  const last = labelled ? 'the series and the swept knob are applied last' : 'the swept knob is applied last';
  for (const p of overridden) io.err(`ringlab: note: --sweep ${path} also sets ${p} at some points, replacing --set ${p} (${last})\n`);
  const results: { series?: string; value: unknown; summary: Summary }[] = [];
  for (const [i, run] of plan.runs.entries()) {
    const { summary } = runScenario(run.scenario);
    const label = plan.labels[run.series] ?? '';
    if (opts.format === 'json') results.push({ ...(labelled ? { series: label } : {}), value: run.value, summary });
    else {
      if (i === 0) io.out(csvRow([...(labelled ? ['series'] : []), ...sweepColumns(path, summary)]));
      io.out(csvRow([...(labelled ? [label] : []), ...sweepRow(run.value, summary)]));
    }
  }
  if (opts.format === 'json') io.out(`${JSON.stringify({ knob: path, ...(labelled ? { series: plan.labels } : {}), points: results }, null, 2)}\n`);
  return EXIT_OK;
}
