/**
 * The CLI's commands, with output injected: `runCli(argv, io)` returns the exit code and writes
 * only through `io`, so tests can run it in-process. main.ts binds it to the real process.
 *
 * A new feature is a new Action in args.ts plus a case in `runCli`.
 */
import {
  BUILTIN_SWEEPS,
  DEFAULT_MEMORY_BUDGET_MIB,
  ENGINE_ID,
  echoQuoted,
  findBuiltinSweep,
  getPath,
  looParams,
  looRowNames,
  memoryBudgetProblem,
  spreadMetric,
  summarizeRatioSpread,
  summarizeSpread,
  planSweep,
  type FitSpread,
  type LinkState,
  type SpreadMetric,
  type Scenario,
  type SweepPlan,
  type Summary,
} from '../engine';
import {
  EXIT_OK,
  EXIT_STOPPED,
  EXIT_USAGE,
  parseArgs,
  parseSweep,
  resolveScenario,
  type CliError,
  type CliOptions,
} from './args';
import { pcapMissing, runPcap } from './pcap';
import {
  compareCsv,
  compareJson,
  compareText,
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
  ratioSpreadText,
  spreadText,
  sweepRow,
  terminalSafe,
} from './format';
import { traceScenario, writeTrace } from './trace';
import { Progress, execute } from './progress';
import { isMerge, parseShardSpec, runMerge, runShard } from './shard';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Write a whole file (--trace); main.ts binds it to the file system. */
  writeFile?(path: string, text: string): void;
  /** Wall clock, ms (default performance.now). */
  now?(): number;
  /** stderr is a terminal: progress is a bar redrawn in place (else plain lines). */
  errIsTTY?: boolean;
  /** Terminal width. */
  columns?: number;
}

/** Longest error line printed; longer ones (a link can name a 100 kB key) are cut. */
export { terminalSafe };

function report(io: CliIo, e: CliError): number {
  for (const raw of e.lines.length ? e.lines : ['error']) {
    const l = terminalSafe(raw);
    io.err(l.startsWith('  ') ? `${l}\n` : `ringlab: ${l}\n`);
  }
  return e.code;
}

/** What one command runs with: output, the clock, progress, the wall-clock deadline, the memory budget. */
interface Ctx {
  io: CliIo;
  opts: CliOptions;
  now: () => number;
  progress: Progress;
  deadline: number;
  /** A note on stderr (the progress line is erased first). */
  note(text: string): void;
  /** Results on stdout (the progress line is erased first). */
  out(text: string): void;
}

function context(io: CliIo, opts: CliOptions): Ctx {
  const now = io.now ? () => io.now!() : () => performance.now();
  const progress = new Progress({ err: (t) => io.err(t), now, isTTY: io.errIsTTY === true, columns: io.columns }, opts.quiet);
  const start = now();
  return {
    io,
    opts,
    now,
    progress,
    deadline: opts.maxWallS !== undefined ? start + opts.maxWallS * 1000 : Infinity,
    note(text) {
      progress.finish();
      io.err(`ringlab: note: ${terminalSafe(text)}\n`);
    },
    out(text) {
      progress.finish();
      io.out(text);
    },
  };
}

/** Every scenario of the command checked against the memory budget before any is built. */
function checkMemory(ctx: Ctx, scenarios: readonly Scenario[]): CliError | null {
  const budget = ctx.opts.maxMib ?? DEFAULT_MEMORY_BUDGET_MIB;
  for (const [i, s] of scenarios.entries()) {
    const problem = memoryBudgetProblem(s, budget, '--max-mib N');
    if (problem) return { code: EXIT_USAGE, lines: [scenarios.length > 1 ? `run ${i + 1} of ${scenarios.length}: ${problem}` : problem] };
  }
  return null;
}

function stoppedError(ctx: Ctx, what: string, simulatedMs: number, totalMs: number): CliError {
  ctx.progress.finish();
  return {
    code: EXIT_STOPPED,
    lines: [`stopped by --max-wall-s ${ctx.opts.maxWallS}: ${what} was at ${Number(simulatedMs.toPrecision(4))} of ${totalMs} ms simulated`],
  };
}

/**
 * `--fit-spread`: `scenario` once under each leave-one-out set of the fitted constants
 * (fitspread.ts), its `metric` per set, run k being progress run `first + k` of `total`; or, if
 * --max-wall-s stopped one, which one and where.
 */
