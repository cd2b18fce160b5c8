/**
 * The packet-path diagram's data, read from what the engine reports and never from its prose:
 * the stages (`stagesOf(scenario)` before a run, the summary's `stages` after it: id, title, the
 * driver's FreeBSD function names, drop locations, CPU stages), the packets that entered each
 * stage (the `stage_<id>_pps` frame series live, the summary's counts after the run), drops by
 * location (`drop_at` series / the stage's `drops`), each stage's share of the busy cycles
 * (`cores[].cycles_by_stage`) and the bottleneck (`summary.bottleneck.stage`). No React, no DOM,
 * nothing modelled here.
 *
 * Every figure of one diagram covers the same window and comes from the same counters: after a
 * run the whole run (the summary's), live the run so far (frame 0 up to the latest frame). A stage
 * counts the packets that entered it, and everything that enters a stage entered the one before,
 * so no stage shows more than the one before it (pathModel.test checks it for every preset). A
 * window of only the latest frames would not keep that: a stage draining its backlog passes more
 * packets in a few frames than entered before it in those frames.
 */
import { DROP_LABELS, STAGES, STAGE_LABELS, stagesOf, type DropLocation, type Scenario, type SeriesInfo, type Stage, type StageInfo, type Summary } from '../engine';
import type { FrameColumns } from '../state/frames';

export type { DropLocation };
export type CpuStage = Stage;
export type StageId = string;

export interface StageDrop {
  loc: DropLocation;
  /** What the location is ("RX descriptor ring full"). */
  label: string;
  /** The counter FreeBSD shows for it. */
  freebsd: string;
  /** Drops per second over the diagram's window. */
  pps: number;
}

export interface DiagramStage extends StageInfo {
  /** Packets per second that entered the stage over the diagram's window; null before the first frame. */
  pps: number | null;
  drops: StageDrop[];
  dropsTotalPps: number;
  /** Packets dropped at the stage over the window; null before the first frame. */
  dropsTotal: number | null;
  /** Fraction of all busy CPU cycles of the run spent in this stage (after the run; null for hardware). */
  cpuShare: number | null;
  /** The same share split by engine CPU stage. */
  cpuParts: { stage: CpuStage; label: string; share: number }[];
  /** CPU time per packet that entered the stage, ns (after the run; null for hardware). */
  nsPerPacket: number | null;
  /**
   * Packets still inside the stage when the run ended (the engine's `held`: entered, not dropped
   * there, not yet in the next stage); null while running.
   */
  held: number | null;
  saturated: boolean;
  /** 0: first row; 1: second row (long paths are drawn in two rows). */
  row: 0 | 1;
}

export interface Saturation {
  id: StageId;
  /** The engine's sentence (summary.bottleneck.text). */
  reason: string;
}

/** Live: the stage that drops the most so far, and where. */
export interface Dropping {
  id: StageId;
  loc: DropLocation;
  label: string;
  pps: number;
}

/** What the diagram's figures cover. */
export type DiagramWindow =
  | { kind: 'none' }
  | { kind: 'live'; fromMs: number; toMs: number; frames: number }
  | { kind: 'run'; fromMs: number; toMs: number };

export interface Diagram {
  workload: Scenario['traffic']['workload'];
  stages: DiagramStage[];
  rows: DiagramStage[][];
  rowTitles: [string, string] | null;
  /** After the run: the engine's bottleneck stage. */
  saturated: Saturation | null;
  /** While running: the stage dropping the most so far. */
  dropping: Dropping | null;
  window: DiagramWindow;
  offeredPps: number | null;
  /** Shares of busy cycles in CPU stages no drawn stage counts. */
  otherCpu: { stage: CpuStage; label: string; share: number }[];
  /** Busy cycles over all CPUs (after the run). */
  busyCycles: number | null;
}

