/**
 * A pool of engine Workers for sweeps: runs a list of scenarios (a SweepPlan's runs) and returns
 * each one's Summary, by index. Points go out in order to whichever worker is idle; a result is
 * stored at its point's index, so the output does not depend on the pool's size or on which
 * worker finished first (the engine is deterministic and every run builds a fresh Simulation).
 *
 * Each point is one runToEnd() call: one message in, one summary out, no frame traffic.
 *
 * Faults: a worker that throws (error event), sends unreadable data, or ends without a word (the
 * Web Lock it holds is released; see client.ts) fails only the point it was running; it is
 * terminated and a fresh worker takes the next point. cancel() terminates every busy worker at
 * once (an engine step cannot be interrupted any other way) and the run resolves straight away;
 * replacements are created lazily by the next run. Idle workers are kept for the next sweep.
 *
 * Size: `size` in PoolOptions, else `?pool=N` in the page URL (tests), else
 * max(1, navigator.hardwareConcurrency − 1): one core stays free for the page.
 * Wall-time budget: per point, as for single runs (`budgetMs`, `?budget_ms=N`): the worker stops
 * the run itself; if it cannot, the pool terminates it BUDGET_GRACE_MS later.
 */
import * as Comlink from 'comlink';
import type { Scenario, Summary } from '../src/engine';
import { BUDGET_GRACE_MS, WORKER_GONE_MESSAGE, budgetFromSearch, memoryBudgetFromSearch, watchForExit } from './client';
import { budgetMessage, type EngineWorkerApi, type RunResult } from './protocol';

/** Largest pool `?pool=N` or the size option may ask for. */
export const MAX_POOL_SIZE = 32;

/** How one point ended. */
export type PointResult = { kind: 'done'; summary: Summary } | { kind: 'error'; message: string };

export interface PoolProgress {
  /** Points finished (done or failed). */
  done: number;
  total: number;
  /** Points that failed so far. */
  failed: number;
  /** Workers running a point right now. */
  running: number;
}

export interface PoolRunOptions {
  /** Each point's result as soon as it is known (in completion order: use the index). */
  onResult?: (index: number, result: PointResult) => void;
  /** After every dispatch and every result. */
  onProgress?: (progress: PoolProgress) => void;
  /** Wall-time budget per point, ms (overrides the pool's). 0: none. */
  budgetMs?: number;
  /** The capture the points replay (traffic.interleave=pcap): every worker reads it once. */
  capture?: { data: Blob | Uint8Array; name: string };
}

export type PoolOutcome =
  | { kind: 'done'; results: PointResult[] }
  /** Points that had finished before the cancel keep their result; the others are undefined. */
  | { kind: 'cancelled'; results: (PointResult | undefined)[] };

export interface EnginePool {
  /** Most workers a run uses. */
  readonly size: number;
  /** Run every scenario; a run already in progress is cancelled first. */
  run(scenarios: readonly Scenario[], opts?: PoolRunOptions): Promise<PoolOutcome>;
  /** Stop the current run now: busy workers are terminated; its run() resolves `cancelled`. */
  cancel(): void;
  /** Workers alive now, idle or busy (for tests and the status line). */
  alive(): number;
  /** Terminate every worker. The pool stays usable (workers are created on demand). */
  dispose(): void;
}

export interface PoolOptions {
  size?: number;
  makeWorker?: () => Worker;
  /** Default wall-time budget per point, ms. 0 or absent: none. */
  budgetMs?: number;
  budgetGraceMs?: number;
}

/** `?pool=N` (1 ≤ N ≤ MAX_POOL_SIZE, whole) from a page URL's query string. */
export function poolSizeFromSearch(search: string): number | undefined {
  const raw = new URLSearchParams(search).get('pool');
  if (raw === null || !/^\d{1,3}$/.test(raw.trim())) return undefined;
  const n = Number(raw);
  return n >= 1 && n <= MAX_POOL_SIZE ? n : undefined;
}

/** One worker per core but one (the page's), at least one. */
export function defaultPoolSize(hardwareConcurrency: number | undefined): number {
  const hc = Number(hardwareConcurrency);
  return Number.isFinite(hc) && hc >= 1 ? Math.min(MAX_POOL_SIZE, Math.max(1, Math.floor(hc) - 1)) : 1;
}

function pageDefaults(): { size: number; budgetMs?: number; memoryBudgetMb?: number } {
  const g = globalThis as { document?: unknown; location?: { search?: unknown }; navigator?: { hardwareConcurrency?: number } };
  const search = typeof g.document !== 'undefined' && typeof g.location?.search === 'string' ? g.location.search : '';
  return {
    size: poolSizeFromSearch(search) ?? defaultPoolSize(g.navigator?.hardwareConcurrency),
    budgetMs: budgetFromSearch(search),
    memoryBudgetMb: memoryBudgetFromSearch(search),
  };
}

interface Job {
  index: number;
  settle: (r: PointResult) => void;
}

interface Slot {
  worker: Worker;
  remote: Comlink.Remote<EngineWorkerApi>;
  job: Job | null;
  /** Terminates the worker (if still alive) and frees its place in the pool. */
  kill: () => void;
}

function pointOf(r: RunResult): PointResult {
  if (r.kind === 'done') return r;
  if (r.kind === 'error') return r;
  return { kind: 'error', message: 'The run was cancelled inside the worker.' };
}

