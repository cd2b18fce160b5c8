/**
 * The fit spread of one result (engine/fitspread.ts): its scenario run again under each of the
 * fit's leave-one-out constant sets, on a worker pool of its own, so a sweep in progress is not
 * touched. The result belongs to the run it was started from (`key`, the run's share link, or
 * the sweep run's): the page shows it only beside that run. One spread at a time: the Summary's,
 * the Compare panel's pair, or a finished sweep's points.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { looRowNames, spreadMetric, summarizeRatioSpread, summarizeSpread, type FitSpread, type RatioSpread, type Scenario, type SpreadMetric } from '../engine';
import type { EnginePool, PoolProgress } from '../../workers/pool';

export type SpreadStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

export interface SpreadState {
  status: SpreadStatus;
  /** The run the spread is of (its share link), null before the first start. */
  key: string | null;
  progress: PoolProgress;
  result: FitSpread | null;
  /** A comparison's spread (startPair): B/A under each set. */
  pair: RatioSpread | null;
  /**
   * A sweep's spread (startSweep): each point's figure under each set, in the sweep's plan order;
   * null for a point one of whose runs failed (`error` then holds the first failure's message).
   */
  sweep: (FitSpread | null)[] | null;
  error: string | null;
  /** Increases with every start; stale pool callbacks are ignored. */
  id: number;
  start(scenario: Scenario, key: string): void;
  /**
   * A (the baseline) and B under each leave-one-out set, both under the same set; `fitted` is A's
   * and B's figure with the fitted constants (their own runs). `key` names the pair.
   */
  startPair(a: Scenario, b: Scenario, fitted: { baseline: number; scenario: number }, key: string): void;
  /** Every point of a sweep (its planned scenarios, in plan order) under each set; `key` names the sweep run. */
  startSweep(points: readonly Scenario[], key: string): void;
  cancel(): void;
}

export type SpreadStore = StoreApi<SpreadState>;

const NO_PROGRESS: PoolProgress = { done: 0, total: 0, failed: 0, running: 0 };

export function createSpreadStore(pool: EnginePool): SpreadStore {
  return createStore<SpreadState>()((set, get) => {
    /**
     * Each scenario under every leave-one-out set (scenario-major); `done` gets each one's own
     * metric per set. Any failed run fails the spread, unless `partial` (a sweep): then a scenario
     * with a failed run gets null, and the spread fails only when every scenario has one.
     */
    const run = (scenarios: readonly Scenario[], metrics: readonly SpreadMetric[], key: string, done: (values: (number[] | null)[]) => void, partial = false) => {
      if (get().status === 'running') pool.cancel();
      const id = get().id + 1;
      const n = looRowNames().length;
      set({ status: 'running', key, id, result: null, pair: null, sweep: null, error: null, progress: { done: 0, total: n * scenarios.length, failed: 0, running: 0 } });
      const current = () => get().id === id;
      pool
        .run(scenarios.flatMap((s) => new Array<Scenario>(n).fill(s)), {
          looSets: scenarios.flatMap(() => Array.from({ length: n }, (_, i) => i)),
          onProgress: (p) => {
            if (current()) set({ progress: p });
          },
        })
        .then(
          (o) => {
            if (!current()) return;
            // the extra workers are only for this: let them go
            pool.dispose();
            if (o.kind === 'cancelled') {
              set({ status: 'cancelled' });
              return;
            }
            const per = scenarios.map((_, k) => o.results.slice(k * n, (k + 1) * n));
            const failed = o.results.find((r) => r.kind === 'error');
            const firstError = failed && failed.kind === 'error' ? failed.message : null;
            if (firstError !== null && (!partial || per.every((rs) => rs.some((r) => r.kind === 'error')))) {
              set({ status: 'error', error: firstError });
              return;
            }
            done(per.map((rs, k) => (rs.every((r) => r.kind === 'done') ? rs.map((r) => (r.kind === 'done' ? r.summary[metrics[k]!] : NaN)) : null)));
            // a partial spread keeps what the first failure said
            set({ status: 'done', error: firstError });
          },
          (e: unknown) => {
            if (current()) set({ status: 'error', error: `The fit spread failed: ${e instanceof Error ? e.message : String(e)}` });
          },
        );
    };
    return {
      status: 'idle',
      key: null,
      progress: NO_PROGRESS,
      result: null,
      pair: null,
      sweep: null,
      error: null,
      id: 0,

      start(scenario, key) {
        const metric = spreadMetric(scenario);
        run([scenario], [metric], key, (values) => set({ result: summarizeSpread(metric, values[0]!) }));
      },

      startPair(a, b, fitted, key) {
        const metric = spreadMetric(b);
        run([a, b], [metric, metric], key, (values) => set({ pair: summarizeRatioSpread(metric, fitted, values[0]!, values[1]!) }));
      },

      startSweep(points, key) {
        // each point is judged by its own workload's figure, as the CLI's fit_metric column
        const metrics = points.map(spreadMetric);
        run(points, metrics, key, (values) => set({ sweep: values.map((v, k) => (v ? summarizeSpread(metrics[k]!, v) : null)) }), true);
      },

      cancel() {
        if (get().status !== 'running') return;
        set({ id: get().id + 1, status: 'cancelled' });
        pool.cancel();
        pool.dispose();
      },
    };
  });
}
