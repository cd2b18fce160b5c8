import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/**
 * The page on a phone (390 px wide, touch) and from the keyboard: no sideways scrolling on any tab
 * in either theme, the results right after the run controls (the settings fold away), a diagram
 * drawn in one readable column, help for every setting by touch, a header that does not move
 * when the link is copied, a skip link past the settings, and chart internals out of the tab order.
 */

async function overflow(page: Page): Promise<{ scroll: number; client: number }> {
  return page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
}

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  for (const theme of ['light', 'dark'] as const) {
    test(`no sideways overflow, results first, a readable diagram, axe clean (${theme})`, async ({ page }) => {
      test.setTimeout(90_000);
      await page.emulateMedia({ colorScheme: theme });
      await page.goto('/?fps=0');
      // The settings are folded: the results start within the first screen or two, not after 3000 px.
      await expect(page.getByTestId('settings-body')).toBeHidden();
      const resultsTop = (await page.locator('#results').boundingBox())!.y;
      expect(resultsTop, 'results top, px').toBeLessThan(1000);
      await page.getByTestId('run').tap();
      await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
      const o = await overflow(page);
      expect(o.scroll, 'page width after a run').toBeLessThanOrEqual(o.client);

      // The diagram is one column at 1:1: its stage names are drawn at a readable size.
      const diagram = page.getByTestId('path-diagram');
      await expect(diagram.locator('svg')).toHaveAttribute('data-layout', 'stacked');
      const label = diagram.locator('.pd-label').first();
      const h = (await label.boundingBox())!.height;
      expect(h, 'stage name height, px').toBeGreaterThanOrEqual(12);

      expect((await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze()).violations.map((v) => `${v.id}: ${v.nodes[0]?.target.join(' ')}`)).toEqual([]);

      for (const tab of ['presets', 'sweep'] as const) {
        await page.getByTestId(`tab-${tab}`).tap();
        await expect(page.getByTestId(`tab-${tab}`)).toHaveAttribute('aria-selected', 'true');
        if (tab === 'sweep') await expect(page.getByTestId('sweep-panel')).toBeVisible();
        const t = await overflow(page);
        expect(t.scroll, `page width on the ${tab} tab`).toBeLessThanOrEqual(t.client);
      }
      // The folded settings open (and still fit).
      await page.getByTestId('settings-toggle').tap();
      await expect(page.getByTestId('settings-body')).toBeVisible();
      await expect(page.getByTestId('knob-traffic.flows')).toBeVisible();
      const f = await overflow(page);
      expect(f.scroll, 'page width with the settings open').toBeLessThanOrEqual(f.client);
    });
  }

  test('help for a setting by touch', async ({ page }) => {
    await page.goto('/');
    await page.getByTestId('settings-toggle').tap();
    const help = page.getByTestId('help-traffic.load');
    await expect(help).toHaveAttribute('aria-expanded', 'false');
    const box = (await help.boundingBox())!;
    expect(Math.min(box.width, box.height), 'touch target, px').toBeGreaterThanOrEqual(24);
    await help.tap();
    await expect(help).toHaveAttribute('aria-expanded', 'true');
    await expect(page.getByTestId('help-text-traffic.load')).toContainText('Offered packet rate as a fraction of the line rate');
    // The field says it is described by the help now.
    const describedBy = (await page.getByTestId('knob-traffic.load').getAttribute('aria-describedby')) ?? '';
    expect(describedBy.split(' ')).toContain('knob-traffic-load-help');
    await help.tap();
    await expect(page.getByTestId('help-text-traffic.load')).toHaveCount(0);
  });
});

test('copying the link does not move the header or the page below it', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/');
  const before = { header: (await page.locator('.app-header').boundingBox())!, main: (await page.locator('main').boundingBox())! };
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('share-url')).toBeVisible();
  const after = { header: (await page.locator('.app-header').boundingBox())!, main: (await page.locator('main').boundingBox())! };
  expect(after.header.height).toBe(before.header.height);
  expect(after.main.y).toBe(before.main.y);
});

test('keyboard: a skip link to the results; the diagram is one tab stop with arrows inside; chart internals are not tab stops', async ({ page }) => {
  await page.goto('/?fps=0');
  await expect(page.getByTestId('run')).toBeVisible(); // rendered
  // The first Tab on the page reaches the skip link; it jumps past the settings.
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('skip-link')).toBeFocused();
  await expect(page.getByTestId('skip-link')).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.locator('#results')).toBeFocused();
  await page.getByTestId('run').click();
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'done');
  await page.locator('#results').focus();

  // Walk the tab order through the results: note every stop.
  const stops: string[] = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const at = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el) return '';
      const inChart = !!el.closest('.recharts-wrapper') || (el instanceof SVGElement && !el.classList.contains('pd-stage'));
      return `${el.dataset.testid ?? el.tagName}${inChart ? ' (chart internal)' : ''}`;
    });
    stops.push(at);
  }
  expect(stops.filter((s) => s.includes('chart internal')), stops.join(', ')).toEqual([]);
  expect(stops.filter((s) => s.startsWith('stage-')), 'diagram stages in the tab order').toHaveLength(1);
  // Inside the diagram, arrows move between stages.
  const first = stops.find((s) => s.startsWith('stage-'))!;
  await page.getByTestId(first).focus();
  await page.keyboard.press('ArrowRight');
  const next = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.testid);
  expect(next).not.toBe(first);
  expect(next).toMatch(/^stage-/);
  await expect(page.getByTestId('diagram-details')).toBeVisible();
});
