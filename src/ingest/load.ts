/**
 * CSV text becomes a DuckDB table: DuckDB's `read_csv` sniffs dialect and
 * types (or is told them, for CSV this module's callers wrote), the lines it
 * cannot read stay out of the table but are kept for the user, whitespace-only
 * cells become NULL where that lets a column take its real type, the cleaning
 * pass runs (clean.ts: trimming, missing markers, numbers and dates written as
 * text, each logged with an undo), roles are suggested from a sample, and the
 * findings (findings.ts: duplicates, outliers…) are listed without changing anything.
 *
 * `loadDelimited` is the path for a delimited or space-aligned text file;
 * `loadCsv` is the shared core every format ends in (see `index.ts`).
 * The SQL is built by the small pure functions below and run by `loadCsv`.
 */
import type { ColumnInfo, Db } from '../db/types.ts';
import { ident } from '../lib/sql.ts';
import { cleanTable, dayMonthMayMatter, type DateFormats } from './clean.ts';
import { decodeBytes, toUtf8, type Decoded, type TextEncodingName } from './decode.ts';
import { looksWhitespaceAligned, whitespaceToCsv } from './dialect.ts';
import { IngestError } from './errors.ts';
import { isOutOfMemoryError } from '../lib/errors.ts';
import { engineErrorDetail, isAbortError } from '../lib/errors.ts';
import { findIssues } from './findings.ts';
import { assertNoNulInNames, removeNuls } from './nul.ts';
import type { LogEntry } from './log.ts';
import type { RoleMap, TableInfo, TableKind } from './model.ts';
import { MAX_REJECTED_ROWS, type LoadResult, type RejectedRow, type SourceInfo } from './result.ts';
import { suggestRoles } from './roles.ts';
import { detectCancelPrefix } from './returns.ts';
import { blanksToNull, compactDates } from './blanks.ts';
import { countRows, createFromCsvSql, dropRejects, readRejects, sampleSql, sniffFormatsSql, tableColumns, type CsvReadOptions, type ForcedType, type Rejects } from './csv-sql.ts';
import { firstLine, headerLooksLikeData, headerlessRenames, isGeneratedNames, renameColumnSql } from './header.ts';
import { asciiKey, freeTableName } from './names.ts';

export type { ForcedType } from './csv-sql.ts';
export { safeTableName, uniqueTableName } from './names.ts';

export type { LoadResult } from './result.ts';

export interface LoadDelimitedInput {
  /** The name the user dropped; becomes `TableInfo.source` and the base of the table name. */
  fileName: string;
  /**
   * The file. Not copied when it is already UTF-8. In the browser DuckDB's
   * worker takes ownership of the underlying buffer: do not read it afterwards.
   */
  bytes: Uint8Array;
  /** Base for the table name instead of the file name (still made safe and unique). */
  tableName?: string;
  /** Skip encoding detection (the user picked one). */
  encoding?: TextEncodingName;
  /** Names to avoid besides the tables and views DuckDB already has (e.g. ones reserved by a load in flight). */
  existingTables?: readonly string[];
}

/** A log entry made before the table existed; `rows` defaults to the table's row count. */
export type Note = Omit<LogEntry, 'table' | 'rows'> & { rows?: number };

/** The type DuckDB must give a column of CSV this project wrote (the others are sniffed). */

export interface CsvLoad {
  fileName: string;
  tableName?: string;
  existingTables?: readonly string[];
  /** UTF-8 CSV text for DuckDB; with `file`, only its head (for the first-line checks). */
  utf8: Uint8Array;
  /** Browser: a large UTF-8 file DuckDB reads by handle (`db.registerFile`), never copied into JS memory; `utf8` is its head. */
  file?: File;
  /**
   * `generated`: this project wrote the CSV (comma, `"` quotes, header line,
   * `types` for the columns whose type is known); `sniffed`: a user's file,
   * DuckDB works out everything.
   */
  dialect: 'generated' | 'sniffed';
  types?: Readonly<Record<string, ForcedType>>;
  source: SourceInfo;
  /** What the caller already changed (re-encoding, flattening…), in order. */
  notes?: readonly Note[];
  /** Lines the caller already left out (e.g. NDJSON lines that are not JSON). */
  rejected?: readonly RejectedRow[];
  /** Map DuckDB's line number in `utf8` to the line in the user's file. */
  sourceLine?: (csvLine: number) => number;
  /** The table's kind and roles are known (a basket file); no suggestion is made. */
  fixed?: { kind: TableKind; roles: RoleMap };
}

/** Up to this size DuckDB sniffs types from every row, so no type flips after its sample. */
const FULL_SNIFF_MAX_BYTES = 64 * 1024 * 1024;
/** Rows sniffed in larger files; lines that then fail a cast are rejected and logged, not lost silently. */
const LARGE_FILE_SAMPLE_ROWS = 200_000;
export const ROLE_SAMPLE_ROWS = 500;
const MAX_EXAMPLES = 5;
const HEAD_BYTES = 64 * 1024;

