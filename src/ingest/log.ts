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
  /** Whole numbers like `19970101` in a date-named column (any column of a file without a header) became DATE. */
  | 'compact_date'
  /** The file has no header line; columns were named `column1`, `column2`… (`params.columns`). */
  | 'no_header'
  /**
   * One basket per line (a list of items) was loaded long, one row per item, as
   * `(basket_id, item)`: `params.baskets`, `params.items` (distinct), `params.trimmed`
   * (items with spaces around them, trimmed), `params.header` (1 when a first line was skipped as a header).
   */
  | 'baskets'
  /** Nested JSON objects became columns with dotted names (`address.city`); `examples` lists some, `params.columns` counts them. Lists were kept as JSON text. */
  | 'flattened'
  /** The JSON file is an object; its records were taken from the list at `params.path`. */
  | 'json_path'
  /** Rows above a spreadsheet's header (a title, notes) were skipped: `rows` of them, `examples` their text. */
  | 'skipped_rows'
  /** Spreadsheet columns with neither a header nor a value were dropped (`params.columns`). */
  | 'empty_columns'
  /** The file was gzip-compressed and was unpacked (`params.bytes`: unpacked size). */
  | 'decompressed';

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
