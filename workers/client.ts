/**
 * UI-side handle on the engine Worker. Creates the module worker, wraps it with Comlink and gives
 * the store a small typed API. If the worker dies (uncaught error, failed load), the run in
 * progress ends with an `error` result, the worker is terminated and a fresh one is created for
 * the next call. A worker that ends without an error event (it closed itself, the browser killed
 * it) is noticed through a Web Lock it holds for its life (see EngineWorkerApi.holdLock) and
 * handled the same way.
 *
 * Wall-time budget: `?budget_ms=N` in the page URL (or `budgetMs` in ClientOptions / RunOptions)
 * gives every run a budget of N ms of running time. The worker stops the run itself when it is
 * spent (runner.ts); if the worker has not answered BUDGET_GRACE_MS later (deep inside one long
 * engine step, or hung), the client terminates it, ends the run with the same message and starts
 * a fresh worker.
 */
import * as Comlink from 'comlink';
import type { Scenario, TraceData } from '../src/engine';
import { budgetMessage, type EngineWorkerApi, type FramesCallback, type RunOptions, type RunResult } from './protocol';

export type { FramesCallback, RunOptions, RunProgress, RunResult } from './protocol';

/** What the store needs from an engine; tests substitute a fake. */
export interface EngineClient {
  run(scenario: Scenario, onFrames: FramesCallback, opts: RunOptions): Promise<RunResult>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  /** Cancel the current run. If the worker does not answer promptly it is replaced. */
  reset(): Promise<void>;
  /** Start the worker ahead of the first run (optional; run() starts it on demand). */
  warm(): void;
  /** The last finished run's trace (sim.trace), transferred from the worker; null if none. */
  trace?(): Promise<TraceData | null>;
  dispose(): void;
}

/** How long reset() waits for the worker before replacing it (it may be deep inside one frame). */
const RESET_TIMEOUT_MS = 500;

/** How long past its budget a run may take to stop by itself before its worker is terminated. */
export const BUDGET_GRACE_MS = 1500;

export interface ClientOptions {
  /** Default wall-time budget for every run, ms (RunOptions.budgetMs overrides it). 0: none. */
  budgetMs?: number;
  /** See BUDGET_GRACE_MS. */
  budgetGraceMs?: number;
  /** Memory budget of every run's simulation state, MB (RunOptions.memoryBudgetMb overrides it). */
  memoryBudgetMb?: number;
}