/** A delimited (CSV, TSV, `;`, `|`) or space-aligned text file. */
export async function loadDelimited(db: Db, input: LoadDelimitedInput): Promise<LoadResult> {
  const decoded = decodeBytes(input.bytes, input.fileName, input.encoding);
  return loadDecodedDelimited(db, input, decoded);
}

/** `loadDelimited` once the encoding is known; `aligned` forces (or refuses) the space-aligned reading. */
export async function loadDecodedDelimited(
  db: Db,
  input: Omit<LoadDelimitedInput, 'encoding'>,
  decoded: Decoded,
  opts: { aligned?: boolean; notes?: readonly Note[]; source?: Partial<SourceInfo> } = {},
): Promise<LoadResult> {
  const { bytes } = input;
  const aligned = opts.aligned ?? looksWhitespaceAligned(headText(bytes, decoded));
  const utf8 = aligned ? new TextEncoder().encode(whitespaceToCsv(decodedText(bytes, decoded))) : toUtf8(bytes, decoded);
  const notes: Note[] = [...(opts.notes ?? [])];
  if (decoded.text !== undefined) notes.push({ rule: 'reencoded', examples: [], params: { from: decoded.encoding, to: 'utf-8' } });
  if (aligned) notes.push({ rule: 'whitespace_delimited', examples: [], params: {} });
  return loadCsv(db, {
    ...input,
    utf8,
    dialect: 'sniffed',
    source: { ...opts.source, format: aligned ? 'whitespace' : 'delimited', encoding: decoded.encoding },
    notes,
  });
}

/** The whole decoded file as a string. */
export function decodedText(bytes: Uint8Array, decoded: Decoded): string {
  return decoded.text ?? new TextDecoder().decode(bytes);
}

/** The first 64 KiB as text, for layout checks (a split character at the end does no harm). */
export function headText(bytes: Uint8Array, decoded: Decoded): string {
  return decoded.text !== undefined ? decoded.text.slice(0, HEAD_BYTES) : new TextDecoder().decode(bytes.subarray(0, HEAD_BYTES));
}

/** The shared end of every load: CSV bytes in, a checked, typed, logged table out. */
export async function loadCsv(db: Db, load: CsvLoad): Promise<LoadResult> {
  const name = await freeTableName(db, load.tableName ?? load.fileName, load.existingTables ?? []);
  const sampleSize = (load.file?.size ?? load.utf8.length) <= FULL_SNIFF_MAX_BYTES ? -1 : LARGE_FILE_SAMPLE_ROWS;
  // Read before registering: in the browser the worker takes the buffer.
  const first = firstLine(load.utf8);
  const file = `crm_lens_ingest_${asciiKey(name)}.csv`;
  let registered = false;
  try {
    if (load.file && db.registerFile) await db.registerFile(file, load.file);
    else await db.registerBuffer(file, load.utf8);
    registered = true;
    let header: boolean | undefined;
    let read = await readIntoTable(db, name, file, load, { sampleSize });
    assertNoNulInNames(read.columns, load.fileName);
    let headerless = load.dialect === 'sniffed' && isGeneratedNames(read.columns, first);
    if (load.dialect === 'sniffed' && !headerless && (await headerLooksLikeData(db, name, read.columns))) {
      // DuckDB takes the first line of an all-text file for a header; its values recur below it, so it is data.
      await db.exec(`DROP TABLE IF EXISTS ${ident(name)}`);
      header = false;
      read = await readIntoTable(db, name, file, load, { sampleSize, header });
      headerless = true;
    }
    const formats = (await dayMonthMayMatter(db, name, read.columns)) ? await sniffedFormats(db, file, load, { sampleSize, header }) : undefined;
    await db.dropFile(file);
    registered = false;
    return await finish(db, name, load, read, headerless, formats);
  } catch (e) {
    // Nothing half-loaded stays behind.
    if (registered) await db.dropFile(file);
    await db.exec(`DROP TABLE IF EXISTS ${ident(name)}`);
    throw e;
  }
}

interface Read {
  columns: ColumnInfo[];
  rejects: Rejects;
}

/** One `CREATE TABLE … AS SELECT … read_csv` of the registered `file`, and the lines DuckDB left out. */
async function readIntoTable(db: Db, name: string, file: string, load: CsvLoad, o: { sampleSize: number; header?: boolean }): Promise<Read> {
  const rejects = `crm_lens_rejects_${asciiKey(name)}`;
  const rejectScans = `crm_lens_reject_scans_${asciiKey(name)}`;
  await dropRejects(db, rejects, rejectScans);
  try {
    try {
      await db.exec(createFromCsvSql(name, file, { sampleSize: o.sampleSize, rejects, rejectScans, ...dialectOf(load, o.header) }));
    } catch (e) {
      // A cancel or an out-of-memory failure is not a parse error: callers tell them apart.
      if (isAbortError(e)) throw e;
      if (isOutOfMemoryError(e)) throw new IngestError({ code: 'too_large', file: load.fileName }, { cause: e });
      const { detail, line } = engineErrorDetail(e);
      const row = line !== undefined ? (load.sourceLine ?? ((n: number) => n))(line) : undefined;
      throw new IngestError({ code: 'parse_failed', file: load.fileName, ...(row !== undefined ? { row } : {}), params: { detail } }, { cause: e });
    }
    const read = await readRejects(db, rejects, load.sourceLine);
    return { columns: await tableColumns(db, name), rejects: read };
  } finally {
    await dropRejects(db, rejects, rejectScans);
  }
}

