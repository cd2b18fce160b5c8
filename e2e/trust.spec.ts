import type { Page } from '@playwright/test';
import { PRESETS, STAGE_LABELS, calibrationEvidence, fitSpread, hostEvidenceText, looParams, looRowNames, measuredFigureFor, presetScenario, runScenario } from '../src/engine';
import { expect, test } from './fixtures';

/**
 * Numbers an engineer can trust (issue 13): the diagram keeps conservation live and after the run
 * (one window, the same counters), shows the whole run after it, names stages as the engine does,
 * and the page shows the cost per packet and the measured figure a calibrated preset reproduces.
 */

/** The diagram's stages in order with the rate each shows (data-rate; '' before a figure). */
async function stageRates(page: Page): Promise<{ id: string; rate: number | null }[]> {
  return page.locator('[data-testid^="stage-"]').evaluateAll((els) =>
    els.map((e) => {
      const r = e.getAttribute('data-rate');
      return { id: e.getAttribute('data-testid')!.slice('stage-'.length), rate: r ? Number(r) : null };
    }),
  );
}

function expectConserved(stages: { id: string; rate: number | null }[], where: string) {
  for (let i = 1; i < stages.length; i++) {
    const a = stages[i - 1]!, b = stages[i]!;
    if (a.rate === null || b.rate === null) continue;
    expect(b.rate, `${where}: ${a.id} ${a.rate} → ${b.id} ${b.rate}`).toBeLessThanOrEqual(a.rate);
  }
}

async function choose(page: Page, preset: string) {
  await page.getByTestId('preset').selectOption(preset);
}

test('conservation on the diagram: no stage shows more than the one before it, live and after the run', async ({ page }) => {
  test.setTimeout(120_000);
  // The cases: default forwarding, mlx5 encap, netmap pkt-gen → TX ring.
  for (const preset of ['fwd-mlx5-cx4lx-e5v4', 'ixl-40g-netmap-tx', 'lro-many-flows-sorted']) {
    await page.goto('/?fps=25');
    await choose(page, preset);
    await page.getByTestId('run').click();
    const diagram = page.getByTestId('path-diagram');
    await expect(diagram).toHaveAttribute('data-window', 'live');
    for (let k = 0; k < 4; k++) {
      expectConserved(await stageRates(page), `${preset} live`);
      await page.waitForTimeout(250);
    }
    await page.getByTestId('pace').selectOption('0');
    await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
    await expect(diagram).toHaveAttribute('data-window', 'run');
    const after = await stageRates(page);
    expectConserved(after, `${preset} after`);
    // After the run: the summary's whole-run figures, stage by stage.
    const stages = await page.evaluate(() => window.__ringlab!.getState().summary!.stages.map((s) => ({ id: s.id, rate: s.pps })));
    expect(after).toEqual(stages);
  }
});

test('after a sorted-LRO run with a 1024-packet batch the stack and socket show the delivered rate', async ({ page }) => {
  await page.goto('/?fps=0');
  await choose(page, 'lro-many-flows-sorted');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  const delivered = await page.evaluate(() => window.__ringlab!.getState().summary!.delivered_pps);
  expect(delivered).toBeGreaterThan(1e6);
  await expect(page.getByTestId('stage-socket')).toHaveAttribute('data-rate', String(delivered));
  await expect(page.getByTestId('stage-stack')).toHaveAttribute('data-rate', String(delivered));
  await expect(page.getByTestId('diagram-when')).toContainText('whole run');
});

test('names fit the workload: transmit never says "Received into RX rings"; receive draws no TX wire or TX ring', async ({ page }) => {
  await page.goto('/?fps=0');
  await choose(page, 'ixl-40g-kernel-tx');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(page.locator('section.results')).not.toContainText('Received into RX rings');
  await expect(page.getByTestId('chart-rate-legend')).toContainText('Sent by the applications');

  await choose(page, 'lro-many-flows-legacy');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('chart-rate-legend')).not.toContainText('Transmitted on the wire');
  await expect(page.getByTestId('chart-rate-legend')).toContainText('Delivered');
  await expect(page.getByTestId('chart-tx_ring_occupancy')).toHaveCount(0);
  await expect(page.getByTestId('chart-latency_us')).toBeVisible();
  await expect(page.getByTestId('summary-tx_pps')).toHaveCount(0);
});