/** `?name=N` (a number above 0) from a page URL's query string; anything else is undefined. */
function positiveFromSearch(search: string, name: string): number | undefined {
  const raw = new URLSearchParams(search).get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const n = Number(raw);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** `?budget_ms=N` (N > 0): the wall-time budget of every run, ms. */
export const budgetFromSearch = (search: string): number | undefined => positiveFromSearch(search, 'budget_ms');

/** `?budget_mb=N` (N > 0): the memory budget of every run's simulation state, MB. */
export const memoryBudgetFromSearch = (search: string): number | undefined => positiveFromSearch(search, 'budget_mb');

/** Options read from the page URL when the client runs in a page (not in Node tests). */
function pageOptions(): ClientOptions {
  const loc = (globalThis as { location?: { search?: unknown } }).location;
  const inPage = typeof (globalThis as { document?: unknown }).document !== 'undefined';
  return inPage && typeof loc?.search === 'string'
    ? { budgetMs: budgetFromSearch(loc.search), memoryBudgetMb: memoryBudgetFromSearch(loc.search) }
    : {};
}

/** Message when a worker disappears without an error event. */
export const WORKER_GONE_MESSAGE = 'The simulation worker stopped unexpectedly. It has been restarted; press Run to try again.';

/**
 * Calls onGone when the worker behind `remote` no longer exists, using a Web Lock the worker holds
 * for its life. Returns the abort handle (abort before terminating the worker on purpose), or null
 * where Web Locks are not available.
 */
export function watchForExit(remote: Comlink.Remote<EngineWorkerApi>, onGone: () => void): AbortController | null {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (!locks) return null;
  const ac = new AbortController();
  const name = `ringlab-engine-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  remote
    .holdLock(name)
    .then((held) => {
      if (!held || ac.signal.aborted) return;
      return locks.request(name, { signal: ac.signal }, () => {
        if (!ac.signal.aborted) onGone();
      });
    })
    .catch(() => undefined);
  return ac;
}

interface Live {
  worker: Worker;
  remote: Comlink.Remote<EngineWorkerApi>;
  /** Terminates the worker and ends the pending run (if any) with `result`. */
  kill: (result: RunResult) => void;
}

export function createEngineClient(
  makeWorker: () => Worker = () => new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' }),
  options: ClientOptions = pageOptions(),
): EngineClient {
  const graceMs = options.budgetGraceMs ?? BUDGET_GRACE_MS;
  let live: Live | null = null;
  let pending: ((r: RunResult) => void) | null = null;
  /** The worker the pending run was sent to (null while it waits for a reset to finish). */
  let pendingOn: Live | null = null;
  /** Set while reset() waits for the worker to answer. */
  let resetting: Promise<void> | null = null;
  /** Backstop for the current run's budget: counts running time only (stopped while paused). */
  let watchdog: { owner: unknown; timer: ReturnType<typeof setTimeout> | null; leftMs: number; since: number; fire: () => void } | null = null;

  function stopWatchdog(): void {
    if (watchdog?.timer) clearTimeout(watchdog.timer);
    watchdog = null;
  }

  function armWatchdog(owner: unknown, leftMs: number, fire: () => void): void {
    stopWatchdog();
    watchdog = { owner, timer: setTimeout(fire, leftMs), leftMs, since: performance.now(), fire };
  }

  function spawn(): Live {
    const worker = makeWorker();
    const remote = Comlink.wrap<EngineWorkerApi>(worker);
    let dead = false;
    let exitWatch: AbortController | null = null;
    const me: Live = {
      worker,
      remote,
      kill: (result) => {
        if (live === me) live = null;
        if (!dead) {
          dead = true;
          exitWatch?.abort();
          worker.terminate();
          remote[Comlink.releaseProxy]();
        }
        if (pendingOn !== me) return;
        const p = pending;
        pending = null;
        pendingOn = null;
        p?.(result);
      },
    };
    worker.addEventListener('error', (ev: ErrorEvent) => {
      ev.preventDefault();
      me.kill({
        kind: 'error',
        message: `The simulation worker crashed${ev.message ? `: ${ev.message}` : ''}. It has been restarted; press Run to try again.`,
      });
    });
    worker.addEventListener('messageerror', () => {
      me.kill({ kind: 'error', message: 'The simulation worker sent data the page could not read. It has been restarted.' });
    });
    exitWatch = watchForExit(remote, () => me.kill({ kind: 'error', message: WORKER_GONE_MESSAGE }));
    return me;
  }

  function get(): Live {
    live ??= spawn();
    return live;
  }

  function replace(): void {
    const old = live;
    live = null;
    old?.kill({ kind: 'cancelled' });
  }

  return {
    async run(scenario, onFrames, opts) {
      // Cancel any previous run still waiting here (the worker cancels its own on start()).
      const prev = pending;
      pending = null;
      pendingOn = null;
      prev?.({ kind: 'cancelled' });
      // A reset in progress decides whether the current worker is still usable: wait for it.
      const my = {} as { settle?: (r: RunResult) => void };
      const done = new Promise<RunResult>((resolve) => {
        my.settle = (r: RunResult) => {
          if (pending === my.settle) {
            pending = null;
            pendingOn = null;
          }
          resolve(r);
        };
      });
      const settle = my.settle!;
      pending = settle;
      pendingOn = null;
      if (resetting) await resetting;
      if (pending !== settle) return done; // superseded or cancelled while waiting
      const w = get();
      pendingOn = w;
      const budgetMs = Math.max(0, Number(opts.budgetMs ?? options.budgetMs) || 0);
      const memoryBudgetMb = opts.memoryBudgetMb ?? options.memoryBudgetMb;
      const runOpts: RunOptions = { ...opts, ...(budgetMs > 0 ? { budgetMs } : {}), ...(memoryBudgetMb ? { memoryBudgetMb } : {}) };
      if (budgetMs > 0) {
        // The worker stops the run itself at the budget; this only fires if it cannot.
        armWatchdog(settle, budgetMs + graceMs, () => {
          watchdog = null;
          if (pending === settle && pendingOn === w) w.kill({ kind: 'error', message: `${budgetMessage(budgetMs)} The worker did not stop by itself and was replaced.` });
        });
        void done.then(() => {
          if (watchdog?.owner === settle) stopWatchdog();
        });
      }
      w.remote
        .start(scenario, Comlink.proxy(onFrames), runOpts)
        .then(settle, (e: unknown) =>
          settle({ kind: 'error', message: `The simulation failed: ${e instanceof Error ? e.message : String(e)}` }),
        );
      return done;
    },
    async pause() {
      if (watchdog?.timer) {
        clearTimeout(watchdog.timer);
        watchdog.leftMs -= performance.now() - watchdog.since;
        watchdog.timer = null;
      }
      if (live) await live.remote.pause();
    },
    async resume() {
      if (watchdog && !watchdog.timer) {
        watchdog.since = performance.now();
        watchdog.timer = setTimeout(watchdog.fire, Math.max(0, watchdog.leftMs));
      }
      if (live) await live.remote.resume();
    },
    async reset() {
      stopWatchdog();
      const p = pending;
      pending = null;
      pendingOn = null;
      p?.({ kind: 'cancelled' });
      const w = live;
      if (!w) return;
      const attempt = (async () => {
        const answered = await Promise.race([
          w.remote.reset().then(
            () => true,
            () => false,
          ),
          new Promise<boolean>((r) => setTimeout(() => r(false), RESET_TIMEOUT_MS)),
        ]);
        // Stuck inside one long frame (or dead): replace it rather than wait.
        if (!answered && live === w) replace();
      })();
      resetting = attempt;
      try {
        await attempt;
      } finally {
        if (resetting === attempt) resetting = null;
      }
    },
    warm() {
      get().remote.ping().catch(() => undefined);
    },
    async trace() {
      if (!live || resetting) return null;
      try {
        return await live.remote.trace();
      } catch {
        return null;
      }
    },
    dispose() {
      replace();
    },
  };
}
