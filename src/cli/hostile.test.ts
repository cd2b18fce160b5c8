/**
 * The CLI under bad and hostile input (in-process): every numeric knob out of range on either side
 * exits 2 naming the knob and its allowed range; non-numbers, NaN and Infinity are refused the
 * same way; a hostile share link cannot write terminal control sequences to stderr.
 * (cli.test.ts spawns the real binary for one out-of-range case; args.test.ts covers messages.)
 */
import LZString from 'lz-string';
import { describe, expect, it } from 'vitest';
import { KNOBS, defaultScenario } from '../engine';
import { runCli, terminalSafe } from './run';

function cli(argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runCli(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const SHORT = ['--set', 'sim.duration_ms=0.1'];
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('CLI: out-of-range and malformed knob values', () => {
  const numeric = KNOBS.filter((k) => k.kind === 'int' || k.kind === 'number');

  it.each(numeric.map((k) => [k.path, k] as const))('%s: below and above its range exits 2 naming the range', (path, k) => {
    if (k.kind !== 'int' && k.kind !== 'number') return;
    const range = `(allowed ${k.min}–${k.max})`;
    const below = k.min - (k.kind === 'int' ? 1 : k.min > 0 ? k.min / 2 : 1);
    for (const [value, bound] of [[below, 'at least'], [k.max + 1, 'at most'], [k.max * 1000 + 1, 'at most']] as const) {
      const r = cli(['--set', `${path}=${value}`, ...SHORT]);
      expect(r.code, `${path}=${value}`).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toContain(`${path} must be ${bound} ${bound === 'at least' ? k.min : k.max} ${range}`);
    }
    for (const junk of ['NaN', 'Infinity', '-Infinity', '1e999', 'ten', '', '1,5', '<script>']) {
      const r = cli(['--set', `${path}=${junk}`, ...SHORT]);
      expect(r.code, `${path}=${junk}`).toBe(2);
      expect(r.err).toMatch(new RegExp(`${path.replace(/\./g, '\\.')} must be a (whole )?number from ${k.min} to ${k.max}`));
    }
  });

  it('choice and on/off knobs name what they allow', () => {
    for (const k of KNOBS) {
      if (k.kind === 'choice') {
        const r = cli(['--set', `${k.path}=<img src=x onerror=alert(1)>`, ...SHORT]);
        expect(r.code, k.path).toBe(2);
        expect(r.err).toContain(`${k.path} must be one of ${k.options.map(String).join(' | ')}`);
      } else if (k.kind === 'bool') {
        const r = cli(['--set', `${k.path}=maybe`, ...SHORT]);
        expect(r.code, k.path).toBe(2);
        expect(r.err).toContain(`${k.path} must be true or false`);
      }
    }
  });

  it('a v1 link with an out-of-range value exits 2 naming the knob and range', () => {
    const v1 = { v: 1, scenario: { nic: { link_gbps: 10 }, queues: { tx_desc: 1024 }, traffic: { frame_bytes: 64, load: 7, arrival: 'constant' }, sim: { seed: 1, duration_ms: 1 } } };
    const r = cli(['--link', `#v1.${LZString.compressToEncodedURIComponent(JSON.stringify(v1))}`]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--link: This link asks for settings ringlab does not accept/);
    expect(r.err).toContain('traffic.load must be at most 1.5 (allowed 0–1.5)');
  });
});

describe('CLI: a hostile link cannot drive the terminal', () => {
  it('shows control characters in echoed key names as escapes and cuts huge ones', () => {
    const evil = '\u001b]0;pwned\u0007\u001b[2J\u001b[31mRED\r\u202eevil';
    const scenario = { ...defaultScenario(), [evil]: 1, ['K'.repeat(20_000)]: 2 };
    const link = `#v2.${LZString.compressToEncodedURIComponent(JSON.stringify({ v: 2, scenario }))}`;
    const r = cli(['--link', link]);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown knob');
    expect(r.err).not.toMatch(CONTROL);
    // the engine echoes unknown keys as JSON escapes, cut at 40 characters (scenario.ts echoKey)
    expect(r.err).toContain('\\u001b]0;pwned\\u0007\\u001b[2J');
    expect(r.err).toContain('\\u202eevil');
    expect(r.err.length).toBeLessThan(3000);
    expect(r.err).toContain(`${'K'.repeat(40)}…`);
    expect(r.err).not.toContain('K'.repeat(41));
  });

  it('terminalSafe leaves ordinary text alone', () => {
    const plain = '--set traffic.load=2: traffic.load must be at most 1.5 (allowed 0–1.5) µs é 😀';
    expect(terminalSafe(plain)).toBe(plain);
    expect(terminalSafe('  a detail')).toBe('  a detail');
    expect(terminalSafe('tab\there')).toBe('tab\\u{9}here');
  });
});
