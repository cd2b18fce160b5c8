/**
 * The bench's measuring loop, for any engine: the bench's own (bench/run.ts imports src/engine) and
 * another git revision's (`--against REV`, bench/against.ts bundles that revision's src/engine with
 * this file), so both sides of a comparison are timed by the same code.
 *
 * Only engine API that every revision has is used: PRESETS, presetScenario, defaultScenario and
 * runScenario, and of the summary packets_simulated, simulated_ms and wall_ms.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** What the harness needs of an engine (loosely typed: older revisions differ in detail). */
export interface EngineApi {
  ENGINE_ID?: string;
  PRESETS: readonly { name: string }[];
  presetScenario(p: never): unknown;
  defaultScenario(): unknown;
  runScenario(s: never): { summary: { packets_simulated: number; simulated_ms: number; wall_ms: number } };
}

export interface Row {
  scenario: string;
  packets_per_run: number;
  simulated_ms: number;
  runs: number;
  wall_ms_median: number;
  /** Simulated packets per wall-second, per run. */
  packets_per_s: number[];
  packets_per_s_median: number;
  packets_per_s_min: number;
  packets_per_s_max: number;
  /**
   * Simulated packets per CPU-second of this process (process.cpuUsage, user + system) over the
   * same runs: close to the wall figure on an idle core, and much steadier when other processes
   * compete for the CPUs (wall time then includes time the bench was not running).
   */
  packets_per_cpu_s_median: number;
  /** Real-time factor: simulated time ÷ wall time of a run (1 = as fast as the real link). */
  realtime_factor_median: number;
  frames_per_s_median: number;
  heap_before_mb: number;
  heap_after_mb: number;
  heap_retained_mb: number;
  deterministic: boolean;
}

export interface HarnessOptions {
  repeats: number;
  warmup: number;
  /** Simulated ms per run (0: each scenario's own). */
  duration_ms: number;
}

/** Frames every run records (FRAMES_PER_RUN in every revision so far). */
const FRAMES = 200;

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

type Scenario = { sim: { duration_ms: number } };

/** The default scenario and every preset, with sim.duration_ms set as the options say. */
export function scenariosOf(E: EngineApi, o: Pick<HarnessOptions, 'duration_ms'>): [string, Scenario][] {
  const fix = (s: Scenario): Scenario => (o.duration_ms > 0 ? { ...s, sim: { ...s.sim, duration_ms: o.duration_ms } } : s);
  return [['default', fix(E.defaultScenario() as Scenario)], ...E.PRESETS.map((p): [string, Scenario] => [p.name, fix(E.presetScenario(p as never) as Scenario)])];
}

const withoutWall = (s: object): string => JSON.stringify({ ...s, wall_ms: 0 });

/**
 * `warmup` untimed runs, then up to `repeats` timed ones sharing `budgetMs` (a scenario stops once
 * its share is spent and it has 3 runs, or sooner if a 3rd would take it past twice its share).
 */
export function benchScenario(E: EngineApi, name: string, scenario: Scenario, o: HarnessOptions, budgetMs: number, gc: () => void): Row {
  const run = (): { packets_simulated: number; simulated_ms: number; wall_ms: number } => E.runScenario(scenario as never).summary;
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  for (let i = 0; i < o.warmup; i++) run();
  const runs: ReturnType<typeof run>[] = [];
  const cpuMs: number[] = [];
  let spentMs = 0;
  for (let i = 0; i < o.repeats; i++) {
    const c0 = process.cpuUsage();
    const s = run();
    const c = process.cpuUsage(c0);
    cpuMs.push((c.user + c.system) / 1000);
    runs.push(s);
    spentMs += s.wall_ms;
    const perRun = spentMs / runs.length;
    if (spentMs >= budgetMs && (runs.length >= 3 || spentMs + perRun > 2 * budgetMs)) break;
  }
  const heapAfter = process.memoryUsage().heapUsed;
  gc();
  const heapRetained = process.memoryUsage().heapUsed;
  const pps = runs.map((s) => s.packets_simulated / (s.wall_ms / 1000));
  const ref = withoutWall(runs[0]!);
  return {
    scenario: name,
    packets_per_run: runs[0]!.packets_simulated,
    simulated_ms: runs[0]!.simulated_ms,
    runs: runs.length,
    wall_ms_median: median(runs.map((s) => s.wall_ms)),
    packets_per_s: pps,
    packets_per_s_median: median(pps),
    packets_per_s_min: Math.min(...pps),
    packets_per_s_max: Math.max(...pps),
    packets_per_cpu_s_median: median(runs.map((s, i) => s.packets_simulated / (cpuMs[i]! / 1000))),
    realtime_factor_median: median(runs.map((s) => s.simulated_ms / s.wall_ms)),
    frames_per_s_median: median(runs.map((s) => FRAMES / (s.wall_ms / 1000))),
    heap_before_mb: heapBefore / 2 ** 20,
    heap_after_mb: heapAfter / 2 ** 20,
    heap_retained_mb: heapRetained / 2 ** 20,
    deterministic: runs.every((s) => withoutWall(s) === ref),
  };
}

/** A real GC between scenarios, so heap figures are retained memory (works without --expose-gc). */
export function getGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Child mode of a bundled engine (bench/against.ts): `--only NAME --repeats N --warmup N
 * --duration-ms D --budget-s S` → one JSON row on stdout, or `--list` → the scenario names.
 */
export function childMain(E: EngineApi, argv: string[]): number {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const o: HarnessOptions = { repeats: Number(get('--repeats') ?? 5), warmup: Number(get('--warmup') ?? 2), duration_ms: Number(get('--duration-ms') ?? 20) };
  const scenarios = scenariosOf(E, o);
  if (argv.includes('--list')) {
    process.stdout.write(`${JSON.stringify({ engine: E.ENGINE_ID ?? 'unknown', scenarios: scenarios.map(([n]) => n) })}\n`);
    return 0;
  }
  const name = get('--only');
  const found = scenarios.find(([n]) => n === name);
  if (!found) {
    process.stderr.write(`bench child: unknown scenario ${name ?? '(none)'}\n`);
    return 2;
  }
  const gc = getGc();
  process.stdout.write(`${JSON.stringify(benchScenario(E, found[0], found[1], o, Number(get('--budget-s') ?? 30) * 1000, gc))}\n`);
  return 0;
}
