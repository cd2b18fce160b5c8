/**
 * The trace of the page's last finished run (sim.trace on), fetched from the run's worker once
 * the run is done (its typed arrays transferred, see EngineWorkerApi.trace), with its layout by
 * CPU and time, and the moment the timeline should show (a request from the bottleneck link).
 * Follows the main store: a new run or a reset drops the trace.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { layoutTrace, type TraceData, type TraceLayout } from '../engine';
import type { EngineClient } from '../../workers/client';
import type { AppStore } from './store';

export interface TraceFocus {
  fromNs: number;
  toNs: number;
  cpu: number;
  ev: number;
  /** Increases on every request, so asking for the same moment again still moves the view. */
  seq: number;
}

export interface TraceState {
  status: 'none' | 'loading' | 'ready' | 'error';
  /** The run (main store runId) the trace belongs to. */
  runId: number;
  data: TraceData | null;
  layout: TraceLayout | null;
  error: string | null;
  focus: TraceFocus | null;
  /** Show this moment in the timeline. */
  show(f: Omit<TraceFocus, 'seq'>): void;
  /** Put a trace in directly (tests, the timeline benchmark). */
  load(data: TraceData, runId?: number): void;
}

export type TraceStore = StoreApi<TraceState> & { dispose(): void };

export function createTraceStore(app: AppStore, engine: Pick<EngineClient, 'trace'>): TraceStore {
  let seq = 0;
  const store = createStore<TraceState>()((set, get) => ({
    status: 'none',
    runId: -1,
    data: null,
    layout: null,
    error: null,
    focus: null,
    show(f) {
      set({ focus: { ...f, seq: ++seq } });
    },
    load(data, runId = get().runId) {
      set({ status: 'ready', runId, data, layout: layoutTrace(data), error: null, focus: null });
    },
  }));

  async function fetchFor(runId: number): Promise<void> {
    store.setState({ status: 'loading', runId, data: null, layout: null, error: null, focus: null });
    let data: TraceData | null = null;
    try {
      data = (await engine.trace?.()) ?? null;
    } catch (e) {
      if (app.getState().runId === runId) store.setState({ status: 'error', error: `The trace could not be fetched: ${e instanceof Error ? e.message : String(e)}` });
      return;
    }
    if (app.getState().runId !== runId) return; // a newer run started meanwhile
    if (!data) {
      store.setState({ status: 'error', error: 'The run finished but its worker had no trace to give (it may have been restarted).' });
      return;
    }
    store.getState().load(data, runId);
  }

  const unsubscribe = app.subscribe((st, prev) => {
    if (st.runId !== prev.runId || (st.status !== 'done' && prev.status === 'done')) {
      if (store.getState().status !== 'none' || store.getState().data) store.setState({ status: 'none', runId: st.runId, data: null, layout: null, error: null, focus: null });
    }
    if (st.status === 'done' && prev.status !== 'done' && st.runScenario?.sim.trace) void fetchFor(st.runId);
  });
  return Object.assign(store, { dispose: unsubscribe });
}
