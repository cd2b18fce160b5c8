import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { MAX_SWEEP_RUNS, defaultScenario, encodeLink, planSweep, type SweepDef } from '../src/engine';
import { expect, test } from './fixtures';

/**
 * How busy the page's main thread is, as figures for `npm run bench -- --ui` (docs/PERFORMANCE.md,
 * "UI main thread"). CI runs these specs too, but asserts only behaviour (runs streamed, every
 * keystroke landed in the form): speed on a shared, loaded machine is not a pass/fail matter.
 *
 * 1. While a run streams: a forwarding preset (24 RX queues on 24 CPUs, so every live chart has
 *    plenty to draw) at the default pace (100 frames/s, 30 batches/s), re-run back to back so the
 *    page streams for the whole window. Over a fixed window we record PerformanceObserver
 *    'longtask' entries (main-thread tasks over 50 ms) and count requestAnimationFrame callbacks.
 * 2. Typing with a 2000-run sweep defined: the main thread's work per keystroke in a form field
 *    (Event Timing: the wait before its first handler plus every handler of the key, with the
 *    React render they run; the browser reports a key only when its next paint came 16 ms or
 *    more after it), and from the key event to the task after the next frame (the page's own
 *    probe, every keystroke; it includes the wait for the next frame, up to 16.7 ms at 60 Hz).
 *
 *   E2E_PORT=4182 npx playwright test e2e/perf.spec.ts
 */

const PRESET = 'fwd-mlx5-cx4lx-e5v4';
const WINDOW_MS = 5000;

interface PerfEvent {
  name: string;
  start: number;
  duration: number;
  processingStart: number;
  processingEnd: number;
}

declare global {
  interface Window {
    __perf?: { longtasks: { start: number; duration: number }[]; rafs: number[]; events: PerfEvent[]; keys: number[] };
  }
}

async function installProbes(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const probe = { longtasks: [] as { start: number; duration: number }[], rafs: [] as number[], events: [] as PerfEvent[], keys: [] as number[] };
    window.__perf = probe;
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) probe.longtasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as PerformanceEventTiming[]) {
          probe.events.push({ name: e.name, start: e.startTime, duration: e.duration, processingStart: e.processingStart, processingEnd: e.processingEnd });
        }
      }).observe({ type: 'event', durationThreshold: 16, buffered: true } as PerformanceObserverInit);
    } catch {
      // no longtask / event timing support: the tests report it below
    }
    const tick = (t: number) => {
      probe.rafs.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
    // A keystroke's latency: from its event's time stamp to the task after the next frame (the
    // frame that shows its result has been produced by then).
    document.addEventListener(
      'keydown',
      (e) => {
        const t = e.timeStamp;
        requestAnimationFrame(() => setTimeout(() => probe.keys.push(performance.now() - t), 0));
      },
      { capture: true },
    );
  });
}

/** Adds `part` to the figures file `npm run bench -- --ui` reads (RINGLAB_UI_PERF_OUT). */
function writeFigures(part: Record<string, unknown>): void {
  const out = process.env.RINGLAB_UI_PERF_OUT;
  if (!out) return;
  const prev = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>) : {};
  writeFileSync(out, `${JSON.stringify({ ...prev, ...part })}\n`);
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};

test('a forwarding run streams back to back (figures: fps, long tasks)', async ({ page }) => {
  test.setTimeout(90_000);
  await installProbes(page);
  await page.goto('/');
  expect(await page.evaluate(() => PerformanceObserver.supportedEntryTypes.includes('longtask')), 'longtask entries are supported').toBe(true);
  await page.getByTestId('tab-presets').click();
  // Warm-up run (loads the chart bundle and the worker, JIT-compiles the engine); not measured.
  await page.getByTestId(`preset-card-${PRESET}`).click();
  await expect(page.getByTestId('summary')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('pace')).toHaveValue('100');

  // The window: runs back to back (a new one as soon as the last is done), so frames stream
  // throughout, with the end of each run (summary, cycles chart) inside the window too.
  const t0 = await page.evaluate(() => performance.now());
  let runs = 0;
  while ((await page.evaluate(() => performance.now())) - t0 < WINDOW_MS) {
    if ((await page.getByTestId('status').getAttribute('data-status')) !== 'running') {
      await page.getByTestId('run').click();
      runs++;
    }
    await page.waitForTimeout(50);
  }
  const t1 = await page.evaluate(() => performance.now());

  const r = await page.evaluate(
    ([a, b]) => {
      const p = window.__perf!;
      const tasks = p.longtasks.filter((x) => x.start >= a! && x.start < b!);
      const rafs = p.rafs.filter((t) => t >= a! && t < b!);
      let gap = 0;
      for (let i = 1; i < rafs.length; i++) gap = Math.max(gap, rafs[i]! - rafs[i - 1]!);
      return {
        longest: tasks.reduce((m, x) => Math.max(m, x.duration), 0),
        over50: tasks.length,
        totalLong: tasks.reduce((s, x) => s + x.duration, 0),
        fps: (rafs.length / (b! - a!)) * 1000,
        worstGap: gap,
        tasks: tasks.map((x) => Math.round(x.duration)),
      };
    },
    [t0, t1],
  );
  const line =
    `perf (${PRESET}, 100 frames/s, ${runs} runs started in ${((t1 - t0) / 1000).toFixed(1)} s): ` +
    `longest task ${r.longest.toFixed(0)} ms, tasks > 50 ms: ${r.over50} (${r.totalLong.toFixed(0)} ms in all), ` +
    `fps ${r.fps.toFixed(1)}, worst frame gap ${r.worstGap.toFixed(0)} ms`;
  console.log(line);
  if (r.tasks.length > 0) console.log(`perf: long tasks (ms): ${r.tasks.join(', ')}`);
  writeFigures({ preset: PRESET, window_s: (t1 - t0) / 1000, runs, fps: r.fps, longest_task_ms: r.longest, long_tasks: r.over50, long_task_total_ms: r.totalLong, worst_frame_gap_ms: r.worstGap });
  // Behaviour only: runs streamed in the window and the page painted while they did.
  expect(runs, 'the window saw runs streaming').toBeGreaterThanOrEqual(2);
  expect(r.fps, 'the page painted frames while runs streamed').toBeGreaterThan(0);
});

