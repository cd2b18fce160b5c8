import { PRESETS } from '../src/engine';
import { expect, test } from './fixtures';

/** A scenario with something to see (a bottleneck and drops), falling back to the defaults. */
const PRESET = PRESETS.find((p) => p.name === 'fewer-queues-than-cores');

/**
 * Refreshes docs/screenshot.png (the README picture): `RINGLAB_SCREENSHOT=1 npx playwright test screenshot`.
 * Skipped in normal runs so the suite never writes into docs/.
 */
test('screenshot of the page after a run', async ({ page }) => {
  test.skip(!process.env.RINGLAB_SCREENSHOT, 'set RINGLAB_SCREENSHOT=1 to refresh docs/screenshot.png');
  await page.setViewportSize({ width: 1360, height: 900 });
  await page.goto('/?fps=0');
  if (PRESET) await page.getByTestId('preset').selectOption(PRESET.name);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('summary')).toBeVisible();
  await page.mouse.move(0, 0);
  await page.screenshot({ path: 'docs/screenshot.png', fullPage: true });
});
