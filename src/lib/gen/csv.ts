/**
 * CSV writing (RFC 4180): comma-separated, `\n` line ends, a field is quoted
 * when it holds a comma, quote, line break or edge whitespace, and quotes are
 * doubled. `null` is an empty field.
 */

export type CsvValue = string | number | null;

export interface CsvTable {
  /** Header line, in the language asked for. */
  readonly columns: readonly string[];
  readonly rows: readonly (readonly CsvValue[])[];
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

export function csvField(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  return NEEDS_QUOTES.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One record, with its trailing newline. */
export function csvLine(values: readonly CsvValue[]): string {
  let s = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) s += ',';
    s += csvField(values[i]!);
  }
  return s + '\n';
}

/** Header plus all rows. */
export function toCsv(table: CsvTable): string {
  const parts = [csvLine(table.columns)];
  for (const row of table.rows) parts.push(csvLine(row));
  return parts.join('');
}
