/**
 * Sweeps past one machine, on batch engines that already exist (GNU parallel, a Kubernetes Indexed
 * Job, a Slurm array: docs/SCALING.md). No scheduler of our own:
 *
 *  - `--sweep … --shard i/N` (or `--builtin-sweep … --shard i/N`) plans the whole sweep exactly as
 *    the unsharded run does and runs every N-th of its points, those whose index k in plan order
 *    (series-major) has k mod N = i (0 ≤ i < N): a stable assignment that needs no coordination.
 *    It prints JSON lines: one header, then one line per point run (scenario, link, summary, and
 *    the point's CSV row as the unsharded sweep renders it).
 *  - `--merge FILES…` (`-` is stdin) joins shard outputs into the sweep's CSV (the default) or
 *    JSON (`--format json`): the same bytes as the unsharded sweep prints, apart from each
 *    summary's wall_ms in JSON (CSV rows have no wall time). It refuses shards of different sweeps
 *    or engine versions, and exits 2 naming the points (and shards) that are missing.
 *
 * A sweep is identified by a hash of its plan: the swept knob, the series and every point's full
 * scenario (as its share link), so shards of the same knob over a different base scenario,
 * range, or series are refused too.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ENGINE_ID, echoQuoted, encodeLink, runScenario, type SweepPlan, type Summary } from '../engine';
import { EXIT_OK, EXIT_USAGE, FORMATS, type CliError, type Format } from './args';
import { csvRow, sweepColumns, sweepRow, terminalSafe } from './format';

export interface ShardSpec {
  index: number;
  count: number;
}

/** Most shards a sweep may be cut into (a sweep has at most a few thousand points anyway). */
export const MAX_SHARDS = 100_000;

type Result<T> = { ok: true; value: T } | { ok: false; error: CliError };
const fail = (...lines: string[]): { ok: false; error: CliError } => ({ ok: false, error: { code: EXIT_USAGE, lines } });

/** `i/N` → shard i of N (0-based i, as JOB_COMPLETION_INDEX counts). */
export function parseShardSpec(text: string): Result<ShardSpec> {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return fail(`--shard needs i/N (shard i of N, 0 ≤ i < N), not ${echoQuoted(text)}`, '  e.g. --shard 0/8 … --shard 7/8; with Slurm --shard "$SLURM_ARRAY_TASK_ID/8"');
  const index = Number(m[1]), count = Number(m[2]);
  if (!(count >= 1 && count <= MAX_SHARDS)) return fail(`--shard ${text}: N must be from 1 to ${MAX_SHARDS}`);
  if (index >= count) return fail(`--shard ${text}: i must be from 0 to ${count - 1} (shards are numbered from 0)`);
  return { ok: true, value: { index, count } };
}

/** The first line of a shard's output. */
export interface ShardHeader {
  ringlab_sweep_shard: 1;
  sweep: string;
  engine: string;
  shard: number;
  shards: number;
  /** Points in the whole sweep (all shards). */
  points: number;
  knob: string;
  /** Series labels; [''] when the sweep has none. */
  labels: string[];
}

/** One point of a shard's output. */
export interface ShardPoint {
  sweep: string;
  engine: string;
  /** Index of the point in plan order (series-major). */
  index: number;
  series?: string;
  value: unknown;
  scenario: Summary['scenario'];
  link: string;
  summary: Summary;
  /** The point's row exactly as the unsharded sweep's CSV has it (no newline). */
  csv: string;
}

/** The sweep's identity: a hash of the knob, the series and every point's scenario. */
export function sweepId(plan: SweepPlan): string {
  const canon = JSON.stringify({
    knob: plan.range.path,
    labels: plan.labels,
    points: plan.runs.map((r) => [r.series, r.point, r.value, encodeLink({ scenario: r.scenario })]),
  });
  return createHash('sha256').update(canon).digest('hex').slice(0, 20);
}

const labelledPlan = (plan: SweepPlan): boolean => plan.labels.some((l) => l !== '');

