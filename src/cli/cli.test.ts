/**
 * End-to-end: spawn the real CLI (node + tsx, as `npm run sim` does) and check what users see.
 * Spawns run concurrently and are kept few (each costs ~0.5 s of tsx start-up); formats,
 * listings, precedence and sweeps are covered in-process by args.test.ts and run.test.ts.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SHORT = ['--set', 'sim.duration_ms=5'];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function sim(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

type Json = Record<string, unknown>;

async function runJson(...args: string[]): Promise<Json> {
  const r = await sim(...args, '--format', 'json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as Json;
}

const withoutWall = (s: Json): Json => ({ ...s, wall_ms: null });

// One run shared by the field, determinism and link checks.
const SEEDED = ['--set', 'traffic.load=0.9', '--set', 'sim.seed=7', '--set', 'traffic.arrival=bursty', ...SHORT];
let first: Promise<Json> | undefined;
const firstRun = () => (first ??= runJson(...SEEDED));

describe.concurrent('ringlab sim CLI (spawned)', () => {
  it('prints one JSON summary with the required fields', async () => {
    const s = await firstRun();
    for (const f of ['engine', 'scenario', 'link', 'simulated_ms', 'wall_ms', 'packets_simulated', 'offered_pps', 'tx_pps', 'drops', 'latency_us', 'queues']) {
      expect(s, f).toHaveProperty(f);
    }
    expect(s.engine).toMatch(/^ringlab-engine@/);
    expect(s.scenario).toMatchObject({ traffic: { load: 0.9, arrival: 'bursty' }, sim: { seed: 7, duration_ms: 5 } });
    expect(s.simulated_ms).toBe(5);
    expect(s.packets_simulated).toBeGreaterThan(0);
    expect(s.link).toMatch(/^#v\d+\./);
  });

  it('gives deep-equal summaries for the same seed, except wall_ms', async () => {
    const [a, b] = await Promise.all([firstRun(), runJson(...SEEDED)]);
    expect(withoutWall(b)).toEqual(withoutWall(a));
  });

  it('reproduces a run from its share link', async () => {
    const a = await firstRun();
    const b = await runJson('--link', a.link as string);
    expect(withoutWall(b)).toEqual(withoutWall(a));
  });

  it('exits 2 for a bad knob value, naming the knob and its range', async () => {
    const r = await sim('--set', 'traffic.load=2', ...SHORT);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('traffic.load must be at most 1.5 (allowed 0–1.5)');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('exits 2 for an unknown flag', async () => {
    const r = await sim('--frobnicate');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option --frobnicate/);
  });

  it('exits non-zero for a bad link, with the message and details', async () => {
    const r = await sim('--link', '#v1.thisisnotlzstring');
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--link: This link is damaged/);
    expect(r.stderr).toMatch(/\n {2}\S/); // a detail line
  });
});
