import { bottleneckStage, expect, framesCount, status, test } from './fixtures';
import type { Page } from '@playwright/test';

async function stageIds(page: Page): Promise<string[]> {
  return page.locator('[data-testid^="stage-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('stage-'.length)));
}

async function runCard(page: Page, name: string) {
  await page.getByTestId('tab-presets').click();
  await page.getByTestId(`preset-card-${name}`).click();
}

test('the diagram adapts to the workload before any run, with the engine\'s stages and the driver\'s names', async ({ page }) => {
  await page.goto('/');
  const diagram = page.getByTestId('path-diagram');
  await expect(diagram).toHaveAttribute('data-workload', 'forward');
  expect(await stageIds(page)).toEqual(['wire_in', 'nic_rx', 'rxeof', 'stack', 'if_transmit', 'encap', 'tx_ring', 'wire_out']);
  // The default NIC is an mlx5en: its own functions, no mp_ring.
  await expect(page.getByTestId('stage-rxeof')).toContainText('mlx5e_rx_cq_comp');
  await expect(page.getByTestId('stage-if_transmit')).toContainText('mlx5e_xmit');
  await expect(page.getByTestId('stage-rxeof')).toHaveAttribute('data-rate', '');
  await expect(page.getByTestId('diagram-when')).toHaveText('not run yet');

  await page.getByTestId('knob-nic.model').selectOption('ix-82599');
  expect(await stageIds(page)).toEqual(['wire_in', 'nic_rx', 'rxeof', 'stack', 'if_transmit', 'soft_ring', 'drain', 'encap', 'tx_ring', 'wire_out']);
  await expect(page.getByTestId('stage-rxeof')).toContainText('iflib_rxeof');
  await page.getByTestId('knob-traffic.workload').selectOption('receive');
  expect(await stageIds(page)).toEqual(['wire_in', 'nic_rx', 'rxeof', 'lro', 'stack', 'socket']);
  await page.getByTestId('knob-lro.mode').selectOption('off');
  expect(await stageIds(page)).toEqual(['wire_in', 'nic_rx', 'rxeof', 'stack', 'socket']);
  await page.getByTestId('knob-traffic.workload').selectOption('transmit');
  expect(await stageIds(page)).toEqual(['senders', 'if_transmit', 'soft_ring', 'drain', 'encap', 'tx_ring', 'wire_out']);
  await page.getByTestId('knob-tx.path').selectOption('netmap');
  expect(await stageIds(page)).toEqual(['pktgen', 'txsync', 'tx_ring', 'wire_out']);
  await page.getByTestId('knob-traffic.workload').selectOption('ring');
  expect(await stageIds(page)).toEqual(['source', 'tx_ring', 'wire_out']);
});

test('fewer queues than cores: stage rates go live (the run so far) while running; the engine\'s bottleneck stage ends up saturated, with CPU shares', async ({ page }) => {
  await page.goto('/?fps=25');
  await runCard(page, 'fewer-queues-than-cores');
  const rxeof = page.getByTestId('stage-rxeof');
  // Live: non-zero rates (and drops at the RX rings) before the run ends.
  await expect.poll(async () => Number((await rxeof.getAttribute('data-rate')) || 0)).toBeGreaterThan(0);
  expect(await status(page)).toBe('running');
  expect(await framesCount(page)).toBeLessThan(200);
  await expect.poll(async () => Number(await page.getByTestId('stage-nic_rx').getAttribute('data-drops'))).toBeGreaterThan(0);
  await expect(page.getByTestId('diagram-when')).toContainText('live: the run so far, 0–');
  await expect(page.getByTestId('path-diagram')).toHaveAttribute('data-window', 'live');
  // Live there is no verdict yet, only where packets are dropped.
  await expect(page.getByTestId('path-diagram')).toHaveAttribute('data-saturated-stage', '');
  await expect(page.getByTestId('diagram-reason')).toContainText('Dropping most so far: NIC RX queues (RX descriptor ring full');

  await page.getByTestId('pace').selectOption('0');
  await expect(page.getByTestId('summary')).toBeVisible({ timeout: 30_000 });
  const diagram = page.getByTestId('path-diagram');
  // A queue CPU saturates; its largest stage (rxeof, or encap with its doorbells) is the engine's answer.
  const stage = await bottleneckStage(page);
  expect(['rxeof', 'encap']).toContain(stage);
  const sat = page.getByTestId(`stage-${stage}`);
  await expect(diagram).toHaveAttribute('data-saturated-stage', stage);
  await expect(sat).toHaveAttribute('data-saturated', 'true');
  await expect(sat).toHaveClass(/saturated/);
  await expect(diagram.locator('.pd-stage.saturated')).toHaveCount(1);
  await expect(sat.getByText('SATURATED')).toBeVisible();
  await expect(page.getByTestId('diagram-reason')).toContainText(`Saturated: ${stage}`);
  // The engine's sentence, as the summary says it.
  await expect(page.getByTestId('diagram-reason')).toContainText((await page.getByTestId('summary-bottleneck').textContent())!.replace('Bottleneck: ', ''));
  // CPU shares after the run: the CPU stages add up to all busy cycles (with what no stage counts).
  const shares = await page.locator('[data-testid^="stage-"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-cpu-share') || 0)));
  expect(Number(await rxeof.getAttribute('data-cpu-share'))).toBeGreaterThan(0.1);
  expect(shares.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.8);
  expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1 + 1e-9);
  await expect(page.getByTestId('stage-tx_ring')).toHaveAttribute('data-cpu-share', '');
  await expect(page.getByTestId('diagram-when')).toContainText("whole run, 0–20 ms (the summary's figures)");
  await expect(page.getByTestId('path-diagram')).toHaveAttribute('data-window', 'run');

  // Hover or focus names the FreeBSD functions.
  await rxeof.hover();
  await expect(page.getByTestId('diagram-details')).toContainText('iflib_rxeof');
  await page.getByTestId('stage-stack').focus();
  await expect(page.getByTestId('diagram-details')).toContainText('ip_tryforward');
  await expect(page.getByTestId('stage-if_transmit')).toHaveAttribute('aria-label', /if_transmit \(iflib_if_transmit\)/);
  await page.getByTestId('stage-nic_rx').focus();
  await expect(page.getByTestId('diagram-details')).toContainText('FreeBSD: dev.<drv>.<unit>.mac.missed_packets');
});

