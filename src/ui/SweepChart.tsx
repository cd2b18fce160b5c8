import { memo, useMemo } from 'react';
import { Area, CartesianGrid, ComposedChart, Line, Tooltip, XAxis, YAxis } from 'recharts';
import { KNOB_BY_PATH, SWEEP_OUTPUT_BY_KEY, type FitSpread, type SweepOutput } from '../engine';
import type { SweepRunInfo } from '../state/sweep';
import { isNumericKnob } from '../state/sweepDraft';
import { useSweep } from '../state/sweepApp';
import { sweepSpreadKey, useSpread } from '../state/spreadApp';
import { useTheme } from '../state/app';
import type { Theme } from '../state/theme';
import { ChartFigure } from './ChartFigure';
import { ChartLegend, useStableAxis } from './ChartParts';
import { niceAxis } from './chartScale';
import { axes } from './chartCommon';
import { chartPalette } from './chartTheme';
import { formatSig } from './format';
import {
  bandKey,
  compactNumber,
  csvFileName,
  displayUnit,
  isLogSweep,
  pointTicks,
  seriesKey,
  seriesName,
  sweepCsv,
  sweepRows,
  sweepTable,
  sweepYRange,
  valueText,
  xTitle,
  type SweepRow,
} from './sweepData';
import { useThrottled } from './useThrottled';
import { SweepFitSpread } from './FitSpread';
import { SweepCalibration } from './CalibrationBehind';

/** The chart follows a running sweep at most this often (ms); the progress line is live. */
const REDRAW_MS = 150;
const CHART_STYLE = { width: '100%', height: 320 };
const MARGIN = { top: 8, right: 28, bottom: 24, left: 8 };
const X_PADDING = { left: 14, right: 14 };

// Categorical colours (Tableau 10) that read on both backgrounds, plus a dash pattern per series so
// the lines stay apart without colour.
const COLORS: Record<Theme, string[]> = {
  light: ['#4e79a7', '#e15759', '#59a14f', '#f28e2b', '#b07aa1', '#76b7b2'],
  dark: ['#7aa6d6', '#ff8a80', '#7fcf74', '#ffb060', '#d49ad0', '#9adcd6'],
};
const DASHES = [undefined, '7 4', '2 3', '10 3 2 3', '4 4', '1 3'];
/** A fit-spread band's fill: light enough to read the lines through, dark enough to see on each background. */
const BAND_OPACITY: Record<Theme, number> = { light: 0.18, dark: 0.32 };

interface PlotProps {
  run: SweepRunInfo;
  /** Some row has a fit-spread band (bandKey columns). */
  banded: boolean;
  rows: SweepRow[];
  output: SweepOutput;
  theme: Theme;
}

const SweepPlot = memo(function SweepPlot({ run, rows, output, theme, banded }: PlotProps) {
  const pal = chartPalette(theme);
  const ax = useMemo(() => axes(pal), [pal]);
  const { unit } = displayUnit(output);
  const numeric = isNumericKnob(KNOB_BY_PATH.get(run.path));
  const log = isLogSweep(run);
  const xs = useMemo(() => (numeric ? run.values.map(Number) : []), [numeric, run.values]);
  const lo = xs.length ? Math.min(...xs) : 0;
  const hi = xs.length ? Math.max(...xs) : 1;
  const xLabel = useMemo(
    () => ({ ...ax.xLabel, value: `${xTitle(run.path)}${log ? ' — log scale' : ''}` }),
    [ax, run.path, log],
  );
  const yLabel = useMemo(() => ax.yLabel(unit), [ax, unit]);
  const tooltipLabel = useMemo(() => (_: unknown, payload: readonly { payload?: SweepRow }[]) => {
    const row = payload[0]?.payload;
    return row ? `${run.path} = ${valueText(run.path, numeric ? Number(row.x) : String(row.x))}` : '';
  }, [run.path, numeric]);
  // a band's value is its [least, greatest] over the leave-one-out sets
  const valueFormatter = useMemo(
    () => (v: unknown) => (Array.isArray(v) ? `${formatSig(Number(v[0]), 4)} – ${formatSig(Number(v[1]), 4)} ${unit}` : `${formatSig(Number(v), 4)} ${unit}`),
    [unit],
  );
  const colors = COLORS[theme];
  // Ticks sit on the swept values (every one when few, else an even pick that keeps both ends).
  const xTicks = useMemo(() => (numeric ? pointTicks(xs, log) : undefined), [numeric, xs, log]);
  const y = useStableAxis(useMemo(() => {
    const r = sweepYRange(rows, run.labels.length);
    return niceAxis(Math.min(0, r.min), r.max, 5, true);
  }, [rows, run.labels]));
  const legend = run.labels.length > 1 ? run.labels.map((_, i) => ({ key: seriesKey(i), label: seriesName(run, i, output), color: colors[i % colors.length]!, dash: DASHES[i % DASHES.length] })) : [];
  return (
    <div>
    <ChartLegend items={legend} testId="sweep-chart-legend" />
    <ComposedChart responsive style={CHART_STYLE} data={rows} margin={MARGIN} accessibilityLayer={false}>
      <CartesianGrid stroke={pal.grid} />
      {numeric ? (
        <XAxis
          dataKey="x"
          type="number"
          scale={log ? 'log' : 'linear'}
          domain={lo === hi ? [lo * 0.5 || -1, hi * 1.5 || 1] : [lo, hi]}
          ticks={xTicks}
          allowDataOverflow
          padding={X_PADDING}
          tick={ax.tick}
          tickFormatter={compactNumber}
          label={xLabel}
        />
      ) : (
        <XAxis dataKey="x" type="category" padding={X_PADDING} tick={ax.tick} label={xLabel} />
      )}
      <YAxis width={64} domain={y.domain} ticks={y.ticks} tick={ax.tick} tickFormatter={compactNumber} label={yLabel} />
      <Tooltip labelFormatter={tooltipLabel} formatter={valueFormatter} isAnimationActive={false} />
      {banded &&
        run.labels.map((_, i) => (
          <Area
            key={`band${i}`}
            type="linear"
            dataKey={bandKey(i)}
            name={`${seriesName(run, i, output)}: fit spread`}
            stroke="none"
            fill={colors[i % colors.length]}
            fillOpacity={BAND_OPACITY[theme]}
            connectNulls
            isAnimationActive={false}
            activeDot={false}
          />
        ))}
      {run.labels.map((_, i) => (
        <Line
          key={i}
          type="linear"
          dataKey={seriesKey(i)}
          name={seriesName(run, i, output)}
          stroke={colors[i % colors.length]}
          strokeWidth={2}
          strokeDasharray={DASHES[i % DASHES.length]}
          dot={{ r: 3, strokeWidth: 1.5, fill: pal.grid }}
          activeDot={{ r: 5 }}
          connectNulls
          isAnimationActive={false}
        />
      ))}
    </ComposedChart>
    </div>
  );
});

