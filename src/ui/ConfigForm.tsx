import { useState } from 'react';
import { KNOBS, PRESETS, knobIgnoredWhy, type Knob } from '../engine';
import { useApp } from '../state/app';
import { formatLimit } from './format';

/** Groups in reading order; any group not listed here follows, in KNOBS order. */
const GROUP_ORDER: readonly string[] = ['Traffic', 'Host', 'NIC & queues', 'iflib', 'NUMA', 'Simulation'];

function groups(): { group: string; knobs: Knob[] }[] {
  const names = [...GROUP_ORDER, ...KNOBS.map((k) => k.group).filter((g) => !GROUP_ORDER.includes(g))];
  return [...new Set(names)]
    .map((group) => ({ group, knobs: KNOBS.filter((k) => k.group === group) }))
    .filter((g) => g.knobs.length > 0);
}

const GROUPS = groups();

function inputId(path: string): string {
  return `knob-${path.replace(/\./g, '-')}`;
}

function tooltip(k: Knob): string {
  return k.freebsd ? `${k.help}\nFreeBSD: ${k.freebsd}` : k.help;
}

/** The line under a field: unit and allowed range. */
function hintText(k: Knob): string | null {
  const unit = 'unit' in k && k.unit ? k.unit : '';
  let range = '';
  if (k.kind === 'int') range = `${formatLimit(k.min)}–${formatLimit(k.max)}${k.pow2 ? ', power of two' : ''}${k.zeroMeans ? ` (0 = ${k.zeroMeans})` : ''}`;
  else if (k.kind === 'number') range = `${formatLimit(k.min)}–${formatLimit(k.max)}`;
  const text = [unit, range].filter(Boolean).join(' · ');
  return text || null;
}

function KnobInput({ knob }: { knob: Knob }) {
  const field = useApp((s) => s.fields[knob.path]);
  const cross = useApp((s) => s.crossErrors[knob.path]);
  const workload = useApp((s) => s.scenario.traffic.workload);
  // A knob this NIC or TX path never reads (engine ignored.ts): the run is as without it.
  const ignored = useApp((s) => knobIgnoredWhy(s.scenario, knob.path));
  const setText = useApp((s) => s.setKnobText);
  const [helpOpen, setHelpOpen] = useState(false);
  if (!field) return null;
  const errors = field.errors.length > 0 ? field.errors : (cross ?? []);
  const id = inputId(knob.path);
  const errId = `${id}-error`;
  const hintId = `${id}-hint`;
  const invalid = errors.length > 0;
  const tip = tooltip(knob);
  const hint = hintText(knob);
  const unused = knob.workloads !== undefined && !knob.workloads.includes(workload);
  const helpId = `${id}-help`;
  const describedBy = [hint || ignored ? hintId : null, invalid ? errId : null, helpOpen ? helpId : null].filter(Boolean).join(' ') || undefined;

  let control;
  if (knob.kind === 'choice') {
    control = (
      <select
        id={id}
        data-testid={`knob-${knob.path}`}
        value={field.text}
        title={tip}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(e) => setText(knob.path, e.target.value)}
      >
        {knob.options.map((o) => (
          <option key={String(o)} value={String(o)}>
            {knob.optionLabels?.[String(o)] ?? String(o)}
          </option>
        ))}
      </select>
    );
  } else if (knob.kind === 'bool') {
    control = (
      <input
        id={id}
        type="checkbox"
        data-testid={`knob-${knob.path}`}
        checked={field.text === 'true'}
        title={tip}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(e) => setText(knob.path, e.target.checked ? 'true' : 'false')}
      />
    );
  } else {
    control = (
      <input
        id={id}
        type="text"
        inputMode={knob.kind === 'int' ? 'numeric' : 'decimal'}
        autoComplete="off"
        spellCheck={false}
        data-testid={`knob-${knob.path}`}
        value={field.text}
        title={tip}
        aria-invalid={invalid}
        aria-describedby={describedBy}
        onChange={(e) => setText(knob.path, e.target.value)}
      />
    );
  }

  return (
    <div className={`field${invalid ? ' invalid' : ''}${unused ? ' unused' : ''}`} data-knob={knob.path}>
      <div className="field-label">
        <label htmlFor={id} title={tip}>
          {knob.label}
        </label>
        {/* Help by touch and keyboard too (a title shows on hover only). */}
        <button
          type="button"
          className="help-dot"
          aria-expanded={helpOpen}
          aria-controls={helpId}
          aria-label={`What is ${knob.label}?`}
          data-testid={`help-${knob.path}`}
          onClick={() => setHelpOpen((o) => !o)}
        >
          ?
        </button>
      </div>
      <div className="control">{control}</div>
      {helpOpen && (
        <p className="field-help" id={helpId} data-testid={`help-text-${knob.path}`}>
          {knob.help}
          {knob.freebsd && (
            <>
              {' '}
              FreeBSD: <code>{knob.freebsd}</code>
            </>
          )}
        </p>
      )}
      {(hint || unused || ignored) && (
        <div className="hint" id={hintId}>
          {hint}
          {unused && <span className="unused-note">{hint ? ' · ' : ''}not used by the {workload} workload</span>}
          {!unused && ignored && (
            <span className="unused-note" data-testid={`ignored-${knob.path}`}>
              {hint ? ' · ' : ''}no effect here: {ignored}
            </span>
          )}
        </div>
      )}
      {invalid && (
        <div className="field-error" id={errId} data-testid={`error-${knob.path}`} aria-live="polite">
          {errors.join('; ')}
        </div>
      )}
    </div>
  );
}

