import { bottleneckStage, expect, test } from './fixtures';
import type { Page } from '@playwright/test';

/**
 * Press Tab until the focused element matches, at most `max` times; returns its test id. (The
 * form has two stops per setting, its field and its ? help, and the capture panel's: over a
 * hundred before the result tabs.)
 */
async function tabUntil(page: Page, match: (testId: string) => boolean, max = 250): Promise<string> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const id = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? '');
    if (match(id)) return id;
  }
  throw new Error('never reached the element with Tab');
}

test('keyboard: Tab to the tabs, arrow to the gallery, Tab to a preset card, Enter runs it', async ({ page }) => {
  await page.goto('/?fps=0');
  await tabUntil(page, (id) => id === 'tab-results');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('tab-presets')).toBeFocused();
  await expect(page.getByTestId('tab-presets')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('preset-gallery')).toBeVisible();

  const first = await tabUntil(page, (id) => id.startsWith('preset-card-'), 5);
  // A visible focus ring on the card.
  const outline = await page.getByTestId(first).evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');
  const card = await tabUntil(page, (id) => id === 'preset-card-fewer-queues-than-cores', 40);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('summary')).toBeVisible();
  await expect(page.getByTestId('preset')).toHaveValue(card.slice('preset-card-'.length));
  // Focus lands on the results tab, not on the hidden card.
  await expect(page.getByTestId('tab-results')).toBeFocused();
  // The engine's bottleneck stage, outlined: a queue CPU saturates, and which of its stages is the
  // largest (rxeof, or encap with its doorbells) is the fit's answer.
  const stage = await bottleneckStage(page);
  expect(['rxeof', 'encap']).toContain(stage);
  await expect(page.getByTestId('path-diagram')).toHaveAttribute('data-saturated-stage', stage);
  await expect(page.getByTestId(`stage-${stage}`)).toHaveAttribute('data-saturated', 'true');
});

test('keyboard: Space on a card runs it too; the theme toggle and table toggles work from the keyboard', async ({ page }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('tab-presets').click();
  await page.getByTestId('preset-card-line-rate-10g-64b').focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('summary')).toBeVisible();
  await expect(page.getByTestId('preset')).toHaveValue('line-rate-10g-64b');

  await page.getByTestId('theme-toggle').focus();
  const before = await page.locator('html').getAttribute('data-theme');
  await page.keyboard.press('Enter');
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', before ?? '');

  await page.getByTestId('chart-rate-table-toggle').focus();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('chart-rate-table')).toBeVisible();
});
