/**
 * NUL characters (zero bytes), one rule wherever they occur: in the head of
 * a text file they mean binary (decode.ts, `binary_file`); in a column name
 * the load is refused with the column's position (`nul_in_header`); in a
 * value they are removed and logged (`nul_removed`), never kept silently.
 */
import type { ColumnInfo, Db } from '../db/types.ts';
import { ident } from '../lib/sql.ts';
import { IngestError } from './errors.ts';
import type { LogEntry } from './log.ts';

const MAX_EXAMPLES = 5;

/**
 * DuckDB takes a NUL in a header as part of the column name, and no SQL can
 * name that column safely: refused, with the column's 1-based position.
 */
export function assertNoNulInNames(columns: readonly ColumnInfo[], file: string): void {
  const at = columns.findIndex((c) => c.name.includes('\0'));
  if (at >= 0) throw new IngestError({ code: 'nul_in_header', file, params: { position: at + 1 } });
}

const NUL = 'chr(0)';

/** One scan: how many cells of each text column hold a NUL character. */
export function nulCountsSql(table: string, columns: readonly string[]): string {
  const parts = columns.map((c, i) => `count(*) FILTER (WHERE contains(${ident(c)}, ${NUL})) AS ${ident(`n${i}`)}`);
  return `SELECT ${parts.join(', ')} FROM ${ident(table)}`;
}

export function nulExamplesSql(table: string, column: string, limit: number): string {
  const c = ident(column);
  return `SELECT DISTINCT ${c} AS v FROM ${ident(table)} WHERE contains(${c}, ${NUL}) ORDER BY v LIMIT ${Math.trunc(limit)}`;
}

export function removeNulSql(table: string, column: string): string {
  const c = ident(column);
  return `UPDATE ${ident(table)} SET ${c} = replace(${c}, ${NUL}, '') WHERE contains(${c}, ${NUL})`;
}

/**
 * A NUL character in a value (a zero byte past the head of a text file, a
 * `\u0000` in JSON, a spreadsheet cell) is removed, never kept silently: it
 * breaks comparisons, exports and other programs. Logged per column, with
 * examples as `"before" → after`.
 */
export async function removeNuls(db: Db, table: string, columns: readonly ColumnInfo[]): Promise<LogEntry[]> {
  const text = columns.filter((c) => c.type === 'VARCHAR').map((c) => c.name);
  if (text.length === 0) return [];
  const counts = (await db.query(nulCountsSql(table, text))).rows[0] ?? {};
  const log: LogEntry[] = [];
  for (const [i, column] of text.entries()) {
    const cells = Number(counts[`n${i}`] ?? 0);
    if (cells === 0) continue;
    const examples = (await db.query(nulExamplesSql(table, column, MAX_EXAMPLES))).rows.map((r) => `${JSON.stringify(String(r.v))} → ${JSON.stringify(String(r.v).replaceAll('\0', ''))}`);
    const sql = removeNulSql(table, column);
    await db.exec(sql);
    log.push({ rule: 'nul_removed', table, column, rows: cells, examples, sql, params: { cells } });
  }
  return log;
}
