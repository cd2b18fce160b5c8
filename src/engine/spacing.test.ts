import { afterEach, describe, expect, it, vi } from 'vitest';
import { Prng } from './prng';
import { geometricPoints, log2Exact, nearestPow2, pow2, pow2LogPoints, powInt, rootInt, rootIntDD } from './spacing';
import { BUILTIN_SWEEPS, parseSweepSpec } from './sweep';

afterEach(() => vi.restoreAllMocks());

const values = (spec: string) => {
  const r = parseSweepSpec(spec);
  if (!r.ok) throw new Error(r.errors.join('; '));
  return r.value.values;
};

describe('sweep spacing without Math.pow', () => {
  it('never calls the implementation-approximated functions', () => {
    const spies = (['pow', 'log', 'log2', 'log10', 'exp', 'cbrt', 'sqrt'] as const).map((f) => vi.spyOn(Math, f));
    for (const spec of [
      'traffic.flows=1..10000:log:9',
      'traffic.loss=0.001..0.1:log:7',
      'queues.rx_desc=64..16384:log:5',
      'queues.rx_desc=64..16384:lin:7',
      'traffic.load=0.1..1.2:8',
      'sim.duration_ms=0.1..600000:log:999',
      ...BUILTIN_SWEEPS.map((b) => b.def.spec),
    ]) values(spec);
    for (const s of spies) expect(s, s.getMockName()).not.toHaveBeenCalled();
  });

  it('keeps the points sweeps had, decades and built-ins included', () => {
    expect(values('traffic.flows=1..10000:log:9')).toEqual([1, 3, 10, 32, 100, 316, 1000, 3162, 10000]);
    expect(values('traffic.flows=1..10000:log:5')).toEqual([1, 10, 100, 1000, 10000]);
    expect(values('traffic.loss=0.001..0.1:log:5')).toEqual([0.001, 0.00316227766017, 0.01, 0.0316227766017, 0.1]);
    expect(values('sim.duration_ms=0.1..1000:log:5')).toEqual([0.1, 1, 10, 100, 1000]);
    expect(values('traffic.load=0.1..1.2:8')).toEqual([0.1, 0.257142857143, 0.414285714286, 0.571428571429, 0.728571428571, 0.885714285714, 1.04285714286, 1.2]);
    expect(values('queues.rx=1..24:6')).toEqual([1, 6, 10, 15, 19, 24]);
    expect(values('queues.tx_desc=64..4096')).toEqual([64, 128, 256, 512, 1024, 2048, 4096]);
    expect(values('queues.rx_desc=64..16384:log:5')).toEqual([64, 256, 1024, 4096, 16384]);
    // Descending, and a log sweep over a ratio that is no power of ten.
    expect(values('traffic.flows=10000..1:log:5')).toEqual([10000, 1000, 100, 10, 1]);
    expect(values('host.ghz=1..4:log:3')).toEqual([1, 2, 4]);
  });

  it('powers of two: a log sweep is exponent arithmetic (ties up), a linear one snaps on a log scale', () => {
    expect(pow2LogPoints(64, 128, 3)).toEqual([64, 128, 128]);
    expect(pow2LogPoints(64, 8192, 4)).toEqual([64, 256, 2048, 8192]);
    expect(pow2LogPoints(8192, 64, 3)).toEqual([8192, 1024, 64]);
    expect([90, 91, 181, 182, 1].map(nearestPow2)).toEqual([64, 128, 128, 256, 1]);
    expect(log2Exact(16384)).toBe(14);
    expect(log2Exact(0.25)).toBe(-2);
    expect(pow2(-3)).toBe(0.125);
  });

  it('the step and the points are accurate to about an ulp', () => {
    expect(powInt(3, 5)).toBe(243);
    expect(rootInt(10000, 4)).toBe(10);
    expect(Math.abs(rootInt(0.0001, 4) - 0.1)).toBeLessThan(1e-16);
    const r = new Prng(5);
    for (let t = 0; t < 300; t++) {
      const a = (1 + r.below(100000)) / 100;
      const b = (1 + r.below(100000)) / 100;
      const k = 1 + r.below(998);
      const [hi, lo] = rootIntDD(b / a, k);
      expect(Math.abs(hi + lo - Math.pow(b / a, 1 / k)) / (hi + lo)).toBeLessThan(4e-16);
      const pts = geometricPoints(a, b, k + 1);
      expect(pts[0]).toBe(a);
      expect(pts[k]).toBe(b);
      const i = r.below(k + 1);
      expect(Math.abs(pts[i]! - a * Math.pow(b / a, i / k)) / pts[i]!).toBeLessThan(1e-14);
    }
  });
});
