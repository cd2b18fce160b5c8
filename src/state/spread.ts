/**
 * The fit spread of one result (engine/fitspread.ts): its scenario run again under each of the
 * fit's leave-one-out constant sets, on a worker pool of its own, so a sweep in progress is not
 * touched. The result belongs to the run it was started from (`key`, the run's share link): the
 * panel shows it only beside that run.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { looRowNames, spreadMetric, summarizeSpread, type FitSpread, type Scenario } from '../engine';
import type { EnginePool, PoolProgress } from '../../workers/pool';

export type SpreadStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

export interface SpreadState {
  status: SpreadStatus;
  /** The run the spread is of (its share link), null before the first start. */
  key: string | null;
  progress: PoolProgress;
  result: FitSpread | null;
  error: string | null;
  /** Increases with every start; stale pool callbacks are ignored. */
  id: number;
  start(scenario: Scenario, key: string): void;
  cancel(): void;
}

export type SpreadStore = StoreApi<SpreadState>;

const NO_PROGRESS: PoolProgress = { done: 0, total: 0, failed: 0, running: 0 };

export function createSpreadStore(pool: EnginePool): SpreadStore {
  return createStore<SpreadState>()((set, get) => ({
    status: 'idle',
    key: null,
    progress: NO_PROGRESS,
    result: null,
    error: null,
    id: 0,

    start(scenario, key) {
      if (get().status === 'running') pool.cancel();
      const id = get().id + 1;
      const n = looRowNames().length;
      const metric = spreadMetric(scenario);
      set({ status: 'running', key, id, result: null, error: null, progress: { done: 0, total: n, failed: 0, running: 0 } });
      const current = () => get().id === id;
      pool
        .run(new Array<Scenario>(n).fill(scenario), {
          looSets: Array.from({ length: n }, (_, i) => i),
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
            const failed = o.results.find((r) => r.kind === 'error');
            if (failed && failed.kind === 'error') {
              set({ status: 'error', error: failed.message });
              return;
            }
            const values = o.results.map((r) => (r.kind === 'done' ? r.summary[metric] : NaN));
            set({ status: 'done', result: summarizeSpread(metric, values) });
          },
          (e: unknown) => {
            if (current()) set({ status: 'error', error: `The fit spread failed: ${e instanceof Error ? e.message : String(e)}` });
          },
        );
    },

    cancel() {
      if (get().status !== 'running') return;
      set({ id: get().id + 1, status: 'cancelled' });
      pool.cancel();
      pool.dispose();
    },
  }));
}
