import { memo, useMemo, type ReactNode } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis, type TooltipContentProps, type TooltipValueType } from 'recharts';
import { FRAME_SERIES, type SeriesInfo } from '../engine';
import type { BaselineRun } from '../state/compare';
import { useApp, useCompare, useTheme } from '../state/app';
import { ChartFigure } from './ChartFigure';
import { MARGIN, RATE_UNIT, REDRAW, TIME, axes, tickNumber, timeLabel, timeTable } from './chartCommon';
import { BASELINE_PREFIX, finiteStats, framePoints, mergeByTime, prefixPoints, type Point } from './chartData';
import { chartPalette, muted, type ChartPalette } from './chartTheme';
import { exportName } from './exportData';
import { formatSig } from './format';
import { CpuHeatStrip, CyclesChart, DropsChart, QueueChart } from './LiveCharts';
import { useReportShown, useThrottled } from './useThrottled';

/**
 * Live charts of the run's frames. Labels and units come from the engine's series list
 * (FRAME_SERIES / the run's own list); this file only decides colours and which chart a series
 * goes to. Packet rates are drawn in millions (Mpps); everything else in its own unit.
 *
 * With a pinned baseline (A, see state/compare.ts), the charts where it means something draw A's
 * line dashed and muted under this run's (B): the packet rates (offered and delivered), the TX
 * ring occupancy, the latency, the LRO aggregation and the drops total.
 *
 * Redraws are throttled (chartCommon.ts, REDRAW): a run delivers up to 30 batches a second, and
 * a Recharts redraw costs milliseconds to tens of milliseconds of main thread. The packet-rate
 * and LRO charts follow every 100 ms; the others every 400 ms, each in its own slot.
 */

const BASE_KEYS = new Set<string>(FRAME_SERIES.map((s) => s.key));

interface LineStyle {
  color: string;
  width: number;
  dash?: string;
  /** Lower draws first (underneath). */
  z: number;
}

const WIDTHS: Record<string, Omit<LineStyle, 'color'>> = {
  delivered_pps: { width: 2.5, z: 0 },
  tx_pps: { width: 1.5, dash: '2 3', z: 1 },
  rx_pps: { width: 1.5, z: 2 },
  offered_pps: { width: 1.5, dash: '6 3', z: 3 },
  drops_pps: { width: 2, z: 4 },
  tx_ring_occupancy: { width: 2, z: 0 },
  latency_us: { width: 2, z: 0 },
};
const FALLBACK = ['#16a085', '#8e44ad', '#5d6d7e', '#d35400', '#27ae60', '#2980b9'];

function style(key: string, i: number, pal: ChartPalette): LineStyle {
  const w = WIDTHS[key];
  const color = (pal.series as Record<string, string>)[key];
  return w && color ? { ...w, color } : { color: FALLBACK[i % FALLBACK.length]!, width: 1.5, z: 10 + i };
}

/** How A's lines look: the B colour muted, thinner, dashed (dotted for offered, as B's is dashed). */
const BASELINE_DASH: Record<string, string> = { offered_pps: '1 3' };
const baselineDash = (key: string) => BASELINE_DASH[key] ?? '5 4';

/** Rates of A drawn on the packet-rate chart: what was offered and what got through. */
const BASELINE_RATE_KEYS = ['offered_pps', 'delivered_pps'];

/** "A: baseline delivered" from "Delivered" (an acronym such as "TX" keeps its case). */
export const baselineLabel = (label: string) => `A: baseline ${/^[A-Z][a-z]/.test(label) ? label.charAt(0).toLowerCase() + label.slice(1) : label}`;

// Recharts re-derives its layout when props change identity, so everything static is hoisted.
const RATE_STYLE = { width: '100%', height: 300 };
const SMALL_STYLE = { width: '100%', height: 160 };
const rateValue = (v: unknown) => `${Number(v).toFixed(3)} ${RATE_UNIT}`;

/** Which series go on the packet-rate chart: the run totals in pps (per-queue ones have their own chart). */
function isRate(s: SeriesInfo): boolean {
  return BASE_KEYS.has(s.key) && s.key !== TIME.key && s.unit === 'pps';
}

/** A drawn line: B's series, or A's copy of one (key prefixed, label "A: baseline …"). */
interface Drawn {
  key: string;
  label: string;
  color: string;
  width: number;
  dash?: string;
  z: number;
  /** Legend and tooltip position: B's series in the engine's order, each A line after its B line. */
  order: number;
  baseline: boolean;
}

