/**
 * lz-string's `decompressFromEncodedURIComponent` (lz-string 1.5.0, the format every share link
 * uses), reimplemented with a cap on the output: decoding stops as soon as the text would pass
 * `maxChars`, so a 16 kB hostile link (which lz-string inflates to ~32 MB before anyone can look
 * at the size) costs at most `maxChars` of work and memory. lz-string has no streaming or bounded
 * API, and a bound computed from the input is useless (n codes can expand to O(n²) characters).
 *
 * The format, as lz-string writes it: 6 bits per character of the URI-safe alphabet, read least
 * significant bit first within each character's value (MSB of the 6 bits first); LZW codes of
 * a width that starts at 3 bits and grows by one each time the dictionary reaches the next power
 * of two; code 0 = a literal 8-bit character follows, 1 = a literal 16-bit one, 2 = end of stream,
 * anything else = a dictionary entry (or the entry being defined, KwKwK). The dictionary here is
 * the classic LZW one: each entry is (its prefix entry, its last code unit), so no strings are
 * built until the end; the output is UTF-16 code units, exactly as lz-string returns them.
 *
 * Results are those of LZString.decompressFromEncodedURIComponent (checked against the library
 * on random, mutated and truncated inputs in lzdecode.test.ts): `''` for a stream that ends
 * early, `null` for an invalid code or an empty input; the one difference is a stream whose first
 * code is 3, which no encoder writes: null here, text with `undefined` spliced in there.
 */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

export type BoundedText = { ok: true; text: string | null } | { ok: false; tooLarge: true };

/** Dictionary codes 0–2 are the three control codes; entries start at 3. */
const FIRST_ENTRY = 3;

export function decompressFromURIComponentBounded(input: string, maxChars: number): BoundedText {
  if (input === '') return { ok: true, text: null };
  const src = input.replace(/ /g, '+');
  const length = src.length;
  // A character outside the alphabet reads as 0, as in lz-string (getBaseValue → undefined → 0).
  const valueAt = (i: number): number => {
    const c = src.charCodeAt(i);
    return c < 128 && VALUE[c]! >= 0 ? VALUE[c]! : 0;
  };
  let val = valueAt(0);
  let position = 32;
  let index = 1;
  const readBits = (n: number): number => {
    let bits = 0;
    for (let power = 1, k = 0; k < n; k++, power <<= 1) {
      const bit = val & position;
      position >>= 1;
      if (position === 0) {
        position = 32;
        val = index < length ? valueAt(index) : 0;
        index++;
      }
      if (bit) bits |= power;
    }
    return bits;
  };

  // Entry e (≥ FIRST_ENTRY): prefix[e] (an entry, or -1 for a one-unit entry), unit[e] its last
  // code unit, first[e] its first code unit, len[e] its length.
  let cap = 1024;
  let prefix = new Int32Array(cap);
  let unit = new Uint16Array(cap);
  let first = new Uint16Array(cap);
  let len = new Int32Array(cap);
  let dictSize = FIRST_ENTRY;
  const add = (p: number, u: number): void => {
    if (dictSize === cap) {
      cap *= 2;
      const grow32 = (a: Int32Array) => { const b = new Int32Array(cap); b.set(a); return b; };
      const grow16 = (a: Uint16Array) => { const b = new Uint16Array(cap); b.set(a); return b; };
      prefix = grow32(prefix);
      len = grow32(len);
      unit = grow16(unit);
      first = grow16(first);
    }
    prefix[dictSize] = p;
    unit[dictSize] = u;
    first[dictSize] = p < 0 ? u : first[p]!;
    len[dictSize] = p < 0 ? 1 : len[p]! + 1;
    dictSize++;
  };

  let out = new Uint16Array(Math.min(4096, Math.max(0, maxChars)));
  let outLen = 0;
  /** Append entry e; false when that would pass maxChars. */
  const emit = (e: number): boolean => {
    const n = len[e]!;
    if (outLen + n > maxChars) return false;
    if (outLen + n > out.length) {
      const b = new Uint16Array(Math.min(maxChars, Math.max(2 * out.length, outLen + n)));
      b.set(out.subarray(0, outLen));
      out = b;
    }
    for (let i = outLen + n - 1, x = e; i >= outLen; i--, x = prefix[x]!) out[i] = unit[x]!;
    outLen += n;
    return true;
  };
  const tooLarge: BoundedText = { ok: false, tooLarge: true };

  let enlargeIn = 4;
  let numBits = 3;
  const grew = () => {
    if (--enlargeIn === 0) {
      enlargeIn = 1 << numBits;
      numBits++;
    }
  };
  const head = readBits(2);
  if (head === 2) return { ok: true, text: '' };
  // A first code of 3 is no literal: no encoder writes it (lz-string itself then puts
  // `undefined` in its dictionary and returns text no encoder made). Damaged, here.
  if (head === 3) return { ok: true, text: null };
  add(-1, readBits(head === 0 ? 8 : 16));
  let w = dictSize - 1;
  if (!emit(w)) return tooLarge;

  for (;;) {
    if (index > length) return { ok: true, text: '' };
    let c = readBits(numBits);
    if (c === 2) return { ok: true, text: text() };
    if (c === 0 || c === 1) {
      add(-1, readBits(c === 0 ? 8 : 16));
      c = dictSize - 1;
      grew();
    }
    let entry: number;
    if (c < dictSize) {
      entry = c;
      if (!emit(entry)) return tooLarge;
      add(w, first[entry]!);
    } else if (c === dictSize) {
      // KwKwK: the code of the entry being defined, w followed by w's first unit.
      add(w, first[w]!);
      entry = dictSize - 1;
      if (!emit(entry)) return tooLarge;
    } else return { ok: true, text: null };
    w = entry;
    grew();
  }

  function text(): string {
    let s = '';
    for (let i = 0; i < outLen; i += 8192) s += String.fromCharCode(...out.subarray(i, Math.min(outLen, i + 8192)));
    return s;
  }
}
