/**
 * The comparison baseline (run A). Pinning copies the finished run (scenario, summary, frames,
 * series) here and puts its scenario in the main store's `baselineScenario`, which the share link
 * carries. A page opened from such a link has only the scenario: the run is repeated here, in the
 * background, on an engine of its own (a second Worker), so the main run streams undisturbed.
 * Runs are deterministic, so the repeat gives the pinned figures again (only `wall_ms` differs).
 *
 * The main store stays the source of truth for *which* scenario is the baseline; this store
 * follows it (pin, unpin, a link, the back button).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { FRAME_SERIES, KNOBS, getPath, type FrameBatch, type Scenario, type SeriesInfo, type Summary } from '../engine';
import type { EngineClient, RunResult } from '../../workers/client';
import { appendFrames, emptyFrames, type AppStore, type FrameColumns } from './store';

export interface BaselineRun {
  scenario: Scenario;
  /** 'pinned': copied from a finished run on this page; 'link': repeated from a link's scenario. */
  source: 'pinned' | 'link';
  status: 'running' | 'done' | 'error';
  summary: Summary | null;
  frames: FrameColumns;
  series: readonly SeriesInfo[];
  error: string | null;
}

export interface CompareState {
  baseline: BaselineRun | null;
  /** Pin the main store's finished run as the baseline; false when there is no finished run. */
  pin(): boolean;
  unpin(): void;
  /** Repeat the baseline's run again (after it failed). */
  retry(): void;
}

export type CompareStore = StoreApi<CompareState> & { dispose(): void };

/** The baseline repeats at full speed, delivering few, large batches (nothing draws them live). */
const BASELINE_RUN_OPTS = { framesPerSecond: 0, maxBatchesPerSecond: 4 } as const;

export function sameScenario(a: Scenario, b: Scenario): boolean {
  return KNOBS.every((k) => getPath(a, k.path) === getPath(b, k.path));
}

/**
 * `makeEngine` is called when a baseline must be repeated; the engine is disposed when that run
 * ends (a Worker held only for an occasional repeat would keep its memory for nothing).
 */
export function createCompareStore(app: AppStore, makeEngine: () => EngineClient): CompareStore {
  let engine: EngineClient | null = null;
  /** Increases on every start and cancel: results of older repeats are ignored. */
  let token = 0;
  const store = createStore<CompareState>()(() => ({ baseline: null, pin, unpin, retry }));
  const setBaseline = (baseline: BaselineRun | null) => store.setState({ baseline });

  function cancel(): void {
    token++;
    const e = engine;
    engine = null;
    // Disposing ends its pending run as cancelled (ignored: the token has moved on).
    e?.dispose();
  }

  async function repeat(scenario: Scenario): Promise<void> {
    cancel();
    const my = ++token;
    setBaseline({ scenario, source: 'link', status: 'running', summary: null, frames: emptyFrames(), series: FRAME_SERIES, error: null });
    const e = makeEngine();
    engine = e;
    const batches: FrameBatch[] = [];
    let series: readonly SeriesInfo[] = FRAME_SERIES;
    let result: RunResult;
    try {
      result = await e.run(
        scenario,
        (batch, progress) => {
          if (my !== token) return;
          batches.push(batch);
          if (progress.series) series = progress.series;
        },
        BASELINE_RUN_OPTS,
      );
    } catch (err) {
      result = { kind: 'error', message: err instanceof Error ? err.message : String(err) };
    }
    if (my !== token) return;
    engine = null;
    e.dispose();
    const cur = store.getState().baseline;
    if (!cur) return;
    if (result.kind === 'done') {
      let frames = emptyFrames();
      for (const b of batches) frames = appendFrames(frames, b);
      setBaseline({ ...cur, status: 'done', summary: result.summary, frames, series });
    } else if (result.kind === 'error') {
      setBaseline({ ...cur, status: 'error', error: result.message });
    }
  }

  function pin(): boolean {
    const st = app.getState();
    if (st.status !== 'done' || !st.summary || !st.runScenario) return false;
    cancel();
    setBaseline({ scenario: st.runScenario, source: 'pinned', status: 'done', summary: st.summary, frames: st.frames, series: st.series, error: null });
    // The subscription below sees the same scenario and keeps these figures.
    app.getState().setBaselineScenario(st.runScenario);
    return true;
  }

  function unpin(): void {
    app.getState().setBaselineScenario(null);
  }

  function retry(): void {
    const b = store.getState().baseline;
    if (b && b.status === 'error') void repeat(b.scenario);
  }

  /** Follow the main store's baselineScenario (pin, unpin, a link, the back button). */
  function follow(): void {
    const want = app.getState().baselineScenario;
    const cur = store.getState().baseline;
    if (!want) {
      if (cur) {
        cancel();
        setBaseline(null);
      }
      return;
    }
    if (cur && sameScenario(cur.scenario, want)) return;
    void repeat(want);
  }

  const unsubscribe = app.subscribe((s, prev) => {
    if (s.baselineScenario !== prev.baselineScenario) follow();
  });
  follow();
  return Object.assign(store, {
    dispose() {
      unsubscribe();
      cancel();
    },
  });
}