/**
 * B's lines for `series`, and A's for `baselineKeys`, in drawing order (A underneath). `names`
 * overrides the legend names (the small charts say just "B: this run" / "A: baseline").
 */
function drawnLines(series: readonly SeriesInfo[], baselineKeys: readonly string[], pal: ChartPalette, names?: { a: string; b: string }): Drawn[] {
  const b = series.map((s, i) => ({ key: s.key, label: names?.b ?? s.label, ...style(s.key, i, pal), order: 2 * i, baseline: false }));
  const a = baselineKeys.flatMap((k) => {
    const i = series.findIndex((x) => x.key === k);
    if (i < 0) return [];
    const st = style(k, i, pal);
    const label = names?.a ?? baselineLabel(series[i]!.label);
    return [{ key: BASELINE_PREFIX + k, label, color: muted(st.color, pal), width: 1.5, dash: baselineDash(k), z: -10 + st.z, order: 2 * i + 1, baseline: true }];
  });
  return [...a, ...b].sort((x, y) => x.z - y.z);
}

function useSorter(lines: readonly Drawn[]) {
  return useMemo(() => {
    const order = new Map(lines.map((l) => [l.key, l.order]));
    return (item: { dataKey?: unknown }) => order.get(String(item.dataKey)) ?? 99;
  }, [lines]);
}

