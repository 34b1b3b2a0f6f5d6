/**
 * The app's one XLSX writer (reading is ingest/xlsx.ts). Every cell is typed
 * as it is written: numbers as numbers, everything else as text cells, which
 * a spreadsheet never evaluates, so a value like `=HYPERLINK(…)` stays text
 * (the XLSX side of the CSV writer's formula neutralisation). SheetJS is
 * loaded on first use.
 */
export type XlsxValue = string | number | null | undefined;

export async function xlsxBytes(sheetName: string, header: readonly string[], rows: readonly (readonly XlsxValue[])[]): Promise<Uint8Array> {
  const XLSX = await import('@e965/xlsx');
  const sheet: Record<string, unknown> = {};
  const put = (r: number, c: number, v: XlsxValue) => {
    if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return;
    sheet[XLSX.utils.encode_cell({ r, c })] = typeof v === 'number' ? { t: 'n', v } : { t: 's', v: String(v) };
  };
  header.forEach((h, c) => put(0, c, h));
  rows.forEach((row, r) => row.forEach((v, c) => put(r + 1, c, v)));
  const width = Math.max(header.length, ...rows.map((r) => r.length), 1);
  sheet['!ref'] = XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: rows.length, c: width - 1 } });
  const book = XLSX.utils.book_new();
  // Sheet names: at most 31 characters, none of : \ / ? * [ ].
  XLSX.utils.book_append_sheet(book, sheet, sheetName.replace(/[:\\/?*[\]]/g, '_').slice(0, 31) || 'Sheet1');
  return new Uint8Array(XLSX.write(book, { type: 'array', bookType: 'xlsx' }) as ArrayBuffer);
}
