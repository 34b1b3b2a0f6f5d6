/**
 * Two passes before cleaning: whitespace-only cells become NULL where that lets
 * a column take its real type, and integer columns that are yyyymmdd dates
 * become DATEs. Each change is logged with the SQL that ran.
 */
import type { ColumnInfo, Db, Row } from '../db/types.ts';
import { ident, lit } from '../lib/sql.ts';
import type { LogEntry } from './log.ts';

const MAX_EXAMPLES = 5;

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

export async function blanksToNull(db: Db, table: string, columns: readonly ColumnInfo[]): Promise<LogEntry[]> {
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
export async function compactDates(db: Db, table: string, columns: readonly ColumnInfo[], headerless = false): Promise<LogEntry[]> {
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
