import { useEffect, useRef, useState } from 'react';
import { FRAMES_PER_RUN } from '../engine';
import type { RunStatus } from '../state/store';
import { useApp, useShown } from '../state/app';
import { sameScenario } from '../state/compare';
import { knobDiffs } from './compareData';
import { allShown } from '../state/shown';
import { clockMs, durationForTarget, formatDuration, runPace, type LongRunEstimate } from '../state/longRun';
import { formatInt, formatSig, formatTrim, formatWallMs } from './format';

/** The pill: `finishing` is `done` while a chart still shows an earlier frame. */
type PillStatus = RunStatus | 'finishing';

const STATUS_TEXT: Record<PillStatus, string> = {
  idle: 'Ready',
  checking: 'Estimating',
  confirm: 'Long run',
  running: 'Running',
  paused: 'Paused',
  finishing: 'Drawing',
  done: 'Done',
  error: 'Failed',
};

const PACES: readonly { fps: number; label: string }[] = [
  { fps: 100, label: 'Live (100 frames/s)' },
  { fps: 25, label: 'Slow motion (25 frames/s)' },
  { fps: 0, label: 'As fast as possible' },
];

export function RunControls() {
  const status = useApp((s) => s.status);
  const valid = useApp((s) => s.valid);
  const hasResults = useApp((s) => s.frames.count > 0 || s.summary !== null || s.runError !== null);
  const fps = useApp((s) => s.framesPerSecond);
  const run = useApp((s) => s.run);
  const pause = useApp((s) => s.pause);
  const resume = useApp((s) => s.resume);
  const reset = useApp((s) => s.reset);
  const setFramesPerSecond = useApp((s) => s.setFramesPerSecond);
  const busy = status === 'running' || status === 'paused' || status === 'checking' || status === 'confirm';
  const paces = PACES.some((p) => p.fps === fps) ? PACES : [...PACES, { fps, label: `${fps} frames/s` }];

  return (
    <div className="run-controls">
      <div className="buttons">
        <button
          type="button"
          className="btn primary"
          data-testid="run"
          disabled={!valid}
          onClick={() => void run()}
          title={valid ? 'Run the simulation with these settings' : 'Fix the highlighted settings first'}
        >
          {busy ? 'Restart' : status === 'idle' ? 'Run' : 'Run again'}
        </button>
        {status === 'paused' ? (
          <button type="button" className="btn" data-testid="resume" onClick={resume}>
            Resume
          </button>
        ) : (
          <button type="button" className="btn" data-testid="pause" onClick={pause} disabled={status !== 'running'}>
            Pause
          </button>
        )}
        <button type="button" className="btn" data-testid="reset" onClick={reset} disabled={!busy && !hasResults}>
          Reset
        </button>
      </div>
      {!valid && (
        <p className="hint invalid-hint" data-testid="invalid-hint">
          Some settings are not valid; fix the highlighted fields to run.
        </p>
      )}
      <div className="pace">
        <label htmlFor="pace-select">Playback</label>
        <select id="pace-select" data-testid="pace" value={String(fps)} onChange={(e) => setFramesPerSecond(Number(e.target.value))}>
          {paces.map((p) => (
            <option key={p.fps} value={String(p.fps)}>
              {p.label}
            </option>
          ))}
        </select>
      </div>
    </div>
  );
}

/** Wall time of the current run (pauses excluded), refreshed every second while it runs. */
function useRunWallMs(): number | null {
  const clock = useApp((s) => s.clock);
  const running = useApp((s) => s.status === 'running');
  const [, tick] = useState(0);
  useEffect(() => {
    if (!running) return;
    const id = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(id);
  }, [running]);
  return clock ? clockMs(clock, performance.now()) : null;
}

const factorText = (rtf: number) => `${formatSig(rtf, 2)}× real time`;

/** The line under the pill: where the run is, how fast it goes, how long it still takes. */
function ProgressText() {
  const status = useApp((s) => s.status);
  const progress = useApp((s) => s.progress);
  const summary = useApp((s) => s.summary);
  const wallMs = useRunWallMs();
  if (status === 'checking') return <>Estimating how long this run takes (a short trial run of the same scenario)…</>;
  if (status === 'confirm') return <>Waiting for your answer below.</>;
  if (!progress) return <>No run yet: press Run, or pick a preset.</>;
  const sim = `${formatTrim(progress.simulatedMs)} / ${formatTrim(progress.totalMs)} ms simulated`;
  const pace = wallMs !== null ? runPace(progress.simulatedMs, progress.totalMs, wallMs) : null;
  const pct = pace ? ` (${Math.floor(pace.fraction * 100)} %)` : '';
  let extra = '';
  if (status === 'running' || status === 'paused') {
    if (!pace || pace.realTimeFactor === null) extra = `computing the first frame${wallMs !== null && wallMs >= 1000 ? ` · ${formatDuration(wallMs)} so far` : ''}…`;
    else extra = `about ${formatDuration(pace.etaMs!)} left · ${factorText(pace.realTimeFactor)}`;
  } else if (status === 'done' && wallMs !== null && pace?.realTimeFactor) {
    extra = `took ${formatDuration(wallMs)} · ${factorText(pace.realTimeFactor)}`;
    // The engine's own pace (summary.wall_ms: its compute time, without playback pacing).
    if (summary && summary.wall_ms > 0) extra += ` (engine alone ${factorText(summary.simulated_ms / summary.wall_ms)})`;
  }
  return (
    <>
      {sim}
      {pct}
      {extra && (
        <span className="run-pace" data-testid="run-pace" title="Real-time factor: simulated time ÷ wall time (pauses excluded; the playback pace counts)">
          {' · '}
          {extra}
        </span>
      )}
    </>
  );
}

