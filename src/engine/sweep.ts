/**
 * Sweeps: one knob over a range, optionally for several series (variants of the base scenario),
 * each point an ordinary run. The text form `path=a..b[:lin|:log][:N]` is shared by the CLI
 * (`--sweep`), the UI's sweep panel and share links, so a sweep means the same thing everywhere.
 * Planning is pure: it turns a base scenario and a SweepDef into the exact scenarios to run, in
 * order; who runs them (one worker, a pool, the CLI) cannot change the results.
 */
import { z } from 'zod';
import {
  KNOBS,
  KNOB_BY_PATH,
  applyKnob,
  crossCheck,
  echoKey,
  echoQuoted,
  parseKnobText,
  parseScenario,
  validateKnob,
  type Knob,
  type ParseResult,
  type Scenario,
} from './scenario';
import type { Summary } from './sim';
import { geometricPoints, nearestPow2, pow2LogPoints } from './spacing';
import { didYouMean } from './suggest';

export const DEFAULT_SWEEP_POINTS = 5;
export const MAX_SWEEP_POINTS = 1000;
/** Most series one sweep may compare (each multiplies the runs). */
export const MAX_SWEEP_SERIES = 6;
/** Most runs (points × series) one sweep may ask for. */
export const MAX_SWEEP_RUNS = 2000;

export type KnobValue = string | number | boolean;

export interface SweepRange {
  path: string;
  knob: Knob;
  /** The knob values to run, in order, already validated against the knob. */
  values: KnobValue[];
}

/** One line on the result chart: a label and the knobs it sets on top of the base scenario. */
export interface SweepSeries {
  label: string;
  set: Record<string, KnobValue>;
}

/** A sweep as links and the UI store it. */
export interface SweepDef {
  /** `path=a..b[:lin|:log][:N]` */
  spec: string;
  /** Empty: one series, the base scenario itself. */
  series: SweepSeries[];
  /** Output key (SWEEP_OUTPUTS) on the result chart's y axis. */
  y: string;
}

/**
 * What a series label may not hold: C0 and C1 control characters (line breaks and tabs included),
 * the bidi embeddings, overrides and isolates (U+202A–202E, U+2066–2069) and marks (U+200E, U+200F,
 * U+061C), the line and paragraph separators, and unpaired surrogates. A label is shown in the
 * chart legend, the data table and the CSV export, and it comes from links: it must read as it is.
 */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when `label` is printable text without control or bidi characters (see UNPRINTABLE). */
export function isPrintableLabel(label: string): boolean {
  return !UNPRINTABLE.test(label);
}

export const LABEL_RULE = 'a series label must be printable text: no control characters, line breaks or bidi controls (U+202A–202E, U+2066–2069)';

export const SweepDefSchema = z
  .object({
    spec: z.string().min(1).max(200),
    series: z
      .array(
        z
          .object({
            label: z.string().min(1).max(60).refine(isPrintableLabel, { error: LABEL_RULE }),
            set: z.record(z.string().max(80), z.union([z.string().max(80), z.number(), z.boolean()])),
          })
          .strict(),
      )
      .max(MAX_SWEEP_SERIES),
    y: z.string().max(80),
  })
  .strict();

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = (...errors: string[]): { ok: false; errors: string[] } => ({ ok: false, errors });

/** Drop float noise (0.30000000000000004 → 0.3): 12 significant digits (toPrecision is exactly specified). */
function tidy(x: number): number {
  return Number(x.toPrecision(12));
}

/**
 * `path=a..b[:lin|:log][:N]` → the values to run. Numeric knobs get N points (default 5) spaced
 * linearly or geometrically (spacing.ts: + − × ÷ only, no Math.pow), endpoints exact; int knobs
 * are rounded half up, other numbers to 12 significant digits, power-of-two knobs snap to powers
 * of two (and without N take every power of two in range); duplicates after rounding are dropped. Choice knobs take every option from a to b in declared order (N and scale do not apply).
 * Messages start with `what` (the CLI passes `--sweep`).
 */
