/**
 * The fitter: robust least squares on log error, by Levenberg–Marquardt in log-parameter space.
 *
 * Residual of row i: r_i = ln(model_i / measured_i). Each row costs ρ(r) = c²·ln(1 + (r/c)²)
 * (the Cauchy loss, c = ROBUST_SCALE): like r² for small errors, growing only logarithmically for
 * large ones, so a row whose mechanism the model lacks (a 2× miss) cannot drag every shared
 * constant towards it; the steps weigh each row by 1/(1 + (r/c)²) (iteratively reweighted). The
 * free constants are the `fitted` specs
 * of costs.ts, each kept within its bounds, with a weak log-normal prior around its starting
 * value (a residual (θ − θ₀)/PRIOR_SIGMA per constant; none now, see PRIOR_SIGMA): it only decides directions the
 * rows leave open (a ceiling no row reaches), and moves a constant the rows do constrain by
 * less than a percent. The Jacobian is by forward differences (step
 * FD_STEP in log space, large enough to step over the simulator's event-level granularity).
 * Stop after MAX_ITER iterations or when an accepted step improves Σr² by less than TOL.
 *
 * The descent runs from two starts, the specs' and the committed fit's (`starts`), and keeps the
 * end point with the lower median leave-one-out error (model selection by cross-validation): the
 * cost has several basins, and the lowest Σρ is not always the one that predicts best.
 *
 * Leave-one-out: for each row, the fit is redone without it by one Gauss–Newton step from the
 * full fit on its Jacobian (what the other rows ask for less what all rows ask for, `finish`); a
 * constant that no other row constrains (|∂r/∂θ| < SENSITIVE on all of them) goes back to its
 * starting value, since without that row nothing says what it is. Then the model predicts the
 * row. Everything is deterministic: same rows, same constants, same result.
 */
import { FIT } from '../engine/calibration.generated';
import { PARAM_SPECS, defaultParams, type Params } from '../engine/index';
import type { RowPool } from './pool';
import type { CalibrationRow } from './rows';

export const FD_STEP = 0.05;
export const MAX_ITER = 30;
export const TOL = 1e-4;
/** Leave-one-out: the damping of its Gauss–Newton steps, and the most a constant may move (log units, ×1.49). */
export const LOO_LAMBDA = 1e-2;
export const LOO_TRUST = 0.4;
/**
 * After Levenberg–Marquardt, a compass search: each constant in turn tries these steps (log
 * units) and keeps the best that lowers the cost, until a pass changes nothing (at most
 * COMPASS_PASSES). The event-level model is flat in places (a ceiling that does not bind at the
 * current point has no derivative), where a Jacobian sees nothing a step can reach.
 */
export const COMPASS_STEPS = [-0.4, -0.15, 0.15, 0.4];
export const COMPASS_PASSES = 8;
/** A row constrains a constant when a FD_STEP change of it moves the row's log error by this much per unit log. */
export const SENSITIVE = 0.03;
/**
 * Width of each constant's prior, in log units: none (Infinity). With the Cauchy loss a row's
 * cost stops growing for large errors, so any finite prior outweighs the one row that constrains
 * a constant (a ceiling fitted to its netmap row stayed near its start). A constant no row
 * constrains has no gradient and stays at its start through the damping alone.
 */
export const PRIOR_SIGMA = Infinity;
/** Scale of the robust loss, in log units: errors beyond ~±30% weigh progressively less. */
export const ROBUST_SCALE = Math.log(1.3);

const rho = (r: number) => ROBUST_SCALE * ROBUST_SCALE * Math.log1p((r / ROBUST_SCALE) ** 2);
const weight = (r: number) => 1 / (1 + (r / ROBUST_SCALE) ** 2);

export interface FitResult {
  free: string[];
  values: Record<string, number>;
  model: number[];
  residuals: number[];
  loo: number[];
  /** Per left-out row, per constant: the constant's value in that leave-one-out refit. */
  looValues: number[][];
  /** Per constant: the rows (indices) that constrain it. */
  constrainedBy: number[][];
  iterations: number;
  evaluations: number;
  sse: number;
}

type Vec = number[];

/** Median of xs (0 for none). */
export function median(xs: number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  const n = v.length;
  return n === 0 ? 0 : n % 2 ? v[(n - 1) / 2]! : (v[n / 2 - 1]! + v[n / 2]!) / 2;
}

