import { ident, lit } from '../lib/sql.ts';
import type { ColumnInfo } from '../db/types.ts';

/**
 * One row per column: distinct non-null values (exact) and the smallest and
 * largest value as text, so callers can find binary columns (exactly 2 values).
 */
export function distinctCountsSql(table: string, columns: readonly ColumnInfo[]): string {
  if (columns.length === 0) throw new Error('distinctCountsSql needs at least one column');
  return columns
    .map(
      (c) =>
        `SELECT ${lit(c.name)} AS column_name, count(DISTINCT ${ident(c.name)}) AS distinct_values, ` +
        `min(${ident(c.name)})::VARCHAR AS min_value, max(${ident(c.name)})::VARCHAR AS max_value FROM ${ident(table)}`,
    )
    .join('\nUNION ALL\n');
}

/** Every row of a table in a stable order, for training. */
export function allRowsSql(table: string, columns?: readonly string[]): string {
  const cols = columns && columns.length ? columns.map(ident).join(', ') : '*';
  return `SELECT ${cols} FROM ${ident(table)}`;
}

/** The first `limit` rows, for previews. */
export function previewSql(table: string, limit: number): string {
  return `SELECT * FROM ${ident(table)} LIMIT ${Math.max(0, Math.floor(limit))}`;
}
