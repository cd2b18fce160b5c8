import { PRESETS } from '../src/engine';
import { presetCards } from '../src/ui/presetGroups';
import { bottleneckStage, expect, test } from './fixtures';

const GROUPS = presetCards(PRESETS);

test('the gallery shows every preset as a card, grouped, with a one-line description', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('tab-presets').click();
  await expect(page.getByTestId('preset-gallery')).toBeVisible();
  for (const title of ['Forwarding calibration', 'Transmit / netmap', 'Cores vs queues & NUMA', 'TX ring only']) {
    await expect(page.getByRole('heading', { name: new RegExp(`^${title.replace(/[/&]/g, '.')}`) })).toBeVisible();
  }
  for (const { group, cards } of GROUPS) {
    const section = page.getByTestId(`preset-group-${group.id}`);
    await expect(section.locator('[data-testid^="preset-card-"]')).toHaveCount(cards.length);
    for (const c of cards) {
      const card = section.getByTestId(`preset-card-${c.name}`);
      await expect(card).toBeVisible();
      await expect(card).toContainText(c.title);
      await expect(card).toContainText(c.line);
      // Its name is what it shows: the title first, then the line (the visible words, for voice control too).
      await expect(card).toHaveAccessibleName(new RegExp(`^${c.title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      await expect(card).toHaveAccessibleDescription(c.line);
    }
  }
  for (const name of ['ixl-40g-kernel-tx', 'ixl-40g-netmap-tx', 'cxgbe-40g-kernel-tx', 'mlx5-netperf-udp', 'ixl-netmap-stall', 'fewer-queues-than-cores', 'numa-crossing', 'fwd-mlx5-cx4lx-e5v4']) {
    await expect(page.getByTestId(`preset-card-${name}`)).toBeVisible();
  }
});

test('a card loads its preset, runs it and shows the results: diagram and charts update', async ({ page }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('tab-presets').click();
  await page.getByTestId('preset-card-fewer-queues-than-cores').click();
  // The results tab comes back by itself, and the preset select follows the card.
  await expect(page.getByTestId('tab-results')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('preset')).toHaveValue('fewer-queues-than-cores');
  await expect(page.getByTestId('summary')).toBeVisible();
  await expect(page.getByTestId('frames-count')).toHaveAttribute('data-count', '200');

  const diagram = page.getByTestId('path-diagram');
  await expect(diagram).toHaveAttribute('data-workload', 'forward');
  for (const id of ['wire_in', 'nic_rx', 'rxeof', 'stack', 'tx_ring', 'wire_out']) {
    await expect.poll(async () => Number(await page.getByTestId(`stage-${id}`).getAttribute('data-rate')), { message: id }).toBeGreaterThan(0);
  }
  // The engine's bottleneck stage, outlined: a queue CPU saturates, and which of its stages is the
  // largest (rxeof, or encap with its doorbells) is the fit's answer.
  const stage = await bottleneckStage(page);
  expect(['rxeof', 'encap']).toContain(stage);
  await expect(diagram).toHaveAttribute('data-saturated-stage', stage);
  await expect(page.getByTestId(`stage-${stage}`)).toHaveAttribute('data-saturated', 'true');
  await expect(page.getByTestId('chart-queues')).toHaveAttribute('data-series', '4');
  await expect(page.getByTestId('chart-cpu')).toHaveAttribute('data-series', '24');
  await expect(page.getByTestId('chart-cycles')).toBeVisible();

  // The card of the loaded preset is marked current.
  await page.getByTestId('tab-presets').click();
  await expect(page.getByTestId('preset-card-fewer-queues-than-cores')).toHaveAttribute('aria-current', 'true');
});
