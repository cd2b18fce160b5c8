import { useMemo } from 'react';
import type { Scenario, Summary } from '../engine';
import { useApp, useCompare } from '../state/app';
import { compareFigures, formatRatio, knobDiffs, ratio } from './compareData';
import { presetOf } from './exportData';
import { FitSpreadPair } from './FitSpread';

/**
 * The comparison of the pinned baseline (A) with this run (B): the key figures side by side with
 * B/A, and every setting that differs. Shown while a baseline is pinned; the charts draw A's lines
 * dashed (Charts.tsx). B is the run on the page; before B has run, its column is empty.
 */

function scenarioName(s: Scenario): string {
  const p = presetOf(s);
  return p ? `preset ${p}` : 'custom settings';
}

function describe(s: Scenario): string {
  const parts = [s.traffic.workload, `${s.nic.link_gbps} Gbit/s`, `${s.traffic.frame_bytes}-byte frames`, `load ${s.traffic.load}×`];
  if (s.traffic.workload !== 'ring') parts.push(`${s.nic.model} on ${s.host.preset}`);
  parts.push(`${s.sim.duration_ms} ms`);
  return parts.join(' · ');
}

function FiguresTable({ a, b }: { a: Summary; b: Summary | null }) {
  const rows = useMemo(() => compareFigures(a, b), [a, b]);
  return (
    <table className="compare-table" data-testid="compare-table">
      <caption className="visually-hidden">Key figures of the baseline (A) and this run (B), with B divided by A</caption>
      <thead>
        <tr>
          <th scope="col">Figure</th>
          <th scope="col" className="num">
            A (baseline)
          </th>
          <th scope="col" className="num">
            B (this run)
          </th>
          <th scope="col" className="num">
            B / A
          </th>
          <th scope="col">Unit</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const q = ratio(r.a, r.b);
          return (
            <tr key={r.key} data-testid={`compare-row-${r.key}`}>
              <th scope="row">{r.label}</th>
              <td className="num" data-testid={`compare-a-${r.key}`} data-value={r.a}>
                {r.format(r.a)}
              </td>
              <td className="num" data-testid={`compare-b-${r.key}`} data-value={r.b ?? ''}>
                {r.b === null ? '—' : r.format(r.b)}
              </td>
              <td className="num" data-testid={`compare-ratio-${r.key}`} data-value={q ?? ''}>
                {formatRatio(q)}
              </td>
              <td className="unit-cell">{r.unit}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function KnobDiffTable({ a, b }: { a: Scenario; b: Scenario }) {
  const diffs = useMemo(() => knobDiffs(a, b), [a, b]);
  if (diffs.length === 0) {
    return (
      <p className="muted small" data-testid="compare-knobs-same">
        Same settings in A and B: B repeats A, and runs are deterministic, so the figures are equal.
      </p>
    );
  }
  return (
    <table className="compare-knobs" data-testid="compare-knobs">
      <caption>
        Settings that differ ({diffs.length})
      </caption>
      <thead>
        <tr>
          <th scope="col">Setting</th>
          <th scope="col">A (baseline)</th>
          <th scope="col">B (this run)</th>
        </tr>
      </thead>
      <tbody>
        {diffs.map((d) => (
          <tr key={d.path} data-testid={`compare-knob-${d.path}`}>
            <th scope="row">
              {d.label} <code className="muted">{d.path}</code>
            </th>
            <td>{d.a}</td>
            <td>{d.b}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ComparePanel() {
  const baseline = useCompare((s) => s.baseline);
  const unpin = useCompare((s) => s.unpin);
  const retry = useCompare((s) => s.retry);
  const summary = useApp((s) => s.summary);
  const status = useApp((s) => s.status);
  const runScenario = useApp((s) => s.runScenario);
  const formScenario = useApp((s) => s.scenario);
  if (!baseline) return null;
  // B's settings: the run's; before any run, the form's (what Run will run).
  const bScenario = summary?.scenario ?? runScenario ?? formScenario;
  const bState = summary ? null : status === 'running' || status === 'paused' ? 'B is running…' : 'Run to fill in B.';
  return (
    <section className="compare" data-testid="compare" data-status={baseline.status} aria-labelledby="compare-title">
      <div className="compare-head">
        <h2 id="compare-title">Compare: A (baseline) with B (this run)</h2>
        <button type="button" className="btn btn-small" data-testid="unpin" onClick={unpin} title="Stop comparing: remove the baseline from the charts and from the link">
          Unpin A
        </button>
      </div>
      <p className="compare-who small">
        <span className="compare-key compare-key-a" aria-hidden="true" />
        <strong>A</strong> ({scenarioName(baseline.scenario)}
        {baseline.source === 'link' ? ', from the link' : ''}): {describe(baseline.scenario)}
        <br />
        <span className="compare-key compare-key-b" aria-hidden="true" />
        <strong>B</strong> ({scenarioName(bScenario)}): {describe(bScenario)}
      </p>
      {baseline.status === 'running' && (
        <p className="muted" data-testid="compare-repeating" role="status">
          Repeating the baseline run in the background (runs are deterministic: it gives the pinned figures again)…
        </p>
      )}
      {baseline.status === 'error' && (
        <div className="banner banner-error" role="alert" data-testid="compare-error">
          <div className="banner-body">
            <strong className="banner-title">The baseline run could not be repeated.</strong>
            <p>{baseline.error}</p>
          </div>
          <button type="button" className="btn btn-small" onClick={retry}>
            Try again
          </button>
        </div>
      )}
      {baseline.summary && (
        <>
          <FiguresTable a={baseline.summary} b={summary} />
          {summary && <FitSpreadPair a={baseline.summary} b={summary} />}
          {bState && (
            <p className="muted small" data-testid="compare-b-state">
              {bState}
            </p>
          )}
        </>
      )}
      <KnobDiffTable a={baseline.scenario} b={bScenario} />
      <p className="muted small">Charts: A is drawn dashed and muted under B where the two share a series (packet rates, drops, TX ring, latency, LRO); the CPU time per packet chart puts A's bar above B's for each stage.</p>
    </section>
  );
}
