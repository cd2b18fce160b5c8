import { describe, expect, it } from 'vitest';
import { FIT } from '../engine/calibration.generated';
import { PARAM_SPECS } from '../engine/costs';
import { betterFit, Fitter, median, ROBUST_SCALE } from './fit';
import type { Job, RowPool } from './pool';
import type { CalibrationRow } from './rows';

describe('the fitter', () => {
  it('starts from the specs and from the committed fit, each clamped to its bounds', () => {
    const fitter = new Fitter([], { all: async () => [], evaluations: 0 } as unknown as RowPool);
    const specs = PARAM_SPECS.filter((p) => p.kind === 'fitted');
    const starts = fitter.starts();
    expect(starts).toHaveLength(2);
    expect(fitter.free).toEqual(specs.map((p) => p.name));
    specs.forEach((p, j) => {
      expect(starts[0]![j]).toBeCloseTo(Math.log(Math.min(p.hi!, Math.max(p.lo!, p.value))), 12);
      const committed = FIT.constants.find((c) => c.name === p.name)!.value;
      expect(starts[1]![j]).toBeCloseTo(Math.log(committed), 12);
    });
  });

  it('keeps the fit that predicts left-out rows better, and at equal medians the lower cost', () => {
    expect(betterFit({ looMedian: 0.10, cost: 0.95 }, { looMedian: 0.15, cost: 0.82 })).toBe(true);
    expect(betterFit({ looMedian: 0.15, cost: 0.82 }, { looMedian: 0.10, cost: 0.95 })).toBe(false);
    expect(betterFit({ looMedian: 0.10, cost: 0.80 }, { looMedian: 0.10, cost: 0.90 })).toBe(true);
    expect(betterFit({ looMedian: 0.10, cost: 0.90 }, { looMedian: 0.10, cost: 0.90 })).toBe(false); // ties keep the first
  });

  it('median of odd, even and empty lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(0);
  });

  /**
   * A model that is exactly linear in the log constants: row i's log error is
   * b_i + Σ_j A_ij (θ_j − θ_j⁰) for the first two fitted constants, the rest unused. Its
   * leave-one-out is known in closed form (least squares without row i), so the fitter's one-step
   * leave-one-out can be checked against it, from the fit and from a point off the fit.
   */
  const specs = PARAM_SPECS.filter((p) => p.kind === 'fitted');
  const A = [[1, 0], [0, 1], [1, 1], [1, -1], [0.5, 2]];
  const b = [0.02, -0.03, 0.05, -0.01, 0.04];
  const rows: CalibrationRow[] = A.map((_, i) => ({ name: `r${i}`, preset: 'p', set: {}, metric: 'forwarded_pps', measured: 1e6, source: '' }));
  const theta0 = specs.slice(0, 2).map((p) => Math.log(Math.min(p.hi!, Math.max(p.lo!, p.value))));
  const model = (i: number, params: Record<string, number>) =>
    1e6 * Math.exp(b[i]! + A[i]!.reduce((a, x, j) => a + x * (Math.log(params[specs[j]!.name]!) - theta0[j]!), 0));
  const pool = { evaluations: 0, all: async (jobs: Job[]) => jobs.map((j) => model(j.row, j.params)) } as unknown as RowPool;
  /** Exact least squares on rows `use` (small residuals: the Cauchy weights are ~1). */
  const lsq = (use: number[]) => {
    let a = 0, c = 0, d = 0, e = 0, f = 0;
    for (const i of use) { const [x, y] = A[i] as [number, number]; a += x * x; c += x * y; d += y * y; e -= x * b[i]!; f -= y * b[i]!; }
    const det = a * d - c * c;
    return [(d * e - c * f) / det, (a * f - c * e) / det];
  };
  const predict = (i: number, t: number[]) => Math.exp(b[i]! + A[i]![0]! * t[0]! + A[i]![1]! * t[1]!) - 1;

  it('leave-one-out: one step from the fit gives what refitting without the row predicts', async () => {
    const f = new Fitter(rows, pool) as unknown as {
      free: string[]; residuals(t: number[], r: number[]): Promise<number[]>; jacobian(t: number[], r0: number[], rows: number[]): Promise<number[][]>;
      finish(t: number[], r: number[], J: number[][], c: number[][], iter: number, all: number[]): Promise<{ loo: number[]; residuals: number[] }>;
    };
    const all = rows.map((_, i) => i);
    const start = f.free.map((_, j) => (j < 2 ? theta0[j]! : Math.log(Math.min(specs[j]!.hi!, Math.max(specs[j]!.lo!, specs[j]!.value)))));
    const full = lsq(all);
    const constrainedBy = f.free.map((_, j) => (j < 2 ? all : []));
    // From the fit itself; and from a point off it (a fit stuck short of the smooth optimum, as on
    // the simulator's rough cost): there the refit without the row is taken to stop as far off
    // its own optimum, so the step moves by the row's own pull only.
    for (const off of [[0, 0], [0.03, -0.02]]) {
      const at = start.map((v, j) => (j < 2 ? v + full[j]! + off[j]! : v));
      const r = await f.residuals(at, all);
      const J = await f.jacobian(at, r, all);
      const res = await f.finish(at, r, J, constrainedBy, 0, all);
      for (const i of all) {
        const exact = predict(i, lsq(all.filter((k) => k !== i)).map((v, j) => v + off[j]!));
        expect(res.loo[i]).toBeCloseTo(exact, 2);
        // at the optimum, a row is predicted no better than it is fitted
        if (off[0] === 0) expect(Math.abs(res.loo[i]!)).toBeGreaterThan(Math.abs(predict(i, full)) - 1e-9);
      }
    }
  });

  it('a constant on its bound that the step would push out is held, and the others still move', async () => {
    const f = new Fitter(rows, pool) as unknown as { step(J: number[][], r: number[], l: number, keep: boolean[], t: number[]): number[] };
    const m = specs.length;
    const lo = specs.map((p) => Math.log(p.lo!));
    const t = specs.map((p, j) => (j === 0 ? lo[0]! : Math.log(p.value)));
    // residuals that ask for constant 0 to go down (below its floor) and constant 1 to go up
    const J = [[1, 0], [0, 1], [1, 1]].map((row) => [...row, ...new Array<number>(m - 2).fill(0)]);
    const r = [0.2, -0.1, 0.1];
    const d = f.step(J, r, 1e-6, specs.map(() => true), t);
    expect(d[0]).toBeCloseTo(0, 8);
    // with constant 0 held, constant 1 fits rows 1 and 2 alone: (0.1 − 0.1) / 2 = 0
    expect(d[1]).toBeCloseTo(0, 6);
    // rows weighed by the Cauchy loss: d1 = (w₁·0.2 − w₂·0.1) / (w₁ + w₂)
    const d2 = f.step(J, [0.2, -0.2, 0.1], 1e-6, specs.map(() => true), t);
    const w = (x: number) => 1 / (1 + (x / ROBUST_SCALE) ** 2);
    expect(d2[0]).toBeCloseTo(0, 8);
    expect(d2[1]).toBeCloseTo((w(-0.2) * 0.2 - w(0.1) * 0.1) / (w(-0.2) + w(0.1)), 4);
  });
});
