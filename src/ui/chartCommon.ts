/** Shared by the chart components: margins, axis decorations, formatters and time tables. */
import { FRAME_SERIES, type SeriesInfo } from '../engine';
import type { TableSpec } from './ChartFigure';
import type { Point } from './chartData';
import type { ChartPalette } from './chartTheme';
import { formatTrim } from './format';

export const TIME = FRAME_SERIES[0];

/**
 * How often the live views redraw while a run streams (ms), and when (the phase on a shared
 * clock, see useThrottled): the packet-rate chart often, the others less often and each in its
 * own slot, so no two of them redraw in the same task (e2e/perf.spec.ts measures the result).
 */
export const REDRAW = {
  rateMs: 100,
  ratePhase: 50,
  secondaryMs: 400,
  phase: { queues: 0, drops: 80, cpu: 160, small: 240, diagram: 320 },
} as const;
export const RATE_UNIT = 'Mpps';

// All time charts share margins so their time axes line up; the right margin holds the line-rate label.
export const MARGIN = { top: 8, right: 64, bottom: 22, left: 8 };
export const tickNumber = (v: number) => formatTrim(v, 3);
export const timeLabel = (t: unknown) => `t = ${formatTrim(Number(t))} ${TIME.unit}`;

export interface Axes {
  tick: { fill: string; fontSize: number };
  xLabel: { value: string; position: 'insideBottom'; offset: number; fill: string; fontSize: number };
  yLabel: (unit: string, dy?: number) => { value: string; angle: number; position: 'insideLeft'; fill: string; fontSize: number; dy: number };
}

const AXES = new WeakMap<ChartPalette, Axes>();

/**
 * Axis decorations in the theme's colours. The same objects for the same palette (and unit):
 * Recharts re-registers an axis whenever a prop changes identity, which costs a second layout
 * pass of the whole chart on every data update.
 */
export function axes(pal: ChartPalette): Axes {
  const hit = AXES.get(pal);
  if (hit) return hit;
  const labels = new Map<string, ReturnType<Axes['yLabel']>>();
  const ax: Axes = {
    tick: { fill: pal.axis, fontSize: 12 },
    xLabel: { value: `${TIME.label} (${TIME.unit})`, position: 'insideBottom', offset: -14, fill: pal.axis, fontSize: 12 },
    yLabel: (unit, dy = 0) => {
      const key = `${dy}\u0000${unit}`;
      let l = labels.get(key);
      if (!l) {
        l = { value: unit, angle: -90, position: 'insideLeft', fill: pal.axis, fontSize: 12, dy };
        labels.set(key, l);
      }
      return l;
    },
  };
  AXES.set(pal, ax);
  return ax;
}

/** A time-series table: one row per drawn point, one column per series. */
export function timeTable(caption: string, data: Point[], series: readonly SeriesInfo[], unit: string, digits = 3): TableSpec {
  return {
    caption,
    columns: [{ key: 't', label: `${TIME.label} (${TIME.unit})`, num: true }, ...series.map((s) => ({ key: s.key, label: `${s.label} (${unit})`, num: true }))],
    rows: data.map((p) => {
      const r: Record<string, string> = { t: formatTrim(p.t ?? NaN, 3) };
      for (const s of series) r[s.key] = formatTrim(p[s.key] ?? NaN, digits);
      return r;
    }),
  };
}
