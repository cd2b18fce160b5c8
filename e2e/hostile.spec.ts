import LZString from 'lz-string';
import { KNOBS, MAX_LINK_CHARS, SCHEMA_VERSION, defaultScenario, encodeLink, getPath, setPath } from '../src/engine';
import { expect, test } from './fixtures';

/**
 * Opening the app with a hostile fragment: markup and script in knob values and key names (inside
 * valid lz-string JSON, so they reach the validator), wrong types, NaN/Infinity, prototype keys,
 * deep nesting, oversized and cut links. Every one must end in the link-error banner, with the
 * form on its defaults and the URL rewritten to them, no uncaught error (fixtures.ts), no dialog,
 * no script run (window.__pwned stays unset), and nothing injected into the DOM.
 */

const PWN = 'window.__pwned=1';
const lz = (json: string) => LZString.compressToEncodedURIComponent(json);
const frag = (json: string, v: number = SCHEMA_VERSION) => `#v${v}.${lz(json)}`;
/** The current scenario as JSON with one knob's value replaced by raw JSON text. */
const withRaw = (path: string, raw: string) => JSON.stringify(setPath(defaultScenario(), path, '__RAW__')).replace('"__RAW__"', raw);
const v2 = (scenarioJson: string) => frag(`{"v":${SCHEMA_VERSION},"scenario":${scenarioJson}}`);
const v1 = (scenario: unknown) => frag(JSON.stringify({ v: 1, scenario }), 1);
const v1Base = { nic: { link_gbps: 10 }, queues: { tx_desc: 1024 }, traffic: { frame_bytes: 64, load: 1, arrival: 'constant' }, sim: { seed: 1, duration_ms: 2 } };
const withKey = (key: string) => JSON.stringify({ ...defaultScenario(), [key]: 1 });

