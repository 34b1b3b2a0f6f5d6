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
import type { ColumnInfo, Db, Row } from '../db/types.ts';
import { ident, lit } from '../lib/sql.ts';
import { cleanTable, dayMonthMayMatter, type DateFormats } from './clean.ts';
import { decodeBytes, toUtf8, type Decoded, type TextEncodingName } from './decode.ts';
import { looksWhitespaceAligned, whitespaceToCsv } from './dialect.ts';
import { IngestError, isOutOfMemoryError } from './errors.ts';
import { engineErrorDetail, isAbortError } from '../lib/errors.ts';
import { findIssues } from './findings.ts';
import { assertNoNulInNames, removeNuls } from './nul.ts';
import type { LogEntry } from './log.ts';
import type { RoleMap, TableInfo, TableKind } from './model.ts';
import { MAX_REJECTED_ROWS, rejectReason, type LoadResult, type RejectedRow, type SourceInfo } from './result.ts';
import { suggestRoles } from './roles.ts';
import { detectCancelPrefix } from './returns.ts';

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
export type ForcedType = 'BIGINT' | 'HUGEINT' | 'DOUBLE' | 'BOOLEAN' | 'DATE' | 'TIMESTAMP' | 'TIME' | 'VARCHAR';

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
const ROLE_SAMPLE_ROWS = 500;
const MAX_EXAMPLES = 5;
const MAX_NAME_LENGTH = 48;
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
  const file = `crm_lens_ingest_${name}.csv`;
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
  const rejects = `crm_lens_rejects_${name}`;
  const rejectScans = `crm_lens_reject_scans_${name}`;
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
  const cleaned = await cleanTable(db, name, columns, { headerless, ...(formats ? { formats } : {}) });
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
    findings: await findIssues(db, table),
  };
}

/** DuckDB's error types, then the callers' own (e.g. `INVALID JSON`), in DuckDB's spelling. */
function rejectErrors(duckdb: string, pre: readonly RejectedRow[]): string {
  const own = [...new Set(pre.map((r) => r.reason.toUpperCase().replaceAll('_', ' ')))].sort();
  return [...(duckdb ? [duckdb] : []), ...own].join(', ');
}

// ---------------------------------------------------------------- header or not

/** The first line of CSV bytes (a quoted line break may cut it short; it is only looked at for names). */
function firstLine(utf8: Uint8Array): string {
  const head = new TextDecoder().decode(utf8.subarray(0, 4096));
  return head.split(/\r?\n/, 1)[0] ?? '';
}

/**
 * DuckDB names the columns of a file without a header `column0`, `column1`…
 * (`column00`… from ten columns on). True when the table has exactly those
 * names and the file's first line does not spell them.
 */
export function isGeneratedNames(columns: readonly ColumnInfo[], first: string): boolean {
  if (columns.length === 0) return false;
  const width = String(columns.length - 1).length;
  const generated = columns.every((c, i) => c.name === `column${String(i).padStart(width, '0')}`);
  return generated && !first.includes(columns[0]!.name);
}

/** `column0…` → `column1…`, renamed last first so no new name is taken while it is given. */
export function headerlessRenames(names: readonly string[]): [string, string][] {
  return names.map((n, i): [string, string] => [n, `column${i + 1}`]).reverse();
}

export function renameColumnSql(table: string, from: string, to: string): string {
  return `ALTER TABLE ${ident(table)} RENAME COLUMN ${ident(from)} TO ${ident(to)}`;
}

/**
 * For a table whose columns are all text: in how many columns the header name
 * also occurs as a value. A list of names or items has its first line's values
 * recurring below it; a header rarely does.
 */
export function headerRecurrenceSql(table: string, columns: readonly string[]): string {
  const parts = columns.map((c) => `count(*) FILTER (WHERE ${ident(c)} = ${lit(c)}) > 0`);
  return `SELECT ${parts.map((p) => `CAST(${p} AS INTEGER)`).join(' + ')} AS n FROM ${ident(table)}`;
}

async function headerLooksLikeData(db: Db, table: string, columns: readonly ColumnInfo[]): Promise<boolean> {
  if (columns.length === 0 || columns.some((c) => c.type !== 'VARCHAR')) return false;
  const n = Number((await db.query(headerRecurrenceSql(table, columns.map((c) => c.name)))).rows[0]?.n ?? 0);
  return n >= Math.max(1, Math.ceil(columns.length / 2));
}

// ---------------------------------------------------------------- table names

/**
 * A table name from a file name: extension dropped, accents folded, lower-case
 * ASCII letters, digits and `_`; `t_` in front when it would start with a
 * digit or be empty. Names with no ASCII at all (`客户.csv`) get a short hash
 * of the name, so different files get different tables.
 */
