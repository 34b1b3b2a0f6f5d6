import { describe, expect, it } from 'vitest';
import { csvField, csvText } from '../../src/lib/csv.ts';

describe('csvField', () => {
  it('quotes commas, quotes, line breaks and edge white space (RFC 4180)', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r\nlf')).toBe('"cr\r\nlf"');
    expect(csvField(' pad')).toBe('" pad"');
    expect(csvField('pad ')).toBe('"pad "');
    expect(csvField('中文')).toBe('中文');
    expect(csvField('')).toBe('');
  });

  it('neutralises every formula start in text with a leading quote', () => {
    expect(csvField('=cmd|\' /C calc\'!A0')).toBe("'=cmd|' /C calc'!A0");
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-1+1')).toBe("'-1+1");
    expect(csvField('-12.5')).toBe("'-12.5");
    expect(csvField('@SUM(A1:A9)')).toBe("'@SUM(A1:A9)");
    // Tab and CR open a formula too; after the prefix the tab is no longer at the edge, the CR still needs quotes.
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('\r=1')).toBe(`"'\r=1"`);
    expect(csvField('＝1+1')).toBe("'＝1+1");
    expect(csvField('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvField('=a,b')).toBe(`"'=a,b"`);
    // Only the first character counts.
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField('1-2')).toBe('1-2');
  });

  it('leaves numbers, bigints and booleans as they are', () => {
    expect(csvField(-12.5)).toBe('-12.5');
    expect(csvField(-0.001)).toBe('-0.001');
    expect(csvField(0)).toBe('0');
    expect(csvField(1e21)).toBe('1e+21');
    expect(csvField(-9007199254740993n)).toBe('-9007199254740993');
    expect(csvField(true)).toBe('true');
    expect(csvField(Number.NaN)).toBe('');
    expect(csvField(Number.NEGATIVE_INFINITY)).toBe('');
  });

  it('writes null and undefined as empty fields, dates as ISO text', () => {
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(new Date(Date.UTC(2024, 2, 1)))).toBe('2024-03-01');
    expect(csvField(new Date(Date.UTC(2024, 2, 1, 9, 30, 5)))).toBe('2024-03-01 09:30:05');
    expect(csvField(new Date(Date.UTC(2024, 2, 1, 9, 30, 5, 7)))).toBe('2024-03-01 09:30:05.007');
    expect(csvField(new Date(Number.NaN))).toBe('');
  });

  it('does not neutralise CSV the app loads back itself', () => {
    expect(csvField('=1+1', { spreadsheet: false })).toBe('=1+1');
    expect(csvField('-1', { spreadsheet: false })).toBe('-1');
    expect(csvField('a,b', { spreadsheet: false })).toBe('"a,b"');
  });
});

describe('csvText', () => {
  it('writes a BOM, the header and CRLF line ends; header cells are neutralised too', () => {
    const text = csvText(['id', '=x', 'amount', 'note'], [
      ['A', 'ok', -12.5, '-1+1'],
      ['B', null, 3n, 'line\nbreak'],
    ]);
    expect(text).toBe('\uFEFFid,\'=x,amount,note\r\nA,ok,-12.5,\'-1+1\r\nB,,3,"line\nbreak"\r\n');
  });

  it('without the spreadsheet rules: no BOM, cells as they are', () => {
    expect(csvText(['a'], [['=1'], ['@x']], { spreadsheet: false })).toBe('a\r\n=1\r\n@x\r\n');
  });

  it('an empty table is just the header', () => {
    expect(csvText(['a', 'b'], [])).toBe('\uFEFFa,b\r\n');
  });
});
