/**
 * `npm run bench -- --trace [--repeats N] [--duration-ms D] [--against REV] [--ui]`: what tracing
 * costs the engine (issue 15: nothing when off, at most 2× when on).
 *
 * Per preset, in a fresh Node process, timed runs of `runScenario`, interleaved (the order rotates
 * every repeat so drift and a busy machine hit every mode alike):
 * - `off`: sim.trace false, as every run without a trace;
 * - `off again`: the same scenario once more: the noise floor of the comparison;
 * - `on`: sim.trace with its default window (200 µs after the warm-up);
 * - `on, whole run`: the window over the whole run (until the buffer fills: the worst case);
 * - with `--against REV` (a git revision, or a checkout's folder), `other`: the same scenario on
 *   that engine (e.g. the commit before tracing existed), to show that off costs nothing against
 *   code without tracing.
 * Reported: the median simulated packets per wall-second of each mode and the ratios to `off`.
 * Every traced run must give `off`'s summary (wall time, scenario, link and trace aside).
 * With --ui, also the timeline's drawing figures in headless Chromium (e2e/timeline-perf.spec.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ENGINE_ID, findPreset, presetScenario, runScenario, setPath, type Scenario, type Summary } from '../src/engine';

const PRESETS = ['fwd-mlx5-cx4lx-e5v4', 'fwd-ixl-x710-ryzen', 'ixl-40g-kernel-tx', 'cxgbe-40g-kernel-tx', 'ixl-40g-netmap-tx', 'lro-many-flows-sorted'];
const MODES = ['off', 'off again', 'on', 'on, whole run', 'other'] as const;
type Mode = (typeof MODES)[number];

interface Opts {
  repeats: number;
  duration_ms: number;
  against: string | null;
  ui: boolean;
  only: string | null;
}

interface Row {
  preset: string;
  packets: number;
  pps: Partial<Record<Mode, number[]>>;
  events: { on: number; whole: number; whole_overflowed: number };
  same_results: boolean;
}

const USAGE = `usage: npm run bench -- --trace [--repeats N] [--duration-ms D] [--against REV] [--ui]
  --repeats N      timed runs of each mode per preset (default 5)
  --duration-ms D  simulated ms per run (default 20)
  --against REV    also run each preset on the engine of git revision REV (or of a checkout's folder)
  --ui             also print the timeline's drawing figures (e2e/timeline-perf.spec.ts, headless Chromium)`;

function parse(argv: string[]): Opts | string {
  const o: Opts = { repeats: 5, duration_ms: 20, against: null, ui: false, only: null };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split('=', 2) as [string, string | undefined];
    const val = () => inline ?? argv[++i];
    if (flag === '--repeats' || flag === '--duration-ms') {
      const n = Number(val());
      if (!(Number.isFinite(n) && n > 0 && (flag !== '--repeats' || Number.isInteger(n)))) return `${flag} needs a number above 0`;
      if (flag === '--repeats') o.repeats = n;
      else o.duration_ms = n;
    } else if (flag === '--against') {
      const d = val();
      if (!d) return '--against needs a git revision or a checkout';
      const dir = againstDir(d);
      if (typeof dir !== 'string' || !existsSync(join(dir, 'src/engine/index.ts'))) return `--against ${d}: ${typeof dir === 'string' ? 'no src/engine/index.ts there' : dir.error}`;
      o.against = dir;
    } else if (flag === '--ui') o.ui = true;
    else if (flag === '--only') o.only = val() ?? null;
    else if (flag === '--help' || flag === '-h') return '';
    else return `unknown option ${flag}`;
  }
  return o;
}

/**
 * The engine to compare with: a checkout (DIR/src/engine), or a git revision, whose src/ is
 * extracted with git archive into .scratch/ (under the project, so its imports find node_modules).
 */