test('one name per stage: the cycles legend, the cost chart and the bottleneck use the engine\'s stage names', async ({ page }) => {
  await page.goto('/?fps=0');
  await choose(page, 'fewer-queues-than-cores');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  const legend = page.getByTestId('chart-cycles-legend');
  await expect(legend).toContainText(STAGE_LABELS.spin);
  await expect(legend).toContainText(STAGE_LABELS.rxeof);
  await expect(legend).not.toContainText('spin');
  await expect(page.getByTestId('chart-cost')).toContainText(STAGE_LABELS.spin);
  // The bottleneck names its CPU stage with the same word ("doorbell 32% of its busy cycles"),
  // and the cycles legend carries that word.
  const text = (await page.getByTestId('summary-bottleneck').textContent())!;
  const named = Object.values(STAGE_LABELS).filter((l) => text.includes(`${l} `) && /\d+% of its busy cycles/.test(text));
  expect(named.length, text).toBeGreaterThan(0);
  for (const l of named) await expect(legend).toContainText(l);
});

test('model vs measured: a calibrated preset shows the measurement beside its own figure; other settings show none', async ({ page }) => {
  const name = 'fwd-ix-82599-e5v4';
  const m = measuredFigureFor(presetScenario(PRESETS.find((p) => p.name === name)!))!;
  expect(m).not.toBeNull();
  await page.goto('/?fps=0');
  await choose(page, name);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  const box = page.getByTestId('measured');
  await expect(page.getByTestId('measured-figure')).toHaveText(`${(m.measured_pps / 1e6).toFixed(3)} Mpps`);
  await expect(page.getByTestId('measured-source')).toHaveText(m.source);
  const model = await page.evaluate((k) => window.__ringlab!.getState().summary![k], m.metric);
  await expect(page.getByTestId('measured-model')).toHaveText(`${(model / 1e6).toFixed(3)} Mpps`);
  expect(Number(await box.getAttribute('data-error'))).toBeCloseTo(model / m.measured_pps - 1, 9);
  await expect(page.getByTestId('measured-error')).toContainText(`±${Math.round(m.tolerance * 100)} %`);
  await expect(page.getByTestId('measured-fit')).toBeVisible();
  await expect(box).toContainText('leave-one-out');

  // A setting the calibration row does not have: no measurement to compare with.
  await page.getByTestId('knob-traffic.load').fill('0.5');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('summary')).toBeVisible();
  await expect(page.getByTestId('measured')).toHaveCount(0);
});

test('model vs measured: a gap that names a setting the measurement does not state runs it in one click, and the run gives the figure the gap quotes', async ({ page }) => {
  const name = 'fwd-cxgbe-t520-e5v4';
  const p = PRESETS.find((x) => x.name === name)!;
  const m = measuredFigureFor(presetScenario(p))!;
  expect(m.tryWith).toEqual({ 'host.options_rss': true });
  const quoted = / give (\d+\.\d+) Mpps/.exec(m.gap!)![1]!;
  await page.goto('/?fps=0');
  await choose(page, name);
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('measured-try')).toHaveText('Run with host.options_rss=true');
  await page.getByTestId('measured-try').click();
  await expect(page.getByTestId('knob-host.options_rss')).toBeChecked();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect.poll(() => page.evaluate(() => window.__ringlab!.getState().summary?.scenario.host.options_rss)).toBe(true);
  const got = await page.evaluate(() => window.__ringlab!.getState().summary!.forwarded_pps);
  expect((got / 1e6).toFixed(2)).toBe(quoted);
  // the run is no longer the calibration row: no measured box, the evidence box instead
  await expect(page.getByTestId('measured')).toHaveCount(0);
});

