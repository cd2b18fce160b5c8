import { PRESETS } from '../src/engine';
import { expect, test } from './fixtures';

/** A scenario with something to see (a saturated stage and drops), falling back to the defaults. */
const PRESET = PRESETS.find((p) => p.name === 'fewer-queues-than-cores');

/**
 * Refreshes docs/screenshot.png (the README picture: the top of the page after a run, with the
 * packet-path diagram and the first charts) and docs/screenshot-diagram.png (the diagram alone):
 * `RINGLAB_SCREENSHOT=1 npx playwright test screenshot`. Skipped in normal runs so the suite never
 * writes into docs/.
 */
test('screenshot of the page after a run', async ({ page }) => {
  test.skip(!process.env.RINGLAB_SCREENSHOT, 'set RINGLAB_SCREENSHOT=1 to refresh docs/screenshot.png');
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1360, height: 900 });
  await page.goto('/?fps=0');
  if (PRESET) {
    await page.getByTestId('tab-presets').click();
    await page.getByTestId(`preset-card-${PRESET.name}`).click();
  } else {
    await page.getByTestId('run').click();
  }
  await expect(page.getByTestId('summary')).toBeVisible();
  await page.mouse.move(0, 0);
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  // Down to the per-queue and drops charts: the diagram and the live charts, not the whole summary.
  const bottom = await page.evaluate(() =>
    Math.max(...['chart-queues', 'chart-drops'].map((id) => document.querySelector(`[data-testid="${id}"]`)?.getBoundingClientRect().bottom ?? 0)) + window.scrollY,
  );
  await page.screenshot({ path: 'docs/screenshot.png', fullPage: true, clip: { x: 0, y: 0, width: 1360, height: Math.ceil(bottom + 4) } });
  const box = (await page.getByTestId('path-diagram').boundingBox())!;
  await page.screenshot({ path: 'docs/screenshot-diagram.png', fullPage: true, clip: { x: box.x - 14, y: box.y - 12, width: box.width + 28, height: box.height + 24 } });
});