export function parseSweepSpec(spec: string, what = 'sweep'): ParseResult<SweepRange> {
  const usage = `expected ${what} path=a..b[:lin|:log][:N], e.g. traffic.load=0.5..1.2:8`;
  const at = spec.indexOf('=');
  if (at <= 0) return fail(`${what} ${echoQuoted(spec, 80)}: no knob path; ${usage}`);
  const path = spec.slice(0, at).trim();
  const knob = KNOB_BY_PATH.get(path);
  if (!knob) {
    const near = didYouMean(path, KNOBS.map((k) => k.path));
    return fail(`unknown knob ${echoQuoted(path)} in ${what}${near ? `; ${near}` : ''}`);
  }
  const [range = '', ...mods] = spec.slice(at + 1).split(':');
  const dots = range.indexOf('..');
  if (dots < 0) return fail(`${what} ${path}: no range "a..b" in ${echoQuoted(range, 80)}; ${usage}`);
  const aText = range.slice(0, dots).trim();
  const bText = range.slice(dots + 2).trim();
  let scale: 'lin' | 'log' | undefined;
  let n: number | undefined;
  for (const m of mods) {
    const t = m.trim().toLowerCase();
    if (t === 'lin' || t === 'log') {
      if (scale) return fail(`${what} ${path}: scale given twice; ${usage}`);
      scale = t;
    } else if (/^\d{1,7}$/.test(t)) {
      if (n !== undefined) return fail(`${what} ${path}: point count given twice; ${usage}`);
      n = Number(t);
      if (n < 1 || n > MAX_SWEEP_POINTS) return fail(`${what} ${path}: point count must be from 1 to ${MAX_SWEEP_POINTS}, not ${n}`);
    } else {
      return fail(`${what} ${path}: unknown modifier ${echoQuoted(`:${m}`)}; ${usage}`);
    }
  }
  const check = (text: string, which: string): ParseResult<unknown> => {
    const v = parseKnobText(path, text);
    return v.ok ? v : fail(...v.errors.map((e) => `${what} ${path}: ${which} ${echoQuoted(text)}: ${e}`));
  };
  const a = check(aText, 'start');
  if (!a.ok) return a;
  const b = check(bText, 'end');
  if (!b.ok) return b;

  if (knob.kind === 'bool') {
    if (scale || n !== undefined) return fail(`${what} ${path}: a true/false knob takes no scale or point count`);
    return ok({ path, knob, values: a.value === b.value ? [a.value as boolean] : [a.value as boolean, b.value as boolean] });
  }
  if (knob.kind === 'choice') {
    if (scale || n !== undefined) return fail(`${what} ${path}: a choice knob sweeps its options from a to b; it takes no scale or point count`);
    const i = knob.options.indexOf(a.value as string | number);
    const j = knob.options.indexOf(b.value as string | number);
    const values = i <= j ? knob.options.slice(i, j + 1) : knob.options.slice(j, i + 1).reverse();
    return ok({ path, knob, values: [...values] });
  }

  const lo = a.value as number;
  const hi = b.value as number;
  const sc = scale ?? 'lin';
  if (sc === 'log' && (lo <= 0 || hi <= 0)) return fail(`${what} ${path}: a log sweep needs both ends above 0 (got ${lo}..${hi})`);
  const pow2 = knob.kind === 'int' && knob.pow2 === true;
  let raw: number[];
  if (pow2 && n === undefined) {
    // every power of two from lo to hi (both are powers of two: validated above)
    raw = [];
    const up = lo <= hi;
    for (let v = lo; up ? v <= hi : v >= hi; v = up ? v * 2 : v / 2) raw.push(v);
  } else {
    // + − × ÷ only (spacing.ts): the same points in every engine by construction.
    const count = n ?? DEFAULT_SWEEP_POINTS;
    if (pow2 && sc === 'log') raw = pow2LogPoints(lo, hi, count);
    else {
      raw = sc === 'log' ? geometricPoints(lo, hi, count) : Array.from({ length: count }, (_, i) => (i === 0 ? lo : i === count - 1 ? hi : lo + (hi - lo) * (i / (count - 1))));
      raw = raw.map((v) => (pow2 ? nearestPow2(v) : knob.kind === 'int' ? Math.round(v) : tidy(v)));
    }
  }
  const values = raw.filter((v, i) => raw.indexOf(v) === i);
  for (const v of values) {
    const r = validateKnob(path, v);
    if (!r.ok) return fail(...r.errors.map((e) => `${what} ${path}: point ${v}: ${e}`));
  }
  return ok({ path, knob, values });
}

