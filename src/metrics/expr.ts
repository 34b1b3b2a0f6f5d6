/**
 * SQL expressions for a role's column that hold whatever type ingest left it
 * with: a date that is still text, an amount that is still text, a churn flag
 * that is BOOLEAN, 0/1 or Yes/No/是/否. Builders compose these; they never
 * look at a column's type themselves.
 */
import { BINARY_FALSE, BINARY_TRUE, isIntegerType, isNumericType, isTemporalType } from '../ingest/roles.ts';
import type { Role, TableInfo } from '../ingest/model.ts';
import { ident, lit, litList } from '../lib/sql.ts';

/** The column playing `role`, with its DuckDB type, if the table has one. */
export function roleColumn(table: TableInfo, role: Role): { name: string; type: string } | undefined {
  const name = table.roles[role];
  if (name === undefined) return undefined;
  const type = table.columns.find((c) => c.name === name)?.type ?? 'VARCHAR';
  return { name, type: type.toUpperCase() };
}

/** Formats tried, in order, on dates that are still text. */
const TEXT_DATE_FORMATS = ['%Y/%m/%d', '%d/%m/%Y', '%d.%m.%Y', '%Y%m%d', '%Y年%m月%d日', '%Y/%m/%d %H:%M:%S', '%d/%m/%Y %H:%M'];

/** A DATE (time of day dropped): DATE/TIMESTAMP as is, yyyymmdd integers, ISO or common text formats. */
export function dateExpr(column: { name: string; type: string }): string {
  const c = ident(column.name);
  if (column.type === 'DATE') return c;
  if (isTemporalType(column.type)) return `CAST(${c} AS DATE)`;
  if (isIntegerType(column.type)) return `CAST(try_strptime(CAST(${c} AS VARCHAR), '%Y%m%d') AS DATE)`;
  const t = `trim(CAST(${c} AS VARCHAR))`;
  return `CAST(coalesce(TRY_CAST(${t} AS TIMESTAMP), try_strptime(${t}, [${litList(TEXT_DATE_FORMATS)}])) AS DATE)`;
}

/** A DOUBLE; text that is not a plain number becomes NULL. */
export function numberExpr(column: { name: string; type: string }): string {
  const c = ident(column.name);
  return isNumericType(column.type) ? `CAST(${c} AS DOUBLE)` : `TRY_CAST(trim(CAST(${c} AS VARCHAR)) AS DOUBLE)`;
}

/** TRUE (churned), FALSE (stayed) or NULL (missing or not a yes/no value). */
export function churnFlagExpr(column: { name: string; type: string }): string {
  const c = ident(column.name);
  if (column.type === 'BOOLEAN') return c;
  if (isNumericType(column.type)) return `CASE WHEN ${c} = 1 THEN TRUE WHEN ${c} = 0 THEN FALSE END`;
  const v = `lower(trim(CAST(${c} AS VARCHAR)))`;
  return `CASE WHEN ${v} IN (${litList(BINARY_TRUE)}) THEN TRUE WHEN ${v} IN (${litList(BINARY_FALSE)}) THEN FALSE END`;
}

/** A `YYYY-MM-DD` date as a DATE literal; throws on anything else (the text reaches SQL only through `lit`). */
export function dateLiteral(value: string, what = 'date'): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== value) {
    throw new Error(`The ${what} must be a real date written YYYY-MM-DD, got "${value}"`);
  }
  return `DATE ${lit(value)}`;
}

/** A column as text: ids join across tables whatever type each file gave them, filter values compare as typed. */
export function asText(column: { name: string }): string {
  return `CAST(${ident(column.name)} AS VARCHAR)`;
}

/**
 * `trim(x)` (spaces at either end removed) for a text expression, written so
 * the common case, a value with no space at either end, is passed on as it is
 * instead of copied: on a million ids and pages that copy costs more than the
 * test (measured ~25 % of a journey's first sort). `x` is repeated, so pass a
 * column or a cheap expression.
 */
export function trimText(x: string): string {
  return `CASE WHEN starts_with(${x}, ' ') OR ends_with(${x}, ' ') THEN trim(${x}) ELSE ${x} END`;
}
