/**
 * The cleaning log: every change ingest makes to what the user dropped, with
 * enough detail (rows, examples, the SQL that ran) to check or undo it by hand.
 */

export type CleaningRule =
  /** The file was not UTF-8; it was decoded (`params.from`) and re-encoded as UTF-8. */
  | 'reencoded'
  /** NUL characters (zero bytes) were removed from `rows` values of `column`; a NUL in a column name is refused instead (`nul_in_header`). */
  | 'nul_removed'
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
  | 'decompressed'
  // The cleaning pass (clean.ts): each entry below changed values and carries `undo`.
  /** Spaces (also no-break, ideographic and zero-width) around a text value were removed. Whitespace-only cells are left to the missing-value rules. */
  | 'trimmed'
  /**
   * Missing-value markers (`NA`, `N/A`, `null`, `None`, `-`, `--`, `无`, `空`, `暂无`, `#N/A`, blanks…, see
   * `MISSING_MARKERS`) became NULL in a text column whose other values then took a type (`params.to`).
   * In a column that stays text they are only reported (finding `missing_markers`).
   */
  | 'missing_to_null'
  /**
   * Text became numbers (`params.to`: BIGINT or DOUBLE): thousands separators (`params.decimal` is the
   * decimal mark), currency (`params.currency`), percent (`params.percent` values, divided by 100),
   * `万`/`亿` (`params.multiplied` values), parentheses for negatives (`params.negative`). Values that did
   * not read (`params.unparsed`, listed in `unparsed`) are NULL in the column and kept as text in `params.raw`.
   */
  | 'parsed_numbers'
  /**
   * Text became DATE or TIMESTAMP (`params.to`): `2024-3-5`, `2024/3/5`, `5/3/2024` (`params.order`
   * DMY or MDY; `params.ambiguous` = 1 when no value decided it, with the other reading in `choices`),
   * `2024年3月5日`, `2024年3月` (`params.month` values, read as the 1st), `20240305` in a date-named column,
   * offsets and `Z` converted to UTC (`params.utc` values). Unread values as for `parsed_numbers`.
   */
  | 'parsed_dates'
  /** Excel serial day numbers (20000–80000) in a date-named column became DATE (TIMESTAMP when they have a time of day). */
  | 'excel_dates'
  /** A column DuckDB read as TIMESTAMP WITH TIME ZONE became TIMESTAMP in UTC. */
  | 'to_utc'
  /** An id column written as floats (`17850.0`, every value whole) became BIGINT (`17850`), so it joins with files that write `17850`. */
  | 'whole_ids'
  /**
   * Blanks (NULL; spaces only in text) filled at the user's request (fill.ts): `params.method` median, mode,
   * constant or missing (a level of its own), `params.value` what they were filled with, `params.type` the column's type.
   */
  | 'filled'
  // Findings (`LoadResult.findings`): reported, nothing changed. Those with `apply` can be applied and then undone.
  /** Rows that repeat an earlier row exactly (`rows`: the extra copies; `params.groups`: rows that have copies). `apply` deletes the copies. */
  | 'duplicate_rows'
  /** The table's own id column (`params.role`) repeats: `params.ids` ids on `rows` rows. */
  | 'duplicate_ids'
  /** Values of an amount-like column beyond Tukey's far-out fences (`params.low`, `params.high`: quartiles ∓ 3 × IQR). */
  | 'outliers'
  /** Missing-value markers in a column that stays text (`NA` can be Namibia, `无` an answer): reported; `apply` makes them NULL. */
  | 'missing_markers';

/** How to put back what an entry changed (see `undoCleaning`). */
export interface Undo {
  /** Statements that restore the values, run in order in one transaction; the last drops `backup`. */
  sql: string[];
  /** Side table in schema `crm_lens_undo` holding the values before the change, keyed by `rowid`. */
  backup: string;
  /** The column the entry changed, and its type right after the change: undo refuses once the column has changed again. */
  column?: string;
  type?: string;
}

/** Another reading of the same values the user can pick instead (see `chooseReading`). */
export interface Choice {
  /** What differs, e.g. `{ order: 'MDY' }` or `{ decimal: ',' }`. */
  params: Record<string, string | number>;
  /** The entry's example values read this way, `before → after`. */
  examples: string[];
}

export interface LogEntry {
  rule: CleaningRule;
  /** DuckDB table the rule acted on. */
  table: string;
  column?: string;
  /** Rows affected. */
  rows: number;
  /** A few affected values or lines, as the user would recognise them in the file; the cleaning pass writes `"before" → after`. */
  examples: string[];
  /** The SQL that made the change (several statements are joined by `;\n`); for a finding, a query that lists the rows. */
  sql?: string;
  /** Placeholders for the translated message, e.g. `{ from: 'gb18030' }`. Flags are numbers (`ambiguous: 1`). */
  params?: Record<string, string | number>;
  /** Cleaning pass: how to undo the change (`undoCleaning`); for a finding with `apply`, how to undo that. */
  undo?: Undo;
  /** Findings: statements that make the suggested change when the user asks (`applyCleaning`). */
  apply?: string[];
  /** Conversions: values that did not read, most frequent first (at most 20), with how many rows hold each. */
  unparsed?: { value: string; rows: number }[];
  /**
   * Findings: the examples as a small table (`columns`, and per row its `values` and how many rows hold it),
   * so a duplicated row shows its fields rather than one line of text. Older saved logs have `examples` only.
   */
  sample?: { columns: string[]; rows: { values: (string | null)[]; count: number }[] };
  /** Conversions whose reading was a guess (`params.ambiguous`): the other readings. */
  choices?: Choice[];
}
