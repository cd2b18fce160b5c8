import { defineConfig } from '@playwright/test';

/**
 * e2e runs against the built app (`npm run build && npm run preview`), on the system Chromium.
 * `E2E_PORT=N` builds into `.scratch/dist-N` and serves it on port N, so several checkouts (or
 * people) can run specs side by side without sharing `dist/` or port 4173.
 */
const PORT = Number(process.env.E2E_PORT) || 4173;
const SERVER =
  PORT === 4173
    ? 'npm run build && npm run preview'
    : `npx tsc -p tsconfig.json --noEmit && npx vite build --outDir .scratch/dist-${PORT} --emptyOutDir && npx vite preview --host 127.0.0.1 --port ${PORT} --strictPort --outDir .scratch/dist-${PORT}`;

export default defineConfig({
  testDir: 'e2e',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
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
    command: SERVER,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
