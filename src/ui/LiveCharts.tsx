import { memo, useDeferredValue, useLayoutEffect, useMemo, useRef, useState, type MouseEvent, type RefObject } from 'react';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis, type TooltipContentProps, type TooltipValueType } from 'recharts';
import type { SeriesInfo } from '../engine';
import { useApp } from '../state/app';
import type { FrameColumns } from '../state/store';
import type { Theme } from '../state/theme';
import { ChartFigure } from './ChartFigure';
import { CPU_KEY, QUEUE_KEY, activeDropSeries, cyclesByStage, framePoints, heatLevel, heatStrip, rankByMean, seriesInGroup } from './chartData';
import { MARGIN, RATE_UNIT, axes, tickNumber, timeLabel, timeTable } from './chartCommon';
import { HEAT_LEVELS, chartPalette, queueColor } from './chartTheme';
import { formatTrim } from './format';
import { DROP_LABELS, type DropLocation } from './pathModel';

/** Legends and tooltips of many-line charts list this many series (the table has them all). */
const LEGEND_MAX = 8;
const QUEUE_STYLE = { width: '100%', height: 220 };
const DROPS_STYLE = { width: '100%', height: 220 };
const CYCLES_STYLE = { width: '100%', height: 280 };
const mppsValue = (v: unknown) => `${Number(v).toFixed(3)} ${RATE_UNIT}`;

interface TimeChartProps {
  frames: FrameColumns;
  series: readonly SeriesInfo[];
  xDomain: [number, number];
  theme: Theme;
}

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

export const QueueChart = memo(function QueueChart({ frames, series, xDomain, theme }: TimeChartProps) {
  const pal = chartPalette(theme);
  const ax = axes(pal);
  const queues = useMemo(() => seriesInGroup(series, 'queue', QUEUE_KEY), [series]);
  const colors = useMemo(() => new Map(queues.map((s, i) => [s.key, queueColor(i, theme)])), [queues, theme]);
  const data = useMemo(() => framePoints(frames, queues.map((s) => s.key), { scale: () => 1e-6 }), [frames, queues]);
  // Legend order follows the busiest queues; recomputed only when the set of queues changes or
  // the run ends, so the legend does not reshuffle on every batch.
  const done = useApp((s) => s.status === 'done');
  const ranked = useMemo(() => (frames.count > 0 && queues.length > LEGEND_MAX ? rankByMean(frames, queues) : queues), [queues, done]); // eslint-disable-line react-hooks/exhaustive-deps
  if (queues.length === 0) return null;
  const what = queues[0]!.label.startsWith('Sender') ? 'sender thread' : 'RX queue';
  return (
    <ChartFigure
      testId="chart-queues"
      title={`Per ${what}`}
      note={`(${RATE_UNIT}; ${queues.length} ${what}s)`}
      dataAttrs={{ 'data-series': queues.length, 'data-points': data.length }}
      table={frames.count > 0 ? () => timeTable(`Packets per second per ${what}, ${RATE_UNIT}`, data, queues, RATE_UNIT) : null}
    >
      <ShortLegend
        testId="chart-queues-legend"
        total={queues.length}
        items={ranked.slice(0, LEGEND_MAX).map((s) => ({ key: s.key, label: s.label, color: colors.get(s.key)! }))}
      />
      <LineChart responsive style={QUEUE_STYLE} data={data} margin={MARGIN}>
        <CartesianGrid stroke={pal.grid} />
        <XAxis dataKey="t" type="number" domain={xDomain} allowDataOverflow tick={ax.tick} tickFormatter={tickNumber} label={ax.xLabel} />
        <YAxis width={64} tick={ax.tick} tickFormatter={tickNumber} label={ax.yLabel(RATE_UNIT)} />
        <Tooltip content={TopTooltip} isAnimationActive={false} />
        {queues.map((s) => (
          <Line key={s.key} type="linear" dataKey={s.key} name={s.label} stroke={colors.get(s.key)} strokeWidth={1.25} dot={false} isAnimationActive={false} />
        ))}
      </LineChart>
    </ChartFigure>
  );
});

function dropLabel(s: SeriesInfo): string {
  const m = /^drops_(.+)_pps$/.exec(s.key);
  const loc = m?.[1] as DropLocation | undefined;
  if (loc && loc in DROP_LABELS) return `${loc}: ${DROP_LABELS[loc]}`;
  return s.key === 'drops_pps' ? 'tx_ring: TX ring full' : s.label;
}

function dropColor(s: SeriesInfo, pal: ReturnType<typeof chartPalette>): string {
  const m = /^drops_(.+)_pps$/.exec(s.key);
  const loc = m?.[1] as DropLocation | undefined;
  return loc && loc in pal.drops ? pal.drops[loc] : pal.drops.tx_ring;
}

