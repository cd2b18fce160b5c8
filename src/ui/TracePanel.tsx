/**
 * The trace of the last run (sim.trace): its timeline, a "Download trace" button (Chrome Trace
 * Event Format JSON for Perfetto UI and chrome://tracing), what the summary says about the trace,
 * and the bottleneck's moment. BottleneckLink is the same moment as a link in the summary's
 * bottleneck sentence. Nothing here computes the model: the moment comes from traceexplain.ts.
 */
import { Suspense, lazy, useMemo } from 'react';
import { bottleneckRef, chromeTraceJson, findBottleneckMoment, type Summary, type TraceMoment } from '../engine';
import { useApp, useTrace, traceStore } from '../state/app';
import { exportName } from './exportData';
import { downloadText } from './exportPng';

const Timeline = lazy(() => import('./Timeline').then((m) => ({ default: m.Timeline })));

/** The bottleneck's moment in the loaded trace of this summary's run, or null. */
function useMoment(summary: Summary | null): TraceMoment | null {
  const data = useTrace((s) => (s.status === 'ready' ? s.data : null));
  const layout = useTrace((s) => s.layout);
  return useMemo(() => {
    if (!summary || !data || !layout) return null;
    const ref = bottleneckRef(summary);
    return ref ? findBottleneckMoment(ref, data, layout) : null;
  }, [summary, data, layout]);
}

function show(m: TraceMoment): void {
  traceStore.getState().show({ fromNs: m.fromNs, toNs: m.toNs, cpu: m.cpu, ev: m.ev });
}

/** "show it in the timeline": after the bottleneck sentence, when the run's trace shows it. */
export function BottleneckLink() {
  const summary = useApp((s) => s.summary);
  const m = useMoment(summary);
  if (!m) return null;
  return (
    <>
      {' '}
      <button type="button" className="linklike" data-testid="bottleneck-link" onClick={() => show(m)} title={m.why}>
        Show it in the timeline
      </button>
    </>
  );
}

export function TracePanel() {
  const summary = useApp((s) => s.summary);
  const status = useTrace((s) => s.status);
  const data = useTrace((s) => s.data);
  const layout = useTrace((s) => s.layout);
  const error = useTrace((s) => s.error);
  const focus = useTrace((s) => s.focus);
  const m = useMoment(summary);
  if (!summary) return null;
  if (!summary.trace) {
    if (summary.workload === 'ring') return null;
    return (
      <p className="muted small" data-testid="trace-hint">
        To see what every CPU did, when: turn on Simulation → Record a trace and run again.
      </p>
    );
  }
  const t = summary.trace;
  const save = () => {
    if (data) downloadText(chromeTraceJson(data), exportName(summary.scenario, 'trace', 'json'), 'application/json');
  };
  return (
    <section className="trace-panel" data-testid="trace-panel" aria-labelledby="trace-title">
      <div className="trace-head">
        <h2 id="trace-title">Timeline</h2>
        <div className="trace-actions">
          <span className="muted small">
            {t.from_us.toFixed(1)}–{t.to_us.toFixed(1)} µs simulated · {t.events.toLocaleString('en-US')} events
          </span>
          <button type="button" className="btn btn-small" data-testid="export-trace" disabled={!data} onClick={save} title="This run's trace as Chrome Trace Event Format JSON: open it in Perfetto UI or chrome://tracing">
            Download trace
          </button>
        </div>
      </div>
      {t.notes.length > 0 && (
        <ul className="trace-notes" data-testid="trace-notes">
          {t.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
      {m && (
        <p className="trace-moment" data-testid="trace-moment">
          <strong>Bottleneck in the trace: </strong>
          {m.why}.{' '}
          <button type="button" className="linklike" data-testid="trace-moment-show" onClick={() => show(m)}>
            Show it
          </button>
        </p>
      )}
      {status === 'loading' && <p className="muted" data-testid="trace-loading">Fetching the trace from the engine…</p>}
      {status === 'error' && (
        <p className="note" data-testid="trace-error">
          {error}
        </p>
      )}
      {status === 'ready' && data && layout && (
        data.n === 0 ? (
          <p className="muted" data-testid="trace-empty">The window recorded no CPU activity.</p>
        ) : (
          <Suspense fallback={<p className="muted">Loading the timeline…</p>}>
            <Timeline data={data} layout={layout} focus={focus} />
          </Suspense>
        )
      )}
    </section>
  );
}