export function PresetPicker() {
  const presetName = useApp((s) => s.presetName);
  const loadPreset = useApp((s) => s.loadPreset);
  const resetToDefaults = useApp((s) => s.resetToDefaults);
  const current = PRESETS.find((p) => p.name === presetName);
  return (
    <div className="presets">
      <label htmlFor="preset-select">Preset</label>
      <div className="control">
        <select
          id="preset-select"
          data-testid="preset"
          value={presetName ?? ''}
          onChange={(e) => {
            if (e.target.value === '__defaults') resetToDefaults();
            else if (e.target.value) loadPreset(e.target.value);
          }}
        >
          <option value="">Custom settings</option>
          {PRESETS.map((p) => (
            <option key={p.name} value={p.name} title={p.description}>
              {p.title}
            </option>
          ))}
          <option value="__defaults">Defaults</option>
        </select>
      </div>
      {current && <p className="hint preset-desc">{current.description}</p>}
    </div>
  );
}

/**
 * The settings. On a narrow screen (a phone) they are folded away behind one button, so the
 * results come right after the run controls; on a wide one they are always shown (the button is
 * hidden). The preset picker stays outside the fold.
 */
export function ConfigForm() {
  const formErrors = useApp((s) => s.formErrors);
  const invalid = useApp((s) => !s.valid);
  const [open, setOpen] = useState(false);
  return (
    <form className="config" onSubmit={(e) => e.preventDefault()} aria-label="Scenario settings" noValidate>
      <PresetPicker />
      <button
        type="button"
        className="btn settings-toggle"
        aria-expanded={open}
        aria-controls="settings-body"
        data-testid="settings-toggle"
        onClick={() => setOpen((o) => !o)}
      >
        <span aria-hidden="true">{open ? '▾' : '▸'}</span> {open ? 'Hide' : 'Show'} all {KNOBS.length} settings
        {invalid && !open ? ' (some need fixing)' : ''}
      </button>
      <div id="settings-body" className={`settings-body${open ? ' open' : ''}`} data-testid="settings-body">
        {GROUPS.map(({ group, knobs }) => (
          <fieldset key={group}>
            <legend>{group}</legend>
            {knobs.map((k) => (
              <KnobInput key={k.path} knob={k} />
            ))}
          </fieldset>
        ))}
      </div>
      {formErrors.length > 0 && (
        <div className="field-error" data-testid="form-errors">
          {formErrors.join('; ')}
        </div>
      )}
    </form>
  );
}
