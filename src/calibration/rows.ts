/**
 * The calibration rows: every quantitative measurement of ../shared/reference/calibration.md,
 * as the presets carry them (presets.ts `targets`). Qualitative rows (a collapse) are checked by
 * the tests, not fitted.
 */
import { PRESETS, presetScenario, setPath, type Scenario } from '../engine/index';

export interface CalibrationRow {
  /** Stable name: preset, then the row's own settings. */
  name: string;
  preset: string;
  set: Record<string, string | number | boolean>;
  metric: 'forwarded_pps' | 'delivered_pps' | 'tx_pps';
  measured: number;
  source: string;
}

/** Simulated time per row in the fit and in its check (long enough to be past the rings' fill). */
export const ROW_DURATION_MS = 2;

export function calibrationRows(): CalibrationRow[] {
  const out: CalibrationRow[] = [];
  for (const p of PRESETS) {
    for (const t of p.targets ?? []) {
      if (t.collapseBelow !== undefined) continue;
      const set = Object.entries(t.set).map(([k, v]) => `${k}=${v}`).join(' ');
      out.push({ name: set ? `${p.name} ${set}` : p.name, preset: p.name, set: t.set, metric: t.metric, measured: t.measured, source: t.source });
    }
  }
  return out;
}

/** The scenario a row runs. */
export function rowScenario(row: CalibrationRow, durationMs = ROW_DURATION_MS): Scenario {
  const p = PRESETS.find((x) => x.name === row.preset)!;
  return setPath(presetScenario(p, row.set), 'sim.duration_ms', durationMs);
}
