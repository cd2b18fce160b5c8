import { describe, expect, it } from 'vitest';
import { formatLimit, formatMpps, formatPercent, formatTrim, formatWallMs } from './format';

describe('format', () => {
  it('trims fixed decimals', () => {
    expect(formatTrim(100)).toBe('100');
    expect(formatTrim(0.1)).toBe('0.1');
    expect(formatTrim(0.125)).toBe('0.125');
    expect(formatTrim(12.5000001)).toBe('12.5');
    expect(formatTrim(-0.0001)).toBe('0');
  });
  it('formats rates, percentages, limits and wall time', () => {
    expect(formatMpps(14880952.38)).toBe('14.881');
    expect(formatPercent(1, 8)).toBe('12.5 %');
    expect(formatPercent(1, 0)).toBe('—');
    expect(formatLimit(4294967295)).toBe('4,294,967,295');
    expect(formatLimit(1.5)).toBe('1.5');
    expect(formatLimit(9216)).toBe('9216');
    expect(formatWallMs(172.4)).toBe('172 ms');
    expect(formatWallMs(1450)).toBe('1.45 s');
  });
});
