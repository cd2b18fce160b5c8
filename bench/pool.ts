/**
 * `npm run -s bench -- --pool`: the Sweep tab's speed-up on 1, 2, … workers in headless Chromium.
 * Runs e2e/poolscale.spec.ts through Playwright (as `--ui` runs perf.spec.ts), reads the figures
 * it writes and prints them with, for each pool size that falls short of 0.8·N, the reasons the
 * figures show: workers computing slower per point (competing for the cores), workers idle
 * (dispatch, transfer, planning, the last round of points), or cold JIT in each new worker.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PoolRow {
  workers: number;
  cold_ms: number;
  warm_ms: number;
  planning_ms: number;
  warm_busy_per_point_ms: number;
  warm_busy_share: number;
  bytes_per_point: number;
  speedup_cold: number;
  speedup_warm: number;
}

export interface PoolFigures {
  points: number;
  sweep: string;
  hardware_concurrency: number;
  load_avg_1m: number;
  rows: PoolRow[];
}

export function poolFigures(): PoolFigures | string {
  const out = join(mkdtempSync(join(tmpdir(), 'ringlab-pool-')), 'pool.json');
  const r = spawnSync('npx', ['playwright', 'test', 'e2e/poolscale.spec.ts', '--reporter=line'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, CI: '1', E2E_PORT: process.env.E2E_PORT ?? '4192', RINGLAB_POOL_OUT: out },
    encoding: 'utf8',
    timeout: 900_000,
  });
  if (!existsSync(out)) return `e2e/poolscale.spec.ts wrote no figures (exit ${String(r.status)}): ${(r.stdout + r.stderr).trim().split('\n').slice(-5).join(' | ')}`;
  return JSON.parse(readFileSync(out, 'utf8')) as PoolFigures;
}

/** Why pool size r falls short of 0.8·N, from the measured figures ('' when it does not). */
export function shortfall(f: PoolFigures, r: PoolRow): string {
  const n = r.workers;
  if (n === 1 || r.speedup_warm >= 0.8 * n) return '';
  const one = f.rows[0]!;
  const why: string[] = [];
  const slower = r.warm_busy_per_point_ms / one.warm_busy_per_point_ms;
  if (n > f.hardware_concurrency) why.push(`${n} workers on ${f.hardware_concurrency} cores`);
  if (slower > 1.15) {
    why.push(`each point took ${slower.toFixed(2)}× its 1-worker compute time (${r.warm_busy_per_point_ms.toFixed(0)} vs ${one.warm_busy_per_point_ms.toFixed(0)} ms): the workers compete for ${f.hardware_concurrency} cores with the page and the machine's other work (load average ${f.load_avg_1m.toFixed(1)})`);
  }
  const idle = 1 - r.warm_busy_share;
  if (idle > 0.1) {
    const rounds = Math.ceil(f.points / n);
    const tail = rounds * n > f.points ? `, and ${f.points} points in ${rounds} rounds of ${n} leave ${rounds * n - f.points} worker slot${rounds * n - f.points === 1 ? '' : 's'} empty at the end` : '';
    why.push(`the workers sat idle ${(100 * idle).toFixed(0)}% of the sweep: dispatch and transfer between points (${(r.bytes_per_point / 1024).toFixed(0)} KB of summary each), planning ${r.planning_ms.toFixed(0)} ms${tail}`);
  }
  if (r.speedup_cold < 0.9 * r.speedup_warm) why.push(`cold: each new worker JIT-compiles the engine again (cold speed-up ${r.speedup_cold.toFixed(2)}× vs warm ${r.speedup_warm.toFixed(2)}×)`);
  return why.length ? why.join('; ') : 'no single cause stands out (noise at this load)';
}

export function poolText(f: PoolFigures): string {
  const head = `Sweep tab worker pool in headless Chromium (${f.points} runs of ${f.sweep} on the default scenario, 20 ms simulated each; ${f.hardware_concurrency} cores, load avg ${f.load_avg_1m.toFixed(1)}):`;
  const lines = f.rows.map((r) => {
    const verdict = shortfall(f, r);
    return `  ${String(r.workers).padStart(2)} worker${r.workers === 1 ? ' ' : 's'}: cold ${r.cold_ms.toFixed(0).padStart(5)} ms ${r.speedup_cold.toFixed(2)}×, warm ${r.warm_ms.toFixed(0).padStart(5)} ms ${r.speedup_warm.toFixed(2)}× (ideal ${r.workers}×, 0.8·N = ${(0.8 * r.workers).toFixed(1)}), ` +
      `compute ${r.warm_busy_per_point_ms.toFixed(1)} ms/point, workers busy ${(100 * r.warm_busy_share).toFixed(0)}%${verdict ? `\n      short of 0.8·N: ${verdict}` : ''}`;
  });
  return [head, ...lines].join('\n');
}