function dialectOf(load: CsvLoad, header: boolean | undefined): Pick<CsvReadOptions, 'header' | 'types'> {
  return load.dialect === 'generated' ? { header: true, types: load.types ?? {} } : header === false ? { header: false } : {};
}

/** The date and timestamp formats DuckDB's sniffer picks for the registered `file`, read as `readIntoTable` read it. */
async function sniffedFormats(db: Db, file: string, load: CsvLoad, o: { sampleSize: number; header?: boolean | undefined }): Promise<DateFormats> {
  const r = (await db.query(sniffFormatsSql(file, { sampleSize: o.sampleSize, ...dialectOf(load, o.header) }))).rows[0];
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return { date: text(r?.date_format), timestamp: text(r?.timestamp_format) };
}

/** After `CREATE TABLE`: refuse what should not be kept, log, fix types and names, suggest roles. */
async function finish(db: Db, name: string, load: CsvLoad, read: Read, headerless: boolean, formats?: DateFormats): Promise<LoadResult> {
  const { fileName } = load;
  let columns = read.columns;
  const rowCount = await countRows(db, name);
  if (columns.length === 0) throw new IngestError({ code: 'no_columns', file: fileName });
  const pre = load.rejected ?? [];
  const rejectedTotal = read.rejects.total + pre.length;
  if (rejectedTotal > rowCount) {
    const firstLine = pre[0]?.line ?? read.rejects.rows[0]?.line;
    throw new IngestError({
      code: 'ragged_rows',
      file: fileName,
      ...(firstLine !== undefined ? { row: firstLine } : {}),
      params: { rejected: rejectedTotal, kept: rowCount, errors: read.rejects.errors },
    });
  }

  const log: LogEntry[] = (load.notes ?? []).map((n) => ({ ...n, table: name, rows: n.rows ?? rowCount }));
  if (headerless) {
    const renames = headerlessRenames(columns.map((c) => c.name));
    for (const sql of renames.map(([from, to]) => renameColumnSql(name, from, to))) await db.exec(sql);
    columns = await tableColumns(db, name);
    log.push({ rule: 'no_header', table: name, rows: rowCount, examples: columns.slice(0, MAX_EXAMPLES).map((c) => c.name), params: { columns: columns.length } });
  }
  const rejected = [...pre, ...read.rejects.rows].sort((a, b) => a.line - b.line).slice(0, MAX_REJECTED_ROWS);
  if (rejectedTotal > 0) {
    log.push({
      rule: 'rejected_rows',
      table: name,
      rows: rejectedTotal,
      examples: rejected.slice(0, MAX_EXAMPLES).map((r) => `${r.line}: ${truncate(r.raw, 120)}`),
      params: { errors: rejectErrors(read.rejects.errors, pre), ...(rejected[0] ? { line: rejected[0].line } : {}) },
    });
  }

  log.push(...(await removeNuls(db, name, columns)));
  const typeLog = [...(await blanksToNull(db, name, columns)), ...(await compactDates(db, name, columns, headerless))];
  if (typeLog.length > 0) {
    log.push(...typeLog);
    columns = await tableColumns(db, name);
  }
  const markerCounts = new Map<string, number>();
  const cleaned = await cleanTable(db, name, columns, { headerless, ...(formats ? { formats } : {}), markerCounts });
  if (cleaned.length > 0) {
    log.push(...cleaned);
    columns = await tableColumns(db, name);
  }

  let kind: TableKind;
  let roles: RoleMap;
  if (load.fixed) ({ kind, roles } = load.fixed);
  else {
    const sample = (await db.query(sampleSql(name, ROLE_SAMPLE_ROWS))).rows;
    ({ kind, roles } = suggestRoles(columns, sample));
  }
  const table: TableInfo = { name, source: fileName, kind, rowCount, columns, roles };
  const cancelPrefix = await detectCancelPrefix(db, table);
  if (cancelPrefix !== undefined) table.cancelPrefix = cancelPrefix;
  return {
    table,
    log,
    rejected,
    rejectedTotal,
    source: load.source,
    // The markers the cleaning counted, for the columns still text (a converted one has none left).
    findings: await findIssues(db, table, { markerCounts: new Map([...markerCounts].filter(([c]) => columns.some((col) => col.name === c && col.type === 'VARCHAR'))) }),
  };
}

/** DuckDB's error types, then the callers' own (e.g. `INVALID JSON`), in DuckDB's spelling. */
function rejectErrors(duckdb: string, pre: readonly RejectedRow[]): string {
  const own = [...new Set(pre.map((r) => r.reason.toUpperCase().replaceAll('_', ' ')))].sort();
  return [...(duckdb ? [duckdb] : []), ...own].join(', ');
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
