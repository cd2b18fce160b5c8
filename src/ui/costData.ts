/**
 * The per-packet cost chart's data: the engine's `summary.cost_per_packet` (CPU time per packet
 * that completed the path, by CPU stage, per CPU and in all, in ns and in cycles at the nominal
 * clock) for this run (B) and, when one is pinned, the baseline (A). Pure: nothing is computed but
 * which rows to show and the B/A ratio.
 */
import { STAGES, STAGE_LABELS, type Stage, type Summary } from '../engine';

export interface Cost {
  ns: number;
  cycles: number;
}

export interface CostRow {
  stage: Stage;
  /** The engine's one name for the stage (STAGE_LABELS, as in the cycles chart and the bottleneck). */
  label: string;
  a: Cost | null;
  b: Cost | null;
}

export interface CostData {
  /** CPU stages that cost anything in A or B, in the engine's order. */
  rows: CostRow[];
  total: { a: Cost | null; b: Cost | null };
  /** Per CPU, ns per packet (index = CPU). */
  perCpu: { a: Cost[] | null; b: Cost[] | null };
  /** Packets the costs are divided by. */
  packets: { a: number | null; b: number | null };
}

/** Whether a run has a cost to show (the ring workload models no CPU; a run that completed nothing has none). */
export function hasCost(s: Summary | null): s is Summary {
  return s !== null && s.cost_per_packet.packets > 0 && s.cost_per_packet.total_ns > 0;
}

export function costData(b: Summary | null, a: Summary | null): CostData {
  const cb = hasCost(b) ? b.cost_per_packet : null;
  const ca = hasCost(a) ? a.cost_per_packet : null;
  const at = (c: typeof cb, st: Stage): Cost | null => (c ? { ns: c.by_stage_ns[st] ?? 0, cycles: c.by_stage_cycles[st] ?? 0 } : null);
  const rows = STAGES.filter((st) => (cb?.by_stage_ns[st] ?? 0) > 0 || (ca?.by_stage_ns[st] ?? 0) > 0).map((st) => ({ stage: st, label: STAGE_LABELS[st], a: at(ca, st), b: at(cb, st) }));
  const cpus = (c: typeof cb): Cost[] | null => (c ? c.by_cpu_ns.map((ns, i) => ({ ns, cycles: c.by_cpu_cycles[i] ?? 0 })) : null);
  return {
    rows,
    total: { a: ca ? { ns: ca.total_ns, cycles: ca.total_cycles } : null, b: cb ? { ns: cb.total_ns, cycles: cb.total_cycles } : null },
    perCpu: { a: cpus(ca), b: cpus(cb) },
    packets: { a: ca ? ca.packets : null, b: cb ? cb.packets : null },
  };
}
