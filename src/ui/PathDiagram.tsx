import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useApp } from '../state/app';
import { REDRAW } from './chartCommon';
import { formatInt, formatNs, formatTrim } from './format';
import { buildDiagram, formatRate, type Diagram, type DiagramStage, type StageId } from './pathModel';
import { useReportShown, useThrottled } from './useThrottled';
import { useWidth } from './ChartParts';

/**
 * The packet path as a hand-drawn SVG: one box per stage (the engine's stages, with the driver's
 * function names) with the packets per second that entered it, its drops and (after the run) its
 * share of the busy CPU cycles; the engine's bottleneck stage is outlined and badged. Every figure
 * covers one window: the whole run after it, the run so far while it streams. Colours come from
 * styles.css (classes), so the theme applies. Everything shown is read from the store: frames,
 * series, summary, the run's scenario (see pathModel.ts).
 */

const W = 960;
const PAD = 8;
const GAP = 34;
const NODE_H = 112;
const MAX_NODE_W = 176;
/** Room above a row: its caption and the saturated badge. */
const ROW_TOP = 30;
/** Between two rows: the connector and the next row's caption. */
const ROW_GAP = 48;

interface Placed {
  stage: DiagramStage;
  x: number;
  y: number;
  w: number;
}

/** Below this width (CSS px) the stages are stacked in one column, drawn at 1:1 so text stays readable. */
const NARROW_PX = 620;
const V_NODE_H = 64;
const V_GAP = 22;
/** Room for a row caption in the stacked layout. */
const V_CAPTION = 22;

interface Layout {
  placed: Placed[];
  width: number;
  height: number;
  /** Where each row's caption goes (x is the right edge, wide layout; the left, stacked). */
  captions: { x: number; y: number; anchor: 'start' | 'end' }[];
  stacked: boolean;
}

/** One column, full width: for phones. */
function stackedLayout(d: Diagram, widthPx: number): Layout {
  const w = Math.max(220, Math.floor(widthPx)) - 2 * PAD;
  const placed: Placed[] = [];
  const captions: Layout['captions'] = [];
  let y = 6;
  d.rows.forEach((row, r) => {
    if (d.rowTitles) {
      y += r === 0 ? 4 : 0;
      captions.push({ x: PAD + 52, y: y + 12, anchor: 'start' });
      y += V_CAPTION;
    }
    row.forEach((stage) => {
      placed.push({ stage, x: PAD, y, w });
      y += V_NODE_H + V_GAP;
    });
  });
  return { placed, width: w + 2 * PAD, height: y - V_GAP + 8, captions, stacked: true };
}

function layout(d: Diagram): Layout {
  const wide = wideLayout(d);
  return { placed: wide.placed, width: W, height: wide.height, captions: wide.rowY.map((y) => ({ x: W - PAD, y: y - 16, anchor: 'end' as const })), stacked: false };
}

function wideLayout(d: Diagram): { placed: Placed[]; height: number; rowY: number[] } {
  const perRow = Math.max(...d.rows.map((r) => r.length), 1);
  // Short paths (one row) get wider boxes and longer arrows; two rows share one column grid.
  const maxW = d.rows.length === 1 ? MAX_NODE_W + 34 : MAX_NODE_W;
  const gap = d.rows.length === 1 && perRow <= 4 ? GAP + 22 : GAP;
  const w = Math.min(maxW, (W - 2 * PAD - (perRow - 1) * gap) / perRow);
  const placed: Placed[] = [];
  const rowY: number[] = [];
  d.rows.forEach((row, r) => {
    const y = ROW_TOP + r * (NODE_H + ROW_GAP);
    rowY.push(y);
    const rowW = row.length * w + (row.length - 1) * gap;
    // One row: centred. Two rows: both left-aligned so the columns line up.
    const x0 = d.rows.length === 1 ? (W - rowW) / 2 : PAD;
    row.forEach((stage, i) => placed.push({ stage, x: x0 + i * (w + gap), y, w }));
  });
  return { placed, height: ROW_TOP + d.rows.length * NODE_H + (d.rows.length - 1) * ROW_GAP + 8, rowY };
}

