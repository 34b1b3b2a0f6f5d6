/**
 * Errors a user can hit when a file comes in. Each carries a code, the file,
 * and (where known) the row and column, so the UI can translate
 * `ingest.error.<code>` with `params` instead of showing `message`, which is an
 * English fallback for logs.
 */
import { engineErrorDetail } from '../lib/errors.ts';

export type IngestErrorCode =
  /** Zero bytes, or only whitespace. */
  | 'empty_file'
  /** NUL bytes or many control characters: not text. `params.format` names a recognised container (xlsx, pdf…). */
  | 'binary_file'
  /** DuckDB found no columns. */
  | 'no_columns'
  /** DuckDB could not read the text as a delimited file; `params.detail` holds its message. */
  | 'parse_failed'
  /** More lines were rejected (`params.rejected`) than kept (`params.kept`): a list of items per line, or the wrong delimiter. */
  | 'ragged_rows'
  /** A file we recognise but do not read (`params.format`: pdf, docx, zip, png, jpeg, sqlite, html…). */
  | 'unsupported_format'
  /** A spreadsheet, JSON or Parquet file that its reader could not parse (`params.format`, `params.detail`; `row` when known). */
  | 'corrupt_file'
  /** The sheet asked for is not in the workbook (`params.sheet`; `params.sheets`: the ones there are, comma-separated). */
  | 'sheet_not_found'
  /** A password-protected (encrypted) workbook. */
  | 'encrypted_file'
  /** The browser or DuckDB ran out of memory reading the file. */
  | 'too_large'
  /** More text than a JS string holds (2^29 − 24 characters in V8): a file read as one text (JSON, another encoding than UTF-8). */
  | 'text_too_long'
  /** JSON nested deeper than `params.depth` levels (`row`: the line where it passes the limit). */
  | 'too_deep'
  /** A column name holds a NUL character (`params.position`: the column's 1-based position). NULs in values are removed and logged instead. */
  | 'nul_in_header';

export interface IngestErrorInfo {
  code: IngestErrorCode;
  file: string;
  /** 1-based line in the file. */
  row?: number;
  column?: string;
  /** Extra placeholders for the message (e.g. `format`, `detail`). */
  params?: Record<string, string | number>;
}

const FALLBACK: Record<IngestErrorCode, string> = {
  empty_file: 'is empty. Choose a file with a header row and data.',
  binary_file: 'is not a text file. Export it as CSV (UTF-8) and try again.',
  no_columns: 'has no columns that could be read. Check that it is a CSV or TSV file with a header row.',
  parse_failed: 'could not be read as a delimited file. Save it as CSV and try again.',
  unsupported_format: 'is in a format CRM Lens does not read. Export it as CSV, Excel (.xlsx), JSON or Parquet and try again.',
  corrupt_file: 'could not be read: it looks damaged or is not what its name says. Open it in the program that made it, save it again, and retry.',
  sheet_not_found: 'has no sheet with that name. Choose one of the sheets listed.',
  encrypted_file: 'is protected with a password. Open it in Excel, remove the password (File › Info › Protect Workbook), save, and try again.',
  too_large: 'is too large to load in this browser: it ran out of memory. Split the file, export fewer columns, or save it as Parquet and try again.',
  text_too_long: 'is more text than a browser holds at once (about 500 million characters). Save it as CSV in UTF-8, as NDJSON (one JSON record per line) or as Parquet, which CRM Lens reads in parts, or split it, and try again.',
  too_deep: 'is nested deeper than CRM Lens reads. Flatten the nested fields, or export the records as CSV, and try again.',
  nul_in_header: 'has a NUL character (a zero byte) in a column name: the file is damaged or saved in the wrong encoding. Fix the header row in a text editor or Excel, save as CSV (UTF-8), and try again.',
  ragged_rows: 'has more lines with a different number of fields than lines that match the header. If each line is a list of items (a basket), it needs a basket import; otherwise check the delimiter.',
};

export class IngestError extends Error {
  override readonly name = 'IngestError';
  readonly info: IngestErrorInfo;

  /** `params.detail` is shortened here (`engineErrorDetail`): no engine message reaches a user whole. */
  constructor(given: IngestErrorInfo, options?: { cause?: unknown }) {
    const info = given.params?.detail !== undefined ? { ...given, params: { ...given.params, detail: engineErrorDetail(String(given.params.detail)).detail } } : given;
    const where = info.row !== undefined ? ` (line ${info.row}${info.column ? `, column ${info.column}` : ''})` : '';
    const detail = info.params?.detail ? ` (${String(info.params.detail)})` : '';
    super(`${info.file || 'The file'}${where} ${FALLBACK[info.code]}${detail}`, options);
    this.info = info;
  }

  get code(): IngestErrorCode {
    return this.info.code;
  }

  /** Message catalogue key, e.g. `ingest.error.empty_file`. */
  get key(): `ingest.error.${IngestErrorCode}` {
    return `ingest.error.${this.info.code}`;
  }

  /** Everything the message needs: file, row, column and the extra params. */
  get params(): Record<string, string | number> {
    const { file, row, column, params } = this.info;
    return { file, ...(row !== undefined ? { row } : {}), ...(column !== undefined ? { column } : {}), ...params };
  }
}

export function isIngestError(e: unknown): e is IngestError {
  return e instanceof IngestError;
}

