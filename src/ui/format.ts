/**
 * Number formatting for the UI. Locale-independent on purpose: the same run must print the same
 * characters in every browser, so e2e tests (and people) can compare two runs exactly.
 */

import { formatInt, formatSig } from '../engine/numtext';

// integers and significant digits are the engine's (its sentences quote the same figures)
export { formatInt, formatSig, formatNs } from '../engine/numtext';

const DASH = '—';

/** Fixed decimals with trailing zeros removed: (100, 3) → "100", (0.125, 3) → "0.125". */
export function formatTrim(x: number, decimals = 3): string {
  if (!Number.isFinite(x)) return DASH;
  const s = x.toFixed(decimals);
  const t = s.includes('.') ? s.replace(/\.?0+$/, '') : s;
  return t === '-0' ? '0' : t;
}

/** A fraction as a signed percentage: 0.155 → "+15.5 %", −0.712 → "−71.2 %" (`decimals` after the point, trailing zeros trimmed). */
export function signedPercent(x: number, decimals = 1): string {
  return `${x >= 0 ? '+' : '−'}${formatTrim(Math.abs(x) * 100, decimals)} %`;
}

/** Packets per second as Mpps with 3 decimals: 14880952 → "14.881". */
export function formatMpps(pps: number): string {
  if (!Number.isFinite(pps)) return DASH;
  return (pps / 1e6).toFixed(3);
}

/** A percentage with one decimal: (0.9995) → "99.9 %"; the ratio of a to b, or a dash if b is 0. */
export function formatPercent(a: number, b: number): string {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return DASH;
  return `${((a / b) * 100).toFixed(1)} %`;
}

/** Knob limits for a form hint: large numbers grouped, small ones as they are. */
export function formatLimit(x: number): string {
  return Number.isInteger(x) && Math.abs(x) >= 10000 ? formatInt(x) : String(x);
}

/** Wall-clock milliseconds for humans: "172 ms", "1.45 s". */
export function formatWallMs(ms: number): string {
  if (!Number.isFinite(ms)) return DASH;
  if (ms < 1000) return `${formatSig(ms, 3)} ms`;
  return `${formatSig(ms / 1000, 3)} s`;
}
