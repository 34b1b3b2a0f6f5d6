/**
 * Filling blanks: a cleaning step the user asks for, per column, logged and
 * undoable like the pass in clean.ts. A blank is NULL, or in a text column a
 * cell of spaces only (missing markers such as `NA` are a finding of their own).
 *
 *   median    numbers, dates: the middle value (for whole numbers and dates an observed one)
 *   mode      any column: the most frequent value (ties: the smallest)
 *   constant  a value the user types, which must read as the column's type
 *   missing   text columns: a level of its own (`missing`, `缺失`), so blanks stay countable
 *
 * The value is worked out first and kept in the entry (`params.value`), so a
 * reload fills with the same value; the blanks' rows go to a backup keyed by
 * rowid, and the undo puts them back exactly (NULL or the spaces that were there).
 */
import type { ColumnInfo, Db } from '../db/types.ts';
import { ident, lit, qident } from '../lib/sql.ts';
import type { LogEntry } from './log.ts';
import { blankSql, changeExample } from './markers.ts';
import { isIntegerType, isNumericType } from './roles.ts';
import { backupName, inTransaction, undoRewriteSql, UNDO_SCHEMA } from './undo.ts';

export type FillMethod = 'median' | 'mode' | 'constant' | 'missing';
export const FILL_METHODS: readonly FillMethod[] = ['median', 'mode', 'constant', 'missing'];

/** Why a method is not offered for a column (a message `fill.block.*`). */
export type FillBlock = 'no_blanks' | 'all_blank' | 'not_ordered' | 'not_text' | 'type';

export interface ColumnBlanks {
  column: string;
  type: string;
  rows: number;
  blanks: number;
}

const TEMPORAL = /^(DATE|TIMESTAMP)$/;
const FILLABLE = (type: string): boolean => type === 'VARCHAR' || type === 'BOOLEAN' || TEMPORAL.test(type) || isNumericType(type);

/** Which methods a column offers, and why not the others. */
export function fillBlocks(c: ColumnBlanks): Record<FillMethod, FillBlock | null> {
  const all = (b: FillBlock | null): Record<FillMethod, FillBlock | null> => ({ median: b, mode: b, constant: b, missing: b });
  if (!FILLABLE(c.type)) return all('type');
  if (c.blanks === 0) return all('no_blanks');
  // Filling a column with no values would make every row the same made-up value.
  if (c.blanks >= c.rows) return all('all_blank');
  return {
    median: isNumericType(c.type) || TEMPORAL.test(c.type) ? null : 'not_ordered',
    mode: null,
    constant: null,
    missing: c.type === 'VARCHAR' ? null : 'not_text',
  };
}

// ---------------------------------------------------------------- SQL

/** A blank cell of a column of this type. */
export function blankWhereSql(column: string, type: string): string {
  const c = ident(column);
  return type === 'VARCHAR' ? `(${c} IS NULL OR ${blankSql(c)})` : `${c} IS NULL`;
}

/** One scan: `rows`, and per column `b{i}` its blanks. */
export function blankCountsSql(table: string, columns: readonly ColumnInfo[]): string {
  const parts = columns.map((col, i) => `count(*) FILTER (WHERE ${blankWhereSql(col.name, col.type)}) AS ${ident(`b${i}`)}`);
  return `SELECT ${['count(*) AS "rows"', ...parts].join(', ')} FROM ${ident(table)}`;
}

/** The value `median` or `mode` fills with, as text (`v`); NULL when the column has none. */
export function fillValueSql(table: string, column: string, type: string, method: 'median' | 'mode'): string {
  const c = ident(column);
  const t = ident(table);
  const filled = `NOT ${blankWhereSql(column, type)}`;
  if (method === 'mode') return `SELECT CAST(${c} AS VARCHAR) AS v FROM ${t} WHERE ${filled} GROUP BY ${c} ORDER BY count(*) DESC, ${c} LIMIT 1`;
  // Whole numbers and dates take an observed middle value, so the column keeps its type.
  const q = isIntegerType(type) || TEMPORAL.test(type) ? `quantile_disc(${c}, 0.5)` : `quantile_cont(${c}, 0.5)`;
  return `SELECT CAST(${q} AS VARCHAR) AS v FROM ${t} WHERE ${filled}`;
}

/** The text read as the column's type (`v`, NULL when it does not read). */
export function readAsSql(value: string, type: string): string {
  return `SELECT CAST(TRY_CAST(${lit(value)} AS ${typeName(type)}) AS VARCHAR) AS v`;
}

const TYPE = /^[A-Z][A-Z ]*(\(\d+(,\s*\d+)?\))?$/;
function typeName(t: string): string {
  if (!TYPE.test(t)) throw new Error(`Not a DuckDB type name: ${t}`);
  return t;
}

