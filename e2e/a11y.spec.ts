import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { PRESETS, encodeLink, presetScenario, setPath } from '../src/engine';
import { expect, test } from './fixtures';

/**
 * axe-core (WCAG 2.1 A and AA rules, and best practices) finds nothing on the page in either
 * theme: after a run (diagram, charts, summary, compare), on the preset gallery and the Sweep tab,
 * and on a finished sweep with its fit spread shaded.
 */

async function violations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 4).map((n) => n.target.join(' ')).join(' | ')}${v.nodes.length > 4 ? ` … ${v.nodes.length} in all` : ''}`);
}

for (const theme of ['light', 'dark'] as const) {
  test(`axe finds nothing in the ${theme} theme: results, gallery, sweep`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme: theme });
    await page.goto('/?fps=0');
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await page.getByTestId('run').click();
    await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
    await page.getByTestId('pin-baseline').click();
    await page.getByTestId('knob-traffic.flows').fill('64');
    await page.getByTestId('run').click();
    await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
    const found: string[] = [];
    found.push(...(await violations(page)).map((v) => `results: ${v}`));
    await page.getByTestId('tab-presets').click();
    found.push(...(await violations(page)).map((v) => `gallery: ${v}`));
    await page.getByTestId('tab-sweep').click();
    await expect(page.getByTestId('sweep-panel')).toBeVisible();
    found.push(...(await violations(page)).map((v) => `sweep: ${v}`));
    expect(found).toEqual([]);
  });
}

for (const theme of ['light', 'dark'] as const) {
  test(`axe finds nothing in the ${theme} theme: a finished sweep with its fit spread`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme: theme });
    const base = setPath(presetScenario(PRESETS.find((p) => p.name === 'fwd-ix-82599-atom')!), 'sim.duration_ms', 0.5);
    await page.goto(`/?fps=0${encodeLink({ scenario: base, sweep: { spec: 'queues.rx=2..4:2', series: [], y: 'forwarded_pps' } })}`);
    await page.getByTestId('tab-sweep').click();
    await page.getByTestId('sweep-run').click();
    await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-status', 'done', { timeout: 30_000 });
    await page.getByTestId('sweep-fit-spread-run').click();
    await expect(page.getByTestId('sweep-fit-spread')).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
    await expect(page.getByTestId('sweep-chart')).toHaveAttribute('data-bands', '2');
    expect(await violations(page)).toEqual([]);
  });
}
