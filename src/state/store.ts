/**
 * The one UI store (Zustand). Holds the scenario being edited (with the raw text and inline errors
 * of every knob), the run state and its accumulated frames and summary, and link errors. Views only
 * read from here and call its actions; they never compute the model.
 *
 * The store is created with an EngineClient so tests can drive it with a fake engine.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  FRAMES_PER_RUN,
  applyKnob,
  FRAME_SERIES,
  KNOBS,
  parseKnobText,
  decodeLink,
  defaultScenario,
  encodeLink,
  findPreset,
  getPath,
  lineRatePps,
  parseScenario,
  planSweep,
  presetScenario,
  replayDurationNs,
  type CaptureInfo,
  type CaptureRef,
  type FrameBatch,
  type Scenario,
  type SeriesInfo,
  type Summary,
  type SweepDef,
} from '../engine';
import type { EngineClient, RunProgress } from '../../workers/client';
import { DEFAULT_FRAMES_PER_SECOND } from '../../workers/protocol';

export type RunStatus = 'idle' | 'running' | 'paused' | 'done' | 'error';

export interface KnobField {
  /** What is in the input box, exactly as typed. */
  text: string;
  /** Inline validation messages; empty when the value is valid. */
  errors: string[];
}

/**
 * Frames of the current run, column-wise, keyed by series key (`t_ms`, `offered_pps`, …); every
 * column has exactly `count` entries. Which columns exist is up to the engine (see `series`).
 */
export interface FrameColumns {
  count: number;
  columns: Readonly<Record<string, Float64Array>>;
}

export interface LinkError {
  message: string;
  details: string[];
}

/** A capture the page has read (the file stays on disk; the worker reads it in chunks). */
export interface LoadedCapture {
  file: Blob;
  info: CaptureInfo;
}

/** A pcap scenario needs a capture to name (the share link carries it) before it is valid. */
export function pcapProblem(s: Scenario, ref: CaptureRef | null): string | null {
  if (s.traffic.workload !== 'receive' || s.traffic.interleave !== 'pcap' || ref) return null;
  return 'traffic.interleave = pcap replays a capture: choose the capture file under “Replay a capture”';
}

export interface AppState {
  /** The scenario built from every valid field (an invalid field keeps its last valid value). */
  scenario: Scenario;
  fields: Record<string, KnobField>;
  /** Cross-knob errors (whole-scenario rules) that name a knob, shown next to that knob. */
  crossErrors: Record<string, string[]>;
  /** Cross-knob errors that name no knob, shown under the form. */
  formErrors: string[];
  /** True when every field and the scenario as a whole are valid: Run is allowed. */
  valid: boolean;
  /** `#v1.…` fragment of the last valid scenario; the URL always shows this. */
  shareHash: string;
  /** Name of the preset last loaded, while the form still matches it. */
  presetName: string | null;
  linkError: LinkError | null;
  /**
   * Scenario of the run pinned as the comparison baseline (A), or null. The share link carries it;
   * runs are deterministic, so the scenario reproduces the baseline's numbers.
   */
  baselineScenario: Scenario | null;
  /** The sweep being set up or shown (the share link carries it), or null. */
  sweepDef: SweepDef | null;
  /** The capture read from the file the user chose, or null. */
  capture: LoadedCapture | null;
  /** The capture a link names that the page does not have yet: the user is asked for the file. */
  captureWanted: CaptureRef | null;
  /** Why the last file chosen was not taken (a bad capture, or another one than the link's). */
  captureMessage: string | null;
  captureBusy: boolean;

  status: RunStatus;
  /** Increases on every run and reset; stale callbacks from older runs are ignored. */
  runId: number;
  runScenario: Scenario | null;
  /** Line rate of the run's link and frame size (for the chart's reference line). */
  runLineRatePps: number | null;
  progress: RunProgress | null;
  /** Series of the current run (label, unit per column key); FRAME_SERIES until the engine says more. */
  series: readonly SeriesInfo[];
  frames: FrameColumns;
  summary: Summary | null;
  runError: string | null;
  /** The run failed because its worker did (crashed, stopped answering, stalled): the page offers Restart. */
  runRestartable: boolean;
  /** Pace of the frame stream (0 = as fast as possible). */
  framesPerSecond: number;

