import { describe, expect, it } from 'vitest';
import { ENGINE_VERSION, PRESETS, defaultScenario, presetScenario, runScenario, setPath } from '../engine';
import type { FrameColumns } from '../state/store';
import { framesCsv as cliFramesCsv } from '../cli/format';
import { exportName, framesCsv, presetOf, summaryExport, summaryJson } from './exportData';

describe('exports', () => {
  const p = PRESETS.find((x) => x.name === 'fewer-queues-than-cores')!;
  const s = setPath(presetScenario(p), 'sim.duration_ms', 1);
  const run = runScenario(s);
  const sim = { series: Object.keys(run.frames.columns).map((key) => ({ key, label: key, unit: '', group: 'rate' as const })) };
  const frames: FrameColumns = { count: run.frames.columns.t_ms!.length, columns: run.frames.columns };

  it('summary JSON is the engine Summary as is, with the engine version', () => {
    expect(summaryExport(run.summary)).toEqual({ engine_version: ENGINE_VERSION, summary: run.summary });
    expect(JSON.parse(summaryJson(run.summary))).toEqual(JSON.parse(JSON.stringify({ engine_version: ENGINE_VERSION, summary: run.summary })));
  });

  it('frames CSV: a header of series keys, a row per frame, numbers in full precision', () => {
    const lines = framesCsv(frames, sim.series).trimEnd().split('\n');
    expect(lines[0]!.split(',')).toEqual(sim.series.map((x) => x.key));
    expect(lines).toHaveLength(1 + frames.count);
    const row = lines[1]!.split(',').map(Number);
    sim.series.forEach((x, i) => expect(row[i]).toBe(frames.columns[x.key]![0]));
    // A missing value is an empty field.
    const gap: FrameColumns = { count: 2, columns: { t_ms: Float64Array.from([1, 2]), a: Float64Array.from([NaN, 3]) } };
    expect(framesCsv(gap, [{ key: 't_ms', label: '', unit: 'ms', group: 'rate' }])).toBe('t_ms,a\n1,\n2,3\n');
    // ±Infinity is a value, written as the CLI writes it (one CSV writer), not an empty field.
    const inf: FrameColumns = { count: 1, columns: { t_ms: Float64Array.from([1]), a: Float64Array.from([Infinity]), b: Float64Array.from([-Infinity]) } };
    expect(framesCsv(inf, [])).toBe('t_ms,a,b\n1,Infinity,-Infinity\n');
    // The page's export and `npm run sim -- --format csv` are the same text for the same run.
    expect(framesCsv(frames, sim.series)).toBe(cliFramesCsv(run.frames));
  });

  it('names files after the preset, or "custom"', () => {
    expect(presetOf(presetScenario(p))).toBe(p.name);
    expect(exportName(presetScenario(p), 'rate', 'png')).toBe(`ringlab-${p.name}-rate.png`);
    expect(exportName(setPath(presetScenario(p), 'sim.seed', 99), 'summary', 'json')).toBe('ringlab-custom-summary.json');
    expect(exportName(null, 'frames', 'csv')).toBe('ringlab-custom-frames.csv');
    expect(exportName(defaultScenario(), 'a b/c', 'png')).toMatch(/^ringlab-[A-Za-z0-9._-]+-a-b-c\.png$/);
  });
});
