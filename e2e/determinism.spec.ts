import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Page } from '@playwright/test';
import { build } from 'esbuild';
import { defaultScenario, encodeLink, findPreset, presetScenario, runScenario, setPath, type Scenario, type Summary } from '../src/engine';
import { expect, test } from './fixtures';
import { variateDigest, type VariateDigest } from './variates';

/**
 * The same share link gives the same result in Node (the CLI, the tests) and in Chromium (the
 * page's Worker), bit for bit: for each case the summary JSON that `npm run sim -- --link L
 * --format json` prints equals the page's summary for L, apart from wall_ms; so does the summary
 * runScenario gives in this Node process (compared as values, NaN and -0 included), and so do the
 * 200 recorded frames of every series. The cases cover constant, Poisson and bursty arrivals on
 * the ring, forward, transmit and receive (LRO) paths.
 *
 * Random arrivals draw exponential gaps and geometric burst sizes through a logarithm. Math.log is
 * implementation-approximated in ECMAScript and Node 20's V8 and Chromium's round some inputs
 * differently, so the engine computes its own (src/engine/detmath.ts, IEEE arithmetic only).
 */

const SHORT_MS = 2;

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function preset(name: string): Scenario {
  const p = findPreset(name);
  if (!p) throw new Error(`no preset ${name}`);
  return presetScenario(p);
}

const short = (s: Scenario): Scenario => setPath(s, 'sim.duration_ms', SHORT_MS);

const CASES: [string, Scenario][] = [
  ['default', short(defaultScenario())],
  ['fwd-ix-82599-e5v4', short(preset('fwd-ix-82599-e5v4'))],
  ['fwd-mlx5-cx4lx-e5v4', short(preset('fwd-mlx5-cx4lx-e5v4'))],
  ['ixl-40g-netmap-tx', short(preset('ixl-40g-netmap-tx'))],
  ['ixl-40g-kernel-tx', short(preset('ixl-40g-kernel-tx'))],
  ['lro-many-flows-sorted', short(preset('lro-many-flows-sorted'))],
  // Random arrivals: Poisson and bursty, on the ring and on the host paths.
  ['overload-40g (Poisson)', short(preset('overload-40g'))],
  ['bursty-small-ring (bursty)', short(preset('bursty-small-ring'))],
  ['fwd-ix-82599-e5v4, Poisson', short(setPath(preset('fwd-ix-82599-e5v4'), 'traffic.arrival', 'poisson'))],
  ['lro-many-flows-legacy, bursty', short(setPath(preset('lro-many-flows-legacy'), 'traffic.arrival', 'bursty'))],
  // Once the known gap: Node's and Chromium's Math.log gave different time-weighted figures here.
  ['line-rate-10g-64b, Poisson, 10 ms', setPath(setPath(preset('line-rate-10g-64b'), 'traffic.arrival', 'poisson'), 'sim.duration_ms', 10)],
];

const withoutWall = (s: Summary) => ({ ...s, wall_ms: 0 });

/** The summary JSON the CLI prints for this link, parsed. */
function runCli(link: string): Summary {
  const r = spawnSync(`${ROOT}node_modules/.bin/tsx`, ['src/cli/main.ts', '--link', link, '--format', 'json'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`sim --link ${link} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout) as Summary;
}

/** Open the scenario's share link, run it at full speed, and read the result from the page's store. */
async function runInPage(page: Page, link: string, durationMs: number) {
  await page.goto(`/?fps=0${link}`);
  await expect(page.getByTestId('knob-sim.duration_ms')).toHaveValue(String(durationMs));
  await expect(page.getByTestId('link-error')).toHaveCount(0);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  const got = await page.evaluate(() => {
    const st = window.__ringlab!.getState();
    const columns: Record<string, number[]> = {};
    for (const [k, v] of Object.entries(st.frames.columns)) columns[k] = Array.from(v);
    return { summary: st.summary, count: st.frames.count, columns };
  });
  expect(got.summary, 'the page has a summary').not.toBeNull();
  expect(got.summary!.link).toBe(link);
  return { ...got, summary: got.summary! };
}

for (const [name, scenario] of CASES) {
  test(`Node and Chromium give the same result: ${name}`, async ({ page }) => {
    const link = encodeLink({ scenario });
    const node = runScenario(scenario);
    const browser = await runInPage(page, link, scenario.sim.duration_ms);

    // The CLI's JSON and the page's summary, as JSON: numbers are printed shortest-round-trip, so
    // equal JSON is equal bits.
    const cli = runCli(link);
    expect(cli.link).toBe(link);
    expect(withoutWall(JSON.parse(JSON.stringify(browser.summary)) as Summary)).toEqual(withoutWall(cli));
    // This process's run and the page's, as values (NaN, -0 and Infinity survive here).
    expect(withoutWall(browser.summary)).toEqual(withoutWall(node.summary));

    // Every frame of every series the engine recorded, compared with Object.is: bit for bit.
    expect(browser.count).toBe(node.frames.columns.t_ms!.length);
    expect(Object.keys(browser.columns).sort()).toEqual(Object.keys(node.frames.columns).sort());
    for (const [key, col] of Object.entries(node.frames.columns)) {
      expect(browser.columns[key], `series ${key}`).toEqual(Array.from(col));
    }

    if (scenario.traffic.arrival !== 'constant') {
      // Not an assertion: how often this Chromium's Math.log and this Node's disagree, to show why
      // the engine does not use it.
      const xs = Array.from({ length: 20_000 }, (_, i) => 1 - (i + 0.5) / 20_000);
      const nodeLogs = xs.map(Math.log);
      const pageLogs = await page.evaluate((v) => v.map(Math.log), xs);
      const differ = nodeLogs.filter((x, i) => !Object.is(x, pageLogs[i])).length;
      test.info().annotations.push({ type: 'Math.log', description: `${differ} of ${xs.length} results differ between Node (V8 ${process.versions.v8}) and the page; the engine uses detmath.log` });
    }
  });
}

test('Node and Chromium draw the same random variates: the ziggurat exponential, its block fill, the arrival sources', async ({ page }) => {
  // e2e/variates.ts bundled for the page (esbuild, Vite's own bundler), run there and here.
  const bundle = await build({ entryPoints: [`${ROOT}e2e/variates.ts`], bundle: true, write: false, format: 'iife', globalName: 'ringlabVariates', platform: 'browser', logLevel: 'silent' });
  await page.setContent('<!doctype html><title>variates</title>');
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
  const seeds = [1, 42, 20261201], n = 200_000;
  const inPage = await page.evaluate(([s, k]) => (globalThis as unknown as { ringlabVariates: { variateDigest: (a: number[], b: number) => VariateDigest } }).ringlabVariates.variateDigest(s, k), [seeds, n] as [number[], number]);
  const inNode = variateDigest(seeds, n);
  expect(inPage).toEqual(inNode);
  // The rare branches were exercised: ~e^−r of the draws go to the tail (90 per 200k).
  expect(inNode.tail).toBeGreaterThan(150);
});
