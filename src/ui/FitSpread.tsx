import { looRowNames, spreadMetric, type Summary } from '../engine';
import { spreadStore, useSpread } from '../state/spreadApp';
import { formatMpps, formatTrim } from './format';

const LABELS: Record<string, string> = { forwarded_pps: 'Forwarded', delivered_pps: 'Delivered', tx_pps: 'Transmitted on the wire' };
/** A signed percentage with one decimal; one that rounds to zero has no sign. */
function signed(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const t = formatTrim(Math.abs(x) * 100, 1);
  return t === '0' ? '0 %' : `${x > 0 ? '+' : '−'}${t} %`;
}
const RATES: Record<string, string> = { forwarded_pps: 'forwarded rate', delivered_pps: 'delivered rate', tx_pps: 'rate sent on the wire' };

/**
 * How far this run's headline figure moves when any one calibration measurement is left out of
 * the fit (engine/fitspread.ts; CLI --fit-spread): on request, the run's scenario again under
 * each leave-one-out set of the fitted constants, on the spread's own workers.
 */
export function FitSpread({ summary }: { summary: Summary }) {
  const status = useSpread((s) => s.status);
  const key = useSpread((s) => s.key);
  const progress = useSpread((s) => s.progress);
  const result = useSpread((s) => s.result);
  const error = useSpread((s) => s.error);
  const s = summary.scenario;
  // a capture replay needs its file in every worker, and the ring workload uses no fitted constant
  if (s.traffic.workload === 'ring' || s.traffic.interleave === 'pcap') return null;
  const n = looRowNames().length;
  const metric = spreadMetric(s);
  const mine = key === summary.link;
  const start = () => spreadStore.getState().start(s, summary.link);
  const lo = result && result.runs.reduce((a, r) => (r.value < a.value ? r : a));
  const hi = result && result.runs.reduce((a, r) => (r.value > a.value ? r : a));
  return (
    <div className="fit-spread" data-testid="fit-spread" data-status={mine ? status : 'idle'}>
      <h3>Fit spread</h3>
      {mine && status === 'done' && result && lo && hi ? (
        <>
          <p data-testid="fit-spread-result" data-min={result.min} data-max={result.max} data-median={result.median}>
            {LABELS[metric]}: <span className="num">{formatMpps(result.min)} – {formatMpps(result.max)} Mpps</span> (median{' '}
            <span className="num">{formatMpps(result.median)}</span>) over the fit's {result.runs.length} leave-one-out constant sets; this run{' '}
            <span className="num">{formatMpps(summary[metric])} Mpps</span> with the fitted constants.
          </p>
          <p className="muted small">
            {result.min === result.max
              ? 'No set moves it: nothing that limits this run depends on the fitted constants (it is not saturated, or only hardware limits it). '
              : `Lowest without the row ${lo.left_out}; highest without the row ${hi.left_out}. `}
            This is what any one measurement moves, not a bound on what the model lacks: a mechanism it does not have moves every set alike.
          </p>
          <details data-testid="fit-spread-runs">
            <summary>The {result.runs.length} runs, by the row left out</summary>
            <table className="compact">
              <caption className="visually-hidden">{LABELS[metric]} with each calibration row left out of the fit, lowest first</caption>
              <thead>
                <tr>
                  <th scope="col">row left out of the fit</th>
                  <th scope="col" className="num">
                    {LABELS[metric]?.toLowerCase()}, Mpps
                  </th>
                  <th scope="col" className="num">
                    vs this run
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...result.runs]
                  .sort((a, b) => a.value - b.value)
                  .map((r) => (
                    <tr key={r.left_out}>
                      <td>{r.left_out}</td>
                      <td className="num">{formatMpps(r.value)}</td>
                      <td className="num">{signed(r.value / summary[metric] - 1)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </details>
        </>
      ) : mine && status === 'running' ? (
        <p className="muted" data-testid="fit-spread-progress">
          Running the {n} leave-one-out fits: {progress.done} / {progress.total} done{' '}
          <button type="button" onClick={() => spreadStore.getState().cancel()}>
            Cancel
          </button>
        </p>
      ) : (
        <p className="muted small">
          How far the {RATES[metric]} moves when any one of the {n} calibration measurements is left out of the fit: this
          scenario again under each leave-one-out set of the fitted constants ({n} runs on background workers).{' '}
          {mine && status === 'error' && <span className="warn-text" data-testid="fit-spread-error">{error} </span>}
          {mine && status === 'cancelled' && <span>Cancelled. </span>}
          <button type="button" data-testid="fit-spread-run" onClick={start}>
            Run the {n} leave-one-out fits
          </button>
        </p>
      )}
    </div>
  );
}

/**
 * A comparison's fit spread (Compare panel): A and B again under each leave-one-out set, both
 * under the same set, and B/A of the headline figure: does the comparison hold whatever
 * calibration measurement is left out of the fit?
 */
export function FitSpreadPair({ a, b }: { a: Summary; b: Summary }) {
  const status = useSpread((s) => s.status);
  const key = useSpread((s) => s.key);
  const progress = useSpread((s) => s.progress);
  const pair = useSpread((s) => s.pair);
  const error = useSpread((s) => s.error);
  const sb = b.scenario, sa = a.scenario;
  if ([sa, sb].some((s) => s.traffic.workload === 'ring' || s.traffic.interleave === 'pcap')) return null;
  const n = looRowNames().length;
  const metric = spreadMetric(sb);
  const myKey = `${a.link}|${b.link}`;
  const mine = key === myKey;
  const start = () => spreadStore.getState().startPair(sa, sb, { baseline: a[metric], scenario: b[metric] }, myKey);
  const x = (r: number) => `${formatTrim(r, 3)}×`;
  const side = pair && (pair.min > 1 ? 'B is above A under every set' : pair.max < 1 ? 'B is below A under every set' : 'B/A crosses 1 between sets');
  return (
    <div className="fit-spread" data-testid="fit-spread-pair" data-status={mine ? status : 'idle'}>
      <h3>Fit spread of B/A</h3>
      {mine && status === 'done' && pair ? (
        <p data-testid="fit-spread-pair-result" data-min={pair.min} data-max={pair.max}>
          {LABELS[metric]} B/A: <span className="num">{x(pair.ratio)}</span> with the fitted constants,{' '}
          <span className="num">
            {x(pair.min)} – {x(pair.max)}
          </span>{' '}
          over the fit's {pair.runs.length} leave-one-out sets (A and B under the same set): <strong>{side}</strong>.
        </p>
      ) : mine && status === 'running' ? (
        <p className="muted" data-testid="fit-spread-progress">
          Running A and B under the {n} leave-one-out fits: {progress.done} / {progress.total} done{' '}
          <button type="button" onClick={() => spreadStore.getState().cancel()}>
            Cancel
          </button>
        </p>
      ) : (
        <p className="muted small">
          Does B/A of the {RATES[metric]} hold whatever calibration measurement is left out of the fit? A and B again under each leave-one-out set
          ({2 * n} runs on background workers).{' '}
          {mine && status === 'error' && <span className="warn-text">{error} </span>}
          {mine && status === 'cancelled' && <span>Cancelled. </span>}
          <button type="button" data-testid="fit-spread-pair-run" onClick={start}>
            Run A and B under the {n} fits
          </button>
        </p>
      )}
    </div>
  );
}
