/** A fitter worker: evaluates rows under the constants it is sent. */
import { parentPort, workerData } from 'node:worker_threads';
import { modelValue } from './evaluate';
import { calibrationRows, type RowAssumption } from './rows';

const rows = calibrationRows((workerData as { assume?: RowAssumption | null } | null)?.assume ?? null);
parentPort!.on('message', (m: { id: number; row: number; params: Record<string, number>; durationMs?: number }) => {
  parentPort!.postMessage({ id: m.id, value: modelValue(rows[m.row]!, m.params, m.durationMs) });
});
