/**
 * The bench's regression gate (`npm run -s bench -- --check`): each scenario's median simulated
 * packets per wall-second against a stored baseline (bench/baseline.json), as a ratio. A scenario
 * fails when that ratio is below the threshold (default 0.5×: generous, the bench machine is
 * shared) and so is its ratio on CPU-seconds: a real slowdown lowers both, while a busy machine
 * lowers mostly the wall figure (time the bench was not even running), as seen here at load 10
 * (bursty-small-ring: 0.36× wall, 0.79× CPU).
 * Pure functions, so the logic is unit-tested without timing anything (gate.test.ts).
 */

/** What the baseline file keeps per scenario. */
export interface BaselineRow {
  packets_per_s_median: number;
  packets_per_cpu_s_median: number;
}

export interface Baseline {
  /** When and where it was measured (for people; not compared). */
  recorded: string;
  machine: Record<string, unknown>;
  /** Options that change what is measured: a check must use the same. */
  options: { duration_ms: number; shared: boolean; warmup: number };
  scenarios: Record<string, BaselineRow>;
}

export interface MeasuredRow extends BaselineRow {
  scenario: string;
}

export interface GateRow {
  scenario: string;
  baseline_packets_per_s: number | null;
  packets_per_s: number;
  /** packets_per_s / baseline (null: no baseline for this scenario). */
  ratio: number | null;
  /** The same on CPU-seconds: steadier on a busy machine. */
  cpu_ratio: number | null;
  pass: boolean;
}

export interface GateResult {
  min_ratio: number;
  rows: GateRow[];
  /** Scenarios in the baseline that this run did not measure. */
  missing: string[];
  failed: string[];
  pass: boolean;
}

export const DEFAULT_MIN_RATIO = 0.5;

export function makeBaseline(rows: readonly MeasuredRow[], options: Baseline['options'], machine: Record<string, unknown>, recorded: string): Baseline {
  return {
    recorded,
    machine,
    options,
    scenarios: Object.fromEntries(
      rows.map((r) => [r.scenario, { packets_per_s_median: r.packets_per_s_median, packets_per_cpu_s_median: r.packets_per_cpu_s_median }]),
    ),
  };
}

/** Reasons the baseline cannot be compared with a run made with `options` (empty: comparable). */
export function incomparable(baseline: Baseline, options: Baseline['options']): string[] {
  const why: string[] = [];
  if (baseline.options.duration_ms !== options.duration_ms) {
    why.push(`the baseline was measured with --duration-ms ${baseline.options.duration_ms}, this run with ${options.duration_ms}`);
  }
  if (baseline.options.warmup !== options.warmup) {
    why.push(`the baseline was measured with --warmup ${baseline.options.warmup}, this run with ${options.warmup} (cold runs are several times slower)`);
  }
  if (baseline.options.shared !== options.shared) {
    why.push(`the baseline was measured ${baseline.options.shared ? 'with' : 'without'} --shared, this run ${options.shared ? 'with' : 'without'}`);
  }
  return why;
}

export function checkAgainstBaseline(rows: readonly MeasuredRow[], baseline: Baseline, minRatio: number = DEFAULT_MIN_RATIO): GateResult {
  const out: GateRow[] = rows.map((r) => {
    const b = Object.prototype.hasOwnProperty.call(baseline.scenarios, r.scenario) ? baseline.scenarios[r.scenario] : undefined;
    const ratio = b && b.packets_per_s_median > 0 ? r.packets_per_s_median / b.packets_per_s_median : null;
    const cpu = b && b.packets_per_cpu_s_median > 0 ? r.packets_per_cpu_s_median / b.packets_per_cpu_s_median : null;
    return {
      scenario: r.scenario,
      baseline_packets_per_s: b?.packets_per_s_median ?? null,
      packets_per_s: r.packets_per_s_median,
      ratio,
      cpu_ratio: cpu,
      // A scenario without a baseline (a new preset) cannot regress; NaN (no measurement) fails.
      pass: ratio === null ? Number.isFinite(r.packets_per_s_median) : ratio >= minRatio || (cpu !== null && cpu >= minRatio),
    };
  });
  const measured = new Set(rows.map((r) => r.scenario));
  const missing = Object.keys(baseline.scenarios).filter((s) => !measured.has(s));
  const failed = out.filter((r) => !r.pass).map((r) => r.scenario);
  return { min_ratio: minRatio, rows: out, missing, failed, pass: failed.length === 0 };
}

export function gateText(g: GateResult): string {
  const head = ['scenario', 'baseline M pkt/s', 'now M pkt/s', 'ratio', 'CPU ratio', ''];
  const body = g.rows.map((r) => [
    r.scenario,
    r.baseline_packets_per_s === null ? '—' : (r.baseline_packets_per_s / 1e6).toFixed(2),
    (r.packets_per_s / 1e6).toFixed(2),
    r.ratio === null ? 'new' : `${r.ratio.toFixed(2)}×`,
    r.cpu_ratio === null ? '—' : `${r.cpu_ratio.toFixed(2)}×`,
    r.pass ? (r.ratio !== null && r.ratio < g.min_ratio ? 'wall below, CPU ok (busy machine)' : '') : `BELOW ${g.min_ratio}×`,
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ').trimEnd();
  const lines = [line(head), w.map((n) => '-'.repeat(n)).join('  ').trimEnd(), ...body.map(line)];
  if (g.missing.length) lines.push(`not measured this time (in the baseline): ${g.missing.join(', ')}`);
  lines.push(
    g.pass
      ? `gate: passed, every scenario at or above ${g.min_ratio}× its baseline (lowest ${lowest(g)})`
      : `gate: FAILED, ${g.failed.length} scenario(s) below ${g.min_ratio}× their baseline: ${g.failed.join(', ')}`,
  );
  return lines.join('\n');
}

function lowest(g: GateResult): string {
  const rated = g.rows.filter((r) => r.ratio !== null);
  if (!rated.length) return 'none compared';
  const m = rated.reduce((a, b) => (b.ratio! < a.ratio! ? b : a));
  return `${m.scenario} ${m.ratio!.toFixed(2)}×`;
}
