import { KNOBS, PRESETS, defaultScenario, getPath, presetScenario } from '../src/engine';
import { expect, test } from './fixtures';

test('every knob has a labelled input with range hints and a tooltip', async ({ page }) => {
  await page.goto('/');
  for (const k of KNOBS) {
    const input = page.getByTestId(`knob-${k.path}`);
    await expect(input, k.path).toBeVisible();
    // The accessible name is the knob's label.
    await expect(input, k.path).toHaveAccessibleName(new RegExp(`^${k.label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    const title = (await input.getAttribute('title')) ?? '';
    expect(title, k.path).toContain(k.help);
    if (k.freebsd) expect(title, k.path).toContain(k.freebsd);
    if (k.kind === 'choice') expect(await input.evaluate((e) => e.tagName), k.path).toBe('SELECT');
    if (k.kind === 'bool') await expect(input, k.path).toHaveAttribute('type', 'checkbox');
  }
  for (const g of new Set(KNOBS.map((k) => k.group))) {
    await expect(page.locator('fieldset legend', { hasText: g }).first()).toBeVisible();
  }
});

test('an invalid value is flagged inline and disables Run; fixing it re-enables Run', async ({ page }) => {
  await page.goto('/');
  const run = page.getByTestId('run');
  const load = page.getByTestId('knob-traffic.load');
  await expect(run).toBeEnabled();

  await load.fill('7');
  await expect(page.getByTestId('error-traffic.load')).toHaveText('Offered load must be at most 1.5× line rate.');
  await expect(load).toHaveAttribute('aria-invalid', 'true');
  await expect(run).toBeDisabled();
  await expect(page.getByTestId('invalid-hint')).toBeVisible();

  await load.fill('abc');
  await expect(page.getByTestId('error-traffic.load')).toBeVisible();
  await expect(run).toBeDisabled();

  // A second invalid field keeps Run disabled until both are fixed.
  await page.getByTestId('knob-queues.tx_desc').fill('1000');
  await expect(page.getByTestId('error-queues.tx_desc')).toContainText('power of two');
  await load.fill('0.5');
  await expect(page.getByTestId('error-traffic.load')).toHaveCount(0);
  await expect(run).toBeDisabled();
  await page.getByTestId('knob-queues.tx_desc').fill(String(defaultScenario().queues.tx_desc));
  await expect(page.getByTestId('error-queues.tx_desc')).toHaveCount(0);
  await expect(run).toBeEnabled();
  await expect(load).toHaveAttribute('aria-invalid', 'false');
});

test('numbers are typed in plain digits: hex, exponents and separators are refused with the plain form', async ({ page }) => {
  await page.goto('/');
  const cases: [string, string, string][] = [
    ['host.cores', '0x10', 'Physical cores: write 16 in plain digits, not “0x10”.'],
    ['traffic.flows', '1e3', 'Flows: write 1000 in plain digits, not “1e3”.'],
    ['traffic.flows', '1,000', 'Flows: write 1000 in plain digits, not “1,000”.'],
    ['traffic.load', '.5', 'Offered load: write 0.5 in plain digits, not “.5”.'],
    ['host.cores', ' 16', 'Physical cores: write 16 in plain digits, not “ 16”.'],
  ];
  for (const [path, text, message] of cases) {
    await page.getByTestId(`knob-${path}`).fill(text);
    await expect(page.getByTestId(`error-${path}`)).toHaveText(message);
    await expect(page.getByTestId('run')).toBeDisabled();
    // Nothing was read into the scenario.
    expect(await page.evaluate((p) => JSON.stringify(window.__ringlab!.getState().scenario).includes(p), `"${path.split('.').pop()}":${text}`)).toBe(false);
    await page.getByTestId(`knob-${path}`).fill(String(getPath(defaultScenario(), path)));
    await expect(page.getByTestId(`error-${path}`)).toHaveCount(0);
  }
  await expect(page.getByTestId('run')).toBeEnabled();
});

test('a rule across knobs is said once, with the knobs\' labels, at the first knob it names', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('knob-host.preset').selectOption('custom');
  await page.getByTestId('knob-host.cores').fill('4');
  await page.getByTestId('knob-host.numa_domains').fill('8');
  await expect(page.getByTestId('error-host.numa_domains')).toHaveText('NUMA domains (8) cannot exceed Physical cores (4)');
  // Once: not again at the other knob it names, nor under the form.
  await expect(page.locator('.field-error', { hasText: 'cannot exceed' })).toHaveCount(1);
  await page.getByTestId('knob-host.numa_domains').fill('2');
  await expect(page.locator('.field-error')).toHaveCount(0);

  await page.getByTestId('knob-traffic.mix.udp').fill('0.5');
  await expect(page.getByTestId('error-traffic.mix.tcp')).toContainText('TCP share + UDP share + SCTP share must add up to 1');
  await expect(page.getByTestId('run')).toBeDisabled();
  await page.getByTestId('knob-traffic.mix.tcp').fill('0.5');
  await expect(page.getByTestId('error-traffic.mix.tcp')).toHaveCount(0);
  await expect(page.getByTestId('run')).toBeEnabled();
});

test('knobs the chosen workload does not use are dimmed, not hidden', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('knob-traffic.workload').selectOption('ring');
  const unused = KNOBS.filter((k) => k.workloads && !k.workloads.includes('ring'));
  expect(unused.length).toBeGreaterThan(0);
  for (const k of unused) {
    await expect(page.locator(`.field[data-knob="${k.path}"]`)).toHaveClass(/unused/);
    await expect(page.getByTestId(`knob-${k.path}`)).toBeEnabled();
  }
  await expect(page.locator('.field[data-knob="queues.tx_desc"]')).not.toHaveClass(/unused/);
});

test('an invalid value never reaches the engine', async ({ page }) => {
  await page.goto('/?fps=0');
  await page.getByTestId('knob-sim.duration_ms').fill('0');
  await expect(page.getByTestId('run')).toBeDisabled();
  await page.getByTestId('run').click({ force: true });
  await page.waitForTimeout(300);
  await expect(page.getByTestId('status')).toHaveAttribute('data-status', 'idle');
  await expect(page.getByTestId('frames-count')).toHaveAttribute('data-count', '0');
});

test('presets load into the form', async ({ page }) => {
  await page.goto('/');
  for (const p of PRESETS) {
    await page.getByTestId('preset').selectOption(p.name);
    const s = presetScenario(p);
    for (const path of Object.keys(p.set)) {
      await expect(page.getByTestId(`knob-${path}`), `${p.name}: ${path}`).toHaveValue(String(getPath(s, path)));
    }
    await expect(page.getByText(p.description)).toBeVisible();
  }
  // Editing a knob leaves the preset.
  await page.getByTestId('knob-sim.seed').fill('12345');
  await expect(page.getByTestId('preset')).toHaveValue('');
  await page.getByTestId('preset').selectOption('__defaults');
  await expect(page.getByTestId('knob-sim.seed')).toHaveValue(String(defaultScenario().sim.seed));
});
