import { FRAME_SERIES, defaultScenario } from '../src/engine';
import { expect, framesCount, status, summaryValues, test } from './fixtures';

const DEFAULT_MS = String(defaultScenario().sim.duration_ms);
/** Run-total packet rates (pps) drawn on the packet-rate chart. */
const RATE_SERIES = FRAME_SERIES.filter((s) => s.unit === 'pps').length;

test('the page loads with the title, the form and an idle chart', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle('ringlab — iflib packet-path lab');
  await expect(page.getByRole('heading', { name: 'ringlab' })).toBeVisible();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'idle');
  await expect(page.getByTestId('run')).toBeEnabled();
  await expect(page.getByTestId('frames-count')).toHaveAttribute('data-count', '0');
  await expect(page.getByTestId('summary')).toHaveCount(0);
});

test('run: the chart grows while running, then the summary appears', async ({ page }) => {
  await page.goto('/?fps=25'); // 200 frames in about 8 s: time to sample mid-run even on a loaded machine
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'running');

  const curve = page.locator('[data-testid="chart-rate"] path.recharts-line-curve').first();
  // Sample while running: the frame counter and the drawn line must both grow.
  const counts: number[] = [];
  const pathLengths: number[] = [];
  for (let i = 0; i < 40 && counts.length < 3; i++) {
    const n = await framesCount(page);
    if (n > 0 && n < 200 && (await status(page)) === 'running') {
      const d = (await curve.getAttribute('d')) ?? '';
      if (counts.length === 0 || n > counts[counts.length - 1]!) {
        counts.push(n);
        pathLengths.push(d.length);
      }
    }
    await page.waitForTimeout(150);
  }
  expect(counts.length, `frame counts seen while running: ${counts.join(', ')}`).toBeGreaterThanOrEqual(3);
  expect(pathLengths[2]!).toBeGreaterThan(pathLengths[0]!);

  await expect(page.getByTestId('summary')).toBeVisible();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('frames-count')).toHaveAttribute('data-count', '200');
  const s = await summaryValues(page);
  expect(s.engine).toMatch(/^ringlab-engine@\d+\.\d+\.\d+/);
  for (const key of ['offered_pps', 'tx_pps', 'line_rate_pps', 'drops.total', 'packets_simulated']) {
    expect(s[key], key).toMatch(/^\d{1,3}(,\d{3})*$/);
  }
  for (const key of ['latency_us.mean', 'latency_us.p50', 'latency_us.p99']) expect(s[key], key).toMatch(/^[\d.,]+$/);
  expect(s.simulated_ms).toBe(DEFAULT_MS);
  await expect(page.getByTestId('progress')).toContainText(`${DEFAULT_MS} / ${DEFAULT_MS} ms simulated (100 %)`);
  await expect(page.getByTestId('run-pace')).toContainText(/took .+ · [\d.]+× real time/);
  // Every series is drawn, without dots.
  await expect(page.locator('[data-testid="chart-rate"] path.recharts-line-curve')).toHaveCount(RATE_SERIES);
  await expect(page.getByTestId('summary-bottleneck')).not.toBeEmpty();
  await expect(page.locator('[data-testid="chart-rate"] .recharts-line-dots')).toHaveCount(0);
});

test('pause stops the stream, resume continues it, reset clears the run', async ({ page }) => {
  await page.goto('/?fps=10'); // 20 s for a full run: time to pause even on a loaded machine
  await page.getByTestId('run').click();
  await expect.poll(() => framesCount(page)).toBeGreaterThan(3);

  await page.getByTestId('pause').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'paused');
  await expect(page.getByTestId('pause')).toHaveCount(0);
  await page.waitForTimeout(300); // a batch already on its way may still land
  const frozen = await framesCount(page);
  await page.waitForTimeout(1000);
  expect(await framesCount(page)).toBe(frozen);

  await page.getByTestId('resume').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'running');
  await expect.poll(() => framesCount(page)).toBeGreaterThan(frozen);

  await page.getByTestId('reset').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'idle');
  await expect(page.getByTestId('frames-count')).toHaveAttribute('data-count', '0');
  await page.waitForTimeout(500);
  await expect(page.getByTestId('frames-count')).toHaveAttribute('data-count', '0');
  await expect(page.getByTestId('summary')).toHaveCount(0);
  await expect(page.getByTestId('reset')).toBeDisabled();

  // The engine is still usable after a reset.
  await page.getByTestId('pace').selectOption('0');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('summary')).toBeVisible();
  await expect(page.getByTestId('frames-count')).toHaveAttribute('data-count', '200');
});

test('Run while a run is in progress restarts it', async ({ page }) => {
  await page.goto('/?fps=25');
  await page.getByTestId('run').click();
  await expect.poll(() => framesCount(page)).toBeGreaterThan(5);
  await page.getByTestId('pace').selectOption('0');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('summary')).toBeVisible();
  await expect(page.getByTestId('frames-count')).toHaveAttribute('data-count', '200');
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
});

test('reset and pause stay responsive while the engine is deep inside one long frame', async ({ page }) => {
  await page.goto('/?fps=0');
  // 600 s simulated: every frame is 3 s of traffic, seconds of engine work each.
  await page.getByTestId('knob-traffic.workload').selectOption('ring');
  await page.getByTestId('knob-sim.duration_ms').fill('600000');
  await page.getByTestId('run').click();
  // Hours of engine time: the page asks first (e2e/feedback.spec.ts); run it anyway.
  await page.getByTestId('long-run-run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'running');
  await page.waitForTimeout(500);
  await page.getByTestId('pause').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'paused');
  await page.getByTestId('reset').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'idle', { timeout: 3000 });
  // The stuck worker was replaced: a normal run works straight away.
  await page.getByTestId('knob-sim.duration_ms').fill('1');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('summary')).toBeVisible({ timeout: 10_000 });
  await expect(page.getByTestId('summary-simulated_ms')).toHaveText('1');
});
