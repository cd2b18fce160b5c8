/**
 * `npm run -s bench -- --against REV`: this working tree's engine against another git revision's,
 * side by side on this machine.
 *
 * REV's `src/engine` is taken with `git archive` into a temporary folder (nothing in the checkout
 * changes), and each side is bundled by esbuild (the bundler tsx and Vite use) with the same
 * measuring code, bench/harness.ts, into one file per side. For each scenario both bundles run in
 * fresh Node processes, interleaved round by round (A B, then B A, …) so a busy machine slows both
 * alike, and the per-round ratios (this ÷ REV) of the median simulated packets per wall-second and
 * per CPU-second are reported, with their median over the rounds, plus each side's real-time
 * factor. Scenarios that exist on one side only are listed, not compared.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { median, type Row } from './harness';

export interface AgainstOptions {
  rev: string;
  rounds: number;
  repeats: number;
  warmup: number;
  duration_ms: number;
  /** Only these scenarios (all when empty). */
  only: string[];
  json: boolean;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function git(args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 << 20 });
  return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr.trim() };
}

/** Bundle an entry that runs bench/harness.ts's child mode on the engine at `engineDir`. */
function bundle(dir: string, name: string, engineDir: string): string {
  const entry = join(dir, `${name}-entry.ts`);
  writeFileSync(
    entry,
    `import * as E from ${JSON.stringify(join(engineDir, 'index.ts'))};\n` +
      `import { childMain } from ${JSON.stringify(join(ROOT, 'bench', 'harness.ts'))};\n` +
      'process.exitCode = childMain(E as never, process.argv.slice(2));\n',
  );
  const out = join(dir, `${name}.mjs`);
  buildSync({ entryPoints: [entry], outfile: out, bundle: true, platform: 'node', format: 'esm', target: 'node20', nodePaths: [join(ROOT, 'node_modules')], logLevel: 'error' });
  return out;
}

interface Side {
  label: string;
  file: string;
  engine: string;
  scenarios: string[];
}

function list(label: string, file: string): Side | string {
  const r = spawnSync(process.execPath, [file, '--list'], { encoding: 'utf8' });
  if (r.status !== 0) return `${label}: the bundled engine does not run (${r.status ?? r.signal}): ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`;
  const j = JSON.parse(r.stdout) as { engine: string; scenarios: string[] };
  return { label, file, engine: j.engine, scenarios: j.scenarios };
}

function child(side: Side, name: string, o: AgainstOptions): Row | string {
  const args = [side.file, '--only', name, '--repeats', String(o.repeats), '--warmup', String(o.warmup), '--duration-ms', String(o.duration_ms), '--budget-s', '3600'];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 << 20 });
  if (r.status !== 0) return `${side.label} ${name}: child failed (${r.status ?? r.signal}): ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`;
  return JSON.parse(r.stdout) as Row;
}

export interface AgainstRow {
  scenario: string;
  rev_packets_per_s: number;
  this_packets_per_s: number;
  /** Median over rounds of (this ÷ REV) median packets per wall-second. */
  ratio_wall: number;
  ratio_wall_min: number;
  ratio_wall_max: number;
  /** The same on CPU-seconds. */
  ratio_cpu: number;
  rev_realtime_factor: number;
  this_realtime_factor: number;
  deterministic: boolean;
}

const geomean = (xs: number[]): number => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);

