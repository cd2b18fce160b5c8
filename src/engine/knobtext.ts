/**
 * The one rule for a number typed as text — the form's fields, the CLI's `--set` and `--sweep`,
 * the Sweep tab's series — so `0x10` cannot mean 16 in one place and an error in another.
 *
 * A numeric knob's text is a plain decimal number:
 * - whole-number knobs (and choices whose options are numbers, like link speeds): digits with an
 *   optional leading minus, no leading zeros: `16`, `-3`, `0`;
 * - other numeric knobs: the same, then an optional fraction and exponent: `0.5`, `1.25e-3`.
 *
 * Everything else that JavaScript's `Number()` would still read — hexadecimal `0x10`, binary
 * `0b11`, octal `0o7`, an exponent on a whole-number knob (`1e1`), spaces around the number
 * (` 12 `), a leading `+`, leading zeros (`007`), `.5`, `5.`, `-0` — is refused, and the message
 * says which number to write instead. Text Number() cannot read at all (`fast`, `Infinity`) is
 * left to the knob's range message. Links carry JSON numbers, not text: there `1e1` is already 10,
 * and `-0` is read as 0 (scenario.ts).
 */
import type { Knob } from './scenario';

const INT_TEXT = /^-?(0|[1-9]\d*)$/;
const NUM_TEXT = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

export type NumberText = { ok: true; value: number } | { ok: false; problem: string | null };

/** Whether a knob's text is read as a whole number (int knobs and numeric choices). */
export function wholeNumberKnob(k: Knob): boolean {
  return k.kind === 'int' || (k.kind === 'choice' && typeof k.default === 'number');
}

/**
 * Read a numeric knob's text by the rule above. `problem` is null when the text is no number at
 * all (the caller's range message says what is allowed); otherwise it says what is wrong and
 * which number to write.
 */
export function readNumberText(k: Knob, text: string): NumberText {
  const whole = wholeNumberKnob(k);
  if ((whole ? INT_TEXT : NUM_TEXT).test(text) && !Object.is(Number(text), -0)) return { ok: true, value: Number(text) };
  const t = text.trim();
  const n = t === '' ? NaN : Number(t);
  // No number at all, or not a whole one for a whole-number knob: the range message says it.
  if (!Number.isFinite(n) || (whole && !Number.isInteger(n))) return { ok: false, problem: null };
  const plain = Object.is(n, -0) ? '0' : String(n);
  const fits = (whole ? INT_TEXT : NUM_TEXT).test(plain);
  const hint = fits ? `; write ${plain}` : '';
  let why: string;
  if (t !== text) why = 'has spaces around it';
  else if (/^[+-]?0[xX]/.test(t)) why = 'is hexadecimal; give a decimal number';
  else if (/^[+-]?0[bB]/.test(t)) why = 'is binary; give a decimal number';
  else if (/^[+-]?0[oO]/.test(t)) why = 'is octal; give a decimal number';
  else if (whole && /[eE]/.test(t)) why = `has an exponent; ${k.path} takes whole numbers in digits`;
  else if (Object.is(n, -0)) why = 'is minus zero';
  else why = 'is not written as a plain decimal number';
  return { ok: false, problem: `${why}${hint}` };
}
