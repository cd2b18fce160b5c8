/**
 * `--trace FILE [--trace-window A..B]`: run the scenario with sim.trace on (the window from
 * --trace-window, else the scenario's own, by default 200 µs after the warm-up) and write the
 * trace to FILE as Chrome Trace Event Format JSON, which Perfetto UI and chrome://tracing open.
 * The summary is printed as without --trace (its `trace` field says what the file holds) and a
 * note on stderr says where the trace went. No I/O here but through `io`; run.ts runs the scenario.
 */
import { KNOB_BY_PATH, chromeTraceJson, parseScenario, setPath, type NumberKnob, type Scenario, type Summary, type TraceRecorder } from '../engine';
import { EXIT_USAGE, type CliError, type CliOptions, type Result } from './args';

export interface TraceIo {
  out(text: string): void;
  err(text: string): void;
  /** Write a whole file (main.ts: fs.writeFileSync); absent, --trace cannot be used. */
  writeFile?(path: string, text: string): void;
}

const fail = (...lines: string[]): { ok: false; error: CliError } => ({ ok: false, error: { code: EXIT_USAGE, lines } });

const UNITS: Record<string, number> = { ns: 1e-3, us: 1, 'µs': 1, ms: 1e3, s: 1e6 };

/** "1ms" → 1000 (µs); a bare 0 is allowed; anything else needs a unit. */
function parseTime(text: string): number | null {
  const m = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(ns|us|µs|ms|s)?\s*$/i.exec(text);
  if (!m) return null;
  const v = Number(m[1]);
  if (!Number.isFinite(v)) return null;
  if (!m[2]) return v === 0 ? 0 : null;
  return v * UNITS[m[2].toLowerCase() === 'µs' ? 'µs' : m[2].toLowerCase()]!;
}

/** `A..B` in simulated time, e.g. `1ms..1.2ms` → { fromUs: 1000, lenUs: 200 }. */
export function parseTraceWindow(spec: string): Result<{ fromUs: number; lenUs: number }> {
  const usage = '  e.g. --trace-window 1ms..1.2ms (units ns, us, ms, s on both ends)';
  const at = spec.indexOf('..');
  if (at < 0) return fail(`--trace-window must be A..B, not "${spec}"`, usage);
  const a = parseTime(spec.slice(0, at)), b = parseTime(spec.slice(at + 2));
  if (a === null || b === null) return fail(`--trace-window ${spec}: each end needs a number and a unit`, usage);
  if (!(b > a)) return fail(`--trace-window ${spec}: the end must come after the start`);
  const len = b - a;
  const max = (KNOB_BY_PATH.get('sim.trace_us') as NumberKnob).max;
  if (len > max) return fail(`--trace-window ${spec}: ${len} µs is longer than sim.trace_us allows (at most ${max} µs)`);
  if (len < 1) return fail(`--trace-window ${spec}: ${len} µs is shorter than sim.trace_us allows (at least 1 µs)`);
  return { ok: true, value: { fromUs: a, lenUs: len } };
}

/** The scenario with tracing on over the window (a start of 0 becomes 1 ns: 0 means "after the warm-up"). */
export function withTrace(s: Scenario, w: { fromUs: number; lenUs: number } | null): Result<Scenario> {
  let t = setPath(s, 'sim.trace', true);
  if (w) {
    t = setPath(t, 'sim.trace_from_us', w.fromUs > 0 ? w.fromUs : 0.001);
    t = setPath(t, 'sim.trace_us', w.lenUs);
  }
  const r = parseScenario(t);
  return r.ok ? { ok: true, value: r.value } : fail(...r.errors.map((e) => `--trace-window: ${e}`));
}

/**
 * The --trace command's checks and scenario (run.ts then runs it as any single run, with the
 * progress line, --max-wall-s and --max-mib): the scenario with tracing on over the window.
 */
export function traceScenario(scenario: Scenario, opts: CliOptions, io: TraceIo): Result<Scenario> {
  if (opts.trace === undefined) return fail('--trace-window needs --trace FILE (the file the trace is written to)');
  if (opts.sweep !== undefined || opts.builtinSweep !== undefined || opts.shard !== undefined) return fail('--trace records one run; it cannot be combined with --sweep, --builtin-sweep or --shard');
  if (opts.trace.trim() === '') return fail('--trace needs a file name');
  if (!io.writeFile) return fail('--trace: this CLI cannot write files');
  let w: { fromUs: number; lenUs: number } | null = null;
  if (opts.traceWindow !== undefined) {
    const p = parseTraceWindow(opts.traceWindow);
    if (!p.ok) return p;
    w = p.value;
  }
  return withTrace(scenario, w);
}

/** Write the finished run's trace to --trace's file; say on stderr what it holds. */
export function writeTrace(summary: Summary, trace: TraceRecorder, opts: CliOptions, io: TraceIo, note: (text: string) => void): CliError | null {
  const file = opts.trace!;
  try {
    io.writeFile!(file, chromeTraceJson(trace.data()));
  } catch (e) {
    return fail(`--trace: cannot write ${file}: ${e instanceof Error ? e.message : String(e)}`).error;
  }
  const t = summary.trace!;
  note(`trace of ${t.from_us}–${t.to_us} µs (${t.events} events, ${t.counter_samples} counter samples, ${t.flows} flows) written to ${file}; open it in Perfetto UI or chrome://tracing`);
  for (const n of t.notes) note(`trace: ${n}`);
  return null;
}
