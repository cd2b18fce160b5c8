import { expect, framesCount, status, test } from './fixtures';
import type { Page } from '@playwright/test';

async function stageIds(page: Page): Promise<string[]> {
  return page.locator('[data-testid^="stage-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('stage-'.length)));
}

async function runCard(page: Page, name: string) {
  await page.getByTestId('tab-presets').click();
  await page.getByTestId(`preset-card-${name}`).click();
}

test('the diagram adapts to the workload before any run', async ({ page }) => {
  await page.goto('/');
  const diagram = page.getByTestId('path-diagram');
  await expect(diagram).toHaveAttribute('data-workload', 'forward');
  expect(await stageIds(page)).toEqual(['wire_in', 'nic_rx', 'rxeof', 'stack', 'if_transmit', 'drain', 'encap', 'tx_ring', 'wire_out']);
  await expect(page.getByTestId('stage-rxeof')).toHaveAttribute('data-rate', '');

  await page.getByTestId('knob-traffic.workload').selectOption('receive');
  expect(await stageIds(page)).toEqual(['wire_in', 'nic_rx', 'rxeof', 'lro', 'stack', 'sink']);
  await page.getByTestId('knob-traffic.workload').selectOption('transmit');
  expect(await stageIds(page)).toEqual(['senders', 'if_transmit', 'soft_ring', 'drain', 'encap', 'tx_ring', 'wire_out']);
  await page.getByTestId('knob-tx.path').selectOption('netmap');
  expect(await stageIds(page)).toEqual(['pktgen', 'txsync', 'tx_ring', 'wire_out']);
  await page.getByTestId('knob-traffic.workload').selectOption('ring');
  expect(await stageIds(page)).toEqual(['tx_ring', 'wire_out']);
});

test('fewer queues than cores: stage rates go live while running; rxeof ends up saturated with CPU shares', async ({ page }) => {
  await page.goto('/?fps=25');
  await runCard(page, 'fewer-queues-than-cores');
  const rxeof = page.getByTestId('stage-rxeof');
  // Live: non-zero rates (and drops at the RX rings) before the run ends.
  await expect.poll(async () => Number((await rxeof.getAttribute('data-rate')) || 0)).toBeGreaterThan(0);
  expect(await status(page)).toBe('running');
  expect(await framesCount(page)).toBeLessThan(200);
  await expect.poll(async () => Number(await page.getByTestId('stage-nic_rx').getAttribute('data-drops'))).toBeGreaterThan(0);
  await expect(page.getByTestId('diagram-when')).toContainText('live');

  await page.getByTestId('pace').selectOption('0');
  await expect(page.getByTestId('summary')).toBeVisible({ timeout: 30_000 });
  const diagram = page.getByTestId('path-diagram');
  await expect(diagram).toHaveAttribute('data-saturated-stage', 'rxeof');
  await expect(rxeof).toHaveAttribute('data-saturated', 'true');
  await expect(rxeof).toHaveClass(/saturated/);
  await expect(diagram.locator('.pd-stage.saturated')).toHaveCount(1);
  await expect(rxeof.getByText('SATURATED')).toBeVisible();
  await expect(page.getByTestId('diagram-reason')).toContainText('Saturated: rxeof');
  const share = Number(await rxeof.getAttribute('data-cpu-share'));
  expect(share).toBeGreaterThan(0.3);
  expect(share).toBeLessThanOrEqual(1);
  await expect(page.getByTestId('stage-tx_ring')).toHaveAttribute('data-cpu-share', '');
  await expect(page.getByTestId('diagram-when')).toContainText('end of run');

  // Hover or focus names the FreeBSD functions.
  await rxeof.hover();
  await expect(page.getByTestId('diagram-details')).toContainText('iflib_rxeof');
  await page.getByTestId('stage-stack').focus();
  await expect(page.getByTestId('diagram-details')).toContainText('ip_tryforward');
  await expect(page.getByTestId('stage-if_transmit')).toHaveAttribute('aria-label', /if_transmit \(ifmp_ring_enqueue\)/);
});

test('ixl netmap stall: txsync is saturated, and the netmap rows and the engine are in the summary', async ({ page }) => {
  await page.goto('/?fps=0');
  await runCard(page, 'ixl-netmap-stall');
  await expect(page.getByTestId('summary')).toBeVisible({ timeout: 30_000 });
  expect(await stageIds(page)).toEqual(['pktgen', 'txsync', 'tx_ring', 'wire_out']);
  await expect(page.getByTestId('path-diagram')).toHaveAttribute('data-saturated-stage', 'txsync');
  await expect(page.getByTestId('stage-txsync')).toHaveAttribute('data-saturated', 'true');
  await expect(page.getByTestId('diagram-reason')).toContainText('wake-up is lost');
  await page.getByTestId('stage-txsync').hover();
  await expect(page.getByTestId('diagram-details')).toContainText('iflib_netmap_txsync');
  await expect(page.getByTestId('summary-netmap.stalls')).not.toHaveText('0');
  await expect(page.getByTestId('summary-netmap.lost_wakeups')).not.toHaveText('0');
  await expect(page.getByTestId('summary-engine')).toHaveText(/^ringlab-engine@\d+\.\d+\.\d+/);
});

test('kernel transmit through mp_ring: the senders saturate; the soft-ring rows are in the summary', async ({ page }) => {
  await page.goto('/?fps=0');
  await runCard(page, 'ixl-40g-kernel-tx');
  await expect(page.getByTestId('summary')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('path-diagram')).toHaveAttribute('data-saturated-stage', 'senders');
  await expect(page.getByTestId('stage-soft_ring')).toContainText('mp_ring');
  for (const id of ['senders', 'if_transmit', 'soft_ring', 'drain', 'encap', 'tx_ring', 'wire_out']) {
    // The diagram redraws a few times a second, so its last numbers may land just after the summary.
    await expect.poll(async () => Number(await page.getByTestId(`stage-${id}`).getAttribute('data-rate')), { message: id }).toBeGreaterThan(1e6);
  }
  await expect(page.getByTestId('summary-soft.enqueues')).toBeVisible();
  await expect(page.getByTestId('summary-soft.mp')).toBeVisible();
});
