/**
 * Will this file fit in the tab? An estimate made before loading, from the
 * file's size and its column count (read from its first lines), against what
 * the browser can give DuckDB-WASM: a wasm32 heap of at most 4 GiB, and half
 * of the device's memory where the browser says how much it has
 * (`navigator.deviceMemory`, which browsers round and cap at 8 GB).
 *
 * The model: DuckDB holds a loaded text table uncompressed, about
 * `BYTES_PER_CELL` per value for the fixed-width part plus the text itself,
 * and loading and cleaning need about as much again as working space.
 * Calibration (2026-12-05, DuckDB-WASM in Node through the app's loadFile): the
 * generated 1M-line, 81 MB, 10-column orders CSV took 127 MiB in
 * duckdb_memory() and about 470 MB of heap at its peak; the estimate is 444 MB.
 */

import { arrayHeadElements } from './json-scan.ts';
import { Flattener } from './records.ts';

/** wasm32 can address 4 GiB; DuckDB-WASM's heap cannot grow past it. */
export const WASM_HEAP_LIMIT_BYTES = 4 * 1024 ** 3;
/** DuckDB-WASM sets its `memory_limit` to about 80 % of that (3.1 GiB reported); the rest is the engine itself. */
export const WASM_USABLE_SHARE = 0.8;
/** Per value: DuckDB's 16-byte string slot or 8-byte number, plus validity, averaged over a typical CRM export. */
export const BYTES_PER_CELL = 14;
/** Peak over the table itself while loading and cleaning it (sniffing buffers, cleaning's copies, the first queries). */
export const WORKING_FACTOR = 2;
/** Parquet is compressed: DuckDB's table from it is several times the file. */
export const PARQUET_EXPANSION = 5;
/** XLSX is zipped XML: the parser holds the sheet as JS values, many times the file. */
export const XLSX_EXPANSION = 10;

/** `ndjson` (and a JSON array of records) is read in slices (json-parts.ts), so it needs what its table holds; other `json` is parsed whole into JS objects. */
export type FitFormat = 'text' | 'ndjson' | 'parquet' | 'xlsx' | 'json';

export interface FitInput {
  bytes: number;
  format: FitFormat;
  /** Columns in the header; null when unknown (no header read). */
  columns: number | null;
  /** Mean bytes per line in the file's first lines (text and NDJSON); null when unknown. */
  lineBytes: number | null;
  /** NDJSON: the share of a record's bytes that is values (its keys are written in every record, not kept); null when unknown. */
  valueShare?: number | null;
}

export interface FitLimits {
  /** `navigator.deviceMemory` (GB) where the browser gives it. */
  deviceMemoryGb?: number | null;
  /** A budget set outright (tests, a user setting); wins over the rest. */
  budgetBytes?: number | null;
}

export interface Fit {
  /** Estimated peak memory to load the file, bytes. */
  estimateBytes: number;
  /** What the tab can hold, bytes. */
  budgetBytes: number;
  /** Estimated data lines (text with a known line length), else null. */
  rows: number | null;
  fits: boolean;
}

export function fitFormat(fileName: string): FitFormat {
  const ext = /\.([a-z0-9]+)(?:\.gz)?$/i.exec(fileName)?.[1]?.toLowerCase() ?? '';
  if (ext === 'parquet') return 'parquet';
  if (ext === 'xlsx' || ext === 'xls') return 'xlsx';
  if (ext === 'jsonl' || ext === 'ndjson') return 'ndjson';
  if (ext === 'json') return 'json';
  return 'text';
}

/** Bytes the loaded table will take at its peak while loading. */
export function estimateLoadBytes(input: FitInput): number {
  const { bytes, format } = input;
  if (format === 'parquet') return bytes * PARQUET_EXPANSION * WORKING_FACTOR;
  if (format === 'xlsx') return bytes * XLSX_EXPANSION * WORKING_FACTOR;
  const rows = estimateRows(input);
  const cells = rows !== null && input.columns !== null ? rows * input.columns : null;
  // Without a header to count, assume one slot per 8 bytes of text (short CRM fields).
  const fixed = cells !== null ? cells * BYTES_PER_CELL : bytes * (BYTES_PER_CELL / 8);
  const text = format === 'ndjson' && input.valueShare !== undefined && input.valueShare !== null ? bytes * input.valueShare : bytes;
  return (fixed + text) * WORKING_FACTOR;
}

function estimateRows(input: FitInput): number | null {
  if ((input.format !== 'text' && input.format !== 'ndjson') || input.lineBytes === null || input.lineBytes <= 0) return null;
  // A text file's first line is its header; every NDJSON line is a record.
  return Math.max(0, Math.round(input.bytes / input.lineBytes) - (input.format === 'text' ? 1 : 0));
}

