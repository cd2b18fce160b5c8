/**
 * Downloads, and a chart figure as a PNG: every SVG in the figure (the Recharts surface, its legend
 * icons, the heat strip) is serialised with its computed styles inlined (an SVG drawn as an image
 * sees no page CSS), drawn onto a canvas at its place in the figure, together with the figure's
 * title and its HTML legend text and swatches, on the page's background colour; then
 * canvas.toBlob. Buttons and tooltips are left out.
 */

/** Hand `blob` to the browser as a download named `name`. */
export function downloadBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has its own reference by now; keep the URL a little while for slow browsers.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function downloadText(text: string, name: string, type: string): void {
  downloadBlob(new Blob([text], { type }), name);
}

/** The style properties that decide how SVG content looks. */
const SVG_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-opacity',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'visibility',
] as const;

/**
 * Copy the computed SVG properties onto the clone through the CSSOM (`style.setProperty`), not a
 * `style` attribute: the page's Content-Security-Policy (no 'unsafe-inline' styles) refuses
 * style attributes set from markup or setAttribute, but not the CSSOM. The serialised clone
 * carries them as its style attributes all the same.
 */
function inlineStyles(src: Element, dst: Element): void {
  const cs = getComputedStyle(src);
  const style = (dst as SVGElement | HTMLElement).style;
  if (style) {
    style.cssText = '';
    if (cs.display === 'none') style.setProperty('display', 'none');
    for (const p of SVG_PROPS) {
      const v = cs.getPropertyValue(p);
      if (v) style.setProperty(p, v);
    }
  }
  for (let i = 0; i < src.children.length; i++) {
    const d = dst.children[i];
    if (d) inlineStyles(src.children[i]!, d);
  }
}

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('the chart could not be drawn as an image'));
    img.src = url;
  });
}

/** An <svg> as an image of its on-screen size. */
async function svgImage(svg: SVGSVGElement, width: number, height: number): Promise<HTMLImageElement> {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  inlineStyles(svg, clone);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  clone.style.width = `${width}px`;
  clone.style.height = `${height}px`;
  const xml = new XMLSerializer().serializeToString(clone);
  const url = URL.createObjectURL(new Blob([xml], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    return await loadImage(url);
  } finally {
    URL.revokeObjectURL(url);
  }
}

function backgroundOf(el: Element): string {
  for (let e: Element | null = el; e; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    if (bg && bg !== 'transparent' && !/rgba\(.*,\s*0\)$/.test(bg)) return bg;
  }
  return '#ffffff';
}

/** Left out of the picture: controls, tooltips, hover read-outs, "no data" overlays. */
const SKIP = 'button, .recharts-tooltip-wrapper, .chart-empty, [data-testid$="-hover"]';

/** Text shown in the picture: the title (and its note), captions, HTML legends. */
const TEXT = '.chart-title, .caption-extra, .recharts-legend-item-text, .short-legend li, .heat-scale .small';

/** Coloured HTML boxes: legend swatches. */
const BOXES = '.swatch, .heat-swatch';

const PAD = 12;

/** The figure (caption, chart, legends) as a PNG at 2× (or the screen's) pixel density. */
export async function figurePng(figure: HTMLElement): Promise<Blob> {
  const box = figure.getBoundingClientRect();
  const scale = Math.max(2, window.devicePixelRatio || 1);
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil((box.width + 2 * PAD) * scale);
  canvas.height = Math.ceil((box.height + 2 * PAD) * scale);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas');
  ctx.scale(scale, scale);
  ctx.fillStyle = backgroundOf(figure);
  ctx.fillRect(0, 0, box.width + 2 * PAD, box.height + 2 * PAD);
  const x = (r: DOMRect) => r.left - box.left + PAD;
  const y = (r: DOMRect) => r.top - box.top + PAD;
  const shown = (el: Element) => !el.closest(SKIP);

  // SVGs (not those nested in another SVG), in document order.
  const svgs = [...figure.querySelectorAll('svg')].filter((s) => shown(s) && !s.parentElement?.closest('svg'));
  for (const svg of svgs) {
    const r = svg.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    const img = await svgImage(svg, r.width, r.height);
    ctx.drawImage(img, x(r), y(r), r.width, r.height);
  }

  for (const el of figure.querySelectorAll<HTMLElement>(BOXES)) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    ctx.fillStyle = getComputedStyle(el).backgroundColor;
    ctx.fillRect(x(r), y(r), r.width, r.height);
  }

  ctx.textBaseline = 'middle';
  const range = document.createRange();
  for (const container of figure.querySelectorAll<HTMLElement>(TEXT)) {
    if (!shown(container)) continue;
    const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent ?? '';
      const parent = n.parentElement;
      if (!text.trim() || !parent || !shown(parent)) continue;
      range.selectNodeContents(n);
      const lines = [...range.getClientRects()].filter((r) => r.width >= 1);
      if (lines.length === 0) continue;
      const cs = getComputedStyle(parent);
      ctx.font = `${cs.fontStyle} ${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
      ctx.fillStyle = cs.color;
      // A wrapped text node has one rectangle per line: fill them with words in order.
      const words = text.replace(/\s+/g, ' ').split(' ');
      lines.forEach((r, i) => {
        let line = '';
        while (words.length > 0) {
          const next = line ? `${line} ${words[0]}` : words[0]!;
          if (line && i < lines.length - 1 && ctx.measureText(next).width > r.width + 1) break;
          line = next;
          words.shift();
        }
        ctx.fillText(line, x(r), y(r) + r.height / 2);
      });
    }
  }

  return new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('the PNG could not be encoded'))), 'image/png'));
}
