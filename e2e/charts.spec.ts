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
  // The engine's name for the location, with FreeBSD's counter on hover.
  await expect(drops).toContainText('rx_ring: RX descriptor ring full');
  await expect(page.getByTestId('chart-drops-legend').locator('li').first()).toHaveAttribute('title', /missed_packets/);

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
  await expect(page.getByTestId('chart-cycles-table').locator('thead')).toContainText('rxeof');
  await page.getByTestId('chart-cycles-table-toggle').click();
  // The cost per packet: one row per stage that costs anything, the total, one per CPU.
  const cost = page.getByTestId('chart-cost');
  const stages = Number(await cost.getAttribute('data-stages'));
  expect(stages).toBeGreaterThan(3);
  await expect(cost.locator('.cost-row')).toHaveCount(stages);
  await page.getByTestId('chart-cost-table-toggle').click();
  await expect(page.getByTestId('chart-cost-table').locator('tbody tr')).toHaveCount(stages + 1 + 24);
  await expect(page.getByTestId('chart-cost-table').locator('tbody')).toContainText('lock / CAS contention');
});

test('the ring workload draws its TX ring drops and has no per-queue, per-CPU or cost charts', async ({ page }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('preset').selectOption('overload-40g');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('summary')).toBeVisible();
  await expect(page.getByTestId('chart-drops')).toHaveAttribute('data-series', '1');
  await expect(page.getByTestId('chart-queues')).toHaveCount(0);
  await expect(page.getByTestId('chart-cpu')).toHaveCount(0);
  await expect(page.getByTestId('chart-cycles')).toHaveCount(0);
  await expect(page.getByTestId('chart-cost')).toHaveCount(0);
  await expect(page.getByTestId('chart-drops')).toContainText('tx_ring: TX descriptor ring full');
  await expect(page.getByTestId('path-diagram')).toHaveAttribute('data-saturated-stage', 'tx_ring');
});

/** 1, 2 or 5 × 10^k (or 0). */
function isRound(x: number): boolean {
  if (x === 0) return true;
  const m = Math.abs(x) / 10 ** Math.floor(Math.log10(Math.abs(x)) + 1e-9);
  return [1, 2, 5, 10].some((r) => Math.abs(m - r) < 1e-6);
}

test('a series that swings from frame to frame is drawn as its columns\' means inside a band of their range', async ({ page }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('preset').selectOption('ixl-40g-netmap-tx');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  // The frames themselves swing widely (pkt-gen's txsync batches against the 100 µs frame clock)…
  const raw = await page.evaluate(() => {
    const col = window.__ringlab!.getState().frames.columns.offered_pps!;
    const xs = Array.from(col.subarray(20));
    return { min: Math.min(...xs) / 1e6, max: Math.max(...xs) / 1e6 };
  });
  expect(raw.max - raw.min, `offered per frame ${raw.min}–${raw.max} Mpps`).toBeGreaterThan(30);
  // …the offered line (dashed 6 3) is drawn as column means, inside a band (its colour) that
  // reaches the frames' range; the line swings less than the band.
  const rate = page.getByTestId('chart-rate');
  const offered = rate.locator('path.recharts-line-curve[stroke-dasharray="6 3"]');
  await expect(offered).toHaveCount(1);
  const color = (await offered.getAttribute('stroke'))!;
  const band = rate.locator(`path.recharts-area-area[fill="${color}"]`);
  await expect(band).toHaveCount(1);
  const plot = (await rate.locator('.recharts-cartesian-grid').boundingBox())!;
  const mppsPerPx = Number(await rate.locator('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value').last().textContent()) / plot.height;
  const line = (await offered.boundingBox())!;
  const area = (await band.boundingBox())!;
  expect(area.height * mppsPerPx, 'the band\'s extent, Mpps').toBeGreaterThan(0.8 * (raw.max - raw.min));
  expect(line.y).toBeGreaterThanOrEqual(area.y - 2);
  expect(line.y + line.height).toBeLessThanOrEqual(area.y + area.height + 2);
  expect(line.height).toBeLessThan(area.height);
  await expect(page.getByTestId('chart-rate-legend')).toContainText('shaded: the range of the frames behind each point');
});

test('24 queues are drawn as their range, median and busiest three; ticks are round; legends sit above the plots', async ({ page }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('preset').selectOption('fwd-mlx5-cx4lx-e5v4');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  const queues = page.getByTestId('chart-queues');
  await expect(queues).toHaveAttribute('data-summary', 'true');
  await expect(queues.locator('path.recharts-line-curve')).toHaveCount(4); // the median and the busiest three
  await expect(queues.locator('.recharts-area-area')).toHaveCount(1);
  const legend = page.getByTestId('chart-queues-legend');
  await expect(legend).toContainText('range over the 24 RX queues');
  await expect(legend).toContainText('median RX queue');
  await expect(legend).toContainText('busiest: RX queue');
  await expect(legend).toContainText('all 24 in the table');
  // The table still has all 24 queues.
  await page.getByTestId('chart-queues-table-toggle').click();
  await expect(page.getByTestId('chart-queues-table').locator('thead th')).toHaveCount(25);
  await page.getByTestId('chart-queues-table-toggle').click();

  for (const id of ['chart-rate', 'chart-queues', 'chart-drops', 'chart-tx_ring_occupancy', 'chart-latency_us']) {
    const chart = page.getByTestId(id);
    for (const axis of ['xAxis', 'yAxis']) {
      const ticks = (await chart.locator(`.recharts-${axis}-tick-labels .recharts-cartesian-axis-tick-value`).allTextContents()).map(Number);
      expect(ticks.length, `${id} ${axis}`).toBeGreaterThanOrEqual(2);
      const step = Number((ticks[1]! - ticks[0]!).toPrecision(6));
      expect(isRound(step), `${id} ${axis} ticks ${ticks.join(', ')}`).toBe(true);
      for (const t of ticks) expect(Number.isInteger(Number((t / step).toFixed(6))), `${id} ${axis}: ${t} is a multiple of ${step}`).toBe(true);
    }
    // The legend (HTML, above the plot) never reaches into it.
    const lg = chart.locator('.chart-legend');
    if ((await lg.count()) > 0) {
      const lb = (await lg.boundingBox())!;
      const plot = (await chart.locator('.recharts-surface').first().boundingBox())!;
      expect(lb.y + lb.height, `${id}: legend bottom vs plot top`).toBeLessThanOrEqual(plot.y + 1);
    }
  }
  // The heat strip's time ticks are round too.
  const heatTicks = await page.getByTestId('chart-cpu').locator('svg > g > text').allTextContents();
  expect(heatTicks.map(Number)).toEqual([0, 5, 10, 15, 20]);
});

test('the heat strip says how it reads in each theme', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/?fps=0');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('chart-cpu')).toContainText('darker = busier');
  await page.getByTestId('theme-toggle').click();
  await expect(page.getByTestId('chart-cpu')).toContainText('brighter = busier');
  await expect(page.getByTestId('chart-cpu')).not.toContainText('darker = busier');
});
