import type { Page } from '@playwright/test';
import { decodeLink } from '../src/engine';
import { expect, summaryValues, test } from './fixtures';

/**
 * Compare: run A, pin it, change a knob, run B; the compare table shows A, B and B/A consistent
 * with the numbers shown; the charts draw A's lines; the share link reopened in a new page
 * repeats A in the background (same figures) and restores B's settings.
 */

const PRESET = 'fewer-queues-than-cores';
// a knob that changes this preset's result (its four queues already sit on separate cores of the NIC's domain, so spreading them does not)
const KNOB = 'iflib.tx_abdicate';

interface Row {
  key: string;
  a: string;
  b: string;
  ratio: string;
  aValue: number;
  bValue: number | null;
  ratioValue: number | null;
}

async function compareRows(page: Page): Promise<Row[]> {
  return page.getByTestId('compare-table').locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => {
      const key = tr.getAttribute('data-testid')!.slice('compare-row-'.length);
      const cell = (what: string) => tr.querySelector(`[data-testid="compare-${what}-${key}"]`)!;
      const num = (what: string) => {
        const v = cell(what).getAttribute('data-value');
        return v === '' || v === null ? null : Number(v);
      };
      return { key, a: cell('a').textContent!, b: cell('b').textContent!, ratio: cell('ratio').textContent!, aValue: num('a')!, bValue: num('b'), ratioValue: num('ratio') };
    }),
  );
}

/** Half a unit of the last digit shown: how far a displayed number can be from the real one. */
function halfUlp(shown: string): number {
  const m = /\.(\d+)/.exec(shown);
  return 0.5 * 10 ** -(m ? m[1]!.length : 0);
}

const num = (shown: string) => Number(shown.replace(/,/g, '').replace('×', ''));

