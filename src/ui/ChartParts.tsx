/**
 * Pieces the charts share: the width of a chart's box (points are reduced to its pixel columns),
 * an HTML legend above the plot (it wraps on a narrow screen instead of running into the plot),
 * and a tooltip that gives each line's value with its column's min–max where a band is drawn.
 */
import { useLayoutEffect, useRef, useState, type RefObject } from 'react';
import type { niceAxis } from './chartScale';
import type { TooltipContentProps, TooltipValueType } from 'recharts';
import { bandKey } from './chartScale';

/** Width of an element in CSS pixels, kept up to date. */
export function useWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [w, setW] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setW(el.clientWidth);
    const ro = new ResizeObserver(() => setW(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, w];
}

export interface LegendItem {
  key: string;
  label: string;
  color: string;
  /** SVG dash pattern of the line ('' or undefined: solid). */
  dash?: string;
  /** Drawn as a shaded band (a range), not a line. */
  band?: boolean;
  width?: number;
  /** A tooltip (what FreeBSD calls it). */
  title?: string;
}

/** The legend of a chart, in HTML above the plot: line samples with their dash, bands as boxes. */
export function ChartLegend({ items, testId, more }: { items: readonly LegendItem[]; testId?: string; more?: string }) {
  if (items.length === 0 && !more) return null;
  return (
    <ul className="chart-legend" data-testid={testId}>
      {items.map((it) => (
        <li key={it.key} title={it.title}>
          <svg className="legend-mark" width="22" height="10" aria-hidden="true">
            {it.band ? (
              <rect x="1" y="1" width="20" height="8" rx="1" fill={it.color} fillOpacity={0.25} stroke={it.color} strokeOpacity={0.5} />
            ) : (
              <line x1="1" y1="5" x2="21" y2="5" stroke={it.color} strokeWidth={Math.max(1.5, it.width ?? 2)} strokeDasharray={it.dash || undefined} />
            )}
          </svg>
          {it.label}
        </li>
      ))}
      {more && <li className="muted">{more}</li>}
    </ul>
  );
}

type Payload = TooltipContentProps<TooltipValueType, string | number>;

/**
 * Tooltip for charts with envelope bands: one row per line (bands are not rows), the line's
 * value, and its column's range when the points stand for several frames.
 */
export function BandTooltip({ active, payload, label, format, title }: Payload & { format: (v: number) => string; title: (t: unknown) => string }) {
  if (!active || !payload || payload.length === 0) return null;
  const point = (payload[0]?.payload ?? {}) as Record<string, unknown>;
  const rows = payload.filter((p) => typeof p.value === 'number' && Number.isFinite(p.value) && !String(p.dataKey).endsWith('__band'));
  return (
    <div className="recharts-default-tooltip chart-tooltip">
      <div className="chart-tooltip-title">{title(label)}</div>
      {rows.map((p) => {
        const band = point[bandKey(String(p.dataKey))];
        const range = Array.isArray(band) && band[0] !== band[1] ? ` (${format(band[0] as number)}–${format(band[1] as number)})` : '';
        return (
          <div key={String(p.dataKey)} className="chart-tooltip-row">
            <span className="swatch" style={{ background: p.color }} aria-hidden="true" />
            <span>{p.name}</span>
            <span className="num">
              {format(Number(p.value))}
              {range}
            </span>
          </div>
        );
      })}
    </div>
  );
}

type Axis = ReturnType<typeof niceAxis>;

/**
 * The same axis object while its domain and ticks are unchanged: Recharts re-registers an axis
 * whose props change identity, a second layout pass of the whole chart (docs/PERFORMANCE.md).
 */
export function useStableAxis(axis: Axis): Axis {
  const last = useRef(axis);
  const a = last.current;
  const same = a.domain[0] === axis.domain[0] && a.domain[1] === axis.domain[1] && a.ticks.length === axis.ticks.length && a.ticks.every((t, i) => t === axis.ticks[i]);
  if (!same) last.current = axis;
  return last.current;
}
