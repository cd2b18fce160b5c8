/**
 * UI-side handle on the engine Worker. Creates the module worker, wraps it with Comlink and gives
 * the store a small typed API. If the worker dies (uncaught error, failed load), the run in
 * progress ends with an `error` result, the worker is terminated and a fresh one is created for
 * the next call.
 */
import * as Comlink from 'comlink';
import type { Scenario } from '../src/engine';
import type { EngineWorkerApi, FramesCallback, RunOptions, RunResult } from './protocol';

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
  dispose(): void;
}

/** How long reset() waits for the worker before replacing it (it may be deep inside one frame). */
const RESET_TIMEOUT_MS = 500;

interface Live {
  worker: Worker;
  remote: Comlink.Remote<EngineWorkerApi>;
  /** Terminates the worker and ends the pending run (if any) with `result`. */
  kill: (result: RunResult) => void;
}

export function createEngineClient(
  makeWorker: () => Worker = () => new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' }),
): EngineClient {
  let live: Live | null = null;
  let pending: ((r: RunResult) => void) | null = null;
  /** The worker the pending run was sent to (null while it waits for a reset to finish). */
  let pendingOn: Live | null = null;
  /** Set while reset() waits for the worker to answer. */
  let resetting: Promise<void> | null = null;

  function spawn(): Live {
    const worker = makeWorker();
    const remote = Comlink.wrap<EngineWorkerApi>(worker);
    const me: Live = {
      worker,
      remote,
      kill: (result) => {
        if (live === me) live = null;
        worker.terminate();
        remote[Comlink.releaseProxy]();
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
      w.remote
        .start(scenario, Comlink.proxy(onFrames), opts)
        .then(settle, (e: unknown) =>
          settle({ kind: 'error', message: `The simulation failed: ${e instanceof Error ? e.message : String(e)}` }),
        );
      return done;
    },
    async pause() {
      if (live) await live.remote.pause();
    },
    async resume() {
      if (live) await live.remote.resume();
    },
    async reset() {
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
    dispose() {
      replace();
    },
  };
}
