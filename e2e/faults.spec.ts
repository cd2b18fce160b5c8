import type { Page, Worker } from '@playwright/test';
import { expect, framesCount, test } from './fixtures';

/**
 * Faults in the engine Worker, injected from the test through Playwright's handle on the worker
 * (no fault switch in the app): an uncaught exception mid-run, the worker ending itself mid-run,
 * an endless loop in the worker (caught by the always-on heartbeat), and runs over a wall-time
 * budget (`?budget_ms=`). Each time the page must say what happened, replace the worker, and run
 * normally afterwards.
 */

/** The one engine worker of the page (started on the first run). */
async function engineWorker(page: Page): Promise<Worker> {
  await expect.poll(() => page.workers().length).toBe(1);
  return page.workers()[0]!;
}

/** Start a paced run and wait until it is visibly going. */
async function startSlowRun(page: Page): Promise<void> {
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'running');
  await expect.poll(() => framesCount(page)).toBeGreaterThan(3);
}

/** The page is usable: a short run at full speed completes, on a fresh worker. */
async function expectUsable(page: Page, old: Worker): Promise<void> {
  await expect.poll(() => page.workers().includes(old), { message: 'the old worker is gone' }).toBe(false);
  await page.getByTestId('knob-sim.duration_ms').fill('2');
  await page.getByTestId('pace').selectOption('0');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('summary')).toBeVisible();
  await expect(page.getByTestId('frames-count')).toHaveAttribute('data-count', '200');
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect.poll(() => page.workers().length).toBe(1);
}

test('a worker that throws mid-run is reported, replaced, and the next run works', async ({ page }) => {
  await page.goto('/?fps=25');
  await startSlowRun(page);
  const worker = await engineWorker(page);
  // An uncaught exception in the worker's global scope, as an engine bug outside the run loop would throw.
  await worker.evaluate(() => {
    setTimeout(() => {
      throw new Error('injected fault');
    }, 0);
  });
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'error');
  const banner = page.getByTestId('run-error');
  await expect(banner).toBeVisible();
  await expect(banner).toHaveAttribute('role', 'alert');
  await expect(banner).toContainText('The simulation worker crashed');
  await expect(banner).toContainText('injected fault');
  await expect(banner).toContainText('restarted');
  // The stream stopped.
  const frozen = await framesCount(page);
  await page.waitForTimeout(400);
  expect(await framesCount(page)).toBe(frozen);
  await expectUsable(page, worker);
});

test('a worker that ends mid-run without an error is noticed, replaced, and the next run works', async ({ page }) => {
  await page.goto('/?fps=25');
  await startSlowRun(page);
  const worker = await engineWorker(page);
  // The worker closes itself: no error event reaches the page (the browser killing it looks the same).
  await worker.evaluate(() => {
    setTimeout(() => (self as unknown as { close(): void }).close(), 0);
  });
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'error', { timeout: 5000 });
  await expect(page.getByTestId('run-error')).toContainText('stopped unexpectedly');
  await expectUsable(page, worker);
});

test('a run over its wall-time budget stops with a message', async ({ page }) => {
  // 200 frames at 25 frames/s take 8 s; the budget is 1.5 s.
  await page.goto('/?fps=25&budget_ms=1500');
  const t0 = Date.now();
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'error', { timeout: 6000 });
  const took = Date.now() - t0;
  await expect(page.getByTestId('run-error')).toContainText(/stopped at [\d.]+ of 20 ms simulated: it used up its wall-time budget of 1500 ms/);
  expect(took).toBeGreaterThanOrEqual(1400);
  const frames = await framesCount(page);
  expect(frames).toBeGreaterThan(10);
  expect(frames).toBeLessThan(200);
  await page.waitForTimeout(500);
  expect(await framesCount(page)).toBe(frames);
  // Inside the budget, a run completes (same worker: it stopped the run itself).
  const worker = await engineWorker(page);
  await page.getByTestId('pace').selectOption('0');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('frames-count')).toHaveAttribute('data-count', '200');
  expect(page.workers()).toEqual([worker]);
});

test('a run with billions of packets per frame still stops at its budget by itself: engine steps are bounded', async ({ page }) => {
  await page.goto('/?fps=0&budget_ms=500');
  // 600 s simulated at 1.5× the 100G line rate: each of the 200 frames is 3 s of traffic, some
  // 670 M packets and tens of seconds of engine work. The worker works in slices of at most 1024
  // events (an event: at most 256 arrivals), so it reads its clock inside the frame and stops the
  // run at the budget itself, on the same worker.
  await page.getByTestId('knob-traffic.workload').selectOption('ring');
  await page.getByTestId('knob-nic.link_gbps').selectOption('100');
  await page.getByTestId('knob-traffic.load').fill('1.5');
  await page.getByTestId('knob-sim.duration_ms').fill('600000');
  await page.getByTestId('run').click();
  const worker = await engineWorker(page);
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'error', { timeout: 8000 });
  await expect(page.getByTestId('run-error')).toContainText('wall-time budget of 500 ms');
  await expect(page.getByTestId('run-error')).not.toContainText('did not stop by itself');
  await expect(page.getByTestId('run-error')).toContainText(/stopped at [\d.]+ of 600000 ms simulated/);
  // The page answered throughout (the engine runs in the worker, the tab never froze).
  expect(await page.evaluate(() => 1 + 1)).toBe(2);
  expect(page.workers()).toEqual([worker]);
});

test('a worker that hangs mid-run (no ?budget_ms) is detected by the heartbeat; the page says so and Restart runs again', async ({ page }) => {
  await page.goto('/?fps=25');
  await startSlowRun(page);
  const worker = await engineWorker(page);
  // An endless loop in the worker: it never returns to its event loop, so it answers nothing.
  await worker.evaluate(() => {
    setTimeout(() => {
      for (;;) {
        /* hang */
      }
    }, 0);
  });
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'error', { timeout: 20_000 });
  const banner = page.getByTestId('run-error');
  await expect(banner).toContainText('The simulation worker stopped answering: no reply for 10 s');
  await expect(banner).toContainText('press Restart');
  const frozen = await framesCount(page);
  expect(frozen).toBeGreaterThan(3);
  expect(frozen).toBeLessThan(200);
  await expect.poll(() => page.workers().includes(worker), { message: 'the hung worker is terminated' }).toBe(false);
  // Restart: the same scenario again, on a fresh worker.
  await page.getByTestId('pace').selectOption('0');
  await banner.getByTestId('restart-run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('frames-count')).toHaveAttribute('data-count', '200');
  await expect(page.getByTestId('run-error')).toHaveCount(0);
  await expect.poll(() => page.workers().length).toBe(1);
});