test('pin A, change a knob, run B: A/B/ratio table, A overlaid on the charts, the link restores both', async ({ page, context }) => {
  test.setTimeout(120_000);
  await page.goto('/?fps=0');
  await page.getByTestId('preset').selectOption(PRESET);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('summary')).toBeVisible();
  const summaryA = await summaryValues(page);
  await expect(page.getByTestId('compare')).toHaveCount(0);

  // Pin A: the link now carries it.
  const pin = page.getByTestId('pin-baseline');
  await expect(pin).toHaveText('Pin as baseline (A)');
  await pin.click();
  await expect(pin).toHaveText('Pinned as baseline (A)');
  await expect(pin).toBeDisabled();
  await expect(page.getByTestId('compare')).toBeVisible();
  await expect.poll(() => {
    const d = decodeLink(new URL(page.url()).hash);
    return d.ok && !d.empty && d.state.baseline !== undefined;
  }).toBe(true);
  // Straight after pinning, B is the same run: every ratio is 1.
  for (const r of await compareRows(page)) expect(r.ratio, r.key).toBe(r.aValue === 0 ? '—' : '1.000×');
  await expect(page.getByTestId('compare-knobs-same')).toBeVisible();

  // B: one knob changed.
  await page.getByTestId(`knob-${KNOB}`).check();
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('summary')).toBeVisible();
  const summaryB = await summaryValues(page);
  expect(summaryB.delivered_pps).not.toBe(summaryA.delivered_pps);

  // The table: A is the pinned run, B this one, B/A consistent with both.
  const rows = await compareRows(page);
  const byKey = new Map(rows.map((r) => [r.key, r]));
  for (const key of ['offered_pps', 'delivered_pps', 'tx_pps', 'drops', 'latency_mean', 'latency_p99', 'packets_simulated']) expect(byKey.has(key), key).toBe(true);
  const fmtInt = (x: number) => Math.round(x).toLocaleString('en-US');
  expect(fmtInt(byKey.get('delivered_pps')!.aValue)).toBe(summaryA.delivered_pps);
  expect(fmtInt(byKey.get('delivered_pps')!.bValue!)).toBe(summaryB.delivered_pps);
  expect(byKey.get('drops')!.a).toBe(summaryA['drops.total']);
  expect(byKey.get('drops')!.b).toBe(summaryB['drops.total']);
  expect(byKey.get('delivered_pps')!.a).toBe((byKey.get('delivered_pps')!.aValue / 1e6).toFixed(3));
  for (const r of rows) {
    if (r.ratioValue === null || r.aValue === 0) continue;
    // The ratio shown is B/A of the exact values, to 3 decimals…
    expect(r.ratio, r.key).toBe(`${(r.bValue! / r.aValue).toFixed(3)}×`);
    // …and agrees with the numbers shown, within their rounding.
    const a = num(r.a);
    const b = num(r.b);
    if (a === 0) continue;
    const slack = halfUlp(r.ratio) + (halfUlp(r.b) + (b / a) * halfUlp(r.a)) / (a - halfUlp(r.a)) + 1e-9;
    expect(Math.abs(num(r.ratio) - b / a), `${r.key}: ${r.b} / ${r.a} vs ${r.ratio}`).toBeLessThanOrEqual(slack);
  }
  expect(byKey.get('delivered_pps')!.ratio).not.toBe('1.000×');
  const knobRow = page.getByTestId(`compare-knob-${KNOB}`);
  await expect(knobRow.locator('td').nth(0)).toHaveText('off');
  await expect(knobRow.locator('td').nth(1)).toHaveText('on');
  await expect(page.getByTestId('compare-knobs').locator('tbody tr')).toHaveCount(1);

  // The charts draw A dashed under B.
  const rate = page.getByTestId('chart-rate');
  await expect(rate).toHaveAttribute('data-baseline', '2');
  await expect(rate.locator('.recharts-legend-item-text', { hasText: 'A: baseline delivered' })).toBeVisible();
  await expect(rate.locator('.recharts-legend-item-text', { hasText: 'A: baseline offered' })).toBeVisible();
  const dashed = await rate.locator('path.recharts-line-curve').evaluateAll((ps) => ps.filter((p) => (p.getAttribute('stroke-dasharray') ?? 'none') !== 'none').length);
  expect(dashed).toBeGreaterThanOrEqual(2);
  await expect(page.getByTestId('chart-queues')).toHaveAttribute('data-baseline', '4'); // 4 queues, the same set: overlaid
  await expect(page.getByTestId('chart-drops')).toHaveAttribute('data-baseline', '1');
  for (const id of ['chart-tx_ring_occupancy', 'chart-latency_us']) {
    await expect(page.getByTestId(id).locator('.recharts-legend-item-text', { hasText: 'A: baseline' }), id).toBeVisible();
  }
  await expect(page.getByTestId('chart-cpu')).toContainText('B only');

  // The share link, in a new page: B's settings, and A repeated in the background.
  const link = page.url();
  const other = await context.newPage();
  const otherErrors: string[] = [];
  other.on('pageerror', (e) => otherErrors.push(e.message));
  other.on('console', (m) => {
    if (m.type() === 'error') otherErrors.push(m.text());
  });
  await other.goto(link);
  await expect(other.getByTestId(`knob-${KNOB}`)).toBeChecked();
  await expect(other.getByTestId('compare')).toBeVisible();
  await expect(other.getByTestId('compare')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const again = await compareRows(other);
  expect(again.map((r) => [r.key, r.a, r.aValue])).toEqual(rows.map((r) => [r.key, r.a, r.aValue]));
  for (const r of again) expect(r.b, r.key).toBe('—');
  await expect(other.getByTestId('compare-b-state')).toHaveText('Run to fill in B.');
  await expect(other.getByTestId(`compare-knob-${KNOB}`).locator('td').nth(1)).toHaveText('on');
  // A's lines are on the charts before B has run.
  await expect(other.getByTestId('chart-rate')).toHaveAttribute('data-baseline', '2');
  // Running B there gives the first page's table exactly.
  await other.getByTestId('run').click();
  await expect(other.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(other.getByTestId('summary')).toBeVisible();
  expect((await compareRows(other)).map((r) => [r.key, r.a, r.b, r.ratio])).toEqual(rows.map((r) => [r.key, r.a, r.b, r.ratio]));
  expect(otherErrors).toEqual([]);

  // Unpin: the comparison, the overlay and the link's baseline go.
  await page.getByTestId('unpin').click();
  await expect(page.getByTestId('compare')).toHaveCount(0);
  await expect(page.getByTestId('chart-rate')).toHaveAttribute('data-baseline', '0');
  await expect.poll(() => {
    const d = decodeLink(new URL(page.url()).hash);
    return d.ok && !d.empty && d.state.baseline === undefined;
  }).toBe(true);
  await expect(page.getByTestId('pin-baseline')).toHaveText('Pin as baseline (A)');
});

test('the compare controls work from the keyboard', async ({ page }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('preset').selectOption('line-rate-10g-64b');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('summary')).toBeVisible();
  await page.getByTestId('pin-baseline').focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('compare')).toBeVisible();
  await page.getByTestId('unpin').focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('compare')).toHaveCount(0);
});
