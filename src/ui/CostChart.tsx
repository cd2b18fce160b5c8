/**
 * CPU time per packet (the engine's `summary.cost_per_packet`): by CPU stage and per CPU, in ns
 * and cycles, for this run and, with a pinned baseline, A and B in one chart ("what does the NUMA
 * crossing cost per packet?"). Plain SVG, like the cycles chart.
 */
import { memo, useDeferredValue, useMemo } from 'react';
import type { Summary } from '../engine';
import { useApp, useCompare } from '../state/app';
import type { Theme } from '../state/theme';
import { ChartFigure } from './ChartFigure';
import { ChartLegend, useWidth } from './ChartParts';
import { tickNumber } from './chartCommon';
import { ratio, formatRatio } from './compareData';
import { costData, hasCost, type Cost, type CostData } from './costData';
import { niceAxis } from './chartScale';
import { chartPalette, muted } from './chartTheme';
import { formatInt, formatNs } from './format';
import { useReportShown } from './useThrottled';

const costText = (c: Cost | null) => (c ? `${formatNs(c.ns)} ns · ${formatInt(c.cycles)} cycles` : '—');

export const CostChart = memo(function CostChart({ theme, pngName }: { theme: Theme; pngName?: string }) {
  const summary = useDeferredValue(useApp((s) => s.summary));
  const pinned = useCompare((s) => s.baseline);
  const a = pinned?.summary ?? null;
  useReportShown('chart-cost', { summary });
  const data = useMemo(() => costData(summary, a), [summary, a]);
  if (!hasCost(summary) && !hasCost(a)) return null;
  return <CostFigure data={data} compared={a !== null} b={summary} theme={theme} pngName={pngName} />;
});

const ROW_H = 16;
const GAP = 8;
const AXIS_H = 42;