function solve(A: number[][], b: Vec): Vec {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r]![c]!) > Math.abs(M[piv]![c]!)) piv = r;
    [M[c], M[piv]] = [M[piv]!, M[c]!];
    const d = M[c]![c]!;
    if (Math.abs(d) < 1e-300) continue;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r]![c]! / d;
      if (f === 0) continue;
      for (let k = c; k <= n; k++) M[r]![k]! -= f * M[c]![k]!;
    }
  }
  return M.map((row, i) => (Math.abs(row[i]!) < 1e-300 ? 0 : row[n]! / row[i]!));
}

/**
 * Of two fits of the same rows, is `a` the one to keep? The lower median leave-one-out error
 * (what the fit predicts of rows it was not given) wins; at equal medians, the lower cost.
 */
export function betterFit(a: { looMedian: number; cost: number }, b: { looMedian: number; cost: number }): boolean {
  return a.looMedian < b.looMedian || (a.looMedian === b.looMedian && a.cost < b.cost);
}

export class Fitter {
  readonly free: string[];
  private readonly lo: Vec;
  private readonly hi: Vec;
  private readonly start: Vec;
  private readonly base: Record<string, number>;

  constructor(private readonly rows: CalibrationRow[], private readonly pool: RowPool, private readonly log: (s: string) => void = () => {}) {
    const specs = PARAM_SPECS.filter((p) => p.kind === 'fitted');
    this.free = specs.map((p) => p.name);
    this.lo = specs.map((p) => Math.log(p.lo!));
    this.hi = specs.map((p) => Math.log(p.hi!));
    this.start = specs.map((p) => Math.log(p.value));
    this.base = { ...defaultParams() };
  }

  params(theta: Vec): Params {
    const out = { ...this.base };
    this.free.forEach((name, j) => { out[name] = Math.exp(theta[j]!); });
    return out;
  }

  private clamp(theta: Vec): Vec {
    return theta.map((v, j) => Math.min(this.hi[j]!, Math.max(this.lo[j]!, v)));
  }

  /** Log errors of `rows` (indices) under each θ of `thetas`, all in one batch. */
  async residualsMany(thetas: Vec[], rows: number[]): Promise<Vec[]> {
    const jobs = thetas.flatMap((t) => { const params = this.params(t); return rows.map((row) => ({ row, params })); });
    const v = await this.pool.all(jobs);
    return thetas.map((_, k) => rows.map((row, i) => Math.log(v[k * rows.length + i]! / this.rows[row]!.measured)));
  }

  async residuals(theta: Vec, rows: number[]): Promise<Vec> {
    return (await this.residualsMany([theta], rows))[0]!;
  }

  async jacobian(theta: Vec, r0: Vec, rows: number[]): Promise<Vec[]> {
    const shifted = this.free.map((_, j) => { const t = [...theta]; t[j] = t[j]! + (t[j]! + FD_STEP > this.hi[j]! ? -FD_STEP : FD_STEP); return t; });
    const rs = await this.residualsMany(shifted, rows);
    return rows.map((_, i) => this.free.map((_, j) => (rs[j]![i]! - r0[i]!) / (shifted[j]![j]! - theta[j]!)));
  }

  /** Σ of squared log errors plus the prior's terms. */
  private cost(r: Vec, theta: Vec): number {
    let s = 0;
    for (const x of r) s += rho(x);
    for (let j = 0; j < theta.length; j++) {
      const z = (theta[j]! - this.start[j]!) / PRIOR_SIGMA;
      s += z * z;
    }
    return s;
  }

  /**
   * The damped Gauss–Newton step, projected on the bounds: a constant sitting on a bound that the
   * step would push further out is held where it is and the step is solved again for the others.
   * Unprojected, such a constant's wanted move (which clamping then cancels) bends every other
   * constant's share of the step, so the step fails on the model and, in a leave-one-out refit,
   * nothing moves at all: the "prediction" is then the full fit's own figure.
   */
  private step(J: Vec[], r: Vec, lambda: number, keep: boolean[], theta: Vec): Vec {
    const free = [...keep];
    for (let pass = 0; pass <= free.length; pass++) {
      const d = this.gnStep(J, r, lambda, free, theta);
      let pinned = false;
      for (let j = 0; j < d.length; j++) {
        if (!free[j]) continue;
        if ((theta[j]! >= this.hi[j]! && d[j]! > 0) || (theta[j]! <= this.lo[j]! && d[j]! < 0)) {
          free[j] = false;
          pinned = true;
        }
      }
      if (!pinned) return d;
    }
    return theta.map(() => 0);
  }