export function safeTableName(fileName: string): string {
  const base = fileName.replace(/^.*[/\\]/, '').replace(/(\.(csv|tsv|txt|tab|dat|gz))+$/i, '');
  const folded = base
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_NAME_LENGTH)
    .replace(/_+$/, '');
  if (folded === '') return `t_${hash36(base.normalize('NFC'))}`;
  return /^[0-9]/.test(folded) ? `t_${folded}` : folded;
}

/** `base`, or `base_2`, `base_3`, … whichever is not taken (compared case-insensitively, as DuckDB does). */
export function uniqueTableName(base: string, taken: ReadonlySet<string>): string {
  const lower = new Set([...taken].map((t) => t.toLowerCase()));
  if (!lower.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}_${i}`;
    if (!lower.has(candidate.toLowerCase())) return candidate;
  }
}

/** FNV-1a, 32 bit, base 36: short and stable. */
function hash36(s: string): string {
  let h = 0x811c9dc5;
  for (const ch of s) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

async function freeTableName(db: Db, requested: string, existing: readonly string[]): Promise<string> {
  let base = safeTableName(requested);
  const rows = (await db.query(takenNamesSql())).rows;
  const reserved = new Set(rows.filter((r) => r.what === 'keyword').map((r) => String(r.name)));
  if (reserved.has(base)) base = `t_${base}`;
  const taken = new Set([...existing, ...rows.filter((r) => r.what === 'relation').map((r) => String(r.name))]);
  return uniqueTableName(base, taken);
}

function takenNamesSql(): string {
  return [
    `SELECT 'relation' AS what, lower(table_name) AS name FROM duckdb_tables()`,
    `SELECT 'relation', lower(view_name) FROM duckdb_views() WHERE NOT internal`,
    `SELECT 'keyword', lower(keyword_name) FROM duckdb_keywords() WHERE keyword_category = 'reserved'`,
  ].join(' UNION ALL ');
}

// ---------------------------------------------------------------- SQL

export interface CsvReadOptions {
  /** `-1`: sniff every row. */
  sampleSize: number;
  /** Temporary tables DuckDB fills with the lines it could not read. */
  rejects: string;
  rejectScans: string;
  /** Whether the first line is a header; sniffed when absent. */
  header?: boolean;
  /**
   * Set for CSV this project wrote: comma, `"` quoting, and these column types
   * (the columns not named here are still sniffed).
   */
  types?: Readonly<Record<string, ForcedType>>;
}

/**
 * `store_rejects` both counts bad lines and makes the sniffer tolerant: without
 * it, one line with a missing field can make DuckDB read the whole file as a
 * single text column. `null_padding` stays off: it would keep short lines but
 * let one over-long line add a column to the table.
 */
export function createFromCsvSql(table: string, file: string, o: CsvReadOptions): string {
  return (
    `CREATE TABLE ${ident(table)} AS SELECT * FROM read_csv(${lit(file)}, auto_detect = true, ` +
    `${dialectSql(o).map((d) => `${d}, `).join('')}` +
    `sample_size = ${Math.trunc(o.sampleSize)}, store_rejects = true, ` +
    `rejects_table = ${lit(o.rejects)}, rejects_scan = ${lit(o.rejectScans)})`
  );
}

/** The formats DuckDB's sniffer would type dates and timestamps with, for a file read with these options (`ignore_errors` stands in for `store_rejects`'s tolerance). */
export function sniffFormatsSql(file: string, o: Pick<CsvReadOptions, 'sampleSize' | 'header' | 'types'>): string {
  return (
    `SELECT DateFormat AS date_format, TimestampFormat AS timestamp_format FROM sniff_csv(${lit(file)}, auto_detect = true, ` +
    `${dialectSql(o).map((d) => `${d}, `).join('')}sample_size = ${Math.trunc(o.sampleSize)}, ignore_errors = true)`
  );
}

function dialectSql(o: Pick<CsvReadOptions, 'header' | 'types'>): string[] {
  const dialect: string[] = [];
  if (o.header !== undefined) dialect.push(`header = ${o.header ? 'true' : 'false'}`);
  if (o.types) {
    dialect.push(`delim = ',', quote = '"', escape = '"'`);
    const entries = Object.entries(o.types).map(([c, t]) => `${lit(c)}: ${lit(t)}`);
    if (entries.length > 0) dialect.push(`types = {${entries.join(', ')}}`);
  }
  return dialect;
}

async function dropRejects(db: Db, rejects: string, rejectScans: string): Promise<void> {
  await db.exec(`DROP TABLE IF EXISTS ${ident(rejects)}`);
  await db.exec(`DROP TABLE IF EXISTS ${ident(rejectScans)}`);
}

