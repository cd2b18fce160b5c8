import { expect, test } from './fixtures';

/** The live LRO chart: shown for receive runs with LRO, beside the packet-rate chart. */

test('a sorted-LRO run draws the LRO aggregation chart beside the packet rate, its values at least 1 and most above', async ({ page }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('preset').selectOption('lro-many-flows-sorted');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('summary')).toBeVisible();

  const lro = page.getByTestId('chart-lro');
  await expect(lro).toBeVisible();
  await expect(lro.locator('figcaption')).toContainText('LRO aggregation (packets per segment to tcp_input');
  await expect(lro.locator('.recharts-label', { hasText: 'packets/segment' })).toBeVisible();
  await expect(lro.locator('path.recharts-line-curve')).toHaveCount(1);
  // Values: packets per segment, more than 1 (the sort brings a connection's packets together).
  await expect.poll(async () => Number(await lro.getAttribute('data-max'))).toBeGreaterThan(1);
  await expect.poll(async () => Number(await lro.getAttribute('data-points'))).toBeGreaterThan(0);
  // Beside the packet-rate chart, on the same row.
  const rateBox = (await page.getByTestId('chart-rate').boundingBox())!;
  const lroBox = (await lro.boundingBox())!;
  expect(Math.abs(lroBox.y - rateBox.y)).toBeLessThan(4);
  expect(lroBox.x).toBeGreaterThan(rateBox.x + rateBox.width - 1);

  // The tooltip names the kernel functions.
  const plot = (await lro.locator('.recharts-cartesian-grid').boundingBox())!;
  await page.mouse.move(plot.x + plot.width * 0.5, plot.y + plot.height * 0.5);
  await expect(lro.locator('.lro-tooltip')).toContainText('tcp_lro_flush');
  await expect(lro.locator('.lro-tooltip')).toContainText('tcp_lro_rx');
  await page.mouse.move(0, 0);

  // The table: one row per frame with a flush, with its unit; no value below 1, and most frames
  // above it (a frame where the queue keeps going idle flushes single packets: the idle flush,
  // docs/MODEL.md §3, when LRO flushes; 16 of 200 frames with fit14's constants)
  await page.getByTestId('chart-lro-table-toggle').click();
  const table = page.getByTestId('chart-lro-table');
  await expect(table.locator('thead')).toContainText('packets/segment');
  const values = await table.locator('tbody tr td').allTextContents();
  expect(values.length).toBeGreaterThan(0);
  for (const v of values) expect(Number(v)).toBeGreaterThanOrEqual(1);
  expect(values.filter((v) => Number(v) > 1).length).toBeGreaterThan(0.5 * values.length);
  // The summary has the run's figure too.
  expect(Number(await page.getByTestId('summary-lro.aggregation').textContent())).toBeGreaterThan(1);
});

test('runs without LRO have no LRO chart', async ({ page }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('preset').selectOption('line-rate-10g-64b');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('summary')).toBeVisible();
  await expect(page.getByTestId('chart-lro')).toHaveCount(0);
  await expect(page.getByTestId('chart-rate')).toBeVisible();
});
