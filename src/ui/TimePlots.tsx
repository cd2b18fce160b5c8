/**
 * The time charts' plots (packet rate, the small charts, LRO): Recharts drawings of what
 * Charts.tsx hands them. Points are reduced to the plot's pixel columns keeping each column's
 * mean (the line) and its min–max (a shaded band, drawn where a series swings by more than a few
 * percent of the axis), so fast swings read as a band around the mean instead of a zigzag that
 * beats against the frame clock. Axes have round ticks (1, 2 or 5 × 10^k); legends are HTML above
 * the plot; the charts are not in the tab order (the Table button has the numbers).
 */
import { memo, useMemo, type ReactNode } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, ReferenceLine, Tooltip, XAxis, YAxis, type TooltipContentProps, type TooltipValueType } from 'recharts';
import type { BaselineRun } from '../state/compare';
import type { FrameColumns } from '../state/store';
import { BandTooltip, ChartLegend, useStableAxis, useWidth, type LegendItem } from './ChartParts';
import { MARGIN, RATE_UNIT, axes, tickNumber, timeLabel } from './chartCommon';
import { BASELINE_PREFIX, mergeByTime, prefixPoints, type Point } from './chartData';
import { bandKey, bandSpread, columnsFor, envelopePoints, niceAxis } from './chartScale';
import type { ChartPalette } from './chartTheme';
import { formatSig } from './format';

/** A drawn line: B's series, or A's copy of one (key prefixed, label "A: baseline …"). */
export interface Drawn {
  key: string;
  label: string;
  color: string;
  width: number;
  dash?: string;
  /** Lower draws first (underneath). */
  z: number;
  /** Legend and tooltip position: B's series in the engine's order, each A line after its B line. */
  order: number;
  baseline: boolean;
}

/** Plot width inside a chart box: the y axis (64 px) and the margins are not plot. */
const PLOT_PAD = 64 + MARGIN.left + MARGIN.right;
/** Before the box is measured: a typical desktop plot. */
const DEFAULT_PLOT_PX = 700;
/** A band is drawn where a series' column range spans more than this share of the axis. */
const BAND_MIN_SPREAD = 0.04;

/** The chart's points for its lines: B's envelope points, A's column means (prefixed), merged by time. */
function usePoints(frames: FrameColumns, baseline: BaselineRun | null, lines: readonly Drawn[], width: number, scale: number): Point[] {
  return useMemo(() => {
    const cols = columnsFor(width > 0 ? width - PLOT_PAD : DEFAULT_PLOT_PX, Math.max(frames.count, baseline?.frames.count ?? 0));
    const bKeys = lines.filter((l) => !l.baseline).map((l) => l.key);
    const aKeys = lines.filter((l) => l.baseline).map((l) => l.key.slice(BASELINE_PREFIX.length));
    const b = envelopePoints(frames, bKeys, cols, scale);
    const a = baseline && aKeys.length > 0 ? prefixPoints(envelopePoints(baseline.frames, aKeys, cols, scale)) : [];
    return mergeByTime(b, a);
  }, [frames, baseline, lines, width, scale]);
}

/** The largest value a chart must show: every line's points and the tops of B's bands. */
function dataMax(points: readonly Point[], lines: readonly Drawn[]): number {
  let max = -Infinity;
  for (const p of points) {
    const r = p as Record<string, unknown>;
    for (const l of lines) {
      const v = r[l.key];
      if (typeof v === 'number' && v > max) max = v;
      const b = r[bandKey(l.key)];
      if (Array.isArray(b) && (b[1] as number) > max) max = b[1] as number;
    }
  }
  return max;
}

/** B lines whose columns spread enough to draw their band. */
function bandedLines(points: readonly Point[], lines: readonly Drawn[], axisMax: number): Drawn[] {
  return lines.filter((l) => !l.baseline && bandSpread(points, l.key, axisMax) > BAND_MIN_SPREAD);
}

function renderBands(lines: readonly Drawn[]): ReactNode {
  return lines.map((l) => (
    <Area
      key={`${l.key}-band`}
      type="linear"
      dataKey={bandKey(l.key)}
      stroke="none"
      fill={l.color}
      fillOpacity={0.16}
      isAnimationActive={false}
      activeDot={false}
      legendType="none"
      tooltipType="none"
      connectNulls
    />
  ));
}

