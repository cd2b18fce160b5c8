import { FRAMES_PER_RUN } from '../engine';
import type { RunStatus } from '../state/store';
import { useApp } from '../state/app';
import { formatTrim } from './format';

const STATUS_TEXT: Record<RunStatus, string> = {
  idle: 'Ready',
  running: 'Running',
  paused: 'Paused',
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
  const busy = status === 'running' || status === 'paused';
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

export function RunStatusBar() {
  const status = useApp((s) => s.status);
  const progress = useApp((s) => s.progress);
  const frames = useApp((s) => s.frames.count);
  const runError = useApp((s) => s.runError);
  const restartable = useApp((s) => s.runRestartable);
  const valid = useApp((s) => s.valid);
  const run = useApp((s) => s.run);
  return (
    <div className="status-bar">
      <div className="status-line">
        <span className={`status-pill status-${status}`} data-testid="status" data-status={status}>
          {STATUS_TEXT[status]}
        </span>
        <span className="progress-text" data-testid="progress">
          {progress
            ? `${formatTrim(progress.simulatedMs)} / ${formatTrim(progress.totalMs)} ms simulated`
            : 'No run yet — press Run'}
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