/** `markPoints`: draw a dot at each value of B's lines (for sparse series). */
function renderLines(lines: readonly Drawn[], markPoints = false): ReactNode {
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

interface RateProps {
  data: Point[];
  xDomain: [number, number];
  lines: readonly Drawn[];
  lineRate: number | null;
  pal: ChartPalette;
}

const RateChart = memo(function RateChart({ data, xDomain, lines, lineRate, pal }: RateProps) {
  const sorter = useSorter(lines);
  const ax = axes(pal);
  const refLabel = useMemo(() => ({ value: 'line rate', position: 'right', fill: pal.axis, fontSize: 11 }) as const, [pal]);
  return (
    <LineChart responsive style={RATE_STYLE} data={data} margin={MARGIN}>
      <CartesianGrid stroke={pal.grid} />
      <XAxis dataKey="t" type="number" domain={xDomain} allowDataOverflow tick={ax.tick} tickFormatter={tickNumber} label={ax.xLabel} />
      <YAxis width={64} tick={ax.tick} tickFormatter={tickNumber} label={ax.yLabel(RATE_UNIT)} />
      <Tooltip labelFormatter={timeLabel} formatter={rateValue} isAnimationActive={false} itemSorter={sorter} />
      <Legend verticalAlign="top" height={lines.length > 5 ? 44 : 28} itemSorter={sorter} />
      {lineRate !== null && <ReferenceLine y={lineRate / 1e6} stroke={pal.ref} strokeDasharray="5 4" ifOverflow="extendDomain" label={refLabel} />}
      {renderLines(lines)}
    </LineChart>
  );
});

interface SmallProps {
  data: Point[];
  xDomain: [number, number];
  lines: readonly Drawn[];
  unit: string;
  pal: ChartPalette;
}

const SmallChart = memo(function SmallChart({ data, xDomain, lines, unit, pal }: SmallProps) {
  const ax = axes(pal);
  const valueFormatter = useMemo(() => (v: unknown) => `${formatSig(Number(v))} ${unit}`, [unit]);
  return (
    <LineChart responsive style={SMALL_STYLE} data={data} margin={MARGIN}>
      <CartesianGrid stroke={pal.grid} />
      <XAxis dataKey="t" type="number" domain={xDomain} allowDataOverflow tick={ax.tick} tickFormatter={tickNumber} label={ax.xLabel} />
      <YAxis width={64} tick={ax.tick} tickFormatter={tickNumber} label={ax.yLabel(unit, 36)} />
      <Tooltip labelFormatter={timeLabel} formatter={valueFormatter} isAnimationActive={false} />
      {lines.length > 1 && <Legend verticalAlign="top" height={24} />}
      {renderLines(lines)}
    </LineChart>
  );
});

// ---------------------------------------------------------------- LRO aggregation

export const LRO_KEY = 'lro_ratio';
const LRO_STYLE = { width: '100%', height: 300 };
const LRO_COLOR = { light: '#0f7c8c', dark: '#4fc4d4' };
/** From 0 (so 1, no aggregation, sits in proportion) to the next half above the largest value, at least 2. */
const LRO_DOMAIN: [number, (max: number) => number] = [0, (max) => Math.max(2, Math.ceil(max * 2) / 2)];

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

interface LroProps {
  data: Point[];
  xDomain: [number, number];
  lines: readonly Drawn[];
  unit: string;
  sorted: boolean;
  sparse: boolean;
  pal: ChartPalette;
}

const LroChart = memo(function LroChart({ data, xDomain, lines, unit, sorted, sparse, pal }: LroProps) {
  const ax = axes(pal);
  const content = useMemo(() => (p: TooltipContentProps<TooltipValueType, string | number>) => <LroTooltip {...p} unit={unit} sorted={sorted} />, [unit, sorted]);
  // Under the line: aggregation is never below 1, so nothing is drawn there.
  const oneLabel = useMemo(() => ({ value: '1 = no aggregation', position: 'insideTopLeft', fill: pal.axis, fontSize: 11 }) as const, [pal]);
  return (
    <LineChart responsive style={LRO_STYLE} data={data} margin={MARGIN}>
      <CartesianGrid stroke={pal.grid} />
      <XAxis dataKey="t" type="number" domain={xDomain} allowDataOverflow tick={ax.tick} tickFormatter={tickNumber} label={ax.xLabel} />
      <YAxis width={64} domain={LRO_DOMAIN} tick={ax.tick} tickFormatter={tickNumber} label={ax.yLabel(unit, 50)} />
      <Tooltip content={content} isAnimationActive={false} />
      <Legend verticalAlign="top" height={28} />
      <ReferenceLine y={1} stroke={pal.ref} strokeDasharray="5 4" label={oneLabel} />
      {/* Sorted LRO flushes once per batch: few frames have a value, so mark them. */}
      {renderLines(lines, sparse)}
    </LineChart>
  );
});

// ---------------------------------------------------------------- the charts together

/** Legend names on the one-series charts when A is drawn too. */
const SMALL_NAMES = { a: 'A: baseline', b: 'B: this run' };

/** Small charts, in this order, for these base series (when the run records them). */
const SMALL_KEYS = ['tx_ring_occupancy', 'latency_us'];

/** A's points for `keys` (prefixed), or none. */
function baselinePoints(a: BaselineRun | null, keys: readonly string[], scale?: () => number): Point[] {
  if (!a) return [];
  const have = keys.filter((k) => a.frames.columns[k]);
  return have.length > 0 ? prefixPoints(framePoints(a.frames, have, scale ? { scale } : {})) : [];
}

/**
 * A small chart's caption from the engine's label: "TX ring occupancy (sum over TX queues, …)"
 * becomes the title "TX ring occupancy" and a note with the unit, the rest of the label and, for
 * the TX ring, the ring size.
 */
function smallCaption(s: SeriesInfo, ringSize: number | undefined, ringOnly: boolean): { title: string; note: string } {
  const m = /^(.*?) \((.*)\)$/.exec(s.label);
  const parts = [s.unit, ...(m ? [m[2]!] : [])];
  if (s.key === 'tx_ring_occupancy' && ringSize !== undefined) parts.push(ringOnly ? `one ring of ${ringSize}` : `each ring holds ${ringSize}`);
  return { title: m ? m[1]! : s.label, note: `(${parts.join('; ')})` };
}

export function Charts() {
  const frames = useApp((s) => s.frames);
  const series = useApp((s) => s.series);
  const runScenario = useApp((s) => s.runScenario);
  const lineRate = useApp((s) => s.runLineRatePps);
  const editDuration = useApp((s) => s.scenario.sim.duration_ms);
  const pinned = useCompare((s) => s.baseline);
  const theme = useTheme((s) => s.theme);
  const pal = chartPalette(theme);
  // A is drawn once its frames exist (a baseline from a link is being repeated until then).
  const a = pinned && pinned.status === 'done' ? pinned : null;
  const totalMs = Math.max(runScenario?.sim.duration_ms ?? editDuration, a?.scenario.sim.duration_ms ?? 0);
  const xDomain = useMemo((): [number, number] => [0, totalMs], [totalMs]);

  // Frames and series change together (the first batch brings the per-queue and per-CPU series).
  const live = useMemo(() => ({ frames, series }), [frames, series]);
  // A new run (or Reset) empties the frames: every chart shows that at once.
  const cleared = frames.count === 0;
  const fast = useThrottled(live, REDRAW.rateMs, REDRAW.ratePhase, cleared);
  const queuesLive = useThrottled(live, REDRAW.secondaryMs, REDRAW.phase.queues, cleared);
  const dropsLive = useThrottled(live, REDRAW.secondaryMs, REDRAW.phase.drops, cleared);
  const cpuLive = useThrottled(live, REDRAW.secondaryMs, REDRAW.phase.cpu, cleared);
  const slow = useThrottled(live, REDRAW.secondaryMs, REDRAW.phase.small, cleared);
  useReportShown('chart-rate', { frames: fast.frames });
  useReportShown('chart-queues', { frames: queuesLive.frames });
  useReportShown('chart-drops', { frames: dropsLive.frames });
  useReportShown('chart-cpu', { frames: cpuLive.frames });
  useReportShown('chart-small', { frames: slow.frames });

  const rateSeries = useMemo(() => fast.series.filter(isRate), [fast.series]);
  const rateA = useMemo(() => (a ? BASELINE_RATE_KEYS.filter((k) => a.series.some((s) => s.key === k)) : []), [a]);
  const rateLines = useMemo(() => drawnLines(rateSeries, rateA, pal), [rateSeries, rateA, pal]);
  const rateAPoints = useMemo(() => baselinePoints(a, rateA, () => 1e-6), [a, rateA]);
  const rateData = useMemo(
    () => mergeByTime(framePoints(fast.frames, rateSeries.map((s) => s.key), { scale: () => 1e-6 }), rateAPoints),
    [fast.frames, rateSeries, rateAPoints],
  );

  const lroSeries = useMemo(() => fast.series.find((s) => s.key === LRO_KEY) ?? null, [fast.series]);
  const lroA = a?.series.some((s) => s.key === LRO_KEY) ? [LRO_KEY] : [];
  // The engine records no ratio (NaN) in a frame where LRO sent nothing up: those frames are gaps.
  const lroFrames = fast.frames;
  const lroStats = useMemo(() => finiteStats(lroFrames, LRO_KEY), [lroFrames]);
  const lroAPoints = useMemo(() => (a ? baselinePoints(a, [LRO_KEY]) : []), [a]);
  const lroData = useMemo(() => (lroSeries ? mergeByTime(framePoints(lroFrames, [LRO_KEY]), lroAPoints) : []), [lroSeries, lroFrames, lroAPoints]);
  const lroLines = useMemo((): Drawn[] => {
    if (!lroSeries) return [];
    const color = LRO_COLOR[theme];
    const b: Drawn = { key: LRO_KEY, label: lroA.length > 0 ? 'B: this run' : 'Packets per segment', color, width: 2, z: 0, order: 0, baseline: false };
    return lroA.length > 0 ? [{ key: BASELINE_PREFIX + LRO_KEY, label: 'A: baseline', color: muted(color, pal), width: 1.5, dash: '5 4', z: -1, order: 1, baseline: true }, b] : [b];
  }, [lroSeries, lroA.length, theme, pal]);

  const small = useMemo(
    () => SMALL_KEYS.map((k) => slow.series.find((s) => s.key === k)).filter((s): s is SeriesInfo => s !== undefined),
    [slow.series],
  );
  const smallA = useMemo(() => baselinePoints(a, SMALL_KEYS), [a]);
  const smallData = useMemo(() => mergeByTime(framePoints(slow.frames, small.map((s) => s.key)), smallA), [slow.frames, small, smallA]);
  const smallLines = useMemo(
    () => new Map(small.map((s) => [s.key, a?.frames.columns[s.key] ? drawnLines([s], [s.key], pal, SMALL_NAMES) : drawnLines([s], [], pal)])),
    [small, a, pal],
  );

  const fileFor = useMemo(() => (chart: string) => exportName(runScenario, chart, 'png'), [runScenario]);
  const ringSize = runScenario?.queues.tx_desc;
  const ringOnly = runScenario?.traffic.workload === 'ring';
  const has = frames.count > 0;
  const status = useApp((s) => s.status);
  const emptyText =
    status === 'running' || status === 'paused'
      ? 'Running: the first frame is on its way…'
      : status === 'checking'
        ? 'Estimating how long this run takes…'
        : status === 'confirm'
          ? 'This run is long: answer the question above to start it.'
          : status === 'error'
            ? 'The run stopped before its first frame.'
            : 'Press Run (or pick a preset) to start the simulation';
  const hasFast = fast.frames.count > 0;
  // The table lists B's series, then A's.
  const rateTableSeries = useMemo(
    () => [...rateLines.filter((l) => !l.baseline), ...rateLines.filter((l) => l.baseline)].map((l) => ({ key: l.key, label: l.label, unit: 'pps', group: 'rate' as const })),
    [rateLines],
  );

  const rateFigure = (
    <ChartFigure
      testId="chart-rate"
      dataAttrs={{ 'data-points': fast.frames.count, 'data-frames': fast.frames.count, 'data-baseline': rateA.length }}
      title="Packet rate"
      note={`(${RATE_UNIT} vs simulated time)`}
      pngName={fileFor('rate')}
      extra={
        lineRate !== null && (
          <span className="muted caption-extra" data-testid="line-rate">
            line rate (dashed grey): {(lineRate / 1e6).toFixed(3)} {RATE_UNIT}
          </span>
        )
      }
      table={hasFast ? () => timeTable('Packet rates, Mpps, per frame', rateData, rateTableSeries, RATE_UNIT) : null}
    >
      <RateChart data={rateData} xDomain={xDomain} lines={rateLines} lineRate={lineRate} pal={pal} />
      {!has && <div className="chart-empty" data-testid="chart-rate-empty">{emptyText}</div>}
    </ChartFigure>
  );

  return (
    <div className="charts">
      {lroSeries ? (
        <div className="rate-row">
          {rateFigure}
          <ChartFigure
            testId="chart-lro"
            title="LRO aggregation"
            note="(packets per segment to tcp_input, per frame with a flush)"
            pngName={fileFor('lro')}
            dataAttrs={{ 'data-points': lroStats.n, 'data-frames': fast.frames.count, 'data-max': Number.isFinite(lroStats.max) ? lroStats.max : '' }}
            table={
              hasFast
                ? () =>
                    timeTable(
                      `LRO aggregation, ${lroSeries.unit}, per frame with a flush`,
                      lroData.filter((p) => Number.isFinite(p[LRO_KEY]) || Number.isFinite(p[BASELINE_PREFIX + LRO_KEY])),
                      lroLines.map((l) => ({ key: l.key, label: l.label, unit: lroSeries.unit, group: 'lro' as const })),
                      lroSeries.unit,
                    )
                : null
            }
          >
            <LroChart data={lroData} xDomain={xDomain} lines={lroLines} unit={lroSeries.unit} sorted={runScenario?.lro.mode === 'sorted'} sparse={lroStats.n < 60} pal={pal} />
            {hasFast && lroStats.n === 0 && <div className="chart-empty">No LRO flush yet</div>}
          </ChartFigure>
        </div>
      ) : (
        rateFigure
      )}
      <div className="chart-grid">
        <QueueChart frames={queuesLive.frames} series={queuesLive.series} baseline={a} xDomain={xDomain} theme={theme} pngName={fileFor('queues')} />
        <DropsChart frames={dropsLive.frames} series={dropsLive.series} baseline={a} xDomain={xDomain} theme={theme} pngName={fileFor('drops')} />
      </div>
      <CpuHeatStrip frames={cpuLive.frames} series={cpuLive.series} totalMs={totalMs} theme={theme} pngName={fileFor('cpu')} compared={a !== null} />
      <CyclesChart theme={theme} pngName={fileFor('cycles')} compared={a !== null} />
      <div className="chart-grid">
        {small.map((s) => (
          <ChartFigure
            key={s.key}
            testId={`chart-${s.key}`}
            className="chart-small"
            dataAttrs={{ 'data-frames': slow.frames.count }}
            {...smallCaption(s, ringSize, ringOnly)}
            pngName={fileFor(s.key)}
            table={has ? () => timeTable(`${s.label}, ${s.unit}, per frame`, smallData, [...smallLines.get(s.key)!].sort((x, y) => x.order - y.order).map((l) => ({ ...s, key: l.key, label: l.baseline ? l.label : s.label })), s.unit, 2) : null}
          >
            <SmallChart data={smallData} xDomain={xDomain} lines={smallLines.get(s.key)!} unit={s.unit} pal={pal} />
          </ChartFigure>
        ))}
      </div>
    </div>
  );
}
