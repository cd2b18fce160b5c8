import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * axe-core (WCAG 2.1 A and AA rules, and best practices) finds nothing on the page in either
 * theme: after a run (diagram, charts, summary, compare), on the preset gallery and the Sweep tab.
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
