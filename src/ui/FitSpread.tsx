import { useMemo } from 'react';
import { SWEEP_OUTPUT_BY_KEY, looRowNames, spreadMetric, spreadEnds, type FitSpread as Spread, type SpreadMetric, type Summary } from '../engine';
import { spreadStore, startSweepSpread, sweepSpreadKey, sweepSpreadPoints, useSpread } from '../state/spreadApp';
import type { SweepPoint, SweepRunInfo } from '../state/sweep';
import { formatMpps, formatSig, formatTrim } from './format';
import { valueText } from './sweepData';

/** The figure's name, as the sweep outputs and the summary name it. */
const label = (m: SpreadMetric) => SWEEP_OUTPUT_BY_KEY.get(m)!.label;
/** A signed percentage with one decimal; one that rounds to zero has no sign. */
function signed(x: number): string {
  if (!Number.isFinite(x)) return '—';
  const t = formatTrim(Math.abs(x) * 100, 1);
  return t === '0' ? '0 %' : `${x > 0 ? '+' : '−'}${t} %`;
}
/** Mpps to four significant digits, as the sweep's table shows them. */
const mpps4 = (pps: number) => formatSig(pps * 1e-6, 4);
const RATES: Record<string, string> = { forwarded_pps: 'forwarded rate', delivered_pps: 'delivered rate', tx_pps: 'rate sent on the wire' };

/**
 * How far this run's headline figure moves when any one calibration measurement is left out of
 * the fit (engine/fitspread.ts; CLI --fit-spread): on request, the run's scenario again under
 * each leave-one-out set of the fitted constants, on the spread's own workers.
 */
export function FitSpread({ summary }: { summary: Summary }) {
  const status = useSpread((s) => s.status);
  const key = useSpread((s) => s.key);
  const result = useSpread((s) => s.result);
  const s = summary.scenario;
  // a capture replay needs its file in every worker, and the ring workload uses no fitted constant
  if (s.traffic.workload === 'ring' || s.traffic.interleave === 'pcap') return null;
  const n = looRowNames().length;
  const metric = spreadMetric(s);
  const mine = key === summary.link;
  const start = () => spreadStore.getState().start(s, summary.link);
  const ends = result && spreadEnds(result.runs, (r) => r.value);
  return (
    <div className="fit-spread" data-testid="fit-spread" data-status={mine ? status : 'idle'}>
      <h3>Fit spread</h3>
      {mine && status === 'done' && result && ends ? (
        <>
          <p data-testid="fit-spread-result" data-min={result.min} data-max={result.max} data-median={result.median}>
            {label(metric)}: <span className="num">{formatMpps(result.min)} – {formatMpps(result.max)} Mpps</span> (median{' '}
            <span className="num">{formatMpps(result.median)}</span>) over the fit's {result.runs.length} leave-one-out constant sets; this run{' '}
            <span className="num">{formatMpps(summary[metric])} Mpps</span> with the fitted constants.
          </p>
          <p className="muted small">
            {result.min === result.max
              ? 'No set moves it: nothing that limits this run depends on the fitted constants (it is not saturated, or only hardware limits it). '
              : `Lowest without the row ${ends.lo.left_out}; highest without the row ${ends.hi.left_out}. `}
            This is what any one measurement moves, not a bound on what the model lacks: a mechanism it does not have moves every set alike.
          </p>
          <details data-testid="fit-spread-runs">
            <summary>The {result.runs.length} runs, by the row left out</summary>
            <table className="compact">
              <caption className="visually-hidden">{label(metric)} with each calibration row left out of the fit, lowest first</caption>
              <thead>
                <tr>
                  <th scope="col">row left out of the fit</th>
                  <th scope="col" className="num">
                    {label(metric).toLowerCase()}, Mpps
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
      ) : (
        <SpreadStart
          mine={mine}
          running={`Running the ${n} leave-one-out fits`}
          intro={`How far the ${RATES[metric]} moves when any one of the ${n} calibration measurements is left out of the fit: this scenario again under each leave-one-out set of the fitted constants (${n} runs on background workers).`}
          button={`Run the ${n} leave-one-out fits`}
          testid="fit-spread"
          onStart={start}
        />
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
  const pair = useSpread((s) => s.pair);
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
          {label(metric)} B/A: <span className="num">{x(pair.ratio)}</span> with the fitted constants,{' '}
          <span className="num">
            {x(pair.min)} – {x(pair.max)}
          </span>{' '}
          over the fit's {pair.runs.length} leave-one-out sets (A and B under the same set): <strong>{side}</strong>.
        </p>
      ) : (
        <SpreadStart
          mine={mine}
          running={`Running A and B under the ${n} leave-one-out fits`}
          intro={`Does B/A of the ${RATES[metric]} hold whatever calibration measurement is left out of the fit? A and B again under each leave-one-out set (${2 * n} runs on background workers).`}
          button={`Run A and B under the ${n} fits`}
          testid="fit-spread-pair"
          onStart={start}
        />
      )}
    </div>
  );
}

