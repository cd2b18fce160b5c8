/**
 * The per-CPU views: utilisation over time as a heat strip (one row per CPU, quantised colours)
 * and where each CPU's cycles went (stacked bars), both plain SVG drawn at the box's pixel width.
 */
import { memo, useDeferredValue, useMemo, useState, type MouseEvent } from 'react';
import type { SeriesInfo } from '../engine';
import { useApp } from '../state/app';
import type { FrameColumns } from '../state/store';
import type { Theme } from '../state/theme';
import { ChartFigure } from './ChartFigure';
import { useWidth } from './ChartParts';
import { cyclesByStage, heatLevel, heatStrip, seriesWithRole } from './chartData';
import { niceTicks } from './chartScale';
import { tickNumber } from './chartCommon';
import { HEAT_LEVELS, chartPalette } from './chartTheme';
import { formatTrim } from './format';
import { useReportShown } from './useThrottled';

/** An HTML legend that stays readable with many series: the top ones by mean, then a count. */
function ShortLegend({ items, total, testId }: { items: { key: string; label: string; color: string }[]; total: number; testId: string }) {
  return (
    <ul className="short-legend" data-testid={testId}>
      {items.map((it) => (
        <li key={it.key}>
          <span className="swatch" style={{ background: it.color }} aria-hidden="true" />
          {it.label}
        </li>
      ))}
      {total > items.length && <li className="muted">+{total - items.length} more (busiest first; all in the table)</li>}
    </ul>
  );
}

const HEAT_LEFT = 64;
const HEAT_RIGHT = 52;
const HEAT_AXIS = 34;
/** Room above the rows for the "mean" column header. */
const HEAT_TOP = 16;

interface HeatProps {
  frames: FrameColumns;
  series: readonly SeriesInfo[];
  totalMs: number;
  theme: Theme;
  pngName?: string;
  /** A baseline is pinned: say that this chart is this run's (B) only. */
  compared?: boolean;
}

export const CpuHeatStrip = memo(function CpuHeatStrip(props: HeatProps) {
  const cpus = useMemo(() => seriesWithRole(props.series, 'cpu'), [props.series]);
  return cpus.length > 0 ? <HeatStripFigure {...props} cpus={cpus} /> : null;
});

