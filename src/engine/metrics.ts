/**
 * Metrics recorder: fixed-interval frames stored column-wise in typed arrays (one Float64Array per
 * series, preallocated for the whole run), so streaming a batch to the UI is a slice, not a
 * per-frame object. Which series exist depends on the scenario (one per queue, one per CPU);
 * each carries its label and unit so views need no knowledge of the model.
 */
export interface SeriesInfo {
  key: string;
  label: string;
  unit: string;
  /** Grouping for views: totals, drops by location, per queue, per CPU. */
  group: 'rate' | 'drops' | 'queue' | 'cpu' | 'latency' | 'ring' | 'lro' | 'stage';
  /**
   * What the series is, for views that must not parse keys or labels: the run totals by name,
   * `drop_at` (one drop location, `id`), `queue` / `cpu` (`index`), `stage` (a path stage, `id`).
   */
  role?: 'time' | 'offered' | 'rx' | 'delivered' | 'tx' | 'drops' | 'occupancy' | 'latency' | 'drop_at' | 'queue' | 'cpu' | 'lro' | 'stage';
  /** Queue or CPU number (role queue / cpu). */
  index?: number;
  /** Drop location or stage id (role drop_at / stage). */
  id?: string;
  /** Short title without the unit, for legends. */
  title?: string;
}

/** Series every run records, in column order. */
export const FRAME_SERIES = [
  { key: 't_ms', label: 'Simulated time', unit: 'ms', group: 'rate', role: 'time' },
  { key: 'offered_pps', label: 'Offered', unit: 'pps', group: 'rate', role: 'offered' },
  { key: 'rx_pps', label: 'Received into RX rings', unit: 'pps', group: 'rate', role: 'rx' },
  { key: 'delivered_pps', label: 'Delivered', unit: 'pps', group: 'rate', role: 'delivered' },
  { key: 'tx_pps', label: 'Transmitted on the wire', unit: 'pps', group: 'rate', role: 'tx' },
  { key: 'drops_pps', label: 'Drops (all locations)', unit: 'pps', group: 'drops', role: 'drops' },
  { key: 'tx_ring_occupancy', label: 'TX ring occupancy (sum over TX queues, time-mean over the frame)', unit: 'descriptors', group: 'ring', role: 'occupancy' },
  { key: 'latency_us', label: 'Mean latency of packets delivered', unit: 'µs', group: 'latency', role: 'latency' },
] as const satisfies readonly SeriesInfo[];

export type BaseSeriesKey = (typeof FRAME_SERIES)[number]['key'];

/** A batch of consecutive frames: `start` is the index of the first frame in the run. */
export interface FrameBatch {
  start: number;
  columns: Record<string, Float64Array>;
}

export class FrameRecorder {
  readonly columns: Record<string, Float64Array>;
  private readonly cols: Float64Array[];
  length = 0;

  constructor(
    readonly capacity: number,
    readonly series: readonly SeriesInfo[],
  ) {
    this.columns = {};
    this.cols = [];
    for (const s of series) {
      const a = new Float64Array(capacity);
      this.columns[s.key] = a;
      this.cols.push(a);
    }
  }

  /** Append one frame; `row[i]` is the value of `series[i]`. */
  push(row: Float64Array): void {
    if (this.length >= this.capacity) throw new Error('frame recorder is full');
    for (let i = 0; i < this.cols.length; i++) this.cols[i]![this.length] = row[i]!;
    this.length++;
  }

  /** Copy of frames [from, length): safe to transfer to another thread. */
  since(from: number): FrameBatch {
    const cols: Record<string, Float64Array> = {};
    for (const s of this.series) cols[s.key] = this.columns[s.key]!.slice(from, this.length);
    return { start: from, columns: cols };
  }
}
