/**
 * Typed knob values for people: what the form (and anyone else who takes text) says about a value
 * typed for a knob, in one sentence that names the knob by its label ("Offered load must be at
 * most 1.5× line rate"), and the same for the cross-knob rules (crossIssues). The rules themselves
 * stay in scenario.ts (validateKnob, crossCheckIssues); this module only words them.
 *
 * Numbers are read by the one rule the CLI and links follow too (knobtext.ts, `readNumberText`):
 * whole-number knobs take digits with an optional leading minus and no leading zeros; other
 * numeric knobs may add a fraction and an exponent (`0.5`, `1.25e-3`). "0x10", "1e3" on a
 * whole-number knob, " 16 ", "+5", "007", ".5", "-0" are refused with the plain number to type
 * instead; text that is no number at all ("1,000", "fast") gets the knob's range.
 */
import { readNumberText, wholeNumberKnob, type NumberTextReason } from './knobtext';
import { KNOB_BY_PATH, coerceKnobText, crossCheckIssues, validateKnob, type CrossCheckIssue, type Knob, type Scenario } from './scenario';

/** "1,000,000" for big limits, as they are for small ones. */
function limit(x: number): string {
  return Number.isInteger(x) && Math.abs(x) >= 10000 ? x.toLocaleString('en-US') : String(x);
}

/** Units written before the number: "domain 1", "CPU 0". */
const UNIT_FIRST = new Set(['domain', 'CPU']);

/** The unit for one of a thing: "1 core", "1 entry" (multi-word units change their first word). */
function singular(unit: string): string {
  const [first = '', ...rest] = unit.split(' ');
  const one = /ies$/.test(first) ? first.replace(/ies$/, 'y') : /[^s]s$/.test(first) ? first.slice(0, -1) : first;
  return [one, ...rest].join(' ');
}

/** A value with the knob's unit: "1.5× line rate", "256 cores", "1 core", "domain 1", "600,000 ms simulated". */
export function withUnit(k: Knob, x: number | string): string {
  const unit = 'unit' in k && k.unit ? k.unit : '';
  const v = typeof x === 'number' ? limit(x) : x;
  if (!unit) return v;
  if (unit.startsWith('×')) return `${v}${unit}`;
  if (UNIT_FIRST.has(unit)) return `${unit} ${v}`;
  return `${v} ${x === 1 ? singular(unit) : unit}`;
}

/**
 * A knob's value as people read it: "on", "Xeon E5-2650 v4 (2 sockets) (xeon-e5-2650v4-2s)",
 * "16 threads", "domain 1", "driver default" (for a 0 that means one).
 */
export function knobValueText(k: Knob, v: unknown): string {
  if (k.kind === 'bool') return v ? 'on' : 'off';
  if (k.kind === 'choice' && k.optionLabels && typeof v === 'string' && k.optionLabels[v]) return `${k.optionLabels[v]} (${v})`;
  if (k.kind === 'int' && k.zeroMeans && v === 0) return k.zeroMeans;
  return typeof v === 'number' || typeof v === 'string' ? withUnit(k, v) : String(v);
}

function rangeText(k: Knob & { min: number; max: number }): string {
  return `from ${withUnit(k, k.min)} to ${withUnit(k, k.max)}`;
}

/** readNumberText's reasons, worded after the text they are about. */
const REASON_WORDS: Record<NumberTextReason, string> = {
  spaces: 'has spaces around it',
  hexadecimal: 'is hexadecimal',
  binary: 'is binary',
  octal: 'is octal',
  exponent: 'has an exponent (whole numbers only)',
  'minus-zero': 'is minus zero',
  'not-plain': 'is not a plain decimal number',
};