/** A zod error on a sweep definition as lines, each path element escaped (record keys come from links). */
export function sweepShapeErrors(err: z.ZodError, max = 5): string[] {
  return err.issues.slice(0, max).map((i) => {
    const where = i.path.map((p) => echoKey(String(p))).join('.');
    return `sweep${where ? `.${where}` : ''}: ${i.message}`;
  });
}

/** One run of a sweep: which series and point, and the exact scenario. */
export interface SweepRun {
  series: number;
  point: number;
  value: KnobValue;
  scenario: Scenario;
}

export interface SweepPlan {
  range: SweepRange;
  /** Series labels; one unnamed series ('') when the def has none. */
  labels: string[];
  /** Runs in order: series-major, then points. */
  runs: SweepRun[];
}

/**
 * The scenarios a sweep runs: for each series, the base with the series' knobs applied (in the
 * order written), then the swept knob. Every scenario is checked whole (cross-knob rules); every
 * bad point is named.
 */
export function planSweep(base: Scenario, def: SweepDef, what = 'sweep'): ParseResult<SweepPlan> {
  const runs: SweepRun[] = [];
  const r = walkSweep(base, def, what, (scenario) => {
    const whole = parseScenario(scenario);
    return whole.ok ? { ok: true, value: whole.value } : whole;
  }, (run) => runs.push(run));
  return r.ok ? ok({ range: r.value.range, labels: r.value.labels, runs }) : r;
}

/** What checkSweep tells without building the runs. */
export interface SweepCheck {
  range: SweepRange;
  labels: string[];
  /** How many runs planSweep would plan. */
  runs: number;
}

/**
 * planSweep's verdict (the same errors, the same run count) without planning: for a base scenario
 * that is valid as a whole, every point's scenario is built from knob values validated one by one,
 * so only the cross-knob rules can fail, and those are checked with crossCheck instead of parsing
 * the whole scenario again (2000 runs: a few ms instead of 60–800 ms). Made for the UI while the
 * form is typed in; planSweep still plans the runs when the sweep starts. A base that is not
 * valid falls back to the full plan (its errors are what planSweep says).
 */
export function checkSweep(base: Scenario, def: SweepDef, what = 'sweep'): ParseResult<SweepCheck> {
  if (!parseScenario(base).ok) {
    const plan = planSweep(base, def, what);
    return plan.ok ? ok({ range: plan.value.range, labels: plan.value.labels, runs: plan.value.runs.length }) : plan;
  }
  let runs = 0;
  const r = walkSweep(base, def, what, (scenario) => {
    const errors = crossCheck(scenario);
    return errors.length ? { ok: false, errors } : { ok: true, value: scenario };
  }, () => runs++);
  return r.ok ? ok({ ...r.value, runs }) : r;
}

