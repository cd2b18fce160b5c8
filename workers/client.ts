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
 * spent (runner.ts); if the worker has not answered BUDGET_GRACE_MS later (hung), the client
 * terminates it, ends the run with the same message and starts a fresh worker.
 *
 * Heartbeat, always on: a worker that stops answering, or whose run stops advancing, is detected
 * (handle.ts), terminated, and the run ends with an error the page offers to restart. The worker
 * itself — spawn, Comlink, death watch, guards, kill — is handle.ts's EngineWorker, shared with
 * the sweep pool.
 */
import * as Comlink from 'comlink';
import type { Scenario, TraceData } from '../src/engine';
import {
  engineOptions,
  spawnEngineWorker,
  defaultMakeWorker,
  type EngineOptions,
  type EngineWorker,
  type Fault,
  type Guard,
} from './handle';
import type { CaptureResult, FramesCallback, RunOptions, RunResult } from './protocol';

export type { CaptureResult, FramesCallback, RunOptions, RunProgress, RunResult } from './protocol';
export { BUDGET_GRACE_MS, budgetFromSearch, memoryBudgetFromSearch, watchForExit } from './handle';

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
  /** Read a capture in the worker (checks, flows, SHA-256); absent in engines that cannot replay one. */
  inspectCapture?(data: Blob | Uint8Array, name: string): Promise<CaptureResult>;
  dispose(): void;
}

/** How long reset() waits for the worker before replacing it (it may be deep inside one frame). */
const RESET_TIMEOUT_MS = 500;

/** Budgets and heartbeat timing; anything not given comes from the page URL, then the defaults. */
export type ClientOptions = EngineOptions;

/** Message when a worker disappears without an error event. */
export const WORKER_GONE_MESSAGE = 'The simulation worker stopped unexpectedly. It has been restarted; press Run to try again.';

/** A fault as the single run reports it: what happened, and what the page did about it. */
export function faultResult(f: Fault): RunResult {
  if (f.kind === 'gone') return { kind: 'error', message: WORKER_GONE_MESSAGE, restartable: true };
  if (f.kind === 'over-budget') return { kind: 'error', message: f.message };
  const tail =
    f.kind === 'unresponsive' || f.kind === 'stalled'
      ? ' It was stopped; press Restart to run again on a fresh worker.'
      : f.kind === 'unreadable'
        ? ' It has been restarted.'
        : ' It has been restarted; press Run to try again.';
  return { kind: 'error', message: `${f.message}${tail}`, restartable: true };
}

export function createEngineClient(makeWorker: () => Worker = defaultMakeWorker, options: ClientOptions = {}): EngineClient {
  const opt = engineOptions(options);
  let live: EngineWorker | null = null;
  let pending: ((r: RunResult) => void) | null = null;
  /** The worker the pending run was sent to (null while it waits for a reset to finish). */
  let pendingOn: EngineWorker | null = null;
  /** The pending run's watchdog. */
  let guard: Guard | null = null;
  /** Set while reset() waits for the worker to answer. */
  let resetting: Promise<void> | null = null;

  function get(): EngineWorker {
    if (!live || live.dead) live = spawnEngineWorker(makeWorker);
    return live;
  }

  /** Kill the worker on purpose; a run pending on it ends with `result`. */
  function kill(w: EngineWorker, result: RunResult): void {
    if (live === w) live = null;
    w.kill();
    if (pendingOn !== w) return;
    const p = pending;
    pending = null;
    pendingOn = null;
    p?.(result);
  }

  function replace(): void {
    if (live) kill(live, { kind: 'cancelled' });
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
      const budgetMs = Math.max(0, Number(opts.budgetMs ?? opt.budgetMs) || 0);
      const memoryBudgetMib = opts.memoryBudgetMib ?? opt.memoryBudgetMib;
      const runOpts: RunOptions = { ...opts, ...(budgetMs > 0 ? { budgetMs } : {}), ...(memoryBudgetMib ? { memoryBudgetMib } : {}) };
      w.onFault = (f) => {
        if (live === w) live = null;
        if (pending === settle && pendingOn === w) settle(faultResult(f));
      };
      guard?.stop();
      const g = w.guard({ budgetMs, graceMs: opt.budgetGraceMs, heartbeat: opt.heartbeat, framesPerSecond: Math.max(0, Number(opts.framesPerSecond) || 0) });
      guard = g;
      void done.then(() => {
        g.stop();
        if (guard === g) guard = null;
      });
      w.remote
        .start(scenario, Comlink.proxy(onFrames), runOpts)
        .then(settle, (e: unknown) =>
          settle({ kind: 'error', message: `The simulation failed: ${e instanceof Error ? e.message : String(e)}` }),
        );
      return done;
    },
    async pause() {
      guard?.pause();
      if (live && !live.dead) await live.remote.pause();
    },
    async resume() {
      guard?.resume();
      if (live && !live.dead) await live.remote.resume();
    },
    async reset() {
      guard?.stop();
      guard = null;
      const p = pending;
      pending = null;
      pendingOn = null;
      p?.({ kind: 'cancelled' });
      const w = live;
      if (!w || w.dead) return;
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
      if (!live || live.dead || resetting) return null;
      try {
        return await live.remote.trace();
      } catch {
        return null;
      }
    },
    async inspectCapture(data, name) {
      if (resetting) await resetting;
      try {
        return await get().remote.inspectCapture(data, name);
      } catch (e) {
        return { ok: false, message: `The simulation worker could not read the file: ${e instanceof Error ? e.message : String(e)}` };
      }
    },
    dispose() {
      guard?.stop();
      guard = null;
      replace();
    },
  };
}