function CostFigure({ data, compared, b, theme, pngName }: { data: CostData; compared: boolean; b: Summary | null; theme: Theme; pngName?: string }) {
  const pal = chartPalette(theme);
  const [ref, width] = useWidth<HTMLDivElement>();
  const both = compared && data.total.a !== null;
  const bars = both && data.total.b !== null ? 2 : 1;
  const narrow = width > 0 && width < 520;
  const labelW = narrow ? 146 : 170;
  const valueW = narrow ? 40 : 150;
  const plotW = Math.max(40, width - labelW - valueW - 16);
  const max = Math.max(...data.rows.flatMap((r) => [r.a?.ns ?? 0, r.b?.ns ?? 0]), 1);
  const axis = niceAxis(0, max, narrow ? 3 : 5);
  const x = (ns: number) => labelW + (plotW * Math.min(ns, axis.domain[1])) / axis.domain[1];
  const rowH = bars * ROW_H + GAP;
  const height = data.rows.length * rowH + AXIS_H;
  const aColor = (c: string) => muted(c, pal);
  const q = ratio(data.total.a?.ns ?? NaN, data.total.b?.ns ?? null);
  const legend = both
    ? [
        { key: 'a', label: 'A (baseline): muted, above', color: pal.axis, band: true },
        { key: 'b', label: 'B (this run)', color: pal.series.delivered_pps, band: true },
      ]
    : [];
  // Per CPU: B's (or A's alone) ns per packet.
  const cpus = data.perCpu.b ?? data.perCpu.a ?? [];
  const cpuA = both ? (data.perCpu.a ?? []) : [];
  const cpuMax = Math.max(...cpus.map((c) => c.ns), ...cpuA.map((c) => c.ns), 1);
  const cpuAxis = niceAxis(0, cpuMax, 3);
  const CPU_H = 90;
  const band = cpus.length > 0 ? (width - 56) / Math.max(cpus.length, cpuA.length) : 0;
  const cy = (ns: number) => 8 + (CPU_H - 8) * (1 - Math.min(ns, cpuAxis.domain[1]) / cpuAxis.domain[1]);
  return (
    <ChartFigure
      testId="chart-cost"
      title="CPU time per packet"
      note="(ns per packet that completed the path, all CPUs together, by stage)"
      dataAttrs={{ 'data-stages': data.rows.length, 'data-cpus': cpus.length, 'data-compared': both ? 'true' : 'false', 'data-total-ns': data.total.b?.ns ?? data.total.a?.ns ?? '' }}
      pngName={pngName}
      table={() => ({
        caption: 'CPU time per packet that completed the path, by stage and per CPU',
        columns: [
          { key: 'what', label: 'Stage / CPU' },
          ...(both ? [{ key: 'a_ns', label: 'A ns', num: true }, { key: 'a_cyc', label: 'A cycles', num: true }] : []),
          { key: 'b_ns', label: both ? 'B ns' : 'ns', num: true },
          { key: 'b_cyc', label: both ? 'B cycles' : 'cycles', num: true },
          ...(both ? [{ key: 'ratio', label: 'B / A', num: true }] : []),
        ],
        rows: [
          ...data.rows.map((r) => ({ what: r.label, a: r.a, b: r.b ?? (both ? null : r.a) })),
          { what: 'Total', a: data.total.a, b: data.total.b ?? (both ? null : data.total.a) },
          ...Array.from({ length: Math.max(data.perCpu.a?.length ?? 0, data.perCpu.b?.length ?? 0) }, (_, i) => ({
            what: `CPU ${i}`,
            a: data.perCpu.a?.[i] ?? null,
            b: data.perCpu.b ? (data.perCpu.b[i] ?? null) : both ? null : (data.perCpu.a?.[i] ?? null),
          })),
        ].map((r) => ({
          what: r.what,
          ...(both ? { a_ns: r.a ? formatNs(r.a.ns) : '—', a_cyc: r.a ? formatInt(r.a.cycles) : '—', ratio: formatRatio(ratio(r.a?.ns ?? NaN, r.b?.ns ?? null)) } : {}),
          b_ns: r.b ? formatNs(r.b.ns) : '—',
          b_cyc: r.b ? formatInt(r.b.cycles) : '—',
        })),
      })}
    >
      <p className="muted small cost-total" data-testid="chart-cost-total">
        Total: {both ? `A ${costText(data.total.a)} · B ${costText(data.total.b)} · B/A ${formatRatio(q)}` : costText(data.total.b ?? data.total.a)}
        {b ? ` (cycles at the nominal ${b.scenario.host.ghz} GHz)` : ''}
      </p>
      {legend.length > 0 && <ChartLegend items={legend} testId="chart-cost-legend" />}
      <div ref={ref} className="heat-box">
        {width > 0 && (
          <svg width={width} height={height} role="img" aria-label={`CPU time per packet by stage for ${data.rows.length} stages${both ? ', A and B' : ''}; use the Table button for the numbers`}>
            {axis.ticks.map((t) => (
              <g key={t}>
                <line x1={x(t)} x2={x(t)} y1={0} y2={height - AXIS_H + 4} stroke={pal.grid} />
                <text x={x(t)} y={height - AXIS_H + 17} textAnchor="middle" fontSize={12} fill={pal.axis}>
                  {tickNumber(t)}
                </text>
              </g>
            ))}
            <text x={labelW + plotW / 2} y={height - 4} textAnchor="middle" fontSize={12} fill={pal.axis}>
              ns per packet
            </text>
            {data.rows.map((r, i) => {
              const y0 = i * rowH + GAP / 2;
              const color = pal.stages[r.stage];
              const lines = both ? [r.a, r.b] : [r.b ?? r.a];
              return (
                <g key={r.stage} className="cost-row" data-testid={`cost-${r.stage}`} data-ns={r.b?.ns ?? r.a?.ns ?? ''} data-a-ns={both ? (r.a?.ns ?? '') : ''}>
                  <text x={labelW - 6} y={y0 + (bars * ROW_H) / 2} dy="0.35em" textAnchor="end" fontSize={narrow ? 11 : 12} fill={pal.axis}>
                    {r.label}
                  </text>
                  {lines.map((c, k) =>
                    c ? (
                      <rect key={k} x={labelW} y={y0 + k * ROW_H + 1} width={Math.max(c.ns > 0 ? 1 : 0, x(c.ns) - labelW)} height={ROW_H - 3} rx={2} fill={both && k === 0 ? aColor(color) : color} />
                    ) : null,
                  )}
                  <text x={labelW + plotW + 8} y={y0 + (bars * ROW_H) / 2} dy="0.35em" fontSize={12} fill={pal.axis}>
                    {narrow ? formatNs((r.b ?? r.a)!.ns) : both ? `${r.a ? formatNs(r.a.ns) : '—'} → ${r.b ? formatNs(r.b.ns) : '—'} ns` : costText(r.b ?? r.a)}
                  </text>
                </g>
              );
            })}
          </svg>
        )}
      </div>
      {cpus.length > 1 && width > 0 && (
        <div className="cost-cpus">
          <p className="muted small">Per CPU: busy ns per packet of the whole run (x: CPU){both ? '; A muted on the left, B on the right' : ''}</p>
          <svg width={width} height={CPU_H + 22} role="img" aria-label={`CPU time per packet on each of ${cpus.length} CPUs; the Table has the numbers`} data-testid="chart-cost-cpus">
            {cpuAxis.ticks.map((t) => (
              <g key={t}>
                <line x1={48} x2={width - 4} y1={cy(t)} y2={cy(t)} stroke={pal.grid} />
                <text x={42} y={cy(t)} dy="0.35em" textAnchor="end" fontSize={11} fill={pal.axis}>
                  {tickNumber(t)}
                </text>
              </g>
            ))}
            {Array.from({ length: Math.max(cpus.length, cpuA.length) }, (_, i) => {
              const x0 = 52 + i * band;
              const w = Math.max(1, (both ? band / 2 : band) - 1.5);
              const av = cpuA[i];
              const bv = cpus[i];
              return (
                <g key={i}>
                  {av && <rect x={x0} y={cy(av.ns)} width={w} height={CPU_H - cy(av.ns)} fill={aColor(pal.series.delivered_pps)} />}
                  {bv && <rect x={x0 + (both ? band / 2 : 0)} y={cy(bv.ns)} width={w} height={CPU_H - cy(bv.ns)} fill={pal.series.delivered_pps} />}
                  {i % Math.max(1, Math.ceil(16 / band)) === 0 && (
                    <text x={x0 + band / 2} y={CPU_H + 14} textAnchor="middle" fontSize={11} fill={pal.axis}>
                      {i}
                    </text>
                  )}
                </g>
              );
            })}
          </svg>
        </div>
      )}
    </ChartFigure>
  );
}