export function createEnginePool(options: PoolOptions = {}): EnginePool {
  const page = pageDefaults();
  const size = Math.max(1, Math.min(MAX_POOL_SIZE, Math.floor(options.size ?? page.size)));
  const makeWorker = options.makeWorker ?? (() => new Worker(new URL('./engine.worker.ts', import.meta.url), { type: 'module' }));
  const defaultBudget = options.budgetMs ?? page.budgetMs ?? 0;
  const graceMs = options.budgetGraceMs ?? BUDGET_GRACE_MS;
  const slots: (Slot | null)[] = Array.from({ length: size }, () => null);
  /** Cancels the run in progress (null when idle). */
  let cancelCurrent: (() => void) | null = null;

  function spawn(i: number): Slot {
    const worker = makeWorker();
    const remote = Comlink.wrap<EngineWorkerApi>(worker);
    let dead = false;
    let exitWatch: AbortController | null = null;
    const slot: Slot = {
      worker,
      remote,
      job: null,
      kill: () => {
        if (slots[i] === slot) slots[i] = null;
        if (dead) return;
        dead = true;
        exitWatch?.abort();
        worker.terminate();
        remote[Comlink.releaseProxy]();
      },
    };
    /** The worker is gone: fail its point (if any) and free the place for a fresh one. */
    const died = (message: string) => {
      const job = slot.job;
      slot.job = null;
      slot.kill();
      job?.settle({ kind: 'error', message });
    };
    worker.addEventListener('error', (ev: ErrorEvent) => {
      ev.preventDefault();
      died(`The simulation worker crashed${ev.message ? `: ${ev.message}` : ''}. It was replaced; the other points went on.`);
    });
    worker.addEventListener('messageerror', () => died('The simulation worker sent data the page could not read. It was replaced.'));
    exitWatch = watchForExit(remote, () => died(WORKER_GONE_MESSAGE));
    return slot;
  }

  function cancel(): void {
    const c = cancelCurrent;
    cancelCurrent = null;
    c?.();
  }

  return {
    size,

    run(scenarios, opts = {}) {
      cancel();
      const total = scenarios.length;
      const budgetMs = Math.max(0, Number(opts.budgetMs ?? defaultBudget) || 0);
      const results: (PointResult | undefined)[] = new Array<PointResult | undefined>(total).fill(undefined);
      let next = 0;
      let done = 0;
      let failed = 0;
      let running = 0;
      let over = false;
      const progress = (): PoolProgress => ({ done, total, failed, running });
      const report = () => {
        try {
          opts.onProgress?.(progress());
        } catch (e) {
          console.error('ringlab: sweep progress handler failed', e);
        }
      };

      return new Promise<PoolOutcome>((resolve) => {
        const finish = (outcome: PoolOutcome) => {
          over = true;
          if (cancelCurrent === onCancel) cancelCurrent = null;
          resolve(outcome);
        };

        const onCancel = () => {
          if (over) return;
          over = true;
          // A busy worker may be deep inside one engine step: terminate it rather than wait.
          for (const s of slots) {
            if (s?.job) {
              s.job = null;
              s.kill();
            }
          }
          resolve({ kind: 'cancelled', results });
        };
        cancelCurrent = onCancel;

        /** Store a point's result; true while points remain to run. */
        const record = (index: number, r: PointResult): boolean => {
          results[index] = r;
          done++;
          if (r.kind === 'error') failed++;
          try {
            opts.onResult?.(index, r);
          } catch (e) {
            console.error('ringlab: sweep result handler failed', e);
          }
          report();
          if (done === total) finish({ kind: 'done', results: results as PointResult[] });
          return !over;
        };

        const dispatch = (i: number) => {
          if (over || next >= total) return;
          const index = next++;
          let slot: Slot;
          try {
            slot = slots[i] ??= spawn(i);
          } catch (e) {
            const message = `The simulation worker could not be started: ${e instanceof Error ? e.message : String(e)}`;
            if (record(index, { kind: 'error', message })) dispatch(i);
            return;
          }
          let settled = false;
          let timer: ReturnType<typeof setTimeout> | undefined;
          const job: Job = {
            index,
            settle: (r) => {
              if (settled || over) return;
              settled = true;
              if (timer !== undefined) clearTimeout(timer);
              if (slot.job === job) slot.job = null;
              running--;
              if (record(index, r)) dispatch(i);
            },
          };
          slot.job = job;
          running++;
          if (budgetMs > 0) {
            // The worker stops the run itself at the budget; this only fires if it cannot.
            timer = setTimeout(() => {
              if (slot.job !== job) return;
              slot.job = null;
              slot.kill();
              job.settle({ kind: 'error', message: `${budgetMessage(budgetMs)} The worker did not stop by itself and was replaced.` });
            }, budgetMs + graceMs);
          }
          slot.remote
            .runToEnd(scenarios[index]!, { ...(budgetMs > 0 ? { budgetMs } : {}), ...(page.memoryBudgetMb ? { memoryBudgetMb: page.memoryBudgetMb } : {}), ...(opts.capture ? { capture: opts.capture } : {}) })
            .then(
              (r) => job.settle(pointOf(r)),
              (e: unknown) => job.settle({ kind: 'error', message: `The simulation failed: ${e instanceof Error ? e.message : String(e)}` }),
            );
          report();
        };

        if (total === 0) {
          finish({ kind: 'done', results: [] });
          return;
        }
        for (let i = 0; i < Math.min(size, total); i++) dispatch(i);
      });
    },

    cancel,

    alive() {
      return slots.filter((s) => s !== null).length;
    },

    dispose() {
      cancel();
      for (const s of slots) s?.kill();
    },
  };
}
