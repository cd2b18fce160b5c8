/**
 * `npm run calibrate`: fit the cost model's free constants to calibration.md's rows (fit.ts for
 * the procedure), print model vs measured with each row's leave-one-out error, and write the
 * fitted values and that table to src/engine/calibration.generated.ts.
 *
 *   npm run -s calibrate                  fit, print the table, write the generated file
 *   npm run -s calibrate -- --format json  the same, the table as JSON for scripts
 *   npm run -s calibrate -- --report       print the committed table (no fit)
 *   --workers N                             row evaluations in parallel (default: CPUs)
 */
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { FIT } from '../engine/calibration.generated';
import type { FitTable } from '../engine/fittable';
import { PARAM_SPECS, ENGINE_ID, settingsText } from '../engine/index';
import { COMPASS_PASSES, COMPASS_STEPS, Fitter, FD_STEP, median, LOO_LAMBDA, LOO_TRUST, MAX_ITER, PRIOR_SIGMA, ROBUST_SCALE } from '../calibration/fit';
import { RowPool } from '../calibration/pool';
import { parseAssumeArgs } from '../calibration/assume';
import { ROW_DURATION_MS, calibrationRows } from '../calibration/rows';

const PROCEDURE = `From each of two starts (the specs' starts; the previously committed fit), Levenberg–Marquardt on ln(model/measured) in log-parameter space with the Cauchy loss (scale ln ${Math.exp(ROBUST_SCALE).toFixed(2)})${Number.isFinite(PRIOR_SIGMA) ? ` and a log-normal prior (σ = ln ${Math.exp(PRIOR_SIGMA).toFixed(0)}) around each constant's start` : ', no prior (a constant no row constrains stays at its start)'} (forward-difference Jacobian, step ${FD_STEP}, ≤ ${MAX_ITER} iterations), then a compass search (steps ×${COMPASS_STEPS.map((d) => Math.exp(d).toFixed(2)).join('/')} per constant, ≤ ${COMPASS_PASSES} passes) over the model's flat places; leave-one-out: refit without the row by one Gauss–Newton step from the full fit on its Jacobian (λ ${LOO_LAMBDA}, the step the other rows ask for less the step all rows ask for, each constant within ×${Math.exp(LOO_TRUST).toFixed(2)}; constants only that row constrains back to their start), then run the model for the row; of the two starts' fits the one with the lower median leave-one-out error is kept (ties: the lower cost)`;

/** The constant's least and greatest leave-one-out value, and the most either lies from the fit. */
function looRange(c: FitTable['constants'][number]): string {
  const [lo, hi] = c.loo_range;
  const dev = Math.max(Math.abs(lo / c.value - 1), Math.abs(hi / c.value - 1));
  return `${lo} – ${hi} (±${(100 * dev).toFixed(1)}%)`;
}