test('ixl netmap stall: txsync is saturated, and the netmap rows and the engine are in the summary', async ({ page }) => {
  await page.goto('/?fps=0');
  await runCard(page, 'ixl-netmap-stall');
  await expect(page.getByTestId('summary')).toBeVisible({ timeout: 30_000 });
  expect(await stageIds(page)).toEqual(['pktgen', 'txsync', 'tx_ring', 'wire_out']);
  await expect(page.getByTestId('path-diagram')).toHaveAttribute('data-saturated-stage', 'txsync');
  await expect(page.getByTestId('stage-txsync')).toHaveAttribute('data-saturated', 'true');
  await expect(page.getByTestId('diagram-reason')).toContainText('wake-ups lost');
  await page.getByTestId('stage-txsync').hover();
  await expect(page.getByTestId('diagram-details')).toContainText('iflib_netmap_txsync');
  await expect(page.getByTestId('summary-netmap.stalls')).not.toHaveText('0');
  await expect(page.getByTestId('summary-netmap.lost_wakeups')).not.toHaveText('0');
  await expect(page.getByTestId('summary-engine')).toHaveText(/^ringlab-engine@\d+\.\d+\.\d+/);
});

test('kernel transmit through mp_ring: a sender CPU\'s stage saturates; the soft-ring rows are in the summary', async ({ page }) => {
  await page.goto('/?fps=0');
  await runCard(page, 'ixl-40g-kernel-tx');
  await expect(page.getByTestId('summary')).toBeVisible({ timeout: 30_000 });
  // The senders' CPUs are full; sendto or ixl's encap with its doorbells is the largest stage there.
  const stage = await bottleneckStage(page);
  expect(['senders', 'encap']).toContain(stage);
  await expect(page.getByTestId('path-diagram')).toHaveAttribute('data-saturated-stage', stage);
  await expect(page.getByTestId('stage-soft_ring')).toContainText('mp_ring');
  for (const id of ['senders', 'if_transmit', 'soft_ring', 'drain', 'encap', 'tx_ring', 'wire_out']) {
    // The diagram redraws a few times a second, so its last numbers may land just after the summary.
    await expect.poll(async () => Number(await page.getByTestId(`stage-${id}`).getAttribute('data-rate')), { message: id }).toBeGreaterThan(1e6);
  }
  await expect(page.getByTestId('summary-soft.enqueues')).toBeVisible();
  await expect(page.getByTestId('summary-soft.mp')).toBeVisible();
});

test('after the run, the packets still inside each stage are listed, and they add up to the summary\'s in flight', async ({ page }) => {
  await page.goto('/?fps=0');
  await runCard(page, 'fwd-ix-82599-atom');
  await expect(page.getByTestId('summary')).toBeVisible({ timeout: 60_000 });
  const held = page.getByTestId('diagram-held');
  await expect(held).toContainText('NIC RX queues');
  const text = (await held.textContent())!;
  const counts = text.split(':').slice(1).join(':').split(' · ').map((part) => Number(part.match(/([\d,]+)(?: packets\.)?\s*$/)![1]!.replace(/,/g, '')));
  const inFlight = Number((await page.getByTestId('summary-in_flight').textContent())!.replace(/[^\d]/g, ''));
  expect(counts.length).toBeGreaterThan(1);
  expect(counts.reduce((a, b) => a + b, 0)).toBe(inFlight);
  await page.getByTestId('stage-nic_rx').hover();
  await expect(page.getByTestId('diagram-details')).toContainText('packets were still inside it when the run ended');
});