  setKnobText(path: string, text: string): void;
  loadScenario(s: Scenario): void;
  loadPreset(name: string): void;
  /** Load a preset and run it (the gallery's one-click cards); false when there is no such preset. */
  runPreset(name: string): boolean;
  resetToDefaults(): void;
  /** Apply a URL fragment (page load, hashchange). Returns true if it changed the form. */
  applyLink(hash: string): boolean;
  dismissLinkError(): void;
  setFramesPerSecond(fps: number): void;
  /** Pin (or with null, unpin) the baseline's scenario; the share link follows. */
  setBaselineScenario(s: Scenario | null): void;
  /** Set (or clear) the sweep definition; the share link follows. */
  setSweepDef(def: SweepDef | null): void;
  /**
   * Read a capture file in the worker. Taken: the form switches to replaying it (receive workload,
   * traffic.interleave = pcap, sim.duration_ms the replay's length + 1 ms). Refused when it is not a
   * capture, or when a link asked for another one (by SHA-256).
   */
  chooseCapture(file: Blob, name: string): Promise<void>;

  run(): Promise<void>;
  pause(): void;
  resume(): void;
  reset(): void;
  /** Frame sink for the engine; public for tests. */
  receiveFrames(runId: number, batch: FrameBatch, progress: RunProgress): void;
}

export type AppStore = StoreApi<AppState>;

export function emptyFrames(): FrameColumns {
  const columns: Record<string, Float64Array> = {};
  for (const s of FRAME_SERIES) columns[s.key] = new Float64Array(0);
  return { count: 0, columns };
}

/** The time column: every batch has it, so it gives the batch length. */
const TIME_KEY = FRAME_SERIES[0].key;

/**
 * Place `batch` at its start index. Repeated frames are ignored; a gap (never sent by the worker)
 * is filled with NaN so indices stay aligned with simulated time; a column missing from a batch is
 * NaN there too. Never grows past FRAMES_PER_RUN.
 */
export function appendFrames(cur: FrameColumns, batch: FrameBatch): FrameColumns {
  const incoming = batch.columns as Readonly<Record<string, Float64Array | undefined>>;
  const n = incoming[TIME_KEY]?.length ?? 0;
  const start = Math.max(0, Math.floor(batch.start));
  const end = Math.min(FRAMES_PER_RUN, start + n);
  if (n === 0 || end <= cur.count) return cur;
  const keep = Math.min(cur.count, start);
  const columns: Record<string, Float64Array> = {};
  for (const key of new Set([...Object.keys(cur.columns), ...Object.keys(incoming)])) {
    const col = new Float64Array(end);
    const old = cur.columns[key];
    if (old) col.set(old.subarray(0, keep));
    else col.fill(NaN, 0, keep);
    col.fill(NaN, keep, start);
    const src = incoming[key];
    if (src && src.length >= end - start) col.set(src.subarray(0, end - start), start);
    else col.fill(NaN, start, end);
    columns[key] = col;
  }
  return { count: end, columns };
}

function fieldsFor(s: Scenario): Record<string, KnobField> {
  const fields: Record<string, KnobField> = {};
  for (const k of KNOBS) fields[k.path] = { text: String(getPath(s, k.path)), errors: [] };
  return fields;
}

/** The knob path a message is about: the one named first (longest match wins at the same spot). */
export function knobNamedIn(message: string): string | null {
  let best: { at: number; path: string } | null = null;
  for (const k of KNOBS) {
    let from = 0;
    for (;;) {
      const at = message.indexOf(k.path, from);
      if (at < 0) break;
      const next = message.charAt(at + k.path.length);
      const prev = at > 0 ? message.charAt(at - 1) : '';
      if (!/[A-Za-z0-9_.]/.test(next) && !/[A-Za-z0-9_.]/.test(prev)) {
        if (!best || at < best.at || (at === best.at && k.path.length > best.path.length)) best = { at, path: k.path };
        break;
      }
      from = at + 1;
    }
  }
  return best?.path ?? null;
}

