/**
 * A dropped CSV/TSV becomes a DuckDB table: decode to UTF-8, let DuckDB's
 * `read_csv` sniff dialect and types, keep the lines it cannot read out of the
 * table but in the log, turn whitespace-only cells into NULL where that lets a
 * column take its real type, then suggest roles from a sample.
 *
 * The SQL is built by the small pure functions below and run by `loadDelimited`.
 */
import type { ColumnInfo, Db, Row } from '../db/types.ts';
import { ident, lit } from '../lib/sql.ts';
import { decodeBytes, toUtf8, type Decoded, type TextEncodingName } from './decode.ts';
import { looksWhitespaceAligned, whitespaceToCsv } from './dialect.ts';
import { IngestError } from './errors.ts';
import type { LogEntry } from './log.ts';
import type { TableInfo } from './model.ts';
import { suggestRoles } from './roles.ts';

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

export interface LoadResult {
  table: TableInfo;
  log: LogEntry[];
}

/** Up to this size DuckDB sniffs types from every row, so no type flips after its sample. */
const FULL_SNIFF_MAX_BYTES = 64 * 1024 * 1024;
/** Rows sniffed in larger files; lines that then fail a cast are rejected and logged, not lost silently. */
const LARGE_FILE_SAMPLE_ROWS = 200_000;
const ROLE_SAMPLE_ROWS = 500;
const MAX_EXAMPLES = 5;
const MAX_NAME_LENGTH = 48;

export async function loadDelimited(db: Db, input: LoadDelimitedInput): Promise<LoadResult> {
  const { fileName, bytes } = input;
  const decoded = decodeBytes(bytes, fileName, input.encoding);
  const aligned = looksWhitespaceAligned(headText(bytes, decoded));
  const utf8 = aligned
    ? new TextEncoder().encode(whitespaceToCsv(decoded.text ?? new TextDecoder().decode(bytes)))
    : toUtf8(bytes, decoded);
  const sampleSize = utf8.length <= FULL_SNIFF_MAX_BYTES ? -1 : LARGE_FILE_SAMPLE_ROWS;

  const name = await freeTableName(db, input.tableName ?? fileName, input.existingTables ?? []);
  const file = `crm_lens_ingest_${name}.csv`;
  const rejects = `crm_lens_rejects_${name}`;
  const rejectScans = `crm_lens_reject_scans_${name}`;
  const log: LogEntry[] = [];

  await dropRejects(db, rejects, rejectScans);
  await db.registerBuffer(file, utf8);
  let rejected: Rejects;
  try {
    try {
      await db.exec(createFromCsvSql(name, file, { sampleSize, rejects, rejectScans }));
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      const line = /line:?\s*(\d+)/i.exec(detail)?.[1];
      throw new IngestError({ code: 'parse_failed', file: fileName, ...(line ? { row: Number(line) } : {}), params: { detail } }, { cause: e });
    }
    rejected = await readRejects(db, rejects);
  } finally {
    await db.dropFile(file);
    await dropRejects(db, rejects, rejectScans);
  }

  try {
    return await finish(db, { name, fileName, decoded, aligned, rejected, log });
  } catch (e) {
    // Nothing half-loaded stays behind.
    await db.exec(`DROP TABLE IF EXISTS ${ident(name)}`);
    throw e;
  }
}

interface Loaded {
  name: string;
  fileName: string;
  decoded: Decoded;
  aligned: boolean;
  rejected: Rejects;
  log: LogEntry[];
}

/** After `CREATE TABLE`: refuse what should not be kept, log, fix types, suggest roles. */
async function finish(db: Db, { name, fileName, decoded, aligned, rejected, log }: Loaded): Promise<LoadResult> {
  let columns = await tableColumns(db, name);
  const rowCount = await countRows(db, name);
  if (columns.length === 0) throw new IngestError({ code: 'no_columns', file: fileName });
  if (rejected.rows > rowCount) {
    throw new IngestError({
      code: 'ragged_rows',
      file: fileName,
      ...(rejected.firstLine !== null ? { row: rejected.firstLine } : {}),
      params: { rejected: rejected.rows, kept: rowCount, errors: rejected.errors },
    });
  }

  if (decoded.text !== undefined) {
    log.push({ rule: 'reencoded', table: name, rows: rowCount, examples: [], params: { from: decoded.encoding, to: 'utf-8' } });
  }
  if (aligned) {
    log.push({ rule: 'whitespace_delimited', table: name, rows: rowCount, examples: [], params: { columns: columns.length } });
  }
  if (rejected.rows > 0) {
    log.push({
      rule: 'rejected_rows',
      table: name,
      rows: rejected.rows,
      examples: rejected.examples,
      params: { errors: rejected.errors, ...(rejected.firstLine !== null ? { line: rejected.firstLine } : {}) },
    });
  }

  const typeLog = [...(await blanksToNull(db, name, columns)), ...(await compactDates(db, name, columns))];
  if (typeLog.length > 0) {
    log.push(...typeLog);
    columns = await tableColumns(db, name);
  }

  const sample = (await db.query(sampleSql(name, ROLE_SAMPLE_ROWS))).rows;
  const { kind, roles } = suggestRoles(columns, sample);
  return { table: { name, source: fileName, kind, rowCount, columns, roles }, log };
}

/** The first 64 KiB as text, for layout checks (a split character at the end does no harm). */
function headText(bytes: Uint8Array, decoded: Decoded): string {
  const n = 64 * 1024;
  return decoded.text !== undefined ? decoded.text.slice(0, n) : new TextDecoder().decode(bytes.subarray(0, n));
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
    `sample_size = ${Math.trunc(o.sampleSize)}, store_rejects = true, ` +
    `rejects_table = ${lit(o.rejects)}, rejects_scan = ${lit(o.rejectScans)})`
  );
}

async function dropRejects(db: Db, rejects: string, rejectScans: string): Promise<void> {
  await db.exec(`DROP TABLE IF EXISTS ${ident(rejects)}`);
  await db.exec(`DROP TABLE IF EXISTS ${ident(rejectScans)}`);
}

interface Rejects {
  /** Distinct lines DuckDB left out. */
  rows: number;
  examples: string[];
  firstLine: number | null;
  /** DuckDB's error types, e.g. `MISSING COLUMNS, CAST`. */
  errors: string;
}

async function readRejects(db: Db, rejects: string): Promise<Rejects> {
  const r = (
    await db.query(
      `SELECT count(DISTINCT line) AS n, min(line) AS first_line, string_agg(DISTINCT CAST(error_type AS VARCHAR), ', ' ORDER BY CAST(error_type AS VARCHAR)) AS errors FROM ${ident(rejects)}`,
    )
  ).rows[0];
  const n = Number(r?.n ?? 0);
  if (n === 0) return { rows: 0, examples: [], firstLine: null, errors: '' };
  const examples = (
    await db.query(`SELECT line, any_value(csv_line) AS csv_line FROM ${ident(rejects)} GROUP BY line ORDER BY line LIMIT ${MAX_EXAMPLES}`)
  ).rows.map((row) => `${String(row.line)}: ${truncate(String(row.csv_line ?? ''), 120)}`);
  return { rows: n, examples, firstLine: r?.first_line == null ? null : Number(r.first_line), errors: String(r?.errors ?? '') };
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

async function compactDates(db: Db, table: string, columns: readonly ColumnInfo[]): Promise<LogEntry[]> {
  const log: LogEntry[] = [];
  for (const { name, type } of columns) {
    if (!INTEGER_TYPE.test(type) || !DATE_NAME.test(name)) continue;
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
