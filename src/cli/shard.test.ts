/** --shard and --merge: merged shards are the unsharded sweep, bit for bit, in any order. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENGINE_ID } from '../engine';
import { Prng } from '../engine/prng';
import { runCli } from './run';
import { parseShardSpec, runMerge, type ShardHeader, type ShardPoint } from './shard';

function cli(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** Merge in-memory shard files (name → text). */
function merge(files: Record<string, string>, order: string[], extra: string[] = []): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runMerge(['--merge', ...order, ...extra], {
    out: (t) => (out += t),
    err: (t) => (err += t),
    read: (f) => {
      if (!(f in files)) throw new Error('ENOENT: no such file');
      return files[f]!;
    },
  });
  return { code, out, err };
}

const RING = ['--set', 'traffic.workload=ring', '--set', 'traffic.arrival=poisson', '--set', 'sim.duration_ms=0.5'];
const SWEEP = ['--sweep', 'traffic.load=0.2..1.4:7', ...RING];

function shards(sweep: string[], n: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const r = cli([...sweep, '--shard', `${i}/${n}`]);
    expect(r.code, r.err).toBe(0);
    files[`s${i}`] = r.out;
  }
  return files;
}

const noWall = (json: string): unknown => JSON.parse(json.replace(/"wall_ms": [^,\n]+/g, '"wall_ms": 0'));

/** Every ordering of a few names, and some shuffles for more. */
function orders(names: string[]): string[][] {
  if (names.length <= 3) {
    const out: string[][] = [];
    const perm = (rest: string[], acc: string[]) => (rest.length ? rest.forEach((x, i) => perm([...rest.slice(0, i), ...rest.slice(i + 1)], [...acc, x])) : out.push(acc));
    perm(names, []);
    return out;
  }
  const shuffled = [...names];
  const r = new Prng(names.length);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = r.below(i + 1);
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return [names, [...names].reverse(), shuffled];
}