/** Split whole-scenario errors into those shown at a knob and the rest. */
export function splitCrossErrors(errors: string[]): { crossErrors: Record<string, string[]>; formErrors: string[] } {
  const crossErrors: Record<string, string[]> = {};
  const formErrors: string[] = [];
  for (const e of errors) {
    const path = knobNamedIn(e);
    if (path) (crossErrors[path] ??= []).push(e);
    else formErrors.push(e);
  }
  return { crossErrors, formErrors };
}

function stillPreset(name: string, s: Scenario): boolean {
  const p = findPreset(name);
  if (!p) return false;
  try {
    return sameScenario(s, presetScenario(p));
  } catch {
    return false;
  }
}

function sameScenario(a: Scenario, b: Scenario): boolean {
  return KNOBS.every((k) => getPath(a, k.path) === getPath(b, k.path));
}

export interface StoreOptions {
  framesPerSecond?: number;
}

export function createAppStore(engine: EngineClient, opts: StoreOptions = {}): AppStore {
  const initial = defaultScenario();
  return createStore<AppState>()((set, get) => {
    /** The link for a scenario plus whatever baseline and sweep the page holds. */
    // A link whose sweep does not plan against its scenario is refused whole (link.ts), so while a
    // settings change makes the sweep impossible (say, more queues than the new host has cores)
    // the link leaves the sweep out; it comes back as soon as the sweep plans again.
    const refOf = (st: Pick<AppState, 'capture' | 'captureWanted'> = get()): CaptureRef | null =>
      st.capture ? { name: st.capture.info.name, sha256: st.capture.info.sha256 } : st.captureWanted;
    const hashFor = (scenario: Scenario, baseline = get().baselineScenario, sweep = get().sweepDef, ref = refOf()) => {
      const capture = scenario.traffic.workload === 'receive' && scenario.traffic.interleave === 'pcap' && ref ? ref : null;
      return encodeLink({ scenario, ...(baseline ? { baseline } : {}), ...(sweep && planSweep(scenario, sweep).ok ? { sweep } : {}), ...(capture ? { capture } : {}) });
    };
    /** Everything derived from a fully valid scenario. */
    const validState = (scenario: Scenario, baseline?: Scenario | null, sweep?: SweepDef | null, ref: CaptureRef | null = refOf()) => {
      const pcapError = pcapProblem(scenario, ref);
      return {
        scenario,
        fields: fieldsFor(scenario),
        ...splitCrossErrors(pcapError ? [pcapError] : []),
        valid: !pcapError,
        shareHash: pcapError ? get().shareHash : hashFor(scenario, baseline, sweep, ref),
      };
    };

    return {
      scenario: initial,
      fields: fieldsFor(initial),
      crossErrors: {},
      formErrors: [],
      valid: true,
      shareHash: encodeLink({ scenario: initial }),
      presetName: null,
      linkError: null,
      baselineScenario: null,
      sweepDef: null,
      capture: null,
      captureWanted: null,
      captureMessage: null,
      captureBusy: false,
      status: 'idle',
      runId: 0,
      runScenario: null,
      runLineRatePps: null,
      progress: null,
      series: FRAME_SERIES,
      frames: emptyFrames(),
      summary: null,
      runError: null,
      runRestartable: false,
      framesPerSecond: opts.framesPerSecond ?? DEFAULT_FRAMES_PER_SECOND,

      setKnobText(path, text) {
        const st = get();
        if (!(path in st.fields)) return;
        const r = parseKnobText(path, text);
        let fields = { ...st.fields, [path]: { text, errors: r.ok ? [] : r.errors } };
        // applyKnob: choosing a host or NIC also sets the knobs it determines; show those too.
        const scenario = r.ok ? applyKnob(st.scenario, path, r.value) : st.scenario;
        for (const k of KNOBS) {
          if (k.path === path) continue;
          const v = getPath(scenario, k.path);
          if (v !== getPath(st.scenario, k.path)) fields = { ...fields, [k.path]: { text: String(v), errors: [] } };
        }
        const allFieldsOk = Object.values(fields).every((f) => f.errors.length === 0);
        // Whole-scenario rules only make sense once every knob is valid on its own.
        const whole = allFieldsOk ? parseScenario(scenario) : null;
        const pcapError = whole?.ok ? pcapProblem(scenario, refOf(st)) : null;
        const split = splitCrossErrors(whole && !whole.ok ? whole.errors : pcapError ? [pcapError] : []);
        const valid = allFieldsOk && whole !== null && whole.ok && !pcapError;
        set({
          fields,
          scenario,
          ...split,
          valid,
          shareHash: valid ? hashFor(scenario) : st.shareHash,
          presetName: st.presetName && stillPreset(st.presetName, scenario) ? st.presetName : null,
        });
      },

      loadScenario(s) {
        const r = parseScenario(s);
        if (!r.ok) {
          set({ linkError: { message: 'These settings could not be loaded.', details: r.errors } });
          return;
        }
        set({ ...validState(r.value), presetName: null });
      },

      loadPreset(name) {
        const p = findPreset(name);
        if (!p) return;
        let scenario: Scenario;
        try {
          scenario = presetScenario(p);
        } catch (e) {
          console.error(`ringlab: preset ${p.name} is not valid`, e);
          return;
        }
        set({ ...validState(scenario), presetName: p.name });
      },

      runPreset(name) {
        get().loadPreset(name);
        // loadPreset leaves the form alone when the preset is unknown or invalid: never run that.
        if (get().presetName !== name) return false;
        void get().run();
        return true;
      },

      resetToDefaults() {
        set({ ...validState(defaultScenario()), presetName: null });
      },

      applyLink(hash) {
        const st = get();
        if (hash === st.shareHash && st.valid) return false;
        const r = decodeLink(hash);
        if (r.ok && r.empty) return false; // nothing to apply: keep the current form
        if (r.ok) {
          const baseline = r.state.baseline ?? null;
          const sweep = r.state.sweep ?? null;
          const want = r.state.capture ?? null;
          // the capture the page holds stays if it is the one the link names; else the link's is asked for
          const keep = want && st.capture && st.capture.info.sha256 === want.sha256 ? st.capture : null;
          const capture = { capture: keep, captureWanted: keep ? null : want, captureMessage: null };
          const extrasSame =
            JSON.stringify(baseline) === JSON.stringify(st.baselineScenario) && JSON.stringify(sweep) === JSON.stringify(st.sweepDef) &&
            JSON.stringify(refOf(capture)) === JSON.stringify(refOf(st));
          if (st.valid && sameScenario(r.state.scenario, st.scenario) && extrasSame) {
            set({ linkError: null });
            return false;
          }
          set({ ...capture, ...validState(r.state.scenario, baseline, sweep, refOf(capture)), baselineScenario: baseline, sweepDef: sweep, presetName: null, linkError: null });
          return true;
        }
        set({
          ...validState(defaultScenario(), null, null),
          baselineScenario: null,
          sweepDef: null,
          presetName: null,
          linkError: { message: r.message, details: r.details },
        });
        return true;
      },

      setBaselineScenario(b) {
        const st = get();
        set({ baselineScenario: b, shareHash: st.valid ? hashFor(st.scenario, b, st.sweepDef) : st.shareHash });
      },

      setSweepDef(def) {
        const st = get();
        set({ sweepDef: def, shareHash: st.valid ? hashFor(st.scenario, st.baselineScenario, def) : st.shareHash });
      },

      dismissLinkError() {
        set({ linkError: null });
      },

      async chooseCapture(file, name) {
        if (!engine.inspectCapture) {
          set({ captureMessage: 'This page cannot read captures (no simulation worker).' });
          return;
        }
        set({ captureBusy: true, captureMessage: null });
        const r = await engine.inspectCapture(file, name);
        set({ captureBusy: false });
        if (!r.ok) {
          set({ captureMessage: `${name}: ${r.message}` });
          return;
        }
        const st = get();
        const want = st.captureWanted;
        if (want && want.sha256 !== r.info.sha256) {
          set({ captureMessage: `${name} is not the capture this link replays: it asks for ${want.name} with SHA-256 ${want.sha256}; this file's is ${r.info.sha256}.` });
          return;
        }
        const capture: LoadedCapture = { file, info: r.info };
        set({ capture, captureWanted: null, captureMessage: null });
        // replay it: receive workload, the capture's packet order, long enough to play it through
        let scenario = applyKnob(applyKnob(st.scenario, 'traffic.workload', 'receive'), 'traffic.interleave', 'pcap');
        if (!want) {
          const ns = replayDurationNs(r.info, { scaled: scenario.traffic.pcap_timing === 'scaled', targetBitsPerNs: scenario.traffic.load * scenario.nic.link_gbps });
          scenario = applyKnob(scenario, 'sim.duration_ms', Math.min(600000, Math.ceil(ns / 1e5) / 10 + 1));
        }
        const ok = parseScenario(scenario);
        if (ok.ok) set({ ...validState(ok.value, st.baselineScenario, st.sweepDef, { name: r.info.name, sha256: r.info.sha256 }), presetName: null });
        else set({ ...validState(st.scenario), captureMessage: ok.errors.join('; ') });
      },

      setFramesPerSecond(fps) {
        if (Number.isFinite(fps) && fps >= 0) set({ framesPerSecond: fps });
      },

      async run() {
        const st = get();
        if (!st.valid) return;
        const whole = parseScenario(st.scenario);
        if (!whole.ok) return; // invalid values never reach the engine
        const scenario = whole.value;
        const pcapRun = scenario.traffic.workload === 'receive' && scenario.traffic.interleave === 'pcap';
        if (pcapRun && !st.capture) {
          const w = st.captureWanted;
          set({ status: 'error', runError: w ? `Choose the capture ${w.name} (SHA-256 ${w.sha256.slice(0, 12)}…) to run this link.` : 'Choose a capture file to replay first.' });
          return;
        }
        const runId = st.runId + 1;
        set({
          status: 'running',
          runId,
          runScenario: scenario,
          runLineRatePps: lineRatePps(scenario.nic.link_gbps, scenario.traffic.frame_bytes),
          progress: { frames: 0, totalFrames: FRAMES_PER_RUN, simulatedMs: 0, totalMs: scenario.sim.duration_ms },
          series: FRAME_SERIES,
          frames: emptyFrames(),
          summary: null,
          runError: null,
          runRestartable: false,
        });
        let result;
        try {
          result = await engine.run(scenario, (batch, progress) => get().receiveFrames(runId, batch, progress), {
            framesPerSecond: st.framesPerSecond,
            ...(pcapRun && st.capture ? { capture: { data: st.capture.file, name: st.capture.info.name } } : {}),
          });
        } catch (e) {
          result = { kind: 'error' as const, message: `The simulation failed: ${e instanceof Error ? e.message : String(e)}` };
        }
        if (get().runId !== runId) return;
        switch (result.kind) {
          case 'done':
            set({
              status: 'done',
              summary: result.summary,
              progress: {
                frames: FRAMES_PER_RUN,
                totalFrames: FRAMES_PER_RUN,
                simulatedMs: result.summary.simulated_ms,
                totalMs: scenario.sim.duration_ms,
              },
            });
            break;
          case 'error':
            set({ status: 'error', runError: result.message, runRestartable: 'restartable' in result && result.restartable === true });
            break;
          case 'cancelled':
            set({ status: 'idle' });
            break;
        }
      },

      pause() {
        if (get().status !== 'running') return;
        set({ status: 'paused' });
        void engine.pause().catch(() => undefined);
      },

      resume() {
        if (get().status !== 'paused') return;
        set({ status: 'running' });
        void engine.resume().catch(() => undefined);
      },

      reset() {
        const st = get();
        set({
          status: 'idle',
          runId: st.runId + 1,
          runScenario: null,
          runLineRatePps: null,
          progress: null,
          series: FRAME_SERIES,
          frames: emptyFrames(),
          summary: null,
          runError: null,
          runRestartable: false,
        });
        void engine.reset().catch(() => undefined);
      },

      receiveFrames(runId, batch, progress) {
        const st = get();
        if (st.runId !== runId || (st.status !== 'running' && st.status !== 'paused')) return;
        const { series, ...rest } = progress;
        set({ frames: appendFrames(st.frames, batch), progress: rest, ...(series ? { series } : {}) });
      },
    };
  });
}
