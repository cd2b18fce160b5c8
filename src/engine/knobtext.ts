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

/** Why a numeric knob's text was refused (null: it is no number at all). */
export type NumberTextReason = 'spaces' | 'hexadecimal' | 'binary' | 'octal' | 'exponent' | 'minus-zero' | 'not-plain';

export type NumberText =
  | { ok: true; value: number }
  | {
      ok: false;
      /** The refusal in words (null when the text is no number at all: the range message says it). */
      problem: string | null;
      /** The same as a code, for callers that word it themselves (the form names knobs by label). */
      reason: NumberTextReason | null;
      /** The number to write instead, when the text reads as one that fits the rule. */
      plain: string | null;
    };

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
  if (!Number.isFinite(n) || (whole && !Number.isInteger(n))) return { ok: false, problem: null, reason: null, plain: null };
  const spelled = Object.is(n, -0) ? '0' : String(n);
  const plain = (whole ? INT_TEXT : NUM_TEXT).test(spelled) ? spelled : null;
  const hint = plain !== null ? `; write ${plain}` : '';
  let reason: NumberTextReason;
  if (t !== text) reason = 'spaces';
  else if (/^[+-]?0[xX]/.test(t)) reason = 'hexadecimal';
  else if (/^[+-]?0[bB]/.test(t)) reason = 'binary';
  else if (/^[+-]?0[oO]/.test(t)) reason = 'octal';
  else if (whole && /[eE]/.test(t)) reason = 'exponent';
  else if (Object.is(n, -0)) reason = 'minus-zero';
  else reason = 'not-plain';
  const why: Record<NumberTextReason, string> = {
    spaces: 'has spaces around it',
    hexadecimal: 'is hexadecimal; give a decimal number',
    binary: 'is binary; give a decimal number',
    octal: 'is octal; give a decimal number',
    exponent: `has an exponent; ${k.path} takes whole numbers in digits`,
    'minus-zero': 'is minus zero',
    'not-plain': 'is not written as a plain decimal number',
  };
  return { ok: false, problem: `${why[reason]}${hint}`, reason, plain };
}