function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** The sweep's result: one line per series over the swept knob, the table, the CSV export. */
export function SweepChart() {
  const run = useSweep((s) => s.run);
  const livePoints = useSweep((s) => s.points);
  const status = useSweep((s) => s.status);
  const draftY = useSweep((s) => s.draft.y);
  const theme = useTheme((s) => s.theme);
  const points = useThrottled(livePoints, status === 'running' ? REDRAW_MS : 0);
  const y = SWEEP_OUTPUT_BY_KEY.has(draftY) ? draftY : (run?.def.y ?? draftY);
  const output = SWEEP_OUTPUT_BY_KEY.get(y);
  const sweepId = useSweep((s) => s.sweepId);
  const spreadKey = useSpread((s) => s.key);
  const spreadSweep = useSpread((s) => s.sweep);
  // the spread belongs to the sweep run it was started from
  const spread: readonly (FitSpread | null)[] | null = spreadKey === sweepSpreadKey(sweepId) ? spreadSweep : null;
  const rows = useMemo(() => (run ? sweepRows(run, points, y, spread) : []), [run, points, y, spread]);
  const finished = useMemo(() => livePoints.filter((p) => p !== null).length, [livePoints]);
  const failed = useMemo(() => livePoints.filter((p) => p !== null && p.error !== null).length, [livePoints]);
  const drawn = useMemo(() => rows.reduce((n, r) => n + Object.keys(r).filter((k) => /^s\d+$/.test(k)).length, 0), [rows]);
  const bands = useMemo(() => rows.reduce((n, r) => n + Object.keys(r).filter((k) => /^b\d+$/.test(k)).length, 0), [rows]);

  if (!run || !output) {
    return (
      <figure className="chart sweep-chart" data-testid="sweep-chart" data-points={0}>
        <figcaption>
          <span className="chart-title">Result</span>
        </figcaption>
        <div className="sweep-empty">Run a sweep to see one point per run here.</div>
      </figure>
    );
  }
  const { unit } = displayUnit(output);
  return (
    <>
    <ChartFigure
      testId="sweep-chart"
      className="sweep-chart"
      dataAttrs={{ 'data-points': finished, 'data-drawn': drawn, 'data-y': y, 'data-bands': bands }}
      title={output.label}
      note={`(${unit} vs ${run.path})`}
      extra={
        <button
          type="button"
          className="btn btn-small caption-extra"
          data-testid="sweep-csv"
          disabled={finished === 0}
          onClick={() => download(csvFileName(run), sweepCsv(run, livePoints, spread))}
          title={`Every output of every finished run, full precision, one row per run${spread ? ', with the fit spread of each run\'s headline figure' : ''} (CSV)`}
        >
          Download CSV
        </button>
      }
      table={() => sweepTable(run, livePoints, y, spread)}
    >
      <SweepPlot run={run} rows={rows} output={output} theme={theme} banded={bands > 0} />
      {drawn === 0 && (
        <div className="chart-empty">
          {status === 'running'
            ? 'Waiting for the first point…'
            : `No finished run has a value for ${output.label}${failed > 0 ? `; ${failed} failed (listed below)` : ''}.`}
        </div>
      )}
    </ChartFigure>
    {/* outside the figure: it stays in view when the figure shows its table */}
    {status === 'done' && <SweepFitSpread run={run} sweepId={sweepId} y={y} spread={spread} points={livePoints} />}
    <SweepCalibration run={run} />
    </>
  );
}
