import { useId, useState, type ReactNode } from 'react';

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
  children: ReactNode;
}

/**
 * A chart with its caption and a "Table" toggle that shows the same data as an HTML table (for
 * screen readers, copying numbers, and people who prefer numbers).
 */
export function ChartFigure({ testId, title, note, extra, table, className, dataAttrs, children }: Props) {
  const [showTable, setShowTable] = useState(false);
  const id = useId();
  const spec = showTable && table ? table() : null;
  return (
    <figure className={`chart${className ? ` ${className}` : ''}`} data-testid={testId} {...dataAttrs}>
      <figcaption>
        <span className="chart-title">
          {title} {note && <span className="muted">{note}</span>}
        </span>
        {extra}
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
          <div className="chart-box">{children}</div>
        )}
      </div>
    </figure>
  );
}
