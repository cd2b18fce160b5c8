import { describe, expect, it } from 'vitest';
import { columnsCsv, csvField, csvRow, csvTable, neutralise } from './csv';

describe('csvField', () => {
  it('neutralises every formula start in strings (OWASP): = + - @ tab carriage return', () => {
    expect(csvField('=HYPERLINK("http://evil.example","x")')).toBe('"\'=HYPERLINK(""http://evil.example"",""x"")"');
    expect(csvField('+1+2')).toBe("'+1+2");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('\r=1')).toBe('"\'\r=1"');
    expect(neutralise('sorted, batch 1024')).toBe('sorted, batch 1024');
    // Only the first character counts; later ones are plain text.
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField('#v4.abc')).toBe('#v4.abc');
  });

  it('quotes fields with commas, quotes and line breaks', () => {
    expect(csvField('rx, "cpu"')).toBe('"rx, ""cpu"""');
    expect(csvField('a\nb')).toBe('"a\nb"');
    expect(csvField('')).toBe('');
  });

  it('numbers verbatim in full precision; NaN empty; infinities as Infinity, never neutralised', () => {
    expect(csvField(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(Number(csvField(1 / 3))).toBe(1 / 3);
    expect(csvField(-5)).toBe('-5');
    expect(csvField(NaN)).toBe('');
    expect(csvField(Infinity)).toBe('Infinity');
    expect(csvField(-Infinity)).toBe('-Infinity');
    expect(Number(csvField(-Infinity))).toBe(-Infinity);
  });

  it('booleans, null, undefined and objects', () => {
    expect(csvField(true)).toBe('true');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvField(['=1'])).toBe('"[""=1""]"');
  });
});

describe('rows and tables', () => {
  it('joins fields and ends rows with a newline', () => {
    expect(csvRow(['=x', 1, NaN, 'y'])).toBe("'=x,1,,y\n");
    expect(csvTable(['a', 'b'], [[1, 2], ['-', 3]])).toBe("a,b\n1,2\n'-,3\n");
  });

  it('columnsCsv writes missing columns and short columns as empty fields', () => {
    expect(columnsCsv(['t_ms', 'a', 'b'], { t_ms: [1, 2], a: Float64Array.from([NaN, Infinity]), b: [5] }, 2)).toBe('t_ms,a,b\n1,,5\n2,Infinity,\n');
  });
});
