import { describe, expect, it } from 'vitest';
import { FIT } from '../engine/calibration.generated';
import { PARAM_SPECS } from '../engine/costs';
import { betterFit, Fitter, median } from './fit';
import type { RowPool } from './pool';

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
});
