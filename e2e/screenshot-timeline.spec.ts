import { expect, test } from './fixtures';

/**
 * Refreshes docs/screenshot-timeline.png (the README's picture of the timeline): a traced transmit
 * run, 16 sender CPUs turning into mp_ring consumers, shown at the bottleneck's moment with one
 * slice's tooltip. `RINGLAB_SCREENSHOT=1 npx playwright test screenshot-timeline`; skipped otherwise.
 */
test.skip(!process.env.RINGLAB_SCREENSHOT, 'set RINGLAB_SCREENSHOT=1 to refresh the docs/ screenshots');

test('screenshot of the timeline', async ({ page }) => {
  test.setTimeout(120_000);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1360, height: 900 });
  await page.goto('/?fps=0');
  await page.getByTestId('preset').selectOption('ixl-40g-kernel-tx');
  await page.getByTestId('knob-sim.duration_ms').fill('3');
  await page.getByTestId('knob-sim.trace').check();
  await page.getByTestId('run').click();
  await expect(page.getByTestId('timeline-canvas')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('bottleneck-link').click();
  const canvas = page.getByTestId('timeline-canvas');
  await expect(canvas).toBeFocused();
  await page.keyboard.press('Escape');
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  const box = (await canvas.boundingBox())!;
  // hover a slice of the fourth CPU, a third of the way in
  for (let k = 0; k < 30; k++) {
    await page.mouse.move(box.x + 124 + (box.width - 124) * (0.3 + k / 100), box.y + 22 + 3 * 26 + 14);
    if (Number(await page.getByTestId('timeline').getAttribute('data-hover')) >= 0) break;
  }
  await expect(page.getByTestId('timeline-tip')).toBeVisible();
  await page.getByTestId('trace-panel').screenshot({ path: 'docs/screenshot-timeline.png' });
});
