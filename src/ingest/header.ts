/** Whether a delimited file has a header line, and naming the columns of one that does not. */
import type { ColumnInfo, Db } from '../db/types.ts';
import { ident, lit } from '../lib/sql.ts';

/** The first line of CSV bytes (a quoted line break may cut it short; it is only looked at for names). */
export function firstLine(utf8: Uint8Array): string {
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

export async function headerLooksLikeData(db: Db, table: string, columns: readonly ColumnInfo[]): Promise<boolean> {
  if (columns.length === 0 || columns.some((c) => c.type !== 'VARCHAR')) return false;
  const n = Number((await db.query(headerRecurrenceSql(table, columns.map((c) => c.name)))).rows[0]?.n ?? 0);
  return n >= Math.max(1, Math.ceil(columns.length / 2));
}
