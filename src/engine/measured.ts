/**
 * Model vs measured: a scenario that is one of calibration.md's rows (a preset with a target's
 * settings) gets that row's measurement, its source, its stated tolerance, and what the fitter
 * reported for it (its in-sample and leave-one-out errors), so the UI can show the measured figure
 * beside the run's own. Only the simulation knobs (duration, seed, frames…) may differ.
 */
import { FIT } from './calibration.generated';
import { CALIBRATION_TOLERANCE, PRESETS, presetScenario, type CalibrationTarget } from './presets';
import type { Scenario } from './scenario';

export interface MeasuredFigure {
  preset: string;
  /** The fitter's row name (preset, then the row's settings). */
  row: string;
  metric: CalibrationTarget['metric'];
  measured_pps: number;
  source: string;
  tolerance: number;
  gap?: string;
  /** The fit's figures for this row at its own run length (absent before a fit). */
  fit?: { model_pps: number; error: number; loo_error: number; row_duration_ms: number };
}

/** The scenario without the knobs that only say how long and how finely to simulate. */
function key(s: Scenario): string {
  const { sim: _sim, ...rest } = s as Scenario & { sim: unknown };
  void _sim;
  return JSON.stringify(rest);
}

let index: Map<string, MeasuredFigure> | null = null;

function build(): Map<string, MeasuredFigure> {
  const m = new Map<string, MeasuredFigure>();
  const fitRows = new Map(FIT ? FIT.rows.map((r) => [r.name, r]) : []);
  for (const p of PRESETS) {
    for (const t of p.targets ?? []) {
      if (t.collapseBelow !== undefined) continue;
      const set = Object.entries(t.set).map(([k, v]) => `${k}=${v}`).join(' ');
      const row = set ? `${p.name} ${set}` : p.name;
      const f = fitRows.get(row);
      const fig: MeasuredFigure = {
        preset: p.name, row, metric: t.metric, measured_pps: t.measured, source: t.source,
        tolerance: t.tolerance ?? CALIBRATION_TOLERANCE,
        ...(t.gap ? { gap: t.gap } : {}),
        ...(f && FIT ? { fit: { model_pps: f.model_pps, error: f.error, loo_error: f.loo_error, row_duration_ms: FIT.row_duration_ms } } : {}),
      };
      const k = key(presetScenario(p, t.set));
      if (!m.has(k)) m.set(k, fig);
    }
  }
  return m;
}

/** The calibration row this scenario reproduces, or null. */
export function measuredFigureFor(s: Scenario): MeasuredFigure | null {
  index ??= build();
  return index.get(key(s)) ?? null;
}
