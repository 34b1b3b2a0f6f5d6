/**
 * Undo for the cleaning pass. Before a rule rewrites a column it copies the
 * values it is about to change into a side table in schema `crm_lens_undo`,
 * keyed by `rowid` (stable in DuckDB across UPDATE, DELETE, ADD COLUMN and
 * ALTER TYPE); the entry's `undo` statements put them back. The builders are
 * pure; `undoCleaning` / `applyCleaning` run them.
 *
 * Undo the entries of a table newest first: undoing a change to a column that
 * has changed again since is refused, and rows that `duplicate_rows` deleted
 * come back with new rowids, so older backups no longer reach them.
 */
import type { Db } from '../db/types.ts';
import { ident, lit, qident } from '../lib/sql.ts';
import type { LogEntry, Undo } from './log.ts';

export const UNDO_SCHEMA = 'crm_lens_undo';

/** A column's values replaced by `expr` (SQL over the column), possibly with a new type. */
export interface ColumnRewrite {
  table: string;
  column: string;
  /** The column's type before and after (DuckDB spelling, e.g. `VARCHAR`, `DOUBLE`). */
  from: string;
  to: string;
  /** The new value, an expression over `ident(column)`. */
  expr: string;
  /** Same-type rewrites only: the rows to rewrite (default: every row whose text `expr` changes). */
  where?: string;
  /** Keep the text of values `expr` could not read: a new column `raw`, filled where `rawWhere` holds. */
  raw?: { column: string; where: string };
}

/** The side table for a table's rule on one column (or the table as a whole). */
export function backupName(table: string, rule: string, column?: string): string {
  return column === undefined ? `${table}.${rule}` : `${table}.${rule}.${column}`;
}

const TYPE = /^[A-Z][A-Z ]*(\(\d+(,\s*\d+)?\))?$/;

function typeName(t: string): string {
  if (!TYPE.test(t)) throw new Error(`Not a DuckDB type name: ${t}`);
  return t;
}

/**
 * The statements of a rewrite: back up the values, keep the unread values'
 * text, then rewrite (UPDATE when the type stays, ALTER TYPE when it changes).
 * The backup holds the rows whose text changes; every non-NULL row when the
 * old type is not text, so the undo can rebuild the column from it alone.
 * Inside one transaction DuckDB refuses an ALTER after an UPDATE of the same
 * table, so every ALTER comes first (the kept text is filled by ALTER … USING).
 */
