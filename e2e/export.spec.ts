import { readFile } from 'node:fs/promises';
import type { Download, Locator, Page } from '@playwright/test';
import { ENGINE_VERSION, FRAMES_PER_RUN } from '../src/engine';
import { expect, summaryValues, test } from './fixtures';

/** Exports: the summary JSON, the frames CSV and every chart as a PNG download. */

const PRESET = 'fewer-queues-than-cores';

async function download(page: Page, button: Locator): Promise<{ name: string; bytes: Buffer }> {
  const [dl]: [Download, void] = await Promise.all([page.waitForEvent('download'), button.click()]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), bytes: await readFile(path) };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from the IHDR chunk, the first one after the signature. */
function pngSize(b: Buffer): { width: number; height: number } {
  expect(b.subarray(12, 16).toString('latin1')).toBe('IHDR');
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

test('summary JSON, frames CSV and chart PNGs download with the run\'s numbers', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('/?fps=0');
  await page.getByTestId('preset').selectOption(PRESET);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('summary')).toBeVisible();
  await expect(page.getByTestId('chart-cycles')).toBeVisible();
  const shown = await summaryValues(page);

  // Summary JSON: the engine's Summary as is, with the engine version.
  const json = await download(page, page.getByTestId('export-json'));
  expect(json.name).toBe(`ringlab-${PRESET}-summary.json`);
  const parsed = JSON.parse(json.bytes.toString('utf8')) as { engine_version: string; summary: Record<string, unknown> & { delivered_pps: number; engine: string } };
  expect(parsed.engine_version).toBe(ENGINE_VERSION);
  expect(parsed.summary.engine).toBe(shown.engine);
  expect(Math.round(parsed.summary.delivered_pps).toLocaleString('en-US')).toBe(shown.delivered_pps);
  expect(parsed.summary.delivered_pps).toBe(await page.evaluate(() => window.__ringlab!.getState().summary!.delivered_pps));

  // Frames CSV: a header of series keys, one row per frame, every column filled.
  const csv = await download(page, page.getByTestId('export-csv'));
  expect(csv.name).toBe(`ringlab-${PRESET}-frames.csv`);
  const lines = csv.bytes.toString('utf8').trimEnd().split('\n');
  const header = lines[0]!.split(',');
  const keys = await page.evaluate(() => window.__ringlab!.getState().series.map((s) => s.key));
  expect(header).toEqual(keys);
  expect(header.slice(0, 4)).toEqual(['t_ms', 'offered_pps', 'rx_pps', 'delivered_pps']);
  expect(header).toContain('q3_pps');
  expect(header).toContain('cpu23_util');
  expect(lines.length - 1).toBe(FRAMES_PER_RUN);
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  for (const r of rows) {
    expect(r).toHaveLength(header.length);
    for (const v of r) expect(Number.isFinite(v)).toBe(true);
  }
  expect(rows[rows.length - 1]![0]).toBeCloseTo(Number(shown.simulated_ms), 6);
  // The delivered column averages to the summary's delivered rate (the first frames ramp up).
  const delivered = rows.map((r) => r[header.indexOf('delivered_pps')]!);
  expect(delivered.reduce((a, b) => a + b, 0) / delivered.length / parsed.summary.delivered_pps).toBeCloseTo(1, 1);

  // Every chart as a PNG: the signature, a real size (2× the figure), named after the preset.
  for (const chart of ['rate', 'queues', 'drops', 'cpu', 'cycles', 'tx_ring_occupancy', 'latency_us']) {
    const fig = page.getByTestId(`chart-${chart}`);
    await fig.scrollIntoViewIfNeeded();
    const png = await download(page, page.getByTestId(`chart-${chart}-png`));
    expect(png.name, chart).toBe(`ringlab-${PRESET}-${chart}.png`);
    expect(png.bytes.subarray(0, 8).equals(PNG_SIGNATURE), chart).toBe(true);
    const size = pngSize(png.bytes);
    const box = (await fig.boundingBox())!;
    expect(size.width, chart).toBeGreaterThan(box.width * 1.9);
    expect(size.height, chart).toBeGreaterThan(box.height * 1.9);
    expect(png.bytes.length, chart).toBeGreaterThan(5000); // more than a blank canvas
  }
  // The PNG button is off while the table is shown (there is no chart to draw).
  await page.getByTestId('chart-rate-table-toggle').click();
  await expect(page.getByTestId('chart-rate-png')).toBeDisabled();
  await page.getByTestId('chart-rate-table-toggle').click();
  await expect(page.getByTestId('chart-rate-png')).toBeEnabled();

  // Changed settings are no preset: "custom".
  await page.getByTestId('knob-sim.seed').fill('99');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('summary')).toBeVisible();
  expect((await download(page, page.getByTestId('export-json'))).name).toBe('ringlab-custom-summary.json');
});
