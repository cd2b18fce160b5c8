/**
 * Model vs measured: a scenario that is one of calibration.md's rows (a preset with a target's
 * settings) gets that row's measurement, its source, its stated tolerance, and what the fitter
 * reported for it (its in-sample and leave-one-out errors), so the UI can show the measured figure
 * beside the run's own. Only the simulation knobs (duration, seed, frames…) may differ.
 *
 * Any other scenario gets the calibration evidence behind it (`calibrationEvidence`): the rows
 * that run the same driver through the same path, and how well the fit predicts each of them
 * when it is left out — what a prediction for a configuration nobody measured can be expected to
 * miss by, and, with no such row, that none of calibration.md measures this path at all.
 */
import { FIT } from './calibration.generated';
import { HOST_COSTS, PARAMS, PARAM_SPECS } from './costs';
import { findHost, findNic, type NicDriver } from './hardware';
import { CALIBRATION_TOLERANCE, PRESETS, presetScenario, settingsText, type CalibrationTarget } from './presets';
import type { Scenario, Workload } from './scenario';

export interface MeasuredFigure {
  preset: string;
  /** The fitter's row name (preset, then the row's settings). */
  row: string;
  metric: CalibrationTarget['metric'];
  measured_pps: number;
  source: string;
  tolerance: number;
  gap?: string;
  /** Settings the gap discusses, to run the row with (presets.ts `tryWith`). */
  tryWith?: Record<string, string | number | boolean>;
  /** The fit's figures for this row at its own run length (absent before a fit). */
  fit?: { model_pps: number; error: number; loo_error: number; row_duration_ms: number };
}

/** The scenario without the knobs that only say how long and how finely to simulate. */
function key(s: Scenario): string {
  const { sim: _sim, ...rest } = s as Scenario & { sim: unknown };
  void _sim;
  return JSON.stringify(rest);
}

/** The rows by scenario key, and every row with its scenario (the presets' order); built once. */
let index: { byKey: Map<string, MeasuredFigure>; rows: { scenario: Scenario; fig: MeasuredFigure }[] } | null = null;

function build(): NonNullable<typeof index> {
  const m = new Map<string, MeasuredFigure>();
  const rowScenarios: { scenario: Scenario; fig: MeasuredFigure }[] = [];
  const fitRows = new Map(FIT ? FIT.rows.map((r) => [r.name, r]) : []);
  for (const p of PRESETS) {
    for (const t of p.targets ?? []) {
      if (t.collapseBelow !== undefined) continue;
      const set = settingsText(t.set);
      const row = set ? `${p.name} ${set}` : p.name;
      const f = fitRows.get(row);
      const fig: MeasuredFigure = {
        preset: p.name, row, metric: t.metric, measured_pps: t.measured, source: t.source,
        tolerance: t.tolerance ?? CALIBRATION_TOLERANCE,
        ...(t.gap ? { gap: t.gap } : {}),
        ...(t.tryWith ? { tryWith: t.tryWith } : {}),
        ...(f && FIT ? { fit: { model_pps: f.model_pps, error: f.error, loo_error: f.loo_error, row_duration_ms: FIT.row_duration_ms } } : {}),
      };
      const scenario = presetScenario(p, t.set);
      const k = key(scenario);
      if (!m.has(k)) {
        m.set(k, fig);
        rowScenarios.push({ scenario, fig });
      }
    }
  }
  return { byKey: m, rows: rowScenarios };
}

/** The calibration row this scenario reproduces, or null. */
export function measuredFigureFor(s: Scenario): MeasuredFigure | null {
  index ??= build();
  return index.byKey.get(key(s)) ?? null;
}

/** The path a calibration row and a scenario are compared by: a driver, a workload, kernel or netmap. */
export interface CalibrationPath {
  driver: NicDriver;
  workload: Workload;
  /** Transmit through netmap (pkt-gen) rather than the kernel's if_transmit. */
  netmap: boolean;
}

/** What stands behind the host's speed per cycle: Broadwell is the reference, the others a constant. */
export interface HostEvidence {
  /** The host preset's title, and its core's microarchitecture. */
  title: string;
  /** host.preset=custom: none of calibration.md's machines. */
  custom: boolean;
  microarch: string;
  /** The constant that scales Broadwell cycles to this core (null for Broadwell itself). */
  ipc: { name: string; value: number; kind: 'fitted' | 'prior' | 'sourced' } | null;
  /** Calibration rows measured on this host (any path). */
  rows: number;
}

export interface CalibrationEvidence {
  path: CalibrationPath;
  host: HostEvidence;
  /** The calibration rows on this path, in the fit's order, with the fit's errors on each. */
  rows: { row: string; preset: string; host: string; host_title: string; measured_pps: number; error: number; loo_error: number }[];
  /** Least and greatest leave-one-out error over those rows (NaN with none). */
  loo_min: number;
  loo_max: number;
}

