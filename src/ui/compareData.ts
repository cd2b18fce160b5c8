/**
 * The compare table's content: the key figures of the baseline (A) and this run (B) side by side
 * with B/A, and the settings that differ. Pure: reads two Summaries and two Scenarios; the ratios
 * and the CPU mean are presentation, not model.
 */
import { KNOBS, getPath, knobValueText, type Scenario, type Summary } from '../engine';
import { hasCost } from './costData';
import { formatInt, formatMpps, formatSig } from './format';

export interface CompareFigure {
  key: string;
  label: string;
  unit: string;
  a: number;
  /** Null while there is no B run. */
  b: number | null;
  /** How a value of this figure is shown. */
  format: (x: number) => string;
}

const sumDrops = (s: Summary) => Object.values(s.drops).reduce((n, x) => n + x, 0);
const meanBusy = (s: Summary) => (s.cores.length > 0 ? (s.cores.reduce((n, c) => n + c.utilization, 0) / s.cores.length) * 100 : NaN);
const percent = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '—');

interface FigureDef {
  key: string;
  label: (ws: ReadonlySet<string>) => string;
  unit: string;
  get: (s: Summary) => number;
  format: (x: number) => string;
  /** Shown only when this holds for A or for B. */
  when?: (s: Summary) => boolean;
}

const FIGURES: readonly FigureDef[] = [
  { key: 'offered_pps', label: () => 'Offered', unit: 'Mpps', get: (s) => s.offered_pps, format: formatMpps },
  {
    key: 'rx_pps',
    label: (ws) => (ws.has('transmit') && ws.size === 1 ? 'Sent by the applications' : ws.has('transmit') ? 'Received into RX rings / sent by the applications' : 'Received into RX rings'),
    unit: 'Mpps',
    get: (s) => s.rx_pps,
    format: formatMpps,
    when: (s) => s.workload !== 'ring',
  },
  { key: 'delivered_pps', label: () => 'Delivered (completed the path)', unit: 'Mpps', get: (s) => s.delivered_pps, format: formatMpps },
  { key: 'forwarded_pps', label: () => 'Forwarded', unit: 'Mpps', get: (s) => s.forwarded_pps, format: formatMpps, when: (s) => s.workload === 'forward' },
  { key: 'tx_pps', label: () => 'Transmitted on the wire', unit: 'Mpps', get: (s) => s.tx_pps, format: formatMpps, when: (s) => s.stages.some((x) => x.id === 'wire_out') },
  { key: 'drops', label: () => 'Drops, total', unit: 'packets', get: sumDrops, format: formatInt },
  { key: 'latency_mean', label: () => 'Latency, mean', unit: 'µs', get: (s) => s.latency_us.mean, format: (x) => formatSig(x) },
  { key: 'latency_p50', label: () => 'Latency, p50', unit: 'µs', get: (s) => s.latency_us.p50, format: (x) => formatSig(x) },
  { key: 'latency_p99', label: () => 'Latency, p99', unit: 'µs', get: (s) => s.latency_us.p99, format: (x) => formatSig(x) },
  {
    key: 'lro_ratio',
    label: () => 'LRO aggregation',
    unit: 'packets/segment',
    get: (s) => s.lro?.aggregation_ratio.all ?? NaN,
    format: (x) => formatSig(x),
    when: (s) => s.lro !== undefined,
  },
  { key: 'cost_ns', label: () => 'CPU time per packet', unit: 'ns', get: (s) => s.cost_per_packet.total_ns, format: (x) => formatSig(x), when: hasCost },
  { key: 'cost_cycles', label: () => 'CPU cycles per packet (nominal clock)', unit: 'cycles', get: (s) => s.cost_per_packet.total_cycles, format: formatInt, when: hasCost },
  { key: 'cpu_busy', label: () => 'CPU busy, mean over the CPUs', unit: '%', get: meanBusy, format: percent, when: (s) => s.cores.length > 0 },
  { key: 'packets_simulated', label: () => 'Packets simulated', unit: 'packets', get: (s) => s.packets_simulated, format: formatInt },
];

/** The key figures of A and B (B null before B has run). */
export function compareFigures(a: Summary, b: Summary | null): CompareFigure[] {
  const ws = new Set<string>([a.workload, ...(b ? [b.workload] : [])]);
  return FIGURES.filter((f) => !f.when || f.when(a) || (b !== null && f.when(b))).map((f) => ({
    key: f.key,
    label: f.label(ws),
    unit: f.unit,
    a: f.get(a),
    b: b ? f.get(b) : null,
    format: f.format,
  }));
}

/** B/A, or null when it has no meaning (A is 0, a value is missing). */
export function ratio(a: number, b: number | null): number | null {
  if (b === null || !Number.isFinite(a) || !Number.isFinite(b) || a === 0) return null;
  return b / a;
}

/** "1.234×"; a dash when there is no ratio. */
export function formatRatio(r: number | null): string {
  return r === null ? '—' : `${r.toFixed(3)}×`;
}

export interface KnobDiff {
  path: string;
  label: string;
  a: string;
  b: string;
}

/** Every knob whose value differs between A and B, in the form's order, each value as people read it (knobValueText). */
export function knobDiffs(a: Scenario, b: Scenario): KnobDiff[] {
  return KNOBS.filter((k) => getPath(a, k.path) !== getPath(b, k.path)).map((k) => ({
    path: k.path,
    label: k.label,
    a: knobValueText(k, getPath(a, k.path)),
    b: knobValueText(k, getPath(b, k.path)),
  }));
}
