/**
 * Number formatting for the UI. Locale-independent on purpose: the same run must print the same
 * characters in every browser, so e2e tests (and people) can compare two runs exactly.
 */

const DASH = '—';

/** Whole number with comma thousands separators: 13389800 → "13,389,800". */
export function formatInt(x: number): string {
  if (!Number.isFinite(x)) return DASH;
  const r = Math.round(x);
  const neg = r < 0;
  const digits = String(Math.abs(r));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return (neg ? '-' : '') + grouped;
}

/**
 * `digits` significant digits, never in exponent form for everyday magnitudes: 0.37370 → "0.3737".
 * From 1000 up, whole numbers with separators (1021.3 → "1,021"), like the integer counters.
 */
export function formatSig(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return DASH;
  if (x === 0) return '0';
  if (Math.abs(x) >= 1000) return formatInt(x);
  const s = x.toPrecision(digits);
  if (s.includes('e')) return x.toExponential(digits - 1);
  return s;
}

/** Fixed decimals with trailing zeros removed: (100, 3) → "100", (0.125, 3) → "0.125". */
export function formatTrim(x: number, decimals = 3): string {
  if (!Number.isFinite(x)) return DASH;
  const s = x.toFixed(decimals);
  const t = s.includes('.') ? s.replace(/\.?0+$/, '') : s;
  return t === '-0' ? '0' : t;
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
