/**
 * Findings: what a table's values suggest checking, reported and never
 * changed on load. `LoadResult.findings` holds them; the UI can run
 * `findIssues` again after the user changes roles.
 *
 *   duplicate_rows   rows repeating an earlier row exactly; `apply` deletes the copies (undoable)
 *   duplicate_ids    the table's own id repeating (customers, tickets, leads; an order id
 *                    repeats by design in a table of order lines)
 *   missing_markers  `NA`, `-`, `无`, blanks… in a column that stays text; `apply` makes them NULL (undoable)
 *   outliers         amount-like values beyond Tukey's far-out fences, Q1 − 3·IQR and Q3 + 3·IQR:
 *                    robust to the outliers themselves, and wide enough for the long right tail of money
 */
import type { ColumnInfo, Db, Row } from '../db/types.ts';
import { ident, lit, qident } from '../lib/sql.ts';
import { missingRewrite } from './clean.ts';
import type { LogEntry } from './log.ts';
import { isMissingSql } from './markers.ts';
import type { Role, TableInfo, TableKind } from './model.ts';
import { isNumericType } from './roles.ts';
import { perValueCountsSql } from './survey.ts';
import { backupName, rewriteSql, rewriteUndo, UNDO_SCHEMA } from './undo.ts';

const MAX_EXAMPLES = 5;
/** Tukey's "far out": 3 interquartile ranges beyond the quartiles. */
export const OUTLIER_IQR = 3;
/** Fewer values than this say nothing about outliers. */
const OUTLIER_MIN_VALUES = 8;
const OWN_ID: Partial<Record<TableKind, Role>> = { customers: 'customer_id', tickets: 'ticket_id', leads: 'lead_id' };
const AMOUNT_ROLES: readonly Role[] = ['amount', 'unit_price', 'monetary_total', 'value', 'credit_limit'];
/** The backup of deleted copies keys them by this column. */
const ROW_KEY = 'crm_lens_row';

/** An alias for the table that no column shadows: `alias` alone then means the whole row, as a struct. */
function rowAlias(columns: readonly ColumnInfo[]): string {
  const names = new Set(columns.map((c) => c.name.toLowerCase()));
  let a = 'r';
  while (names.has(a)) a += '_';
  return a;
}

// ---------------------------------------------------------------- SQL

/**
 * The table's rows that may have a copy: those whose hash another row shares, found by grouping the hashes, so that
 * the grouping by whole rows (which compares every column) runs on them only. DuckDB-WASM in Node, 10M order lines
 * with 1,000 copies: 4.9 s against 9.6 s; 1M: 0.48 s against 0.57 s. Equal rows hash alike, so none is missed.
 */
function maybeCopiesSql(table: string, alias: string): string {
  const a = ident(alias);
  const t = ident(table);
  return `${t} AS ${a} WHERE hash(${a}) IN (SELECT hash(${a}) FROM ${t} AS ${a} GROUP BY 1 HAVING count(*) > 1)`;
}

/** Rows that have exact copies (`groups`) and the copies beyond the first (`extra`). */
export function duplicateRowsSql(table: string, alias: string): string {
  return `SELECT count(*) AS groups, coalesce(sum(n - 1), 0) AS extra FROM (SELECT count(*) AS n FROM ${maybeCopiesSql(table, alias)} GROUP BY ${ident(alias)} HAVING count(*) > 1)`;
}

export function duplicateExamplesSql(table: string, alias: string, limit = MAX_EXAMPLES): string {
  const a = ident(alias);
  return `SELECT CAST(${a} AS VARCHAR) AS v, count(*) AS n FROM ${maybeCopiesSql(table, alias)} GROUP BY ${a} HAVING count(*) > 1 ORDER BY n DESC, v LIMIT ${Math.trunc(limit)}`;
}

/** The same rows as `duplicateExamplesSql`, one text column per table column (`v0`, `v1`…) and `n`. */
export function duplicateSampleSql(table: string, alias: string, columns: readonly string[], limit = MAX_EXAMPLES): string {
  const a = ident(alias);
  const fields = columns.map((c, i) => `CAST(struct_extract(g, ${lit(c)}) AS VARCHAR) AS ${ident(`v${i}`)}`);
  return (
    `SELECT ${[...fields, 'n'].join(', ')} FROM (SELECT ${a} AS g, count(*) AS n FROM ${maybeCopiesSql(table, alias)} GROUP BY ${a} HAVING count(*) > 1) ` +
    `ORDER BY n DESC, CAST(g AS VARCHAR) LIMIT ${Math.trunc(limit)}`
  );
}

/** Every copy after the first of each row (what deduplication deletes), with its rowid. */
export function duplicateCopiesSql(table: string, alias: string): string {
  const a = ident(alias);
  return `SELECT rowid AS ${ident(ROW_KEY)}, * FROM ${ident(table)} AS ${a} QUALIFY row_number() OVER (PARTITION BY ${a} ORDER BY rowid) > 1`;
}

