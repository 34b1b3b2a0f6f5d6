/**
 * CSV for generated data sets (input to the app and the bench, not a download):
 * `\n` line ends, no BOM, cells as they are. Quoting is the app's one CSV
 * writer's (src/lib/csv.ts, without its spreadsheet rules). `null` is an empty field.
 */
import { csvField as writerField } from '../lib/csv.ts';

export type CsvValue = string | number | null;

export interface CsvTable {
  /** Header line, in the language asked for. */
  readonly columns: readonly string[];
  readonly rows: readonly (readonly CsvValue[])[];
}

export function csvField(value: CsvValue): string {
  return writerField(value, { spreadsheet: false });
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
