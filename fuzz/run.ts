/**
 * `npm run fuzz [-- --links N --scenarios N --cli N --seed S]`: the probe that tried to break
 * ringlab, as one command — share links through decodeLink, random scenarios run twice
 * (determinism, conservation, event-sliced runs), random command lines through the CLI. Prints
 * what it tried and what broke; exit 1 on any failure (each failure names the seed and input that
 * replay it). The test suite runs the same fuzzers at CI size (src/engine/fuzz.test.ts).
 */
import { fuzzCli } from './cli';
import { SLOW_MS, fuzzLinks } from './links';
import { fuzzScenarios } from './scenarios';

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return dflt;
  const v = Number(process.argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) {
    process.stderr.write(`fuzz: --${name} needs a whole number, not ${JSON.stringify(process.argv[i + 1] ?? '')}\n`);
    process.exit(2);
  }
  return v;
}

const seed = arg('seed', 20_241);
const nLinks = arg('links', 20_000);
const nScenarios = arg('scenarios', 1500);
const nCli = arg('cli', 2000);
const s = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
let failed = 0;
const show = (what: string, failures: string[]) => {
  failed += failures.length;
  for (const f of failures.slice(0, 10)) process.stdout.write(`  FAIL ${what}: ${f}\n`);
  if (failures.length > 10) process.stdout.write(`  … and ${failures.length - 10} more\n`);
};

process.stdout.write(`fuzz: seed ${seed}\n`);
let t0 = performance.now();
const l = fuzzLinks(seed, nLinks);
process.stdout.write(`links      ${l.total} decoded: ${l.opened} opened, ${l.refused} refused, ${l.headlines.length} distinct headlines, slowest ${l.slowest.toFixed(1)} ms, ${l.slow} over ${SLOW_MS} ms, ${l.failures.length} failures (${s(t0)})\n`);
show('link', l.failures);
t0 = performance.now();
const sc = fuzzScenarios(seed, nScenarios);
process.stdout.write(`scenarios  ${sc.total} run twice (${sc.packets.toLocaleString('en-US')} packets, ${Math.ceil(sc.total / 8)} also event-sliced, ${sc.redrawn} draws broke a cross-knob rule and were redrawn), longest run ${sc.maxRunMs.toFixed(0)} ms, ${sc.failures.length} failures (${s(t0)})\n`);
show('scenario', sc.failures);
t0 = performance.now();
const c = fuzzCli(seed, nCli);
process.stdout.write(`cli        ${c.total} command lines: exit ${Object.entries(c.byCode).map(([k, v]) => `${k} ×${v}`).join(', ')}, ${c.failures.length} failures (${s(t0)})\n`);
show('cli', c.failures);
process.stdout.write(failed ? `fuzz: ${failed} failures\n` : 'fuzz: no failures\n');
process.exitCode = failed ? 1 : 0;