/** Delete the copies, keeping the first of each row; the copies go to `backup` for the undo. */
export function dedupeSql(table: string, alias: string, backup: string): string[] {
  return [
    `CREATE SCHEMA IF NOT EXISTS ${ident(UNDO_SCHEMA)}`,
    `CREATE TABLE ${qident(UNDO_SCHEMA, backup)} AS ${duplicateCopiesSql(table, alias)}`,
    `DELETE FROM ${ident(table)} WHERE rowid IN (SELECT ${ident(ROW_KEY)} FROM ${qident(UNDO_SCHEMA, backup)})`,
  ];
}

/** Put the deleted copies back (at the end of the table: row order is not kept). */
export function undoDedupeSql(table: string, backup: string): string[] {
  return [`INSERT INTO ${ident(table)} BY NAME SELECT * EXCLUDE (${ident(ROW_KEY)}) FROM ${qident(UNDO_SCHEMA, backup)}`, `DROP TABLE ${qident(UNDO_SCHEMA, backup)}`];
}

/** Ids on more than one row: how many ids, on how many rows. */
export function duplicateIdsSql(table: string, column: string): string {
  const c = ident(column);
  return `SELECT count(*) AS ids, coalesce(sum(n), 0) AS rows FROM (SELECT count(*) AS n FROM ${ident(table)} WHERE ${c} IS NOT NULL GROUP BY ${c} HAVING count(*) > 1)`;
}

export function duplicateIdExamplesSql(table: string, column: string, limit = MAX_EXAMPLES): string {
  const c = ident(column);
  return `SELECT CAST(${c} AS VARCHAR) AS v, count(*) AS n FROM ${ident(table)} WHERE ${c} IS NOT NULL GROUP BY ${c} HAVING count(*) > 1 ORDER BY n DESC, v LIMIT ${Math.trunc(limit)}`;
}

export function duplicateIdRowsSql(table: string, column: string): string {
  const c = ident(column);
  const t = ident(table);
  return `SELECT rowid, * FROM ${t} WHERE ${c} IN (SELECT ${c} FROM ${t} GROUP BY ${c} HAVING count(*) > 1) ORDER BY ${c}, rowid`;
}

export function quartilesSql(table: string, column: string): string {
  const c = ident(column);
  return `SELECT count(${c}) AS n, quantile_cont(${c}, 0.25) AS q1, quantile_cont(${c}, 0.5) AS median, quantile_cont(${c}, 0.75) AS q3 FROM ${ident(table)}`;
}

export function outlierCountsSql(table: string, column: string, low: number, high: number): string {
  const c = ident(column);
  return `SELECT count(*) FILTER (WHERE ${c} < ${lit(low)}) AS below, count(*) FILTER (WHERE ${c} > ${lit(high)}) AS above FROM ${ident(table)}`;
}

/** The outlying rows, most extreme first. */
export function outlierRowsSql(table: string, column: string, low: number, high: number, median: number): string {
  const c = ident(column);
  return `SELECT rowid, * FROM ${ident(table)} WHERE ${c} < ${lit(low)} OR ${c} > ${lit(high)} ORDER BY abs(${c} - ${lit(median)}) DESC`;
}

export function outlierExamplesSql(table: string, column: string, low: number, high: number, median: number, limit = MAX_EXAMPLES): string {
  const c = ident(column);
  return (
    `SELECT CAST(${c} AS VARCHAR) AS v, count(*) AS n FROM ${ident(table)} WHERE ${c} < ${lit(low)} OR ${c} > ${lit(high)} ` +
    `GROUP BY ${c} ORDER BY abs(${c} - ${lit(median)}) DESC LIMIT ${Math.trunc(limit)}`
  );
}

export function markerCountsSql(table: string, columns: readonly string[]): string {
  return perValueCountsSql(table, columns, (v, i) => [[`m${i}`, isMissingSql(v)]]);
}

export function markerExamplesSql(table: string, column: string, limit = MAX_EXAMPLES): string {
  const c = ident(column);
  return `SELECT ${c} AS v, count(*) AS n FROM ${ident(table)} WHERE ${isMissingSql(c)} GROUP BY ${c} ORDER BY n DESC, v LIMIT ${Math.trunc(limit)}`;
}

// ---------------------------------------------------------------- running

async function one(db: Db, sql: string): Promise<Row> {
  return (await db.query(sql)).rows[0] ?? {};
}

function counted(rows: readonly Row[], quote: boolean): string[] {
  return rows.map((r) => {
    const v = String(r.v);
    return `${quote ? JSON.stringify(v) : v.length > 120 ? `${v.slice(0, 119)}…` : v} ×${Number(r.n)}`;
  });
}

/** One column's counted values as a finding's `sample`. */
function columnSample(column: string, rows: readonly Row[]): NonNullable<LogEntry['sample']> {
  return { columns: [column], rows: rows.map((r) => ({ values: [r.v == null ? null : String(r.v)], count: Number(r.n) })) };
}

function withSample(column: string, rows: readonly Row[], quote: boolean): Pick<LogEntry, 'examples' | 'sample'> {
  return { examples: counted(rows, quote), sample: columnSample(column, rows) };
}

