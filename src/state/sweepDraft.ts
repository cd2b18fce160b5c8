/**
 * The sweep editor's fields and their translation to and from a SweepDef (engine/sweep.ts). Pure:
 * the Sweep tab edits a SweepDraft; whenever the draft makes a sweep that plans against the
 * current scenario, it becomes the main store's `sweepDef` (and so the share link's). A def that
 * arrives from a link or a built-in sweep is turned back into a draft for the editor.
 */
import { KNOBS, KNOB_BY_PATH, SWEEP_OUTPUT_BY_KEY, coerceKnobText, findBuiltinSweep, knobTextProblem, type Knob, type KnobValue, type SweepDef } from '../engine';

export interface SeriesDraft {
  label: string;
  /** `knob=value, knob=value` */
  set: string;
}

export interface SweepDraft {
  path: string;
  from: string;
  to: string;
  /** Point count as typed; empty: the default (5, or every power of two for ring sizes). */
  points: string;
  scale: 'lin' | 'log';
  series: SeriesDraft[];
  /** SWEEP_OUTPUTS key on the y axis. */
  y: string;
}

/** Knobs a sweep can run over in the editor: numbers and choices. */
export const SWEEPABLE_KNOBS: readonly Knob[] = KNOBS.filter((k) => k.kind === 'int' || k.kind === 'number' || k.kind === 'choice');

/** True when the knob takes a point count and a scale (numeric), false for choices. */
export function isNumericKnob(k: Knob | undefined): boolean {
  return k?.kind === 'int' || k?.kind === 'number';
}

/** Split a spec `path=a..b[:lin|:log][:N]` into editor fields (as written; checking is planSweep's). */
export function draftFromSpec(spec: string): Pick<SweepDraft, 'path' | 'from' | 'to' | 'points' | 'scale'> {
  const at = spec.indexOf('=');
  const path = at > 0 ? spec.slice(0, at).trim() : spec.trim();
  const [range = '', ...mods] = at > 0 ? spec.slice(at + 1).split(':') : [''];
  const dots = range.indexOf('..');
  const from = dots >= 0 ? range.slice(0, dots).trim() : range.trim();
  const to = dots >= 0 ? range.slice(dots + 2).trim() : '';
  let scale: 'lin' | 'log' = 'lin';
  let points = '';
  for (const m of mods) {
    const t = m.trim().toLowerCase();
    if (t === 'log' || t === 'lin') scale = t;
    else if (t) points = t;
  }
  return { path, from, to, points, scale };
}

export function seriesSetText(set: Record<string, KnobValue>): string {
  return Object.entries(set)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(', ');
}

export function draftFromDef(def: SweepDef): SweepDraft {
  return {
    ...draftFromSpec(def.spec),
    series: def.series.map((s) => ({ label: s.label, set: seriesSetText(s.set) })),
    y: def.y,
  };
}

/** The spec text of the draft's range (scale and count only where the knob takes them). */
export function specOf(d: SweepDraft): string {
  const k = KNOB_BY_PATH.get(d.path);
  const mods: string[] = [];
  if (isNumericKnob(k)) {
    if (d.scale === 'log') mods.push('log');
    if (d.points.trim() !== '') mods.push(d.points.trim());
  }
  return `${d.path}=${d.from.trim()}..${d.to.trim()}${mods.map((m) => `:${m}`).join('')}`;
}

/** `knob=value, knob=value` → the knobs a series sets (values typed as the knob wants). */
export function parseSeriesSet(text: string, where: string): { set: Record<string, KnobValue>; errors: string[] } {
  const set: Record<string, KnobValue> = {};
  const errors: string[] = [];
  for (const part of text.split(/[,;\n]/)) {
    const t = part.trim();
    if (!t) continue;
    const at = t.indexOf('=');
    if (at <= 0) {
      errors.push(`${where}: "${t.slice(0, 40)}" is not knob=value`);
      continue;
    }
    const path = t.slice(0, at).trim();
    if (!KNOB_BY_PATH.has(path)) {
      errors.push(`${where}: unknown knob "${path.slice(0, 60)}"`);
      continue;
    }
    // Spaces around `=` and the separators are the list's syntax; the value itself follows the
    // number rule of the form and the CLI (engine/knobtext.ts).
    const text = t.slice(at + 1).trim();
    const problem = knobTextProblem(path, text);
    if (problem) errors.push(`${where}: ${problem}`);
    else set[path] = coerceKnobText(path, text) as KnobValue;
  }
  return { set, errors };
}

/**
 * The SweepDef a draft stands for, with the mistakes planSweep cannot name (a series row that is
 * not `knob=value`, a series without a label). Range and knob checks are left to planSweep.
 */
export function defFromDraft(d: SweepDraft): { def: SweepDef; errors: string[] } {
  const errors: string[] = [];
  const series = d.series.map((s, i) => {
    const where = `series ${i + 1}${s.label.trim() ? ` ("${s.label.trim().slice(0, 40)}")` : ''}`;
    if (!s.label.trim()) errors.push(`${where}: give it a label (it names the line on the chart)`);
    const p = parseSeriesSet(s.set, where);
    errors.push(...p.errors);
    return { label: s.label.trim(), set: p.set };
  });
  const labels = series.map((s) => s.label).filter(Boolean);
  if (new Set(labels).size !== labels.length) errors.push('two series have the same label');
  if (!SWEEP_OUTPUT_BY_KEY.has(d.y)) errors.push(`choose an output for the y axis`);
  return { def: { spec: specOf(d), series, y: d.y }, errors };
}

export function sameDef(a: SweepDef | null, b: SweepDef | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The draft shown before any sweep is chosen: offered load against p99 latency. */
export function defaultDraft(): SweepDraft {
  const b = findBuiltinSweep('load-vs-latency');
  return b
    ? draftFromDef(b.def)
    : { path: 'traffic.load', from: '0.1', to: '1.2', points: '8', scale: 'lin', series: [], y: 'latency_p99_us' };
}

function snap(k: Knob, v: number): number {
  if (k.kind === 'int') {
    if (k.pow2) return 2 ** Math.round(Math.log2(Math.max(1, v)));
    return Math.round(v);
  }
  return Number(v.toPrecision(3));
}

/**
 * Range fields for a newly chosen knob, around its value in the current scenario: a quarter to
 * four times it for numbers (within the knob's limits; log when that spans 20× or more), every
 * option for choices.
 */
export function rangeFor(k: Knob, current: unknown): Pick<SweepDraft, 'path' | 'from' | 'to' | 'points' | 'scale'> {
  if (k.kind === 'choice') {
    return { path: k.path, from: String(k.options[0]), to: String(k.options[k.options.length - 1]), points: '', scale: 'lin' };
  }
  if (k.kind === 'bool') return { path: k.path, from: 'false', to: 'true', points: '', scale: 'lin' };
  const cur = typeof current === 'number' && Number.isFinite(current) ? current : k.default;
  let lo = Math.max(k.min, snap(k, cur / 4));
  let hi = Math.min(k.max, snap(k, cur * 4));
  if (cur <= 0 || lo >= hi) {
    lo = k.min;
    hi = k.max;
  }
  const log = lo > 0 && hi / lo >= 20;
  const pow2 = k.kind === 'int' && k.pow2 === true;
  return { path: k.path, from: String(lo), to: String(hi), points: pow2 ? '' : '5', scale: log ? 'log' : 'lin' };
}
