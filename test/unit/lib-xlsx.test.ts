/** The XLSX writer: typed cells, formula-looking text stays text, reads back through SheetJS. */
import { describe, expect, it } from 'vitest';
import * as XLSX from '@e965/xlsx';
import { xlsxBytes } from '../../src/lib/xlsx.ts';

describe('xlsxBytes', () => {
  it('writes numbers as numbers and text (formulas included) as text cells', async () => {
    const bytes = await xlsxBytes('Tiers [RFM]: a/b', ['Tier', 'Customers'], [['=HYPERLINK("http://x","y")', 427], ['<img src=x onerror=alert(1)>', null], ['Low', 3.5]]);
    const book = XLSX.read(bytes, { type: 'array', cellFormula: true });
    expect(book.SheetNames).toEqual(['Tiers _RFM__ a_b']);
    const sheet = book.Sheets[book.SheetNames[0]!]!;
    expect(sheet.A2).toMatchObject({ t: 's', v: '=HYPERLINK("http://x","y")' });
    expect(sheet.A2?.f).toBeUndefined();
    expect(sheet.B2).toMatchObject({ t: 'n', v: 427 });
    expect(sheet.B3).toBeUndefined();
    expect(XLSX.utils.sheet_to_json(sheet, { header: 1 })).toEqual([['Tier', 'Customers'], ['=HYPERLINK("http://x","y")', 427], ['<img src=x onerror=alert(1)>'], ['Low', 3.5]]);
  });
});
