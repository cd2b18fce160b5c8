import { KNOBS, PRESETS, defaultScenario, getPath, knobIgnoredWhy, presetScenario, setPath } from '../src/engine';
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

test('numbers follow the CLI\'s rule: hex, binary, exponents on whole numbers, spaces and -0 are refused with the number to write, naming the setting by its label', async ({ page }) => {
  await page.goto('/');
  const run = page.getByTestId('run');
  const before = await page.evaluate(() => window.__ringlab!.getState().shareHash);
  for (const [path, text, says] of [
    ['queues.rx_desc', '0x400', 'RX descriptors: “0x400” is hexadecimal; write 1024.'],
    ['queues.rx', '0b11', 'RX queues: “0b11” is binary; write 3.'],
    ['traffic.flows', '1e1', 'Flows: “1e1” has an exponent (whole numbers only); write 10.'],
    ['host.cores', ' 16', 'Physical cores: “ 16” has spaces around it; write 16.'],
    ['queues.core_offset', '-0', 'Core offset: “-0” is minus zero; write 0.'],
    ['traffic.load', '.5', 'Offered load: “.5” is not a plain decimal number; write 0.5.'],
    ['traffic.flows', '1,000', 'Flows must be a whole number from 1 flow to 1,000,000 flows, not “1,000”.'],
    ['sim.seed', '12345678901234567890', 'Seed must be at most 4,294,967,295.'],
  ] as const) {
    const input = page.getByTestId(`knob-${path}`);
    const was = await input.inputValue();
    await input.fill(text);
    // One message, the whole of it.
    await expect(page.getByTestId(`error-${path}`), `${path}=${text}`).toHaveText(says);
    await expect(run).toBeDisabled();
    // Nothing changed meaning: the link is the one before.
    expect(await page.evaluate(() => window.__ringlab!.getState().shareHash)).toBe(before);
    await input.fill(was);
    await expect(page.getByTestId(`error-${path}`)).toHaveCount(0);
  }
  await page.getByTestId('knob-traffic.loss').fill('1e-3');
  await expect(page.getByTestId('error-traffic.loss')).toHaveCount(0);
  await expect(run).toBeEnabled();
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

test('a knob this NIC or TX path never reads says so beside it, with the engine\'s reason', async ({ page }) => {
  await page.goto('/');
  await page.getByTestId('preset').selectOption('fwd-cxgbe-t520-e5v4');
  await expect(page.getByTestId('ignored-queues.core_offset')).toHaveCount(0);
  await page.getByTestId('knob-queues.core_offset').fill('4');
  const why = knobIgnoredWhy(setPath(presetScenario(PRESETS.find((p) => p.name === 'fwd-cxgbe-t520-e5v4')!), 'queues.core_offset', 4), 'queues.core_offset');
  expect(why).toMatch(/intr_next_cpu/);
  await expect(page.getByTestId('ignored-queues.core_offset')).toHaveText(new RegExp(`no effect here: ${why!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`));
  // iflib reads core_offset: on an ixl preset the same value has an effect, and the note goes
  await page.getByTestId('preset').selectOption('fwd-ixl-x710-ryzen');
  await page.getByTestId('knob-queues.core_offset').fill('4');
  await expect(page.getByTestId('ignored-queues.core_offset')).toHaveCount(0);
  await page.getByTestId('knob-host.options_rss').check();
  await expect(page.getByTestId('ignored-host.options_rss')).toContainText('sys/net/iflib.c has no RSS code');
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
      const v = getPath(s, path), input = page.getByTestId(`knob-${path}`);
      if (typeof v === 'boolean') await (v ? expect(input, `${p.name}: ${path}`).toBeChecked() : expect(input, `${p.name}: ${path}`).not.toBeChecked());
      else await expect(input, `${p.name}: ${path}`).toHaveValue(String(v));
    }
    await expect(page.getByText(p.description)).toBeVisible();
  }
  // Editing a knob leaves the preset.
  await page.getByTestId('knob-sim.seed').fill('12345');
  await expect(page.getByTestId('preset')).toHaveValue('');
  await page.getByTestId('preset').selectOption('__defaults');
  await expect(page.getByTestId('knob-sim.seed')).toHaveValue(String(defaultScenario().sim.seed));
});