async function duplicateRows(db: Db, table: TableInfo): Promise<LogEntry | undefined> {
  const alias = rowAlias(table.columns);
  const d = await one(db, duplicateRowsSql(table.name, alias));
  const extra = Number(d.extra ?? 0);
  if (extra === 0) return undefined;
  const backup = backupName(table.name, 'duplicate_rows');
  const names = table.columns.map((c) => c.name);
  const sample = (await db.query(duplicateSampleSql(table.name, alias, names))).rows.map((r) => ({
    values: names.map((_, i) => (r[`v${i}`] == null ? null : String(r[`v${i}`]))),
    count: Number(r.n),
  }));
  return {
    rule: 'duplicate_rows',
    table: table.name,
    rows: extra,
    examples: counted((await db.query(duplicateExamplesSql(table.name, alias))).rows, false),
    sql: duplicateCopiesSql(table.name, alias),
    sample: { columns: names, rows: sample },
    params: { groups: Number(d.groups) },
    apply: dedupeSql(table.name, alias, backup),
    undo: { sql: undoDedupeSql(table.name, backup), backup },
  };
}

async function duplicateIds(db: Db, table: TableInfo): Promise<LogEntry | undefined> {
  const role = OWN_ID[table.kind];
  const column = role && table.roles[role];
  if (!role || !column || !table.columns.some((c) => c.name === column)) return undefined;
  const d = await one(db, duplicateIdsSql(table.name, column));
  if (Number(d.ids ?? 0) === 0) return undefined;
  return {
    rule: 'duplicate_ids',
    table: table.name,
    column,
    rows: Number(d.rows),
    ...withSample(column, (await db.query(duplicateIdExamplesSql(table.name, column))).rows, true),
    sql: duplicateIdRowsSql(table.name, column),
    params: { role, ids: Number(d.ids) },
  };
}

async function missingMarkers(db: Db, table: TableInfo, known?: ReadonlyMap<string, number>): Promise<LogEntry[]> {
  const text = table.columns.filter((c) => c.type === 'VARCHAR').map((c) => c.name);
  // Counted here: the columns the load did not count (at 10M lines the count took 4.5–4.9 s).
  const unknown = text.filter((c) => !known?.has(c));
  const m = unknown.length > 0 ? await one(db, markerCountsSql(table.name, unknown)) : {};
  const out: LogEntry[] = [];
  for (const column of text) {
    const rows = known?.get(column) ?? Number(m[`m${unknown.indexOf(column)}`] ?? 0);
    if (rows === 0) continue;
    const rw = missingRewrite(table.name, column);
    const backup = backupName(table.name, 'missing_markers', column);
    out.push({
      rule: 'missing_markers',
      table: table.name,
      column,
      rows,
      ...withSample(column, (await db.query(markerExamplesSql(table.name, column))).rows, true),
      sql: `SELECT rowid, * FROM ${ident(table.name)} WHERE ${isMissingSql(ident(column))}`,
      apply: rewriteSql(rw, backup),
      undo: rewriteUndo(rw, backup),
    });
  }
  return out;
}

async function outliers(db: Db, table: TableInfo): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  const seen = new Set<string>();
  for (const role of AMOUNT_ROLES) {
    const column = table.roles[role];
    const col = table.columns.find((c) => c.name === column);
    if (!column || !col || seen.has(column) || !isNumericType(col.type)) continue;
    seen.add(column);
    const q = await one(db, quartilesSql(table.name, column));
    const [q1, median, q3] = [Number(q.q1), Number(q.median), Number(q.q3)];
    const iqr = q3 - q1;
    if (Number(q.n ?? 0) < OUTLIER_MIN_VALUES || !(iqr > 0)) continue;
    const low = q1 - OUTLIER_IQR * iqr;
    const high = q3 + OUTLIER_IQR * iqr;
    const k = await one(db, outlierCountsSql(table.name, column, low, high));
    const below = Number(k.below ?? 0);
    const above = Number(k.above ?? 0);
    if (below + above === 0) continue;
    out.push({
      rule: 'outliers',
      table: table.name,
      column,
      rows: below + above,
      ...withSample(column, (await db.query(outlierExamplesSql(table.name, column, low, high, median))).rows, false),
      sql: outlierRowsSql(table.name, column, low, high, median),
      params: { role, low, high, below, above, q1, q3 },
    });
  }
  return out;
}

/** What the load counted already: `markerCounts`, the missing markers of text columns (the cleaning's survey). */
export interface KnownCounts {
  markerCounts?: ReadonlyMap<string, number>;
}

/** What the table's values suggest checking; changes nothing. `known`: counts not to take again. */
export async function findIssues(db: Db, table: TableInfo, known: KnownCounts = {}): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  const dup = await duplicateRows(db, table);
  if (dup) out.push(dup);
  const ids = await duplicateIds(db, table);
  if (ids) out.push(ids);
  out.push(...(await missingMarkers(db, table, known.markerCounts)));
  out.push(...(await outliers(db, table)));
  return out;
}