function againstDir(arg: string): string | { error: string } {
  if (existsSync(join(arg, 'src/engine/index.ts'))) return resolve(arg);
  const root = fileURLToPath(new URL('..', import.meta.url));
  const rev = spawnSync('git', ['rev-parse', '--verify', `${arg}^{commit}`], { cwd: root, encoding: 'utf8' });
  if (rev.status !== 0) return { error: 'neither a checkout with src/engine nor a git revision' };
  const sha = rev.stdout.trim();
  const dir = join(root, '.scratch', `trace-against-${sha.slice(0, 12)}`);
  if (!existsSync(join(dir, 'src/engine/index.ts'))) {
    mkdirSync(dir, { recursive: true });
    const tar = spawnSync('sh', ['-c', `git archive ${sha} src | tar -x -C "${dir}"`], { cwd: root, encoding: 'utf8' });
    if (tar.status !== 0) return { error: `git archive failed: ${tar.stderr.trim()}` };
  }
  return dir;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

function results(s: Summary): string {
  const { wall_ms: _w, scenario: _s, link: _l, trace: _t, ...rest } = s;
  return JSON.stringify(rest);
}

type Runner = (s: Scenario) => { summary: Summary };

async function child(o: Opts): Promise<Row> {
  const base = setPath(presetScenario(findPreset(o.only!)!), 'sim.duration_ms', o.duration_ms);
  const traced = setPath(base, 'sim.trace', true);
  const whole = setPath(setPath(traced, 'sim.trace_from_us', 0.001), 'sim.trace_us', Math.min(100000, o.duration_ms * 1000));
  let other: Runner | null = null;
  if (o.against) {
    const m = (await import(pathToFileURL(join(o.against, 'src/engine/index.ts')).href)) as { runScenario: Runner; presetScenario: typeof presetScenario; findPreset: typeof findPreset; setPath: typeof setPath };
    const s = m.setPath(m.presetScenario(m.findPreset(o.only!)!), 'sim.duration_ms', o.duration_ms);
    other = () => m.runScenario(s);
  }
  const modes: [Mode, () => Summary][] = [
    ['off', () => runScenario(base).summary],
    ['off again', () => runScenario(base).summary],
    ['on', () => runScenario(traced).summary],
    ['on, whole run', () => runScenario(whole).summary],
    ...(other ? [['other', () => other!(base).summary] as [Mode, () => Summary]] : []),
  ];
  const row: Row = { preset: o.only!, packets: 0, pps: {}, events: { on: 0, whole: 0, whole_overflowed: 0 }, same_results: true };
  for (const [, f] of modes) f(); // warm-up, every mode
  const ref = results(runScenario(base).summary);
  for (let r = 0; r < o.repeats; r++) {
    for (let k = 0; k < modes.length; k++) {
      const [mode, f] = modes[(k + r) % modes.length]!;
      const s = f();
      row.packets = s.packets_simulated;
      (row.pps[mode] ??= []).push(s.packets_simulated / (s.wall_ms / 1000));
      if (mode !== 'other' && results(s) !== ref) row.same_results = false;
      if (mode === 'on') row.events.on = s.trace!.events;
      if (mode === 'on, whole run') row.events = { ...row.events, whole: s.trace!.events, whole_overflowed: s.trace!.overflowed };
    }
  }
  return row;
}

interface UiFigures {
  events: number;
  rows: number;
  draw_full_ms: number;
  draw_zoomed_ms: number;
  pan_fps: number;
  pan_draw_p50_ms: number;
  pan_draw_max_ms: number;
  zoom_fps: number;
}

function uiFigures(): UiFigures | string {
  const out = join(mkdtempSync(join(tmpdir(), 'ringlab-tl-')), 'timeline.json');
  const r = spawnSync('npx', ['playwright', 'test', 'e2e/timeline-perf.spec.ts', '--reporter=line'], {
    cwd: fileURLToPath(new URL('..', import.meta.url)),
    env: { ...process.env, CI: '1', E2E_PORT: process.env.E2E_PORT ?? '4192', RINGLAB_TIMELINE_PERF_OUT: out },
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (!existsSync(out)) return `e2e/timeline-perf.spec.ts wrote no figures (exit ${String(r.status)}): ${(r.stdout + r.stderr).trim().split('\n').slice(-5).join(' | ')}`;
  return JSON.parse(readFileSync(out, 'utf8')) as UiFigures;
}

export async function benchTrace(argv: string[]): Promise<number> {
  const o = parse(argv);
  if (typeof o === 'string') {
    if (o) process.stderr.write(`bench --trace: ${o}\n`);
    process.stderr.write(`${USAGE}\n`);
    return o ? 2 : 0;
  }
  if (o.only) {
    process.stdout.write(`${JSON.stringify(await child(o))}\n`);
    return 0;
  }
  process.stdout.write(`ringlab bench --trace — ${ENGINE_ID}, node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? '?'}, load avg ${loadavg()[0]!.toFixed(2)}\n`);
  process.stdout.write(`${o.repeats} timed runs per mode per preset, interleaved, ${o.duration_ms} ms simulated, a fresh process per preset${o.against ? `; other = the engine of ${o.against}` : ''}\n`);
  process.stdout.write('M pkt/s = median simulated packets per wall-second; × = ratio to off\n\n');
  const rows: Row[] = [];
  for (const p of PRESETS) {
    const args = [...process.execArgv, fileURLToPath(new URL('./run.ts', import.meta.url)), '--trace', '--only', p, '--repeats', String(o.repeats), '--duration-ms', String(o.duration_ms), ...(o.against ? ['--against', o.against] : [])];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 << 20 });
    if (r.status !== 0) {
      process.stderr.write(`bench --trace: ${p}: child failed (${String(r.status ?? r.signal)}): ${r.stderr.trim().split('\n').slice(-3).join(' / ')}\n`);
      return 1;
    }
    rows.push(JSON.parse(r.stdout) as Row);
  }
  const modes = MODES.filter((m) => rows.some((r) => r.pps[m]));
  const head = ['preset', 'packets/run', ...modes.map((m) => `${m} M pkt/s`), ...modes.filter((m) => m !== 'off').map((m) => `${m} ×`), 'events on / whole (overflowed)', 'same results'];
  const body = rows.map((r) => {
    const off = median(r.pps.off!);
    return [
      r.preset,
      r.packets.toLocaleString('en-US'),
      ...modes.map((m) => (median(r.pps[m]!) / 1e6).toFixed(2)),
      ...modes.filter((m) => m !== 'off').map((m) => (median(r.pps[m]!) / off).toFixed(3)),
      `${r.events.on} / ${r.events.whole} (${r.events.whole_overflowed})`,
      r.same_results ? 'yes' : 'NO',
    ];
  });
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => (i === 0 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join('  ');
  process.stdout.write(`${[line(head), w.map((n) => '-'.repeat(n)).join('  '), ...body.map(line)].join('\n')}\n\n`);
  const worst = (m: Mode) => Math.min(...rows.map((r) => median(r.pps[m]!) / median(r.pps.off!)));
  process.stdout.write(`tracing off vs off again (noise floor): worst ×${worst('off again').toFixed(3)}; on (default window): worst ×${worst('on').toFixed(3)}; on over the whole run: worst ×${worst('on, whole run').toFixed(3)}${modes.includes('other') ? `; off vs the other engine: worst ×${(1 / Math.max(...rows.map((r) => median(r.pps.other!) / median(r.pps.off!)))).toFixed(3)}` : ''}\n`);
  process.stdout.write(`issue 15 target: tracing on costs at most 2× (on ≥ ×0.5 of off): ${worst('on, whole run') >= 0.5 ? 'met' : 'NOT met'}, also over the whole run\n`);
  const same = rows.every((r) => r.same_results);
  if (!same) process.stdout.write('ERROR: a traced run gave other results than the untraced one\n');
  if (o.ui) {
    const ui = uiFigures();
    if (typeof ui === 'string') process.stdout.write(`\ntimeline figures: FAILED: ${ui}\n`);
    else {
      process.stdout.write(
        `\ntimeline (${ui.events} events, ${ui.rows} CPUs, headless Chromium): drawing the whole trace ${ui.draw_full_ms.toFixed(1)} ms, ` +
          `a zoomed view ${ui.draw_zoomed_ms.toFixed(1)} ms; panning by drag ${ui.pan_fps.toFixed(1)} fps (draw p50 ${ui.pan_draw_p50_ms.toFixed(1)} ms, max ${ui.pan_draw_max_ms.toFixed(1)} ms), ` +
          `zooming by wheel ${ui.zoom_fps.toFixed(1)} fps\n`,
      );
    }
  }
  return same ? 0 : 1;
}
