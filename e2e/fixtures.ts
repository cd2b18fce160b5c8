import { test as base, expect, type Page } from '@playwright/test';

/**
 * Every test fails if the page throws an uncaught error or logs console.error: "the page never
 * crashes" is checked everywhere, not only in the link tests.
 */
export const test = base.extend<{ pageErrors: string[] }>({
  pageErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(`console.error: ${m.text()}`);
      });
      await use(errors);
      expect(errors, 'uncaught errors on the page').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/**
 * The stage the finished run's summary names as its bottleneck (summary.bottleneck.stage; '' when
 * nothing saturates): the diagram outlines exactly that one. Which stage of a saturated CPU is the
 * largest is the fitted model's answer, so specs compare with the engine rather than fix a name.
 */
export async function bottleneckStage(page: Page): Promise<string> {
  return page.evaluate(() => {
    const b = window.__ringlab!.getState().summary?.bottleneck;
    return b && b.kind !== 'none' && b.stage ? b.stage : '';
  });
}

export async function framesCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('frames-count').getAttribute('data-count'));
}

export async function status(page: Page): Promise<string> {
  return (await page.getByTestId('status').getAttribute('data-status')) ?? '';
}

/** Every summary value cell (data-testid="summary-*"), keyed by metric. */
export async function summaryValues(page: Page): Promise<Record<string, string>> {
  const cells = page.locator('[data-testid^="summary-"]:is(td)');
  const out: Record<string, string> = {};
  for (const cell of await cells.all()) {
    const id = (await cell.getAttribute('data-testid'))!.slice('summary-'.length);
    out[id] = (await cell.textContent()) ?? '';
  }
  return out;
}
