import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { decompressFromURIComponentBounded as bounded } from './lzdecode';
import { Prng } from './prng';
import { defaultScenario, setPath } from './scenario';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-$';
const BIG = 1 << 30;

/** What lz-string itself gives, in bounded's shape (no cap). */
function reference(input: string): string | null {
  return LZString.decompressFromEncodedURIComponent(input);
}

/** The first code of a stream (2 bits): 3 is the one case documented to differ. */
function headCode(input: string): number {
  const v = ALPHABET.indexOf(input.replace(/ /g, '+').charAt(0));
  const x = v < 0 ? 0 : v;
  return ((x & 32) ? 1 : 0) | ((x & 16) ? 2 : 0);
}

function same(input: string): void {
  const r = bounded(input, BIG);
  expect(r.ok, input.slice(0, 80)).toBe(true);
  if (!r.ok) return;
  if (headCode(input) === 3) expect(r.text).toBeNull();
  else expect(r.text, input.slice(0, 80)).toBe(reference(input));
}

describe('bounded lz-string decoding', () => {
  it('gives exactly what lz-string gives for real links, texts of every size and every code unit', () => {
    const r = new Prng(42);
    const texts = [
      '', 'a', 'ab', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'abababababababababab',
      JSON.stringify({ v: 4, scenario: defaultScenario() }),
      JSON.stringify({ v: 4, scenario: setPath(defaultScenario(), 'sim.seed', 123456), sweep: { spec: 'traffic.load=0.1..1', series: [{ label: 'тест 🚀 עברית', set: {} }], y: 'delivered_pps' } }),
      '\u0000\uffff\ud800\udc00 mixed \u00e9',
      'x'.repeat(70_000),
    ];
    for (let i = 0; i < 300; i++) {
      const n = r.below(i % 20 === 0 ? 5000 : 200);
      const pool = i % 3 === 0 ? 'ab' : i % 3 === 1 ? '{}[]":,0123456789abcdefghij' : '';
      texts.push(Array.from({ length: n }, () => (pool ? pool[r.below(pool.length)]! : String.fromCharCode(r.below(65536)))).join(''));
    }
    for (const t of texts) {
      const enc = LZString.compressToEncodedURIComponent(t);
      const got = bounded(enc, BIG);
      expect(got.ok && got.text).toBe(t);
      same(enc);
    }
  });

  it('agrees with lz-string on random, mutated and cut-off streams (damaged links)', () => {
    const r = new Prng(7);
    const good = LZString.compressToEncodedURIComponent(JSON.stringify({ v: 4, scenario: defaultScenario() }));
    for (let i = 0; i < 3000; i++) {
      let s: string;
      const k = i % 4;
      if (k === 0) s = Array.from({ length: 1 + r.below(300) }, () => ALPHABET[r.below(ALPHABET.length)]!).join('');
      else if (k === 1) s = good.slice(0, r.below(good.length + 1));
      else if (k === 2) {
        const chars = [...good];
        for (let e = 0; e < 1 + r.below(4); e++) chars[r.below(chars.length)] = ALPHABET[r.below(ALPHABET.length)]!;
        s = chars.join('');
      } else s = good + Array.from({ length: r.below(20) }, () => ALPHABET[r.below(ALPHABET.length)]!).join('') + (r.below(2) ? ' ' : '#');
      same(s);
    }
  });

  it('stops as soon as the output would pass the cap, without inflating the rest', () => {
    const json = `{"v":4,"scenario":${'['.repeat(200_000)}${']'.repeat(200_000)}}`;
    const enc = LZString.compressToEncodedURIComponent(json);
    expect(reference(enc)).toBe(json);
    // It answers "too large" from at most 65,536 characters of output (its buffer never grows past the cap).
    expect(bounded(enc, 65_536)).toEqual({ ok: false, tooLarge: true });
    // Exactly at the cap it still decodes; one character less and it refuses.
    const small = 'y'.repeat(1000);
    const e2 = LZString.compressToEncodedURIComponent(small);
    expect(bounded(e2, 1000)).toEqual({ ok: true, text: small });
    expect(bounded(e2, 999)).toEqual({ ok: false, tooLarge: true });
  });
});