function HeatStripFigure({ frames, cpus, totalMs, theme, pngName, compared }: HeatProps & { cpus: SeriesInfo[] }) {
  const pal = chartPalette(theme);
  const strip = useMemo(() => heatStrip(frames, cpus, 100), [frames, cpus]);
  const [boxRef, width] = useWidth<HTMLDivElement>();
  const [hover, setHover] = useState<{ r: number; c: number } | null>(null);
  const n = cpus.length;
  const rowH = n > 0 ? Math.max(5, Math.min(14, Math.floor(300 / n))) : 0;
  const innerW = Math.max(10, width - HEAT_LEFT - HEAT_RIGHT);
  const height = HEAT_TOP + n * rowH + HEAT_AXIS;
  const x = (t: number) => HEAT_LEFT + (Math.min(Math.max(t, 0), totalMs) / (totalMs || 1)) * innerW;
  const paths = useMemo(() => {
    const d: string[] = Array.from({ length: HEAT_LEVELS + 1 }, () => '');
    strip.rows.forEach((row, r) => {
      const y = HEAT_TOP + r * rowH;
      let runLevel = -2;
      let runStart = 0;
      const flush = (end: number) => {
        if (runLevel === -2) return;
        const slot = runLevel < 0 ? HEAT_LEVELS : runLevel;
        const x0 = x(runStart);
        d[slot] += `M${x0.toFixed(1)} ${y}h${(x(end) - x0).toFixed(1)}v${rowH - 1}h${(x0 - x(end)).toFixed(1)}z`;
      };
      row.values.forEach((v, c) => {
        const lv = heatLevel(v, HEAT_LEVELS);
        const start = c === 0 ? strip.t0 : strip.t[c - 1]!;
        if (lv !== runLevel) {
          flush(start);
          runLevel = lv;
          runStart = start;
        }
      });
      if (row.values.length > 0) flush(strip.t[strip.t.length - 1]!);
    });
    return d;
  }, [strip, rowH, innerW, totalMs]); // eslint-disable-line react-hooks/exhaustive-deps
  const labelEvery = Math.ceil(12 / rowH);
  const ticks = niceTicks(0, totalMs);
  const onMove = (e: MouseEvent<SVGSVGElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const px = e.clientX - rect.left;
    const py = e.clientY - rect.top;
    const r = Math.floor((py - HEAT_TOP) / rowH);
    const t = ((px - HEAT_LEFT) / innerW) * totalMs;
    const c = strip.t.findIndex((te) => te >= t);
    setHover(r >= 0 && r < n && px >= HEAT_LEFT && c >= 0 && t >= strip.t0 ? { r, c } : null);
  };
  const hv = hover && strip.rows[hover.r] ? { row: strip.rows[hover.r]!, c: hover.c } : null;
  return (
    <ChartFigure
      testId="chart-cpu"
      title="CPU utilisation over time"
      note={`(% busy per CPU; ${n} CPUs, ${pal.heatReads}${compared ? '; B only' : ''})`}
      dataAttrs={{ 'data-series': n, 'data-frames': frames.count, 'data-columns': strip.t.length }}
      pngName={pngName}
      table={
        frames.count > 0
          ? () => ({
              caption: 'CPU utilisation, % busy, per time step',
              columns: [{ key: 't', label: 'Simulated time (ms)', num: true }, ...strip.rows.map((r) => ({ key: r.key, label: r.label, num: true }))],
              rows: strip.t.map((t, c) => {
                const o: Record<string, string> = { t: formatTrim(t, 3) };
                for (const r of strip.rows) o[r.key] = formatTrim((r.values[c] ?? NaN) * 100, 1);
                return o;
              }),
            })
          : null
      }
    >
      <div ref={boxRef} className="heat-box">
        {width > 0 && (
          <svg width={width} height={height} role="img" aria-label={`Utilisation of ${n} CPUs over simulated time; use the Table button for the numbers`} onMouseMove={onMove} onMouseLeave={() => setHover(null)}>
            {paths.map((d, lv) => (d ? <path key={lv} d={d} fill={lv === HEAT_LEVELS ? pal.noData : pal.heat[lv]} /> : null))}
            {strip.rows.map((r, i) =>
              i % labelEvery === 0 ? (
                <text key={r.key} x={HEAT_LEFT - 6} y={HEAT_TOP + i * rowH + rowH / 2} dy="0.35em" textAnchor="end" fontSize={11} fill={pal.axis}>
                  CPU {i}
                </text>
              ) : null,
            )}
            {frames.count > 0 &&
              strip.rows.map((r, i) =>
                i % labelEvery === 0 ? (
                  <text key={`m${r.key}`} x={HEAT_LEFT + innerW + 6} y={HEAT_TOP + i * rowH + rowH / 2} dy="0.35em" fontSize={11} fill={pal.axis} fontFamily="var(--mono)">
                    {Number.isFinite(r.mean) ? `${Math.round(r.mean * 100)}%` : ''}
                  </text>
                ) : null,
              )}
            <text x={HEAT_LEFT + innerW + 6} y={11} fontSize={11} fill={pal.axis}>
              mean
            </text>
            {ticks.map((t) => (
              <g key={t}>
                <line x1={x(t)} x2={x(t)} y1={HEAT_TOP + n * rowH} y2={HEAT_TOP + n * rowH + 5} stroke={pal.axis} />
                <text x={x(t)} y={HEAT_TOP + n * rowH + 17} fontSize={12} fill={pal.axis} textAnchor="middle">
                  {tickNumber(t)}
                </text>
              </g>
            ))}
            <text x={HEAT_LEFT + innerW / 2} y={HEAT_TOP + n * rowH + 31} fontSize={12} fill={pal.axis} textAnchor="middle">
              Simulated time (ms)
            </text>
            {hv && <rect x={HEAT_LEFT} y={HEAT_TOP + hover!.r * rowH - 0.5} width={innerW} height={rowH} fill="none" stroke={pal.axis} strokeWidth={1} pointerEvents="none" />}
          </svg>
        )}
      </div>
      <div className="heat-legend">
        <span className="muted small" aria-live="polite" data-testid="chart-cpu-hover">
          {hv
            ? `${hv.row.label} · t = ${formatTrim(hv.c === 0 ? strip.t0 : strip.t[hv.c - 1]!)}–${formatTrim(strip.t[hv.c]!)} ms · ${formatTrim((hv.row.values[hv.c] ?? NaN) * 100, 1)} % busy`
            : 'Hover a row for its value'}
        </span>
        <span className="heat-scale" aria-hidden="true">
          <span className="small muted">0 %</span>
          {pal.heat.map((c) => (
            <span key={c} className="heat-swatch" style={{ background: c }} />
          ))}
          <span className="small muted">100 % busy</span>
        </span>
      </div>
    </ChartFigure>
  );
}

