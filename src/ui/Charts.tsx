import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { FRAME_SERIES, type SeriesInfo } from '../engine';
import { useApp, useTheme } from '../state/app';
import { ChartFigure } from './ChartFigure';
import { MARGIN, RATE_UNIT, TIME, axes, tickNumber, timeLabel, timeTable } from './chartCommon';
import { framePoints, type Point } from './chartData';
import { chartPalette, type ChartPalette } from './chartTheme';
import { formatSig } from './format';
import { CpuHeatStrip, CyclesChart, DropsChart, QueueChart } from './LiveCharts';
import { useThrottled } from './useThrottled';

/** The secondary charts redraw at most this often while a run streams (ms). */
const SECONDARY_MS = 250;

/**
 * Live charts of the run's frames. Labels and units come from the engine's series list
 * (FRAME_SERIES / the run's own list); this file only decides colours and which chart a series
 * goes to. Packet rates are drawn in millions (Mpps); everything else in its own unit.
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

// Recharts re-derives its layout when props change identity, so everything static is hoisted.
const RATE_STYLE = { width: '100%', height: 300 };
const SMALL_STYLE = { width: '100%', height: 160 };
const rateValue = (v: unknown) => `${Number(v).toFixed(3)} ${RATE_UNIT}`;

/** Which series go on the packet-rate chart: the run totals in pps (per-queue ones have their own chart). */
function isRate(s: SeriesInfo): boolean {
  return BASE_KEYS.has(s.key) && s.key !== TIME.key && s.unit === 'pps';
}

interface RateProps {
  data: Point[];
  xDomain: [number, number];
  series: readonly SeriesInfo[];
  lineRate: number | null;
  pal: ChartPalette;
}

const RateChart = memo(function RateChart({ data, xDomain, series, lineRate, pal }: RateProps) {
  const order = useMemo(() => new Map(series.map((s, i) => [s.key, i])), [series]);
  const legendSorter = useMemo(() => (item: { dataKey?: unknown }) => order.get(String(item.dataKey)) ?? 99, [order]);
  const drawn = useMemo(() => series.map((s, i) => ({ s, st: style(s.key, i, pal) })).sort((a, b) => a.st.z - b.st.z), [series, pal]);
  const ax = useMemo(() => axes(pal), [pal]);
  const refLabel = useMemo(() => ({ value: 'line rate', position: 'right', fill: pal.axis, fontSize: 11 }) as const, [pal]);
  return (
    <LineChart responsive style={RATE_STYLE} data={data} margin={MARGIN}>
      <CartesianGrid stroke={pal.grid} />
      <XAxis dataKey="t" type="number" domain={xDomain} allowDataOverflow tick={ax.tick} tickFormatter={tickNumber} label={ax.xLabel} />
      <YAxis width={64} tick={ax.tick} tickFormatter={tickNumber} label={ax.yLabel(RATE_UNIT)} />
      <Tooltip labelFormatter={timeLabel} formatter={rateValue} isAnimationActive={false} itemSorter={legendSorter} />
      <Legend verticalAlign="top" height={28} itemSorter={legendSorter} />
      {lineRate !== null && <ReferenceLine y={lineRate / 1e6} stroke={pal.ref} strokeDasharray="5 4" ifOverflow="extendDomain" label={refLabel} />}
      {drawn.map(({ s, st }) => (
        <Line
          key={s.key}
          type="linear"
          dataKey={s.key}
          name={s.label}
          stroke={st.color}
          strokeWidth={st.width}
          strokeDasharray={st.dash}
          dot={false}
          isAnimationActive={false}
        />
      ))}
    </LineChart>
  );
});

interface SmallProps {
  data: Point[];
  xDomain: [number, number];
  series: SeriesInfo;
  pal: ChartPalette;
}

