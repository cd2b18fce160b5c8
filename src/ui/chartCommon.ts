/** Shared by the chart components: margins, axis decorations, formatters and time tables. */
import { FRAME_SERIES, type SeriesInfo } from '../engine';
import type { TableSpec } from './ChartFigure';
import type { Point } from './chartData';
import type { ChartPalette } from './chartTheme';
import { formatTrim } from './format';

export const TIME = FRAME_SERIES[0];
export const RATE_UNIT = 'Mpps';

// All time charts share margins so their time axes line up; the right margin holds the line-rate label.
export const MARGIN = { top: 8, right: 64, bottom: 22, left: 8 };
export const tickNumber = (v: number) => formatTrim(v, 3);
export const timeLabel = (t: unknown) => `t = ${formatTrim(Number(t))} ${TIME.unit}`;

/** Axis decorations in the theme's colours. */
export function axes(pal: ChartPalette) {
  return {
    tick: { fill: pal.axis, fontSize: 12 },
    xLabel: { value: `${TIME.label} (${TIME.unit})`, position: 'insideBottom', offset: -14, fill: pal.axis, fontSize: 12 } as const,
    yLabel: (unit: string, dy = 0) => ({ value: unit, angle: -90, position: 'insideLeft', fill: pal.axis, fontSize: 12, dy }) as const,
  };
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