/** planSweep and checkSweep: everything but how one point's scenario is checked. */
function walkSweep(
  base: Scenario,
  def: SweepDef,
  what: string,
  checkPoint: (s: Scenario) => ParseResult<Scenario>,
  onRun: (run: SweepRun) => void,
): ParseResult<{ range: SweepRange; labels: string[] }> {
  const shape = SweepDefSchema.safeParse(def);
  if (!shape.success) return fail(`${what}: not a sweep definition (${sweepShapeErrors(shape.error)[0] ?? 'bad shape'})`);
  const r = parseSweepSpec(def.spec, what);
  if (!r.ok) return r;
  const range = r.value;
  if (!SWEEP_OUTPUT_BY_KEY.has(def.y)) {
    const near = didYouMean(def.y, SWEEP_OUTPUTS.map((o) => o.key));
    return fail(`${what}: unknown output ${echoQuoted(def.y)} for the y axis${near ? `; ${near}` : ''}`);
  }
  const series: SweepSeries[] = def.series.length ? def.series : [{ label: '', set: {} }];
  if (series.length * range.values.length > MAX_SWEEP_RUNS) {
    return fail(`${what}: ${series.length} series × ${range.values.length} points is more than ${MAX_SWEEP_RUNS} runs`);
  }
  const errors: string[] = [];
  series.forEach((s, si) => {
    let sb = base;
    const label = echoQuoted(s.label);
    for (const [path, value] of Object.entries(s.set)) {
      if (path === range.path) {
        errors.push(`${what}: series ${label} sets ${path}, the knob being swept`);
        continue;
      }
      const v = validateKnob(path, value);
      if (!v.ok) errors.push(...v.errors.map((e) => `${what}: series ${label}: ${e}`));
      else sb = applyKnob(sb, path, v.value);
    }
    range.values.forEach((value, pi) => {
      const whole = checkPoint(applyKnob(sb, range.path, value));
      if (!whole.ok) errors.push(...whole.errors.map((e) => `${what} point ${range.path}=${String(value)}${s.label ? ` (${label})` : ''}: ${e}`));
      else onRun({ series: si, point: pi, value, scenario: whole.value });
    });
  });
  if (errors.length) return fail(...errors.slice(0, 20), ...(errors.length > 20 ? [`… and ${errors.length - 20} more`] : []));
  return ok({ range, labels: series.map((s) => s.label) });
}

// ---------------------------------------------------------------- outputs

/** A figure of a finished run that a sweep can plot (and the CLI prints as a column). */
export interface SweepOutput {
  key: string;
  label: string;
  unit: string;
  get(s: Summary): number;
}

/** Packets per segment; NaN (no value) where LRO handed nothing up (a batch that never filled). */
const lroRatio = (s: Summary, k: 'all' | 'data' | 'ack'): number => (s.lro && s.lro.segments_out > 0 ? s.lro.aggregation_ratio[k] : NaN);

export const SWEEP_OUTPUTS: readonly SweepOutput[] = [
  { key: 'delivered_pps', label: 'Delivered', unit: 'pps', get: (s) => s.delivered_pps },
  { key: 'offered_pps', label: 'Offered', unit: 'pps', get: (s) => s.offered_pps },
  { key: 'rx_pps', label: 'Admitted to RX rings', unit: 'pps', get: (s) => s.rx_pps },
  { key: 'forwarded_pps', label: 'Forwarded', unit: 'pps', get: (s) => s.forwarded_pps },
  { key: 'tx_pps', label: 'Transmitted on the wire', unit: 'pps', get: (s) => s.tx_pps },
  {
    key: 'drop_share',
    label: 'Dropped share of offered',
    unit: 'fraction',
    get: (s) => {
      let d = 0;
      for (const v of Object.values(s.drops)) d += v;
      const offered = s.offered_pps * (s.simulated_ms / 1000);
      return offered > 0 ? d / offered : 0;
    },
  },
  { key: 'latency_p50_us', label: 'Latency p50', unit: 'µs', get: (s) => s.latency_us.p50 },
  { key: 'latency_p99_us', label: 'Latency p99', unit: 'µs', get: (s) => s.latency_us.p99 },
  {
    key: 'cpus_busy',
    label: 'CPUs busy (sum of utilisation)',
    unit: 'CPUs',
    get: (s) => s.cores.reduce((a, c) => a + c.utilization, 0),
  },
  { key: 'lro_ratio', label: 'LRO aggregation, all segments', unit: 'packets/segment', get: (s) => lroRatio(s, 'all') },
  { key: 'lro_ratio_data', label: 'LRO aggregation, data', unit: 'packets/segment', get: (s) => lroRatio(s, 'data') },
  { key: 'lro_ratio_ack', label: 'LRO aggregation, pure ACKs', unit: 'packets/segment', get: (s) => lroRatio(s, 'ack') },
  {
    key: 'lro_no_entries_share',
    label: 'Passed up uncoalesced: LRO table full',
    unit: 'fraction of LRO input',
    get: (s) => (s.lro && s.lro.packets_in > 0 ? s.lro.no_entries / s.lro.packets_in : NaN),
  },
  { key: 'lro_cycles_saved', label: 'Cycles saved by LRO', unit: 'cycles', get: (s) => (s.lro ? s.lro.cycles_saved : NaN) },
];

