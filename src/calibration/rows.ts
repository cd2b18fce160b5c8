/**
 * The calibration rows: every quantitative measurement of ../shared/reference/calibration.md,
 * as the presets carry them (presets.ts `targets`). Qualitative rows (a collapse) are checked by
 * the tests, not fitted.
 */
import { PRESETS, presetScenario, setPath, settingsText, type Scenario } from '../engine/index';

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

/**
 * Settings a what-if fit adds to the rows of some presets (`npm run calibrate -- --assume K=V --on
 * PRESET`): what the rows' source does not state, tried without touching the committed fit. A
 * row's own settings win over the assumption.
 */
export interface RowAssumption {
  set: Record<string, string | number | boolean>;
  presets: string[];
}

export function calibrationRows(assume: RowAssumption | null = null): CalibrationRow[] {
  const out: CalibrationRow[] = [];
  for (const p of PRESETS) {
    for (const t of p.targets ?? []) {
      if (t.collapseBelow !== undefined) continue;
      const own = assume !== null && assume.presets.includes(p.name) ? { ...assume.set, ...t.set } : t.set;
      const set = settingsText(own);
      out.push({ name: set ? `${p.name} ${set}` : p.name, preset: p.name, set: own, metric: t.metric, measured: t.measured, source: t.source });
    }
  }
  return out;
}

/** The scenario a row runs. */
export function rowScenario(row: CalibrationRow, durationMs = ROW_DURATION_MS): Scenario {
  const p = PRESETS.find((x) => x.name === row.preset)!;
  return setPath(presetScenario(p, row.set), 'sim.duration_ms', durationMs);
}
