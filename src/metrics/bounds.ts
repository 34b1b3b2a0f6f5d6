/**
 * What the filter bar offers: the first and last order date, and the values
 * a dimension column takes. Small builders; the report layer runs them.
 */
import type { TableInfo } from '../ingest/model.ts';
import { ident, lit } from '../lib/sql.ts';
import { dateExpr, roleColumn } from './expr.ts';

/** `lo`, `hi`: the first and last order date as `YYYY-MM-DD` text; null when the orders table has no order date. */
export function orderDateBoundsSql(orders: TableInfo): string | null {
  const d = roleColumn(orders, 'order_date');
  if (!d) return null;
  return `SELECT CAST(min(${dateExpr(d)}) AS VARCHAR) AS lo, CAST(max(${dateExpr(d)}) AS VARCHAR) AS hi FROM ${ident(orders.name)}`;
}

/** `v`: the distinct non-NULL values of `column` as text, in text order, at most `limit`. */
export function distinctValuesSql(table: string, column: string, limit = 200): string {
  const c = ident(column);
  return `SELECT DISTINCT CAST(${c} AS VARCHAR) AS v FROM ${ident(table)} WHERE ${c} IS NOT NULL ORDER BY 1 LIMIT ${lit(Math.max(1, Math.floor(limit)))}`;
}
