import type { Page } from '@playwright/test';
import { defaultScenario, encodeLink, findPreset, presetScenario, runScenario, setPath, type Scenario, type Summary } from '../src/engine';
import { expect, test } from './fixtures';

/**
 * The same scenario gives the same result in Node (the CLI, the tests) and in Chromium (the page's
 * Worker): for several presets with a short duration, the summary computed here in Node and the
 * one the page holds after opening the preset's share link deep-equal each other, apart from
 * wall_ms, and so do the 200 recorded frames of every series.
 *
 * Known gap: Math.log (and exp, pow, …) differ in the last bit for some inputs between Node 20's
 * V8 and Chromium's, and the engine draws Poisson gaps and burst sizes with Math.log (prng.ts).
 * Random-arrival scenarios therefore can differ in the last bits of time-weighted figures (frame
 * means, latency means, occupancies). The last test pins one such case and is expected to fail
 * while the two Math.log differ; it starts passing (and must then lose its test.fail) once the
 * engine computes its logarithm itself.
 */

const SHORT_MS = 2;

const PRESET_CASES = ['fwd-ix-82599-e5v4', 'fwd-mlx5-cx4lx-e5v4', 'ixl-40g-netmap-tx', 'ixl-40g-kernel-tx', 'bursty-small-ring', 'overload-40g'];

function preset(name: string): Scenario {
  const p = findPreset(name);
  if (!p) throw new Error(`no preset ${name}`);
  return presetScenario(p);
}

const CASES: [string, Scenario][] = [['default', defaultScenario()] as [string, Scenario], ...PRESET_CASES.map((n): [string, Scenario] => [n, preset(n)])].map(
  ([name, s]): [string, Scenario] => [name, setPath(s, 'sim.duration_ms', SHORT_MS)],
);

const withoutWall = (s: Summary) => ({ ...s, wall_ms: 0 });

/** Open the scenario's share link, run it at full speed, and read the result from the page's store. */
async function runInPage(page: Page, scenario: Scenario) {
  const link = encodeLink({ scenario });
  await page.goto(`/?fps=0${link}`);
  await expect(page.getByTestId('knob-sim.duration_ms')).toHaveValue(String(scenario.sim.duration_ms));
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
    const node = runScenario(scenario);
    const browser = await runInPage(page, scenario);
    expect(withoutWall(browser.summary)).toEqual(withoutWall(node.summary));

    // Every frame of every series the engine recorded.
    expect(browser.count).toBe(node.frames.columns.t_ms!.length);
    const randomArrivals = scenario.traffic.arrival !== 'constant';
    let inexact = 0;
    for (const [key, col] of Object.entries(node.frames.columns)) {
      const want = Array.from(col);
      const got = browser.columns[key];
      expect(got, `series ${key}`).toHaveLength(want.length);
      if (!randomArrivals) {
        expect(got, `series ${key}`).toEqual(want); // numbers compared with Object.is: bit for bit
        continue;
      }
      // Random arrivals go through Math.log (see the note above): equal to 1e-9 relative.
      want.forEach((w, i) => {
        const g = got![i]!;
        if (Object.is(g, w)) return;
        inexact++;
        expect(Math.abs(g - w), `series ${key}, frame ${i}: ${g} vs ${w}`).toBeLessThanOrEqual(1e-9 * Math.max(Math.abs(w), 1e-300));
      });
    }
    if (inexact) test.info().annotations.push({ type: 'inexact frames', description: `${inexact} frame values differ in the last bits (Math.log)` });
  });
}

test('Node and Chromium give the same result: Poisson arrivals, 10 ms (known gap: Math.log)', async ({ page }) => {
  // Does this Chromium's Math.log agree with this Node's? (Node 20 vs Chromium 156: 7% of inputs differ.)
  const xs = Array.from({ length: 20_000 }, (_, i) => 1 - (i + 0.5) / 20_000);
  const nodeLogs = xs.map(Math.log);
  const pageLogs = await page.evaluate((v) => v.map(Math.log), xs);
  const differ = nodeLogs.filter((x, i) => !Object.is(x, pageLogs[i])).length;
  test.info().annotations.push({ type: 'Math.log', description: `${differ} of ${xs.length} results differ between Node ${process.versions.v8} and the page` });
  test.fail(differ > 0, 'Math.log differs between Node and Chromium; the engine uses it for Poisson gaps (prng.ts)');

  const scenario = setPath(setPath(preset('line-rate-10g-64b'), 'traffic.arrival', 'poisson'), 'sim.duration_ms', 10);
  const node = runScenario(scenario);
  const browser = await runInPage(page, scenario);
  expect(withoutWall(browser.summary)).toEqual(withoutWall(node.summary));
});
