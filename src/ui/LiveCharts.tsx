/**
 * The per-queue and drops-by-location charts (Recharts), reduced to the plot's pixel columns like
 * the other time charts: up to six queues as lines, more as their range, median and busiest
 * three; drops as stacked areas of each column's mean, with A's total dashed when pinned.
 */
import { memo, useMemo } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, Tooltip, XAxis, YAxis, type TooltipContentProps, type TooltipValueType } from 'recharts';
import { DROP_LABELS, type DropLocation, type SeriesInfo } from '../engine';
import type { BaselineRun } from '../state/compare';
import { useApp } from '../state/app';
import type { FrameColumns } from '../state/store';
import type { Theme } from '../state/theme';
import { ChartFigure } from './ChartFigure';
import { ChartLegend, useStableAxis, useWidth } from './ChartParts';
import { BASELINE_PREFIX, activeDropSeries, finiteStats, framePoints, mergeByTime, prefixPoints, rankByMean, seriesWithRole } from './chartData';
import { QUEUE_SUMMARY, columnsFor, envelopePoints, niceAxis, pointRange, queueSummary } from './chartScale';
import { MARGIN, RATE_UNIT, axes, tickNumber, timeLabel, timeTable } from './chartCommon';
import { chartPalette, muted, queueColor } from './chartTheme';

/** Legends and tooltips of many-line charts list this many series (the table has them all). */
const LEGEND_MAX = 8;
const QUEUE_STYLE = { width: '100%', height: 220 };
const DROPS_STYLE = { width: '100%', height: 220 };
const mppsValue = (v: unknown) => `${Number(v).toFixed(3)} ${RATE_UNIT}`;

interface TimeChartProps {
  frames: FrameColumns;
  series: readonly SeriesInfo[];
  /** The pinned baseline (A) with its frames, or null. */
  baseline: BaselineRun | null;
  xDomain: [number, number];
  /** Round ticks on the time axis (the same on every time chart). */
  xTicks: number[];
  theme: Theme;
  pngName?: string;
}

const toMpps = () => 1e-6;
/** Plot width inside a chart box (y axis and margins are not plot). */
const PLOT_PAD = 64 + MARGIN.left + MARGIN.right;
const plotColumns = (width: number, n: number) => columnsFor(width > 0 ? width - PLOT_PAD : 340, n);

/** Up to this many queues the chart draws one line each; more are summarised (range, median, busiest). */
const QUEUE_LINES_MAX = 6;
/** The busiest queues drawn as lines beside the summary. */
const BUSIEST = 3;

/** Tooltip for many lines: the largest values at that time, then how many more. */
function TopTooltip({ active, payload, label }: TooltipContentProps<TooltipValueType, string | number>) {
  if (!active || !payload || payload.length === 0) return null;
  const items = payload
    .filter((p) => typeof p.value === 'number' && Number.isFinite(p.value))
    .sort((a, b) => Number(b.value) - Number(a.value));
  const shown = items.slice(0, LEGEND_MAX);
  return (
    <div className="recharts-default-tooltip chart-tooltip">
      <div className="chart-tooltip-title">{timeLabel(label)}</div>
      {shown.map((p) => (
        <div key={String(p.dataKey)} className="chart-tooltip-row">
          <span className="swatch" style={{ background: p.color }} aria-hidden="true" />
          <span>{p.name}</span>
          <span className="num">{mppsValue(p.value)}</span>
        </div>
      ))}
      {items.length > shown.length && <div className="muted small">and {items.length - shown.length} more (lower)</div>}
    </div>
  );
}

/**
 * How the per-queue chart treats a baseline: A's lines are drawn (dashed, same colour) only when A
 * has exactly B's queues and few enough of them that doubling the lines stays readable.
 */
function queueOverlay(queues: readonly SeriesInfo[], baseline: BaselineRun | null): { overlay: boolean; note: string } {
  if (!baseline) return { overlay: false, note: '' };
  const aq = seriesWithRole(baseline.series, 'queue');
  const same = aq.length === queues.length && aq.every((s, i) => s.key === queues[i]!.key);
  if (!same) return { overlay: false, note: '; B only: A has a different set of queues' };
  if (queues.length > LEGEND_MAX) return { overlay: false, note: `; B only: A's ${queues.length} lines would hide B's` };
  return { overlay: true, note: '; A dashed' };
}