test('per-packet cost: a run shows it by stage and per CPU; Compare puts A and B in one chart', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('/?fps=0');
  await choose(page, 'fewer-queues-than-cores');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  const cost = page.getByTestId('chart-cost');
  await expect(cost).toHaveAttribute('data-compared', 'false');
  const a = await page.evaluate(() => window.__ringlab!.getState().summary!.cost_per_packet);
  await expect(cost).toHaveAttribute('data-total-ns', String(a.total_ns));
  await expect(page.getByTestId('chart-cost-cpus')).toBeVisible();
  await expect(page.getByTestId('summary-cost.total')).toBeVisible();

  await page.getByTestId('pin-baseline').click();
  await choose(page, 'numa-crossing');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(cost).toHaveAttribute('data-compared', 'true');
  const b = await page.evaluate(() => window.__ringlab!.getState().summary!.cost_per_packet);
  await expect(cost).toHaveAttribute('data-total-ns', String(b.total_ns));
  // Each stage row carries A's and B's figures.
  const rxeof = page.getByTestId('cost-rxeof');
  await expect(rxeof).toHaveAttribute('data-a-ns', String(a.by_stage_ns.rxeof));
  await expect(rxeof).toHaveAttribute('data-ns', String(b.by_stage_ns.rxeof));
  await expect(page.getByTestId('chart-cost-total')).toContainText('B/A');
  await expect(page.getByTestId('compare-a-cost_ns')).toHaveAttribute('data-value', String(a.total_ns));
  await expect(page.getByTestId('compare-b-cost_ns')).toHaveAttribute('data-value', String(b.total_ns));
});

test('kernel transmit: the bottleneck\'s per-packet breakdown is the cost chart\'s and the summary\'s figure', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('/?fps=0');
  await choose(page, 'ixl-40g-kernel-tx');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  const s = await page.evaluate(() => window.__ringlab!.getState().summary!);
  const c = s.cost_per_packet;
  const text = page.getByTestId('summary-bottleneck');
  // the sentence quotes the total with the very characters the summary table and the cost chart print
  const total = (await page.getByTestId('summary-cost.total').innerText()).trim();
  expect(total).toMatch(/^\d{1,3}(,\d{3})*(\.\d+)?$/);
  await expect(text).toContainText(`per packet sent, ${total} ns of CPU`);
  await expect(page.getByTestId('chart-cost-total')).toContainText(`${total} ns`);
  await expect(page.getByTestId('chart-cost')).toHaveAttribute('data-total-ns', String(c.total_ns));
  // and the doorbells' share as the chart's doorbell row prints it
  const bell = ((await page.getByTestId('cost-doorbell').textContent()) ?? '').match(/([\d,.]+) ns/)?.[1];
  expect(bell).toBeTruthy();
  await expect(text).toContainText(`doorbells ${bell} ns`);
  await expect(text).toContainText(`${s.doorbells_per_packet.toFixed(2)} per packet`);
});

test('the real-time factor: while running, and after the run with the engine\'s own', async ({ page }) => {
  await page.goto('/?fps=25');
  await choose(page, 'fwd-ix-82599-e5v4');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('run-pace')).toContainText(/[\d.]+(e-\d+)?× real time/, { timeout: 30_000 });
  await page.getByTestId('pace').selectOption('0');
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('run-pace')).toContainText(/took .+ · [\d.]+(e-\d+)?× real time \(engine alone [\d.]+(e-\d+)?× real time\)/);
});

/** A 1 ms run of fwd-ix-82599-atom (the fit-spread tests: 29 or 58 short runs follow); its scenario. */
async function shortRun(page: Page) {
  await page.goto('/?fps=0');
  await choose(page, 'fwd-ix-82599-atom');
  await page.getByTestId('knob-sim.duration_ms').fill('1');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  return page.evaluate(() => window.__ringlab!.getState().summary!.scenario);
}

/** Click a fit-spread box's button and wait for its result. */
async function spread(page: Page, box: string) {
  const el = page.getByTestId(box);
  await expect(el).toHaveAttribute('data-status', 'idle');
  await page.getByTestId(`${box}-run`).click();
  await expect(el).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  return el;
}

