/**
 * The page's sweep instances: the worker pool, the sweep store, and the wiring between the sweep
 * editor's draft and the main store's `sweepDef` (which the share link carries). Loaded with the
 * Sweep tab, so a page that never sweeps starts no pool.
 */
import { useStore } from 'zustand';
import { KNOBS, checkSweep, findPreset, getPath, knobValueText, type BuiltinSweep, type Scenario, type SweepDef } from '../engine';
import { createEnginePool } from '../../workers/pool';
import { appStore } from './app';
import { createSweepStore, type SweepState } from './sweep';
import { defFromDraft, draftFromDef, sameDef, type SweepDraft } from './sweepDraft';

export const sweepPool = createEnginePool();

const initialDef = appStore.getState().sweepDef;
/** The page was opened with a link that carries a sweep: the Sweep tab offers to reproduce it. */
export const openedWithSweep = initialDef !== null;
export const sweepStore = createSweepStore(sweepPool, initialDef ? { draft: draftFromDef(initialDef) } : {});

export function useSweep<T>(selector: (s: SweepState) => T): T {
  return useStore(sweepStore, selector);
}

/** A definition that came from elsewhere (a link, a built-in sweep) replaces the editor's fields. */
appStore.subscribe((s, prev) => {
  if (s.sweepDef === prev.sweepDef || !s.sweepDef) return;
  if (!sameDef(defFromDraft(sweepStore.getState().draft).def, s.sweepDef)) sweepStore.getState().setDraft(draftFromDef(s.sweepDef));
});

/** The note of a loaded built-in sweep goes once the form is edited (its Undo would undo the edit too). */
appStore.subscribe((s, prev) => {
  if (s.scenario !== prev.scenario && sweepStore.getState().loaded) sweepStore.getState().setLoaded(null);
});

/**
 * The def a draft stands for, and everything wrong with it against the current scenario. Cheap
 * (checkSweep: planSweep's verdict without building the runs), so it runs on every keystroke in
 * the form or the editor; the sweep is planned in full when it starts (sweep.ts).
 */
export function checkDraft(d: SweepDraft, base: Scenario = appStore.getState().scenario): { def: SweepDef; errors: string[]; runs: number } {
  const { def, errors } = defFromDraft(d);
  // Check even when a series row is wrong (unlabelled rows get a stand-in label), so a bad range
  // is named at the same time.
  const labelled = { ...def, series: def.series.map((s, i) => (s.label ? s : { ...s, label: `series ${i + 1}` })) };
  const check = checkSweep(base, labelled);
  if (check.ok && errors.length === 0) return { def, errors: [], runs: check.value.runs };
  return { def, errors: [...errors, ...(check.ok ? [] : check.errors)], runs: 0 };
}

/** Edit the draft; once it makes a runnable sweep it becomes the link's sweep. */
export function editDraft(d: SweepDraft): void {
  sweepStore.getState().setDraft(d);
  const app = appStore.getState();
  if (!app.valid) return;
  const c = checkDraft(d);
  if (c.errors.length === 0 && !sameDef(c.def, app.sweepDef)) app.setSweepDef(c.def);
}

/**
 * One click on a built-in sweep: its preset into the form, its definition into the editor. It
 * replaces the form's settings, so it says which it changed (sweepStore's `loaded`), with an Undo
 * that puts the form, the sweep and the editor back.
 */
export function loadBuiltinSweep(b: BuiltinSweep): void {
  const before = appStore.getState();
  const was = { scenario: before.scenario, preset: before.presetName, def: before.sweepDef, draft: sweepStore.getState().draft };
  const preset = b.preset && findPreset(b.preset) ? b.preset : null;
  if (preset) before.loadPreset(preset);
  else before.resetToDefaults();
  appStore.getState().setSweepDef(b.def);
  sweepStore.getState().setDraft(draftFromDef(b.def));
  const after = appStore.getState().scenario;
  const changes = KNOBS.filter((k) => getPath(was.scenario, k.path) !== getPath(after, k.path)).map((k) => ({
    path: k.path,
    label: k.label,
    from: knobValueText(k, getPath(was.scenario, k.path)),
    to: knobValueText(k, getPath(after, k.path)),
  }));
  sweepStore.getState().setLoaded({
    title: b.title,
    preset,
    changes,
    undo: () => {
      // presetName is only set while the form matches the preset, so loading it again is exact.
      if (was.preset) appStore.getState().loadPreset(was.preset);
      else appStore.getState().loadScenario(was.scenario);
      appStore.getState().setSweepDef(was.def);
      sweepStore.getState().setDraft(was.draft);
      sweepStore.getState().setLoaded(null);
    },
  });
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
