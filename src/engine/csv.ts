/**
 * The one CSV writer: every CSV ringlab writes (the page's frames and sweep exports, the CLI's
 * frames, sweeps and listings) goes through `csvField`, so they agree on quoting, missing values,
 * infinities and formula neutralisation. Pure; RFC 4180 shapes (comma, `"` quoting, `""` inside).
 *
 * - Numbers: finite ones verbatim (`String(x)`: full precision, they round-trip); NaN is a missing
 *   value, an empty field; +Infinity and -Infinity are written `Infinity` and `-Infinity` (what
 *   `Number()`, Python's `float()` and pandas read back), never neutralised: they are numbers.
 * - Strings (labels, knob values, links, engine prose): a field that a spreadsheet would read as a
 *   formula — one starting with `=`, `+`, `-`, `@`, a tab or a carriage return — gets a leading `'`
 *   (the OWASP rule for CSV injection: the cell then shows as text). A field containing `"`, `,`,
 *   a line feed or a carriage return is quoted.
 * - Booleans as `true`/`false`; null and undefined as empty; anything else as its JSON text (and
 *   then treated as a string).
 */

/** First characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A string cell a spreadsheet will show as text: formula starts prefixed with `'`. */
export function neutralise(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

function numberText(x: number): string {
  if (Number.isNaN(x)) return '';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return String(x);
}

/** One field, quoted and neutralised as the rules above say. */
export function csvField(v: unknown): string {
  let s: string;
  if (typeof v === 'number') return numberText(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') s = v;
  else if (typeof v === 'bigint') return String(v);
  else s = JSON.stringify(v) ?? '';
  s = neutralise(s);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row, newline-terminated. */
export function csvRow(fields: readonly unknown[]): string {
  return `${fields.map(csvField).join(',')}\n`;
}

/** Header row, then every row. */
export function csvTable(header: readonly unknown[], rows: Iterable<readonly unknown[]>): string {
  let out = csvRow(header);
  for (const r of rows) out += csvRow(r);
  return out;
}

/**
 * Column-wise numbers (frames) as CSV: a header of the keys, then row i of every column. A key
 * with no column, or a column shorter than `count`, gives empty fields there.
 */
export function columnsCsv(keys: readonly string[], columns: Readonly<Record<string, ArrayLike<number> | undefined>>, count: number): string {
  const cols = keys.map((k) => columns[k]);
  let out = csvRow(keys);
  for (let i = 0; i < count; i++) out += csvRow(cols.map((c) => (c && i < c.length ? c[i] : NaN)));
  return out;
}