interface Rejects {
  /** Distinct lines DuckDB left out. */
  total: number;
  /** The first `MAX_REJECTED_ROWS` of them, one per line. */
  rows: RejectedRow[];
  /** DuckDB's error types, e.g. `MISSING COLUMNS, CAST`. */
  errors: string;
}

/** One row per rejected line: its first error (DuckDB can report several per line). */
export function rejectedLinesSql(rejects: string, limit: number): string {
  const r = ident(rejects);
  return (
    `SELECT line, arg_min(csv_line, column_idx) AS csv_line, arg_min(CAST(error_type AS VARCHAR), column_idx) AS error_type, ` +
    `arg_min(error_message, column_idx) AS error_message, arg_min(column_name, column_idx) AS column_name ` +
    `FROM ${r} GROUP BY line ORDER BY line LIMIT ${Math.trunc(limit)}`
  );
}

async function readRejects(db: Db, rejects: string, sourceLine?: (csvLine: number) => number): Promise<Rejects> {
  const r = (
    await db.query(
      `SELECT count(DISTINCT line) AS n, string_agg(DISTINCT CAST(error_type AS VARCHAR), ', ' ORDER BY CAST(error_type AS VARCHAR)) AS errors FROM ${ident(rejects)}`,
    )
  ).rows[0];
  const total = Number(r?.n ?? 0);
  if (total === 0) return { total: 0, rows: [], errors: '' };
  const toLine = sourceLine ?? ((n: number) => n);
  const rows = (await db.query(rejectedLinesSql(rejects, MAX_REJECTED_ROWS))).rows.map((row): RejectedRow => ({
    line: toLine(Number(row.line)),
    raw: String(row.csv_line ?? ''),
    reason: rejectReason(String(row.error_type ?? '')),
    detail: String(row.error_message ?? ''),
    ...(row.column_name != null ? { column: String(row.column_name) } : {}),
  }));
  return { total, rows, errors: String(r?.errors ?? '') };
}

async function tableColumns(db: Db, table: string): Promise<ColumnInfo[]> {
  const r = await db.query(
    `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ${lit(table)} ORDER BY column_index`,
  );
  return r.rows.map((row) => ({ name: String(row.column_name), type: String(row.data_type) }));
}

async function countRows(db: Db, table: string): Promise<number> {
  return Number((await db.query(`SELECT count(*) AS n FROM ${ident(table)}`)).rows[0]?.n ?? 0);
}

export function sampleSql(table: string, rows: number): string {
  return `SELECT * FROM ${ident(table)} USING SAMPLE reservoir(${Math.trunc(rows)} ROWS) REPEATABLE (42)`;
}

// ---------------------------------------------------------------- blanks

const BLANK = String.raw`\s*`;
const INT = String.raw`\s*[-+]?\d+\s*`;
const NUMBER = String.raw`\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*`;
/** `007`, `-0012`: identifiers and codes, not numbers; DuckDB's sniffer keeps them as text too. */
const LEADING_ZERO = String.raw`\s*[-+]?0\d.*`;
const DATE = String.raw`\s*\d{4}-\d{1,2}-\d{1,2}\s*`;
const TIMESTAMP = String.raw`\s*\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*`;

export type BlankTarget = 'BIGINT' | 'DOUBLE' | 'DATE' | 'TIMESTAMP';

/** One scan: how many whitespace-only cells each text column has. */
export function blankCountsSql(table: string, columns: readonly string[]): string {
  const parts = columns.map((c, i) => `count(*) FILTER (WHERE regexp_full_match(${ident(c)}, ${lit(BLANK)})) AS ${ident(`b${i}`)}`);
  return `SELECT ${parts.join(', ')} FROM ${ident(table)}`;
}

/** For one text column with blanks: which types its other values would all take. */
export function blankProfileSql(table: string, column: string): string {
  const c = ident(column);
  const filled = `NOT regexp_full_match(${c}, ${lit(BLANK)})`;
  const noLeadingZero = `NOT regexp_full_match(${c}, ${lit(LEADING_ZERO)})`;
  const trimmed = trimSql(c);
  return (
    `SELECT count(*) FILTER (WHERE regexp_full_match(${c}, ${lit(BLANK)})) AS blanks, ` +
    `count(*) FILTER (WHERE ${filled}) AS filled, ` +
    `count(*) FILTER (WHERE regexp_full_match(${c}, ${lit(INT)}) AND ${noLeadingZero} AND TRY_CAST(${trimmed} AS BIGINT) IS NOT NULL) AS ints, ` +
    `count(*) FILTER (WHERE regexp_full_match(${c}, ${lit(NUMBER)}) AND ${noLeadingZero}) AS numbers, ` +
    `count(*) FILTER (WHERE regexp_full_match(${c}, ${lit(DATE)}) AND TRY_CAST(${trimmed} AS DATE) IS NOT NULL) AS dates, ` +
    `count(*) FILTER (WHERE regexp_full_match(${c}, ${lit(TIMESTAMP)}) AND TRY_CAST(${trimmed} AS TIMESTAMP) IS NOT NULL) AS timestamps ` +
    `FROM ${ident(table)}`
  );
}

