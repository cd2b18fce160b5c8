import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { IFLIB_ONLY, validateChromeTrace } from '../src/engine';
import { expect, test } from './fixtures';

/** The timeline of a traced run: zoom, pan, hover, keyboard, dark mode, the download and the bottleneck link. */

async function tracedRun(page: Page, preset: string): Promise<void> {
  await page.goto('/?fps=0');
  await page.getByTestId('preset').selectOption(preset);
  await page.getByTestId('knob-sim.duration_ms').fill('3');
  await page.getByTestId('knob-sim.trace').check();
  await page.getByTestId('run').click();
  await expect(page.getByTestId('timeline-canvas')).toBeVisible({ timeout: 45_000 });
}

async function view(page: Page): Promise<{ t0: number; t1: number; selected: number; hover: number; drawn: number }> {
  const d = await page.getByTestId('timeline').evaluate((e) => ({ ...(e as HTMLElement).dataset }));
  return { t0: Number(d.viewT0), t1: Number(d.viewT1), selected: Number(d.selected), hover: Number(d.hover), drawn: Number(d.drawn) };
}

/** The canvas pixel at (x, y) CSS px, as #rrggbb. */
async function pixel(page: Page, x: number, y: number): Promise<string> {
  return page.getByTestId('timeline-canvas').evaluate((c, [px, py]) => {
    const cv = c as HTMLCanvasElement;
    const dpr = cv.width / cv.clientWidth;
    const [r, g, b] = cv.getContext('2d')!.getImageData(Math.round(px! * dpr), Math.round(py! * dpr), 1, 1).data;
    return `#${[r, g, b].map((v) => v!.toString(16).padStart(2, '0')).join('')}`;
  }, [x, y]);
}

test('a traced run shows every CPU\'s timeline; zoom, pan, hover and the keyboard work', async ({ page }) => {
  test.setTimeout(90_000);
  await tracedRun(page, 'fwd-ixl-x710-ryzen');
  const tl = page.getByTestId('timeline');
  const trace = await page.evaluate(() => window.__ringlab!.getState().summary!.trace!);
  await expect(tl).toHaveAttribute('data-events', String(trace.events));
  await expect(tl).toHaveAttribute('data-rows', '8'); // the Ryzen's 8 CPUs all forward
  await expect.poll(async () => (await view(page)).drawn).toBeGreaterThan(50);
  const v0 = await view(page);
  expect([v0.t0, v0.t1]).toEqual([trace.from_us * 1e3, trace.to_us * 1e3]);

  // zoom: + halves the span around the centre, − undoes it
  const canvas = page.getByTestId('timeline-canvas');
  await canvas.focus();
  await page.keyboard.press('+');
  await expect.poll(async () => { const v = await view(page); return v.t1 - v.t0; }).toBeCloseTo((v0.t1 - v0.t0) / 2, 3);
  await page.getByTestId('timeline-zoom-out').click();
  await expect.poll(async () => { const v = await view(page); return v.t1 - v.t0; }).toBeCloseTo(v0.t1 - v0.t0, 3);

  // wheel zoom keeps the time under the pointer in place
  const box = (await canvas.boundingBox())!;
  const px = box.x + 124 + (box.width - 124) * 0.25, py = box.y + 22 + 13;
  await page.mouse.move(px, py);
  const tAt = (v: { t0: number; t1: number }) => v.t0 + 0.25 * (v.t1 - v.t0);
  await page.mouse.wheel(0, -300);
  await expect.poll(async () => { const v = await view(page); return v.t1 - v.t0; }).toBeLessThan(0.8 * (v0.t1 - v0.t0));
  const vz = await view(page);
  expect(Math.abs(tAt(vz) - tAt(v0))).toBeLessThan(0.01 * (v0.t1 - v0.t0));

  // pan: dragging right by 100 px moves the view 100 px of time earlier; → moves it later
  const nsPerPx = (vz.t1 - vz.t0) / (box.width - 124);
  await page.mouse.move(px, py);
  await page.mouse.down();
  await page.mouse.move(px + 50, py, { steps: 3 });
  await page.mouse.move(px + 100, py, { steps: 3 });
  await page.mouse.up();
  const vp = await view(page);
  expect(vp.t0).toBeCloseTo(Math.max(v0.t0, vz.t0 - 100 * nsPerPx), 0);
  await canvas.focus();
  await page.keyboard.press('ArrowRight');
  await expect.poll(async () => (await view(page)).t0).toBeGreaterThan(vp.t0);

  // hover: a slice's tooltip names the FreeBSD function (ixl is an iflib driver)
  await page.keyboard.press('0');
  await expect.poll(async () => (await view(page)).t0).toBe(v0.t0);
  let found = false;
  for (let k = 1; k < 40 && !found; k++) {
    await page.mouse.move(box.x + 124 + ((box.width - 124) * k) / 40, box.y + 22 + 14);
    found = (await view(page)).hover >= 0;
  }
  expect(found).toBe(true);
  const tip = page.getByTestId('timeline-tip');
  await expect(tip).toBeVisible();
  // the pass, or the drain its packet made it run (nested in it): iflib's functions either way
  await expect(tip).toContainText(/iflib_rxeof|iflib_txq_drain/);
  await expect(tip).toContainText(/CPU 0 .* µs → .* µs/);
  await expect(tip).toContainText(/packets: \d+/);
  await page.mouse.move(box.x + 5, box.y - 30); // away: the tooltip goes
  await expect(tip).toBeHidden();

  // keyboard: ] selects the next slice of the CPU, ↓ moves to the next CPU, Enter zooms to the slice
  await canvas.focus();
  await page.keyboard.press(']');
  await expect.poll(async () => (await view(page)).selected).toBeGreaterThanOrEqual(0);
  const first = (await view(page)).selected;
  await page.keyboard.press(']');
  await expect.poll(async () => (await view(page)).selected).not.toBe(first);
  await expect(tip).toBeVisible();
  await expect(page.getByTestId('timeline-live')).toContainText('iflib_rxeof: CPU 0');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press(']');
  await expect(page.getByTestId('timeline-live')).toContainText('CPU 1');
  await page.keyboard.press('Enter');
  await expect.poll(async () => { const v = await view(page); return v.t1 - v.t0; }).toBeLessThan(0.5 * (v0.t1 - v0.t0));
  await page.keyboard.press('Escape');
  await expect.poll(async () => (await view(page)).selected).toBe(-1);
});

