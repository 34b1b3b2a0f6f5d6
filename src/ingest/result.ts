/**
 * What a load hands back: the table, the cleaning log, the lines left out
 * (so the UI can offer them as a download) and what the file turned out to be.
 */
import type { TextEncodingName } from './decode.ts';
import type { LogEntry } from './log.ts';
import type { TableInfo } from './model.ts';
import { csvText } from '../lib/csv.ts';

/**
 * How a file was read. `delimited`: CSV/TSV/semicolon/pipe text read by
 * DuckDB; `whitespace`: space-aligned columns; `basket`: one list of items per
 * line, loaded long as `(basket_id, item)`; `spreadsheet`: xlsx/xlsm/xlsb/xls/ods
 * (and HTML tables saved as .xls); `json`: an array of records; `ndjson`: one
 * record per line; `parquet`.
 */
export type FileFormat = 'delimited' | 'whitespace' | 'basket' | 'spreadsheet' | 'json' | 'ndjson' | 'parquet';

export interface SourceInfo {
  format: FileFormat;
  /** Text formats: the encoding the bytes were read in. */
  encoding?: TextEncodingName;
  /** Spreadsheets: the sheet that was loaded, and every sheet in the workbook, in order. */
  sheet?: string;
  sheets?: string[];
  /** The file was gzip-compressed and unpacked first. */
  gzip?: boolean;
}

/**
 * Why a line was left out. DuckDB's CSV error types, snake-cased
 * (`missing_columns`, `too_many_columns`, `cast`, `unquoted_value`,
 * `invalid_unicode`, `line_size_over_maximum`, `invalid_state`), and
 * `invalid_json` for an NDJSON line that does not parse.
 */
export type RejectReason =
  | 'missing_columns'
  | 'too_many_columns'
  | 'cast'
  | 'unquoted_value'
  | 'invalid_unicode'
  | 'line_size_over_maximum'
  | 'invalid_state'
  | 'invalid_json'
  | 'other';

export interface RejectedRow {
  /** 1-based line in the file as the user has it (header = line 1). */
  line: number;
  /** The line as read (after decoding to UTF-8). */
  raw: string;
  reason: RejectReason;
  /** The reader's own message, in English (for the download, not for translation). */
  detail: string;
  /** The column the problem was found in, when known. */
  column?: string;
}

export interface LoadResult {
  table: TableInfo;
  log: LogEntry[];
  /** Lines left out of the table, in file order; at most `MAX_REJECTED_ROWS`, `rejectedTotal` counts all. */
  rejected: RejectedRow[];
  rejectedTotal: number;
  source: SourceInfo;
  /**
   * What the values suggest checking, nothing changed: duplicate rows and ids,
   * missing-value markers in text columns, outliers (findings.ts). Entries with
   * `apply` can be applied (`applyCleaning`) and undone (`undoCleaning`).
   */
  findings?: LogEntry[];
}

/** Rejected lines kept in memory for the download; the log still counts every one. */
export const MAX_REJECTED_ROWS = 10_000;

const REASONS: Record<string, RejectReason> = {
  'MISSING COLUMNS': 'missing_columns',
  'TOO MANY COLUMNS': 'too_many_columns',
  CAST: 'cast',
  'UNQUOTED VALUE': 'unquoted_value',
  'INVALID UNICODE': 'invalid_unicode',
  'LINE SIZE OVER MAXIMUM': 'line_size_over_maximum',
  'INVALID STATE': 'invalid_state',
};

/** DuckDB's `error_type` (e.g. `MISSING COLUMNS`) as a `RejectReason`. */
export function rejectReason(duckdbErrorType: string): RejectReason {
  return REASONS[duckdbErrorType.toUpperCase()] ?? 'other';
}

/**
 * The rejected lines as a CSV file (`line,reason,column,detail,raw`), for the
 * user to fix and load again. Pure: no DuckDB, no DOM.
 */
export function rejectedRowsCsv(result: Pick<LoadResult, 'rejected'>): string {
  return csvText(
    ['line', 'reason', 'column', 'detail', 'raw'],
    result.rejected.map((r) => [r.line, r.reason, r.column ?? '', r.detail, r.raw]),
  );
}