function clip(text: string, width: number, charPx: number): string {
  const max = Math.floor(width / charPx);
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** The stage's call chain, and the FreeBSD counter of each of its drop locations. */
function tooltip(s: DiagramStage): string {
  const drops = s.drops.map((d) => `${d.label}: ${d.freebsd}`);
  return `${s.title} — ${s.functions}${drops.length > 0 ? `\nDrops counted as ${drops.join('; ')}` : ''}`;
}

function pct(x: number): string {
  const v = x * 100;
  return v > 0 && v < 1 ? '< 1 %' : `${Math.round(v)} %`;
}

function ariaText(s: DiagramStage): string {
  const parts = [`${s.title} (${s.fn})`, s.pps === null ? 'no rate yet' : `${formatRate(s.pps)} Mpps entered`];
  if (s.drops.length > 0) parts.push(s.dropsTotalPps > 0 ? `${formatRate(s.dropsTotalPps)} Mpps dropped` : 'no drops');
  if (s.cpuShare !== null) parts.push(`${pct(s.cpuShare)} of busy CPU cycles`);
  if (s.saturated) parts.push('saturated');
  return parts.join(', ');
}

interface StageProps {
  p: Placed;
  active: boolean;
  onActive: (id: StageId | null) => void;
  /** Roving focus: only the current stage is in the tab order; arrows move between stages. */
  tabbable: boolean;
  onKey: (e: KeyboardEvent<SVGGElement>) => void;
  stacked: boolean;
}

function StageBox(props: StageProps) {
  return props.stacked ? <StageRow {...props} /> : <StageTile {...props} />;
}

/** What a stage's group carries in both layouts: its place, its role and tab stop, its figures as data attributes. */
function stageAttrs(p: StageProps['p'], active: boolean, tabbable: boolean) {
  const s = p.stage;
  return {
    className: ['pd-stage', s.saturated ? 'saturated' : '', active ? 'active' : ''].filter(Boolean).join(' '),
    transform: `translate(${p.x.toFixed(1)} ${p.y})`,
    role: 'listitem',
    tabIndex: tabbable ? 0 : -1,
    'aria-label': ariaText(s),
    'data-testid': `stage-${s.id}`,
    'data-rate': s.pps ?? '',
    'data-drops': s.dropsTotalPps,
    'data-cpu-share': s.cpuShare ?? '',
    'data-saturated': s.saturated ? 'true' : 'false',
  };
}

/** A stage's share of the busy CPU cycles: the figure, then a bar of it (at least 2 px when > 0). */
function CpuBar({ share, textY, barX, barY, barW }: { share: number; textY: number; barX: number; barY: number; barW: number }) {
  return (
    <g className="pd-cpu">
      <text x={10} y={textY}>
        CPU {pct(share)}
      </text>
      <rect className="pd-bar-track" x={barX} y={barY} width={barW} height={7} rx={3} />
      <rect className="pd-bar" x={barX} y={barY} width={Math.max(share > 0 ? 2 : 0, barW * Math.min(1, share))} height={7} rx={3} />
    </g>
  );
}

/** The badge on the engine's bottleneck stage, centred at `x` on the box's top edge, `h` tall. */
function SaturatedBadge({ x, h }: { x: number; h: number }) {
  return (
    <g className="pd-badge" transform={`translate(${x} 0)`}>
      <rect x={-44} y={-Math.ceil(h / 2) - 1} width={88} height={h} rx={h / 2} />
      <text x={0} y={3} textAnchor="middle">
        SATURATED
      </text>
    </g>
  );
}

/** The stage as one full-width row: name and function left, rate and drops right, CPU share below. */
function StageRow({ p, active, onActive, tabbable, onKey }: StageProps) {
  const { stage: s, w } = p;
  const hasDrops = s.dropsTotalPps > 0;
  const barX = 74;
  const barW = Math.max(10, Math.min(140, w / 2 - barX));
  return (
    <g
      {...stageAttrs(p, active, tabbable)}
      onFocus={() => onActive(s.id)}
      onBlur={() => onActive(null)}
      onClick={() => onActive(active ? null : s.id)}
      onKeyDown={onKey}
    >
      <rect className="pd-focus" x={-3} y={-3} width={w + 6} height={V_NODE_H + 6} rx={10} />
      <rect className="pd-box" width={w} height={V_NODE_H} rx={8} />
      <text className="pd-label" x={10} y={21}>
        {clip(s.title, w / 2 - 14, 8.6)}
      </text>
      <text className="pd-fn" x={10} y={38}>
        {clip(s.fn, w / 2 - 4, 7)}
      </text>
      <text className="pd-rate pd-rate-small" x={w - 10} y={27} textAnchor="end">
        {formatRate(s.pps)}
        <tspan className="pd-unit" dx={4}>
          Mpps
        </tspan>
      </text>
      {s.drops.length > 0 && (
        <text className={hasDrops ? 'pd-drops' : 'pd-nodrops'} x={w - 10} y={46} textAnchor="end">
          {hasDrops ? `▼ ${formatRate(s.dropsTotalPps)} Mpps dropped` : 'no drops'}
        </text>
      )}
      {s.cpuShare !== null && <CpuBar share={s.cpuShare} textY={56} barX={barX} barY={49} barW={barW} />}
      {s.saturated && <SaturatedBadge x={w - 54} h={18} />}
    </g>
  );
}

function StageTile({ p, active, onActive, tabbable, onKey }: StageProps) {
  const { stage: s, w } = p;
  const hasDrops = s.dropsTotalPps > 0;
  const barX = 78;
  const barW = Math.max(10, w - barX - 10);
  return (
    <g
      {...stageAttrs(p, active, tabbable)}
      onMouseEnter={() => onActive(s.id)}
      onMouseLeave={() => onActive(null)}
      onFocus={() => onActive(s.id)}
      onBlur={() => onActive(null)}
      onClick={() => onActive(s.id)}
      onKeyDown={onKey}
    >
      <title>{tooltip(s)}</title>
      <rect className="pd-focus" x={-4} y={-4} width={w + 8} height={NODE_H + 8} rx={11} />
      <rect className="pd-box" width={w} height={NODE_H} rx={8} />
      <text className="pd-label" x={10} y={21}>
        {clip(s.title, w - 20, 8.2)}
      </text>
      <text className="pd-fn" x={10} y={38}>
        {clip(s.fn, w - 20, 6.7)}
      </text>
      <text className="pd-rate" x={10} y={67}>
        {formatRate(s.pps)}
        <tspan className="pd-unit" dx={4}>
          Mpps
        </tspan>
      </text>
      {s.drops.length > 0 && (
        <text className={hasDrops ? 'pd-drops' : 'pd-nodrops'} x={10} y={86}>
          {hasDrops ? `▼ ${formatRate(s.dropsTotalPps)} Mpps${w >= 160 ? ' dropped' : ''}` : 'no drops'}
        </text>
      )}
      {s.cpuShare !== null && <CpuBar share={s.cpuShare} textY={103} barX={barX} barY={96} barW={barW} />}
      {s.saturated && <SaturatedBadge x={w / 2} h={20} />}
    </g>
  );
}

function Connectors({ placed, rows, stacked }: { placed: Placed[]; rows: number; stacked: boolean }) {
  const paths: string[] = [];
  for (let i = 0; i + 1 < placed.length; i++) {
    const a = placed[i]!;
    const b = placed[i + 1]!;
    if (stacked) {
      const cx = a.x + 36;
      paths.push(`M${cx} ${a.y + V_NODE_H + 2}V${b.y - 5}`);
    } else if (a.y === b.y) {
      const cy = a.y + NODE_H / 2;
      paths.push(`M${(a.x + a.w + 3).toFixed(1)} ${cy}H${(b.x - 5).toFixed(1)}`);
    } else if (rows > 1) {
      // End of the first row → start of the second: down, back left, down into the next box.
      const ax = a.x + a.w / 2;
      const bx = b.x + b.w / 2;
      const mid = a.y + NODE_H + 16;
      paths.push(`M${ax.toFixed(1)} ${a.y + NODE_H + 2}V${mid}H${bx.toFixed(1)}V${b.y - 5}`);
    }
  }
  // One path per connector: a marker only ends the last subpath of a path.
  return (
    <g aria-hidden="true">
      {paths.map((d) => (
        <path key={d} className="pd-arrow" d={d} markerEnd="url(#pd-arrowhead)" />
      ))}
    </g>
  );
}

function Reason({ d }: { d: Diagram }) {
  const title = (id: string) => d.stages.find((x) => x.id === id)?.title ?? id;
  return (
    <p className="pd-reason" data-testid="diagram-reason" aria-live="polite">
      {d.saturated ? (
        <>
          <strong>Saturated: {title(d.saturated.id)}</strong> — {d.saturated.reason}
        </>
      ) : d.window.kind === 'run' ? (
        'No stage is saturated.'
      ) : d.window.kind === 'live' ? (
        d.dropping ? (
          <>
            Dropping most so far: <strong>{title(d.dropping.id)}</strong> ({d.dropping.label}, {formatRate(d.dropping.pps)} Mpps); the summary names the bottleneck when the run ends.
          </>
        ) : (
          'No drops so far; the summary names the bottleneck when the run ends.'
        )
      ) : d.stages.length === 0 ? (
        'The NIC of these settings is unknown, so there is no path to draw.'
      ) : (
        'Run a scenario to see the packets entering each stage. Hover or focus a stage for its FreeBSD functions.'
      )}
    </p>
  );
}

function Details({ d, active }: { d: Diagram; active: StageId | null }) {
  const s = d.stages.find((x) => x.id === active);
  if (!s) return <Reason d={d} />;
  return (
    <div className="pd-details" data-testid="diagram-details" aria-live="polite">
      <p>
        <strong>{s.title}</strong> <code>{s.fn}</code> — {s.functions}
      </p>
      <p className="muted">
        {s.pps === null ? 'No rate yet.' : `${formatRate(s.pps)} Mpps entered this stage.`}
        {s.drops.length > 0 &&
          ` Drops: ${s.drops.map((x) => `${x.label} ${formatRate(x.pps)} Mpps (FreeBSD: ${x.freebsd})`).join(', ')}${s.dropsTotal !== null ? `; ${formatInt(s.dropsTotal)} packets in ${d.window.kind === 'run' ? 'the run' : 'the run so far'}` : ''}.`}
        {s.cpuShare !== null && ` CPU: ${s.cpuParts.map((x) => `${x.label} ${pct(x.share)}`).join(', ')} of all busy cycles.`}
        {s.nsPerPacket !== null && ` ${formatNs(s.nsPerPacket)} ns of CPU time per packet that entered.`}
        {s.held !== null && s.held > 0 && ` ${formatInt(s.held)} packets were still inside it when the run ended.`}
      </p>
    </div>
  );
}

/**
 * Where the packets were when the run ended: what entered a stage and was neither dropped there
 * nor passed on (the engine's `held`), so each box's rate is its drops, the next box's rate and
 * this, and their sum is the summary's packets in flight.
 */
function Held({ d }: { d: Diagram }) {
  if (d.window.kind !== 'run') return null;
  const inside = d.stages.filter((s) => s.held !== null && s.held > 0);
  if (inside.length === 0) return null;
  return (
    <p className="pd-held small muted" data-testid="diagram-held">
      Still inside at the end of the run (entered, neither dropped nor passed on):{' '}
      {inside.map((s) => `${s.title} ${formatInt(s.held!)}`).join(' · ')} packets.
    </p>
  );
}

/** What the figures cover, in words. */
function windowText(d: Diagram, status: string): string {
  const w = d.window;
  const offered = d.offeredPps !== null ? ` · offered ${formatRate(d.offeredPps)} Mpps` : '';
  if (w.kind === 'run') return `whole run, 0–${formatTrim(w.toMs, 4)} ms (the summary's figures)${offered}`;
  if (w.kind === 'live') return `live: the run so far, 0–${formatTrim(w.toMs, 4)} ms (${w.frames} frames)${offered}`;
  if (status === 'checking' || status === 'confirm') return 'waiting for the run to start';
  if (status === 'running' || status === 'paused') return 'running: waiting for the first frame';
  return 'not run yet';
}

export function PathDiagram() {
  // The numbers change a few times a second while a run streams (readable, and cheap), in their
  // own slot of the charts' redraw clock.
  const liveFrames = useApp((s) => s.frames);
  // A new run (or Reset) empties the frames: the diagram drops the old numbers at once.
  const frames = useThrottled(liveFrames, REDRAW.secondaryMs, REDRAW.phase.diagram, liveFrames.count === 0);
  const series = useApp((s) => s.series);
  const summary = useApp((s) => s.summary);
  useReportShown('diagram', { frames, summary });
  const runScenario = useApp((s) => s.runScenario);
  const editScenario = useApp((s) => s.scenario);
  const status = useApp((s) => s.status);
  const [active, setActive] = useState<StageId | null>(null);
  const scenario = summary?.scenario ?? runScenario ?? editScenario;
  const d = useMemo(() => buildDiagram({ scenario, frames, series, summary }), [scenario, frames, series, summary]);
  const [boxRef, boxWidth] = useWidth<HTMLDivElement>();
  const stacked = boxWidth > 0 && boxWidth < NARROW_PX;
  const lay = useMemo(() => (stacked ? stackedLayout(d, boxWidth) : layout(d)), [d, stacked, boxWidth]);
  const { placed, height } = lay;
  // Roving focus over the stages: one tab stop for the whole diagram, arrows between stages.
  const [focusIdx, setFocusIdx] = useState(0);
  const svgRef = useRef<SVGSVGElement>(null);
  const onKey = (i: number) => (e: KeyboardEvent<SVGGElement>) => {
    const n = placed.length;
    let j = -1;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') j = Math.min(n - 1, i + 1);
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') j = Math.max(0, i - 1);
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = n - 1;
    if (j < 0) return;
    e.preventDefault();
    setFocusIdx(j);
    svgRef.current?.querySelectorAll<SVGGElement>('.pd-stage')[j]?.focus();
  };
  const txPath = summary ? (summary.tx_path.kind !== 'none' ? summary.tx_path.kind : '') : scenario.traffic.workload === 'transmit' ? scenario.tx.path : '';
  return (
    <figure className="path-diagram" data-testid="path-diagram" data-frames={frames.count} data-workload={d.workload} data-window={d.window.kind} data-saturated-stage={d.saturated?.id ?? ''}>
      <figcaption>
        <span className="chart-title">
          Packet path <span className="muted">({d.workload}{txPath ? `, ${txPath}` : ''}; packets entering each stage, Mpps)</span>
        </span>
        <span className="muted caption-extra" data-testid="diagram-when">
          {windowText(d, status)}
        </span>
      </figcaption>
      <div ref={boxRef}>
      <svg
        ref={svgRef}
        className={`pd-svg${lay.stacked ? ' stacked' : ''}`}
        viewBox={`0 0 ${lay.width} ${height}`}
        role="list"
        aria-label="Packet path stages, in order (arrow keys move between them)"
        data-layout={lay.stacked ? 'stacked' : 'wide'}
      >
        <defs>
          <marker id="pd-arrowhead" viewBox="0 0 10 10" refX={8} refY={5} markerWidth={7} markerHeight={7} orient="auto-start-reverse">
            <path d="M0 0L10 5L0 10z" className="pd-arrowhead" />
          </marker>
        </defs>
        {d.rowTitles &&
          lay.captions.map((c, r) => (
            <text key={r} className="pd-row-title" x={c.x} y={c.y} textAnchor={c.anchor} aria-hidden="true">
              {d.rowTitles![r]}
            </text>
          ))}
        <Connectors placed={placed} rows={d.rows.length} stacked={lay.stacked} />
        {placed.map((p, i) => (
          <StageBox
            key={p.stage.id}
            p={p}
            active={active === p.stage.id}
            onActive={setActive}
            tabbable={i === Math.min(focusIdx, placed.length - 1)}
            onKey={onKey(i)}
            stacked={lay.stacked}
          />
        ))}
      </svg>
      </div>
      <Details d={d} active={active} />
      <div className="pd-legend small" aria-label="Legend">
        <span>
          <span className="pd-key pd-key-sat" aria-hidden="true" /> saturated stage
        </span>
        <span>
          <span className="pd-key-drop" aria-hidden="true">▼</span> drops at the stage (Mpps)
        </span>
        {d.stages.some((s) => s.cpu_stages.length > 0) && (
          <span>
            <span className="pd-key pd-key-bar" aria-hidden="true" /> share of all busy CPU cycles (after the run)
          </span>
        )}
        {d.otherCpu.length > 0 && (
          <span className="muted" data-testid="diagram-other-cpu">
            not on a stage: {d.otherCpu.map((o) => `${o.label} ${pct(o.share)}`).join(', ')}
          </span>
        )}
      </div>
      <Held d={d} />
    </figure>
  );
}
