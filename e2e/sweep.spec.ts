import { readFile } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { PRESETS, calibrationEvidence, decodeLink, defaultScenario, encodeLink, fitSpread, planSweep, presetScenario, setPath, type SweepDef } from '../src/engine';
import { formatSig } from '../src/ui/format';
import { expect, test } from './fixtures';

/**
 * The Sweep tab (issues 5, 6, 7): the built-in LRO flows sweep runs and shows the legacy table
 * collapsing where the sorted queue with a large batch keeps coalescing; cancel is prompt and
 * leaves the page usable; the same sweep gives identical points on 1 worker and on 3; a share
 * link carries the sweep definition.
 */

async function openSweepTab(page: Page) {
  await page.getByTestId('tab-sweep').click();
  await expect(page.getByTestId('sweep-panel')).toBeVisible();
}

/** The sweep spec the page's URL carries (null: none). */
function linkSpec(page: Page): string | null {
  const r = decodeLink(new URL(page.url()).hash);
  return r.ok && !r.empty ? (r.state.sweep?.spec ?? null) : null;
}

/** Download the CSV export of the shown sweep. */
async function csvExport(page: Page): Promise<string> {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sweep-csv').click()]);
  return readFile((await dl.path())!, 'utf8');
}

test('the LRO flows sweep: points arrive, the chart and table fill, the table coalesces less than sorted+batch at 1000+ flows', async ({ page }) => {
  await page.goto('/?fps=0');
  await openSweepTab(page);
  // The LRO sweep comes first.
  await expect(page.locator('[data-testid^="sweep-builtin-"]').first()).toHaveAttribute('data-testid', 'sweep-builtin-lro-flows');
  await page.getByTestId('sweep-builtin-lro-flows').click();
  await expect(page.getByTestId('sweep-run')).toBeFocused();
  await expect(page.getByTestId('preset')).toHaveValue('lro-many-flows-legacy');
  await expect(page.getByTestId('sweep-spec')).toHaveText('traffic.flows=1..10000:log:9');
  await expect(page.getByTestId('sweep-y')).toHaveValue('lro_ratio');
  // The preset's 20 ms.
  await expect(page.getByTestId('knob-sim.duration_ms')).toHaveValue('20');
  await expect(page.getByTestId('sweep-run')).toHaveText('Run sweep (27 runs)');

  // Record every progress step the store goes through.
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { __seen: number[] }).__seen = seen;
    window.__ringlabSweep!.subscribe((s) => {
      if (seen.at(-1) !== s.progress.done) seen.push(s.progress.done);
    });
  });
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-status', 'done', { timeout: 25_000 });
  const seen = await page.evaluate(() => (window as unknown as { __seen: number[] }).__seen);
  expect(seen.at(-1)).toBe(27);
  expect(new Set(seen).size, `points arrived one by one: ${seen.join(',')}`).toBeGreaterThan(3);
  await expect(page.getByTestId('sweep-progress')).toHaveAttribute('data-done', '27');
  await expect(page.getByTestId('sweep-progress')).toHaveAttribute('data-failed', '0');

  // The chart: three lines, every point drawn, a log x axis with its unit, the y unit.
  const chart = page.getByTestId('sweep-chart');
  await expect(chart).toHaveAttribute('data-points', '27');
  await expect(chart).toHaveAttribute('data-drawn', '27');
  await expect(chart.locator('.recharts-line')).toHaveCount(3);
  await expect(chart.locator('.chart-legend li')).toHaveCount(3);
  // (Recharts draws axis labels in a layer of their own, so look in the whole chart.)
  await expect(chart).toContainText('Flows — log scale');
  await expect(chart).toContainText('packets/segment');

  // The table: the legacy table with a 1024 batch (column 2) against the sorted queue with one
  // (column 3) at 1000 flows and more.
  await page.getByTestId('sweep-chart-table-toggle').click();
  const table = page.getByTestId('sweep-chart-table');
  await expect(table.locator('thead th')).toHaveText([
    'Flows',
    'legacy table, every rxeof pass (iflib) (packets/segment)',
    'legacy table, batch 1024 (packets/segment)',
    'sorted, batch 1024 (packets/segment)',
  ]);
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
  expect(rows).toHaveLength(9);
  const many = rows.filter((r) => Number(r[0]!.replace(/,/g, '')) >= 1000);
  expect(many.map((r) => r[0])).toEqual(['1000', '3162', '10,000']);
  for (const r of many) {
    const table = Number(r[2]);
    const sorted = Number(r[3]);
    expect(table, `row ${r.join(' | ')}`).toBeLessThan(2);
    expect(sorted, `row ${r.join(' | ')}`).toBeGreaterThan(table);
  }
  // With one flow, the table and the sorted queue are alike; a batch gathers more than one pass
  // (until the queue goes idle and LRO flushes what it holds: docs/MODEL.md §3, when LRO flushes).
  expect(Number(rows[0]![3])).toBeGreaterThan(Number(rows[0]![1]));
  expect(Math.abs(Number(rows[0]![2]) - Number(rows[0]![3]))).toBeLessThan(0.1 * Number(rows[0]![3]));

  // Another output re-plots without running again.
  await page.getByTestId('sweep-chart-table-toggle').click();
  await page.getByTestId('sweep-y').selectOption('lro_no_entries_share');
  await expect(chart).toHaveAttribute('data-y', 'lro_no_entries_share');
  await expect(chart).toContainText('fraction of LRO input');
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('sweep-stale')).toHaveCount(0);

  // The CSV has every output of all 27 runs.
  const csv = (await csvExport(page)).trim().split('\n');
  expect(csv).toHaveLength(28);
  expect(csv[0]).toMatch(/^series,traffic\.flows,delivered_pps,.*,lro_ratio,.*,bottleneck,error,link$/);
});

