/**
 * Spreadsheets through SheetJS (@e965/xlsx): xlsx/xlsm/xlsb, legacy xls, ods,
 * and the HTML tables some systems save with an .xls name. Cells keep their
 * types: numbers stay numbers, date cells stay dates (read as UTC, so the
 * machine's time zone never shifts a day), text is text.
 *
 * SheetJS is about 1 MB, so it is imported when the first spreadsheet comes
 * in, not with the app.
 */
import type { WorkBook, WorkSheet } from '@e965/xlsx';
import { IngestError } from './errors.ts';
import type { Value } from './records.ts';

type SheetJs = typeof import('@e965/xlsx');
let sheetJs: Promise<SheetJs> | null = null;
function loadSheetJs(): Promise<SheetJs> {
  sheetJs ??= import('@e965/xlsx');
  return sheetJs;
}

export interface SheetGrid {
  sheet: string;
  sheets: string[];
  /** Non-empty rows, cells as values; trailing empty cells cut. */
  grid: Value[][];
  /** The 1-based spreadsheet row of each grid row. */
  rowNumbers: number[];
}

function readError(e: unknown, file: string, format: string): IngestError {
  const detail = e instanceof Error ? e.message : String(e);
  // "Unsupported ZIP encryption" is also what SheetJS says of a damaged zip, so it does not count.
  if (/password|ECMA-376 Encrypted|EncryptedPackage/i.test(detail)) return new IngestError({ code: 'encrypted_file', file }, { cause: e });
  return new IngestError({ code: 'corrupt_file', file, params: { format, detail } }, { cause: e });
}

async function readBook(bytes: Uint8Array, file: string, format: string, sheetsOnly: boolean): Promise<WorkBook> {
  const XLSX = await loadSheetJs();
  try {
    return XLSX.read(bytes, {
      type: 'array',
      dense: true,
      cellDates: true,
      cellFormula: false,
      cellHTML: false,
      cellText: false,
      ...(sheetsOnly ? { bookSheets: true } : {}),
    });
  } catch (e) {
    throw readError(e, file, format);
  }
}

/** The workbook's sheet names, in order, without reading their cells. */
export async function listSheets(bytes: Uint8Array, file: string, format = 'xlsx'): Promise<string[]> {
  return (await readBook(bytes, file, format, true)).SheetNames;
}

function cellValue(cell: { t?: string; v?: unknown } | undefined): Value {
  if (!cell) return null;
  switch (cell.t) {
    case 'n':
      return typeof cell.v === 'number' ? cell.v : null;
    case 's':
    case 'str':
      return typeof cell.v === 'string' ? cell.v : cell.v == null ? null : String(cell.v);
    case 'b':
      return typeof cell.v === 'boolean' ? cell.v : null;
    case 'd':
      return cell.v instanceof Date ? cell.v : typeof cell.v === 'string' ? new Date(cell.v) : null;
    default:
      // 'e' (#N/A, #DIV/0!…) and 'z' (stub): no value.
      return null;
  }
}

function sheetGrid(ws: WorkSheet, XLSX: SheetJs): { grid: Value[][]; rowNumbers: number[] } {
  const ref = ws['!ref'];
  if (!ref) return { grid: [], rowNumbers: [] };
  const range = XLSX.utils.decode_range(ref);
  const dense = (ws as { '!data'?: ({ t?: string; v?: unknown } | undefined)[][] })['!data'] ?? [];
  const grid: Value[][] = [];
  const rowNumbers: number[] = [];
  for (let r = range.s.r; r <= range.e.r; r++) {
    const cells = dense[r] ?? [];
    const row: Value[] = [];
    let last = -1;
    for (let c = range.s.c; c <= range.e.c; c++) {
      const v = cellValue(cells[c]);
      row.push(v);
      if (v !== null && !(typeof v === 'string' && v.trim() === '')) last = row.length - 1;
    }
    if (last < 0) continue;
    row.length = last + 1;
    grid.push(row);
    rowNumbers.push(r + 1);
  }
  return { grid, rowNumbers };
}

/**
 * The cells of `sheet`, or of the first sheet that has any. Throws
 * `sheet_not_found`, `empty_file` (no sheet has cells), `encrypted_file` or
 * `corrupt_file`.
 */
export async function readSheet(bytes: Uint8Array, file: string, sheet?: string, format = 'xlsx'): Promise<SheetGrid> {
  const XLSX = await loadSheetJs();
  const book = await readBook(bytes, file, format, false);
  const sheets = book.SheetNames;
  if (sheet !== undefined && !sheets.includes(sheet)) {
    throw new IngestError({ code: 'sheet_not_found', file, params: { sheet, sheets: sheets.join(', ') } });
  }
  for (const name of sheet !== undefined ? [sheet] : sheets) {
    const ws = book.Sheets[name];
    const { grid, rowNumbers } = ws ? sheetGrid(ws, XLSX) : { grid: [], rowNumbers: [] };
    if (grid.length > 0) return { sheet: name, sheets, grid, rowNumbers };
  }
  throw new IngestError({ code: 'empty_file', file, params: sheet !== undefined ? { sheet } : {} });
}
