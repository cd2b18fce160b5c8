import type { Page } from '@playwright/test';
import { FRAMES_PER_RUN } from '../src/engine';
import { expect, test } from './fixtures';

/**
 * Numbers an engineer can trust while runs come and go: a new run drops the old figures at once,
 * a settings change marks the results out of date at the top, Done means every chart holds the
 * final frame, and a long run gives feedback (time left, real-time factor) and asks before it
 * starts.
 */

/** Every view that reports how many frames it draws (charts and the diagram). */
async function drawnFrames(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => {
    const out: Record<string, number> = {};
    for (const el of document.querySelectorAll<HTMLElement>('[data-frames]')) out[el.dataset.testid ?? '?'] = Number(el.dataset.frames);
    return out;
  });
}

test('a new run drops the previous run\'s figures the moment it starts', async ({ page }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('tab-presets').click();
  await page.getByTestId('preset-card-ixl-40g-kernel-tx').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  expect(Number(await page.getByTestId('stage-senders').getAttribute('data-rate'))).toBeGreaterThan(0);
  await expect(page.getByTestId('summary')).toBeVisible();
  // A slow next run, started by a click inside the page: what the page shows right after the
  // click's task (before any redraw slot of the throttled charts comes round).
  await page.getByTestId('pace').selectOption('25');
  const after = await page.evaluate(async () => {
    (document.querySelector('[data-testid="run"]') as HTMLButtonElement).click();
    await Promise.resolve();
    const rates = [...document.querySelectorAll<SVGGElement>('[data-testid^="stage-"]')].map((g) => g.getAttribute('data-rate'));
    const frames = [...document.querySelectorAll<HTMLElement>('[data-frames]')].map((el) => Number(el.dataset.frames));
    return { rates, frames, summary: document.querySelectorAll('[data-testid="summary"]').length, status: document.querySelector('[data-testid="status"]')!.getAttribute('data-status') };
  });
  expect(after.status).toBe('running');
  expect(after.summary, 'the old summary is gone').toBe(0);
  expect(after.rates.every((r) => r === ''), `stage rates right after Run: ${after.rates.join(', ')}`).toBe(true);
  expect(after.frames.every((n) => n === 0), `frames drawn right after Run: ${after.frames.join(', ')}`).toBe(true);
  await page.getByTestId('reset').click();
});

test('a settings change after a run marks the results out of date at the top', async ({ page }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('out-of-date')).toHaveCount(0);
  await page.getByTestId('knob-traffic.flows').fill('64');
  const banner = page.getByTestId('out-of-date');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('Flows 2000 flows → 64 flows');
  // At the top: above the diagram and the charts.
  const top = (await banner.boundingBox())!.y;
  expect(top).toBeLessThan((await page.getByTestId('path-diagram').boundingBox())!.y);
  // Putting the run's settings back clears it.
  await page.getByTestId('out-of-date-restore').click();
  await expect(page.getByTestId('knob-traffic.flows')).toHaveValue('2000');
  await expect(banner).toHaveCount(0);
  // Running the new settings clears it too.
  await page.getByTestId('knob-traffic.flows').fill('64');
  await page.getByTestId('out-of-date-run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(banner).toHaveCount(0);
});

test('the status says Done only when every chart and the diagram hold the final frame', async ({ page }) => {
  await page.goto('/?fps=100');
  // The moment the pill turns Done, note what every view draws.
  await page.evaluate(() => {
    const pill = document.querySelector('[data-testid="status"]')!;
    const w = window as unknown as { __atDone?: Record<string, number>[] };
    w.__atDone = [];
    new MutationObserver(() => {
      if (pill.getAttribute('data-status') !== 'done') return;
      const seen: Record<string, number> = {};
      for (const el of document.querySelectorAll<HTMLElement>('[data-frames]')) seen[el.dataset.testid ?? '?'] = Number(el.dataset.frames);
      w.__atDone!.push(seen);
    }).observe(pill, { attributes: true, attributeFilter: ['data-status'] });
  });
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  const atDone = await page.evaluate(() => (window as unknown as { __atDone: Record<string, number>[] }).__atDone);
  expect(atDone.length).toBeGreaterThan(0);
  const views = atDone[0]!;
  for (const id of ['path-diagram', 'chart-rate', 'chart-queues', 'chart-drops', 'chart-cpu', 'chart-tx_ring_occupancy', 'chart-latency_us']) {
    expect(views[id], `${id} when the pill said Done`).toBe(FRAMES_PER_RUN);
  }
  expect(await drawnFrames(page)).toEqual(views);
});

test('a long run asks first, then shows the time left and the real-time factor as it runs', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('/?fps=0');
  // 200 s simulated of 10G forwarding: about 3 G packets, minutes of engine time.
  await page.getByTestId('knob-sim.duration_ms').fill('200000');
  await page.getByTestId('run').click();
  const question = page.getByTestId('long-run');
  await expect(question).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'confirm');
  await expect(question).toContainText(/This run will take about (\d+ min|\d+ h)/);
  await expect(question).toContainText('Estimated from a trial run of the same settings');
  expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('long-run-shorten');
  await expect(page.getByTestId('frames-count')).toHaveAttribute('data-count', '0');

  // Not running it leaves everything as it was.
  await page.getByTestId('long-run-cancel').click();
  await expect(question).toHaveCount(0);
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'idle');
  await expect(page.getByTestId('knob-sim.duration_ms')).toHaveValue('200000');

  // Shorten: the form shows the new duration (the button said which).
  await page.getByTestId('run').click();
  await expect(question).toBeVisible({ timeout: 30_000 });
  const label = (await page.getByTestId('long-run-shorten').textContent())!;
  const ms = /Shorten to ([\d,]+) ms/.exec(label)![1]!.replace(/,/g, '');
  expect(Number(ms)).toBeLessThan(200000);
  await page.getByTestId('long-run-shorten').click();
  await expect(page.getByTestId('knob-sim.duration_ms')).toHaveValue(ms);
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'running');
  await page.getByTestId('reset').click();

  // Run it all: while the first frame (a second of traffic) is computed, nothing says "Press Run".
  await page.getByTestId('knob-sim.duration_ms').fill('200000');
  await page.getByTestId('run').click();
  await expect(question).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('long-run-run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('chart-rate')).not.toContainText('Press Run');
  await expect(page.getByTestId('progress')).toContainText(/computing the first frame|left/);
  // From the first frame on: percent done, time left, real-time factor.
  await expect(page.getByTestId('run-pace')).toContainText(/about .+ left · [\d.]+(e-\d+)?× real time/, { timeout: 60_000 });
  await expect(page.getByTestId('progress')).toContainText(/ \/ 200000 ms simulated \(\d+ %\)/);
  await page.getByTestId('reset').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'idle');
});