function looRuns(
  ctx: Ctx, scenario: Scenario, metric: SpreadMetric, first: number, total: number,
): { ok: true; values: number[] } | { ok: false; k: number; sets: number; simulatedMs: number; totalMs: number } {
  const sets = looRowNames().length, values: number[] = [];
  for (let k = 0; k < sets; k++) {
    ctx.progress.startRun(first + k, total, scenario.sim.duration_ms);
    const x = execute(scenario, ctx, ctx.progress, ctx.deadline, looParams(k));
    if (x.kind === 'stopped') return { ok: false, k, sets, simulatedMs: x.simulatedMs, totalMs: x.totalMs };
    values.push(x.summary[metric]);
  }
  return { ok: true, values };
}

export function runCli(argv: readonly string[], io: CliIo): number {
  if (isMerge(argv)) return runMerge(argv, io);
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
  if (opts.shard !== undefined) {
    if (opts.sweep === undefined && opts.builtinSweep === undefined) return report(io, { code: EXIT_USAGE, lines: ['--shard cuts a sweep: give --sweep or --builtin-sweep too'] });
    if (opts.format !== 'text' && opts.format !== 'json') return report(io, { code: EXIT_USAGE, lines: [`--shard prints JSON lines; --format ${opts.format} belongs to --merge`] });
    const spec = parseShardSpec(opts.shard);
    if (!spec.ok) return report(io, spec.error);
  }
  if (opts.fitSpread) {
    const other = opts.shard !== undefined ? '--shard' : opts.trace !== undefined || opts.traceWindow !== undefined ? '--trace' : opts.pcap !== undefined ? '--pcap' : null;
    if (other) return report(io, { code: EXIT_USAGE, lines: [`--fit-spread runs each scenario again per leave-one-out set; it does not combine with ${other}`] });
  }
  const ctx = context(io, opts);
  if (opts.builtinSweep !== undefined) return runBuiltinSweep(ctx);
  const resolved = resolveScenario(opts);
  if (!resolved.ok) return report(io, resolved.error);
  const scenario = resolved.value.scenario;
  if (opts.pcap !== undefined) return runPcap(opts, scenario, io);
  if (scenario.traffic.interleave === 'pcap' && scenario.traffic.workload === 'receive') return report(io, pcapMissing(opts));
  const link = resolved.value.link;
  if (opts.trace !== undefined || opts.traceWindow !== undefined) return runTracedCommand(ctx, scenario, link);

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
    if (link?.sweep) ctx.note(`the link's own sweep (${link.sweep.spec}) was not run: --sweep ${plan.value.range.path} runs instead`);
    if (link?.baseline) ctx.note("the link's pinned baseline was not compared: --sweep runs the link's scenario only");
    return runPlan(ctx, plan.value, scenario);
  }

  if (link && !opts.scenarioOnly && link.sweep) {
    const plan = planSweep(scenario, link.sweep, "the link's sweep");
    if (!plan.ok) return report(io, { code: EXIT_USAGE, lines: plan.errors });
    if (link.baseline) ctx.note("the link's pinned baseline was not compared: its sweep ran instead (--scenario-only runs just the scenario)");
    return runPlan(ctx, plan.value, scenario);
  }
  if (link && !opts.scenarioOnly && link.baseline) return runCompare(ctx, link.baseline, scenario);
  if (link && opts.scenarioOnly) {
    const left = [link.sweep ? `its sweep (${link.sweep.spec})` : '', link.baseline ? 'its pinned baseline' : ''].filter(Boolean);
    if (left.length) ctx.note(`ran only the link's scenario (--scenario-only); ${left.join(' and ')} did not run`);
  }

  if (opts.fitSpread && opts.format === 'csv') return report(io, { code: EXIT_USAGE, lines: ['--fit-spread on one run prints with --format text or json (its csv is the frames of one run; a sweep\'s csv gets fit columns)'] });
  const mem = checkMemory(ctx, [scenario]);
  if (mem) return report(io, mem);
  const spreadRuns = opts.fitSpread ? looRowNames().length : 0;
  ctx.progress.startRun(0, 1 + spreadRuns, scenario.sim.duration_ms);
  const r = execute(scenario, ctx, ctx.progress, ctx.deadline);
  if (r.kind === 'stopped') return report(io, stoppedError(ctx, 'the run', r.simulatedMs, r.totalMs));
  const { summary, frames } = r;
  if (opts.fitSpread) {
    const metric = spreadMetric(scenario);
    const l = looRuns(ctx, scenario, metric, 1, 1 + spreadRuns);
    if (!l.ok) return report(io, stoppedError(ctx, `leave-one-out run ${l.k + 1} of ${l.sets}`, l.simulatedMs, l.totalMs));
    const spread = summarizeSpread(metric, l.values);
    ctx.out(opts.format === 'json' ? `${JSON.stringify({ ...summary, fit_spread: spread }, null, 2)}\n` : summaryText(summary) + spreadText(summary, spread));
    return EXIT_OK;
  }
  if (opts.format === 'json') ctx.out(summaryJson(summary));
  else if (opts.format === 'csv') ctx.out(framesCsv(frames));
  else ctx.out(summaryText(summary));
  return EXIT_OK;
}