/** Run shard `spec` of the plan, printing JSON lines. */
export function runShard(plan: SweepPlan, spec: ShardSpec, out: (text: string) => void): number {
  const id = sweepId(plan);
  const labelled = labelledPlan(plan);
  const header: ShardHeader = {
    ringlab_sweep_shard: 1, sweep: id, engine: ENGINE_ID, shard: spec.index, shards: spec.count,
    points: plan.runs.length, knob: plan.range.path, labels: plan.labels,
  };
  out(`${JSON.stringify(header)}\n`);
  for (let k = spec.index; k < plan.runs.length; k += spec.count) {
    const run = plan.runs[k]!;
    const { summary } = runScenario(run.scenario);
    const label = plan.labels[run.series] ?? '';
    const line: ShardPoint = {
      sweep: id, engine: ENGINE_ID, index: k, ...(labelled ? { series: label } : {}), value: run.value,
      scenario: summary.scenario, link: summary.link, summary,
      csv: csvRow([...(labelled ? [label] : []), ...sweepRow(run.value, summary)]).slice(0, -1),
    };
    out(`${JSON.stringify(line)}\n`);
  }
  return EXIT_OK;
}

export interface MergeIo {
  out(text: string): void;
  err(text: string): void;
  /** Contents of a file ('-': standard input); throws when it cannot be read. */
  read?(file: string): string;
}

/** `--merge FILES… [--format csv|json]`: true when argv asks for a merge. */
export function isMerge(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--merge' || a.startsWith('--merge='));
}

interface MergeArgs {
  files: string[];
  format: Format;
}

export function parseMergeArgs(argv: readonly string[]): Result<MergeArgs> {
  const files: string[] = [];
  let format: Format | undefined;
  let inMerge = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--merge') inMerge = true;
    else if (a.startsWith('--merge=')) { inMerge = true; files.push(a.slice('--merge='.length)); }
    else if (a === '--format' || a.startsWith('--format=')) {
      const v = (a === '--format' ? argv[++i] : a.slice('--format='.length))?.trim().toLowerCase();
      if (v !== 'csv' && v !== 'json') return fail(`--merge prints the sweep as csv or json, not ${echoQuoted(v ?? '')}`, `  (--format is one of ${FORMATS.join(' | ')} elsewhere; text is not a sweep format)`);
      if (format !== undefined && format !== v) return fail(`--format given twice (${format} and ${echoQuoted(v)}); give it once`);
      format = v;
      inMerge = false;
    } else if (a.startsWith('--') && a !== '--') return fail(`--merge takes only shard files and --format csv|json, not ${echoQuoted(a.split('=')[0]!)}`, '  the sweep itself is in the shards: plan and run it with --sweep … --shard i/N');
    else if (inMerge) files.push(a);
    else return fail(`unexpected argument ${echoQuoted(a)}`, '  usage: --merge FILE… [--format csv|json]');
  }
  if (files.length === 0) return fail('--merge needs the shard files (or - for standard input)', '  e.g. --merge shard-*.jsonl --format csv');
  return { ok: true, value: { files, format: format ?? 'csv' } };
}

function isHeader(x: unknown): x is ShardHeader {
  const h = x as ShardHeader;
  return typeof x === 'object' && x !== null && h.ringlab_sweep_shard === 1 && typeof h.sweep === 'string' && typeof h.engine === 'string' &&
    Number.isInteger(h.points) && h.points >= 0 && typeof h.knob === 'string' && Array.isArray(h.labels) && h.labels.every((l) => typeof l === 'string') &&
    Number.isInteger(h.shard) && Number.isInteger(h.shards);
}

function isPoint(x: unknown): x is ShardPoint {
  const p = x as ShardPoint;
  return typeof x === 'object' && x !== null && typeof p.sweep === 'string' && typeof p.engine === 'string' && Number.isInteger(p.index) &&
    typeof p.csv === 'string' && typeof p.summary === 'object' && p.summary !== null && 'value' in p;
}

const noWall = (s: Summary): string => JSON.stringify({ ...s, wall_ms: 0 });