test('cancel stops a long sweep at once; the page stays usable', async ({ page }) => {
  await page.goto('/?fps=0&pool=2');
  // 5 s simulated per point: seconds of engine time even at the lowest load (0.1 × 14.88 Mpps).
  await page.getByTestId('knob-sim.duration_ms').fill('5000');
  await openSweepTab(page);
  await expect(page.getByTestId('sweep-spec')).toHaveText('traffic.load=0.1..1.2:8');
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('sweep-progress')).toContainText('2 of 2 workers busy');
  await page.waitForTimeout(300);
  await page.getByTestId('sweep-cancel').click();
  // At once: no point finishes after Cancel (checked below), whatever the machine's load.
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('sweep-cancel')).toBeDisabled();
  await expect(page.getByTestId('sweep-progress')).toHaveAttribute('data-done', '0');

  // A normal run works straight away.
  await page.getByTestId('knob-sim.duration_ms').fill('1');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(page.getByTestId('summary')).toBeVisible();
  // And so does a sweep (on fresh workers).
  await openSweepTab(page);
  await expect(page.getByTestId('sweep-stale')).toBeVisible(); // the cancelled one was on 5000 ms runs
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-status', 'done', { timeout: 20_000 });
  await expect(page.getByTestId('sweep-progress')).toHaveAttribute('data-done', '8');
  await expect(page.getByTestId('sweep-stale')).toHaveCount(0);
});

test('a sweep gives identical points with 1 worker and with 3', async ({ page }) => {
  const def: SweepDef = {
    spec: 'traffic.load=0.2..1.2:6',
    series: [
      { label: 'poisson, seed 7', set: { 'traffic.arrival': 'poisson', 'sim.seed': 7 } },
      { label: 'bursty, seed 9', set: { 'traffic.arrival': 'bursty', 'sim.seed': 9 } },
    ],
    y: 'latency_p99_us',
  };
  const link = encodeLink({ scenario: setPath(defaultScenario(), 'sim.duration_ms', 1), sweep: def });
  const results: { csv: string; points: string; table: string[] }[] = [];
  for (const pool of [1, 3]) {
    await page.goto(`/?fps=0&pool=${pool}${link}`);
    await openSweepTab(page);
    await expect(page.getByTestId('sweep-spec')).toHaveText(def.spec);
    await expect(page.getByTestId('sweep-progress')).toContainText(`up to ${pool} worker${pool === 1 ? '' : 's'}`);
    await page.getByTestId('sweep-run').click();
    await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-status', 'done', { timeout: 25_000 });
    await expect(page.getByTestId('sweep-progress')).toHaveAttribute('data-done', '12');
    const points = await page.evaluate(() => JSON.stringify(window.__ringlabSweep!.getState().points));
    await page.getByTestId('sweep-chart-table-toggle').click();
    const table = await page.getByTestId('sweep-chart-table').locator('tbody tr').allTextContents();
    results.push({ csv: await csvExport(page), points, table });
  }
  const [one, three] = results;
  expect(three!.csv).toBe(one!.csv);
  expect(three!.points).toBe(one!.points);
  expect(three!.table).toEqual(one!.table);
  expect(one!.csv.trim().split('\n')).toHaveLength(13);
});