/**
 * `--trace FILE`: the one scenario (a link's sweep or baseline is not run, and says so) with
 * tracing on, run as any single run, its trace written to FILE.
 */
function runTracedCommand(ctx: Ctx, scenario: Scenario, link: LinkState | undefined): number {
  const io = ctx.io, opts = ctx.opts;
  const s = traceScenario(scenario, opts, io);
  if (!s.ok) return report(io, s.error);
  const left = [link?.sweep ? `its sweep (${link.sweep.spec})` : '', link?.baseline ? 'its pinned baseline' : ''].filter(Boolean);
  if (left.length) ctx.note(`--trace records the link's scenario only; ${left.join(' and ')} did not run`);
  const mem = checkMemory(ctx, [s.value]);
  if (mem) return report(io, mem);
  ctx.progress.startRun(0, 1, s.value.sim.duration_ms);
  const r = execute(s.value, ctx, ctx.progress, ctx.deadline);
  if (r.kind === 'stopped') return report(io, stoppedError(ctx, 'the traced run', r.simulatedMs, r.totalMs));
  const err = writeTrace(r.summary, r.trace!, opts, io, (t) => ctx.note(t));
  if (err) return report(io, err);
  if (opts.format === 'json') ctx.out(summaryJson(r.summary));
  else if (opts.format === 'csv') ctx.out(framesCsv(r.frames));
  else ctx.out(summaryText(r.summary));
  return EXIT_OK;
}

/**
 * A link with a pinned baseline: A (the baseline) and B (the link's scenario, with any --set) are
 * both run, and the comparison printed: figures with B/A and the settings that differ.
 */
function runCompare(ctx: Ctx, baseline: Scenario, scenario: Scenario): number {
  const mem = checkMemory(ctx, [baseline, scenario]);
  if (mem) return report(ctx.io, mem);
  const f = ctx.opts.format;
  if (ctx.opts.fitSpread && f === 'csv') return report(ctx.io, { code: EXIT_USAGE, lines: ['--fit-spread on a comparison prints with --format text or json'] });
  const sets = ctx.opts.fitSpread ? looRowNames().length : 0, total = 2 * (1 + sets);
  const done: Summary[] = [];
  for (const [i, s] of [baseline, scenario].entries()) {
    ctx.progress.startRun(i, total, s.sim.duration_ms);
    const r = execute(s, ctx, ctx.progress, ctx.deadline);
    if (r.kind === 'stopped') return report(ctx.io, stoppedError(ctx, i === 0 ? 'the baseline (A)' : 'the scenario (B)', r.simulatedMs, r.totalMs));
    done.push(r.summary);
  }
  const [a, b] = done as [Summary, Summary];
  if (sets > 0) {
    // A and B under each leave-one-out set (fitspread.ts): does B/A hold whatever row is left out?
    const metric = spreadMetric(scenario), values: number[][] = [];
    for (const [i, s] of [baseline, scenario].entries()) {
      const l = looRuns(ctx, s, metric, 2 + i * sets, total);
      if (!l.ok) return report(ctx.io, stoppedError(ctx, `leave-one-out run ${l.k + 1} of ${l.sets} of ${i === 0 ? 'the baseline (A)' : 'the scenario (B)'}`, l.simulatedMs, l.totalMs));
      values.push(l.values);
    }
    const spread = summarizeRatioSpread(metric, { baseline: a[metric], scenario: b[metric] }, values[0]!, values[1]!);
    if (f === 'json') {
      const o = JSON.parse(compareJson(a, b)) as Record<string, unknown>;
      ctx.out(`${JSON.stringify({ ...o, fit_spread: spread }, null, 2)}\n`);
    } else ctx.out(compareText(a, b) + ratioSpreadText(spread));
    return EXIT_OK;
  }
  ctx.out(f === 'json' ? compareJson(a, b) : f === 'csv' ? compareCsv(a, b) : compareText(a, b));
  return EXIT_OK;
}

