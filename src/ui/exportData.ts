/**
 * What the export buttons download, built from what the store holds. Pure (no DOM): the summary
 * JSON, the frames CSV and the file names. The PNG of a chart is exportPng.ts.
 *
 * - Summary JSON: `{ "engine_version": "0.3.0", "summary": <the engine's Summary, as is> }`.
 * - Frames CSV: one header row of series keys (the run's columns, in the engine's order: the
 *   columns `npm run sim -- --format csv` prints), then one row per recorded frame. Units are in
 *   the keys (`t_ms`, `*_pps`, `latency_us`) or in SERIES_UNITS_NOTE; numbers are written in full
 *   precision, a missing value is an empty field (engine/csv.ts writes every CSV: ±Infinity as
 *   `Infinity`/`-Infinity`, text that a spreadsheet would run as a formula prefixed with `'`).
 */
import { ENGINE_VERSION, PRESETS, columnsCsv, presetScenario, type Scenario, type SeriesInfo, type Summary } from '../engine';
import { sameScenario } from '../state/compare';
import type { FrameColumns } from '../state/store';

export interface SummaryExport {
  engine_version: string;
  summary: Summary;
}

export function summaryExport(summary: Summary): SummaryExport {
  return { engine_version: ENGINE_VERSION, summary };
}

export function summaryJson(summary: Summary): string {
  return `${JSON.stringify(summaryExport(summary), null, 2)}\n`;
}

/** Every recorded column, in the run's series order (then any column the series list lacks). */
export function csvKeys(frames: FrameColumns, series: readonly SeriesInfo[]): string[] {
  const keys = series.map((s) => s.key).filter((k) => frames.columns[k]);
  for (const k of Object.keys(frames.columns)) if (!keys.includes(k)) keys.push(k);
  return keys;
}

export function framesCsv(frames: FrameColumns, series: readonly SeriesInfo[]): string {
  return columnsCsv(csvKeys(frames, series), frames.columns, frames.count);
}

let presetScenarios: { name: string; scenario: Scenario }[] | null = null;
const presetCache = new WeakMap<Scenario, string | null>();

/** The preset a scenario is (exactly), else null. Cached per scenario object (views ask often). */
export function presetOf(s: Scenario): string | null {
  const hit = presetCache.get(s);
  if (hit !== undefined) return hit;
  presetScenarios ??= PRESETS.flatMap((p) => {
    try {
      return [{ name: p.name, scenario: presetScenario(p) }];
    } catch {
      return []; // an invalid preset is never a match
    }
  });
  const name = presetScenarios.find((p) => sameScenario(p.scenario, s))?.name ?? null;
  presetCache.set(s, name);
  return name;
}

/** `ringlab-<preset or custom>-<what>.<ext>`, safe as a file name. */
export function exportName(scenario: Scenario | null, what: string, ext: string): string {
  const base = (scenario && presetOf(scenario)) ?? 'custom';
  const clean = (x: string) => x.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return `ringlab-${clean(base)}-${clean(what)}.${ext}`;
}
