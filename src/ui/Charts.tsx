import { useMemo } from 'react';
import type { SeriesInfo } from '../engine';
import type { BaselineRun } from '../state/compare';
import { useApp, useCompare, useTheme } from '../state/app';
import { ChartFigure } from './ChartFigure';
import { RATE_UNIT, REDRAW, timeTable } from './chartCommon';
import { BASELINE_PREFIX, finiteStats, framePoints, mergeByTime, prefixPoints, type Point } from './chartData';
import { niceTicks } from './chartScale';
import { chartPalette, muted, type ChartPalette } from './chartTheme';
import { exportName } from './exportData';
import { CpuHeatStrip, CyclesChart } from './CpuCharts';
import { CostChart } from './CostChart';
import { DropsChart, QueueChart } from './LiveCharts';
import { LRO_KEY, LroChart, RateChart, SmallChart, type Drawn } from './TimePlots';
import { useReportShown, useThrottled } from './useThrottled';

export { LRO_KEY } from './TimePlots';

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

/** A's copy of a series in a legend: "A: Delivered". */
const baselineLabel = (s: SeriesInfo) => `A: ${s.title ?? s.label}`;

const LRO_COLOR = { light: '#0f7c8c', dark: '#4fc4d4' };

/** The run totals drawn on the packet-rate chart (per-queue ones have their own chart). */
const RATE_ROLES = new Set<SeriesInfo['role']>(['offered', 'rx', 'delivered', 'tx', 'drops']);

/** Which series go on the packet-rate chart: the run totals this run's path has (receive has no TX wire). */
function isRate(s: SeriesInfo): boolean {
  return RATE_ROLES.has(s.role) && !s.unused;
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
    const label = names?.a ?? baselineLabel(series[i]!);
    return [{ key: BASELINE_PREFIX + k, label, color: muted(st.color, pal), width: 1.5, dash: baselineDash(k), z: -10 + st.z, order: 2 * i + 1, baseline: true }];
  });
  return [...a, ...b].sort((x, y) => x.z - y.z);
}

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
 * A small chart's caption from the engine's series metadata: its title, and a note with the unit,
 * what it counts (`detail`) and, for the TX ring, the ring size.
 */
function smallCaption(s: SeriesInfo, ringSize: number | undefined, ringOnly: boolean): { title: string; note: string } {
  const parts = [s.unit, ...(s.detail ? [s.detail] : [])];
  if (s.role === 'occupancy' && ringSize !== undefined) parts.push(ringOnly ? `one ring of ${ringSize}` : `each ring holds ${ringSize}`);
  return { title: s.title ?? s.label, note: `(${parts.join('; ')})` };
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
  const xTicks = useMemo(() => niceTicks(0, totalMs), [totalMs]);

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

  // The run's own series once its first batch is in (before it, the default list would name a
  // receive path's lines for a transmit run).
  const fastAny = fast.frames.count > 0;
  const rateSeries = useMemo(() => (fastAny ? fast.series.filter(isRate) : []), [fast.series, fastAny]);
  const rateA = useMemo(() => (a ? BASELINE_RATE_KEYS.filter((k) => a.series.some((s) => s.key === k)) : []), [a]);
  const rateLines = useMemo(() => drawnLines(rateSeries, rateA, pal), [rateSeries, rateA, pal]);
  // The Table has every frame (the chart draws one point per pixel column).
  const rateTableData = () => mergeByTime(framePoints(fast.frames, rateSeries.map((s) => s.key), { scale: () => 1e-6 }), baselinePoints(a, rateA, () => 1e-6));

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

  // A series this run's path has no part for (receive: the TX ring) gets no chart.
  const small = useMemo(
    () => SMALL_KEYS.map((k) => slow.series.find((s) => s.key === k)).filter((s): s is SeriesInfo => s !== undefined && !s.unused),
    [slow.series],
  );
  const smallTableData = () => mergeByTime(framePoints(slow.frames, small.map((s) => s.key)), baselinePoints(a, SMALL_KEYS));
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
      table={hasFast ? () => timeTable('Packet rates, Mpps, per frame', rateTableData(), rateTableSeries, RATE_UNIT) : null}
    >
      <RateChart frames={fast.frames} baseline={rateA.length > 0 ? a : null} xDomain={xDomain} xTicks={xTicks} lines={rateLines} lineRate={lineRate} pal={pal} height={300} />
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
            <LroChart data={lroData} xDomain={xDomain} xTicks={xTicks} lines={lroLines} unit={lroSeries.unit} sorted={runScenario?.lro.mode === 'sorted'} sparse={lroStats.n < 60} pal={pal} />
            {hasFast && lroStats.n === 0 && <div className="chart-empty">No LRO flush yet</div>}
          </ChartFigure>
        </div>
      ) : (
        rateFigure
      )}
      <div className="chart-grid">
        <QueueChart frames={queuesLive.frames} series={queuesLive.series} baseline={a} xDomain={xDomain} xTicks={xTicks} theme={theme} pngName={fileFor('queues')} />
        <DropsChart frames={dropsLive.frames} series={dropsLive.series} baseline={a} xDomain={xDomain} xTicks={xTicks} theme={theme} pngName={fileFor('drops')} />
      </div>
      <CpuHeatStrip frames={cpuLive.frames} series={cpuLive.series} totalMs={totalMs} theme={theme} pngName={fileFor('cpu')} compared={a !== null} />
      <CyclesChart theme={theme} pngName={fileFor('cycles')} compared={a !== null} />
      <CostChart theme={theme} pngName={fileFor('cost')} />
      <div className="chart-grid">
        {small.map((s) => (
          <ChartFigure
            key={s.key}
            testId={`chart-${s.key}`}
            className="chart-small"
            dataAttrs={{ 'data-frames': slow.frames.count }}
            {...smallCaption(s, ringSize, ringOnly)}
            pngName={fileFor(s.key)}
            table={has ? () => timeTable(`${s.label}, ${s.unit}, per frame`, smallTableData(), [...smallLines.get(s.key)!].sort((x, y) => x.order - y.order).map((l) => ({ ...s, key: l.key, label: l.baseline ? l.label : s.label })), s.unit, 2) : null}
          >
            <SmallChart frames={slow.frames} baseline={a} xDomain={xDomain} xTicks={xTicks} lines={smallLines.get(s.key)!} unit={s.unit} pal={pal} testId={`chart-${s.key}`} />
          </ChartFigure>
        ))}
      </div>
    </div>
  );
}
