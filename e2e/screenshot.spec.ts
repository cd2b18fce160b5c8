import type { Page } from '@playwright/test';
import { PRESETS } from '../src/engine';
import { expect, test } from './fixtures';

/** A scenario with something to see (a saturated stage and drops), falling back to the defaults. */
const PRESET = PRESETS.find((p) => p.name === 'fewer-queues-than-cores');

/**
 * Refreshes the README pictures: docs/screenshot.png (the top of the page after a run, with the
 * packet-path diagram and the first charts), docs/screenshot-diagram.png (the diagram alone),
 * docs/screenshot-compare.png (a pinned baseline A against a run B) and docs/screenshot-sweep.png
 * (the Sweep tab after the built-in LRO flows sweep):
 * `RINGLAB_SCREENSHOT=1 npx playwright test screenshot` (with `E2E_PORT=N` to build and serve on
 * port N). Skipped in normal runs so the suite never writes into docs/.
 */
test.skip(!process.env.RINGLAB_SCREENSHOT, 'set RINGLAB_SCREENSHOT=1 to refresh the docs/ screenshots');

async function prepare(page: Page) {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1360, height: 900 });
}

/** No hover, no focus ring in the picture. */
async function settle(page: Page) {
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

test('screenshot of the page after a run', async ({ page }) => {
  await prepare(page);
  await page.goto('/?fps=0');
  if (PRESET) {
    await page.getByTestId('tab-presets').click();
    await page.getByTestId(`preset-card-${PRESET.name}`).click();
  } else {
    await page.getByTestId('run').click();
  }
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await settle(page);
  // Down to the per-queue and drops charts: the diagram and the live charts, not the whole summary.
  const bottom = await page.evaluate(() =>
    Math.max(...['chart-queues', 'chart-drops'].map((id) => document.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect().bottom ?? 0)) + window.scrollY,
  );
  await page.screenshot({ path: 'docs/screenshot.png', fullPage: true, clip: { x: 0, y: 0, width: 1360, height: Math.ceil(bottom + 4) } });
  const box = (await page.getByTestId('path-diagram').boundingBox())!;
  await page.screenshot({ path: 'docs/screenshot-diagram.png', fullPage: true, clip: { x: box.x - 14, y: box.y - 12, width: box.width + 28, height: box.height + 24 } });
});

test('screenshot of the compare view', async ({ page }) => {
  test.setTimeout(120_000);
  await prepare(page);
  await page.goto('/?fps=0');
  // A: the classic LRO table with 1000 connections; B: the sorted queue with a batch of 1024.
  await page.getByTestId('preset').selectOption('lro-many-flows-legacy');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('summary')).toBeVisible();
  await page.getByTestId('pin-baseline').click();
  await page.getByTestId('preset').selectOption('lro-many-flows-sorted');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('compare-table')).toBeVisible();
  await expect(page.getByTestId('chart-lro')).toHaveAttribute('data-points', /[1-9]/);
  // The picture puts the charts with A overlaid (packet rate, LRO, CPU time per packet) next to
  // the compare table: the charts in between (per queue, drops, CPUs, cycles, small charts) are
  // hidden for it, nothing else changes.
  // (Element styles through the CSSOM: the page's CSP refuses an injected <style>.)
  await page.evaluate(() => {
    for (const el of document.querySelectorAll<HTMLElement>('.charts > .chart-grid, [data-testid="chart-cpu"], [data-testid="chart-cycles"]')) el.style.display = 'none';
  });
  await settle(page);
  const top = await page.evaluate(() => document.querySelector('[data-testid="chart-rate"]')!.getBoundingClientRect().top + window.scrollY);
  const bottom = await page.evaluate(() => document.querySelector('[data-testid="compare"]')!.getBoundingClientRect().bottom + window.scrollY);
  const panel = (await page.locator('section.results').boundingBox())!;
  await page.screenshot({ path: 'docs/screenshot-compare.png', fullPage: true, clip: { x: panel.x, y: Math.floor(top - 12), width: panel.width, height: Math.ceil(bottom - top + 20) } });
});

test('screenshot of the LRO flows sweep', async ({ page }) => {
  test.setTimeout(300_000);
  await prepare(page);
  await page.goto('/?fps=0');
  const sweepTab = page.getByTestId('tab-sweep');
  test.skip((await sweepTab.count()) === 0, 'no Sweep tab in this build');
  await sweepTab.click();
  await page.getByTestId('sweep-builtin-lro-flows').click();
  // Its note lists the 16 settings the preset changed: kept, so the picture shows the sweep.
  await page.getByTestId('sweep-loaded-dismiss').click();
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-status', 'done', { timeout: 280_000 });
  // From the top: the settings column is sticky, so a scrolled page draws it part-way down.
  await page.evaluate(() => window.scrollTo(0, 0));
  await settle(page);
  const panel = (await page.locator('section.results').boundingBox())!;
  const bottom = await page.evaluate(() => document.querySelector('[data-testid="sweep-chart"]')!.getBoundingClientRect().bottom + window.scrollY);
  await page.screenshot({ path: 'docs/screenshot-sweep.png', fullPage: true, clip: { x: 0, y: 0, width: 1360, height: Math.ceil(Math.max(bottom, panel.y) + 16) } });
});