function pathOf(s: Scenario): CalibrationPath | null {
  if (s.traffic.workload === 'ring') return null; // no NIC, no driver: nothing fitted applies
  const nic = findNic(s.nic.model);
  if (!nic) return null;
  return { driver: nic.driver, workload: s.traffic.workload, netmap: s.traffic.workload === 'transmit' && s.tx.path === 'netmap' };
}

/** A calibration path as people say it: "cxgbe forwarding", "ixl netmap transmit", "mlx5en receive". */
export function calibrationPathText(p: CalibrationPath): string {
  const what = p.workload === 'forward' ? 'forwarding' : p.workload === 'transmit' ? (p.netmap ? 'netmap transmit' : 'kernel transmit') : p.workload;
  return `${p.driver} ${what}`;
}

/**
 * What the host's speed per cycle rests on, as one sentence (the page and the CLI say the same):
 * Broadwell is the cycles' reference; another core's factor is fitted to its rows or a prior.
 */
export function hostEvidenceText(h: HostEvidence): string {
  const rows = `${h.rows} calibration row${h.rows === 1 ? '' : 's'}`;
  const core = CORE_NAMES[h.microarch] ?? h.microarch;
  if (!h.ipc) {
    if (h.custom) return "A custom host is none of calibration.md's machines: its cores are taken as Broadwell's, cycle for cycle.";
    return h.rows > 0 ? `The host, ${h.title}, has ${rows} of its own; Broadwell cycles are the model's reference.` : `The host, ${h.title}, has no calibration row; Broadwell cycles are the model's reference.`;
  }
  const f = `${Number(h.ipc.value.toPrecision(3))}× a Broadwell core's work per cycle (${h.ipc.name})`;
  return h.ipc.kind === 'fitted'
    ? `The host's ${core} cores do ${f}, fitted to its ${rows}.`
    : `The host's ${core} cores do ${f}, a ${h.ipc.kind} no row fixes (the host has ${rows}): every figure on it scales with that guess.`;
}

/**
 * The leave-one-out errors of a path's rows, each written by `pct`: the one row's ("+14.1 %"), or
 * least … greatest ("−71.8 % … +47.2 %"). The page and the CLI format percentages their own way.
 */
export function looRange(e: CalibrationEvidence, pct: (x: number) => string): string {
  return e.rows.length === 1 ? pct(e.loo_min) : `${pct(e.loo_min)} … ${pct(e.loo_max)}`;
}

const CORE_NAMES: Record<string, string> = { broadwell: 'Broadwell', zen4: 'Zen 4', silvermont: 'Silvermont', jaguar: 'Jaguar' };

const samePath = (a: CalibrationPath, b: CalibrationPath) => a.driver === b.driver && a.workload === b.workload && a.netmap === b.netmap;

type EvidenceRow = CalibrationEvidence['rows'][number] & { path: CalibrationPath };
/** The fitted rows with their paths, in the fit's order (built once). */
let evidenceRows: EvidenceRow[] | null = null;

function buildEvidence(): EvidenceRow[] {
  index ??= build();
  const order = new Map((FIT?.rows ?? []).map((r, i) => [r.name, i]));
  return index.rows
    .flatMap(({ scenario, fig }) => {
      const path = pathOf(scenario);
      const h = scenario.host.preset;
      return path && fig.fit ? [{ path, row: fig.row, preset: fig.preset, host: h, host_title: findHost(h)?.title ?? h, measured_pps: fig.measured_pps, error: fig.fit.error, loo_error: fig.fit.loo_error }] : [];
    })
    .sort((a, b) => (order.get(a.row) ?? 0) - (order.get(b.row) ?? 0));
}

/**
 * The calibration rows that run `s`'s driver through its path (forwarding, kernel or netmap
 * transmit, receive), with the fitter's in-sample and leave-one-out errors on each: how far the
 * model misses a measurement of that path it was not fitted to. Null for the ring workload.
 */
export function calibrationEvidence(s: Scenario): CalibrationEvidence | null {
  const path = pathOf(s);
  if (!path) return null;
  evidenceRows ??= buildEvidence();
  const rows = evidenceRows.filter((r) => samePath(r.path, path)).map(({ path: _path, ...r }) => r);
  const loo = rows.map((r) => r.loo_error);
  const hc = HOST_COSTS[s.host.preset] ?? HOST_COSTS.custom!;
  const spec = PARAM_SPECS.find((p) => p.name === `ipc.${hc.microarch}`);
  const preset = findHost(s.host.preset);
  const host: HostEvidence = {
    title: preset?.title ?? s.host.preset,
    custom: preset?.custom ?? true,
    microarch: hc.microarch,
    ipc: spec ? { name: spec.name, value: PARAMS[spec.name]!, kind: spec.kind } : null,
    rows: evidenceRows.filter((r) => r.host === s.host.preset).length,
  };
  return { path, host, rows, loo_min: loo.length ? Math.min(...loo) : NaN, loo_max: loo.length ? Math.max(...loo) : NaN };
}