/** `markPoints`: draw a dot at each value of B's lines (for sparse series). */
export function renderLines(lines: readonly Drawn[], markPoints = false): ReactNode {
  return lines.map((l) => (
    <Line
      key={l.key}
      type="linear"
      dataKey={l.key}
      name={l.label}
      stroke={l.color}
      strokeWidth={l.width}
      strokeDasharray={l.dash}
      legendType="plainline"
      dot={markPoints && !l.baseline ? { r: 2.5, strokeWidth: 0, fill: l.color } : false}
      activeDot={l.baseline ? false : undefined}
      connectNulls
      isAnimationActive={false}
    />
  ));
}

/** The legend: lines in their order, and a line for the bands when any is drawn. */
function legendItems(lines: readonly Drawn[], banded: readonly Drawn[], pal: ChartPalette): LegendItem[] {
  const items: LegendItem[] = [...lines].sort((a, b) => a.order - b.order).map((l) => ({ key: l.key, label: l.label, color: l.color, dash: l.dash, width: l.width }));
  if (banded.length > 0) items.push({ key: '__band', label: 'shaded: the range of the frames behind each point', color: pal.axis, band: true });
  return items;
}

function useSorter(lines: readonly Drawn[]) {
  return useMemo(() => {
    const order = new Map(lines.map((l) => [l.key, l.order]));
    return (item: { dataKey?: unknown }) => order.get(String(item.dataKey)) ?? 99;
  }, [lines]);
}

interface TimeAxisProps {
  xDomain: [number, number];
  xTicks: number[];
}

const rateFormat = (v: number) => `${v.toFixed(3)} ${RATE_UNIT}`;

interface RateProps extends TimeAxisProps {
  frames: FrameColumns;
  baseline: BaselineRun | null;
  lines: readonly Drawn[];
  /** Line rate, pps (the reference line), or null. */
  lineRate: number | null;
  pal: ChartPalette;
  height: number;
}

export const RateChart = memo(function RateChart({ frames, baseline, lines, lineRate, pal, xDomain, xTicks, height }: RateProps) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const data = usePoints(frames, baseline, lines, width, 1e-6);
  const sorter = useSorter(lines);
  const ax = axes(pal);
  const y = useStableAxis(useMemo(() => niceAxis(0, Math.max(dataMax(data, lines), lineRate !== null ? lineRate / 1e6 : 0)), [data, lines, lineRate]));
  const banded = useMemo(() => bandedLines(data, lines, y.domain[1]), [data, lines, y]);
  const refLabel = useMemo(() => ({ value: 'line rate', position: 'right', fill: pal.axis, fontSize: 11 }) as const, [pal]);
  const style = useMemo(() => ({ width: '100%', height }), [height]);
  const tooltip = useMemo(() => (p: TooltipContentProps<TooltipValueType, string | number>) => <BandTooltip {...p} format={rateFormat} title={timeLabel} />, []);
  return (
    <div ref={ref}>
      <ChartLegend items={legendItems(lines, banded, pal)} testId="chart-rate-legend" />
      <ComposedChart responsive style={style} data={data} margin={MARGIN} accessibilityLayer={false}>
        <CartesianGrid stroke={pal.grid} />
        <XAxis dataKey="t" type="number" domain={xDomain} ticks={xTicks} allowDataOverflow tick={ax.tick} tickFormatter={tickNumber} label={ax.xLabel} />
        <YAxis width={64} domain={y.domain} ticks={y.ticks} allowDataOverflow tick={ax.tick} tickFormatter={tickNumber} label={ax.yLabel(RATE_UNIT)} />
        <Tooltip content={tooltip} isAnimationActive={false} itemSorter={sorter} />
        {lineRate !== null && <ReferenceLine y={lineRate / 1e6} stroke={pal.ref} strokeDasharray="5 4" label={refLabel} />}
        {renderBands(banded)}
        {renderLines(lines)}
      </ComposedChart>
    </div>
  );
});

interface SmallProps extends TimeAxisProps {
  frames: FrameColumns;
  baseline: BaselineRun | null;
  lines: readonly Drawn[];
  unit: string;
  pal: ChartPalette;
  testId: string;
}