export function blankExamplesSql(table: string, column: string, limit: number): string {
  const c = ident(column);
  return `SELECT DISTINCT ${c} AS v FROM ${ident(table)} WHERE regexp_full_match(${c}, ${lit(BLANK)}) ORDER BY v LIMIT ${Math.trunc(limit)}`;
}

export function blankToNullSql(table: string, column: string, type: BlankTarget): string {
  const c = ident(column);
  return (
    `ALTER TABLE ${ident(table)} ALTER COLUMN ${c} SET DATA TYPE ${type} ` +
    `USING CASE WHEN regexp_full_match(${c}, ${lit(BLANK)}) THEN NULL ELSE CAST(${trimSql(c)} AS ${type}) END`
  );
}

function trimSql(c: string): string {
  return `regexp_replace(${c}, ${lit(String.raw`^\s+|\s+$`)}, '', 'g')`;
}

function targetType(p: Row): BlankTarget | undefined {
  const filled = Number(p.filled);
  if (filled === 0) return undefined;
  if (Number(p.ints) === filled) return 'BIGINT';
  if (Number(p.numbers) === filled) return 'DOUBLE';
  if (Number(p.dates) === filled) return 'DATE';
  if (Number(p.timestamps) === filled) return 'TIMESTAMP';
  return undefined;
}

async function blanksToNull(db: Db, table: string, columns: readonly ColumnInfo[]): Promise<LogEntry[]> {
  const text = columns.filter((c) => c.type === 'VARCHAR').map((c) => c.name);
  if (text.length === 0) return [];
  const counts = (await db.query(blankCountsSql(table, text))).rows[0] ?? {};
  const log: LogEntry[] = [];
  for (const [i, column] of text.entries()) {
    if (Number(counts[`b${i}`] ?? 0) === 0) continue;
    const profile = (await db.query(blankProfileSql(table, column))).rows[0];
    const type = profile && targetType(profile);
    if (!profile || !type) continue;
    const examples = (await db.query(blankExamplesSql(table, column, MAX_EXAMPLES))).rows.map((r) => JSON.stringify(r.v));
    const sql = blankToNullSql(table, column, type);
    await db.exec(sql);
    log.push({
      rule: 'blank_to_null',
      table,
      column,
      rows: Number(profile.blanks),
      examples,
      sql,
      params: { to: type },
    });
  }
  return log;
}

// ---------------------------------------------------------------- yyyymmdd dates

const DATE_NAME = /date|time|day|dt|日期|时间|日/i;
const INTEGER_TYPE = /^(INTEGER|BIGINT|UINTEGER|UBIGINT|HUGEINT)$/;
const COMPACT = `'%Y%m%d'`;

/** How many non-null values an integer column has, and how many read as a yyyymmdd date. */
export function compactDateProfileSql(table: string, column: string): string {
  const c = ident(column);
  return (
    `SELECT count(${c}) AS filled, count(*) FILTER (WHERE ${c} BETWEEN 19000101 AND 21001231 ` +
    `AND try_strptime(CAST(${c} AS VARCHAR), ${COMPACT}) IS NOT NULL) AS dates, ` +
    `min(${c}) AS first, max(${c}) AS last FROM ${ident(table)}`
  );
}

export function compactDateSql(table: string, column: string): string {
  const c = ident(column);
  return `ALTER TABLE ${ident(table)} ALTER COLUMN ${c} SET DATA TYPE DATE USING CAST(strptime(CAST(${c} AS VARCHAR), ${COMPACT}) AS DATE)`;
}

/** `headerless`: the names say nothing, so every integer column whose values all read as yyyymmdd is a date. */
async function compactDates(db: Db, table: string, columns: readonly ColumnInfo[], headerless = false): Promise<LogEntry[]> {
  const log: LogEntry[] = [];
  for (const { name, type } of columns) {
    if (!INTEGER_TYPE.test(type) || !(headerless || DATE_NAME.test(name))) continue;
    const p = (await db.query(compactDateProfileSql(table, name))).rows[0];
    const filled = Number(p?.filled ?? 0);
    if (!p || filled === 0 || Number(p.dates) !== filled) continue;
    const sql = compactDateSql(table, name);
    await db.exec(sql);
    log.push({ rule: 'compact_date', table, column: name, rows: filled, examples: [String(p.first), String(p.last)], sql, params: { to: 'DATE' } });
  }
  return log;
}

function truncate(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}