test('typing in the form with a 2000-run sweep defined (figures: latency per keystroke)', async ({ page }) => {
  test.setTimeout(120_000);
  await installProbes(page);
  // 1000 points of the offered load × 2 series: the largest sweep a link may carry.
  const sweep: SweepDef = { spec: 'traffic.load=0.05..1.5:1000', series: [{ label: 'one', set: {} }, { label: 'two', set: { 'traffic.flows': 64 } }], y: 'delivered_pps' };
  const plan = planSweep(defaultScenario(), sweep);
  expect(plan.ok && plan.value.runs.length).toBe(MAX_SWEEP_RUNS);
  await page.goto(`/?fps=0${encodeLink({ scenario: defaultScenario(), sweep })}`);
  // The link opens on the Sweep tab: the sweep editor is on screen and checks the sweep as the form changes.
  await expect(page.getByTestId('sweep-run')).toContainText(`${MAX_SWEEP_RUNS} runs`);
  const field = page.getByTestId('knob-traffic.flows');
  await field.click();
  await field.press('End');
  await page.waitForTimeout(300);
  await page.evaluate(() => {
    window.__perf!.keys.length = 0;
    window.__perf!.events.length = 0;
  });
  // 40 keystrokes 60 ms apart (a fast typist): a digit, then Backspace, 20 times, so every
  // keystroke makes a different valid scenario (2000 → 20001 → 2000 → 20002 …).
  const KEYS = 20;
  for (let i = 0; i < KEYS; i++) {
    await field.press(String((i % 9) + 1));
    await page.waitForTimeout(60);
    await field.press('Backspace');
    await page.waitForTimeout(60);
  }
  await page.waitForTimeout(400);
  // Behaviour: every keystroke landed, the form is back where it started, the link follows it.
  await expect(field).toHaveValue('2000');
  await expect(page.getByTestId('sweep-run')).toContainText(`${MAX_SWEEP_RUNS} runs`);
  await expect.poll(() => page.evaluate(() => window.location.hash)).toBe(encodeLink({ scenario: defaultScenario(), sweep }));
  const r = await page.evaluate(() => ({ keys: window.__perf!.keys.slice(), events: window.__perf!.events.slice() }));
  expect(r.keys.length, 'every keystroke was probed').toBe(2 * KEYS);
  // Per keystroke, from Event Timing: the main thread's work for it (every event handler of the
  // key: keydown, keypress, input, keyup, with the React render and commit they run) plus the
  // wait before the first handler could start (the thread busy with earlier work).
  const downs = r.events.filter((e) => e.name === 'keydown').sort((a, b) => a.start - b.start);
  const work = downs.map((d, i) => {
    const end = downs[i + 1]?.start ?? Infinity;
    const mine = r.events.filter((e) => e.start >= d.start && e.start < end && ['keydown', 'keypress', 'beforeinput', 'input', 'keyup'].includes(e.name));
    return d.processingStart - d.start + mine.reduce((n, e) => n + (e.processingEnd - e.processingStart), 0);
  });
  const line =
    `perf typing (${MAX_SWEEP_RUNS}-run sweep defined, ${r.keys.length} keystrokes): main-thread work per keystroke ` +
    `(Event Timing reports a key only when its next paint came 16 ms or more after it: ${work.length} of ${r.keys.length}) median ${quantile(work, 0.5).toFixed(1)} ms, p95 ${quantile(work, 0.95).toFixed(1)} ms, worst ${Math.max(...work).toFixed(1)} ms; ` +
    `key → next frame median ${quantile(r.keys, 0.5).toFixed(1)} ms, p95 ${quantile(r.keys, 0.95).toFixed(1)} ms, worst ${Math.max(...r.keys).toFixed(1)} ms`;
  console.log(line);
  writeFigures({
    typing: {
      sweep_runs: MAX_SWEEP_RUNS,
      keystrokes: r.keys.length,
      work_reported: work.length,
      work_median_ms: quantile(work, 0.5),
      work_p95_ms: quantile(work, 0.95),
      work_worst_ms: work.length ? Math.max(...work) : null,
      next_frame_median_ms: quantile(r.keys, 0.5),
      next_frame_p95_ms: quantile(r.keys, 0.95),
      next_frame_worst_ms: Math.max(...r.keys),
    },
  });
});
