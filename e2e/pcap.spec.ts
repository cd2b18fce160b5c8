import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, summaryValues, test } from './fixtures';

const DIR = join(fileURLToPath(new URL('..', import.meta.url)), 'src', 'engine', 'fixtures', 'pcap');
const ONE = join(DIR, 'single-flow.pcap');
const P8 = join(DIR, 'iperf3-p8.pcap');

test('a capture replays from a file input: the form switches to it and the summary names it', async ({ page }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('capture-panel').locator('summary').click();
  await page.getByTestId('capture-file').setInputFiles(ONE);
  await expect(page.getByTestId('capture-name')).toHaveText('single-flow.pcap');
  await expect(page.getByTestId('capture-flows')).toHaveText('4 (2 TCP)');
  await expect(page.getByTestId('capture-packets')).toHaveText('3,999, 1 frames skipped');
  await expect(page.getByTestId('knob-traffic.interleave')).toHaveValue('pcap');
  await expect(page.getByTestId('knob-traffic.workload')).toHaveValue('receive');
  await page.getByTestId('knob-lro.mode').selectOption('legacy');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  const v = await summaryValues(page);
  expect(v['capture.name']).toBe('single-flow.pcap');
  expect(v['capture.flows']).toBe('4');
  expect(Number(v['capture.duration'])).toBeGreaterThan(40);
  expect(v['lro.connections']).toBe('1');
  expect(Number(v['lro.aggregation'])).toBeGreaterThan(1);
});

test('a bad file is refused with its one-line reason', async ({ page }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('capture-panel').locator('summary').click();
  const cut = readFileSync(ONE).subarray(0, 5000);
  await page.getByTestId('capture-file').setInputFiles({ name: 'cut.pcap', mimeType: 'application/vnd.tcpdump.pcap', buffer: cut });
  await expect(page.getByTestId('capture-error')).toHaveText('cut.pcap: truncated: packet 47 at byte 4916 needs 112 bytes, the file ends after 84');
  await expect(page.getByTestId('capture-info')).toHaveCount(0);
  await expect(page.getByTestId('knob-traffic.interleave')).toHaveValue('tso');
});

test('a link from a capture run asks for the file and refuses one with another hash', async ({ page, context }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('capture-panel').locator('summary').click();
  await page.getByTestId('capture-file').setInputFiles(ONE);
  await expect(page.getByTestId('capture-name')).toHaveText('single-flow.pcap');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  const first = await summaryValues(page);
  const url = page.url();

  const other = await context.newPage();
  await other.goto(url);
  await expect(other.getByTestId('capture-wanted')).toContainText('This link replays the capture single-flow.pcap');
  await expect(other.getByTestId('link-error')).toHaveCount(0);
  await other.getByTestId('run').click();
  await expect(other.getByTestId('run-error')).toContainText('Choose the capture single-flow.pcap');
  await other.getByTestId('capture-file').setInputFiles({ name: 'single-flow.pcap', mimeType: 'application/octet-stream', buffer: readFileSync(P8) });
  await expect(other.getByTestId('capture-error')).toContainText('single-flow.pcap is not the capture this link replays');
  await expect(other.getByTestId('capture-info')).toHaveCount(0);
  await other.getByTestId('capture-file').setInputFiles(ONE);
  await expect(other.getByTestId('capture-name')).toHaveText('single-flow.pcap');
  await expect(other.getByTestId('capture-wanted')).toHaveCount(0);
  await other.getByTestId('run').click();
  await expect(other.getByTestId('status')).toHaveAttribute('data-status', 'done');
  const again = await summaryValues(other);
  for (const k of Object.keys(first)) if (k !== 'wall_ms') expect(again[k], k).toBe(first[k]);
  await other.close();
});