/** A run estimated at over a minute asks first: run it, shorten it, or not run it. */
function LongRunQuestion({ est }: { est: LongRunEstimate }) {
  const answer = useApp((s) => s.answerLongRun);
  const first = useRef<HTMLButtonElement>(null);
  useEffect(() => first.current?.focus(), []);
  const shorter = durationForTarget(est);
  return (
    <div className="banner banner-question" role="alertdialog" aria-labelledby="long-run-title" aria-describedby="long-run-why" data-testid="long-run">
      <div className="banner-body">
        <strong className="banner-title" id="long-run-title">
          This run will take about {formatDuration(est.estimateMs)}.
        </strong>
        <p id="long-run-why">
          Estimated from a trial run of the same settings: {formatTrim(est.probeSimMs, 3)} ms simulated took {formatWallMs(est.probeWallMs)} of engine
          time, and this run simulates {formatInt(est.totalSimMs)} ms ({formatSig(est.totalSimMs / est.probeSimMs, 3)} times as long). A slow playback pace makes it
          longer still.
        </p>
        <div className="banner-actions">
          <button ref={first} type="button" className="btn" data-testid="long-run-shorten" onClick={() => answer('shorten')}>
            Shorten to {formatInt(shorter)} ms and run
          </button>
          <button type="button" className="btn" data-testid="long-run-run" onClick={() => answer('run')}>
            Run all {formatInt(est.totalSimMs)} ms
          </button>
          <button type="button" className="btn ghost" data-testid="long-run-cancel" onClick={() => answer('cancel')}>
            Don&apos;t run
          </button>
        </div>
      </div>
    </div>
  );
}

/** The figures on the page are for other settings than the form's: say so at the top. */
function OutOfDate() {
  const runScenario = useApp((s) => s.runScenario);
  const form = useApp((s) => s.scenario);
  const valid = useApp((s) => s.valid);
  const shows = useApp((s) => s.status !== 'idle' && s.status !== 'checking' && s.status !== 'confirm');
  const run = useApp((s) => s.run);
  const loadScenario = useApp((s) => s.loadScenario);
  if (!runScenario || !shows || sameScenario(runScenario, form)) return null;
  const diffs = knobDiffs(runScenario, form);
  const shown = diffs.slice(0, 3).map((d) => `${d.label} ${d.a} → ${d.b}`);
  return (
    <div className="banner banner-note" role="status" data-testid="out-of-date">
      <div className="banner-body">
        <strong className="banner-title">Out of date: the settings have changed since this run.</strong>
        <p>
          The figures below are for the settings it ran with. Changed: {shown.join('; ')}
          {diffs.length > shown.length ? `; and ${diffs.length - shown.length} more` : ''}.
        </p>
        <div className="banner-actions">
          <button type="button" className="btn btn-small" data-testid="out-of-date-run" disabled={!valid} onClick={() => void run()}>
            Run the new settings
          </button>
          <button type="button" className="btn btn-small" data-testid="out-of-date-restore" onClick={() => loadScenario(runScenario)}>
            Put the run&apos;s settings back
          </button>
        </div>
      </div>
    </div>
  );
}

export function RunStatusBar() {
  const status = useApp((s) => s.status);
  const progress = useApp((s) => s.progress);
  const frames = useApp((s) => s.frames.count);
  const runError = useApp((s) => s.runError);
  const longRun = useApp((s) => s.longRun);
  // Done only once every chart and the diagram hold the final frame.
  const finalFrames = useApp((s) => s.frames);
  const finalSummary = useApp((s) => s.summary);
  const settled = useShown((v) => allShown(v.views, finalFrames, finalSummary));
  const pill: PillStatus = status === 'done' && !settled ? 'finishing' : status;
  const restartable = useApp((s) => s.runRestartable);
  const valid = useApp((s) => s.valid);
  const run = useApp((s) => s.run);
  return (
    <div className="status-bar">
      <div className="status-line">
        <span className={`status-pill status-${pill === 'finishing' ? 'running' : pill === 'checking' || pill === 'confirm' ? 'paused' : pill}`} data-testid="status" data-status={pill} role="status">
          {STATUS_TEXT[pill]}
        </span>
        <span className="progress-text" data-testid="progress">
          <ProgressText />
        </span>
        <span className="frames-count" data-testid="frames-count" data-count={frames}>
          {frames} / {FRAMES_PER_RUN} frames
        </span>
      </div>
      <progress
        className="progress"
        max={progress?.totalMs || 1}
        value={progress?.simulatedMs ?? 0}
        aria-label="Simulated time reached"
      />
      {status === 'confirm' && longRun && <LongRunQuestion est={longRun} />}
      <OutOfDate />
      {runError && (
        <div className="banner banner-error" role="alert" data-testid="run-error">
          <div className="banner-body">
            <strong className="banner-title">The simulation stopped with an error.</strong>
            <p>{runError}</p>
          </div>
          {restartable && (
            <button type="button" className="btn" data-testid="restart-run" disabled={!valid} onClick={() => void run()}>
              Restart
            </button>
          )}
        </div>
      )}
    </div>
  );
}
