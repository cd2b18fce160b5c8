import { useDeferredValue, useMemo, useRef, type RefObject } from 'react';
import { BUILTIN_SWEEPS, KNOB_BY_PATH, MAX_SWEEP_SERIES, PRESETS, SWEEP_OUTPUTS, findPreset, getPath, type Knob } from '../engine';
import { useApp } from '../state/app';
import type { SweepStatus } from '../state/sweep';
import { checkDraft, editDraft, loadBuiltinSweep, openedWithSweep, runSweep, useSweep } from '../state/sweepApp';
import { SWEEPABLE_KNOBS, isNumericKnob, rangeFor, sameDef, type SweepDraft } from '../state/sweepDraft';
import { SweepChart } from './SweepChart';
import { displayUnit, knobUnit, valueText } from './sweepData';
import { formatLimit, formatWallMs } from './format';
import './sweep.css';

const STATUS_TEXT: Record<SweepStatus, string> = {
  idle: 'Ready',
  running: 'Running',
  done: 'Done',
  cancelled: 'Cancelled',
  error: 'Failed',
};

/** Knobs by group, in the order the form shows them. */
const KNOB_GROUPS: { group: string; knobs: Knob[] }[] = (() => {
  const out = new Map<string, Knob[]>();
  for (const k of SWEEPABLE_KNOBS) out.set(k.group, [...(out.get(k.group) ?? []), k]);
  return [...out].map(([group, knobs]) => ({ group, knobs }));
})();

/** Tooltip text of a knob, as the form has it: what it models and its FreeBSD name. */
function knobTip(k: Knob): string {
  return k.freebsd ? `${k.help}\nFreeBSD: ${k.freebsd}` : k.help;
}

function knobHint(k: Knob): string {
  const parts = [k.path];
  const unit = knobUnit(k);
  if (unit) parts.push(unit);
  if (k.kind === 'int') parts.push(`${formatLimit(k.min)}–${formatLimit(k.max)}${k.pow2 ? ', power of two' : ''}`);
  else if (k.kind === 'number') parts.push(`${formatLimit(k.min)}–${formatLimit(k.max)}`);
  else if (k.kind === 'choice') parts.push(`${k.options.length} options`);
  if (k.freebsd) parts.push(`FreeBSD: ${k.freebsd}`);
  return parts.join(' · ');
}

/** What a series row's knobs are, for its tooltip (labels and FreeBSD names). */
function seriesTip(set: string): string {
  const lines = set
    .split(/[,;\n]/)
    .map((p) => p.split('=')[0]!.trim())
    .filter((p) => KNOB_BY_PATH.has(p))
    .map((p) => {
      const k = KNOB_BY_PATH.get(p)!;
      return `${p}: ${k.label}${k.freebsd ? ` (FreeBSD: ${k.freebsd})` : ''}`;
    });
  return ['Knobs this series sets on top of the base scenario: knob=value, separated by commas.', ...lines].join('\n');
}

