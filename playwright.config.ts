import { defineConfig } from '@playwright/test';

/** e2e runs against the built app (`npm run build && npm run preview`), on the system Chromium. */
export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  use: {
    baseURL: 'http://127.0.0.1:4173',
    headless: true,
    viewport: { width: 1360, height: 1000 },
    launchOptions: {
      // Debian's Chromium (see scripts/ensure-chromium.sh); Playwright does not download its own.
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
        // performance.memory with exact, live figures (e2e/longrun.spec.ts); without it Chromium
        // reports coarse buckets that update rarely.
        '--enable-precise-memory-info',
      ],
    },
  },
  webServer: {
    command: 'npm run build && npm run preview',
    url: 'http://127.0.0.1:4173',
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
