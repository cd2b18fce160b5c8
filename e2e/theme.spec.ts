import { bottleneckStage, expect, test } from './fixtures';

test('the theme toggle flips data-theme and the choice survives a reload', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto('/');
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme', 'light');
  const toggle = page.getByTestId('theme-toggle');
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  const lightBg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

  await toggle.click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  expect(await page.evaluate(() => localStorage.getItem('ringlab.theme'))).toBe('dark');
  const darkBg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(darkBg).not.toBe(lightBg);

  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await toggle.click();
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'light');
});

test('without a stored choice the page follows prefers-color-scheme', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('a run in the dark theme draws the diagram and the charts without errors', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.goto('/?fps=0');
  await page.getByTestId('preset').selectOption('ixl-40g-kernel-tx');
  await page.getByTestId('run').click();
  await expect(page.getByTestId('summary')).toBeVisible({ timeout: 30_000 });
  // The engine's bottleneck stage, outlined: the senders' CPUs are full, and which of their stages
  // is the largest (sendto, or ixl's encap with its doorbells) is the fit's answer.
  const stage = await bottleneckStage(page);
  expect(['senders', 'encap']).toContain(stage);
  await expect(page.getByTestId('path-diagram')).toHaveAttribute('data-saturated-stage', stage);
  await expect(page.getByTestId(`stage-${stage}`)).toHaveAttribute('data-saturated', 'true');
  await expect(page.getByTestId('chart-cycles')).toBeVisible();
});