/** Back up the blanks (rowid and value), then fill them with `value`. */
export function fillSql(table: string, column: string, type: string, value: string, backup: string): string[] {
  const t = ident(table);
  const c = ident(column);
  return [
    `CREATE SCHEMA IF NOT EXISTS ${ident(UNDO_SCHEMA)}`,
    `CREATE OR REPLACE TABLE ${qident(UNDO_SCHEMA, backup)} AS SELECT rowid AS "row", ${c} AS "v" FROM ${t} WHERE ${blankWhereSql(column, type)}`,
    `UPDATE ${t} SET ${c} = CAST(${lit(value)} AS ${typeName(type)}) WHERE rowid IN (SELECT "row" FROM ${qident(UNDO_SCHEMA, backup)})`,
  ];
}

// ---------------------------------------------------------------- running

export function columnsNowSql(table: string): string {
  return `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ${lit(table)} ORDER BY column_index`;
}

/** The table's columns as they are now (a cleaning step or its undo may have changed a type). */
async function columnsNow(db: Db, table: string): Promise<ColumnInfo[]> {
  return (await db.query(columnsNowSql(table))).rows.map((r) => ({ name: String(r.column_name), type: String(r.data_type) }));
}

/** Blanks per column of a table as it is now, in table order. */
export async function tableBlanks(db: Db, table: string): Promise<ColumnBlanks[]> {
  return columnBlanks(db, table, await columnsNow(db, table));
}

/** Blanks per column of a table (the columns given, with their types). */
export async function columnBlanks(db: Db, table: string, columns: readonly ColumnInfo[]): Promise<ColumnBlanks[]> {
  if (columns.length === 0) return [];
  const r = (await db.query(blankCountsSql(table, columns))).rows[0] ?? {};
  const rows = Number(r.rows ?? 0);
  return columns.map((col, i) => ({ column: col.name, type: col.type, rows, blanks: Number(r[`b${i}`] ?? 0) }));
}

/** Why a fill cannot run; `key` is a message (`fill.error.*`). */
export class FillError extends Error {
  override readonly name = 'FillError';
  constructor(
    readonly code: 'blocked' | 'bad_value' | 'no_column',
    readonly params: Record<string, string>,
  ) {
    super(`${code}: ${JSON.stringify(params)}`);
  }
  get key(): `fill.error.${FillError['code']}` {
    return `fill.error.${this.code}`;
  }
}

export interface FillRequest {
  table: string;
  column: string;
  method: FillMethod;
  /** `constant`: the text to fill with; `missing`: the level's label (in the UI language). Replays pass the value logged. */
  value?: string;
}

/**
 * Fill a column's blanks (one transaction) and describe it: `rows` cells
 * filled, `params` the method, the value and the column's type, `undo` the
 * way back. Throws `FillError` when the method does not suit the column or
 * the value does not read as its type.
 */
export async function fillBlanks(db: Db, req: FillRequest): Promise<LogEntry> {
  const { table, column, method } = req;
  const type = (await columnsNow(db, table)).find((c) => c.name === column)?.type;
  if (type === undefined) throw new FillError('no_column', { table, column });
  const [blanks] = await columnBlanks(db, table, [{ name: column, type }]);
  const block = fillBlocks(blanks!)[method];
  if (block) throw new FillError('blocked', { column, method, reason: block });

  let value: string | null;
  if (req.value !== undefined) {
    const given = req.value.trim();
    value = given === '' ? null : String((await db.query(readAsSql(given, type))).rows[0]?.v ?? '') || null;
    if (value === null) throw new FillError('bad_value', { column, value: req.value, type });
  } else if (method === 'median' || method === 'mode') {
    const v = (await db.query(fillValueSql(table, column, type, method))).rows[0]?.v;
    value = v == null ? null : String(v);
    if (value === null) throw new FillError('blocked', { column, method, reason: 'all_blank' });
  } else {
    throw new FillError('bad_value', { column, value: '', type });
  }

  const backup = backupName(table, 'filled', column);
  const statements = fillSql(table, column, type, value, backup);
  const examples = (
    await db.query(`SELECT ${ident(column)} AS before, count(*) AS n FROM ${ident(table)} WHERE ${blankWhereSql(column, type)} GROUP BY ALL ORDER BY n DESC LIMIT 3`)
  ).rows.map((r) => (r.before == null ? `NULL → ${type === 'VARCHAR' ? JSON.stringify(value) : value}` : changeExample(r.before, value, type === 'VARCHAR')));
  await inTransaction(db, statements);
  return {
    rule: 'filled',
    table,
    column,
    rows: blanks!.blanks,
    examples,
    sql: statements.join(';\n'),
    params: { method, value, type },
    undo: { sql: undoRewriteSql({ table, column, from: type, to: type }, backup), backup, column, type },
  };
}
