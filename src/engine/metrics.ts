/**
 * Metrics recorder: fixed-interval frames stored column-wise in typed arrays (one Float64Array per
 * series, preallocated for the whole run), so streaming a batch to the UI is a slice, not a
 * per-frame object.
 */
export interface SeriesInfo {
  key: string;
  label: string;
  unit: string;
}

/** The frame series, in column order. The UI reads labels and units from here. */
export const FRAME_SERIES = [
  { key: 't_ms', label: 'Simulated time', unit: 'ms' },
  { key: 'offered_pps', label: 'Offered', unit: 'pps' },
  { key: 'tx_pps', label: 'Delivered (on the wire)', unit: 'pps' },
  { key: 'drops_pps', label: 'TX ring drops', unit: 'pps' },
  { key: 'tx_ring_occupancy', label: 'TX ring occupancy (mean)', unit: 'descriptors' },
] as const satisfies readonly SeriesInfo[];

export type SeriesKey = (typeof FRAME_SERIES)[number]['key'];

/** A batch of consecutive frames: `start` is the index of the first frame in the run. */
export interface FrameBatch {
  start: number;
  columns: Record<SeriesKey, Float64Array>;
}

export class FrameRecorder {
  readonly columns: Record<SeriesKey, Float64Array>;
  length = 0;

  constructor(readonly capacity: number) {
    const cols = {} as Record<SeriesKey, Float64Array>;
    for (const s of FRAME_SERIES) cols[s.key] = new Float64Array(capacity);
    this.columns = cols;
  }

  push(values: Record<SeriesKey, number>): void {
    if (this.length >= this.capacity) throw new Error('frame recorder is full');
    for (const s of FRAME_SERIES) this.columns[s.key][this.length] = values[s.key];
    this.length++;
  }

  /** Copy of frames [from, length): safe to transfer to another thread. */
  since(from: number): FrameBatch {
    const cols = {} as Record<SeriesKey, Float64Array>;
    for (const s of FRAME_SERIES) cols[s.key] = this.columns[s.key].slice(from, this.length);
    return { start: from, columns: cols };
  }
}
