/**
 * Colours of the charts and the diagram, per theme. SVG attributes cannot use CSS variables, so
 * the charts take their colours from here (styles.css keeps the page's own colours).
 */
import type { Theme } from '../state/theme';
import type { DropLocation, Stage as CpuStage } from '../engine';

export interface ChartPalette {
  grid: string;
  axis: string;
  ref: string;
  /** The panel behind the charts (baseline lines are mixed towards it). */
  panel: string;
  /** Run totals on the packet-rate chart and the small charts. */
  series: Record<'offered_pps' | 'rx_pps' | 'delivered_pps' | 'tx_pps' | 'drops_pps' | 'tx_ring_occupancy' | 'latency_us', string>;
  drops: Record<DropLocation, string>;
  stages: Record<CpuStage, string>;
  /** Heat strip levels, idle → busy. */
  heat: string[];
  /** How the heat strip reads in this theme ("darker = busier" on white, the reverse on black). */
  heatReads: string;
  noData: string;
}

export const HEAT_LEVELS = 10;

function hex(c: string): [number, number, number] {
  const n = parseInt(c.slice(1), 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
}

/** `levels` colours evenly spread over piecewise-linear stops. */
export function ramp(stops: readonly string[], levels: number): string[] {
  const cs = stops.map(hex);
  return Array.from({ length: levels }, (_, i) => {
    const x = levels === 1 ? 0 : (i / (levels - 1)) * (cs.length - 1);
    const k = Math.min(cs.length - 2, Math.floor(x));
    const f = x - k;
    const [a, b] = [cs[k]!, cs[k + 1]!];
    const mix = a.map((v, j) => Math.round(v + (b[j]! - v) * f));
    return `#${mix.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
  });
}

// Categorical colours (Tableau 10 family): mid-tones that read on white and on near-black.
const STAGES: Record<CpuStage, string> = {
  irq: '#9c755f',
  rxeof: '#4e79a7',
  lro: '#a0cbe8',
  stack: '#59a14f',
  sender: '#76b7b2',
  tx_enqueue: '#b07aa1',
  drain: '#ff9da7',
  encap: '#f28e2b',
  doorbell: '#edc948',
  reclaim: '#8cd17d',
  memory: '#bab0ac',
  numa: '#e15759',
  spin: '#d37295',
};

const DROPS: Record<DropLocation, string> = {
  wire: '#79706e',
  nic: '#b07aa1',
  rx_ring: '#e15759',
  sender: '#f28e2b',
  mp_ring: '#d37295',
  buf_ring: '#edc948',
  tx_ring: '#9c755f',
};

const LIGHT: ChartPalette = {
  grid: '#e3e7ee',
  axis: '#5b6675',
  ref: '#9aa3ae',
  panel: '#ffffff',
  series: {
    offered_pps: '#3b6fb6',
    rx_pps: '#d68910',
    delivered_pps: '#2e8b57',
    tx_pps: '#7d3c98',
    drops_pps: '#c0392b',
    tx_ring_occupancy: '#7d3c98',
    latency_us: '#b9770e',
  },
  drops: DROPS,
  stages: STAGES,
  heat: ramp(['#eef2f7', '#fde3b0', '#fca65a', '#e2522b', '#8f1208'], HEAT_LEVELS),
  heatReads: 'darker = busier',
  noData: '#f7f8fa',
};

const DARK: ChartPalette = {
  grid: '#2a323d',
  axis: '#a3aebb',
  ref: '#7d8896',
  panel: '#171c23',
  series: {
    offered_pps: '#6fa3e6',
    rx_pps: '#f0b04a',
    delivered_pps: '#4cc38a',
    tx_pps: '#c08ae0',
    drops_pps: '#ff6b5e',
    tx_ring_occupancy: '#c08ae0',
    latency_us: '#f0b04a',
  },
  drops: DROPS,
  stages: STAGES,
  heat: ramp(['#1f2731', '#4a3a22', '#a8521f', '#f08030', '#ffe08a'], HEAT_LEVELS),
  heatReads: 'brighter = busier',
  noData: '#161b22',
};

/**
 * The baseline (A) version of a series colour: the same hue, mixed halfway towards the panel, so
 * A reads as the quieter partner of B's line (and its legend swatch matches). Hex colours only.
 */
export function muted(color: string, pal: ChartPalette, amount = 0.5): string {
  if (!/^#[0-9a-f]{6}$/i.test(color)) return pal.ref;
  const [a, b] = [hex(color), hex(pal.panel)];
  return `#${a.map((v, j) => Math.round(v + (b[j]! - v) * amount).toString(16).padStart(2, '0')).join('')}`;
}

export function chartPalette(theme: Theme): ChartPalette {
  return theme === 'dark' ? DARK : LIGHT;
}

/** One colour per queue, well apart for neighbours (golden-angle hues). */
export function queueColor(i: number, theme: Theme): string {
  const hue = Math.round((i * 137.508 + 210) % 360);
  return theme === 'dark' ? `hsl(${hue} 70% 66%)` : `hsl(${hue} 65% 40%)`;
}