export const SWEEP_OUTPUT_BY_KEY: ReadonlyMap<string, SweepOutput> = new Map(SWEEP_OUTPUTS.map((o) => [o.key, o]));

/** The CLI prints a column for every output; the UI charts one at a time. */
export function sweepFigures(s: Summary): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of SWEEP_OUTPUTS) out[o.key] = o.get(s);
  return out;
}

// ---------------------------------------------------------------- built-in sweeps

export interface BuiltinSweep {
  name: string;
  title: string;
  /** What it shows, one line. */
  blurb: string;
  /** Preset the base scenario comes from (null: the defaults). */
  preset: string | null;
  def: SweepDef;
}

export const BUILTIN_SWEEPS: readonly BuiltinSweep[] = [
  {
    name: 'lro-flows',
    title: 'LRO: connections per RX queue, legacy table vs sorted queue',
    blurb:
      'traffic.flows 1 → 10,000 TCP senders on 1 Gbit/s links (64 KB TSO bursts) into one XL710 queue at half of 40G: the 8-entry table and the sorted queue coalesce alike up to 8 connections; past the table, it collapses to ~1 packet per segment while the sorted queue merges 3–5. A batch of 1024 fills only while the queue stays busy: LRO flushes what it holds whenever the ring empties (the driver re-arms its interrupt), so here a batch is the few dozen packets between two idle moments.',
    preset: 'lro-many-flows-legacy',
    // Half line rate (the preset's): one core keeps up with the sorted queue, so ring overflow (and
    // the seq_gap flushes it causes, docs/MODEL.md) does not blur the comparison of the schemes. The
    // price: its ring empties often, and each time LRO flushes (docs/MODEL.md §3, when LRO flushes).
    def: {
      spec: 'traffic.flows=1..10000:log:9',
      series: [
        { label: 'legacy table, every rxeof pass (iflib)', set: { 'lro.mode': 'legacy', 'lro.batch': 1 } },
        { label: 'legacy table, batch 1024', set: { 'lro.mode': 'legacy', 'lro.batch': 1024 } },
        { label: 'sorted, batch 1024', set: { 'lro.mode': 'sorted', 'lro.batch': 1024 } },
      ],
      y: 'lro_ratio',
    },
  },
  {
    name: 'queues-vs-pps',
    title: 'Forwarding: RX/TX queues vs packets per second',
    blurb: 'queues.rx 1 → 24 on the mlx5 forwarding router (TX queues follow): where adding queues stops helping.',
    preset: 'fwd-mlx5-cx4lx-e5v4',
    def: { spec: 'queues.rx=1..24:6', series: [], y: 'forwarded_pps' },
  },
  {
    name: 'load-vs-latency',
    title: 'Offered load vs p99 latency',
    blurb: 'traffic.load 0.1 → 1.2 of line rate on the default scenario: the knee where queues build.',
    preset: null,
    def: { spec: 'traffic.load=0.1..1.2:8', series: [], y: 'latency_p99_us' },
  },
];

export function findBuiltinSweep(name: string): BuiltinSweep | undefined {
  return BUILTIN_SWEEPS.find((b) => b.name === name);
}