test('fit spread: the run again under each leave-one-out set, on background workers, as the engine gives it; it belongs to its run', async ({ page }) => {
  test.setTimeout(120_000);
  const scenario = await shortRun(page);
  const box = await spread(page, 'fit-spread');
  const f = fitSpread(scenario);
  const res = page.getByTestId('fit-spread-result');
  // Chromium's workers and Node give the same runs, bit for bit
  expect(Number(await res.getAttribute('data-min'))).toBe(f.min);
  expect(Number(await res.getAttribute('data-max'))).toBe(f.max);
  expect(Number(await res.getAttribute('data-median'))).toBe(f.median);
  await expect(res).toContainText(`${(f.min / 1e6).toFixed(3)} – ${(f.max / 1e6).toFixed(3)} Mpps`);
  const fitted = await page.evaluate(() => window.__ringlab!.getState().summary!.forwarded_pps);
  await expect(res).toContainText(`this run ${(fitted / 1e6).toFixed(3)} Mpps`);
  // the runs, lowest first, each named by the row left out
  await page.getByTestId('fit-spread-runs').locator('summary').click();
  const rows = page.getByTestId('fit-spread-runs').locator('tbody tr');
  await expect(rows).toHaveCount(f.runs.length);
  const lowest = [...f.runs].sort((a, b) => a.value - b.value)[0]!;
  await expect(rows.first()).toContainText(lowest.left_out);
  await expect(rows.first()).toContainText((lowest.value / 1e6).toFixed(3));
  // another run: the spread of the last one is not shown beside it
  await page.getByTestId('knob-traffic.load').fill('0.5');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(box).toHaveAttribute('data-status', 'idle');
  await expect(page.getByTestId('fit-spread-result')).toHaveCount(0);
});

test('fit spread of a comparison: A and B under each leave-one-out set, B/A as Node gives it', async ({ page }) => {
  test.setTimeout(120_000);
  const a = await shortRun(page);
  await page.getByTestId('pin-baseline').click();
  await page.getByTestId('knob-iflib.tx_reclaim_thresh').fill('512');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await spread(page, 'fit-spread-pair');
  const b = await page.evaluate(() => window.__ringlab!.getState().summary!.scenario);
  const va = looRowNames().map((_, k) => runScenario(a, { params: looParams(k) }).summary.forwarded_pps);
  const vb = looRowNames().map((_, k) => runScenario(b, { params: looParams(k) }).summary.forwarded_pps);
  const ratios = va.map((x, k) => vb[k]! / x);
  const res = page.getByTestId('fit-spread-pair-result');
  expect(Number(await res.getAttribute('data-min'))).toBe(Math.min(...ratios));
  expect(Number(await res.getAttribute('data-max'))).toBe(Math.max(...ratios));
  await expect(res).toContainText(/B is (above|below) A under every set|B\/A crosses 1 between sets/);
});

test('a run nobody measured says which calibration rows lie on its path and how far the fit misses them left out; a row says its own', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('/?fps=0');
  await choose(page, 'fwd-cxgbe-t580-e5v4-2s');
  await page.getByTestId('knob-sim.duration_ms').fill('1');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  // the preset is a calibration row: Model vs measured, and no second box
  await expect(page.getByTestId('measured')).toBeVisible();
  await expect(page.getByTestId('calibration-behind')).toHaveCount(0);
  // one knob away from it: the rows of cxgbe forwarding, as the engine lists them
  await page.getByTestId('knob-queues.rx').fill('12');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(page.getByTestId('measured')).toHaveCount(0);
  const scenario = await page.evaluate(() => window.__ringlab!.getState().summary!.scenario);
  const e = calibrationEvidence(scenario)!;
  const box = page.getByTestId('calibration-behind');
  await expect(box).toHaveAttribute('data-rows', String(e.rows.length));
  expect(Number(await box.getAttribute('data-loo-min'))).toBe(e.loo_min);
  expect(Number(await box.getAttribute('data-loo-max'))).toBe(e.loo_max);
  await expect(page.getByTestId('calibration-behind-range')).toHaveText(`−${(-e.loo_min * 100).toFixed(1)} % … +${(e.loo_max * 100).toFixed(1)} %`);
  await expect(box.getByTestId('calibration-host')).toHaveText(hostEvidenceText(e.host));
  await box.locator('summary').click();
  await expect(box.locator('tbody tr')).toHaveCount(e.rows.length);
  await expect(box.locator('tbody tr').first()).toContainText(e.rows[0]!.row);
  // a path no row measures says so
  await page.getByTestId('knob-traffic.workload').selectOption('receive');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await expect(box).toHaveAttribute('data-rows', '0');
  await expect(box).toContainText('No row of calibration.md measures cxgbe receive');
});