export interface DiagramInput {
  /** The scenario whose stages are drawn before a run (and named while it streams). */
  scenario: Scenario;
  frames: FrameColumns;
  series: readonly SeriesInfo[];
  summary: Summary | null;
}

/** Row captions, when the path takes two rows. */
function rowTitles(workload: Scenario['traffic']['workload']): [string, string] {
  return workload === 'forward'
    ? ['Receive side: ingress port → forwarding CPU', 'Transmit side: the same CPU → egress port']
    : ['Producers: the sender threads', 'Consumer: whoever drains the ring → the NIC'];
}

/** Where a long path wraps: forwarding at its transmit side, a ring-based transmit at the ring's consumer. */
function secondRowFrom(workload: Scenario['traffic']['workload'], ids: readonly string[]): number {
  const at = workload === 'forward' ? ids.indexOf('if_transmit') : workload === 'transmit' && ids.includes('soft_ring') ? ids.indexOf('drain') : -1;
  return at > 0 ? at : ids.length;
}

interface Counts {
  /** Simulated ms the window covers (from 0). */
  toMs: number;
  frames: number;
  /** Packets per series key over the window. */
  packets: Map<string, number>;
}

/**
 * Packets over frames 0…latest for the given series (each frame's rate × the frame's length,
 * rounded back to the whole packets the engine counted); null before the first frame.
 */
function countsSoFar(frames: FrameColumns, keys: readonly string[]): Counts | null {
  const t = frames.columns.t_ms;
  if (!t || frames.count === 0) return null;
  let last = -1;
  for (let i = frames.count - 1; i >= 0; i--) {
    if (Number.isFinite(t[i]!)) {
      last = i;
      break;
    }
  }
  if (last < 0) return null;
  // Frames are equally long: the first ends one frame length after 0.
  const frameSec = t[0]! / 1e3;
  const packets = new Map<string, number>();
  for (const k of keys) {
    const col = frames.columns[k];
    if (!col) continue;
    let n = 0;
    for (let i = 0; i <= last; i++) {
      const v = col[i]!;
      if (Number.isFinite(v)) n += Math.round(v * frameSec);
    }
    packets.set(k, n);
  }
  return { toMs: t[last]!, frames: last + 1, packets };
}