const HOSTILE: [string, string][] = [
  ['raw <script> fragment', `#<script>${PWN}</script>`],
  ['raw <img onerror> fragment', `#<img src=x onerror="${PWN}">`],
  ['javascript: fragment', `#javascript:${PWN}`],
  ['markup after a version prefix', `#v${SCHEMA_VERSION}.<img src=x onerror=${PWN}>`],
  ['percent-encoded markup', `#v${SCHEMA_VERSION}.%3Cscript%3E${encodeURIComponent(PWN)}%3C%2Fscript%3E`],
  ['<script> as traffic.arrival', v2(withRaw('traffic.arrival', JSON.stringify(`<script>${PWN}</script>`)))],
  ['<img onerror> as nic.model', v2(withRaw('nic.model', JSON.stringify(`<img src=x onerror="${PWN}">`)))],
  ['<svg onload> as host.preset', v2(withRaw('host.preset', JSON.stringify(`"><svg onload=${PWN}>`)))],
  ['javascript: URL as tx.path', v2(withRaw('tx.path', JSON.stringify(`javascript:${PWN}`)))],
  ['template injection as traffic.workload', v2(withRaw('traffic.workload', JSON.stringify(`{{constructor.constructor("${PWN}")()}}`)))],
  ['<img onerror> as a key name', v2(withKey(`<img src=x onerror="${PWN}">`))],
  ['</details><script> as a key name', v2(withKey(`</details><script>${PWN}</script>`))],
  ['bidi override and markup key', v2(withKey(`\u202e<img src=x onerror=${PWN}>\u0000`))],
  ['number as a string (traffic.load = "1")', v2(withRaw('traffic.load', '"1"'))],
  ['"NaN" as sim.seed', v2(withRaw('sim.seed', '"NaN"'))],
  ['Infinity as sim.duration_ms (1e999)', v2(withRaw('sim.duration_ms', '1e999'))],
  ['-Infinity as traffic.load', v2(withRaw('traffic.load', '-1e999'))],
  ['string ring size', v2(withRaw('queues.tx_desc', '"1024"'))],
  ['string boolean', v2(withRaw('host.smt', '"true"'))],
  ['object as a knob', v2(withRaw('traffic.load', `{"valueOf":"${PWN}"}`))],
  ['__proto__ pollution in the scenario', v2(JSON.stringify(defaultScenario()).replace(/^\{/, '{"__proto__":{"polluted":1},'))],
  ['constructor.prototype pollution', v2(withKey('constructor').replace('"constructor":1', '"constructor":{"prototype":{"polluted":1}}'))],
  ['v1 link with markup and strings', v1({ ...v1Base, nic: { link_gbps: `<img src=x onerror="${PWN}">` }, traffic: { frame_bytes: '64', load: '1', arrival: `<script>${PWN}</script>` } })],
  ['v1 link with __proto__ and a bad value', frag(`{"v":1,"scenario":{"__proto__":{"polluted":1},${JSON.stringify({ ...v1Base, traffic: { ...v1Base.traffic, load: 'NaN' } }).slice(1)}}`, 1)],
  ['deeply nested scenario', v2('['.repeat(20_000) + ']'.repeat(20_000))],
  ['payload is a string of markup', frag(JSON.stringify(`<script>${PWN}</script>`))],
  ['inner version does not match', frag(JSON.stringify({ v: 1, scenario: defaultScenario() }))],
  ['newer format with markup inside', frag(JSON.stringify({ v: 99, scenario: `<script>${PWN}</script>` }), 99)],
  ['oversized link', `#v${SCHEMA_VERSION}.${'A'.repeat(MAX_LINK_CHARS + 10)}`],
  ['valid link cut in half', (() => { const l = encodeLink({ scenario: setPath(defaultScenario(), 'sim.seed', 77) }); return l.slice(0, Math.floor(l.length / 2)); })()],
  ['not JSON (1 MB of x)', frag('x'.repeat(1 << 20))],
];

const DEFAULT_LINK = encodeLink({ scenario: defaultScenario() });

for (const [name, hash] of HOSTILE) {
  test(`hostile link: ${name}`, async ({ page }) => {
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(`/${hash}`);

    const banner = page.getByTestId('link-error');
    await expect(banner).toBeVisible();
    await expect(banner).toHaveAttribute('role', 'alert');
    const message = (await page.getByTestId('link-error-message').textContent()) ?? '';
    expect(message.length).toBeGreaterThan(10);
    expect(message).not.toMatch(/[<>]|__pwned/);

    // Open the details too: whatever they quote is text, not markup.
    const details = page.getByTestId('link-error-details');
    if (await details.count()) await details.locator('summary').click();

    const dom = await page.evaluate(() => {
      const inline: string[] = [];
      for (const el of Array.from(document.querySelectorAll('*'))) {
        for (const a of Array.from(el.attributes)) {
          if (/^on/i.test(a.name) || /^\s*javascript:/i.test(a.value)) inline.push(`${el.tagName.toLowerCase()}[${a.name}]`);
        }
      }
      return {
        pwned: (window as unknown as { __pwned?: unknown }).__pwned,
        polluted: ({} as Record<string, unknown>).polluted,
        inline,
        imgs: document.querySelectorAll('img').length,
        scripts: Array.from(document.scripts).map((s) => ({ src: s.getAttribute('src'), inline: (s.textContent ?? '').trim().length })),
        iframes: document.querySelectorAll('iframe, object, embed').length,
      };
    });
    expect(dom.pwned, 'a payload ran').toBeUndefined();
    expect(dom.polluted, 'Object.prototype was polluted').toBeUndefined();
    expect(dom.inline, 'inline event handlers or javascript: URLs in the DOM').toEqual([]);
    expect(dom.imgs, 'img elements in the DOM').toBe(0);
    expect(dom.iframes).toBe(0);
    // Only the app's own bundle: one module script from /assets/, nothing inline.
    expect(dom.scripts.length).toBeGreaterThan(0);
    for (const s of dom.scripts) {
      expect(s.src ?? '', 'script source').toMatch(/^\/assets\/[\w.-]+\.js$/);
      expect(s.inline).toBe(0);
    }
    expect(dialogs).toEqual([]);

    // The form holds the defaults, and the URL now holds them too.
    const form = await page.evaluate((paths) => {
      const st = window.__ringlab!.getState();
      const values: Record<string, string | boolean | null> = {};
      for (const p of paths) {
        const el = document.querySelector<HTMLInputElement | HTMLSelectElement>(`[data-testid="knob-${p}"]`);
        values[p] = !el ? null : el instanceof HTMLInputElement && el.type === 'checkbox' ? el.checked : el.value;
      }
      return { scenario: st.scenario, values };
    }, KNOBS.map((k) => k.path));
    expect(form.scenario).toEqual(defaultScenario());
    expect(form.values).toEqual(Object.fromEntries(KNOBS.map((k) => [k.path, k.kind === 'bool' ? getPath(defaultScenario(), k.path) : String(getPath(defaultScenario(), k.path))])));
    await expect.poll(() => new URL(page.url()).hash).toBe(DEFAULT_LINK);
    await expect(page.getByTestId('run')).toBeEnabled();
  });
}

test('hostile text is shown as text: a markup key name is named, escaped, never markup', async ({ page }) => {
  const key = `<img src=x onerror="${PWN}">`;
  await page.goto(`/${v2(withKey(key))}`);
  const details = page.getByTestId('link-error-details');
  await details.locator('summary').click();
  // The engine echoes an unknown key cut to 40 characters with <, >, &, " and non-ASCII as \u escapes (scenario.ts echoKey).
  await expect(details).toContainText('unknown knob: "\\u003cimg src=x onerror=\\u0022');
  const html = await details.innerHTML();
  expect(html).not.toContain('<img');
  expect(html).not.toContain('onerror="');
});