export const QueueChart = memo(function QueueChart({ frames, series, baseline, xDomain, xTicks, theme, pngName }: TimeChartProps) {
  const pal = chartPalette(theme);
  const ax = axes(pal);
  const [ref, width] = useWidth<HTMLDivElement>();
  const queues = useMemo(() => seriesWithRole(series, 'queue'), [series]);
  const colors = useMemo(() => new Map(queues.map((s, i) => [s.key, queueColor(i, theme)])), [queues, theme]);
  const summary = queues.length > QUEUE_LINES_MAX;
  const { overlay, note } = useMemo(() => queueOverlay(queues, baseline), [queues, baseline]);
  const aLines = useMemo(() => (overlay ? queues.map((s) => ({ ...s, key: BASELINE_PREFIX + s.key, label: `A: ${s.label}` })) : []), [overlay, queues]);
  // The busiest queues by mean; re-ranked when the set of queues changes or the run ends, so the
  // lines do not swap on every batch.
  const done = useApp((s) => s.status === 'done');
  const busiest = useMemo(() => (summary && frames.count > 0 ? rankByMean(frames, queues).slice(0, BUSIEST) : []), [queues, done, summary]); // eslint-disable-line react-hooks/exhaustive-deps
  const cols = plotColumns(width, frames.count);
  const data = useMemo(() => {
    const keys = queues.map((s) => s.key);
    if (summary) return queueSummary(frames, keys, busiest.map((s) => s.key), cols, 1e-6);
    const a = overlay && baseline ? prefixPoints(envelopePoints(baseline.frames, keys, cols, 1e-6)) : [];
    return mergeByTime(envelopePoints(frames, keys, cols, 1e-6), a);
  }, [queues, summary, frames, busiest, cols, overlay, baseline]);
  const y = useStableAxis(
    useMemo(() => {
      const r = pointRange(data, summary ? [QUEUE_SUMMARY.median, ...busiest.map((s) => s.key)] : [...queues.map((s) => s.key), ...aLines.map((s) => s.key)]);
      let max = r.max;
      if (summary) for (const p of data) max = Math.max(max, ((p as Record<string, unknown>)[QUEUE_SUMMARY.band] as number[] | undefined)?.[1] ?? -Infinity);
      return niceAxis(0, max, 5, true);
    }, [data, summary, busiest, queues, aLines]),
  );
  const tableData = () => {
    const keys = queues.map((s) => s.key);
    const a = overlay && baseline ? prefixPoints(framePoints(baseline.frames, keys, { scale: toMpps })) : [];
    return mergeByTime(framePoints(frames, keys, { scale: toMpps }), a);
  };
  if (queues.length === 0) return null;
  const what = queues[0]!.noun ?? 'queue';
  const bandColor = pal.axis;
  const legend = summary
    ? [
        { key: 'range', label: `range over the ${queues.length} ${what}s (least to most busy)`, color: bandColor, band: true },
        { key: 'median', label: `median ${what}`, color: bandColor, dash: '6 3', width: 2 },
        ...busiest.map((s, i) => ({ key: s.key, label: `${i === 0 ? 'busiest: ' : ''}${s.label}`, color: colors.get(s.key)!, width: 1.5 })),
      ]
    : [...queues.map((s) => ({ key: s.key, label: s.label, color: colors.get(s.key)!, width: 1.5 })), ...(aLines.length > 0 ? [{ key: 'a', label: 'A: dashed', color: pal.ref, dash: '5 4' }] : [])];
  return (
    <ChartFigure
      testId="chart-queues"
      title={`Per ${what}`}
      note={`(${RATE_UNIT}; ${queues.length} ${what}${queues.length === 1 ? '' : 's'}${summary ? ': their range, median and busiest' : ''}${summary && baseline ? '; B only' : note})`}
      dataAttrs={{ 'data-series': queues.length, 'data-points': data.length, 'data-frames': frames.count, 'data-baseline': summary ? 0 : aLines.length, 'data-summary': summary ? 'true' : 'false' }}
      pngName={pngName}
      table={frames.count > 0 ? () => timeTable(`Packets per second per ${what}, ${RATE_UNIT}`, tableData(), [...queues, ...aLines], RATE_UNIT) : null}
    >
      <div ref={ref}>
        <ChartLegend testId="chart-queues-legend" items={legend} more={summary ? `all ${queues.length} in the table` : undefined} />
        <ComposedChart responsive style={QUEUE_STYLE} data={data} margin={MARGIN} accessibilityLayer={false}>
          <CartesianGrid stroke={pal.grid} />
          <XAxis dataKey="t" type="number" domain={xDomain} ticks={xTicks} allowDataOverflow tick={ax.tick} tickFormatter={tickNumber} label={ax.xLabel} />
          <YAxis width={64} domain={y.domain} ticks={y.ticks} allowDataOverflow tick={ax.tick} tickFormatter={tickNumber} label={ax.yLabel(RATE_UNIT)} />
          <Tooltip content={TopTooltip} isAnimationActive={false} />
          {summary && (
            <Area type="linear" dataKey={QUEUE_SUMMARY.band} name={`range over ${queues.length} ${what}s`} stroke="none" fill={bandColor} fillOpacity={0.18} isAnimationActive={false} activeDot={false} tooltipType="none" connectNulls />
          )}
          {summary && (
            <Line type="linear" dataKey={QUEUE_SUMMARY.median} name={`median ${what}`} stroke={bandColor} strokeWidth={2} strokeDasharray="6 3" dot={false} connectNulls isAnimationActive={false} />
          )}
          {aLines.map((s, i) => (
            <Line key={s.key} type="linear" dataKey={s.key} name={s.label} stroke={colors.get(queues[i]!.key)} strokeOpacity={0.5} strokeWidth={1.25} strokeDasharray="5 4" dot={false} activeDot={false} connectNulls isAnimationActive={false} />
          ))}
          {(summary ? busiest : queues).map((s) => (
            <Line key={s.key} type="linear" dataKey={s.key} name={s.label} stroke={colors.get(s.key)} strokeWidth={1.5} dot={false} connectNulls isAnimationActive={false} />
          ))}
        </ComposedChart>
      </div>
    </ChartFigure>
  );
});

