import { describe, expect, it } from 'vitest';
import { formatInt, formatNs, formatSig } from './numtext';

describe('numtext', () => {
  it('groups whole numbers', () => {
    expect(formatInt(13389800)).toBe('13,389,800');
    expect(formatInt(999)).toBe('999');
    expect(formatInt(1000)).toBe('1,000');
    expect(formatInt(-1234567.4)).toBe('-1,234,567');
    expect(formatInt(0)).toBe('0');
    expect(formatInt(NaN)).toBe('—');
  });
  it('prints significant digits without exponents for everyday values', () => {
    expect(formatSig(0.3737086558061556)).toBe('0.3737');
    expect(formatSig(1.57)).toBe('1.570');
    expect(formatSig(17.184)).toBe('17.18');
    expect(formatSig(0.06719999999925494)).toBe('0.06720');
    expect(formatSig(123456.7)).toBe('123,457');
    expect(formatSig(1021.3)).toBe('1,021');
    expect(formatSig(0)).toBe('0');
    expect(formatSig(1.5e-9)).toBe('1.500e-9');
    expect(formatSig(Infinity)).toBe('—');
  });
  it('a value that rounds up to 1000 is printed like the integers, not in exponent form', () => {
    expect(formatSig(999.96)).toBe('1,000');
    expect(formatSig(999.7, 3)).toBe('1,000');
    expect(formatSig(-999.7, 3)).toBe('-1,000');
    expect(formatSig(999.4, 3)).toBe('999');
  });
  it('CPU ns per packet: three significant digits, grouped from 1000', () => {
    expect(formatNs(1797.49)).toBe('1,797');
    expect(formatNs(847.3)).toBe('847');
    expect(formatNs(45.24)).toBe('45.2');
    expect(formatNs(0.1095)).toBe('0.110');
  });
});