test('dark mode redraws the canvas in the dark palette', async ({ page }) => {
  test.setTimeout(90_000);
  await tracedRun(page, 'fwd-ixl-x710-ryzen');
  const tl = page.getByTestId('timeline');
  const before = await tl.getAttribute('data-theme');
  const bg = { light: '#ffffff', dark: '#171c23' } as const;
  await expect.poll(() => pixel(page, 3, 3)).toBe(bg[before as 'light' | 'dark']);
  await page.getByTestId('theme-toggle').click();
  const after = before === 'dark' ? 'light' : 'dark';
  await expect(tl).toHaveAttribute('data-theme', after);
  await expect.poll(() => pixel(page, 3, 3)).toBe(bg[after]);
  // a lane is still drawn in a stage colour, not the background
  await expect.poll(() => pixel(page, 124 + 40, 22 + 14)).not.toBe(bg[after]);
});

test('Download trace gives a valid Chrome trace of the run; mlx5en slices carry mlx5en names', async ({ page }) => {
  test.setTimeout(90_000);
  await tracedRun(page, 'fwd-mlx5-cx4lx-e5v4');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-trace').click()]);
  expect(dl.suggestedFilename()).toBe('ringlab-custom-trace.json'); // 3 ms is not the preset's duration
  const json = JSON.parse(await readFile((await dl.path())!, 'utf8'));
  const check = validateChromeTrace(json);
  expect(check.errors).toEqual([]);
  const trace = await page.evaluate(() => window.__ringlab!.getState().summary!.trace!);
  expect(json.otherData.events).toBe(trace.events);
  expect(json.otherData.window_us).toEqual([trace.from_us, trace.to_us]);
  const names = new Set((json.traceEvents as { ph: string; name: string }[]).filter((e) => e.ph === 'X').map((e) => e.name));
  expect(names.has('mlx5e_poll_rx_cq')).toBe(true);
  for (const n of names) expect(n).not.toMatch(IFLIB_ONLY);
});

test('the bottleneck sentence links to its moment in the timeline', async ({ page }) => {
  test.setTimeout(90_000);
  await tracedRun(page, 'ixl-40g-kernel-tx');
  const link = page.getByTestId('bottleneck-link');
  await expect(link).toBeVisible();
  const v0 = await view(page);
  await link.click();
  await expect.poll(async () => { const v = await view(page); return v.t1 - v.t0; }).toBeLessThan(v0.t1 - v0.t0);
  const v = await view(page);
  expect(v.selected).toBeGreaterThanOrEqual(0);
  await expect(page.getByTestId('timeline-canvas')).toBeFocused();
  await expect(page.getByTestId('trace-moment')).toContainText(/Bottleneck in the trace: .+/);
  await expect(page.getByTestId('timeline-tip')).toContainText(/sendto|iflib_txq_drain/);
});

test('an untraced run says how to get a timeline', async ({ page }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('knob-sim.duration_ms').fill('1');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('trace-hint')).toContainText('Record a trace');
  await expect(page.getByTestId('trace-panel')).toHaveCount(0);
});
