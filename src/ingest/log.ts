/**
 * The cleaning log: every change ingest makes to what the user dropped, with
 * enough detail (rows, examples, the SQL that ran) to check or undo it by hand.
 */

export type CleaningRule =
  /** The file was not UTF-8; it was decoded (`params.from`) and re-encoded as UTF-8. */
  | 'reencoded'
  /** Columns were aligned with spaces; they were rewritten as comma-separated before DuckDB read them. */
  | 'whitespace_delimited'
  /** Lines DuckDB could not read (wrong number of fields, bad values) and left out. */
  | 'rejected_rows'
  /** Whitespace-only strings became NULL so an otherwise typed column could take its type (`params.to`). */
  | 'blank_to_null'
  /** Whole numbers like `19970101` in a date-named column became DATE. */
  | 'compact_date';

export interface LogEntry {
  rule: CleaningRule;
  /** DuckDB table the rule acted on. */
  table: string;
  column?: string;
  /** Rows affected. */
  rows: number;
  /** A few affected values or lines, as the user would recognise them in the file. */
  examples: string[];
  /** The statement that made the change, when it was one statement. */
  sql?: string;
  /** Placeholders for the translated message, e.g. `{ from: 'gb18030' }`. */
  params?: Record<string, string | number>;
}