/** A drop-location series' location (its metadata, never its key). */
function locationOf(s: SeriesInfo): DropLocation | null {
  return s.role === 'drop_at' && s.id && s.id in DROP_LABELS ? (s.id as DropLocation) : null;
}

function dropLabel(s: SeriesInfo): string {
  const loc = locationOf(s);
  return loc ? `${loc}: ${DROP_LABELS[loc].label}` : s.label;
}

function dropColor(s: SeriesInfo, pal: ReturnType<typeof chartPalette>): string {
  const loc = locationOf(s);
  return loc ? pal.drops[loc] : pal.series.drops_pps;
}

/** A's drops, all locations together: the one drops line that compares across scenarios. */
const DROPS_TOTAL = 'drops_pps';
const A_DROPS = { key: BASELINE_PREFIX + DROPS_TOTAL, label: 'A: baseline drops, all locations', unit: 'pps', group: 'drops' } as const satisfies SeriesInfo;

export const DropsChart = memo(function DropsChart({ frames, series, baseline, xDomain, xTicks, theme, pngName }: TimeChartProps) {
  const pal = chartPalette(theme);
  const ax = axes(pal);
  const [ref, width] = useWidth<HTMLDivElement>();
  const active = useMemo(() => activeDropSeries(frames, series), [frames, series]);
  const keys = useMemo(() => active.map((s) => s.key).join(','), [active]);
  // A's total is drawn when A dropped anything (or B did: then "A: none" is worth seeing).
  const aShown = baseline !== null && baseline.frames.columns[DROPS_TOTAL] !== undefined && (finiteStats(baseline.frames, DROPS_TOTAL).max > 0 || active.length > 0);
  const cols = plotColumns(width, frames.count);
  // Stacked areas: each column's mean per location (a band per layer would not stack).
  const data = useMemo(() => {
    const a = aShown ? prefixPoints(envelopePoints(baseline!.frames, [DROPS_TOTAL], cols, 1e-6)) : [];
    return mergeByTime(envelopePoints(frames, keys ? keys.split(',') : [], cols, 1e-6), a);
  }, [frames, keys, aShown, baseline, cols]);
  const y = useStableAxis(useMemo(() => {
    let max = -Infinity;
    const ks = keys ? keys.split(',') : [];
    for (const p of data) {
      let sum = 0;
      for (const k of ks) sum += Number.isFinite(p[k]) ? p[k]! : 0;
      max = Math.max(max, sum, Number.isFinite(p[A_DROPS.key]) ? p[A_DROPS.key]! : -Infinity);
    }
    return niceAxis(0, max, 5, true);
  }, [data, keys]));
  const tableData = () => {
    const a = aShown ? prefixPoints(framePoints(baseline!.frames, [DROPS_TOTAL], { scale: toMpps })) : [];
    return mergeByTime(framePoints(frames, keys ? keys.split(',') : [], { scale: toMpps }), a);
  };
  const labelled = useMemo(() => active.map((s) => ({ ...s, label: dropLabel(s) })), [active]);
  const legend = [
    ...labelled.map((s) => {
      const loc = locationOf(s);
      return { key: s.key, label: s.label, color: dropColor(s, pal), band: true, ...(loc ? { title: `FreeBSD: ${DROP_LABELS[loc].freebsd}` } : {}) };
    }),
    ...(aShown ? [{ key: A_DROPS.key, label: A_DROPS.label, color: muted(pal.series.drops_pps, pal), dash: '5 4' }] : []),
  ];
  const none = frames.count > 0 && active.length === 0;
  return (
    <ChartFigure
      testId="chart-drops"
      title="Drops by location"
      note={`(${RATE_UNIT}, stacked)`}
      dataAttrs={{ 'data-series': active.length, 'data-frames': frames.count, 'data-baseline': aShown ? 1 : 0 }}
      pngName={pngName}
      table={frames.count > 0 ? () => timeTable(`Drops per second by location, ${RATE_UNIT}`, tableData(), aShown ? [...labelled, A_DROPS] : labelled, RATE_UNIT) : null}
    >
      <div ref={ref}>
      <ChartLegend items={legend} testId="chart-drops-legend" />
      <ComposedChart responsive style={DROPS_STYLE} data={data} margin={MARGIN} accessibilityLayer={false}>
        <CartesianGrid stroke={pal.grid} />
        <XAxis dataKey="t" type="number" domain={xDomain} ticks={xTicks} allowDataOverflow tick={ax.tick} tickFormatter={tickNumber} label={ax.xLabel} />
        <YAxis width={64} domain={y.domain} ticks={y.ticks} allowDataOverflow tick={ax.tick} tickFormatter={tickNumber} label={ax.yLabel(RATE_UNIT)} />
        <Tooltip labelFormatter={timeLabel} formatter={mppsValue} isAnimationActive={false} />
        {labelled.map((s) => (
          <Area
            key={s.key}
            type="linear"
            dataKey={s.key}
            name={s.label}
            stackId="drops"
            stroke={dropColor(s, pal)}
            fill={dropColor(s, pal)}
            fillOpacity={0.55}
            strokeWidth={1.25}
            dot={false}
            activeDot={false}
            isAnimationActive={false}
          />
        ))}
        {aShown && (
          <Line type="linear" dataKey={A_DROPS.key} name={A_DROPS.label} stroke={muted(pal.series.drops_pps, pal)} strokeWidth={1.5} strokeDasharray="5 4" legendType="plainline" dot={false} activeDot={false} connectNulls isAnimationActive={false} />
        )}
      </ComposedChart>
      </div>
      {none && <div className="chart-empty">{aShown ? 'No drops in this run so far' : 'No drops so far'}</div>}
    </ChartFigure>
  );
});