/**
 * `--builtin-sweep NAME`: the sweep the UI's Sweep tab offers under that name. Base = its preset
 * plus every --set; --sweep replaces its range (the series stay). CSV rows carry the series label.
 */
function runBuiltinSweep(ctx: Ctx): number {
  const opts = ctx.opts;
  const name = opts.builtinSweep!;
  const b = findBuiltinSweep(name);
  if (!b) {
    return report(ctx.io, { code: EXIT_USAGE, lines: [`unknown built-in sweep ${echoQuoted(name)}`, `  built-in sweeps: ${BUILTIN_SWEEPS.map((x) => x.name).join(', ')}`] });
  }
  const resolved = resolveScenario({ ...opts, preset: b.preset ?? undefined });
  if (!resolved.ok) return report(ctx.io, resolved.error);
  const spec = opts.sweep ?? b.def.spec;
  const plan = planSweep(resolved.value.scenario, { ...b.def, spec }, opts.sweep !== undefined ? '--sweep' : `--builtin-sweep ${b.name}`);
  if (!plan.ok) return report(ctx.io, { code: EXIT_USAGE, lines: plan.errors });
  return runPlan(ctx, plan.value, resolved.value.scenario);
}

/**
 * Runs a planned sweep (engine/sweep.ts: the base, then each series' knobs, then the swept knob,
 * every scenario checked before anything runs), point by point, series-major. Each point is an
 * independent run, so a row equals running that point on its own. CSV streams a row per run, so a
 * long sweep shows progress and can be cut short (by --max-wall-s too: the finished rows stay);
 * with series, rows start with the series label. Notes on stderr name every --set that a series
 * or the swept knob (host.preset, nic.model) replaces at some point.
 */
function runPlan(ctx: Ctx, plan: SweepPlan, base: Scenario): number {
  const { opts, io } = ctx;
  const mem = checkMemory(ctx, plan.runs.map((r) => r.scenario));
  if (mem) return report(io, mem);
  const shard = opts.shard !== undefined ? parseShardSpec(opts.shard) : null;
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
  if (shard?.ok) return runShard(plan, shard.value, io.out);
  const results: { series?: string; value: unknown; summary: Summary & { fit_spread?: FitSpread } }[] = [];
  const total = plan.runs.length;
  // --fit-spread: each point again under every leave-one-out set (fitspread.ts)
  const sets = opts.fitSpread ? looRowNames().length : 0, per = 1 + sets;
  const stopped = (i: number, what: string, r: { simulatedMs: number; totalMs: number }) => {
    const kept = opts.format === 'json' ? 'nothing was printed (JSON is written whole at the end)' : `the ${i} finished row${i === 1 ? ' is' : 's are'} printed`;
    const e = stoppedError(ctx, what, r.simulatedMs, r.totalMs);
    return report(io, { ...e, lines: [...e.lines, `  ${kept}`] });
  };
  for (const [i, run] of plan.runs.entries()) {
    const at = `point ${i + 1} of ${total} (${path}=${String(run.value)})`;
    ctx.progress.startRun(i * per, total * per, run.scenario.sim.duration_ms);
    const r = execute(run.scenario, ctx, ctx.progress, ctx.deadline);
    if (r.kind === 'stopped') return stopped(i, at, r);
    const summary = r.summary;
    let spread: FitSpread | null = null;
    if (sets > 0) {
      const metric = spreadMetric(run.scenario);
      const l = looRuns(ctx, run.scenario, metric, i * per + 1, total * per);
      if (!l.ok) return stopped(i, `leave-one-out run ${l.k + 1} of ${l.sets} at ${at}`, l);
      spread = summarizeSpread(metric, l.values);
    }
    const label = plan.labels[run.series] ?? '';
    if (opts.format === 'json') results.push({ ...(labelled ? { series: label } : {}), value: run.value, summary: spread ? { ...summary, fit_spread: spread } : summary });
    else {
      const fit = spread ? [spread.metric, spread.min, spread.median, spread.max] : [];
      if (i === 0) ctx.out(csvRow([...(labelled ? ['series'] : []), ...sweepColumns(path, summary), ...(spread ? ['fit_metric', 'fit_min', 'fit_median', 'fit_max'] : [])]));
      ctx.out(csvRow([...(labelled ? [label] : []), ...sweepRow(run.value, summary), ...fit]));
    }
  }
  ctx.progress.finish();
  if (opts.format === 'json') ctx.out(`${JSON.stringify({ knob: path, ...(labelled ? { series: plan.labels } : {}), points: results }, null, 2)}\n`);
  return EXIT_OK;
}
