/**
 * The per-CPU timeline of a run's trace, drawn on one canvas (never an element per event): a lane
 * per CPU with its slices coloured by stage like the cycles chart (wide slices split by stage,
 * narrow ones merged per pixel, timelineModel.ts), instants as ticks above, flow arrows from the
 * pass that produced packets to the drain that sent them, ring occupancy as step lines below.
 * Wheel or +/− zooms, drag or ←/→ pans, [ and ] step through a CPU's slices, ↑/↓ change CPU, 0 shows
 * the whole trace; hovering or selecting a slice shows what it was and its FreeBSD function.
 * Only what is in view is drawn, once per animation frame.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent as RPointerEvent } from 'react';
import { STAGES, cpuLabel, type TraceData, type TraceLayout } from '../engine';
import { useTheme } from '../state/app';
import type { TraceFocus } from '../state/trace';
import { chartPalette, type ChartPalette } from './chartTheme';
import './timeline.css';
import {
  DrawBuffer, clampView, counterDraws, describeEvent, fullView, instantAt, instantDraws, laneDraws, panView, prepare, sliceAt, stageParts, stepEvent, ticks, zoomView, type Prepared, type View,
} from './timelineModel';

const AXIS_H = 22;
const ROW_H = 26;
const LABEL_W = 124;
const COUNTER_H = 24;
/** Counter tracks shown without asking; more are behind the checkbox. */
const COUNTERS_SHOWN = 12;
const MAX_FLOWS = 400;

interface Geometry {
  rows: number[];
  counters: number[];
  height: number;
}

function geometry(p: Prepared, d: TraceData, showCounters: boolean): Geometry {
  const counters = showCounters ? d.counters.map((_, k) => k).filter((k) => p.counterT[k]!.length > 0) : [];
  return { rows: p.cpus, counters, height: AXIS_H + p.cpus.length * ROW_H + (counters.length ? 8 + counters.length * COUNTER_H : 0) + 4 };
}

function stageColour(pal: ChartPalette, k: number): string {
  return k >= 0 ? pal.stages[STAGES[k]!] : pal.ref;
}

interface Hover {
  ev: number;
  x: number;
  y: number;
}

export interface TimelineStats {
  drawn: number;
  visited: number;
  ms: number;
}