function BuiltinSweeps({ onLoaded }: { onLoaded: () => void }) {
  const current = useApp((s) => s.sweepDef);
  return (
    <section className="sweep-section" aria-labelledby="sweep-builtin-h">
      <h2 id="sweep-builtin-h">Built-in sweeps</h2>
      <ul className="cards sweep-cards">
        {BUILTIN_SWEEPS.map((b) => {
          const preset = b.preset ? findPreset(b.preset) : undefined;
          const isCurrent = sameDef(current, b.def);
          return (
            <li key={b.name}>
              <button
                type="button"
                className={`card${isCurrent ? ' current' : ''}`}
                data-testid={`sweep-builtin-${b.name}`}
                aria-describedby={`sweep-builtin-desc-${b.name}`}
                aria-current={isCurrent ? 'true' : undefined}
                title={b.blurb}
                onClick={() => {
                  loadBuiltinSweep(b);
                  onLoaded();
                }}
              >
                <span className="card-title">{b.title}</span>
                <span className="card-desc" id={`sweep-builtin-desc-${b.name}`}>
                  {b.blurb}
                </span>
                <span className="card-foot">
                  <span className="chip chip-measured">{b.def.spec}</span>
                  <span className="chip">{preset ? `preset: ${preset.name}` : 'defaults'}</span>
                  <span className="card-run" aria-hidden="true">
                    Load ▸
                  </span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

/** What loading a built-in sweep changed in the form, with Undo. */
function LoadedNote() {
  const loaded = useSweep((s) => s.loaded);
  const setLoaded = useSweep((s) => s.setLoaded);
  if (!loaded) return null;
  const n = loaded.changes.length;
  return (
    <div className="banner banner-note" role="status" data-testid="sweep-loaded">
      <div className="banner-body">
        <strong className="banner-title">
          Loaded “{loaded.title}”{loaded.preset ? ` with its preset ${loaded.preset}` : ' on the default settings'}:{' '}
          {n === 0 ? 'the settings in the left column did not change.' : `it changed ${n} setting${n === 1 ? '' : 's'} in the left column.`}
        </strong>
        {n > 0 && (
          <ul className="sweep-loaded-changes" data-testid="sweep-loaded-changes">
            {loaded.changes.map((c) => (
              <li key={c.path}>
                {c.label}: {c.from} → {c.to}
              </li>
            ))}
          </ul>
        )}
        <div className="banner-actions">
          <button type="button" className="btn btn-small" data-testid="sweep-loaded-undo" onClick={loaded.undo}>
            Undo: put the settings and the sweep back
          </button>
          <button type="button" className="btn btn-small ghost" data-testid="sweep-loaded-dismiss" onClick={() => setLoaded(null)}>
            Keep
          </button>
        </div>
      </div>
    </div>
  );
}

function SeriesEditor({ draft }: { draft: SweepDraft }) {
  const set = (series: SweepDraft['series']) => editDraft({ ...draft, series });
  return (
    <fieldset className="sweep-series" data-testid="sweep-series">
      <legend>Series</legend>
      {draft.series.length === 0 && <p className="hint">None: one line, the base scenario itself.</p>}
      {draft.series.map((s, i) => (
        <div className="sweep-series-row" key={i} data-testid={`sweep-series-${i}`}>
          <input
            type="text"
            className="sweep-series-label"
            aria-label={`Series ${i + 1} label`}
            data-testid={`sweep-series-label-${i}`}
            value={s.label}
            placeholder="label"
            onChange={(e) => set(draft.series.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)))}
          />
          <input
            type="text"
            className="sweep-series-set"
            aria-label={`Series ${i + 1} knobs (knob=value, …)`}
            data-testid={`sweep-series-set-${i}`}
            value={s.set}
            spellCheck={false}
            autoComplete="off"
            placeholder="lro.mode=sorted, lro.batch=1024"
            title={seriesTip(s.set)}
            onChange={(e) => set(draft.series.map((x, j) => (j === i ? { ...x, set: e.target.value } : x)))}
          />
          <button
            type="button"
            className="btn btn-small"
            aria-label={`Remove series ${i + 1}`}
            title="Remove this series"
            onClick={() => set(draft.series.filter((_, j) => j !== i))}
          >
            Remove
          </button>
        </div>
      ))}
      <button
        type="button"
        className="btn btn-small"
        data-testid="sweep-series-add"
        disabled={draft.series.length >= MAX_SWEEP_SERIES}
        onClick={() => set([...draft.series, { label: `series ${draft.series.length + 1}`, set: '' }])}
        title={`Compare up to ${MAX_SWEEP_SERIES} variants of the base scenario, one line each`}
      >
        Add series
      </button>
    </fieldset>
  );
}

function RangeEditor({ draft }: { draft: SweepDraft }) {
  const scenario = useApp((s) => s.scenario);
  const knob = KNOB_BY_PATH.get(draft.path);
  const numeric = isNumericKnob(knob);
  const pow2 = knob?.kind === 'int' && knob.pow2 === true;
  const edit = (patch: Partial<SweepDraft>) => editDraft({ ...draft, ...patch });
  const tip = knob ? knobTip(knob) : undefined;

  const endInput = (which: 'from' | 'to', label: string) => {
    const id = `sweep-${which}`;
    return (
      <div className="sweep-field">
        <label htmlFor={id}>{label}</label>
        {knob?.kind === 'choice' ? (
          <select id={id} data-testid={id} value={draft[which]} title={tip} onChange={(e) => edit({ [which]: e.target.value })}>
            {knob.options.map((o) => (
              <option key={String(o)} value={String(o)}>
                {knob.optionLabels?.[String(o)] ?? String(o)}
              </option>
            ))}
          </select>
        ) : (
          <input
            id={id}
            type="text"
            inputMode="decimal"
            autoComplete="off"
            spellCheck={false}
            data-testid={id}
            value={draft[which]}
            title={tip}
            onChange={(e) => edit({ [which]: e.target.value })}
          />
        )}
      </div>
    );
  };

  return (
    <div className="sweep-range">
      <div className="sweep-field sweep-knob">
        <label htmlFor="sweep-knob" title={tip}>
          Knob to sweep
          <span className="help-dot" aria-hidden="true">
            ?
          </span>
        </label>
        <select
          id="sweep-knob"
          data-testid="sweep-knob"
          value={draft.path}
          title={tip}
          aria-describedby="sweep-knob-hint"
          onChange={(e) => {
            const k = KNOB_BY_PATH.get(e.target.value);
            if (k) edit(rangeFor(k, getPath(scenario, k.path)));
          }}
        >
          {!knob && <option value={draft.path}>{draft.path}</option>}
          {KNOB_GROUPS.map(({ group, knobs }) => (
            <optgroup key={group} label={group}>
              {knobs.map((k) => (
                <option key={k.path} value={k.path} title={knobTip(k)}>
                  {k.label} — {k.path}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        <div className="hint" id="sweep-knob-hint" data-testid="sweep-knob-hint">
          {knob ? knobHint(knob) : 'not a knob'}
          {knob && <> · now {valueText(knob.path, getPath(scenario, knob.path) as string | number)}</>}
        </div>
      </div>
      {endInput('from', 'From')}
      {endInput('to', 'To')}
      <div className="sweep-field">
        <label htmlFor="sweep-points">Points</label>
        <input
          id="sweep-points"
          type="text"
          inputMode="numeric"
          autoComplete="off"
          data-testid="sweep-points"
          value={numeric ? draft.points : ''}
          placeholder={pow2 ? 'every 2ⁿ' : '5'}
          disabled={!numeric}
          title={numeric ? (pow2 ? 'Empty: every power of two from → to' : 'Empty: 5 points') : 'A choice knob runs every option from → to'}
          onChange={(e) => edit({ points: e.target.value })}
        />
      </div>
      <div className="sweep-field">
        <label htmlFor="sweep-scale">Spacing</label>
        <select
          id="sweep-scale"
          data-testid="sweep-scale"
          value={numeric ? draft.scale : 'lin'}
          disabled={!numeric}
          onChange={(e) => edit({ scale: e.target.value === 'log' ? 'log' : 'lin' })}
        >
          <option value="lin">linear</option>
          <option value="log">logarithmic</option>
        </select>
      </div>
    </div>
  );
}

function OutputPicker({ draft }: { draft: SweepDraft }) {
  return (
    <div className="sweep-field sweep-output">
      <label htmlFor="sweep-y">Plot (y axis)</label>
      <select id="sweep-y" data-testid="sweep-y" value={draft.y} onChange={(e) => editDraft({ ...draft, y: e.target.value })}>
        {SWEEP_OUTPUTS.map((o) => (
          <option key={o.key} value={o.key}>
            {o.label} ({displayUnit(o).unit})
          </option>
        ))}
      </select>
      <div className="hint">Changing it re-plots the finished points; the CSV has every output.</div>
    </div>
  );
}

function RunBar({ runs, blocked, runRef }: { runs: number; blocked: boolean; runRef: RefObject<HTMLButtonElement | null> }) {
  const status = useSweep((s) => s.status);
  const progress = useSweep((s) => s.progress);
  const poolSize = useSweep((s) => s.poolSize);
  const elapsedMs = useSweep((s) => s.elapsedMs);
  const errors = useSweep((s) => s.errors);
  const cancel = useSweep((s) => s.cancel);
  const running = status === 'running';
  const { done, total, failed } = progress;
  let text: string;
  if (total === 0) text = `Runs points in parallel on up to ${poolSize} worker${poolSize === 1 ? '' : 's'}.`;
  else if (running) text = `${done} / ${total} points · ${progress.running} of ${poolSize} worker${poolSize === 1 ? '' : 's'} busy`;
  else text = `${done} / ${total} points${elapsedMs !== null ? ` in ${formatWallMs(elapsedMs)}` : ''} on up to ${poolSize} worker${poolSize === 1 ? '' : 's'}`;
  return (
    <div className="sweep-run">
      <div className="buttons">
        <button
          ref={runRef}
          type="button"
          className="btn primary"
          data-testid="sweep-run"
          disabled={blocked || running}
          onClick={() => void runSweep()}
          title={blocked ? 'Fix the sweep (or the settings) first' : 'Run every point of the sweep on the current settings'}
        >
          Run sweep{runs > 0 ? ` (${runs} run${runs === 1 ? '' : 's'})` : ''}
        </button>
        <button type="button" className="btn" data-testid="sweep-cancel" disabled={!running} onClick={cancel}>
          Cancel
        </button>
      </div>
      <div className="status-line" aria-live="polite">
        <span className={`status-pill status-${status === 'cancelled' ? 'paused' : status}`} data-testid="sweep-status" data-status={status}>
          {STATUS_TEXT[status]}
        </span>
        <span className="progress-text" data-testid="sweep-progress" data-done={done} data-total={total} data-failed={failed}>
          {text}
          {failed > 0 && <span className="sweep-failed"> · {failed} failed</span>}
        </span>
      </div>
      <progress className="progress" max={total || 1} value={done} aria-label="Sweep points finished" />
      {status === 'error' && errors.length > 0 && (
        <div className="banner banner-error" role="alert" data-testid="sweep-error">
          <div className="banner-body">
            <strong className="banner-title">The sweep did not run.</strong>
            {errors.map((e, i) => (
              <p key={i}>{e}</p>
            ))}
          </div>
        </div>
      )}
    </div>
  );
}

function Failures() {
  const run = useSweep((s) => s.run);
  const points = useSweep((s) => s.points);
  const failed = points.filter((p) => p !== null && p.error !== null);
  if (!run || failed.length === 0) return null;
  return (
    <details className="sweep-failures" data-testid="sweep-failures">
      <summary>
        {failed.length} run{failed.length === 1 ? '' : 's'} failed
      </summary>
      <ul>
        {failed.map((p) => (
          <li key={`${p!.series}-${p!.point}`}>
            <code>
              {run.path}={String(p!.value)}
            </code>
            {run.labels[p!.series] ? ` (${run.labels[p!.series]})` : ''}: {p!.error}
          </li>
        ))}
      </ul>
    </details>
  );
}

/** The Sweep tab: built-in sweeps, the definition editor, the run bar and the result. */
export function SweepPanel() {
  const draft = useSweep((s) => s.draft);
  const run = useSweep((s) => s.run);
  const scenario = useApp((s) => s.scenario);
  const valid = useApp((s) => s.valid);
  const presetName = useApp((s) => s.presetName);
  const runRef = useRef<HTMLButtonElement | null>(null);
  const sweepStatus = useSweep((s) => s.status);
  // Typing in the form re-checks the sweep against the new settings after the keystroke has
  // been drawn (a deferred render), not inside it.
  const checkedScenario = useDeferredValue(scenario);
  const check = useMemo(() => checkDraft(draft, checkedScenario), [draft, checkedScenario]);
  const preset = presetName ? PRESETS.find((p) => p.name === presetName) : undefined;
  const stale = useMemo(() => {
    if (!run) return false;
    const strip = (d: typeof run.def) => ({ ...d, y: '' });
    return JSON.stringify(run.base) !== JSON.stringify(scenario) || !sameDef(strip(run.def), strip(check.def));
  }, [run, scenario, check.def]);
  const blocked = !valid || check.errors.length > 0;

  return (
    <div className="sweep" data-testid="sweep-panel">
      <p className="muted sweep-intro">
        A sweep runs the <strong>current settings</strong> (the column on the left{preset ? `: preset ${preset.title}` : ', custom'}) once per point,
        changing one knob, and plots one output against it. Each point is an ordinary run of {scenario.sim.duration_ms} ms simulated; the
        points run in parallel and give the same numbers however many workers run them.
      </p>
      <BuiltinSweeps onLoaded={() => runRef.current?.focus()} />
      <LoadedNote />
      <section className="sweep-section" aria-labelledby="sweep-def-h">
        <h2 id="sweep-def-h">Sweep definition</h2>
        <RangeEditor draft={draft} />
        <SeriesEditor draft={draft} />
        <OutputPicker draft={draft} />
        <p className="hint sweep-spec">
          As text: <code data-testid="sweep-spec">{check.def.spec}</code> (the same as <code>npm run sim -- --sweep</code>; the share link
          carries the whole sweep)
        </p>
        {!valid && (
          <p className="field-error" data-testid="sweep-invalid-settings">
            Some settings in the left column are not valid; the sweep runs on them, so fix those first.
          </p>
        )}
        {check.errors.length > 0 && (
          <ul className="field-error sweep-errors" data-testid="sweep-errors" aria-live="polite">
            {check.errors.map((e, i) => (
              <li key={i}>{e}</li>
            ))}
          </ul>
        )}
      </section>
      {openedWithSweep && !run && sweepStatus === 'idle' && (
        <div className="banner banner-question" role="status" data-testid="sweep-from-link">
          <div className="banner-body">
            <strong className="banner-title">This page was opened from a shared link with this sweep.</strong>
            <p>
              Run it to reproduce its points: {check.runs} run{check.runs === 1 ? '' : 's'} of {scenario.sim.duration_ms} ms simulated each (runs are
              deterministic, so the points come out as they did for the sender).
            </p>
            <div className="banner-actions">
              <button type="button" className="btn primary" data-testid="sweep-reproduce" disabled={blocked} onClick={() => void runSweep()}>
                Reproduce: run the sweep
              </button>
            </div>
          </div>
        </div>
      )}
      <RunBar runs={check.runs} blocked={blocked} runRef={runRef} />
      {stale && (
        <p className="note" data-testid="sweep-stale">
          The settings or the sweep changed since these results were computed: Run sweep to update them.
        </p>
      )}
      <SweepChart />
      <Failures />
    </div>
  );
}
