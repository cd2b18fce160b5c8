import { expect, test } from './fixtures';

test('per-queue, per-CPU, drops and cycles charts fill in, without dots, and each shows its table', async ({ page }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('preset').selectOption('fewer-queues-than-cores');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('summary')).toBeVisible();

  const queues = page.getByTestId('chart-queues');
  await expect(queues.locator('path.recharts-line-curve')).toHaveCount(4);
  await expect(queues.locator('.recharts-line-dots')).toHaveCount(0);
  await expect(page.getByTestId('chart-queues-legend').locator('li')).toHaveCount(4);
  const points = Number(await queues.getAttribute('data-points'));
  expect(points).toBeGreaterThan(0);
  expect(points).toBeLessThanOrEqual(400);

  const drops = page.getByTestId('chart-drops');
  await expect(drops).toHaveAttribute('data-series', '1');
  await expect(drops.locator('.recharts-area-area')).toHaveCount(1);
  await expect(drops).toContainText('rx_ring: RX rings full');

  const cpu = page.getByTestId('chart-cpu');
  await expect(cpu).toHaveAttribute('data-series', '24');
  await expect(cpu.locator('svg path').first()).toBeVisible();
  await expect(cpu).toContainText('CPU 0');

  const cycles = page.getByTestId('chart-cycles');
  await expect(cycles).toHaveAttribute('data-cpus', '24');
  // One path per stage that has cycles, each holding that stage's segment of every CPU's bar.
  await expect.poll(async () => Number(await cycles.getAttribute('data-stages'))).toBeGreaterThan(2);
  await expect(cycles.locator('path.cycles-stage')).toHaveCount(Number(await cycles.getAttribute('data-stages')));

  // Every chart has a table toggle that shows the same data as rows.
  const expected: Record<string, number> = { 'chart-rate': 200, 'chart-queues': 200, 'chart-drops': 200, 'chart-cpu': 100, 'chart-cycles': 24, 'chart-tx_ring_occupancy': 200, 'chart-latency_us': 200 };
  for (const [id, rows] of Object.entries(expected)) {
    const toggle = page.getByTestId(`${id}-table-toggle`);
    await expect(toggle, id).toHaveAttribute('aria-pressed', 'false');
    await toggle.click();
    await expect(toggle, id).toHaveAttribute('aria-pressed', 'true');
    const table = page.getByTestId(`${id}-table`);
    await expect(table, id).toBeVisible();
    await expect(table.locator('tbody tr'), id).toHaveCount(rows);
    await expect(table.locator('thead th').first(), id).not.toBeEmpty();
    await toggle.click();
    await expect(table, id).toHaveCount(0);
  }
  // The CPU table row for CPU 0 at the end says 100 % busy; the cycles table lists rxeof.
  await page.getByTestId('chart-cycles-table-toggle').click();
  await expect(page.getByTestId('chart-cycles-table').locator('thead')).toContainText('rxeof (iflib_rxeof)');
});

test('the ring workload draws its drops from the total and has no per-queue or per-CPU charts', async ({ page }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('preset').selectOption('overload-40g');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('summary')).toBeVisible();
  await expect(page.getByTestId('chart-drops')).toHaveAttribute('data-series', '1');
  await expect(page.getByTestId('chart-queues')).toHaveCount(0);
  await expect(page.getByTestId('chart-cpu')).toHaveCount(0);
  await expect(page.getByTestId('chart-cycles')).toHaveCount(0);
  await expect(page.getByTestId('path-diagram')).toHaveAttribute('data-saturated-stage', 'tx_ring');
});