export function againstMain(o: AgainstOptions, write: (s: string) => void): number {
  const sha = git(['rev-parse', '--verify', '--quiet', `${o.rev}^{commit}`]);
  if (!sha.ok || !/^[0-9a-f]{40}$/.test(sha.out)) {
    process.stderr.write(`bench: --against ${o.rev}: not a git revision here\n`);
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'ringlab-against-'));
  try {
    const revDir = join(dir, 'rev');
    const tar = spawnSync('sh', ['-c', `mkdir -p '${revDir}' && git archive ${sha.out} src/engine | tar -x -C '${revDir}'`], { cwd: ROOT, encoding: 'utf8' });
    if (tar.status !== 0) {
      process.stderr.write(`bench: cannot take src/engine of ${o.rev}: ${tar.stderr.trim()}\n`);
      return 2;
    }
    const short = sha.out.slice(0, 9);
    const a = list(`${o.rev} (${short})`, bundle(dir, 'rev', join(revDir, 'src', 'engine')));
    const b = list('this tree', bundle(dir, 'this', join(ROOT, 'src', 'engine')));
    for (const s of [a, b]) {
      if (typeof s === 'string') {
        process.stderr.write(`bench: ${s}\n`);
        return 1;
      }
    }
    const A = a as Side, B = b as Side;
    const common = B.scenarios.filter((n) => A.scenarios.includes(n) && (o.only.length === 0 || o.only.includes(n)));
    const onlyA = A.scenarios.filter((n) => !B.scenarios.includes(n));
    const onlyB = B.scenarios.filter((n) => !A.scenarios.includes(n));
    if (!o.json) {
      write(`ringlab bench --against ${o.rev}: REV = ${A.label} ${A.engine}, THIS = the working tree ${B.engine}\n`);
      write(`${o.rounds} interleaved rounds per scenario (A B, B A, …), each a fresh process: ${o.warmup} warm-up + ${o.repeats} timed runs of ${o.duration_ms} ms simulated; ratio = THIS ÷ REV of the round's median\n\n`);
    }
    const rows: AgainstRow[] = [];
    const head = ['scenario', 'REV M pkt/s', 'THIS M pkt/s', 'ratio wall', 'min–max', 'ratio CPU', 'REV real-time ×', 'THIS real-time ×'];
    const widths = [26, 11, 12, 10, 11, 9, 15, 16];
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    if (!o.json) write(`${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
    for (const name of common) {
      const ra: Row[] = [], rb: Row[] = [];
      for (let r = 0; r < o.rounds; r++) {
        const order: [Side, Row[]][] = r % 2 === 0 ? [[A, ra], [B, rb]] : [[B, rb], [A, ra]];
        for (const [side, into] of order) {
          const row = child(side, name, o);
          if (typeof row === 'string') {
            process.stderr.write(`bench: ${row}\n`);
            return 1;
          }
          into.push(row);
        }
      }
      const wall = ra.map((x, i) => rb[i]!.packets_per_s_median / x.packets_per_s_median);
      const cpu = ra.map((x, i) => rb[i]!.packets_per_cpu_s_median / x.packets_per_cpu_s_median);
      const row: AgainstRow = {
        scenario: name,
        rev_packets_per_s: median(ra.map((x) => x.packets_per_s_median)),
        this_packets_per_s: median(rb.map((x) => x.packets_per_s_median)),
        ratio_wall: median(wall),
        ratio_wall_min: Math.min(...wall),
        ratio_wall_max: Math.max(...wall),
        ratio_cpu: median(cpu),
        rev_realtime_factor: median(ra.map((x) => x.realtime_factor_median)),
        this_realtime_factor: median(rb.map((x) => x.realtime_factor_median)),
        deterministic: [...ra, ...rb].every((x) => x.deterministic),
      };
      rows.push(row);
      if (!o.json) {
        write(`${line([
          name + (row.deterministic ? '' : ' (NOT DETERMINISTIC)'),
          (row.rev_packets_per_s / 1e6).toFixed(2),
          (row.this_packets_per_s / 1e6).toFixed(2),
          `${row.ratio_wall.toFixed(2)}×`,
          `${row.ratio_wall_min.toFixed(2)}–${row.ratio_wall_max.toFixed(2)}`,
          `${row.ratio_cpu.toFixed(2)}×`,
          row.rev_realtime_factor.toPrecision(3),
          row.this_realtime_factor.toPrecision(3),
        ])}\n`);
      }
    }
    const overall = rows.length ? { ratio_wall_geomean: geomean(rows.map((r) => r.ratio_wall)), ratio_cpu_geomean: geomean(rows.map((r) => r.ratio_cpu)) } : null;
    if (o.json) write(`${JSON.stringify({ rev: o.rev, rev_sha: sha.out, rev_engine: A.engine, this_engine: B.engine, options: o, scenarios: rows, overall, only_in_rev: onlyA, only_in_this: onlyB }, null, 2)}\n`);
    else {
      if (overall) write(`\ngeometric mean over ${rows.length} scenarios: ${overall.ratio_wall_geomean.toFixed(2)}× wall, ${overall.ratio_cpu_geomean.toFixed(2)}× CPU\n`);
      if (onlyA.length) write(`only in ${o.rev}: ${onlyA.join(', ')}\n`);
      if (onlyB.length) write(`only in this tree: ${onlyB.join(', ')}\n`);
    }
    return rows.every((r) => r.deterministic) ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