export const DropsChart = memo(function DropsChart({ frames, series, xDomain, theme }: TimeChartProps) {
  const pal = chartPalette(theme);
  const ax = axes(pal);
  const active = useMemo(() => activeDropSeries(frames, series), [frames, series]);
  const keys = useMemo(() => active.map((s) => s.key).join(','), [active]);
  const data = useMemo(() => framePoints(frames, keys ? keys.split(',') : [], { scale: () => 1e-6 }), [frames, keys]);
  const labelled = useMemo(() => active.map((s) => ({ ...s, label: dropLabel(s) })), [active]);
  const none = frames.count > 0 && active.length === 0;
  return (
    <ChartFigure
      testId="chart-drops"
      title="Drops by location"
      note={`(${RATE_UNIT}, stacked)`}
      dataAttrs={{ 'data-series': active.length }}
      table={frames.count > 0 ? () => timeTable(`Drops per second by location, ${RATE_UNIT}`, data, labelled, RATE_UNIT) : null}
    >
      <AreaChart responsive style={DROPS_STYLE} data={data} margin={MARGIN}>
        <CartesianGrid stroke={pal.grid} />
        <XAxis dataKey="t" type="number" domain={xDomain} allowDataOverflow tick={ax.tick} tickFormatter={tickNumber} label={ax.xLabel} />
        <YAxis width={64} tick={ax.tick} tickFormatter={tickNumber} label={ax.yLabel(RATE_UNIT)} />
        <Tooltip labelFormatter={timeLabel} formatter={mppsValue} isAnimationActive={false} />
        <Legend verticalAlign="top" height={28} />
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
      </AreaChart>
      {none && <div className="chart-empty">No drops so far</div>}
    </ChartFigure>
  );
});

/** Width of an element, kept up to date (the heat strip draws in CSS pixels, text unscaled). */
function useWidth<T extends HTMLElement>(): [RefObject<T | null>, number] {
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
}

export const CpuHeatStrip = memo(function CpuHeatStrip(props: HeatProps) {
  const cpus = useMemo(() => seriesInGroup(props.series, 'cpu', CPU_KEY), [props.series]);
  return cpus.length > 0 ? <HeatStripFigure {...props} cpus={cpus} /> : null;
});

function HeatStripFigure({ frames, cpus, totalMs, theme }: HeatProps & { cpus: SeriesInfo[] }) {
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
  const ticks = Array.from({ length: 6 }, (_, i) => (totalMs * i) / 5);
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
      note={`(% busy per CPU; ${n} CPUs, darker = busier)`}
      dataAttrs={{ 'data-series': n, 'data-columns': strip.t.length }}
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

const pctValue = (v: unknown) => `${Number(v).toFixed(1)} %`;

export const CyclesChart = memo(function CyclesChart({ theme }: { theme: Theme }) {
  // Drawn after the summary table, in an interruptible render.
  const summary = useDeferredValue(useApp((s) => s.summary));
  const pal = chartPalette(theme);
  const ax = axes(pal);
  const { rows, stages } = useMemo(() => cyclesByStage(summary), [summary]);
  if (!summary || rows.length === 0) return null;
  const cpuLabel = (v: unknown) => {
    const r = rows.find((x) => x.name === String(v));
    return r ? `CPU ${r.cpu} (domain ${r.domain})${r.tasks ? ` · ${r.tasks}` : ''} · ${(r.utilization * 100).toFixed(1)} % busy` : `CPU ${String(v)}`;
  };
  return (
    <ChartFigure
      testId="chart-cycles"
      title="Where each CPU's time goes"
      note="(cycles by stage, % of the CPU's simulated time; the rest is idle)"
      dataAttrs={{ 'data-cpus': rows.length, 'data-stages': stages.length }}
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
      <BarChart responsive style={CYCLES_STYLE} data={rows} margin={MARGIN} barCategoryGap={rows.length > 32 ? 1 : 2}>
        <CartesianGrid stroke={pal.grid} vertical={false} />
        <XAxis dataKey="name" tick={ax.tick} label={{ value: 'CPU', position: 'insideBottom', offset: -14, fill: pal.axis, fontSize: 12 }} interval={rows.length > 32 ? 1 : 0} />
        <YAxis width={64} domain={[0, 100]} ticks={[0, 25, 50, 75, 100]} tick={ax.tick} label={ax.yLabel('% of CPU time')} />
        <Tooltip labelFormatter={cpuLabel} formatter={pctValue} isAnimationActive={false} />
        <Legend verticalAlign="top" height={stages.length > 6 ? 44 : 28} />
        {stages.map((s) => (
          <Bar key={s.stage} dataKey={s.stage} name={s.label} stackId="cpu" fill={pal.stages[s.stage]} isAnimationActive={false} />
        ))}
      </BarChart>
    </ChartFigure>
  );
});