/** What the tab can hold: DuckDB's share of the wasm32 heap, or half the device's memory where that is less. */
export function memoryBudget(limits: FitLimits = {}): number {
  if (limits.budgetBytes !== undefined && limits.budgetBytes !== null && limits.budgetBytes > 0) return limits.budgetBytes;
  const device = limits.deviceMemoryGb;
  const deviceHalf = typeof device === 'number' && device > 0 ? (device * 1024 ** 3) / 2 : Infinity;
  return Math.min(WASM_HEAP_LIMIT_BYTES * WASM_USABLE_SHARE, deviceHalf);
}

export function checkFit(input: FitInput, limits: FitLimits = {}): Fit {
  const estimateBytes = estimateLoadBytes(input);
  const budgetBytes = memoryBudget(limits);
  return { estimateBytes, budgetBytes, rows: estimateRows(input), fits: estimateBytes <= budgetBytes };
}

const DELIMITERS = [',', '\t', ';', '|'] as const;

/** Fields in one line split on `delimiter`, quotes respected. */
function fieldCount(line: string, delimiter: string): number {
  let n = 1;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === delimiter && !quoted) n++;
  }
  return n;
}

/**
 * Columns and mean line length from the first bytes of a text file. The last
 * line of `head` may be cut off, so it is not counted; null fields when the
 * head holds no complete line.
 */
export function textShape(head: string): { columns: number | null; lineBytes: number | null } {
  const text = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  const end = text.lastIndexOf('\n');
  if (end < 0) return { columns: null, lineBytes: null };
  const lines = text.slice(0, end).split('\n').filter((l) => l.trim() !== '');
  if (lines.length === 0) return { columns: null, lineBytes: null };
  const header = lines[0]!.replace(/\r$/, '');
  const columns = Math.max(...DELIMITERS.map((d) => fieldCount(header, d)));
  const lineBytes = new TextEncoder().encode(text.slice(0, end + 1)).length / lines.length;
  return { columns, lineBytes };
}

type RecordsShape = { columns: number | null; lineBytes: number | null; valueShare: number | null };

/**
 * Columns (keys, nested ones flattened), mean bytes per record (a separator
 * included) and the share of them that is values, from the first records of
 * a JSON file; records that do not parse are skipped. Null fields when none parses.
 */
function recordsShape(records: readonly string[]): RecordsShape {
  const flattener = new Flattener();
  let lineBytes = 0;
  let valueBytes = 0;
  let parsed = 0;
  const encoder = new TextEncoder();
  for (const record of records) {
    let value: unknown;
    try {
      value = JSON.parse(record);
    } catch {
      continue;
    }
    parsed++;
    lineBytes += encoder.encode(record).length + 1;
    for (const v of flattener.row(value)) {
      if (v !== undefined) valueBytes += encoder.encode(typeof v === 'string' ? v : JSON.stringify(v) ?? '').length + 1;
    }
  }
  if (parsed === 0) return { columns: null, lineBytes: null, valueShare: null };
  return { columns: flattener.index.size, lineBytes: lineBytes / parsed, valueShare: Math.min(1, valueBytes / lineBytes) };
}

/** `recordsShape` of an NDJSON file's first complete lines. */
export function ndjsonShape(head: string): RecordsShape {
  const text = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  const end = text.lastIndexOf('\n');
  if (end < 0) return { columns: null, lineBytes: null, valueShare: null };
  return recordsShape(text.slice(0, end).split('\n').filter((l) => l.trim() !== ''));
}

/** `recordsShape` of the complete elements in the head of a JSON array; null when the head is not one. */
export async function jsonArrayShape(head: string): Promise<RecordsShape | null> {
  const elements = await arrayHeadElements(head);
  return elements === null ? null : recordsShape(elements);
}

/** Bytes of a file's head read for `textShape`. */
export const HEAD_BYTES = 256 * 1024;

/** The estimate for a picked or dropped file (reads only its first `HEAD_BYTES`). */
export async function fileFit(file: Blob & { name: string }, limits: FitLimits = {}): Promise<Fit> {
  const format = fitFormat(file.name);
  const plain = !/\.gz$/i.test(file.name);
  const head = plain && format !== 'parquet' && format !== 'xlsx' ? await file.slice(0, HEAD_BYTES).text() : null;
  if (head !== null && format === 'json') {
    // An array of records, alone or wrapped in an object, is read in slices, as NDJSON is.
    const array = await jsonArrayShape(head);
    if (array && array.columns !== null) return checkFit({ bytes: file.size, format: 'ndjson', ...array }, limits);
  }
  const shape = head === null || format === 'json' ? { columns: null, lineBytes: null } : format === 'ndjson' ? ndjsonShape(head) : textShape(head);
  return checkFit({ bytes: file.size, format, ...shape }, limits);
}
