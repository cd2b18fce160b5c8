/**
 * What calibration.md has behind a run or a sweep that is no calibration row: the rows on the same
 * path and how far the fit misses each of them left out (engine measured.ts calibrationEvidence).
 */
import { useMemo } from 'react';
import { calibrationEvidence, calibrationPathText, hostEvidenceText, looRange, measuredFigureFor, type Summary } from '../engine';
import type { SweepRunInfo } from '../state/sweep';
import { formatMpps, signedPercent } from './format';
import { sweepCalibration } from './sweepData';

/** Limits that are not the host's costs (the rows' errors are about those): what to call them. */
const NOT_HOST: Partial<Record<Summary['bottleneck']['kind'], string>> = {
  line_rate: 'the line rate',
  wire: 'the wire',
  generator: 'the traffic offered',
  none: 'the traffic offered (nothing saturates)',
};

/**
 * A run that is no calibration row: the rows of calibration.md on its path (driver, workload,
 * kernel or netmap) and how well the fit predicts each when it is left out (engine
 * calibrationEvidence) — what a configuration nobody measured may miss by; or that none exists.
 */
export function CalibrationBehind({ summary }: { summary: Summary }) {
  if (measuredFigureFor(summary.scenario)) return null; // Model vs measured says it for a row
  const e = calibrationEvidence(summary.scenario);
  if (!e) return null;
  const path = calibrationPathText(e.path);
  if (e.rows.length === 0) {
    return (
      <div className="measured" data-testid="calibration-behind" data-rows={0}>
        <h3>Calibration behind this result</h3>
        <p className="muted small">
          No row of calibration.md measures {path}: this result rests on priors and on constants fitted to other drivers and paths, and no measurement checks it.
        </p>
        <p className="muted small" data-testid="calibration-host">
          {hostEvidenceText(e.host)}
        </p>
      </div>
    );
  }
  const hosts = [...new Set(e.rows.map((r) => r.host_title))];
  const n = e.rows.length;
  return (
    <div className="measured" data-testid="calibration-behind" data-rows={n} data-loo-min={e.loo_min} data-loo-max={e.loo_max}>
      <h3>Calibration behind this result</h3>
      <p className="small">
        {n} row{n === 1 ? '' : 's'} of calibration.md measure{n === 1 ? 's' : ''} {path}, on {hosts.length > 1 ? `${hosts.slice(0, -1).join(', ')} and ${hosts[hosts.length - 1]}` : hosts[0]}. {n === 1 ? 'Left out of the fit, the model predicts it at' : 'Each left out of the fit in turn, the model predicts them within'}{' '}
        <span className="num" data-testid="calibration-behind-range">
          {looRange(e, signedPercent)}
        </span>{' '}
        (leave-one-out): this configuration, which nobody measured, may miss by as much
        {NOT_HOST[summary.bottleneck.kind] ? ` where the host limits it; this run is limited by ${NOT_HOST[summary.bottleneck.kind]}, which the fitted costs do not move` : ''}.
      </p>
      <p className="muted small" data-testid="calibration-host">
        {hostEvidenceText(e.host)}
      </p>
      <details>
        <summary>The {n} row{n === 1 ? '' : 's'}</summary>
        <table className="compact">
          <caption className="visually-hidden">Calibration rows of {path}: measured figure and the fit's errors</caption>
          <thead>
            <tr>
              <th scope="col">row</th>
              <th scope="col" className="num">measured, Mpps</th>
              <th scope="col" className="num">in-sample</th>
              <th scope="col" className="num">leave-one-out</th>
            </tr>
          </thead>
          <tbody>
            {e.rows.map((r) => (
              <tr key={r.row}>
                <td>{r.row}</td>
                <td className="num">{formatMpps(r.measured_pps)}</td>
                <td className="num">{signedPercent(r.error)}</td>
                <td className="num">{signedPercent(r.loo_error)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </div>
  );
}

/** The calibration behind a sweep's points (Sweep tab, below its chart): per path they run. */
export function SweepCalibration({ run }: { run: SweepRunInfo }) {
  const ev = useMemo(() => sweepCalibration(run), [run]);
  if (ev.length === 0) return null;
  return (
    <p className="muted small" data-testid="sweep-calibration" data-paths={ev.length}>
      Calibration behind these points:{' '}
      {ev
        .map((e) =>
          e.rows.length === 0
            ? `no row of calibration.md measures ${calibrationPathText(e.path)}`
            : `${e.rows.length} row${e.rows.length === 1 ? '' : 's'} measure${e.rows.length === 1 ? 's' : ''} ${calibrationPathText(e.path)}, predicted ${e.rows.length === 1 ? 'at' : 'within'} ${looRange(e, signedPercent)} when left out of the fit`,
        )
        .join('; ')}
      . Points nobody measured may miss by as much where the host limits them.
    </p>
  );
}