describe('--shard i/N', () => {
  it('parses i/N with 0 ≤ i < N and refuses the rest with a hint', () => {
    expect(parseShardSpec('3/8')).toEqual({ ok: true, value: { index: 3, count: 8 } });
    expect(parseShardSpec(' 0 / 1 ')).toEqual({ ok: true, value: { index: 0, count: 1 } });
    for (const bad of ['8/8', '1/0', '-1/4', '1.5/4', 'a/b', '3', '', '1/200000']) {
      const r = parseShardSpec(bad);
      expect(r.ok, bad).toBe(false);
    }
    expect(cli([...SWEEP, '--shard', '4/4']).err).toContain('i must be from 0 to 3');
  });

  it('runs every N-th point of the plan (k mod N = i) and prints a header and one JSON line per point', () => {
    const lines = cli([...SWEEP, '--shard', '1/3']).out.trim().split('\n').map((l) => JSON.parse(l) as ShardHeader | ShardPoint);
    const header = lines[0] as ShardHeader;
    expect(header).toMatchObject({ ringlab_sweep_shard: 1, engine: ENGINE_ID, shard: 1, shards: 3, points: 7, knob: 'traffic.load', labels: [''] });
    const points = lines.slice(1) as ShardPoint[];
    expect(points.map((p) => p.index)).toEqual([1, 4]);
    expect(points.map((p) => p.value)).toEqual([0.4, 1]);
    for (const p of points) {
      expect(p.sweep).toBe(header.sweep);
      expect(p.link).toBe(p.summary.link);
      expect(p.scenario).toEqual(p.summary.scenario);
      expect(p.scenario.traffic.load).toBe(p.value);
    }
  });

  it('needs a sweep, and prints only JSON lines', () => {
    expect(cli([...RING, '--shard', '0/2']).err).toContain('--shard cuts a sweep');
    const r = cli([...SWEEP, '--shard', '0/2', '--format', 'csv']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--shard prints JSON lines');
    expect(cli([...SWEEP, '--shard', '0/2', '--format', 'json']).code).toBe(0);
  });
});

describe('--merge', () => {
  const full = cli([...SWEEP, '--format', 'csv']);
  const fullJson = cli([...SWEEP, '--format', 'json']);

  it.each([1, 2, 3, 5, 9])('joins %i shard(s) into the unsharded CSV byte for byte and its JSON apart from wall_ms, in any order', (n) => {
    const files = shards(SWEEP, n);
    for (const order of orders(Object.keys(files))) {
      const csv = merge(files, order);
      expect(csv.code, csv.err).toBe(0);
      expect(csv.out).toBe(full.out);
      const json = merge(files, order, ['--format', 'json']);
      expect(json.code, json.err).toBe(0);
      expect(noWall(json.out)).toEqual(noWall(fullJson.out));
    }
  });

  it('does the same for a built-in sweep with series, and a shard of all lines concatenated', () => {
    const sweep = ['--builtin-sweep', 'lro-flows', '--sweep', 'traffic.flows=1..100:log:3', '--set', 'sim.duration_ms=0.3'];
    const whole = cli([...sweep, '--format', 'csv']);
    expect(whole.code, whole.err).toBe(0);
    expect(whole.out.split('\n')[0]).toMatch(/^series,traffic\.flows,/);
    const files = shards(sweep, 4);
    expect(merge(files, ['s3', 's1', 's0', 's2']).out).toBe(whole.out);
    const cat = { all: Object.values(files).reverse().join('') };
    expect(merge(cat, ['all']).out).toBe(whole.out);
    // A log store that mixes in stderr: the CLI's notes are skipped, anything else is refused.
    const mixed = { all: Object.values(files).map((t) => `ringlab: note: --sweep traffic.flows also sets x\n${t}`).join('') };
    expect(merge(mixed, ['all']).out).toBe(whole.out);
    expect(merge({ all: `${files.s0!}ringlab: error\n` }, ['all']).code).toBe(2);
    expect(noWall(merge(files, ['s2', 's0', 's3', 's1'], ['--format', 'json']).out)).toEqual(noWall(cli([...sweep, '--format', 'json']).out));
  });

  it('reads real files through runCli, and names a file it cannot read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringlab-shards-'));
    const files = shards(SWEEP, 2);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, `${name}.jsonl`), text);
    const r = cli(['--merge', join(dir, 's1.jsonl'), join(dir, 's0.jsonl')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(full.out);
    const missing = cli(['--merge', join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read');
  });

  it('exits 2 naming the missing points and the shards to run', () => {
    const files = shards(SWEEP, 3);
    const r = merge(files, ['s0', 's2']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toContain("2 of the sweep's 7 points are missing: 1, 4");
    expect(r.err).toContain('from shard 1/3');
  });

  it('refuses shards of different sweeps: another range, another base scenario', () => {
    const a = shards(SWEEP, 2);
    const otherRange = shards(['--sweep', 'traffic.load=0.2..1.4:8', ...RING], 2);
    const otherBase = shards([...SWEEP, '--set', 'sim.seed=2'], 2);
    for (const other of [otherRange, otherBase]) {
      const r = merge({ a0: a.s0!, b1: other.s1! }, ['a0', 'b1']);
      expect(r.code).toBe(2);
      expect(r.err).toContain('shards of different sweeps');
      expect(r.out).toBe('');
    }
  });

  it('refuses shards of different engine versions', () => {
    const files = shards(SWEEP, 2);
    const older = files.s1!.replaceAll(`"engine":"${ENGINE_ID}"`, '"engine":"ringlab-engine@0.0.1"');
    const r = merge({ s0: files.s0!, s1: older }, ['s0', 's1']);
    expect(r.code).toBe(2);
    expect(r.err).toContain('different engine versions');
    expect(r.err).toContain('ringlab-engine@0.0.1');
  });

  it('accepts a point twice when it is the same result, refuses it when it differs', () => {
    const files = shards(SWEEP, 2);
    expect(merge({ ...files, again: files.s0! }, ['s0', 'again', 's1']).out).toBe(full.out);
    const lines = files.s0!.trim().split('\n');
    const p = JSON.parse(lines[1]!) as ShardPoint;
    const forged = [lines[0], JSON.stringify({ ...p, summary: { ...p.summary, delivered_pps: p.summary.delivered_pps + 1 } })].join('\n');
    const r = merge({ ...files, forged }, ['s0', 's1', 'forged']);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`point ${p.index} differs`);
  });

  it('refuses what is not shard output, with the file and line', () => {
    const files = shards(SWEEP, 2);
    const cases: [Record<string, string>, string[], string][] = [
      [{ x: 'hello' }, ['x'], 'x:1 is not a JSON line of a shard'],
      [{ x: '{"a":1}' }, ['x'], 'x:1 is not a line of --shard output'],
      [{ x: files.s0!.split('\n').slice(1).join('\n') }, ['x'], 'starts with its header line'],
      [{ s0: files.s0!, x: `${files.s1!.slice(0, 200)}\n` }, ['s0', 'x'], 'x:2 is not a JSON line'],
      [{ x: '' }, ['x'], 'hold no shard output'],
    ];
    for (const [f, order, message] of cases) {
      const r = merge(f, order);
      expect(r.code).toBe(2);
      expect(r.err).toContain(message);
    }
    expect(merge({}, []).err).toContain('--merge needs the shard files');
    expect(merge(files, ['s0'], ['--format', 'text']).err).toContain('csv or json');
    expect(merge(files, ['s0'], ['--set', 'x=1']).err).toContain('--merge takes only shard files');
  });
});
