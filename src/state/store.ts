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
  checkKnobText,
  crossIssues,
  decodeLink,
  defaultScenario,
  encodeLink,
  findPreset,
  getPath,
  lineRatePps,
  parseScenario,
  checkSweep,
  presetScenario,
  replayDurationNs,
  type CaptureInfo,
  type CaptureRef,
  type CrossIssue,
  type FrameBatch,
  type Scenario,
  type SeriesInfo,
  type Summary,
  type SweepDef,
} from '../engine';
import type { EngineClient, RunProgress, RunResult } from '../../workers/client';
import { LONG_RUN_MS, durationForTarget, estimateFromProbe, probeScenario, resumeClock, startClock, stopClock, type LongRunEstimate, type RunClock } from './longRun';
import { DEFAULT_FRAMES_PER_SECOND } from '../../workers/protocol';
import { appendFrames, emptyFrames, type FrameColumns } from './frames';

export { appendFrames, emptyFrames, type FrameColumns } from './frames';

/**
 * `checking`: a big scenario's trial run is timing it (longRun.ts); `confirm`: it would take over
 * a minute, and the page asks before it starts (`longRun` holds the estimate).
 */
export type RunStatus = 'idle' | 'checking' | 'confirm' | 'running' | 'paused' | 'done' | 'error';

