import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import type { Page, Worker } from '@playwright/test';
import { defaultScenario, encodeLink, setPath, type SweepDef } from '../src/engine';
import { expect, test } from './fixtures';

/**
 * How the Sweep tab's worker pool scales: the same sweep (24 runs of the default forwarding
 * scenario, 20 ms simulated each) on 1, 2, … workers (`?pool=N`) in headless Chromium, each on a
 * fresh page (fresh, cold workers): "cold" (every worker loads and JIT-compiles the engine) and
 * "warm" (the same workers again; the better of two runs). Figures, not assertions (speed is for the bench):
 * `npm run -s bench -- --pool` runs this spec and prints them, with the reasons a size falls short
 * of 0.8·N. The evidence recorded per size:
 *  - planning: the click to the store's start (planSweep of every point, on the main thread);
 *  - each point's compute time: the engine's wall_ms of the run, read from the summary each worker
 *    posts (hooks evaluated in the workers through Playwright); so how idle the workers were
 *    between runs (dispatch, transfer, the page);
 *  - the summary bytes each point sends back (structured clone of a Summary).
 *
 *   E2E_PORT=4205 npx playwright test e2e/poolscale.spec.ts
 */

const DEF: SweepDef = { spec: 'traffic.load=0.1..1:24', series: [], y: 'delivered_pps' };
const LINK = encodeLink({ scenario: setPath(defaultScenario(), 'sim.duration_ms', 20), sweep: DEF });
const POINTS = 24;

declare global {
  var __busy: { busy: number; calls: number; bytesOut: number } | undefined;
}

/**
 * Inside a worker: every message it posts that carries a run's summary adds that run's wall_ms (the
 * engine's own time for the run, measured in the worker) and the message's size.
 */
async function hookWorker(w: Worker): Promise<void> {
  await w.evaluate(() => {
    if (globalThis.__busy) return;
    const b = { busy: 0, calls: 0, bytesOut: 0 };
    globalThis.__busy = b;
    const post = self.postMessage.bind(self) as (m: unknown, t?: Transferable[]) => void;
    (self as unknown as { postMessage: typeof post }).postMessage = (m: unknown, t?: Transferable[]) => {
      try {
        const json = JSON.stringify(m);
        const wall = /"wall_ms":([0-9.eE+-]+)/.exec(json);
        if (wall) {
          b.busy += Number(wall[1]);
          b.calls++;
          b.bytesOut += json.length;
        }
      } catch {
        // not JSON-able: not a summary
      }
      post(m, t);
    };
  });
}

async function readBusy(workers: Worker[]): Promise<{ busy: number; calls: number; bytesOut: number }[]> {
  const out = [];
  for (const w of workers) {
    try {
      const b = await w.evaluate(() => {
        const x = globalThis.__busy;
        const r = x ? { busy: x.busy, calls: x.calls, bytesOut: x.bytesOut } : { busy: 0, calls: 0, bytesOut: 0 };
        if (x) { x.busy = 0; x.calls = 0; x.bytesOut = 0; }
        return r;
      });
      out.push(b);
    } catch {
      // the worker is gone
    }
  }
  return out;
}

async function runSweep(page: Page): Promise<{ elapsedMs: number; planningMs: number }> {
  await page.evaluate(() => {
    const btn = document.querySelector('[data-testid="sweep-run"]')!;
    btn.addEventListener('click', () => ((window as unknown as { __clickAt: number }).__clickAt = performance.now()), { capture: true, once: true });
  });
  await page.getByTestId('sweep-run').click();
  await expect(page.getByTestId('sweep-status')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  await expect(page.getByTestId('sweep-progress')).toHaveAttribute('data-done', String(POINTS));
  return page.evaluate(() => {
    const st = window.__ringlabSweep!.getState();
    return { elapsedMs: st.elapsedMs!, planningMs: st.startedAt! - (window as unknown as { __clickAt: number }).__clickAt };
  });
}

test('the Sweep tab on 1, 2, … workers: speed-up and where the time goes', async ({ page }) => {
  test.setTimeout(600_000);
  await page.goto('/?fps=0');
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  // The bench (RINGLAB_POOL_OUT) measures 1 … cores + 1 workers; a plain e2e run checks 1 and 2.
  const all = Array.from({ length: Math.max(2, cores) + 1 }, (_, i) => i + 1);
  const sizes = process.env.POOL_SIZES ? process.env.POOL_SIZES.split(',').map(Number) : process.env.RINGLAB_POOL_OUT ? all : [1, 2];
  const rows = [];
  for (const n of sizes) {
    const workers: Worker[] = [];
    const hooks: Promise<void>[] = [];
    const onWorker = (w: Worker) => {
      workers.push(w);
      hooks.push(hookWorker(w).catch(() => undefined));
    };
    page.on('worker', onWorker);
    await page.goto(`/?fps=0&pool=${n}${LINK}`);
    await page.getByTestId('tab-sweep').click();
    await expect(page.getByTestId('sweep-progress')).toContainText(`up to ${n} worker${n === 1 ? '' : 's'}`);
    const cold = await runSweep(page);
    await Promise.all(hooks);
    const coldBusy = await readBusy(workers); // misses what ran before a worker's hook was in
    // Warm: the better of two runs on the same workers (one pause of the machine can double one).
    let warm = await runSweep(page);
    let warmBusy = await readBusy(workers);
    const again = await runSweep(page);
    const againBusy = await readBusy(workers);
    if (again.elapsedMs < warm.elapsedMs) [warm, warmBusy] = [again, againBusy];
    page.off('worker', onWorker);
    const sum = (xs: { busy: number }[]) => xs.reduce((a, x) => a + x.busy, 0);
    const calls = warmBusy.reduce((a, x) => a + x.calls, 0);
    // Per point over the runs the hooks saw (a worker's first run can end before its hook is in).
    const perPoint = sum(warmBusy) / Math.max(1, calls);
    rows.push({
      workers: n,
      worker_threads: workers.length,
      cold_ms: cold.elapsedMs,
      warm_ms: warm.elapsedMs,
      planning_ms: warm.planningMs,
      warm_busy_per_point_ms: perPoint,
      warm_calls: calls,
      /** Share of n·elapsed the workers spent inside runs (warm): every point at the mean compute time. */
      warm_busy_share: (perPoint * POINTS) / (n * warm.elapsedMs),
      cold_busy_ms_seen: sum(coldBusy),
      bytes_per_point: warmBusy.reduce((a, x) => a + x.bytesOut, 0) / Math.max(1, warmBusy.reduce((a, x) => a + x.calls, 0)),
    });
    const last = rows.at(-1)!;
    console.log(`pool ${n}: cold ${cold.elapsedMs.toFixed(0)} ms, warm ${warm.elapsedMs.toFixed(0)} ms, busy ${last.warm_busy_per_point_ms.toFixed(1)} ms/point over ${last.warm_calls} calls, ${(100 * last.warm_busy_share).toFixed(0)}% busy`);
  }
  const one = rows[0]!;
  const figures = {
    points: POINTS,
    sweep: DEF.spec,
    hardware_concurrency: cores,
    load_avg_1m: loadavg()[0],
    rows: rows.map((r) => ({ ...r, speedup_cold: one.cold_ms / r.cold_ms, speedup_warm: one.warm_ms / r.warm_ms })),
  };
  const out = process.env.RINGLAB_POOL_OUT;
  if (out) writeFileSync(out, `${JSON.stringify(figures)}\n`);
  for (const r of rows) expect(r.worker_threads, `pool ${r.workers} started its workers`).toBeGreaterThanOrEqual(Math.min(r.workers, POINTS));
});
