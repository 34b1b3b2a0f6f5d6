/**
 * The statements that read CSV into DuckDB and report the lines it left out:
 * `read_csv` with rejects stored, the sniffer's date formats, the rejects
 * themselves, a role sample. Built here, run by load.ts.
 */
import type { ColumnInfo, Db } from '../db/types.ts';
import { ident, lit } from '../lib/sql.ts';
import { MAX_REJECTED_ROWS, rejectReason, type RejectedRow } from './result.ts';

/** Column types this project forces on CSV it wrote itself. */
export type ForcedType = 'BIGINT' | 'HUGEINT' | 'DOUBLE' | 'BOOLEAN' | 'DATE' | 'TIMESTAMP' | 'TIME' | 'VARCHAR';

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

export async function dropRejects(db: Db, rejects: string, rejectScans: string): Promise<void> {
  await db.exec(`DROP TABLE IF EXISTS ${ident(rejects)}`);
  await db.exec(`DROP TABLE IF EXISTS ${ident(rejectScans)}`);
}

export interface Rejects {
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

export async function readRejects(db: Db, rejects: string, sourceLine?: (csvLine: number) => number): Promise<Rejects> {
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

export async function tableColumns(db: Db, table: string): Promise<ColumnInfo[]> {
  const r = await db.query(
    `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ${lit(table)} ORDER BY column_index`,
  );
  return r.rows.map((row) => ({ name: String(row.column_name), type: String(row.data_type) }));
}

export async function countRows(db: Db, table: string): Promise<number> {
  return Number((await db.query(`SELECT count(*) AS n FROM ${ident(table)}`)).rows[0]?.n ?? 0);
}

export function sampleSql(table: string, rows: number): string {
  return `SELECT * FROM ${ident(table)} USING SAMPLE reservoir(${Math.trunc(rows)} ROWS) REPEATABLE (42)`;
}