export function Timeline({ data, layout, focus }: { data: TraceData; layout: TraceLayout; focus: TraceFocus | null }) {
  const theme = useTheme((s) => s.theme);
  const pal = chartPalette(theme);
  const prepared = useMemo(() => prepare(data, layout), [data, layout]);
  const bounds = useMemo(() => fullView(data), [data]);
  const [view, setView] = useState<View>(bounds);
  const [width, setWidth] = useState(900);
  const [hover, setHover] = useState<Hover | null>(null);
  const [selected, setSelected] = useState(-1);
  const [row, setRow] = useState(0);
  const [focused, setFocused] = useState(false);
  const [showCounters, setShowCounters] = useState(() => data.counters.length <= COUNTERS_SHOWN);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const wrapRef = useRef<HTMLDivElement>(null);
  const statsRef = useRef<TimelineStats>({ drawn: 0, visited: 0, ms: 0 });
  const drag = useRef<{ x: number; t0: number; moved: boolean } | null>(null);
  const buf = useRef(new DrawBuffer());
  const tipId = useId();
  const geo = useMemo(() => geometry(prepared, data, showCounters), [prepared, data, showCounters]);
  const plotW = Math.max(50, width - LABEL_W);

  // A new trace starts at the whole window.
  useEffect(() => {
    setView(bounds);
    setSelected(-1);
    setHover(null);
    setShowCounters(data.counters.length <= COUNTERS_SHOWN);
  }, [bounds, data]);

  // The bottleneck link: show that moment and select its event.
  useEffect(() => {
    if (!focus) return;
    setView(clampView({ t0: focus.fromNs, t1: focus.toNs }, bounds));
    setSelected(focus.ev);
    const r = prepared.cpus.indexOf(focus.cpu);
    if (r >= 0) setRow(r);
    wrapRef.current?.scrollIntoView({ block: 'nearest' });
    canvasRef.current?.focus({ preventScroll: true });
  }, [focus, bounds, prepared]);

  useEffect(() => {
    const el = wrapRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(Math.max(300, Math.floor(el.clientWidth))));
    ro.observe(el);
    setWidth(Math.max(300, Math.floor(el.clientWidth)));
    return () => ro.disconnect();
  }, []);

  const draw = useCallback(() => {
    const cv = canvasRef.current;
    if (!cv) return;
    const t0 = performance.now();
    const dpr = window.devicePixelRatio || 1;
    const H = geo.height;
    if (cv.width !== Math.round(width * dpr) || cv.height !== Math.round(H * dpr)) {
      cv.width = Math.round(width * dpr);
      cv.height = Math.round(H * dpr);
      cv.style.width = `${width}px`;
      cv.style.height = `${H}px`;
    }
    const ctx = cv.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.fillStyle = pal.panel;
    ctx.fillRect(0, 0, width, H);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    const x0 = LABEL_W;
    const toX = (t: number) => x0 + ((t - view.t0) * plotW) / (view.t1 - view.t0);
    // axis
    ctx.strokeStyle = pal.grid;
    ctx.fillStyle = pal.axis;
    ctx.lineWidth = 1;
    for (const tk of ticks(view, plotW)) {
      const x = Math.round(x0 + tk.x) + 0.5;
      ctx.beginPath();
      ctx.moveTo(x, AXIS_H - 4);
      ctx.lineTo(x, H);
      ctx.stroke();
      ctx.fillText(tk.label, x + 3, 10);
    }
    let drawn = 0, visited = 0;
    const out = buf.current;
    const rowY = (r: number) => AXIS_H + r * ROW_H;
    geo.rows.forEach((cpu, r) => {
      const y = rowY(r);
      if (r === row && focused) {
        ctx.fillStyle = pal.grid;
        ctx.globalAlpha = 0.45;
        ctx.fillRect(0, y, width, ROW_H);
        ctx.globalAlpha = 1;
      }
      ctx.fillStyle = pal.axis;
      ctx.fillText(cpuLabel(data, cpu).replace(/ \(.*\)$/, ''), 6, y + ROW_H / 2);
      const lanes = layout.lanesByCpu[cpu] ?? [];
      const labels: { L: number; R: number; by: number; bh: number; text: string }[] = [];
      lanes.forEach((lane, depth) => {
        visited += laneDraws(lane, prepared, view, plotW, out);
        const by = depth === 0 ? y + 8 : y + 14;
        const bh = depth === 0 ? 13 : 6;
        for (let k = 0; k < out.length; k++) {
          const xa = x0 + out.x0[k]!, xb = x0 + out.x1[k]!;
          const L = Math.max(x0, xa), R = Math.min(width, xb);
          if (R <= L) continue;
          const ev = out.ev[k]!;
          const parts = ev >= 0 && R - L >= 30 ? stageParts(data, ev) : [];
          if (parts.length > 1) {
            let x = xa;
            for (const [st, f] of parts) {
              const w = (xb - xa) * f;
              ctx.fillStyle = stageColour(pal, st);
              const a = Math.max(L, x), b = Math.min(R, x + w);
              if (b > a) ctx.fillRect(a, by, b - a, bh);
              x += w;
            }
          } else {
            ctx.fillStyle = stageColour(pal, out.stage[k]!);
            // a 1 px gap at the end of a slice wide enough to see it: back-to-back passes stay apart
            ctx.fillRect(L, by, Math.max(1, R - L - (ev >= 0 && R - L >= 4 ? 1 : 0)), bh);
          }
          if (depth === 0 && ev >= 0 && R - L > 70) labels.push({ L, R, by, bh, text: describeEvent(data, layout, ev).title });
          drawn++;
        }
      });
      // Names after the nested lanes, which cover the lower half of a top-level slice (they hid
      // half of every 'sendto' whose drain runs inside it); a light halo keeps them legible there.
      for (const lb of labels) {
        ctx.save();
        ctx.beginPath();
        ctx.rect(lb.L, lb.by, lb.R - lb.L, lb.bh);
        ctx.clip();
        ctx.font = '10px system-ui, sans-serif';
        ctx.lineJoin = 'round';
        ctx.lineWidth = 3;
        ctx.strokeStyle = 'rgba(255, 255, 255, 0.75)';
        ctx.strokeText(lb.text, lb.L + 3, lb.by + lb.bh / 2 + 0.5);
        ctx.fillStyle = '#111';
        ctx.fillText(lb.text, lb.L + 3, lb.by + lb.bh / 2 + 0.5);
        ctx.restore();
      }
      for (const it of instantDraws(layout, data, cpu, view, plotW)) {
        ctx.fillStyle = stageColour(pal, prepared.stage[it.ev]!);
        ctx.fillRect(x0 + it.x, y + 1, 2, 6);
        drawn++;
      }
    });
    // flow arrows
    let nflow = 0;
    const rowOf = new Map(geo.rows.map((c, r) => [c, r]));
    ctx.strokeStyle = pal.axis;
    ctx.globalAlpha = 0.7;
    for (let k = 0; k < data.fn && nflow <= MAX_FLOWS; k++) {
      const a = data.flowFrom[k]!, b = data.flowTo[k]!;
      // from where the producer handed its packets over, to the drain (or into it, if it was running)
      const fa = data.flowT[k]!, ta = fa < data.t0[a]! ? data.t0[a]! : fa > layout.end[a]! ? layout.end[a]! : fa;
      const tb = data.t0[b]! > ta ? data.t0[b]! : ta;
      if (Math.max(ta, tb) < view.t0 || Math.min(ta, tb) > view.t1) continue;
      const ra = rowOf.get(data.cpu[a]!), rb = rowOf.get(data.cpu[b]!);
      if (ra === undefined || rb === undefined) continue;
      nflow++;
      const xa = toX(ta), ya = rowY(ra) + 14, xb = toX(tb), yb = rowY(rb) + 14;
      ctx.beginPath();
      ctx.moveTo(xa, ya);
      ctx.lineTo(xb, yb);
      ctx.stroke();
      ctx.beginPath();
      const ang = Math.atan2(yb - ya, xb - xa);
      ctx.moveTo(xb, yb);
      ctx.lineTo(xb - 5 * Math.cos(ang - 0.4), yb - 5 * Math.sin(ang - 0.4));
      ctx.lineTo(xb - 5 * Math.cos(ang + 0.4), yb - 5 * Math.sin(ang + 0.4));
      ctx.closePath();
      ctx.fillStyle = pal.axis;
      ctx.fill();
    }
    ctx.globalAlpha = 1;
    // counters
    if (geo.counters.length > 0) {
      let y = AXIS_H + geo.rows.length * ROW_H + 8;
      for (const k of geo.counters) {
        const max = prepared.counterMax[k]! || 1;
        const c = data.counters[k]!;
        ctx.fillStyle = pal.axis;
        ctx.fillText(c.name, 6, y + COUNTER_H / 2);
        const pts = counterDraws(prepared, k, view, plotW);
        ctx.strokeStyle = pal.series.tx_ring_occupancy;
        ctx.fillStyle = pal.series.tx_ring_occupancy;
        ctx.globalAlpha = 0.25;
        const base = y + COUNTER_H - 3, hgt = COUNTER_H - 6;
        ctx.beginPath();
        ctx.moveTo(x0, base);
        let lastY = base;
        for (const p of pts) {
          const py = base - (p.v / max) * hgt;
          ctx.lineTo(x0 + p.x, lastY);
          ctx.lineTo(x0 + p.x, py);
          lastY = py;
        }
        ctx.lineTo(width, lastY);
        ctx.lineTo(width, base);
        ctx.closePath();
        ctx.fill();
        ctx.globalAlpha = 1;
        ctx.fillStyle = pal.axis;
        ctx.fillText(`${max} ${c.unit}`, width - 80, y + 7);
        drawn += pts.length;
        y += COUNTER_H;
      }
    }
    // selection and hover outlines
    for (const [ev, w] of [[selected, 2], [hover?.ev ?? -1, 1]] as const) {
      if (ev < 0 || ev >= data.n) continue;
      const r = rowOf.get(data.cpu[ev]!);
      if (r === undefined) continue;
      const y = rowY(r);
      ctx.strokeStyle = theme === 'dark' ? '#ffffff' : '#000000';
      ctx.lineWidth = w;
      if (data.instant[ev]) ctx.strokeRect(toX(data.t0[ev]!) - 2, y, 6, 8);
      else {
        const depth = layout.depth[ev]!;
        const by = depth === 0 ? y + 8 : y + 14, bh = depth === 0 ? 13 : 6;
        const xa = Math.max(x0, toX(data.t0[ev]!)), xb = Math.min(width, toX(layout.end[ev]!));
        if (xb >= x0 && xa <= width) ctx.strokeRect(xa - 1, by - 1, Math.max(2, xb - xa) + 2, bh + 2);
      }
    }
    ctx.lineWidth = 1;
    // label column separator
    ctx.fillStyle = pal.grid;
    ctx.fillRect(LABEL_W - 1, AXIS_H, 1, H - AXIS_H);
    statsRef.current = { drawn, visited, ms: performance.now() - t0 };
    const w = wrapRef.current;
    if (w) {
      w.dataset.drawn = String(drawn);
      w.dataset.visited = String(visited);
      w.dataset.drawMs = statsRef.current.ms.toFixed(2);
    }
  }, [data, layout, prepared, view, width, plotW, geo, pal, theme, selected, hover, row, focused]);

  useEffect(() => {
    const id = requestAnimationFrame(draw);
    return () => cancelAnimationFrame(id);
  }, [draw]);

  // pointer → time and event
  const pick = (clientX: number, clientY: number): Hover | null => {
    const cv = canvasRef.current;
    if (!cv) return null;
    const rect = cv.getBoundingClientRect();
    const x = clientX - rect.left, y = clientY - rect.top;
    if (x < LABEL_W || y < AXIS_H) return null;
    const r = Math.floor((y - AXIS_H) / ROW_H);
    if (r < 0 || r >= geo.rows.length) return null;
    const cpu = geo.rows[r]!;
    const nsPerPx = (view.t1 - view.t0) / plotW;
    const t = view.t0 + (x - LABEL_W) * nsPerPx;
    const inRow = y - AXIS_H - r * ROW_H;
    let ev = -1;
    if (inRow < 8) ev = instantAt(layout, cpu, t, 4 * nsPerPx);
    if (ev < 0) {
      const lanes = layout.lanesByCpu[cpu] ?? [];
      if (inRow >= 14 && lanes.length > 1) for (let k = lanes.length - 1; k >= 1 && ev < 0; k--) ev = sliceAt(lanes[k]!, t, 2 * nsPerPx);
      if (ev < 0 && lanes[0]) ev = sliceAt(lanes[0], t, 3 * nsPerPx);
    }
    return ev >= 0 ? { ev, x, y } : null;
  };

  const onWheel = useCallback((e: WheelEvent) => {
    e.preventDefault();
    const cv = canvasRef.current;
    if (!cv) return;
    const rect = cv.getBoundingClientRect();
    const x = Math.max(0, e.clientX - rect.left - LABEL_W);
    if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
      const d = e.shiftKey ? e.deltaY : e.deltaX;
      setView((v) => panView(v, (d / plotW) * (v.t1 - v.t0), bounds));
      return;
    }
    const factor = Math.exp(Math.max(-0.5, Math.min(0.5, e.deltaY * 0.002)));
    setView((v) => zoomView(v, factor, v.t0 + (x / plotW) * (v.t1 - v.t0), bounds));
  }, [bounds, plotW]);

  useEffect(() => {
    const cv = canvasRef.current;
    if (!cv) return;
    cv.addEventListener('wheel', onWheel, { passive: false });
    return () => cv.removeEventListener('wheel', onWheel);
  }, [onWheel]);

  const onPointerDown = (e: RPointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drag.current = { x: e.clientX, t0: view.t0, moved: false };
  };
  const onPointerMove = (e: RPointerEvent<HTMLCanvasElement>) => {
    const g = drag.current;
    if (g) {
      const dx = e.clientX - g.x;
      if (Math.abs(dx) > 2) g.moved = true;
      if (g.moved) {
        const span = view.t1 - view.t0;
        setView(clampView({ t0: g.t0 - (dx / plotW) * span, t1: g.t0 - (dx / plotW) * span + span }, bounds));
        setHover(null);
        return;
      }
    }
    setHover(pick(e.clientX, e.clientY));
  };
  const onPointerUp = (e: RPointerEvent<HTMLCanvasElement>) => {
    const g = drag.current;
    drag.current = null;
    if (g && !g.moved) {
      const h = pick(e.clientX, e.clientY);
      setSelected(h ? h.ev : -1);
      if (h) {
        const r = geo.rows.indexOf(data.cpu[h.ev]!);
        if (r >= 0) setRow(r);
      }
    }
  };

  const onKey = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const span = view.t1 - view.t0;
    const centre = selected >= 0 ? (data.t0[selected]! + layout.end[selected]!) / 2 : (view.t0 + view.t1) / 2;
    const cpu = geo.rows[row];
    let handled = true;
    switch (e.key) {
      case 'ArrowLeft': setView((v) => panView(v, -(e.shiftKey ? 0.05 : 0.2) * span, bounds)); break;
      case 'ArrowRight': setView((v) => panView(v, (e.shiftKey ? 0.05 : 0.2) * span, bounds)); break;
      case '+': case '=': setView((v) => zoomView(v, 0.5, centre, bounds)); break;
      case '-': case '_': setView((v) => zoomView(v, 2, centre, bounds)); break;
      case '0': case 'Home': setView(bounds); break;
      case 'ArrowUp': setRow((r) => Math.max(0, r - 1)); break;
      case 'ArrowDown': setRow((r) => Math.min(geo.rows.length - 1, r + 1)); break;
      case ']': case '[': {
        if (cpu === undefined) break;
        const next = stepEvent(data, layout, cpu, selected, e.key === ']' ? 1 : -1, view);
        if (next >= 0) {
          setSelected(next);
          // keep it in view
          const a = data.t0[next]!, b = layout.end[next]!;
          if (a < view.t0 || b > view.t1) setView((v) => clampView({ t0: a - 0.3 * (v.t1 - v.t0), t1: a + 0.7 * (v.t1 - v.t0) }, bounds));
        }
        break;
      }
      case 'Enter':
        if (selected >= 0) {
          const a = data.t0[selected]!, b = layout.end[selected]!, p = Math.max(50, (b - a) * 2);
          setView(clampView({ t0: a - p, t1: b + p }, bounds));
        }
        break;
      case 'Escape': setSelected(-1); break;
      default: handled = false;
    }
    if (handled) e.preventDefault();
  };

  const tipEv = hover?.ev ?? selected;
  const tip = tipEv >= 0 && tipEv < data.n ? describeEvent(data, layout, tipEv) : null;
  let tipStyle: { left: number; top: number } | null = null;
  if (tip) {
    if (hover) tipStyle = { left: hover.x + 14, top: hover.y + 14 };
    else {
      const r = Math.max(0, geo.rows.indexOf(data.cpu[tipEv]!));
      const x = LABEL_W + ((data.t0[tipEv]! - view.t0) * plotW) / (view.t1 - view.t0);
      tipStyle = { left: Math.min(Math.max(LABEL_W, x), width - 320), top: AXIS_H + (r + 1) * ROW_H + 4 };
    }
    tipStyle.left = Math.min(tipStyle.left, Math.max(0, width - 340));
  }
  const hidden = layout.ncpu - prepared.cpus.length;

  return (
    <div className="timeline" data-testid="timeline" ref={wrapRef} data-view-t0={view.t0} data-view-t1={view.t1} data-events={data.n} data-selected={selected} data-hover={hover?.ev ?? -1} data-rows={geo.rows.length} data-theme={theme}>
      <div className="timeline-tools">
        <button type="button" className="btn btn-small" data-testid="timeline-zoom-in" aria-label="Zoom in" onClick={() => setView((v) => zoomView(v, 0.5, (v.t0 + v.t1) / 2, bounds))}>+</button>
        <button type="button" className="btn btn-small" data-testid="timeline-zoom-out" aria-label="Zoom out" onClick={() => setView((v) => zoomView(v, 2, (v.t0 + v.t1) / 2, bounds))}>−</button>
        <button type="button" className="btn btn-small" data-testid="timeline-reset" onClick={() => setView(bounds)}>Whole trace</button>
        <span className="muted small" data-testid="timeline-range">
          {(view.t0 / 1e3).toFixed(3)}–{(view.t1 / 1e3).toFixed(3)} µs ({((view.t1 - view.t0) / 1e3).toFixed(3)} µs shown)
        </span>
        {data.counters.length > 0 && (
          <label className="small">
            <input type="checkbox" checked={showCounters} data-testid="timeline-counters" onChange={(e) => setShowCounters(e.target.checked)} /> ring occupancy ({data.counters.length} tracks)
          </label>
        )}
      </div>
      <div className="timeline-canvas">
        <canvas
          ref={canvasRef}
          tabIndex={0}
          role="application"
          aria-roledescription="timeline"
          aria-label={`Per-CPU timeline of ${geo.rows.length} CPUs from ${(data.fromNs / 1e3).toFixed(1)} to ${(data.toNs / 1e3).toFixed(1)} µs: ${data.n} events. Arrow keys pan, plus and minus zoom, brackets step through events, up and down change CPU, 0 shows the whole trace.`}
          aria-describedby={tip ? tipId : undefined}
          data-testid="timeline-canvas"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerLeave={() => setHover(null)}
          onKeyDown={onKey}
          onFocus={() => setFocused(true)}
          onBlur={() => setFocused(false)}
        />
        {tip && tipStyle && (
          <div className="timeline-tip" role="tooltip" id={tipId} data-testid="timeline-tip" style={tipStyle}>
            <strong className="mono">{tip.title}</strong>
            {tip.lines.map((l, k) => (
              <div key={k}>{l}</div>
            ))}
          </div>
        )}
      </div>
      <p className="muted small timeline-help">
        Wheel or + / − zoom · drag, shift+wheel or ← / → pan · click or [ / ] select a slice, ↑ / ↓ change CPU, Enter zooms to it · 0 shows the whole trace.
        {hidden > 0 ? ` ${hidden} CPUs without events are not shown.` : ''}
      </p>
      <p className="sr-only" aria-live="polite" data-testid="timeline-live">
        {selected >= 0 && tip && !hover ? `${tip.title}: ${tip.lines[0]}` : ''}
      </p>
    </div>
  );
}