  /** Damped Gauss–Newton step for residuals r with Jacobian J (and the prior at θ); `keep[j]` false holds constant j. */
  private gnStep(J: Vec[], r: Vec, lambda: number, keep: boolean[], theta: Vec): Vec {
    const m = this.free.length;
    const A: number[][] = Array.from({ length: m }, () => new Array<number>(m).fill(0));
    const g: Vec = new Array<number>(m).fill(0);
    const w = 1 / (PRIOR_SIGMA * PRIOR_SIGMA);
    for (let a = 0; a < m; a++) {
      A[a]![a]! += w;
      g[a]! += w * (theta[a]! - this.start[a]!);
    }
    for (let i = 0; i < r.length; i++) {
      const wi = weight(r[i]!);
      for (let a = 0; a < m; a++) {
        g[a]! += wi * J[i]![a]! * r[i]!;
        for (let b = 0; b < m; b++) A[a]![b]! += wi * J[i]![a]! * J[i]![b]!;
      }
    }
    for (let a = 0; a < m; a++) A[a]![a]! += lambda * (A[a]![a]! + 1e-6) + (keep[a] ? 0 : 1e9);
    return solve(A, g.map((x) => -x));
  }

  /**
   * The fit's starting points: the specs' starts, then the committed fit (calibration.generated.ts)
   * when it differs. The robust cost has more than one basin (the APU2 rows pull the Jaguar
   * doorbell towards two values), and a small change of the model can move Levenberg–Marquardt
   * from one to the other: each start is descended, and the end point that predicts the rows it
   * was not fitted to better (the lower median leave-one-out error; ties: the lower Σρ) wins.
   */
  starts(): Vec[] {
    const out: Vec[] = [this.clamp(this.start)];
    const committed = new Map(FIT.constants.map((c) => [c.name, c.value]));
    const warm = this.clamp(this.free.map((name, j) => (committed.has(name) ? Math.log(committed.get(name)!) : this.start[j]!)));
    if (warm.some((v, j) => v !== out[0]![j])) out.push(warm);
    return out;
  }

  async fit(): Promise<FitResult> {
    const all = this.rows.map((_, i) => i);
    let best: { fit: FitResult; score: number; sse: number } | null = null;
    const starts = this.starts();
    for (let k = 0; k < starts.length; k++) {
      this.log(`start ${k + 1}/${starts.length} (${k === 0 ? 'the specs\' starts' : 'the committed fit'})`);
      const d = await this.descend(starts[k]!, all);
      const J = await this.jacobian(d.theta, d.r, all);
      const constrainedBy = this.free.map((_, j) => all.filter((i) => Math.abs(J[i]![j]!) >= SENSITIVE));
      const fit = await this.finish(d.theta, d.r, J, constrainedBy, d.iter, all);
      const score = median(fit.loo.map(Math.abs));
      this.log(`start ${k + 1}: Σρ ${d.sse.toFixed(5)}, leave-one-out median ${(100 * score).toFixed(1)}%`);
      if (best === null || betterFit({ looMedian: score, cost: d.sse }, { looMedian: best.score, cost: best.sse })) best = { fit, score, sse: d.sse };
    }
    return best!.fit;
  }