export interface KnobField {
  /** What is in the input box, exactly as typed. */
  text: string;
  /** Inline validation messages; empty when the value is valid. */
  errors: string[];
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

/** pcapProblem's message as a cross-knob issue at traffic.interleave, worded with its label. */
function pcapIssue(message: string): CrossIssue {
  const label = KNOBS.find((k) => k.path === 'traffic.interleave')?.label ?? 'traffic.interleave';
  return { paths: ['traffic.interleave'], message, text: `${label} = pcap replays a capture: choose the capture file under “Replay a capture”` };
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
  /**
   * `#v5.…` fragment of the last valid scenario (with the pinned baseline and the sweep); the URL
   * shows this. Derived lazily: while the form is typed in it follows the last keystroke after
   * `hashDelayMs` (encoding and checking the sweep is not free); `currentShareHash()` is exact.
   */
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
  /** While `status` is `confirm`: how long the run was estimated to take, and from what. */
  longRun: LongRunEstimate | null;
  /** The current run's wall clock (running time only: pauses stop it); null before a run starts streaming. */
  clock: RunClock | null;

  /** The share link's fragment for the page as it is now (flushes a pending update of `shareHash`). */
  currentShareHash(): string;
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

  /**
   * Run the form's scenario. A big one is timed by a short trial run first and, if it would take
   * more than a minute, waits in `confirm` for `answerLongRun` (`skipCheck` goes straight on).
   */
  run(opts?: { skipCheck?: boolean }): Promise<void>;
  /** The answer to the long-run question: run it as it is, shorten it to about a minute, or not run. */
  answerLongRun(answer: 'run' | 'shorten' | 'cancel'): void;
  pause(): void;
  resume(): void;
  reset(): void;
  /** Frame sink for the engine; public for tests. */
  receiveFrames(runId: number, batch: FrameBatch, progress: RunProgress): void;
}

export type AppStore = StoreApi<AppState>;

function fieldsFor(s: Scenario): Record<string, KnobField> {
  const fields: Record<string, KnobField> = {};
  for (const k of KNOBS) fields[k.path] = { text: String(getPath(s, k.path)), errors: [] };
  return fields;
}

/**
 * Whole-scenario errors as the form shows them: each cross-knob issue once, worded with the knobs'
 * labels (engine/knobWords.ts), at the first knob it names; one that names none, and any other
 * error of the scenario, goes under the form.
 */
export function splitCrossIssues(issues: readonly CrossIssue[], other: readonly string[] = []): { crossErrors: Record<string, string[]>; formErrors: string[] } {
  const crossErrors: Record<string, string[]> = {};
  const formErrors: string[] = [];
  const seen = new Set<string>();
  for (const issue of issues) {
    if (seen.has(issue.message)) continue;
    seen.add(issue.message);
    const path = issue.paths[0];
    if (path) (crossErrors[path] ??= []).push(issue.text);
    else formErrors.push(issue.text);
  }
  for (const e of other) if (!seen.has(e)) formErrors.push(e);
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
  /**
   * How long after the last keystroke (or sweep edit) `shareHash` follows, ms. 0 (the default):
   * at once, in the same action. The page uses a short delay so typing never waits for it.
   */
  hashDelayMs?: number;
  /** The clock for run times (tests); performance.now by default. */
  now?: () => number;
}

export function createAppStore(engine: EngineClient, opts: StoreOptions = {}): AppStore {
  const initial = defaultScenario();
  const hashDelayMs = Math.max(0, opts.hashDelayMs ?? 0);
  const now = opts.now ?? (() => performance.now());
  return createStore<AppState>()((set, get) => {
    /** The last scenario that was valid as a whole: the one the link carries. */
    let linkScenario = initial;
    /** The last link computed, for the scenario, baseline and sweep objects it was computed from. */
    let memo: { scenario: Scenario; baseline: Scenario | null; sweep: SweepDef | null; ref: string; hash: string } | null = null;
    let hashTimer: ReturnType<typeof setTimeout> | null = null;

    /** The link for the last valid scenario plus whatever baseline and sweep the page holds. */
    // A link whose sweep does not plan against its scenario is refused whole (link.ts), so while a
    // settings change makes the sweep impossible (say, more queues than the new host has cores)
    // the link leaves the sweep out; it comes back as soon as the sweep plans again. checkSweep
    // says what planSweep would without building the runs (a 2000-run sweep in a few ms).
    const refOf = (st: Pick<AppState, 'capture' | 'captureWanted'> = get()): CaptureRef | null =>
      st.capture ? { name: st.capture.info.name, sha256: st.capture.info.sha256 } : st.captureWanted;
    const computeHash = (): string => {
      const { baselineScenario: baseline, sweepDef: sweep } = get();
      const ref = refOf();
      const refKey = ref ? `${ref.name}\n${ref.sha256}` : '';
      if (memo && memo.scenario === linkScenario && memo.baseline === baseline && memo.sweep === sweep && memo.ref === refKey) return memo.hash;
      const scenario = linkScenario;
      // A replay names its capture (by SHA-256); no other scenario carries one.
      const capture = scenario.traffic.workload === 'receive' && scenario.traffic.interleave === 'pcap' && ref ? ref : null;
      const hash = encodeLink({ scenario, ...(baseline ? { baseline } : {}), ...(sweep && checkSweep(scenario, sweep).ok ? { sweep } : {}), ...(capture ? { capture } : {}) });
      memo = { scenario, baseline, sweep, ref: refKey, hash };
      return hash;
    };
    const refreshHash = () => {
      if (hashTimer !== null) clearTimeout(hashTimer);
      hashTimer = null;
      const hash = computeHash();
      if (hash !== get().shareHash) set({ shareHash: hash });
    };
    /** The link's inputs changed: follow now, or (typing) after hashDelayMs of quiet. */
    const linkChanged = (debounce = false) => {
      if (!debounce || hashDelayMs === 0) {
        refreshHash();
        return;
      }
      if (hashTimer !== null) clearTimeout(hashTimer);
      hashTimer = setTimeout(refreshHash, hashDelayMs);
    };
    /**
     * Everything derived from a scenario valid as a whole. A replay (traffic.interleave = pcap) also
     * needs a capture to name (`ref`): without one it is not valid and the link keeps the last one.
     */
    const validState = (scenario: Scenario, ref: CaptureRef | null = refOf()) => {
      const pcapError = pcapProblem(scenario, ref);
      if (!pcapError) linkScenario = scenario;
      return { scenario, fields: fieldsFor(scenario), ...splitCrossIssues(pcapError ? [pcapIssue(pcapError)] : []), valid: !pcapError };
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
      longRun: null,
      clock: null,

      setKnobText(path, text) {
        const st = get();
        if (!(path in st.fields)) return;
        // One message per problem, naming the knob by its label (engine/knobWords.ts).
        const r = checkKnobText(path, text);
        let fields = { ...st.fields, [path]: { text, errors: r.ok ? [] : [r.message] } };
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
        const issues = whole && !whole.ok ? crossIssues(scenario) : pcapError ? [pcapIssue(pcapError)] : [];
        const split = splitCrossIssues(issues, whole && !whole.ok ? whole.errors : []);
        const valid = allFieldsOk && whole !== null && whole.ok && !pcapError;
        if (valid) linkScenario = scenario;
        set({
          fields,
          scenario,
          ...split,
          valid,
          presetName: st.presetName && stillPreset(st.presetName, scenario) ? st.presetName : null,
        });
        if (valid) linkChanged(true);
      },

      loadScenario(s) {
        const r = parseScenario(s);
        if (!r.ok) {
          set({ linkError: { message: 'These settings could not be loaded.', details: r.errors } });
          return;
        }
        set({ ...validState(r.value), presetName: null });
        linkChanged();
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
        linkChanged();
      },

      currentShareHash() {
        if (hashTimer !== null) refreshHash();
        return get().shareHash;
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
        linkChanged();
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
          set({ ...capture, ...validState(r.state.scenario, refOf(capture)), baselineScenario: baseline, sweepDef: sweep, presetName: null, linkError: null });
          linkChanged();
          return true;
        }
        set({
          ...validState(defaultScenario()),
          baselineScenario: null,
          sweepDef: null,
          presetName: null,
          linkError: { message: r.message, details: r.details },
        });
        linkChanged();
        return true;
      },

      setBaselineScenario(b) {
        set({ baselineScenario: b });
        linkChanged();
      },

      setSweepDef(def) {
        set({ sweepDef: def });
        // The sweep editor calls this as its fields are typed in.
        linkChanged(true);
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
        if (ok.ok) set({ ...validState(ok.value, { name: r.info.name, sha256: r.info.sha256 }), presetName: null });
        else set({ ...validState(st.scenario), captureMessage: ok.errors.join('; ') });
        linkChanged();
      },

      setFramesPerSecond(fps) {
        if (Number.isFinite(fps) && fps >= 0) set({ framesPerSecond: fps });
      },

      async run(runOpts = {}) {
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
        const probe = runOpts.skipCheck ? null : probeScenario(scenario);
        // The previous run's figures go at once, whatever happens next.
        set({
          status: probe ? 'checking' : 'running',
          runId,
          runScenario: scenario,
          runLineRatePps: lineRatePps(scenario.nic.link_gbps, scenario.traffic.frame_bytes),
          progress: { frames: 0, totalFrames: FRAMES_PER_RUN, simulatedMs: 0, totalMs: scenario.sim.duration_ms },
          series: FRAME_SERIES,
          frames: emptyFrames(),
          summary: null,
          runError: null,
          runRestartable: false,
          longRun: null,
          clock: probe ? null : startClock(now()),
        });
        if (probe) {
          // The trial run: the same scenario for a short simulated time, at full speed.
          let trial: RunResult | null = null;
          try {
            trial = await engine.run(probe, () => {}, { framesPerSecond: 0 });
          } catch {
            trial = null;
          }
          if (get().runId !== runId) return;
          if (trial?.kind === 'done') {
            const est = estimateFromProbe(scenario.sim.duration_ms, trial.summary.simulated_ms, trial.summary.wall_ms);
            if (est.estimateMs > LONG_RUN_MS) {
              set({ status: 'confirm', longRun: est });
              return;
            }
          }
          // A trial that failed says nothing about time: the run itself reports what is wrong.
          set({ status: 'running', clock: startClock(now()) });
        }
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
        const clock = get().clock;
        const stopped = clock ? stopClock(clock, now()) : null;
        switch (result.kind) {
          case 'done':
            set({
              status: 'done',
              summary: result.summary,
              clock: stopped,
              progress: {
                frames: FRAMES_PER_RUN,
                totalFrames: FRAMES_PER_RUN,
                simulatedMs: result.summary.simulated_ms,
                totalMs: scenario.sim.duration_ms,
              },
            });
            break;
          case 'error':
            set({ status: 'error', runError: result.message, runRestartable: 'restartable' in result && result.restartable === true, clock: stopped });
            break;
          case 'cancelled':
            set({ status: 'idle', clock: stopped });
            break;
        }
      },

      answerLongRun(answer) {
        const st = get();
        if (st.status !== 'confirm' || !st.longRun) return;
        if (answer === 'cancel') {
          set({ status: 'idle', longRun: null, runScenario: null, progress: null });
          return;
        }
        if (answer === 'shorten') {
          // Said on the button ("Shorten to N ms and run"): the form shows the new duration.
          get().setKnobText('sim.duration_ms', String(durationForTarget(st.longRun)));
          get().currentShareHash();
        }
        void get().run({ skipCheck: true });
      },

      pause() {
        const st = get();
        if (st.status !== 'running') return;
        set({ status: 'paused', clock: st.clock ? stopClock(st.clock, now()) : null });
        void engine.pause().catch(() => undefined);
      },

      resume() {
        const st = get();
        if (st.status !== 'paused') return;
        set({ status: 'running', clock: st.clock ? resumeClock(st.clock, now()) : null });
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
          longRun: null,
          clock: null,
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