export function formatTable(t: FitTable): string {
  const pct = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(100 * x).toFixed(1)}%`;
  const lines = [
    `| row | measured | model | error | leave-one-out |`,
    `|---|---|---|---|---|`,
    ...t.rows.map((r) => `| ${r.name} | ${(r.measured_pps / 1e6).toFixed(3)} Mpps | ${(r.model_pps / 1e6).toFixed(3)} Mpps | ${pct(r.error)} | ${pct(r.loo_error)} |`),
    '',
    `${t.free_constants} free constants for ${t.rows.length} rows. |error| median ${pct(t.summary.median_abs_error)}, worst ${pct(t.summary.worst_abs_error)}; leave-one-out median ${pct(t.summary.median_abs_loo_error)}, worst ${pct(t.summary.worst_abs_loo_error)}.`,
    '',
    `| constant | value | unit | leave-one-out range | rows that fix it |`,
    `|---|---|---|---|---|`,
    ...t.constants.map((c) => `| ${c.name} | ${c.value} | ${c.unit} | ${looRange(c)} | ${c.rows.length ? c.rows.join('; ') : '—'} |`),
  ];
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--format') && argv[argv.indexOf('--format') + 1] === 'json';
  const assumed = parseAssumeArgs(argv);
  if (!assumed.ok) {
    process.stderr.write(`calibrate: ${assumed.error}\n`);
    return 2;
  }
  const assume = assumed.assume;
  if (argv.includes('--report')) {
    if (assume !== null) {
      process.stderr.write('calibrate: --report prints the committed fit; a fit under --assume is a refit (drop --report)\n');
      return 2;
    }
    process.stdout.write(json ? JSON.stringify(FIT, null, 2) + '\n' : formatTable(FIT) + '\n');
    return 0;
  }
  const wi = argv.indexOf('--workers');
  const workers = wi >= 0 ? Number(argv[wi + 1]) : availableParallelism();
  const rows = calibrationRows(assume);
  const pool = new RowPool(Math.max(1, workers), assume);
  const t0 = performance.now();
  const fitter = new Fitter(rows, pool, (s) => process.stderr.write(`${s}\n`));
  const r = await fitter.fit();
  await pool.close();
  const specs = new Map(PARAM_SPECS.map((p) => [p.name, p]));
  // leave-one-out values are stored to six significant digits
  const sig = (x: number) => Number(x.toPrecision(6));
  const table: FitTable = {
    engine: ENGINE_ID,
    procedure: PROCEDURE,
    row_duration_ms: ROW_DURATION_MS,
    free_constants: r.free.length,
    constants: r.free.map((name, j) => {
      const vs = r.looValues.map((v) => v[j]!);
      return { name, value: r.values[name]!, unit: specs.get(name)!.unit, rows: r.constrainedBy[j]!.map((i) => rows[i]!.name), loo_range: [sig(Math.min(...vs)), sig(Math.max(...vs))] as [number, number] };
    }),
    rows: rows.map((row, i) => ({
      name: row.name, measured_pps: row.measured, model_pps: r.model[i]!, error: r.model[i]! / row.measured - 1, loo_error: r.loo[i]!,
      loo_constants: Object.fromEntries(r.free.map((name, j) => [name, sig(r.looValues[i]![j]!)])), source: row.source,
    })),
    summary: {
      median_abs_error: median(r.model.map((m, i) => Math.abs(m / rows[i]!.measured - 1))),
      worst_abs_error: Math.max(...r.model.map((m, i) => Math.abs(m / rows[i]!.measured - 1))),
      median_abs_loo_error: median(r.loo.map(Math.abs)),
      worst_abs_loo_error: Math.max(...r.loo.map(Math.abs)),
    },
  };
  if (assume !== null) {
    // A what-if fit is printed, never committed: the generated file stays the fit of the rows as stated.
    const what = settingsText(assume.set);
    process.stdout.write(json ? JSON.stringify({ assumed: { set: assume.set, presets: assume.presets }, ...table }, null, 2) + '\n'
      : `What-if fit (not written to calibration.generated.ts): ${what} on the rows of ${assume.presets.join(', ')}.\n\n${formatTable(table)}\n`);
    return 0;
  }
  const file = fileURLToPath(new URL('../engine/calibration.generated.ts', import.meta.url));
  writeFileSync(file, `/**
 * Generated by \`npm run calibrate\` (src/cli/calibrate.ts): the fitted constants of the cost model
 * and the fit they came from. Do not edit by hand; \`npm test\` checks these values reproduce the
 * table below. ${r.evaluations} row evaluations, ${((performance.now() - t0) / 1000).toFixed(0)} s.
 */
import type { FitTable } from './fittable';

export const FITTED: Readonly<Record<string, number>> = ${JSON.stringify(r.values, null, 2)};

export const FIT: FitTable = ${JSON.stringify(table, null, 2)};
`);
  process.stdout.write(json ? JSON.stringify(table, null, 2) + '\n' : formatTable(table) + '\n');
  return 0;
}

main(process.argv.slice(2)).then((c) => process.exit(c), (e) => { process.stderr.write(`${(e as Error).stack}\n`); process.exit(1); });