test('a share link carries the sweep definition; bad definitions are named and cannot run', async ({ page, context }) => {
  await page.goto('/?fps=0');
  // Keyboard: arrows move along the tabs to Sweep.
  await page.getByTestId('tab-results').focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-sweep')).toBeFocused();
  await expect(page.getByTestId('sweep-panel')).toBeVisible();

  await page.getByTestId('sweep-knob').selectOption('traffic.flows');
  await expect(page.getByTestId('sweep-knob-hint')).toContainText('traffic.flows · flows · 1–1,000,000');
  await page.getByTestId('sweep-from').fill('10');
  await page.getByTestId('sweep-to').fill('1000');
  await page.getByTestId('sweep-points').fill('3');
  await page.getByTestId('sweep-scale').selectOption('log');
  await page.getByTestId('sweep-series-add').click();
  await page.getByTestId('sweep-series-label-0').fill('sorted');
  await page.getByTestId('sweep-series-set-0').fill('lro.mode=sorted, lro.batch=64');
  await page.getByTestId('sweep-series-add').click();
  await page.getByTestId('sweep-series-label-1').fill('legacy');
  await page.getByTestId('sweep-series-set-1').fill('lro.mode=legacy');
  await page.getByTestId('sweep-y').selectOption('lro_ratio');
  await expect(page.getByTestId('sweep-spec')).toHaveText('traffic.flows=10..1000:log:3');
  await expect(page.getByTestId('sweep-errors')).toHaveCount(0);
  await expect(page.getByTestId('sweep-run')).toHaveText('Run sweep (6 runs)');
  await expect(page.getByTestId('sweep-series-set-0')).toHaveAttribute('title', /lro\.mode: LRO \(FreeBSD: tcp_lro_rx/);

  // Mistakes are named inline and block Run; the link keeps the last good sweep.
  await expect.poll(() => linkSpec(page)).toBe('traffic.flows=10..1000:log:3');
  const good = page.url();
  await page.getByTestId('sweep-from').fill('0');
  await expect(page.getByTestId('sweep-errors')).toContainText('start "0": traffic.flows must be at least 1');
  await expect(page.getByTestId('sweep-run')).toBeDisabled();
  await page.getByTestId('sweep-series-set-1').fill('lro.mod=legacy');
  await expect(page.getByTestId('sweep-errors')).toContainText('unknown knob "lro.mod"');
  expect(page.url()).toBe(good);
  await page.getByTestId('sweep-series-set-1').fill('lro.mode=legacy');
  await page.getByTestId('sweep-from').fill('10');
  await expect(page.getByTestId('sweep-errors')).toHaveCount(0);
  await expect(page.getByTestId('sweep-run')).toBeEnabled();
  expect(page.url()).toBe(good);

  // A fresh page from the link has the same definition.
  const other = await context.newPage();
  await other.goto(good);
  // A link that carries a sweep opens on the Sweep tab.
  await expect(other.getByTestId('tab-sweep')).toHaveAttribute('aria-selected', 'true');
  await openSweepTab(other);
  await expect(other.getByTestId('sweep-spec')).toHaveText('traffic.flows=10..1000:log:3');
  await expect(other.getByTestId('sweep-knob')).toHaveValue('traffic.flows');
  await expect(other.getByTestId('sweep-from')).toHaveValue('10');
  await expect(other.getByTestId('sweep-to')).toHaveValue('1000');
  await expect(other.getByTestId('sweep-points')).toHaveValue('3');
  await expect(other.getByTestId('sweep-scale')).toHaveValue('log');
  await expect(other.getByTestId('sweep-series-label-0')).toHaveValue('sorted');
  await expect(other.getByTestId('sweep-series-set-0')).toHaveValue('lro.mode=sorted, lro.batch=64');
  await expect(other.getByTestId('sweep-series-label-1')).toHaveValue('legacy');
  await expect(other.getByTestId('sweep-y')).toHaveValue('lro_ratio');
  await expect(other.getByTestId('link-error')).toHaveCount(0);
  await expect(other.getByTestId('sweep-run')).toHaveText('Run sweep (6 runs)');
  // One obvious button reproduces it.
  await expect(other.getByTestId('sweep-from-link')).toContainText('6 runs');
  await other.getByTestId('sweep-reproduce').click();
  await expect(other.getByTestId('sweep-from-link')).toHaveCount(0);
  await expect(other.getByTestId('sweep-status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(other.getByTestId('sweep-chart')).toHaveAttribute('data-points', '6');
  await other.close();
});

test('loading a built-in sweep says what it changed in the form, and Undo puts it back', async ({ page }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('knob-traffic.flows').fill('64');
  await page.getByTestId('knob-sim.seed').fill('7');
  await openSweepTab(page);
  const specBefore = await page.getByTestId('sweep-spec').textContent();
  await page.getByTestId('sweep-builtin-lro-flows').click();
  const note = page.getByTestId('sweep-loaded');
  await expect(note).toBeVisible();
  await expect(note).toContainText('with its preset lro-many-flows-legacy');
  // Every changed setting is listed with its old and new value.
  await expect(page.getByTestId('sweep-loaded-changes')).toContainText('Seed: 7 → 1');
  await expect(page.getByTestId('sweep-loaded-changes')).toContainText('Workload: forward → receive');
  await expect(page.getByTestId('knob-traffic.workload')).toHaveValue('receive');
  await expect(page.getByTestId('sweep-spec')).toContainText('traffic.flows=');

  await page.getByTestId('sweep-loaded-undo').click();
  await expect(note).toHaveCount(0);
  await expect(page.getByTestId('knob-traffic.flows')).toHaveValue('64');
  await expect(page.getByTestId('knob-sim.seed')).toHaveValue('7');
  await expect(page.getByTestId('knob-traffic.workload')).toHaveValue('forward');
  await expect(page.getByTestId('sweep-spec')).toHaveText(specBefore!);

  // Load again, then edit the form: the note goes (Undo would throw the edit away).
  await page.getByTestId('sweep-builtin-lro-flows').click();
  await expect(note).toBeVisible();
  await page.getByTestId('knob-sim.seed').fill('9');
  await expect(note).toHaveCount(0);
});

test("a sweep's fit spread: every point under each leave-one-out set as Node gives it; the chart shades it, the table and the CSV carry it", async ({ page }) => {
  test.setTimeout(180_000);
  const base = setPath(presetScenario(PRESETS.find((p) => p.name === 'fwd-ix-82599-atom')!), 'sim.duration_ms', 0.5);
  const def: SweepDef = { spec: 'queues.rx=2..4:2', series: [], y: 'forwarded_pps' };
  await page.goto(`/?fps=0${encodeLink({ scenario: base, sweep: def })}`);
  await openSweepTab(page);
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  // the calibration behind the points: the rows of ix forwarding, as the engine lists them
  const ev = calibrationEvidence(base)!;
  await expect(page.getByTestId('sweep-calibration')).toHaveAttribute('data-paths', '1');
  await expect(page.getByTestId('sweep-calibration')).toContainText(`${ev.rows.length} rows measure ix forwarding, predicted within`);
  const box = page.getByTestId('sweep-fit-spread');
  await expect(box).toHaveAttribute('data-status', 'idle');
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-bands', '0');
  await page.getByTestId('sweep-fit-spread-run').click();
  await expect(box).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-bands', '2');
  // Chromium's workers give what Node gives, point by point
  const plan = planSweep(base, def);
  if (!plan.ok) throw new Error(plan.errors.join('; '));
  const f = plan.value.runs.map((r) => fitSpread(r.scenario));
  const res = page.getByTestId('sweep-fit-spread-result');
  const w = Number(await res.getAttribute('data-widest'));
  expect(Number(await res.getAttribute('data-min'))).toBe(f[w]!.min);
  expect(Number(await res.getAttribute('data-max'))).toBe(f[w]!.max);
  // as the table writes them: Mpps to four significant digits
  const sig = (pps: number) => formatSig(pps * 1e-6, 4);
  await expect(res).toContainText(`${sig(f[w]!.min)} – ${sig(f[w]!.max)} Mpps`);
  // the table has the same ranges beside each point's figure
  await page.getByTestId('sweep-chart-table-toggle').click();
  const rows = page.getByTestId('sweep-chart-table').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  for (const [i, spread] of f.entries()) await expect(rows.nth(i)).toContainText(`${sig(spread.min)} – ${sig(spread.max)}`);
  // the CSV has the CLI's --fit-spread columns, full precision
  const csv = (await csvExport(page)).trim().split('\n');
  expect(csv[0]!.endsWith(',fit_metric,fit_min,fit_median,fit_max')).toBe(true);
  for (const [i, spread] of f.entries()) expect(csv[i + 1]!.endsWith(`,forwarded_pps,${spread.min},${spread.median},${spread.max}`)).toBe(true);
  // another figure on the chart: no shading, and the box says which figure has it
  await page.getByTestId('sweep-y').selectOption('latency_p99_us');
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-bands', '0');
  await expect(res).toContainText('choose Forwarded as the figure to see it shaded');
  // the spread belongs to its sweep run: running the sweep again shows none
  await page.getByTestId('sweep-y').selectOption('forwarded_pps');
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
  await expect(box).toHaveAttribute('data-status', 'idle');
  await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-bands', '0');
});
