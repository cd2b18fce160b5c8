import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import { downloadBlob, figurePng } from './exportPng';

export interface TableColumn {
  key: string;
  label: string;
  /** Right-aligned, monospaced. */
  num?: boolean;
}

export interface TableSpec {
  caption: string;
  columns: TableColumn[];
  rows: Record<string, string | number>[];
}

interface Props {
  testId: string;
  title: ReactNode;
  /** Muted text after the title: units, context. */
  note?: ReactNode;
  /** Right-aligned caption content (e.g. the line rate). */
  extra?: ReactNode;
  /** The same data as a table; built only when the table is shown. Null: no data yet. */
  table: (() => TableSpec) | null;
  className?: string;
  dataAttrs?: Record<`data-${string}`, string | number>;
  /** File name for the "PNG" download of this figure; no PNG button without one. */
  pngName?: string;
  children: ReactNode;
}

/**
 * A chart with its caption, a "Table" toggle that shows the same data as an HTML table (for
 * screen readers, copying numbers, and people who prefer numbers) and, with `pngName`, a "PNG"
 * button that downloads the chart as an image.
 */
export function ChartFigure({ testId, title, note, extra, table, className, dataAttrs, pngName, children }: Props) {
  const [showTable, setShowTable] = useState(false);
  const [png, setPng] = useState<'idle' | 'busy' | 'failed'>('idle');
  const figRef = useRef<HTMLElement>(null);
  const id = useId();
  const spec = showTable && table ? table() : null;
  const savePng = async () => {
    if (!figRef.current || !pngName) return;
    setPng('busy');
    try {
      downloadBlob(await figurePng(figRef.current), pngName);
      setPng('idle');
    } catch {
      setPng('failed');
    }
  };
  return (
    <figure ref={figRef} className={`chart${className ? ` ${className}` : ''}`} data-testid={testId} {...dataAttrs}>
      <figcaption>
        <span className="chart-title">
          {title} {note && <span className="muted">{note}</span>}
        </span>
        {extra}
        {png === 'failed' && (
          <span className="muted small" role="status">
            PNG failed
          </span>
        )}
        <span className="chart-actions">
        {pngName && (
          <button
            type="button"
            className="btn btn-small png-button"
            data-testid={`${testId}-png`}
            onClick={() => void savePng()}
            disabled={!table || showTable || png === 'busy'}
            title={showTable ? 'Show the chart to download it as a picture' : `Download this chart as a PNG image (${pngName})`}
            aria-label={typeof title === 'string' ? `Download the chart “${title}” as a PNG image` : 'Download this chart as a PNG image'}
          >
            PNG
          </button>
        )}
        <button
          type="button"
          className="btn btn-small table-toggle"
          aria-pressed={showTable}
          aria-controls={id}
          data-testid={`${testId}-table-toggle`}
          onClick={() => setShowTable((v) => !v)}
          disabled={!table}
          title={showTable ? 'Show the chart' : 'Show the same data as a table'}
        >
          {showTable ? 'Chart' : 'Table'}
        </button>
        </span>
      </figcaption>
      <div id={id}>
        {spec ? (
          <div className="table-scroll">
            <table className="data-table" data-testid={`${testId}-table`}>
              <caption>{spec.caption}</caption>
              <thead>
                <tr>
                  {spec.columns.map((c) => (
                    <th key={c.key} scope="col" className={c.num ? 'num' : undefined}>
                      {c.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {spec.rows.map((r, i) => (
                  <tr key={i}>
                    {spec.columns.map((c, j) =>
                      j === 0 ? (
                        <th key={c.key} scope="row" className={c.num ? 'num' : undefined}>
                          {r[c.key]}
                        </th>
                      ) : (
                        <td key={c.key} className={c.num ? 'num' : undefined}>
                          {r[c.key]}
                        </td>
                      ),
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <ChartBox>{children}</ChartBox>
        )}
      </div>
    </figure>
  );
}

/**
 * The plot. Recharts draws some layers into <g> portals; React listens for focus events on every
 * portal container, and Chromium makes an SVG element with focus listeners a tab stop, so each of
 * those layers became an empty stop in the tab order. They are marked tabindex=-1 (focusable by
 * script only) as they appear; the Table button is the way to the numbers by keyboard.
 */
function ChartBox({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const untab = () => {
      for (const g of el.querySelectorAll('svg g[class*="recharts-zIndex-layer"]:not([tabindex])')) g.setAttribute('tabindex', '-1');
    };
    untab();
    const mo = new MutationObserver(untab);
    mo.observe(el, { childList: true, subtree: true });
    return () => mo.disconnect();
  }, []);
  return (
    <div className="chart-box" ref={ref}>
      {children}
    </div>
  );
}