  /** Levenberg–Marquardt from θ0, then the compass search. */
  private async descend(theta0: Vec, all: number[]): Promise<{ theta: Vec; r: Vec; sse: number; iter: number }> {
    let theta = theta0;
    let r = await this.residuals(theta, all);
    let sse = this.cost(r, theta);
    let lambda = 1e-2;
    let J: Vec[] = [];
    let iter = 0;
    const keepAll = this.free.map(() => true);
    for (; iter < MAX_ITER; iter++) {
      J = await this.jacobian(theta, r, all);
      let accepted = false;
      for (let tries = 0; tries < 6; tries++) {
        const d = this.step(J, r, lambda, keepAll, theta);
        const t2 = this.clamp(theta.map((v, j) => v + d[j]!));
        const r2 = await this.residuals(t2, all);
        const sse2 = this.cost(r2, t2);
        if (sse2 < sse) {
          const gain = (sse - sse2) / sse;
          theta = t2; r = r2; sse = sse2; lambda = Math.max(1e-6, lambda / 3); accepted = true;
          this.log(`iteration ${iter + 1}: Σρ ${sse.toFixed(5)} (λ ${lambda.toExponential(1)})`);
          if (gain < TOL) iter = MAX_ITER;
          break;
        }
        lambda *= 4;
      }
      if (!accepted) break;
    }
    // compass search over the flat places (deterministic: constants in spec order, steps in order)
    for (let pass = 0; pass < COMPASS_PASSES; pass++) {
      let moved = false;
      for (let j = 0; j < this.free.length; j++) {
        const cands = COMPASS_STEPS.map((d) => this.clamp(theta.map((v, k) => (k === j ? v + d : v))));
        const rs = await this.residualsMany(cands, all);
        let best = -1, bestCost = sse;
        rs.forEach((rr, c) => { const cc = this.cost(rr, cands[c]!); if (cc < bestCost - 1e-12) { bestCost = cc; best = c; } });
        if (best >= 0) {
          theta = cands[best]!; r = rs[best]!; sse = bestCost; moved = true;
          this.log(`compass ${pass + 1}: ${this.free[j]} ×${Math.exp(COMPASS_STEPS[best]!).toFixed(2)} → Σρ ${sse.toFixed(5)}`);
        }
      }
      if (!moved) break;
      // then let LM refine from the new point
      for (let k = 0; k < 3; k++) {
        J = await this.jacobian(theta, r, all);
        const d = this.step(J, r, lambda, keepAll, theta);
        const t2 = this.clamp(theta.map((v, jj) => v + d[jj]!));
        const r2 = await this.residuals(t2, all);
        const s2 = this.cost(r2, t2);
        if (s2 < sse) { theta = t2; r = r2; sse = s2; lambda = Math.max(1e-6, lambda / 3); this.log(`refine: Σρ ${sse.toFixed(5)}`); } else { lambda *= 4; break; }
      }
    }
    return { theta, r, sse, iter };
  }

  /**
   * Leave-one-out around the fit, and the table's figures for the rounded constants.
   *
   * Each row's refit without it is one Gauss–Newton step on the full fit's Jacobian, as the
   * difference of two steps from the fit: the step the other rows ask for less the step all rows
   * ask for (the fit need not sit at a stationary point of the smooth model: its last steps failed
   * on the simulator's event-level roughness, and what all rows still ask for is not the left-out
   * row's doing). Each constant's move is held within ±LOO_TRUST; constants that only the row
   * constrains go back to their start. The model is then run at those constants for the row: its
   * leave-one-out prediction. (Stepping until the others' cost fell, as before engine 0.10.0,
   * stopped at the fit on a rough cost: every row's "prediction" was then the full fit's figure.)
   */
  private async finish(theta: Vec, r: Vec, J: Vec[], constrainedBy: number[][], iter: number, all: number[]): Promise<FitResult> {
    const loo: number[] = [];
    const looValues: number[][] = [];
    const keepAll = this.free.map(() => true);
    const sAll = this.step(J, r, LOO_LAMBDA, keepAll, theta);
    const start = this.clamp(this.start);
    for (const i of all) {
      const others = all.filter((k) => k !== i);
      const keep = this.free.map((_, j) => constrainedBy[j]!.some((k) => k !== i));
      const th = theta.map((v, j) => (keep[j] ? v : start[j]!));
      const ro = keep.every((k) => k) ? others.map((k) => r[k]!) : await this.residuals(th, others);
      const sOth = this.step(others.map((k) => J[k]!), ro, LOO_LAMBDA, keep, th);
      const t2 = this.clamp(th.map((v, j) => (keep[j] ? v + Math.max(-LOO_TRUST, Math.min(LOO_TRUST, sOth[j]! - sAll[j]!)) : v)));
      const pred = (await this.residuals(t2, [i]))[0]!;
      loo.push(Math.exp(pred) - 1);
      looValues.push(t2.map((v) => Math.exp(v)));
      this.log(`leave-one-out ${i + 1}/${all.length} ${this.rows[i]!.name}: ${(100 * (Math.exp(pred) - 1)).toFixed(1)}%`);
    }
    const values: Record<string, number> = {};
    this.free.forEach((name, j) => { values[name] = Number(Math.exp(theta[j]!).toPrecision(6)); });
    // The committed values are rounded: report the table for exactly those.
    const rounded = this.free.map((name) => Math.log(values[name]!));
    // The figures themselves (not exp(residual) × measured, which is off in the last bits).
    const params = this.params(rounded);
    const model = await this.pool.all(all.map((row) => ({ row, params })));
    const rr = model.map((v, i) => Math.log(v / this.rows[i]!.measured));
    return {
      free: this.free, values, residuals: rr, model, loo, looValues, constrainedBy,
      iterations: iter, evaluations: this.pool.evaluations, sse: rr.reduce((a, x) => a + x * x, 0),
    };
  }
}
