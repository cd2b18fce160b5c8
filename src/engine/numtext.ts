/**
 * Number text shared by the engine's sentences, the UI and the CLI. Locale-independent on purpose:
 * the same run must print the same characters in Node and in every browser, and a figure the
 * bottleneck sentence quotes must read exactly as the chart and the summary table print it.
 */

const DASH = '—';

/** Whole number with comma thousands separators: 13389800 → "13,389,800". */
export function formatInt(x: number): string {
  if (!Number.isFinite(x)) return DASH;
  const r = Math.round(x);
  const digits = String(Math.abs(r));
  return (r < 0 ? '-' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
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
  // 999.7 to 3 digits rounds up to 1000 ("1.00e+3"): print it as the integers are
  if (Math.abs(Number(s)) >= 1000) return formatInt(Number(s));
  if (s.includes('e')) return x.toExponential(digits - 1);
  return s;
}

/** CPU nanoseconds per packet, as every view and sentence prints them: three significant digits. */
export function formatNs(ns: number): string {
  return formatSig(ns, 3);
}
