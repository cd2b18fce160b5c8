import { describe, expect, it } from 'vitest';
import { frameTimeNs, lineRatePps } from './wire';

describe('wire', () => {
  it('matches the published 64-byte line rates', () => {
    // freebsd-packet-path.md, "Physical limits"
    expect(lineRatePps(1, 64) / 1e6).toBeCloseTo(1.488, 3);
    expect(lineRatePps(10, 64) / 1e6).toBeCloseTo(14.88, 2);
    expect(lineRatePps(25, 64) / 1e6).toBeCloseTo(37.2, 1);
    expect(lineRatePps(40, 64) / 1e6).toBeCloseTo(59.52, 2);
    expect(lineRatePps(100, 64) / 1e6).toBeCloseTo(148.8, 1);
  });

  it('frame time is the inverse of the line rate (67.2 ns at 10G, 64 B)', () => {
    expect(frameTimeNs(10, 64)).toBeCloseTo(67.2, 9);
    expect(frameTimeNs(40, 1500) * lineRatePps(40, 1500)).toBeCloseTo(1e9, 3);
  });
});
