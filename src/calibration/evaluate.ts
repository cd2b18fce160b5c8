/** One row under candidate constants: the model's figure (deterministic). */
import { runScenario, type Params } from '../engine/index';
import { rowScenario, type CalibrationRow } from './rows';

export function modelValue(row: CalibrationRow, params: Params, durationMs?: number): number {
  const r = runScenario(rowScenario(row, durationMs), { params }).summary;
  return r[row.metric];
}