/** The cycles chart's plot box inside its SVG (px); the left edge lines up with the time charts. */
const CYC = { height: 280, left: 64, right: 16, top: 10, bottom: 40 } as const;
const PCT_TICKS = [0, 20, 40, 60, 80, 100];

/**
 * Stacked bars, one per CPU, one colour per stage, drawn as plain SVG: one path per stage holds
 * that stage's segment of every CPU. (As a Recharts BarChart, CPUs × stages bar components took
 * 150 ms of main thread to mount at the end of each 24-CPU run; this takes a few.)
 */
export const CyclesChart = memo(function CyclesChart({ theme, pngName, compared }: { theme: Theme; pngName?: string; compared?: boolean }) {
  // Drawn after the summary table, in an interruptible render.
  const summary = useDeferredValue(useApp((s) => s.summary));
  useReportShown('chart-cycles', { summary });
  const { rows, stages } = useMemo(() => cyclesByStage(summary), [summary]);
  if (!summary || rows.length === 0) return null;
  return <CyclesFigure rows={rows} stages={stages} theme={theme} pngName={pngName} compared={compared} />;
});

function CyclesFigure({ rows, stages, theme, pngName, compared }: ReturnType<typeof cyclesByStage> & { theme: Theme; pngName?: string; compared?: boolean }) {
  const pal = chartPalette(theme);
  const [boxRef, width] = useWidth<HTMLDivElement>();
  const [hover, setHover] = useState<number | null>(null);
  const n = rows.length;
  const innerW = Math.max(10, width - CYC.left - CYC.right);
  const innerH = CYC.height - CYC.top - CYC.bottom;
  const band = innerW / Math.max(1, n);
  const gap = Math.min(band * 0.2, n > 32 ? 1 : 2);
  const y = (pct: number) => CYC.top + innerH * (1 - Math.min(100, Math.max(0, pct)) / 100);
  const paths = useMemo(() => {
    const bottom = new Float64Array(n);
    return stages.map(({ stage }) => {
      let d = '';
      rows.forEach((r, i) => {
        const h = Number(r[stage]) || 0;
        if (h <= 0) return;
        const y0 = y(bottom[i]!);
        const y1 = y(bottom[i]! + h);
        bottom[i] = bottom[i]! + h;
        d += `M${(CYC.left + i * band + gap).toFixed(1)} ${y1.toFixed(1)}h${Math.max(0.5, band - 2 * gap).toFixed(1)}V${y0.toFixed(1)}h${(-Math.max(0.5, band - 2 * gap)).toFixed(1)}z`;
      });
      return { stage, d };
    });
  }, [rows, stages, band, gap, innerH]); // eslint-disable-line react-hooks/exhaustive-deps
  // CPU labels no closer than 16 px.
  const labelEvery = Math.max(1, Math.ceil(16 / band));
  const onMove = (e: MouseEvent<SVGSVGElement>) => {
    const px = e.clientX - e.currentTarget.getBoundingClientRect().left;
    const i = Math.floor((px - CYC.left) / band);
    setHover(i >= 0 && i < n ? i : null);
  };
  const hv = hover !== null ? rows[hover] : undefined;
  const hoverText = hv
    ? `CPU ${hv.cpu} (domain ${hv.domain})${hv.tasks ? ` · ${hv.tasks}` : ''} · ${formatTrim(hv.utilization * 100, 1)} % busy: ${stages
        .filter((s) => Number(hv[s.stage]) > 0)
        .sort((a, b) => Number(hv[b.stage]) - Number(hv[a.stage]))
        .map((s) => `${s.label} ${formatTrim(Number(hv[s.stage]), 1)} %`)
        .join(', ')}`
    : 'Hover a bar for its values';
  return (
    <ChartFigure
      testId="chart-cycles"
      title="Where each CPU's time goes"
      note={`(cycles by stage, % of the CPU's simulated time; the rest is idle${compared ? '; B only' : ''})`}
      dataAttrs={{ 'data-cpus': n, 'data-stages': stages.length }}
      pngName={pngName}
      table={() => ({
        caption: "Cycles by stage per CPU, % of the CPU's time",
        columns: [
          { key: 'cpu', label: 'CPU', num: true },
          { key: 'tasks', label: 'Tasks' },
          ...stages.map((s) => ({ key: s.stage, label: s.label, num: true })),
          { key: 'busy', label: 'Busy (%)', num: true },
        ],
        rows: rows.map((r) => {
          const o: Record<string, string | number> = { cpu: r.cpu, tasks: r.tasks || '—', busy: formatTrim(r.utilization * 100, 1) };
          for (const s of stages) o[s.stage] = formatTrim(Number(r[s.stage]), 2);
          return o;
        }),
      })}
    >
      <ShortLegend testId="chart-cycles-legend" total={stages.length} items={stages.map((s) => ({ key: s.stage, label: s.label, color: pal.stages[s.stage] }))} />
      <div ref={boxRef} className="heat-box">
        {width > 0 && (
          <svg
            width={width}
            height={CYC.height}
            role="img"
            aria-label={`Cycles by stage for ${n} CPUs, as a percentage of each CPU's time; use the Table button for the numbers`}
            onMouseMove={onMove}
            onMouseLeave={() => setHover(null)}
          >
            {PCT_TICKS.map((t) => (
              <g key={t}>
                <line x1={CYC.left} x2={CYC.left + innerW} y1={y(t)} y2={y(t)} stroke={pal.grid} />
                <text x={CYC.left - 8} y={y(t)} dy="0.35em" textAnchor="end" fontSize={12} fill={pal.axis}>
                  {t}
                </text>
              </g>
            ))}
            <text transform={`translate(14 ${CYC.top + innerH / 2}) rotate(-90)`} textAnchor="middle" fontSize={12} fill={pal.axis}>
              % of CPU time
            </text>
            {hv && <rect x={CYC.left + hover! * band} y={CYC.top} width={band} height={innerH} fill={pal.grid} opacity={0.6} pointerEvents="none" />}
            {paths.map((p) => (p.d ? <path key={p.stage} className="cycles-stage" d={p.d} fill={pal.stages[p.stage]} /> : null))}
            {rows.map((r, i) =>
              i % labelEvery === 0 ? (
                <text key={r.cpu} x={CYC.left + (i + 0.5) * band} y={CYC.top + innerH + 15} textAnchor="middle" fontSize={12} fill={pal.axis}>
                  {r.cpu}
                </text>
              ) : null,
            )}
            <text x={CYC.left + innerW / 2} y={CYC.height - 6} textAnchor="middle" fontSize={12} fill={pal.axis}>
              CPU
            </text>
          </svg>
        )}
      </div>
      <div className="heat-legend">
        <span className="muted small" aria-live="polite" data-testid="chart-cycles-hover">
          {hoverText}
        </span>
      </div>
    </ChartFigure>
  );
}
