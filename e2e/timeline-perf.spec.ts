import { writeFileSync } from 'node:fs';
import { expect, test } from './fixtures';

/**
 * How fast the timeline draws a large trace: a transmit preset's 16 CPUs traced over 9 ms, about
 * 100k events. Measured in headless Chromium: one draw of the whole trace and of a zoomed view,
 * then the frames per second and the draw times while panning by drag and zooming by wheel from a
 * quarter of the trace.
 * A benchmark, not a test: `npm run bench -- --trace --ui` runs it and prints the figures (no
 * bounds here; speed figures never gate CI), so it runs only when RINGLAB_TIMELINE_PERF_OUT is set.
 *
 *   RINGLAB_TIMELINE_PERF_OUT=/tmp/tl.json E2E_PORT=4204 npx playwright test e2e/timeline-perf.spec.ts
 */

declare global {
  interface Window {
    __tl?: { draws: number[]; rafs: number[] };
  }
}

test('timeline drawing figures with ~100k events', async ({ page }) => {
  const out = process.env.RINGLAB_TIMELINE_PERF_OUT;
  test.skip(!out, 'a benchmark: npm run bench -- --trace --ui');
  test.setTimeout(180_000);
  await page.goto('/?fps=0');
  await page.getByTestId('preset').selectOption('ixl-40g-kernel-tx');
  const knobs: [string, string][] = [['sim.duration_ms', '11'], ['sim.trace_from_us', '1000'], ['sim.trace_us', '9000']];
  for (const [k, v] of knobs) await page.getByTestId(`knob-${k}`).fill(v);
  await page.getByTestId('knob-sim.trace').check();
  await page.getByTestId('run').click();
  const tl = page.getByTestId('timeline');
  await expect(tl).toBeVisible({ timeout: 120_000 });
  const events = Number(await tl.getAttribute('data-events'));
  expect(events).toBeGreaterThan(90_000);
  await page.evaluate(() => {
    const el = document.querySelector('[data-testid="timeline"]') as HTMLElement;
    const probe = { draws: [] as number[], rafs: [] as number[] };
    window.__tl = probe;
    new MutationObserver(() => probe.draws.push(Number(el.dataset.drawMs))).observe(el, { attributes: true, attributeFilter: ['data-draw-ms'] });
    const tick = (t: number) => {
      probe.rafs.push(t);
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  const drawMs = async () => Number(await tl.getAttribute('data-draw-ms'));
  const canvas = page.getByTestId('timeline-canvas');
  await canvas.focus();
  await page.keyboard.press('0');
  await page.waitForTimeout(300);
  const full = await drawMs();
  for (let k = 0; k < 6; k++) await page.keyboard.press('+');
  await page.waitForTimeout(300);
  const zoomed = await drawMs();
  // pan and zoom from a quarter of the trace (~25k events in view), so a drag moves the view
  await page.keyboard.press('0');
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await page.waitForTimeout(300);

  const box = (await canvas.boundingBox())!;
  const y = box.y + 40;
  const measure = async (act: () => Promise<void>) => {
    const [t0, d0, r0] = await page.evaluate(() => [performance.now(), window.__tl!.draws.length, window.__tl!.rafs.length]);
    await act();
    const [t1, draws, rafs] = await page.evaluate(([a, b]) => [performance.now(), window.__tl!.draws.slice(a), window.__tl!.rafs.length - b!], [d0, r0]);
    const ds = (draws as number[]).sort((a, b) => a - b);
    return { fps: ((rafs as number) / ((t1 as number) - (t0 as number))) * 1000, p50: ds[ds.length >> 1] ?? 0, max: ds[ds.length - 1] ?? 0, draws: ds.length };
  };
  const pan = await measure(async () => {
    await page.mouse.move(box.x + box.width * 0.8, y);
    await page.mouse.down();
    for (let k = 0; k < 60; k++) await page.mouse.move(box.x + box.width * (0.8 - (0.6 * k) / 60), y);
    await page.mouse.up();
  });
  const zoom = await measure(async () => {
    await page.mouse.move(box.x + box.width * 0.5, y);
    for (let k = 0; k < 40; k++) await page.mouse.wheel(0, k < 20 ? -120 : 120);
  });
  const rows = Number(await tl.getAttribute('data-rows'));
  const figures = { events, rows, draw_full_ms: full, draw_zoomed_ms: zoomed, pan_fps: pan.fps, pan_draw_p50_ms: pan.p50, pan_draw_max_ms: pan.max, pan_draws: pan.draws, zoom_fps: zoom.fps, zoom_draw_p50_ms: zoom.p50 };
  console.log(`timeline perf: ${JSON.stringify(figures)}`);
  writeFileSync(out!, `${JSON.stringify(figures)}\n`);
  expect(pan.draws).toBeGreaterThan(5); // the drag redrew the canvas
});
