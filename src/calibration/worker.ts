/** A fitter worker: evaluates rows under the constants it is sent. */
import { parentPort } from 'node:worker_threads';
import { modelValue } from './evaluate';
import { calibrationRows } from './rows';

const rows = calibrationRows();
parentPort!.on('message', (m: { id: number; row: number; params: Record<string, number>; durationMs?: number }) => {
  parentPort!.postMessage({ id: m.id, value: modelValue(rows[m.row]!, m.params, m.durationMs) });
});
