import { KNOBS, defaultScenario, encodeLink, getPath, setPath } from '../src/engine';
import { expect, summaryValues, test } from './fixtures';

const DEFAULT_LINK = encodeLink({ scenario: defaultScenario() });

test('copy link → open it in a new page → run → identical summary', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/?fps=0');
  // A mix of text, choice and checkbox knobs; choosing the NIC also sets its ring sizes.
  await page.getByTestId('knob-sim.seed').fill('4242');
  await page.getByTestId('knob-traffic.load').fill('0.8');
  await page.getByTestId('knob-traffic.arrival').selectOption('poisson');
  await page.getByTestId('knob-nic.model').selectOption('ix-82599');
  await page.getByTestId('knob-queues.irq_spread').check();
  await page.getByTestId('knob-sim.duration_ms').fill('5');
  await expect(page).toHaveURL(/#v\d+\./);
  const txDesc = await page.getByTestId('knob-queues.tx_desc').inputValue();

  await page.getByTestId('run').click();
  await expect(page.getByTestId('summary')).toBeVisible();
  const first = await summaryValues(page);

  await page.getByTestId('copy-link').click();
  const shareUrl = await page.getByTestId('share-url').inputValue();
  expect(shareUrl).toBe(page.url());
  await expect(page.getByTestId('copy-status')).toHaveText('Copied to the clipboard');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shareUrl);

  const other = await context.newPage();
  const otherErrors: string[] = [];
  other.on('pageerror', (e) => otherErrors.push(e.message));
  await other.goto(shareUrl);
  // The link reproduces on open: the recipient's page runs it; it never says "No run yet".
  await expect(other.getByTestId('status')).not.toHaveAttribute('data-status', 'idle');
  await expect(other.getByTestId('progress')).not.toContainText('No run yet');
  await expect(other.getByTestId('knob-sim.seed')).toHaveValue('4242');
  await expect(other.getByTestId('knob-traffic.load')).toHaveValue('0.8');
  await expect(other.getByTestId('knob-traffic.arrival')).toHaveValue('poisson');
  await expect(other.getByTestId('knob-nic.model')).toHaveValue('ix-82599');
  await expect(other.getByTestId('knob-queues.irq_spread')).toBeChecked();
  await expect(other.getByTestId('knob-queues.tx_desc')).toHaveValue(txDesc);
  await expect(other.getByTestId('link-error')).toHaveCount(0);
  await expect(other.getByTestId('summary')).toBeVisible();
  await expect(other.getByTestId('status')).toHaveAttribute('data-status', 'done');
  const second = await summaryValues(other);
  expect(second).toEqual(first);
  expect(Object.keys(second).length).toBeGreaterThanOrEqual(11);
  expect(otherErrors).toEqual([]);
});

test('the URL fragment always holds the current valid scenario', async ({ page }) => {
  await page.goto('/');
  await expect.poll(() => new URL(page.url()).hash).toBe(DEFAULT_LINK);
  await page.getByTestId('knob-sim.seed').fill('5');
  await expect.poll(() => new URL(page.url()).hash).toBe(encodeLink({ scenario: setPath(defaultScenario(), 'sim.seed', 5) }));
  const good = new URL(page.url()).hash;
  // Copy link without clipboard permission: the link is still shown to copy by hand.
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('share-url')).toHaveValue(page.url());
  await expect(page.getByTestId('copy-status')).toBeVisible();
  await page.getByTestId('knob-sim.seed').fill('-1'); // invalid: the link keeps the last valid scenario
  await expect(page.getByTestId('error-sim.seed')).toBeVisible();
  expect(new URL(page.url()).hash).toBe(good);
});

const broken: { name: string; hash: string; message: RegExp; detail?: RegExp }[] = [
  { name: 'garbage payload', hash: '#v1.garbage!!', message: /not a ringlab scenario link|damaged/ },
  { name: 'link from a newer ringlab', hash: '#v99.x', message: /newer ringlab/ },
  {
    name: 'out-of-range knob (traffic.load = 7)',
    hash: encodeLink({ scenario: setPath(defaultScenario(), 'traffic.load', 7) }),
    message: /settings ringlab does not accept/,
    detail: /traffic\.load/,
  },
  { name: 'damaged data', hash: '#v1.AAAA', message: /damaged/ },
  { name: 'not a scenario link at all', hash: '#hello-world', message: /not a ringlab scenario link/ },
];

for (const b of broken) {
  test(`a broken link (${b.name}) shows a message and the defaults, without crashing`, async ({ page }) => {
    await page.goto(`/${b.hash}`);
    const banner = page.getByTestId('link-error');
    await expect(banner).toBeVisible();
    await expect(banner).toHaveAttribute('role', 'alert');
    await expect(page.getByTestId('link-error-message')).toHaveText(b.message);
    await expect(banner).toContainText('default settings');
    // The details list is collapsed until asked for.
    const details = page.getByTestId('link-error-details');
    await expect(details.locator('li').first()).toBeHidden();
    await details.locator('summary').click();
    await expect(details.locator('li').first()).toBeVisible();
    if (b.detail) await expect(details).toContainText(b.detail);
    // The form shows the defaults, and the URL now holds them.
    for (const k of KNOBS) {
      const el = page.getByTestId(`knob-${k.path}`);
      if (k.kind === 'bool') {
        if (getPath(defaultScenario(), k.path)) await expect(el).toBeChecked();
        else await expect(el).not.toBeChecked();
      } else await expect(el).toHaveValue(String(getPath(defaultScenario(), k.path)));
    }
    await expect.poll(() => new URL(page.url()).hash).toBe(DEFAULT_LINK);
    await expect(page.getByTestId('run')).toBeEnabled();
    // Dismissable.
    await banner.getByRole('button', { name: /dismiss/i }).click();
    await expect(banner).toHaveCount(0);
  });
}

test('hashchange: editing the fragment loads the new scenario, or explains why not', async ({ page }) => {
  await page.goto('/');
  const link = encodeLink({ scenario: setPath(defaultScenario(), 'sim.seed', 31) });
  await page.evaluate((h) => {
    window.location.hash = h;
  }, link);
  await expect(page.getByTestId('knob-sim.seed')).toHaveValue('31');
  await page.evaluate(() => {
    window.location.hash = '#v99.x';
  });
  await expect(page.getByTestId('link-error')).toBeVisible();
  await expect(page.getByTestId('knob-sim.seed')).toHaveValue(String(defaultScenario().sim.seed));
  await page.evaluate((h) => {
    window.location.hash = h;
  }, link);
  await expect(page.getByTestId('knob-sim.seed')).toHaveValue('31');
  await expect(page.getByTestId('link-error')).toHaveCount(0);
});
