/**
 * The calibration contract (docs/MODEL.md, "Calibration"): the committed constants are exactly
 * the fitter's (`npm run calibrate` wrote calibration.generated.ts), they reproduce the fitter's
 * table row by row, every row is within its stated tolerance, and the fit has fewer free
 * constants than half the rows. The qualitative rows are checked here too.
 */
import { describe, expect, it } from 'vitest';
import { calibrationRows, rowScenario } from '../calibration/rows';
import { FIT, FITTED } from './calibration.generated';
import { PARAM_SPECS, PARAMS } from './costs';
import { CALIBRATION_TOLERANCE, PRESETS, presetScenario } from './presets';
import { setPath } from './scenario';
import { runScenario } from './sim';

const rows = calibrationRows();

describe('calibration', () => {
  it('the committed constants are the fitter\'s, and every fitted constant is committed', () => {
    const fitted = PARAM_SPECS.filter((p) => p.kind === 'fitted').map((p) => p.name).sort();
    expect(Object.keys(FITTED).sort()).toEqual(fitted);
    for (const c of FIT.constants) expect(PARAMS[c.name], c.name).toBe(c.value);
    expect(FIT.free_constants).toBe(fitted.length);
  });

  it('each constant carries its range over the leave-one-out refits; one constrained by a single row falls back to its start there', () => {
    for (const c of FIT.constants) {
      const spec = PARAM_SPECS.find((p) => p.name === c.name)!;
      const [lo, hi] = c.loo_range;
      expect(lo, c.name).toBeLessThanOrEqual(hi);
      expect(lo, c.name).toBeGreaterThanOrEqual(spec.lo! * (1 - 1e-5));
      expect(hi, c.name).toBeLessThanOrEqual(spec.hi! * (1 + 1e-5));
      // leaving out its only row sends it back to the specs' start (the leave-one-out rule, fit.ts)
      if (c.rows.length === 1) {
        expect(lo, c.name).toBeLessThanOrEqual(spec.value * (1 + 1e-5));
        expect(hi, c.name).toBeGreaterThanOrEqual(spec.value * (1 - 1e-5));
      }
    }
  });

  it('the fit covers every quantitative row of calibration.md, with no more free constants than half of them', () => {
    expect(FIT.rows.map((r) => r.name)).toEqual(rows.map((r) => r.name));
    expect(FIT.free_constants).toBeLessThanOrEqual(rows.length / 2);
  });

  it('reproduces the fitter\'s table bit for bit, and each row within its stated tolerance', () => {
    const lines: string[] = [];
    const failures: string[] = [];
    rows.forEach((row, i) => {
      const model = runScenario(rowScenario(row, FIT.row_duration_ms)).summary[row.metric];
      const stored = FIT.rows[i]!;
      expect(model, row.name).toBe(stored.model_pps);
      const target = PRESETS.find((p) => p.name === row.preset)!.targets!.find((t) => JSON.stringify(t.set) === JSON.stringify(row.set))!;
      const tol = target.tolerance ?? CALIBRATION_TOLERANCE;
      const err = model / row.measured - 1;
      lines.push(`${row.name.padEnd(78)} model ${(model / 1e6).toFixed(3).padStart(7)}  measured ${(row.measured / 1e6).toFixed(3).padStart(7)}  ${(100 * err).toFixed(1).padStart(6)}%  LOO ${(100 * stored.loo_error).toFixed(1).padStart(6)}%  (±${(100 * tol).toFixed(0)}%${target.gap ? `: ${target.gap}` : ''})`);
      if (Math.abs(err) > tol) failures.push(`${row.name}: ${(100 * err).toFixed(1)}% (tolerance ±${100 * tol}%)`);
    });
    console.log(['model vs measured (calibration.md), committed constants:', ...lines].join('\n'));
    expect(failures).toEqual([]);
  });

  it('a row given more than the default tolerance says what the model misses', () => {
    for (const p of PRESETS) for (const t of p.targets ?? []) if ((t.tolerance ?? CALIBRATION_TOLERANCE) > CALIBRATION_TOLERANCE) expect(t.gap?.length ?? 0, `${p.name} ${JSON.stringify(t.set)}: say what the model misses`).toBeGreaterThan(40);
  });

  it('a gap that quotes what its tryWith settings give quotes what the engine gives (the preset at its own duration)', () => {
    let quoted = 0;
    for (const p of PRESETS) {
      for (const t of p.targets ?? []) {
        if (!t.tryWith) continue;
        // the gap names every setting, and the figure they give
        for (const [k, v] of Object.entries(t.tryWith)) expect(t.gap, `${p.name}: the gap names ${k}=${v}`).toContain(`${k}=${v}`);
        const m = / give (\d+\.\d+) Mpps \(([+−-]\d+\.\d)%\)/.exec(t.gap ?? '');
        expect(m, `${p.name}: the gap quotes the figure`).not.toBeNull();
        if (!m) continue;
        quoted++;
        const s = runScenario(presetScenario(p, { ...t.set, ...t.tryWith })).summary;
        const got = s[t.metric];
        expect((got / 1e6).toFixed(2), p.name).toBe(m[1]);
        expect(100 * (got / t.measured - 1), p.name).toBeCloseTo(Number(m[2]!.replace('−', '-')), 1);
      }
    }
    expect(quoted).toBe(2);
  });

  it('the qualitative rows: netmap pushed too hard on ixl collapses', () => {
    for (const p of PRESETS) {
      for (const t of p.targets ?? []) {
        if (t.collapseBelow === undefined) continue;
        const s = runScenario(setPath(presetScenario(p, t.set), 'sim.duration_ms', 50)).summary;
        expect(s[t.metric], p.name).toBeLessThan(t.collapseBelow * t.measured);
      }
    }
  });
});
