/**
 * The page's sweep instances: the worker pool, the sweep store, and the wiring between the sweep
 * editor's draft and the main store's `sweepDef` (which the share link carries). Loaded with the
 * Sweep tab, so a page that never sweeps starts no pool.
 */
import { useStore } from 'zustand';
import { findPreset, planSweep, type BuiltinSweep, type SweepDef } from '../engine';
import { createEnginePool } from '../../workers/pool';
import { appStore } from './app';
import { createSweepStore, type SweepState } from './sweep';
import { defFromDraft, draftFromDef, sameDef, type SweepDraft } from './sweepDraft';

export const sweepPool = createEnginePool();

const initialDef = appStore.getState().sweepDef;
export const sweepStore = createSweepStore(sweepPool, initialDef ? { draft: draftFromDef(initialDef) } : {});

export function useSweep<T>(selector: (s: SweepState) => T): T {
  return useStore(sweepStore, selector);
}

/** A definition that came from elsewhere (a link, a built-in sweep) replaces the editor's fields. */
appStore.subscribe((s, prev) => {
  if (s.sweepDef === prev.sweepDef || !s.sweepDef) return;
  if (!sameDef(defFromDraft(sweepStore.getState().draft).def, s.sweepDef)) sweepStore.getState().setDraft(draftFromDef(s.sweepDef));
});

/** The def a draft stands for, and everything wrong with it against the current scenario. */
export function checkDraft(d: SweepDraft): { def: SweepDef; errors: string[]; runs: number } {
  const { def, errors } = defFromDraft(d);
  // Plan even when a series row is wrong (unlabelled rows get a stand-in label), so a bad range is
  // named at the same time.
  const labelled = { ...def, series: def.series.map((s, i) => (s.label ? s : { ...s, label: `series ${i + 1}` })) };
  const plan = planSweep(appStore.getState().scenario, labelled);
  if (plan.ok && errors.length === 0) return { def, errors: [], runs: plan.value.runs.length };
  return { def, errors: [...errors, ...(plan.ok ? [] : plan.errors)], runs: 0 };
}

/** Edit the draft; once it makes a runnable sweep it becomes the link's sweep. */
export function editDraft(d: SweepDraft): void {
  sweepStore.getState().setDraft(d);
  const app = appStore.getState();
  if (!app.valid) return;
  const c = checkDraft(d);
  if (c.errors.length === 0 && !sameDef(c.def, app.sweepDef)) app.setSweepDef(c.def);
}

/** One click on a built-in sweep: its preset into the form, its definition into the editor. */
export function loadBuiltinSweep(b: BuiltinSweep): void {
  const app = appStore.getState();
  if (b.preset && findPreset(b.preset)) app.loadPreset(b.preset);
  else app.resetToDefaults();
  appStore.getState().setSweepDef(b.def);
  sweepStore.getState().setDraft(draftFromDef(b.def));
}

/** Run the draft on the form's scenario. */
export function runSweep(): boolean {
  const app = appStore.getState();
  if (!app.valid) return false;
  const c = checkDraft(sweepStore.getState().draft);
  if (c.errors.length) return false;
  if (!sameDef(c.def, app.sweepDef)) app.setSweepDef(c.def);
  const capture = app.capture ? { data: app.capture.file, name: app.capture.info.name } : undefined;
  return sweepStore.getState().start(app.scenario, c.def, capture);
}

declare global {
  interface Window {
    /** Read-only test/debug hook: the sweep store (e2e tests read points through it). */
    __ringlabSweep?: typeof sweepStore;
  }
}
window.__ringlabSweep = sweepStore;
