import { memo, useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { FRAME_SERIES, type SeriesInfo } from '../engine';
import { useApp } from '../state/app';
import type { FrameColumns } from '../state/store';
import { formatSig, formatTrim } from './format';

/**
 * Live charts of the run's frames. Labels and units come from the engine's series list
 * (FRAME_SERIES / the run's own list); this file only decides colours and which chart a series
 * goes to. Packet rates are drawn in millions (Mpps); everything else in its own unit.
 */

const TIME = FRAME_SERIES[0];
const BASE_KEYS = new Set<string>(FRAME_SERIES.map((s) => s.key));
const RATE_UNIT = 'Mpps';

type Point = Record<string, number>;

interface LineStyle {
  color: string;
  width: number;
  dash?: string;
  /** Lower draws first (underneath). */
  z: number;
}

const STYLES: Record<string, LineStyle> = {
  delivered_pps: { color: '#2e8b57', width: 2.5, z: 0 },
  tx_pps: { color: '#7d3c98', width: 1.5, dash: '2 3', z: 1 },
  rx_pps: { color: '#d68910', width: 1.5, z: 2 },
  offered_pps: { color: '#3b6fb6', width: 1.5, dash: '6 3', z: 3 },
  drops_pps: { color: '#c0392b', width: 2, z: 4 },
  tx_ring_occupancy: { color: '#7d3c98', width: 2, z: 0 },
  latency_us: { color: '#b9770e', width: 2, z: 0 },
};
const PALETTE = ['#16a085', '#8e44ad', '#2c3e50', '#d35400', '#27ae60', '#2980b9'];

function style(key: string, i: number): LineStyle {
  return STYLES[key] ?? { color: PALETTE[i % PALETTE.length]!, width: 1.5, z: 10 + i };
}

const COLORS = { grid: '#e3e7ee', axis: '#5b6675', ref: '#9aa3ae' };

// Recharts re-derives its layout when props change identity, so everything static is hoisted.
// Both charts share margins so their time axes line up; the right margin holds the line-rate label.
const AXIS_TICK = { fill: COLORS.axis, fontSize: 12 };
const MARGIN = { top: 8, right: 64, bottom: 22, left: 8 };
const RATE_STYLE = { width: '100%', height: 300 };
const SMALL_STYLE = { width: '100%', height: 160 };
const X_LABEL = { value: `${TIME.label} (${TIME.unit})`, position: 'insideBottom', offset: -14, fill: COLORS.axis, fontSize: 12 } as const;
const RATE_Y_LABEL = { value: RATE_UNIT, angle: -90, position: 'insideLeft', fill: COLORS.axis, fontSize: 12 } as const;
const REF_LABEL = { value: 'line rate', position: 'right', fill: COLORS.axis, fontSize: 11 } as const;
const tickNumber = (v: number) => formatTrim(v, 3);
const timeLabel = (t: unknown) => `t = ${formatTrim(Number(t))} ${TIME.unit}`;
const rateValue = (v: unknown) => `${Number(v).toFixed(3)} ${RATE_UNIT}`;

/** Which series go on the packet-rate chart: the run totals in pps (per-queue ones come later). */
function isRate(s: SeriesInfo): boolean {
  return BASE_KEYS.has(s.key) && s.key !== TIME.key && s.unit === 'pps';
}

/** One point per frame (≤ FRAMES_PER_RUN = 200): cheap to rebuild on every batch. */
function toPoints(f: FrameColumns, series: readonly SeriesInfo[]): Point[] {
  const t = f.columns[TIME.key];
  if (!t) return [];
  const cols = series
    .filter((s) => s.key !== TIME.key && f.columns[s.key])
    .map((s) => ({ key: s.key, col: f.columns[s.key]!, scale: isRate(s) ? 1e-6 : 1 }));
  const out: Point[] = new Array<Point>(f.count);
  for (let i = 0; i < f.count; i++) {
    const p: Point = { t: t[i]! };
    for (const c of cols) p[c.key] = c.col[i]! * c.scale;
    out[i] = p;
  }
  return out;
}

interface RateProps {
  data: Point[];
  xDomain: [number, number];
  series: readonly SeriesInfo[];
  lineRate: number | null;
}

const RateChart = memo(function RateChart({ data, xDomain, series, lineRate }: RateProps) {
  const order = useMemo(() => new Map(series.map((s, i) => [s.key, i])), [series]);
  const legendSorter = useMemo(() => (item: { dataKey?: unknown }) => order.get(String(item.dataKey)) ?? 99, [order]);
  const drawn = useMemo(
    () => series.map((s, i) => ({ s, st: style(s.key, i) })).sort((a, b) => a.st.z - b.st.z),
    [series],
  );
  return (
    <LineChart responsive style={RATE_STYLE} data={data} margin={MARGIN}>
      <CartesianGrid stroke={COLORS.grid} />
      <XAxis dataKey="t" type="number" domain={xDomain} allowDataOverflow tick={AXIS_TICK} tickFormatter={tickNumber} label={X_LABEL} />
      <YAxis width={64} tick={AXIS_TICK} tickFormatter={tickNumber} label={RATE_Y_LABEL} />
      <Tooltip labelFormatter={timeLabel} formatter={rateValue} isAnimationActive={false} itemSorter={legendSorter} />
      <Legend verticalAlign="top" height={28} itemSorter={legendSorter} />
      {lineRate !== null && (
        <ReferenceLine y={lineRate / 1e6} stroke={COLORS.ref} strokeDasharray="5 4" ifOverflow="extendDomain" label={REF_LABEL} />
      )}
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
}

const SmallChart = memo(function SmallChart({ data, xDomain, series }: SmallProps) {
  const st = style(series.key, 0);
  const yLabel = useMemo(
    () => ({ value: series.unit, angle: -90, position: 'insideLeft' as const, fill: COLORS.axis, fontSize: 12, dy: 36 }),
    [series.unit],
  );
  const valueFormatter = useMemo(() => (v: unknown) => `${formatSig(Number(v))} ${series.unit}`, [series.unit]);
  return (
    <LineChart responsive style={SMALL_STYLE} data={data} margin={MARGIN}>
      <CartesianGrid stroke={COLORS.grid} />
      <XAxis dataKey="t" type="number" domain={xDomain} allowDataOverflow tick={AXIS_TICK} tickFormatter={tickNumber} label={X_LABEL} />
      <YAxis width={64} tick={AXIS_TICK} tickFormatter={tickNumber} label={yLabel} />
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
  const totalMs = runScenario?.sim.duration_ms ?? editDuration;
  const data = useMemo(() => toPoints(frames, series), [frames, series]);
  const xDomain = useMemo((): [number, number] => [0, totalMs], [totalMs]);
  const rateSeries = useMemo(() => series.filter(isRate), [series]);
  const small = useMemo(
    () => SMALL_KEYS.map((k) => series.find((s) => s.key === k)).filter((s): s is SeriesInfo => s !== undefined),
    [series],
  );
  const ringSize = runScenario?.queues.tx_desc;

  return (
    <div className="charts">
      <figure className="chart" data-testid="chart-rate" data-points={frames.count}>
        <figcaption>
          Packet rate <span className="muted">({RATE_UNIT} vs simulated time)</span>
          {lineRate !== null && (
            <span className="muted caption-extra" data-testid="line-rate">
              line rate (dashed grey): {(lineRate / 1e6).toFixed(3)} {RATE_UNIT}
            </span>
          )}
        </figcaption>
        <div className="chart-box">
          <RateChart data={data} xDomain={xDomain} series={rateSeries} lineRate={lineRate} />
          {frames.count === 0 && <div className="chart-empty">Press Run to start the simulation</div>}
        </div>
      </figure>
      {small.map((s) => (
        <figure className="chart chart-small" data-testid={`chart-${s.key}`} key={s.key}>
          <figcaption>
            {s.label}{' '}
            <span className="muted">
              ({s.unit}
              {s.key === 'tx_ring_occupancy' && ringSize !== undefined ? `; ${ringSize} descriptors per ring` : ''})
            </span>
          </figcaption>
          <div className="chart-box">
            <SmallChart data={data} xDomain={xDomain} series={s} />
          </div>
        </figure>
      ))}
    </div>
  );
}
