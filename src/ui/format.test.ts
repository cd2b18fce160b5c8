import { describe, expect, it } from 'vitest';
import { formatInt, formatLimit, formatMpps, formatPercent, formatSig, formatTrim, formatWallMs } from './format';

describe('format', () => {
  it('groups whole numbers', () => {
    expect(formatInt(13389800)).toBe('13,389,800');
    expect(formatInt(999)).toBe('999');
    expect(formatInt(1000)).toBe('1,000');
    expect(formatInt(-1234567.4)).toBe('-1,234,567');
    expect(formatInt(0)).toBe('0');
    expect(formatInt(NaN)).toBe('—');
  });
  it('prints 4 significant digits without exponents for everyday values', () => {
    expect(formatSig(0.3737086558061556)).toBe('0.3737');
    expect(formatSig(1.57)).toBe('1.570');
    expect(formatSig(17.184)).toBe('17.18');
    expect(formatSig(0.06719999999925494)).toBe('0.06720');
    expect(formatSig(123456.7)).toBe('123,457');
    expect(formatSig(1021.3)).toBe('1,021');
    expect(formatSig(999.96)).toBe('1000');
    expect(formatSig(0)).toBe('0');
    expect(formatSig(1.5e-9)).toBe('1.500e-9');
    expect(formatSig(Infinity)).toBe('—');
  });
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
