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
 * Budgets: per point, exactly as for single runs (handle.ts's engineOptions: the options given,
 * then `?budget_ms=N` and `?budget_mb=N`): the worker stops a run over its wall-time budget
 * itself, and if it cannot, the pool terminates it BUDGET_GRACE_MS later; the heartbeat fails a
 * point whose worker stops answering or stalls. The workers are handle.ts's EngineWorkers, as
 * the single run's.
 */
import type { Scenario, Summary } from '../src/engine';
import { WORKER_GONE_MESSAGE } from './client';
import { defaultMakeWorker, engineOptions, pageSearch, spawnEngineWorker, type EngineOptions, type EngineWorker, type Fault } from './handle';
import type { RunResult } from './protocol';

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
  /** Per point, the fit's leave-one-out constant set to run it with (RunOptions.looSet); absent: the fitted constants. */
  looSets?: readonly number[];
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

export interface PoolOptions extends EngineOptions {
  size?: number;
  makeWorker?: () => Worker;
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

function pageSize(): number {
  const g = globalThis as { navigator?: { hardwareConcurrency?: number } };
  return poolSizeFromSearch(pageSearch()) ?? defaultPoolSize(g.navigator?.hardwareConcurrency);
}

interface Job {
  index: number;
  settle: (r: PointResult) => void;
}

interface Slot {
  w: EngineWorker;
  job: Job | null;
  /** Terminates the worker (if still alive) and frees its place in the pool. */
  kill: () => void;
}

/** A fault as a sweep point reports it: its worker was replaced, the other points go on. */
function faultPoint(f: Fault): PointResult {
  if (f.kind === 'gone') return { kind: 'error', message: WORKER_GONE_MESSAGE };
  if (f.kind === 'over-budget' || f.kind === 'unreadable') return { kind: 'error', message: f.kind === 'unreadable' ? `${f.message} It was replaced.` : f.message };
  return { kind: 'error', message: `${f.message} It was replaced; the other points went on.` };
}

function pointOf(r: RunResult): PointResult {
  if (r.kind === 'done') return r;
  if (r.kind === 'error') return r;
  return { kind: 'error', message: 'The run was cancelled inside the worker.' };
}

export function createEnginePool(options: PoolOptions = {}): EnginePool {
  const opt = engineOptions(options);
  const size = Math.max(1, Math.min(MAX_POOL_SIZE, Math.floor(options.size ?? pageSize())));
  const makeWorker = options.makeWorker ?? defaultMakeWorker;
  const slots: (Slot | null)[] = Array.from({ length: size }, () => null);
  /** Cancels the run in progress (null when idle). */
  let cancelCurrent: (() => void) | null = null;

  function spawn(i: number): Slot {
    const w = spawnEngineWorker(makeWorker);
    const slot: Slot = {
      w,
      job: null,
      kill: () => {
        if (slots[i] === slot) slots[i] = null;
        w.kill();
      },
    };
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
      const budgetMs = Math.max(0, Number(opts.budgetMs ?? opt.budgetMs) || 0);
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
            if (slots[i]?.w.dead) slots[i] = null;
            slot = slots[i] ??= spawn(i);
          } catch (e) {
            const message = `The simulation worker could not be started: ${e instanceof Error ? e.message : String(e)}`;
            if (record(index, { kind: 'error', message })) dispatch(i);
            return;
          }
          let settled = false;
          // The worker stops a run over its budget itself; the guard's backstop fires if it
          // cannot, and the heartbeat if it stops answering or advancing.
          const guard = slot.w.guard({ budgetMs, graceMs: opt.budgetGraceMs, heartbeat: opt.heartbeat, framesPerSecond: 0 });
          const job: Job = {
            index,
            settle: (r) => {
              if (settled || over) return;
              settled = true;
              guard.stop();
              if (slot.job === job) slot.job = null;
              running--;
              if (record(index, r)) dispatch(i);
            },
          };
          slot.job = job;
          running++;
          // The worker is gone: fail its point and free the place for a fresh one.
          slot.w.onFault = (f) => {
            if (slots[i] === slot) slots[i] = null;
            if (slot.job === job) {
              slot.job = null;
              job.settle(faultPoint(f));
            }
          };
          slot.w.remote
            .runToEnd(scenarios[index]!, {
              ...(budgetMs > 0 ? { budgetMs } : {}),
              ...(opt.memoryBudgetMib ? { memoryBudgetMib: opt.memoryBudgetMib } : {}),
              ...(opts.capture ? { capture: opts.capture } : {}),
              ...(opts.looSets?.[index] !== undefined ? { looSet: opts.looSets[index] } : {}),
            })
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