const SmallChart = memo(function SmallChart({ data, xDomain, series, pal }: SmallProps) {
  const st = style(series.key, 0, pal);
  const ax = useMemo(() => axes(pal), [pal]);
  const yLabel = useMemo(() => ax.yLabel(series.unit, 36), [ax, series.unit]);
  const valueFormatter = useMemo(() => (v: unknown) => `${formatSig(Number(v))} ${series.unit}`, [series.unit]);
  return (
    <LineChart responsive style={SMALL_STYLE} data={data} margin={MARGIN}>
      <CartesianGrid stroke={pal.grid} />
      <XAxis dataKey="t" type="number" domain={xDomain} allowDataOverflow tick={ax.tick} tickFormatter={tickNumber} label={ax.xLabel} />
      <YAxis width={64} tick={ax.tick} tickFormatter={tickNumber} label={yLabel} />
      <Tooltip labelFormatter={timeLabel} formatter={valueFormatter} isAnimationActive={false} />
      <Line type="linear" dataKey={series.key} name={series.label} stroke={st.color} strokeWidth={st.width} dot={false} isAnimationActive={false} />
    </LineChart>
  );
});

/** Small charts, in this order, for these base series (when the run records them). */
const SMALL_KEYS = ['tx_ring_occupancy', 'latency_us'];

export function Charts() {
  const frames = useApp((s) => s.frames);
  const series = useApp((s) => s.series);
  const runScenario = useApp((s) => s.runScenario);
  const lineRate = useApp((s) => s.runLineRatePps);
  const editDuration = useApp((s) => s.scenario.sim.duration_ms);
  const theme = useTheme((s) => s.theme);
  const pal = chartPalette(theme);
  const totalMs = runScenario?.sim.duration_ms ?? editDuration;
  const rateSeries = useMemo(() => series.filter(isRate), [series]);
  const small = useMemo(
    () => SMALL_KEYS.map((k) => series.find((s) => s.key === k)).filter((s): s is SeriesInfo => s !== undefined),
    [series],
  );
  // Frames and series change together (the first batch brings the per-queue and per-CPU series).
  const live = useMemo(() => ({ frames, series }), [frames, series]);
  const slow = useThrottled(live, SECONDARY_MS);
  const slowFrames = slow.frames;
  const data = useMemo(() => {
    const rate = new Set(rateSeries.map((s) => s.key));
    return framePoints(frames, [...rate], { scale: () => 1e-6 });
  }, [frames, rateSeries]);
  const smallData = useMemo(() => framePoints(slowFrames, small.map((s) => s.key)), [slowFrames, small]);
  const xDomain = useMemo((): [number, number] => [0, totalMs], [totalMs]);
  const ringSize = runScenario?.queues.tx_desc;
  const has = frames.count > 0;

  return (
    <div className="charts">
      <ChartFigure
        testId="chart-rate"
        dataAttrs={{ 'data-points': frames.count }}
        title="Packet rate"
        note={`(${RATE_UNIT} vs simulated time)`}
        extra={
          lineRate !== null && (
            <span className="muted caption-extra" data-testid="line-rate">
              line rate (dashed grey): {(lineRate / 1e6).toFixed(3)} {RATE_UNIT}
            </span>
          )
        }
        table={has ? () => timeTable('Packet rates, Mpps, per frame', data, rateSeries, RATE_UNIT) : null}
      >
        <RateChart data={data} xDomain={xDomain} series={rateSeries} lineRate={lineRate} pal={pal} />
        {!has && <div className="chart-empty">Press Run to start the simulation</div>}
      </ChartFigure>
      <div className="chart-grid">
        <QueueChart frames={slowFrames} series={slow.series} xDomain={xDomain} theme={theme} />
        <DropsChart frames={slowFrames} series={slow.series} xDomain={xDomain} theme={theme} />
      </div>
      <CpuHeatStrip frames={slowFrames} series={slow.series} totalMs={totalMs} theme={theme} />
      <CyclesChart theme={theme} />
      <div className="chart-grid">
        {small.map((s) => (
          <ChartFigure
            key={s.key}
            testId={`chart-${s.key}`}
            className="chart-small"
            title={s.label}
            note={`(${s.unit}${s.key === 'tx_ring_occupancy' && ringSize !== undefined ? `; ${ringSize} descriptors per ring` : ''})`}
            table={has ? () => timeTable(`${s.label}, ${s.unit}, per frame`, smallData, [s], s.unit, 2) : null}
          >
            <SmallChart data={smallData} xDomain={xDomain} series={s} pal={pal} />
          </ChartFigure>
        ))}
      </div>
    </div>
  );
}