export type KnobTextResult = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * Check text typed for a knob. One message per problem, naming the knob by its label; the value
 * is what validateKnob accepted (so the engine's rule is the one that decides).
 */
export function checkKnobText(path: string, text: string): KnobTextResult {
  const k = KNOB_BY_PATH.get(path);
  if (!k) return { ok: false, message: `There is no setting called "${path.slice(0, 60)}".` };
  const t = text.trim();
  const fail = (message: string): KnobTextResult => ({ ok: false, message });
  if (k.kind === 'int' || k.kind === 'number') {
    const what = k.kind === 'int' ? 'a whole number' : 'a number';
    if (t === '') return fail(`${k.label} needs a value: ${what} ${rangeText(k)}.`);
    const read = readNumberText(k, text);
    if (!read.ok) {
      const shown = `“${text.slice(0, 20)}”`;
      if (read.reason === null) return fail(`${k.label} must be ${what} ${rangeText(k)}, not ${shown}.`);
      const instead = read.plain !== null ? `write ${read.plain}` : `give ${what} ${rangeText(k)}`;
      return fail(`${k.label}: ${shown} ${REASON_WORDS[read.reason]}; ${instead}.`);
    }
    const n = read.value;
    if (n < k.min) return fail(`${k.label} must be at least ${withUnit(k, k.min)}.`);
    if (n > k.max) return fail(`${k.label} must be at most ${withUnit(k, k.max)}.`);
    if (k.kind === 'int' && k.pow2 && (n & (n - 1)) !== 0) {
      const below = 2 ** Math.floor(Math.log2(n));
      const near = [below, below * 2].filter((x) => x >= k.min && x <= k.max).map((x) => withUnit(k, x));
      return fail(`${k.label} must be a power of two${near.length ? ` (${near.join(' or ')} is nearest)` : ''}.`);
    }
  } else if (k.kind === 'choice') {
    // Numeric choices (link speeds) follow the number rule too.
    const read = wholeNumberKnob(k) ? readNumberText(k, text) : null;
    if (read && !read.ok && read.reason !== null && read.plain !== null) {
      return fail(`${k.label}: “${text.slice(0, 20)}” ${REASON_WORDS[read.reason]}; write ${read.plain}.`);
    }
    const v = coerceKnobText(path, read ? text : t);
    if (!k.options.includes(v as string | number)) return fail(`${k.label} must be one of ${k.options.map((o) => k.optionLabels?.[String(o)] ?? String(o)).join(', ')}.`);
  } else if (k.kind === 'bool') {
    if (!['true', 'false', '1', '0'].includes(t)) return fail(`${k.label} must be on or off (true or false).`);
  }
  const r = validateKnob(path, coerceKnobText(path, k.kind === 'int' || k.kind === 'number' || wholeNumberKnob(k) ? text : t));
  // The engine has the last word; a rule not worded above still gets the knob's label.
  return r.ok ? { ok: true, value: r.value } : fail(`${k.label}: ${r.errors[0] ?? 'not a valid value'}.`);
}

/** A cross-knob problem: the knobs it is about (the first is where the form shows it) and its wording. */
export interface CrossIssue {
  /** Knob paths the message names, first named first. */
  paths: string[];
  /** As crossCheck words it (knob paths; the CLI prints this). */
  message: string;
  /** The same with each knob named by its label, for people. */
  text: string;
}

/** One of crossCheckIssues' issues, each knob named by its label (from the issue's parts: nothing is parsed). */
export function wordIssue(i: CrossCheckIssue): CrossIssue {
  const text = i.parts.map((p) => (typeof p === 'string' ? p : KNOB_BY_PATH.get(p.knob)?.label ?? p.knob)).join('');
  return { paths: i.knobs, message: i.message, text: text.charAt(0).toUpperCase() + text.slice(1) };
}

/** The cross-knob rules a scenario breaks, each once, with the knobs it is about. */
export function crossIssues(s: Scenario): CrossIssue[] {
  const seen = new Set<string>();
  return crossCheckIssues(s).filter((i) => !seen.has(i.message) && seen.add(i.message)).map(wordIssue);
}