/** Everything the diagram draws. */
export function buildDiagram({ scenario, frames, series, summary }: DiagramInput): Diagram {
  const workload = (summary?.scenario ?? scenario).traffic.workload;
  const infos: StageInfo[] = summary
    ? summary.stages.map((st) => ({ id: st.id, title: st.title, fn: st.fn, functions: st.functions, drop_locations: Object.keys(st.drops) as DropLocation[], cpu_stages: st.cpu_stages }))
    : stagesOf(scenario);
  const stageKey = new Map<string, string>();
  const dropKey = new Map<DropLocation, string>();
  for (const s of series) {
    if (s.role === 'stage' && s.id) stageKey.set(s.id, s.key);
    if (s.role === 'drop_at' && s.id) dropKey.set(s.id as DropLocation, s.key);
  }
  const offeredKey = series.find((s) => s.role === 'offered')?.key;
  const live = summary ? null : countsSoFar(frames, [...stageKey.values(), ...dropKey.values(), ...(offeredKey ? [offeredKey] : [])]);
  const liveSec = live ? live.toMs / 1e3 : 0;
  const runSec = summary ? summary.simulated_ms / 1e3 : 0;
  const livePps = (key: string | undefined): number | null => {
    if (!live || !key || !live.packets.has(key) || liveSec <= 0) return null;
    return live.packets.get(key)! / liveSec;
  };

  // Busy cycles by CPU stage over all CPUs (after the run).
  const busyByStage = new Map<CpuStage, number>();
  let busy = 0;
  if (summary) {
    for (const c of summary.cores) {
      for (const st of STAGES) {
        const v = c.cycles_by_stage[st] ?? 0;
        busyByStage.set(st, (busyByStage.get(st) ?? 0) + v);
        busy += v;
      }
    }
  }
  const hasCpu = busy > 0;
  const bn = summary?.bottleneck;
  const saturated: Saturation | null = bn && bn.kind !== 'none' && bn.stage && infos.some((x) => x.id === bn.stage) ? { id: bn.stage, reason: bn.text } : null;
  const wrap = secondRowFrom(workload, infos.map((x) => x.id));

  const stages: DiagramStage[] = infos.map((info, i) => {
    const report = summary?.stages.find((x) => x.id === info.id);
    const drops: StageDrop[] = info.drop_locations.map((loc) => ({
      loc,
      label: DROP_LABELS[loc].label,
      freebsd: DROP_LABELS[loc].freebsd,
      pps: report ? (runSec > 0 ? (report.drops[loc] ?? 0) / runSec : 0) : (livePps(dropKey.get(loc)) ?? 0),
    }));
    const dropsTotal = report
      ? info.drop_locations.reduce((a, loc) => a + (report.drops[loc] ?? 0), 0)
      : live
        ? info.drop_locations.reduce((a, loc) => a + (live.packets.get(dropKey.get(loc) ?? '') ?? 0), 0)
        : null;
    const cpuParts = hasCpu ? info.cpu_stages.map((st) => ({ stage: st, label: STAGE_LABELS[st], share: (busyByStage.get(st) ?? 0) / busy })) : [];
    return {
      ...info,
      pps: report ? report.pps : livePps(stageKey.get(info.id)),
      drops,
      dropsTotalPps: drops.reduce((a, x) => a + x.pps, 0),
      dropsTotal,
      cpuShare: hasCpu && info.cpu_stages.length > 0 ? cpuParts.reduce((a, x) => a + x.share, 0) : null,
      cpuParts,
      nsPerPacket: report && info.cpu_stages.length > 0 ? report.ns_per_packet : null,
      held: report ? report.held : null,
      saturated: saturated?.id === info.id,
      row: i < wrap ? 0 : 1,
    };
  });

  let dropping: Dropping | null = null;
  if (live) {
    for (const s of stages) for (const d of s.drops) if (d.pps > 0 && (!dropping || d.pps > dropping.pps)) dropping = { id: s.id, loc: d.loc, label: d.label, pps: d.pps };
  }
  const drawn = new Set(infos.flatMap((d) => d.cpu_stages));
  const otherCpu = hasCpu
    ? STAGES.filter((st) => !drawn.has(st) && (busyByStage.get(st) ?? 0) > 0).map((st) => ({ stage: st, label: STAGE_LABELS[st], share: (busyByStage.get(st) ?? 0) / busy }))
    : [];
  const rows: DiagramStage[][] = [stages.filter((s) => s.row === 0), stages.filter((s) => s.row === 1)].filter((r) => r.length > 0);
  const window: DiagramWindow = summary
    ? { kind: 'run', fromMs: 0, toMs: summary.simulated_ms }
    : live
      ? { kind: 'live', fromMs: 0, toMs: live.toMs, frames: live.frames }
      : { kind: 'none' };
  return {
    workload,
    stages,
    rows,
    rowTitles: rows.length > 1 ? rowTitles(workload) : null,
    saturated,
    dropping,
    window,
    offeredPps: summary ? summary.offered_pps : livePps(offeredKey),
    otherCpu,
    busyCycles: hasCpu ? busy : null,
  };
}

/** Mpps for a node: "14.88", "0.334", "0"; a dash when unknown. */
export function formatRate(pps: number | null): string {
  if (pps === null || !Number.isFinite(pps)) return '—';
  const m = pps / 1e6;
  if (m === 0) return '0';
  if (Math.abs(m) >= 100) return m.toFixed(0);
  if (Math.abs(m) >= 1) return m.toFixed(2);
  if (Math.abs(m) >= 0.001) return m.toFixed(3);
  return '< 0.001';
}
