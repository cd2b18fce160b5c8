/**
 * The sweep store (Zustand, separate from the main store): the editor's draft, and the execution
 * of one sweep at a time on an EnginePool: status, progress, and every point's figures as they
 * arrive. The sweep *definition* lives in the main store (`sweepDef`, carried by the share link);
 * the page wiring (sweepApp.ts) keeps the draft and that definition in step.
 *
 * Points are stored by their index in the plan (series-major, then points), so what is shown does
 * not depend on the pool's size or the order the points finish in.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { planSweep, sweepFigures, type KnobValue, type Scenario, type SweepDef } from '../engine';
import type { EnginePool, PoolProgress } from '../../workers/pool';
import { defaultDraft, type SweepDraft } from './sweepDraft';

export type SweepStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

/** One finished run of a sweep. */
export interface SweepPoint {
  /** Series index (into SweepRunInfo.labels) and point index (into SweepRunInfo.values). */
  series: number;
  point: number;
  value: KnobValue;
  /** Every SWEEP_OUTPUTS figure by key (NaN where the run has none), or null if the run failed. */
  figures: Record<string, number> | null;
  /** The run's bottleneck sentence and share link (to open that point on its own). */
  bottleneck: string | null;
  link: string | null;
  error: string | null;
}

/** What the shown results are of. */
export interface SweepRunInfo {
  def: SweepDef;
  base: Scenario;
  path: string;
  values: KnobValue[];
  labels: string[];
  /** Runs in plan order: which series and point each index is. */
  runs: { series: number; point: number; value: KnobValue }[];
}

export interface SweepState {
  status: SweepStatus;
  /** The editor's fields (may be invalid; only valid drafts reach the main store). */
  draft: SweepDraft;
  run: SweepRunInfo | null;
  /** One entry per run of the plan, null until that run has finished. */
  points: (SweepPoint | null)[];
  progress: PoolProgress;
  /** Workers the pool may use at most. */
  poolSize: number;
  /** Why the sweep could not start (planning errors), or why it failed. */
  errors: string[];
  /** Wall-clock time of the sweep so far / in total, ms. */
  startedAt: number | null;
  elapsedMs: number | null;
  /** Increases with every start; stale pool callbacks are ignored. */
  sweepId: number;
  /** After a built-in sweep was loaded: what it changed in the form, and how to take it back. */
  loaded: LoadedNotice | null;

  setDraft(d: SweepDraft): void;
  setLoaded(n: LoadedNotice | null): void;
  /** Plan `def` on `base` and run it; false (with `errors` set) when it cannot be planned. */
  start(base: Scenario, def: SweepDef, capture?: { data: Blob | Uint8Array; name: string }): boolean;
  cancel(): void;
}

/** What loading a built-in sweep did to the form (sweepApp.ts), said beside the sweep with Undo. */
export interface LoadedNotice {
  title: string;
  /** The preset it loaded, if any. */
  preset: string | null;
  /** Settings whose value it changed, as people read them. */
  changes: { path: string; label: string; from: string; to: string }[];
  /** Put the form, the sweep and the editor back as they were. */
  undo: () => void;
}

export type SweepStore = StoreApi<SweepState>;

const planned = new WeakMap<object, Scenario[] | null>();

/**
 * The scenarios a sweep run ran, in plan order (planSweep of its base and definition, once per
 * run: the Sweep tab's fit spread and calibration line both read them); null if it cannot be
 * planned.
 */
export function sweepScenarios(run: Pick<SweepRunInfo, 'base' | 'def'>): Scenario[] | null {
  let s = planned.get(run);
  if (s === undefined) {
    const plan = planSweep(run.base, run.def);
    s = plan.ok ? plan.value.runs.map((r) => r.scenario) : null;
    planned.set(run, s);
  }
  return s;
}

const NO_PROGRESS: PoolProgress = { done: 0, total: 0, failed: 0, running: 0 };

export function createSweepStore(pool: EnginePool, opts: { draft?: SweepDraft } = {}): SweepStore {
  return createStore<SweepState>()((set, get) => ({
    status: 'idle',
    draft: opts.draft ?? defaultDraft(),
    run: null,
    points: [],
    progress: NO_PROGRESS,
    poolSize: pool.size,
    errors: [],
    startedAt: null,
    elapsedMs: null,
    sweepId: 0,
    loaded: null,

    setDraft(d) {
      set({ draft: d });
    },

    setLoaded(n) {
      set({ loaded: n });
    },

    start(base, def, capture) {
      if (get().status === 'running') pool.cancel();
      const sweepId = get().sweepId + 1;
      const plan = planSweep(base, def);
      if (!plan.ok) {
        set({ status: 'error', sweepId, errors: plan.errors, run: null, points: [], progress: NO_PROGRESS, startedAt: null, elapsedMs: null });
        return false;
      }
      const { range, labels, runs } = plan.value;
      const startedAt = performance.now();
      const run: SweepRunInfo = {
        def,
        base,
        path: range.path,
        values: range.values,
        labels,
        runs: runs.map((r) => ({ series: r.series, point: r.point, value: r.value })),
      };
      // the plan is made: sweepScenarios need not make it again
      planned.set(run, runs.map((r) => r.scenario));
      set({
        status: 'running',
        sweepId,
        errors: [],
        run,
        points: new Array<SweepPoint | null>(runs.length).fill(null),
        progress: { done: 0, total: runs.length, failed: 0, running: 0 },
        startedAt,
        elapsedMs: 0,
      });
      const current = () => get().sweepId === sweepId && get().status === 'running';
      pool
        .run(
          runs.map((r) => r.scenario),
          {
            onResult: (i, r) => {
              if (!current()) return;
              const run = runs[i]!;
              const point: SweepPoint =
                r.kind === 'done'
                  ? { series: run.series, point: run.point, value: run.value, figures: sweepFigures(r.summary), bottleneck: r.summary.bottleneck.text, link: r.summary.link, error: null }
                  : { series: run.series, point: run.point, value: run.value, figures: null, bottleneck: null, link: null, error: r.message };
              const points = get().points.slice();
              points[i] = point;
              set({ points, elapsedMs: performance.now() - startedAt });
            },
            onProgress: (p) => {
              if (current()) set({ progress: p });
            },
            ...(capture ? { capture } : {}),
          },
        )
        .then(
          (out) => {
            if (!current()) return;
            const elapsedMs = performance.now() - startedAt;
            if (out.kind === 'cancelled') {
              set({ status: 'cancelled', elapsedMs });
              return;
            }
            const failed = out.results.filter((r) => r.kind === 'error').length;
            if (failed > 0 && failed === out.results.length) {
              set({ status: 'error', elapsedMs, errors: [`Every run of the sweep failed; the first said: ${out.results[0]?.kind === 'error' ? out.results[0].message : ''}`] });
            } else {
              set({ status: 'done', elapsedMs });
            }
          },
          (e: unknown) => {
            if (!current()) return;
            set({ status: 'error', elapsedMs: performance.now() - startedAt, errors: [`The sweep failed: ${e instanceof Error ? e.message : String(e)}`] });
          },
        );
      return true;
    },

    cancel() {
      if (get().status !== 'running') return;
      const st = get();
      // Status first: the pool resolves the cancelled run, and any late callback, after this.
      set({
        status: 'cancelled',
        progress: { ...st.progress, running: 0 },
        elapsedMs: st.startedAt !== null ? performance.now() - st.startedAt : null,
      });
      pool.cancel();
    },
  }));
}