export const SmallChart = memo(function SmallChart({ frames, baseline, lines, unit, pal, xDomain, xTicks, testId }: SmallProps) {
  const [ref, width] = useWidth<HTMLDivElement>();
  const data = usePoints(frames, baseline, lines, width, 1);
  const ax = axes(pal);
  const y = useStableAxis(useMemo(() => niceAxis(0, dataMax(data, lines), 4, true), [data, lines]));
  const banded = useMemo(() => bandedLines(data, lines, y.domain[1]), [data, lines, y]);
  const format = useMemo(() => (v: number) => `${formatSig(v)} ${unit}`, [unit]);
  const tooltip = useMemo(() => (p: TooltipContentProps<TooltipValueType, string | number>) => <BandTooltip {...p} format={format} title={timeLabel} />, [format]);
  // One line is named by the chart's title: its legend only explains the band.
  const items = legendItems(lines, banded, pal).filter((it) => lines.length > 1 || it.key === '__band');
  return (
    <div ref={ref}>
      {items.length > 0 && <ChartLegend items={items} testId={`${testId}-legend`} />}
      <ComposedChart responsive style={SMALL_STYLE} data={data} margin={MARGIN} accessibilityLayer={false}>
        <CartesianGrid stroke={pal.grid} />
        <XAxis dataKey="t" type="number" domain={xDomain} ticks={xTicks} allowDataOverflow tick={ax.tick} tickFormatter={tickNumber} label={ax.xLabel} />
        <YAxis width={64} domain={y.domain} ticks={y.ticks} allowDataOverflow tick={ax.tick} tickFormatter={tickNumber} label={ax.yLabel(unit, 36)} />
        <Tooltip content={tooltip} isAnimationActive={false} />
        {renderBands(banded)}
        {renderLines(lines)}
      </ComposedChart>
    </div>
  );
});
const SMALL_STYLE = { width: '100%', height: 170 };

// ---------------------------------------------------------------- LRO aggregation

export const LRO_KEY = 'lro_ratio';

/** The tooltip says what the ratio is, in the kernel's terms. */
function LroTooltip({ active, payload, label, unit, sorted }: TooltipContentProps<TooltipValueType, string | number> & { unit: string; sorted: boolean }) {
  if (!active || !payload || payload.length === 0) return null;
  return (
    <div className="recharts-default-tooltip chart-tooltip lro-tooltip">
      <div className="chart-tooltip-title">{timeLabel(label)}</div>
      {payload
        .filter((p) => typeof p.value === 'number' && Number.isFinite(p.value))
        .map((p) => (
          <div key={String(p.dataKey)} className="chart-tooltip-row">
            <span className="swatch" style={{ background: p.color }} aria-hidden="true" />
            <span>{p.name}</span>
            <span className="num">
              {formatSig(Number(p.value))} {unit}
            </span>
          </div>
        ))}
      <div className="muted small lro-tooltip-note">
        Packets LRO took in ({sorted ? 'tcp_lro_queue_mbuf, then tcp_lro_rx after the sort' : 'tcp_lro_rx'}) per segment that tcp_lro_flush
        handed to tcp_input, over this frame.
      </div>
    </div>
  );
}

interface LroProps extends TimeAxisProps {
  /** One point per frame (LRO flushes are sparse: no reduction). */
  data: Point[];
  lines: readonly Drawn[];
  unit: string;
  sorted: boolean;
  sparse: boolean;
  pal: ChartPalette;
}

const LRO_STYLE = { width: '100%', height: 300 };

export const LroChart = memo(function LroChart({ data, xDomain, xTicks, lines, unit, sorted, sparse, pal }: LroProps) {
  const ax = axes(pal);
  const content = useMemo(() => (p: TooltipContentProps<TooltipValueType, string | number>) => <LroTooltip {...p} unit={unit} sorted={sorted} />, [unit, sorted]);
  // From 0, so 1 (no aggregation) sits in proportion; at least up to 2.
  const y = useStableAxis(useMemo(() => niceAxis(0, Math.max(2, dataMax(data, lines))), [data, lines]));
  // Under the line: aggregation is never below 1, so nothing is drawn there.
  const oneLabel = useMemo(() => ({ value: '1 = no aggregation', position: 'insideTopLeft', fill: pal.axis, fontSize: 11 }) as const, [pal]);
  return (
    <div>
      <ChartLegend items={legendItems(lines, [], pal)} testId="chart-lro-legend" />
      <ComposedChart responsive style={LRO_STYLE} data={data} margin={MARGIN} accessibilityLayer={false}>
        <CartesianGrid stroke={pal.grid} />
        <XAxis dataKey="t" type="number" domain={xDomain} ticks={xTicks} allowDataOverflow tick={ax.tick} tickFormatter={tickNumber} label={ax.xLabel} />
        <YAxis width={64} domain={y.domain} ticks={y.ticks} allowDataOverflow tick={ax.tick} tickFormatter={tickNumber} label={ax.yLabel(unit, 50)} />
        <Tooltip content={content} isAnimationActive={false} />
        <ReferenceLine y={1} stroke={pal.ref} strokeDasharray="5 4" label={oneLabel} />
        {/* Sorted LRO flushes once per batch: few frames have a value, so mark them. */}
        {renderLines(lines, sparse)}
      </ComposedChart>
    </div>
  );
});
