import { describe, expect, it } from 'vitest';
import { safeFileName } from '../../src/lib/download.ts';

describe('safeFileName', () => {
  it('keeps ordinary names, Chinese included', () => {
    expect(safeFileName('Monthly revenue 2024')).toBe('Monthly revenue 2024');
    expect(safeFileName('客户 流失')).toBe('客户 流失');
  });

  it('replaces path separators, reserved characters and controls', () => {
    expect(safeFileName('report: Q1/2024')).toBe('report_ Q1_2024');
    expect(safeFileName('a\\b*c?d"e<f>g|h')).toBe('a_b_c_d_e_f_g_h');
    expect(safeFileName('a\nb\tc\u0000d\u007fe\u0085f')).toBe('a_b_c_d_e_f');
    expect(safeFileName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(safeFileName('.hidden')).toBe('hidden');
  });

  it('strips every bidi control, so a name cannot pose as another extension', () => {
    expect(safeFileName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    for (const c of ['\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069', '\u200E', '\u200F', '\u061C']) {
      expect(safeFileName(`a${c}b`)).toBe('ab');
    }
    expect(safeFileName('a\u200Bb\uFEFFc\u2028d')).toBe('abcd');
  });

  it('falls back to "export" and caps the length without splitting a character', () => {
    expect(safeFileName('')).toBe('export');
    expect(safeFileName('\u202E\u2066 ')).toBe('export');
    expect(safeFileName('///')).toBe('_');
    const long = safeFileName('😀'.repeat(200));
    expect([...long]).toHaveLength(120);
    expect(long).toBe('😀'.repeat(120));
  });
});
