/**
 * CLI fuzzer (in-process runCli): random argument lists from flags, knob paths, values of every
 * kind, hostile strings and share links. The CLI must not throw, must exit 0, 2 or 3 (never 1, an
 * internal error), must print problems as `ringlab: …` lines free of control characters (a link
 * cannot rewrite the terminal), and exit 0 only with something on stdout. Every case gets a short
 * duration and --max-wall-s, so it stays quick.
 */
import { KNOBS, PRESETS, defaultScenario, encodeLink, setPath } from '../src/engine';
import { Prng } from '../src/engine/prng';
import { FLAGS } from '../src/cli/args';
import { runCli } from '../src/cli/run';

export interface CliFuzzResult {
  total: number;
  byCode: Record<number, number>;
  failures: string[];
}

const HOSTILE = ['<script>alert(1)</script>', '\u001b[2J\u001b]0;pwned\u0007', 'a\u202eb', '\r\n', '0x10', '1e1', ' 12 ', '-0', '12345678901234567890', 'NaN', '', '=', '..', ':log:0', '$(id)'];
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const pick = <T>(r: Prng, xs: readonly T[]): T => xs[r.below(xs.length)]!;

function value(r: Prng): string {
  const k = pick(r, KNOBS);
  const kind = r.below(4);
  if (kind === 0) return pick(r, HOSTILE);
  if (k.kind === 'choice') return String(pick(r, k.options));
  if (k.kind === 'bool') return pick(r, ['true', 'false', '1', 'maybe']);
  return String(kind === 1 ? k.min : kind === 2 ? k.max + 1 : k.default);
}

function argvFor(r: Prng): string[] {
  const argv: string[] = [];
  const short = setPath(defaultScenario(), 'sim.duration_ms', 0.1);
  for (let n = 1 + r.below(5); n > 0; n--) {
    const f = pick(r, FLAGS);
    const which = r.below(10);
    if (which === 0) argv.push(pick(r, HOSTILE));
    else if (f.name === '--set') argv.push('--set', `${pick(r, KNOBS).path}=${value(r)}`);
    else if (f.name === '--preset') argv.push('--preset', r.below(4) ? pick(r, PRESETS).name : pick(r, HOSTILE));
    else if (f.name === '--link') argv.push('--link', r.below(3) ? encodeLink({ scenario: short, ...(r.below(2) ? { baseline: short } : {}) }) : `#v4.${pick(r, HOSTILE)}`);
    else if (f.name === '--sweep') argv.push('--sweep', r.below(2) ? `traffic.load=0.1..${pick(r, ['1', '1.2:3', '0x1', '9'])}` : pick(r, HOSTILE));
    else if (f.name === '--help' || f.name === '--version' || f.name === '--list-knobs' || f.name === '--list-presets') {
      if (r.below(4) === 0) argv.push(f.name);
    } else if (f.value) argv.push(f.name, r.below(2) ? pick(r, ['json', 'csv', 'text', '2', '64', 'lro-flows']) : pick(r, HOSTILE));
    else argv.push(f.name);
  }
  return [...argv, '--set', 'sim.duration_ms=0.1', '--max-wall-s', '2', '--quiet'];
}

export function fuzzCli(seed: number, n: number): CliFuzzResult {
  const r = new Prng(seed);
  const out: CliFuzzResult = { total: 0, byCode: {}, failures: [] };
  for (let i = 0; i < n; i++) {
    const argv = argvFor(r);
    const where = `seed ${seed} #${i} ${JSON.stringify(argv)}`;
    let stdout = '';
    let stderr = '';
    let code: number;
    try {
      code = runCli(argv, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
    } catch (e) {
      out.failures.push(`${where}: threw ${String(e)}`);
      continue;
    }
    out.total++;
    out.byCode[code] = (out.byCode[code] ?? 0) + 1;
    if (![0, 2, 3].includes(code)) out.failures.push(`${where}: exit ${code}`);
    if (code === 0 && stdout === '') out.failures.push(`${where}: exit 0 with nothing on stdout`);
    if (CONTROL.test(stderr)) out.failures.push(`${where}: control characters on stderr: ${JSON.stringify(stderr.slice(0, 200))}`);
    for (const line of stderr.split('\n').filter(Boolean)) if (!/^(ringlab: | {2})/.test(line)) out.failures.push(`${where}: stray stderr line ${JSON.stringify(line.slice(0, 120))}`);
  }
  return out;
}