/**
 * A finished sweep's fit spread (Sweep tab, below its chart): every point again under each
 * leave-one-out set; the chart then shades each series from the least to the greatest figure
 * where it shows the points' headline figure (the CLI's `--sweep … --fit-spread` columns).
 */
export function SweepFitSpread({ run, sweepId, y, spread, points }: { run: SweepRunInfo; sweepId: number; y: string; spread: readonly (Spread | null)[] | null; points: readonly (SweepPoint | null)[] }) {
  const status = useSpread((s) => s.status);
  const key = useSpread((s) => s.key);
  const error = useSpread((s) => s.error);
  const planned = useMemo(() => sweepSpreadPoints(run), [run]);
  if (!planned) return null;
  const n = looRowNames().length;
  const mine = key === sweepSpreadKey(sweepId);
  const metrics = [...new Set(planned.map(spreadMetric))];
  const names = metrics.map((m) => RATES[m]).join(' / ');
  const figures = metrics.map((m) => label(m)).join(' / ');
  if (!(mine && status === 'done' && spread)) {
    return (
      <div className="fit-spread" data-testid="sweep-fit-spread" data-status={mine ? status : 'idle'}>
        <SpreadStart
          mine={mine}
          running={`Running every point under the ${n} leave-one-out fits`}
          intro={`Fit spread: does the curve hold whatever calibration measurement is left out of the fit? Every point again under each of the fit's ${n} leave-one-out constant sets (${n} × ${planned.length} = ${n * planned.length} runs on background workers); the chart then shades each point's ${names} from the least to the greatest.`}
          button={`Run the ${n * planned.length} leave-one-out runs`}
          testid="sweep-fit-spread"
          onStart={() => startSweepSpread(run, sweepId)}
        />
      </div>
    );
  }
  // the point whose band is widest against its own figure (the run with the fitted constants)
  let widest = -1, rel = -1;
  spread.forEach((f, i) => {
    if (!f) return;
    const own = points[i]?.figures?.[f.metric];
    if (own === undefined || !(own > 0)) return;
    const r = (f.max - f.min) / own;
    if (r > rel) {
      rel = r;
      widest = i;
    }
  });
  const missing = spread.filter((f) => f === null).length;
  const w = widest >= 0 ? run.runs[widest]! : null;
  const wf = widest >= 0 ? spread[widest]! : null;
  const shown = metrics.includes(y as SpreadMetric);
  return (
    <div className="fit-spread" data-testid="sweep-fit-spread" data-status="done">
      <p className="muted small" data-testid="sweep-fit-spread-result" data-widest={widest} data-min={wf?.min} data-max={wf?.max}>
        {shown
          ? `Shaded: each point's ${names}, from the least to the greatest over the fit's ${n} leave-one-out constant sets. `
          : `The fit spread is of each point's ${names} over the fit's ${n} leave-one-out constant sets; this chart draws ${SWEEP_OUTPUT_BY_KEY.get(y)?.label ?? y}: choose ${figures} as the figure to see it shaded. `}
        {w && wf && (
          <>
            Widest at {run.path} = {valueText(run.path, w.value)}
            {run.labels[w.series] ? ` (${run.labels[w.series]})` : ''}:{' '}
            <span className="num">
              {mpps4(wf.min)} – {mpps4(wf.max)} Mpps
            </span>
            , this point {mpps4(points[widest]!.figures![wf.metric]!)} Mpps with the fitted constants.{' '}
          </>
        )}
        What any one measurement moves, not a bound on what the model lacks. The table and the CSV have the same figures.
        {missing > 0 && (
          <span className="warn-text" data-testid="sweep-fit-spread-missing">
            {' '}
            {missing} of {spread.length} points have no spread: a run of theirs failed ({error}).
          </span>
        )}
      </p>
    </div>
  );
}

/**
 * A spread box before its result (the store's one spread at a time): running, its progress and
 * Cancel; otherwise what it does, why the last one of this box stopped, and the button.
 */
function SpreadStart({ mine, running, intro, button, testid, onStart }: { mine: boolean; running: string; intro: string; button: string; testid: string; onStart: () => void }) {
  const status = useSpread((s) => s.status);
  const progress = useSpread((s) => s.progress);
  const error = useSpread((s) => s.error);
  if (mine && status === 'running') {
    return (
      <p className="muted" data-testid="fit-spread-progress">
        {running}: {progress.done} / {progress.total} done{' '}
        <button type="button" onClick={() => spreadStore.getState().cancel()}>
          Cancel
        </button>
      </p>
    );
  }
  return (
    <p className="muted small">
      {intro}{' '}
      {mine && status === 'error' && (
        <span className="warn-text" data-testid={`${testid}-error`}>
          {error}{' '}
        </span>
      )}
      {mine && status === 'cancelled' && <span>Cancelled. </span>}
      <button type="button" data-testid={`${testid}-run`} onClick={onStart}>
        {button}
      </button>
    </p>
  );
}