/** Runs the merge; returns the exit code. */
export function runMerge(argv: readonly string[], io: MergeIo): number {
  const args = parseMergeArgs(argv);
  const report = (e: CliError): number => {
    for (const raw of e.lines) { const l = terminalSafe(raw); io.err(l.startsWith('  ') ? `${l}\n` : `ringlab: ${l}\n`); }
    return e.code;
  };
  if (!args.ok) return report(args.error);
  const read = io.read ?? ((f: string) => readFileSync(f === '-' ? 0 : f, 'utf8'));
  let first: (ShardHeader & { file: string }) | null = null;
  const shardCounts = new Set<number>();
  const points = new Map<number, ShardPoint & { file: string }>();
  const problems: string[] = [];
  for (const file of args.value.files) {
    let text: string;
    try {
      text = read(file);
    } catch (e) {
      return report({ code: EXIT_USAGE, lines: [`--merge: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`] });
    }
    const lines = text.split('\n');
    for (let n = 0; n < lines.length; n++) {
      const raw = lines[n]!.trim();
      // Blank lines, and the CLI's own notes when a log store mixed stderr in (kubectl logs).
      if (raw === '' || raw.startsWith('ringlab: note: ')) continue;
      const where = `${file}:${n + 1}`;
      let rec: unknown;
      try {
        rec = JSON.parse(raw);
      } catch {
        return report({ code: EXIT_USAGE, lines: [`--merge: ${where} is not a JSON line of a shard (cut off, or not --shard output?)`] });
      }
      const engine = (rec as { engine?: unknown }).engine, sweep = (rec as { sweep?: unknown }).sweep;
      if (!isHeader(rec) && !isPoint(rec)) return report({ code: EXIT_USAGE, lines: [`--merge: ${where} is not a line of --shard output`] });
      if (first === null) {
        if (!isHeader(rec)) return report({ code: EXIT_USAGE, lines: [`--merge: ${where}: a shard starts with its header line; this one does not (cut off?)`] });
        first = { ...rec, file };
      }
      if (engine !== first.engine) {
        return report({ code: EXIT_USAGE, lines: [`--merge: shards from different engine versions: ${first.file} was run by ${first.engine}, ${where} by ${String(engine)}`, '  re-run the shards of one of them with the same engine'] });
      }
      if (sweep !== first.sweep) {
        const what = isHeader(rec) ? ` (${rec.knob}, ${rec.points} points${rec.labels.some((l) => l) ? `, series ${rec.labels.join(' / ')}` : ''})` : '';
        return report({ code: EXIT_USAGE, lines: [`--merge: shards of different sweeps: ${first.file} is sweep ${first.sweep} (${first.knob}, ${first.points} points${first.labels.some((l) => l) ? `, series ${first.labels.join(' / ')}` : ''}), ${where} is sweep ${String(sweep)}${what}`, '  a sweep is its knob, range, series and base scenario; merge the shards of one sweep'] });
      }
      if (isHeader(rec)) {
        shardCounts.add(rec.shards);
        continue;
      }
      if (rec.index < 0 || rec.index >= first.points) return report({ code: EXIT_USAGE, lines: [`--merge: ${where}: point ${rec.index} is outside the sweep's ${first.points} points`] });
      const seen = points.get(rec.index);
      if (seen) {
        // The same point twice (a retried job, a shard given twice): fine if it is the same result.
        if (noWall(seen.summary) !== noWall(rec.summary) || seen.csv !== rec.csv) problems.push(`point ${rec.index} differs between ${seen.file} and ${where}`);
        continue;
      }
      points.set(rec.index, { ...rec, file });
    }
  }
  if (first === null) return report({ code: EXIT_USAGE, lines: ['--merge: the files hold no shard output'] });
  if (problems.length) return report({ code: EXIT_USAGE, lines: [`--merge: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`, '  a point is deterministic: the same sweep and engine give the same result'] });
  const missing: number[] = [];
  for (let k = 0; k < first.points; k++) if (!points.has(k)) missing.push(k);
  if (missing.length) {
    const counts = [...shardCounts];
    const shards = counts.length === 1 ? [...new Set(missing.map((k) => k % counts[0]!))].map((i) => `${i}/${counts[0]}`) : [];
    const list = (xs: (number | string)[]) => `${xs.slice(0, 20).join(', ')}${xs.length > 20 ? `, … (${xs.length} in all)` : ''}`;
    return report({
      code: EXIT_USAGE,
      lines: [`--merge: ${missing.length} of the sweep's ${first.points} points are missing: ${list(missing)}`, ...(shards.length ? [`  from shard${shards.length > 1 ? 's' : ''} ${list(shards)}: run ${shards.length > 1 ? 'them' : 'it'} and merge again`] : [])],
    });
  }
  const ordered = Array.from({ length: first.points }, (_, k) => points.get(k)!);
  const labelled = first.labels.some((l) => l !== '');
  if (args.value.format === 'json') {
    const results = ordered.map((p) => ({ ...(labelled ? { series: p.series } : {}), value: p.value, summary: p.summary }));
    io.out(`${JSON.stringify({ knob: first.knob, ...(labelled ? { series: first.labels } : {}), points: results }, null, 2)}\n`);
  } else if (ordered.length > 0) {
    io.out(csvRow([...(labelled ? ['series'] : []), ...sweepColumns(first.knob, ordered[0]!.summary)]));
    for (const p of ordered) io.out(`${p.csv}\n`);
  }
  return EXIT_OK;
}