export function rewriteSql(r: ColumnRewrite, backup: string): string[] {
  const t = ident(r.table);
  const c = ident(r.column);
  const rows = r.where ? ` AND (${r.where})` : '';
  const changed = r.from === 'VARCHAR' ? `CAST(${r.expr} AS VARCHAR) IS DISTINCT FROM ${c}` : `${c} IS NOT NULL`;
  const out = [
    `CREATE SCHEMA IF NOT EXISTS ${ident(UNDO_SCHEMA)}`,
    `CREATE OR REPLACE TABLE ${qident(UNDO_SCHEMA, backup)} AS SELECT rowid AS "row", ${c} AS "v" FROM ${t} WHERE ${changed}${rows}`,
  ];
  if (r.raw) {
    const raw = ident(r.raw.column);
    out.push(`ALTER TABLE ${t} ADD COLUMN ${raw} VARCHAR`);
    out.push(`ALTER TABLE ${t} ALTER COLUMN ${raw} SET DATA TYPE VARCHAR USING CASE WHEN ${r.raw.where} THEN ${c} END`);
  }
  if (r.from === r.to) out.push(`UPDATE ${t} SET ${c} = ${r.expr} WHERE rowid IN (SELECT "row" FROM ${qident(UNDO_SCHEMA, backup)})`);
  else out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} SET DATA TYPE ${typeName(r.to)} USING ${r.expr}`);
  return out;
}

/**
 * Undo of `rewriteSql`: drop the kept text, go back to the old type (from
 * text: each value's text, which for the rows not backed up is the original;
 * from another type: NULL), then put the backed-up values in.
 */
export function undoRewriteSql(r: Pick<ColumnRewrite, 'table' | 'column' | 'from' | 'to' | 'raw'>, backup: string): string[] {
  const t = ident(r.table);
  const c = ident(r.column);
  const out: string[] = [];
  if (r.raw) out.push(`ALTER TABLE ${t} DROP COLUMN ${ident(r.raw.column)}`);
  if (r.from !== r.to) {
    const using = r.from === 'VARCHAR' ? `CAST(${c} AS VARCHAR)` : `CAST(NULL AS ${typeName(r.from)})`;
    out.push(`ALTER TABLE ${t} ALTER COLUMN ${c} SET DATA TYPE ${typeName(r.from)} USING ${using}`);
  }
  out.push(`UPDATE ${t} SET ${c} = b."v" FROM ${qident(UNDO_SCHEMA, backup)} AS b WHERE ${t}.rowid = b."row"`);
  out.push(`DROP TABLE ${qident(UNDO_SCHEMA, backup)}`);
  return out;
}

export function rewriteUndo(r: ColumnRewrite, backup: string): Undo {
  return { sql: undoRewriteSql(r, backup), backup, column: r.column, type: r.to };
}

/** Drop every backup of `table` (call when the table goes; a load also clears its new name's leftovers). */
export function dropBackupsSql(names: readonly string[]): string[] {
  return names.map((n) => `DROP TABLE IF EXISTS ${qident(UNDO_SCHEMA, n)}`);
}

export function backupsOfSql(table: string): string {
  return `SELECT table_name FROM duckdb_tables() WHERE schema_name = ${lit(UNDO_SCHEMA)} AND starts_with(table_name, ${lit(`${table}.`)}) ORDER BY table_name`;
}

export async function dropCleaningBackups(db: Db, table: string): Promise<void> {
  const names = (await db.query(backupsOfSql(table))).rows.map((r) => String(r.table_name));
  for (const sql of dropBackupsSql(names)) await db.exec(sql);
}

/** Why an undo or apply cannot run; `key` is a message in the catalogues (`rule.undo.*`), `params` its placeholders. */
export class CleaningError extends Error {
  override readonly name = 'CleaningError';
  constructor(
    readonly code: 'nothing_to_undo' | 'changed_since' | 'already_applied' | 'nothing_to_apply',
    readonly params: Record<string, string>,
  ) {
    super(CLEANING_MESSAGES[code](params));
  }
  get key(): `rule.undo.${CleaningError['code']}` {
    return `rule.undo.${this.code}`;
  }
}

const CLEANING_MESSAGES: Record<CleaningError['code'], (p: Record<string, string>) => string> = {
  nothing_to_undo: (p) => `Nothing to undo for ${p.rule} on ${p.table}: it was undone already, or never applied.`,
  changed_since: (p) => `Column ${p.column} of ${p.table} has changed since ${p.rule}; undo the later change first.`,
  already_applied: (p) => `${p.rule} on ${p.table} is applied already; undo it first.`,
  nothing_to_apply: (p) => `${p.rule} on ${p.table} has nothing to apply.`,
};

async function backupExists(db: Db, backup: string): Promise<boolean> {
  const r = await db.query(`SELECT count(*) AS n FROM duckdb_tables() WHERE schema_name = ${lit(UNDO_SCHEMA)} AND table_name = ${lit(backup)}`);
  return Number(r.rows[0]?.n ?? 0) > 0;
}

async function columnType(db: Db, table: string, column: string): Promise<string | undefined> {
  const r = await db.query(
    `SELECT data_type FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ${lit(table)} AND column_name = ${lit(column)}`,
  );
  const t = r.rows[0]?.data_type;
  return t == null ? undefined : String(t);
}

/** Run statements all or nothing. */
export async function inTransaction(db: Db, statements: readonly string[]): Promise<void> {
  await db.exec('BEGIN TRANSACTION');
  try {
    for (const s of statements) await db.exec(s);
    await db.exec('COMMIT');
  } catch (e) {
    // A failed statement may already have ended the transaction; the first error is the one to report.
    await db.exec('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/**
 * Put back what `entry` changed: a cleaning-pass entry's column, or what
 * `applyCleaning` did for a finding. Throws `CleaningError` when there is
 * nothing to undo (undone already, or a finding never applied) or the column
 * has changed since (undo the later entry first). All or nothing.
 */
export async function undoCleaning(db: Db, entry: LogEntry): Promise<void> {
  const p = { rule: entry.rule, table: entry.table, column: entry.column ?? '' };
  const undo = entry.undo;
  if (!undo || !(await backupExists(db, undo.backup))) throw new CleaningError('nothing_to_undo', p);
  if (undo.column !== undefined && undo.type !== undefined) {
    const now = await columnType(db, entry.table, undo.column);
    if (now !== undo.type) throw new CleaningError('changed_since', p);
  }
  await inTransaction(db, undo.sql);
}

/** Make the change a finding suggests (`entry.apply`, e.g. delete duplicate rows); `undoCleaning` reverses it. All or nothing. */
export async function applyCleaning(db: Db, entry: LogEntry): Promise<void> {
  const p = { rule: entry.rule, table: entry.table, column: entry.column ?? '' };
  if (!entry.apply || entry.apply.length === 0) throw new CleaningError('nothing_to_apply', p);
  if (entry.undo && (await backupExists(db, entry.undo.backup))) throw new CleaningError('already_applied', p);
  await inTransaction(db, entry.apply);
}
