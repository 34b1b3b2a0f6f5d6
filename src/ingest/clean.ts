/**
 * The cleaning pass, run on every table right after DuckDB reads it (after
 * load.ts's blank_to_null and compact_date). Each rule is a small pure SQL
 * builder (here, numbers.ts, dates.ts); this file decides which apply and
 * runs them through `rewriteSql` (undo.ts), so every change is logged with
 * its examples, its SQL and an `undo`.
 *
 * Per text column, in order:
 *   trimmed          space around values removed (whitespace-only cells are left to the next rules)
 *   missing_to_null  `NA`, `-`, `无`… → NULL, only when the rest then takes a type (below)
 *   parsed_dates     when ≥ 98 % of the other values read as dates (dates.ts)
 *   parsed_numbers   else when ≥ 98 % read as numbers (numbers.ts)
 * Per typed column: `excel_dates` (serial day numbers in a date-named
 * column), `to_utc` (TIMESTAMP WITH TIME ZONE → TIMESTAMP in UTC).
 * Last, per float column whose header names an id (`CustomerID` read as
 * `17850.0` because blanks made it numeric): `whole_ids` → BIGINT, so it
 * joins with a file that writes `17850`.
 *
 * The values that do not read (≤ 2 %) become NULL in the converted column
 * and keep their text in a new column `<name>__raw`, and the entry lists them:
 * a 99 %-numeric amount column stays useful to every measure, nothing the
 * user wrote is lost or hidden, and `WHERE "<name>__raw" IS NOT NULL` finds
 * them. A column of plain whole numbers with some text is left as text: that
 * is a column of codes (ids, postcodes), not of measurements.
 */
import type { ColumnInfo, Db, Row } from '../db/types.ts';
import { ident, lit, litList } from '../lib/sql.ts';
import { chooseDateReading, DATE_NAME, dateLikeSql, dateProfileSql, dateValueSql, eitherOrderSql, excelSerialProfileSql, excelSerialSql, utcSql, type DayOrder } from './dates.ts';
import type { Choice, CleaningRule, LogEntry } from './log.ts';
import { blankSql, changeExample, isMissingSql, trimSql } from './markers.ts';
import { isIdHeader } from './roles.ts';
import { perValueCountsSql } from './survey.ts';
import { chooseNumberReading, numberCountsSql, numberLikeSql, numberProfileSql, numberValueSql, plainNumberSql, type DecimalMark, type NumberReading } from './numbers.ts';
import { backupName, backupsOfSql, dropBackupsSql, inTransaction, rewriteSql, rewriteUndo, undoCleaning, type ColumnRewrite } from './undo.ts';

/** Share of a column's non-missing values that must read for it to change type. */
export const CONVERT_SHARE = 0.98;
const MAX_EXAMPLES = 5;
const MAX_UNPARSED = 20;
const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|REAL|DECIMAL(\(\d+,\s*\d+\))?)$/;

export interface CleanOptions {
  /** The file had no header: names say nothing, so no name-based rule (yyyymmdd text, Excel serials) applies. */
  headerless?: boolean;
  /**
   * The formats DuckDB's CSV sniffer typed dates and timestamps with (`sniff_csv`), when some typed
   * column's day/month order could matter (`dayMonthMayMatter`). DuckDB reads `5/3/2024` in one order
   * for the whole file, day first when no value decides it; such a guess is logged as ambiguous.
   */
  formats?: DateFormats;
  /**
   * Filled in: each text column's missing markers as the survey counted them (the findings' count, which a
   * column that stays text still has after the cleaning: its only change is the trim, which the count ignores).
   */
  markerCounts?: Map<string, number>;
}

export interface DateFormats {
  date: string | null;
  timestamp: string | null;
}

// ---------------------------------------------------------------- SQL

/**
 * One scan over the text columns: per column `f` filled, `t` to trim, `m`
 * missing markers, `d` values shaped like a date, `n` like a number (cheap
 * regex checks that pick the columns worth a closer look).
 */
export function textSurveySql(table: string, columns: readonly string[], o: CleanOptions = {}): string {
  return perValueCountsSql(table, columns, (v, i) => {
    const trimmed = trimSql(v);
    return [
      [`f${i}`, `${v} IS NOT NULL`],
      [`t${i}`, `NOT ${blankSql(v)} AND ${v} <> ${trimmed}`],
      [`m${i}`, isMissingSql(v)],
      [`d${i}`, dateLikeSql(trimmed, compactDates(columns[i]!, o))],
      [`n${i}`, numberLikeSql(trimmed)],
    ];
  });
}

/** `20240305` reads as a date only in a column whose name says so, and only when there are names. */
function compactDates(column: string, o: CleanOptions): boolean {
  return !o.headerless && DATE_NAME.test(column);
}

export function trimRewrite(table: string, column: string): ColumnRewrite {
  const c = ident(column);
  return { table, column, from: 'VARCHAR', to: 'VARCHAR', expr: trimSql(c), where: `NOT ${blankSql(c)}` };
}

export function missingRewrite(table: string, column: string): ColumnRewrite {
  const c = ident(column);
  return { table, column, from: 'VARCHAR', to: 'VARCHAR', expr: `CASE WHEN ${isMissingSql(c)} THEN NULL ELSE ${c} END`, where: isMissingSql(c) };
}

/** `before`, `after` and how often, for rows `where` holds; `first` sorts the most telling ones first. */
export function changesSql(table: string, column: string, expr: string, where: string, first = 'FALSE', limit = MAX_EXAMPLES): string {
  const c = ident(column);
  return (
    `SELECT ${c} AS before, CAST(${expr} AS VARCHAR) AS after, count(*) AS n FROM ${ident(table)} WHERE ${where} ` +
    `GROUP BY ALL ORDER BY bool_or(${first}) DESC, n DESC, before LIMIT ${Math.trunc(limit)}`
  );
}

/** The same values under another reading, for a `Choice`. */
function readingsOfSql(table: string, column: string, expr: string, values: readonly string[]): string {
  const c = ident(column);
  return `SELECT DISTINCT ${c} AS before, CAST(${expr} AS VARCHAR) AS after FROM ${ident(table)} WHERE ${c} IN (${litList(values)}) ORDER BY before`;
}

export function unparsedSql(table: string, column: string, where: string, limit = MAX_UNPARSED): string {
  const c = ident(column);
  return `SELECT ${c} AS v, count(*) AS n FROM ${ident(table)} WHERE ${where} GROUP BY ${c} ORDER BY n DESC, v LIMIT ${Math.trunc(limit)}`;
}

/** Values that do not read: not NULL, not a missing marker, and `expr` gives NULL. */
function unreadSql(c: string, expr: string): string {
  return `${c} IS NOT NULL AND NOT ${isMissingSql(c)} AND (${expr}) IS NULL`;
}

const FLOAT = /^(DOUBLE|FLOAT|REAL|DECIMAL(\(\d+,\s*\d+\))?)$/;

/** Per float column: `f` filled, `w` whole numbers that fit a BIGINT exactly (below 2^53). */
export function wholeSurveySql(table: string, columns: readonly string[]): string {
  const parts = columns.flatMap((name, i) => {
    const c = ident(name);
    return [`count(${c}) AS ${ident(`f${i}`)}`, `count(*) FILTER (WHERE ${c} = trunc(${c}) AND abs(${c}) < 9007199254740992) AS ${ident(`w${i}`)}`];
  });
  return `SELECT ${parts.join(', ')} FROM ${ident(table)}`;
}

export function wholeIdRewrite(table: string, column: string, from: string): ColumnRewrite {
  return { table, column, from, to: 'BIGINT', expr: `CAST(${ident(column)} AS BIGINT)` };
}

/** Per DATE/TIMESTAMP column: its largest day (`x`) and whether any day differs from its month (`y`). */
export function dayMonthSurveySql(table: string, columns: readonly string[]): string {
  const parts = columns.flatMap((name, i) => {
    const c = ident(name);
    return [`max(day(${c})) AS ${ident(`x${i}`)}`, `coalesce(bool_or(day(${c}) <> month(${c})), FALSE) AS ${ident(`y${i}`)}`];
  });
  return `SELECT ${parts.join(', ')} FROM ${ident(table)}`;
}

/** The same instant with day and month swapped (valid when every day is ≤ 12). */
export function swapDayMonthSql(c: string, type: string): string {
  const swapped = `make_date(year(${c}), day(${c}), month(${c}))`;
  return type === 'DATE' ? swapped : `(${c} + to_days(CAST(${swapped} - CAST(${c} AS DATE) AS INTEGER)))`;
}

/** Which order a strptime format reads: `%d/%m/%Y` day first, `%m-%d-%y` month first, ISO neither. */
export function formatOrder(format: string | null | undefined): DayOrder | undefined {
  if (!format) return undefined;
  if (/^%-?d/.test(format)) return 'DMY';
  if (/^%-?m/.test(format)) return 'MDY';
  return undefined;
}

function columnsSql(table: string): string {
  return `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = ${lit(table)} ORDER BY column_index`;
}

// ---------------------------------------------------------------- running

async function one(db: Db, sql: string): Promise<Row> {
  return (await db.query(sql)).rows[0] ?? {};
}

async function columnsOf(db: Db, table: string): Promise<ColumnInfo[]> {
  return (await db.query(columnsSql(table))).rows.map((r) => ({ name: String(r.column_name), type: String(r.data_type) }));
}

type EntryBody = Pick<LogEntry, 'rows' | 'examples'> & Partial<Pick<LogEntry, 'params' | 'unparsed' | 'choices'>>;

/** Back up, rewrite, and describe it. */
async function run(db: Db, rule: CleaningRule, rw: ColumnRewrite, body: EntryBody): Promise<LogEntry> {
  const backup = backupName(rw.table, rule, rw.column);
  const statements = rewriteSql(rw, backup);
  await inTransaction(db, statements);
  return { rule, table: rw.table, column: rw.column, ...body, sql: statements.join(';\n'), undo: rewriteUndo(rw, backup) };
}

async function examples(db: Db, sql: string, afterIsText = false): Promise<string[]> {
  return (await db.query(sql)).rows.map((r) => changeExample(r.before, r.after, afterIsText));
}

/** A name for the companion column not yet in the table (compared case-insensitively, as DuckDB does). */
function freeName(base: string, taken: readonly ColumnInfo[]): string {
  const lower = new Set(taken.map((c) => c.name.toLowerCase()));
  if (!lower.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) if (!lower.has(`${base}_${i}`.toLowerCase())) return `${base}_${i}`;
}

/** A conversion worked out but not yet run. */
interface Plan {
  rule: 'parsed_numbers' | 'parsed_dates';
  to: string;
  expr: string;
  /** Sorts the most telling examples first. */
  first: string;
  params: Record<string, string | number>;
  unparsed: number;
  /** The other reading, when this one was a guess. */
  other?: { params: Record<string, string | number>; expr: string; where: string };
}

async function planDates(db: Db, table: string, column: string, nonMissing: number, o: CleanOptions, force?: DayOrder): Promise<Plan | undefined> {
  const compact = compactDates(column, o);
  const p = await one(db, dateProfileSql(table, column, compact));
  const choice = chooseDateReading(p, compact, force);
  if (choice.parsed === 0 || (choice.parsed < CONVERT_SHARE * nonMissing && !force)) return undefined;
  const c = ident(column);
  const { reading } = choice;
  const params: Record<string, string | number> = { to: reading.to, converted: choice.parsed };
  if (choice.dayMonth > 0) params.order = reading.order;
  if (Number(p.utc) > 0) params.utc = Number(p.utc);
  if (Number(p.month) > 0) params.month = Number(p.month);
  if (choice.ambiguous) params.ambiguous = 1;
  const plan: Plan = {
    rule: 'parsed_dates',
    to: reading.to,
    expr: dateValueSql(c, reading),
    first: choice.ambiguous ? eitherOrderSql(c) : `${c} <> CAST(${dateValueSql(c, reading)} AS VARCHAR)`,
    params,
    unparsed: nonMissing - choice.parsed,
  };
  if (choice.ambiguous) {
    const order: DayOrder = reading.order === 'DMY' ? 'MDY' : 'DMY';
    plan.other = { params: { order }, expr: dateValueSql(c, { ...reading, order }), where: eitherOrderSql(c) };
  }
  return plan;
}

async function planNumbers(db: Db, table: string, column: string, nonMissing: number, force?: DecimalMark): Promise<Plan | undefined> {
  const p = await one(db, numberProfileSql(table, column));
  const choice = chooseNumberReading(p, force ? { decimal: force } : {});
  if (!choice) return undefined;
  const { reading } = choice;
  const k = await one(db, numberCountsSql(table, column, reading));
  const converted = Number(k.converted ?? 0);
  const unparsed = nonMissing - converted;
  if (converted === 0 || (converted < CONVERT_SHARE * nonMissing && !force)) return undefined;
  const integer = Number(k.integers ?? 0) === converted;
  if (integer && unparsed > 0) return undefined;
  const c = ident(column);
  const to = integer ? 'BIGINT' : 'DOUBLE';
  const params: Record<string, string | number> = { to, converted };
  if (!integer) params.decimal = reading.decimal;
  for (const key of ['percent', 'multiplied', 'negative'] as const) if (Number(k[key]) > 0) params[key] = Number(k[key]);
  if (reading.percent) params.scale = 0.01;
  if (reading.currency && Number(k.currency) > 0) params.currency = reading.currency;
  if (choice.ambiguous) params.ambiguous = 1;
  const plan: Plan = { rule: 'parsed_numbers', to, expr: numberValueSql(c, reading, integer), first: `NOT ${plainNumberSql(c)}`, params, unparsed };
  if (choice.ambiguous) {
    const other: NumberReading = { ...reading, decimal: reading.decimal === '.' ? ',' : '.' };
    plan.other = { params: { decimal: other.decimal }, expr: numberValueSql(c, other, false), where: `regexp_full_match(${c}, '.*\\d{1,3}[.,]\\d{3}.*')` };
  }
  return plan;
}

/** Run a plan: markers to NULL first (its own entry), then the conversion. */
async function runPlan(db: Db, table: string, column: string, plan: Plan, missing: number): Promise<LogEntry[]> {
  const c = ident(column);
  const out: LogEntry[] = [];
  if (missing > 0) {
    const rw = missingRewrite(table, column);
    const ex = (await db.query(`SELECT ${c} AS before, count(*) AS n FROM ${ident(table)} WHERE ${isMissingSql(c)} GROUP BY ALL ORDER BY n DESC, before LIMIT ${MAX_EXAMPLES}`)).rows.map((r) =>
      changeExample(r.before, null),
    );
    out.push(await run(db, 'missing_to_null', rw, { rows: missing, examples: ex, params: { to: plan.to } }));
  }
  const ex = await examples(db, changesSql(table, column, plan.expr, `${c} IS NOT NULL AND (${plan.expr}) IS NOT NULL`, plan.first));
  let choices: Choice[] | undefined;
  if (plan.other) {
    const shown = (await db.query(changesSql(table, column, plan.expr, `${plan.other.where} AND (${plan.expr}) IS NOT NULL`))).rows.map((r) => String(r.before));
    choices = [{ params: plan.other.params, examples: shown.length > 0 ? await examples(db, readingsOfSql(table, column, plan.other.expr, shown)) : [] }];
  }
  const rw: ColumnRewrite = { table, column, from: 'VARCHAR', to: plan.to, expr: plan.expr };
  const params = { ...plan.params };
  let unparsed: LogEntry['unparsed'];
  const rows = Number((await one(db, `SELECT count(${c}) AS n FROM ${ident(table)}`)).n ?? 0);
  if (plan.unparsed > 0) {
    const raw = freeName(`${column}__raw`, await columnsOf(db, table));
    const where = unreadSql(c, plan.expr);
    rw.raw = { column: raw, where };
    unparsed = (await db.query(unparsedSql(table, column, where))).rows.map((r) => ({ value: String(r.v), rows: Number(r.n) }));
    params.unparsed = plan.unparsed;
    params.raw = raw;
  }
  out.push(await run(db, plan.rule, rw, { rows, examples: ex, params, ...(unparsed ? { unparsed } : {}), ...(choices ? { choices } : {}) }));
  return out;
}

async function typedColumn(db: Db, table: string, col: ColumnInfo, o: CleanOptions): Promise<LogEntry | undefined> {
  const c = ident(col.name);
  if (col.type === 'TIMESTAMP WITH TIME ZONE') {
    const expr = utcSql(c);
    const rows = Number((await one(db, `SELECT count(${c}) AS n FROM ${ident(table)}`)).n ?? 0);
    if (rows === 0) return undefined;
    const ex = await examples(db, changesSql(table, col.name, expr, `${c} IS NOT NULL`));
    return run(db, 'to_utc', { table, column: col.name, from: col.type, to: 'TIMESTAMP', expr }, { rows, examples: ex, params: { to: 'TIMESTAMP' } });
  }
  if (o.headerless || !NUMERIC.test(col.type) || !DATE_NAME.test(col.name)) return undefined;
  const p = await one(db, excelSerialProfileSql(table, col.name));
  const filled = Number(p.filled ?? 0);
  if (filled === 0 || Number(p.serials) !== filled) return undefined;
  const to = Number(p.fractions) > 0 ? 'TIMESTAMP' : 'DATE';
  const expr = excelSerialSql(c, to);
  const ex = await examples(db, changesSql(table, col.name, expr, `${c} IS NOT NULL`));
  return run(db, 'excel_dates', { table, column: col.name, from: col.type, to, expr }, { rows: filled, examples: ex, params: { to } });
}

const TEMPORAL = new Set(['DATE', 'TIMESTAMP']);

/** Some DATE/TIMESTAMP column has every day ≤ 12 and a day ≠ month: it reads differently if day and month swap. */
export async function dayMonthMayMatter(db: Db, table: string, columns: readonly ColumnInfo[]): Promise<boolean> {
  const temporal = columns.filter((c) => TEMPORAL.has(c.type));
  if (temporal.length === 0) return false;
  const s = await one(db, dayMonthSurveySql(table, temporal.map((c) => c.name)));
  return temporal.some((_, i) => Number(s[`x${i}`] ?? 13) <= 12 && s[`y${i}`] === true);
}

/**
 * A column DuckDB typed with a day/month format (`format`) that no value of
 * the file decides: `order` is how it reads now; `swapped` when the user
 * already chose the other order (the column holds DuckDB's values swapped).
 */
async function typedOrderEntry(db: Db, table: string, col: ColumnInfo, format: string, order: DayOrder, swapped: boolean): Promise<Omit<LogEntry, 'undo' | 'sql'>> {
  const c = ident(col.name);
  const asRead = swapped ? swapDayMonthSql(c, col.type) : c;
  const text = `strftime(${asRead}, ${lit(format)})`;
  const changes = (expr: string, where: string) =>
    `SELECT ${text} AS before, CAST(${expr} AS VARCHAR) AS after, count(*) AS n FROM ${ident(table)} WHERE ${where} GROUP BY ALL ` +
    `ORDER BY bool_or(day(${c}) <> month(${c})) DESC, n DESC, before LIMIT ${MAX_EXAMPLES}`;
  const rows = Number((await one(db, `SELECT count(${c}) AS n FROM ${ident(table)}`)).n ?? 0);
  return {
    rule: 'parsed_dates',
    table,
    column: col.name,
    rows,
    examples: await examples(db, changes(c, `${c} IS NOT NULL`)),
    params: { to: col.type, converted: rows, order, ambiguous: 1, format },
    choices: [
      {
        params: { order: order === 'DMY' ? 'MDY' : 'DMY' },
        examples: await examples(db, changes(swapDayMonthSql(c, col.type), `day(${c}) <> month(${c})`)),
      },
    ],
  };
}

/** Columns DuckDB typed in a day/month order that no value of the file decides. */
async function typedOrders(db: Db, table: string, columns: readonly ColumnInfo[], formats: DateFormats): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for (const [type, format] of [['DATE', formats.date], ['TIMESTAMP', formats.timestamp]] as const) {
    const order = formatOrder(format);
    const cols = columns.filter((c) => c.type === type);
    if (!order || !format || cols.length === 0) continue;
    const s = await one(db, dayMonthSurveySql(table, cols.map((c) => c.name)));
    // A day above 12 anywhere in the file decided DuckDB's order for every column read with this format.
    if (cols.some((_, i) => Number(s[`x${i}`] ?? 0) > 12)) continue;
    for (const [i, col] of cols.entries()) if (s[`y${i}`] === true) out.push(await typedOrderEntry(db, table, col, format, order, false));
  }
  return out;
}

/**
 * Clean a freshly loaded table: the rules above, column by column, each
 * change logged with `undo`. Backups left by an earlier table of the same
 * name are dropped first.
 */
export async function cleanTable(db: Db, table: string, columns: readonly ColumnInfo[], o: CleanOptions = {}): Promise<LogEntry[]> {
  const stale = (await db.query(backupsOfSql(table))).rows.map((r) => String(r.table_name));
  for (const sql of dropBackupsSql(stale)) await db.exec(sql);

  const log: LogEntry[] = o.formats ? await typedOrders(db, table, columns, o.formats) : [];
  for (const col of columns) {
    if (col.type === 'VARCHAR') continue;
    const e = await typedColumn(db, table, col, o);
    if (e) log.push(e);
  }

  const text = columns.filter((c) => c.type === 'VARCHAR').map((c) => c.name);
  if (text.length > 0) log.push(...(await cleanText(db, table, text, o)));
  if (!o.headerless) log.push(...(await wholeIds(db, table)));
  return log;
}

/** Id columns stored as floats (`17850.0`) whose values are all whole become BIGINT (`17850`). */
async function wholeIds(db: Db, table: string): Promise<LogEntry[]> {
  const cols = (await columnsOf(db, table)).filter((c) => FLOAT.test(c.type) && isIdHeader(c.name));
  if (cols.length === 0) return [];
  const s = await one(db, wholeSurveySql(table, cols.map((c) => c.name)));
  const out: LogEntry[] = [];
  for (const [i, col] of cols.entries()) {
    const filled = Number(s[`f${i}`] ?? 0);
    if (filled === 0 || Number(s[`w${i}`] ?? 0) !== filled) continue;
    const rw = wholeIdRewrite(table, col.name, col.type);
    const c = ident(col.name);
    // The float as the file wrote it (`17850.0`), not as a JS number (17850).
    const ex = await examples(
      db,
      `SELECT CAST(${c} AS VARCHAR) AS before, CAST(${c} AS BIGINT) AS after, count(*) AS n FROM ${ident(table)} WHERE ${c} IS NOT NULL GROUP BY 1, 2 ORDER BY n DESC, before LIMIT ${MAX_EXAMPLES}`,
    );
    out.push(await run(db, 'whole_ids', rw, { rows: filled, examples: ex, params: { to: 'BIGINT' } }));
  }
  return out;
}

async function cleanText(db: Db, table: string, text: readonly string[], o: CleanOptions): Promise<LogEntry[]> {
  const log: LogEntry[] = [];
  const s = await one(db, textSurveySql(table, text, o));
  for (const [i, column] of text.entries()) {
    const n = (k: string) => Number(s[`${k}${i}`] ?? 0);
    o.markerCounts?.set(column, n('m'));
    if (n('t') > 0) {
      const rw = trimRewrite(table, column);
      const c = ident(column);
      const ex = await examples(db, changesSql(table, column, rw.expr, `NOT ${blankSql(c)} AND ${c} <> ${rw.expr}`), true);
      log.push(await run(db, 'trimmed', rw, { rows: n('t'), examples: ex }));
    }
    const nonMissing = n('f') - n('m');
    if (nonMissing === 0) continue;
    let plan: Plan | undefined;
    if (n('d') >= CONVERT_SHARE * nonMissing) plan = await planDates(db, table, column, nonMissing, o);
    if (!plan && n('n') >= CONVERT_SHARE * nonMissing) plan = await planNumbers(db, table, column, nonMissing);
    if (plan) log.push(...(await runPlan(db, table, column, plan, n('m'))));
  }
  return log;
}

/**
 * Read an ambiguous column the other way (`entry.choices[choice]`, e.g. month
 * first): undo the entry, convert again with that reading, and return the
 * entry that replaces it (its `choices` offer the first reading back).
 */
export async function chooseReading(db: Db, entry: LogEntry, choice: number): Promise<LogEntry> {
  const picked = entry.choices?.[choice];
  const column = entry.column;
  if (!picked || column === undefined || (entry.rule !== 'parsed_dates' && entry.rule !== 'parsed_numbers')) {
    throw new Error(`${entry.rule} on ${entry.table} has no reading ${choice} to choose`);
  }
  const format = entry.params?.format;
  if (typeof format === 'string') return chooseTypedOrder(db, entry, column, format);
  await undoCleaning(db, entry);
  const c = ident(column);
  const s = await one(db, `SELECT count(${c}) AS f, count(*) FILTER (WHERE ${isMissingSql(c)}) AS m FROM ${ident(entry.table)}`);
  const nonMissing = Number(s.f ?? 0) - Number(s.m ?? 0);
  const plan =
    entry.rule === 'parsed_dates'
      ? await planDates(db, entry.table, column, nonMissing, {}, picked.params.order as DayOrder)
      : await planNumbers(db, entry.table, column, nonMissing, picked.params.decimal as DecimalMark);
  if (!plan) throw new Error(`${column} of ${entry.table} does not read as ${JSON.stringify(picked.params)}`);
  const [converted] = await runPlan(db, entry.table, column, plan, 0);
  return converted!;
}

/**
 * The other order for a column DuckDB typed: swap day and month (undoable),
 * or, when the entry is such a swap, undo it.
 */
async function chooseTypedOrder(db: Db, entry: LogEntry, column: string, format: string): Promise<LogEntry> {
  const col = (await columnsOf(db, entry.table)).find((c) => c.name === column);
  if (!col || !TEMPORAL.has(col.type)) throw new Error(`${column} of ${entry.table} is not a date column any more`);
  const order: DayOrder = entry.params?.order === 'MDY' ? 'DMY' : 'MDY';
  if (entry.undo) {
    await undoCleaning(db, entry);
    return typedOrderEntry(db, entry.table, col, format, order, false);
  }
  const rw: ColumnRewrite = { table: entry.table, column, from: col.type, to: col.type, expr: swapDayMonthSql(ident(column), col.type) };
  const done = await run(db, 'parsed_dates', rw, { rows: 0, examples: [] });
  return { ...(await typedOrderEntry(db, entry.table, col, format, order, true)), sql: done.sql, ...(done.undo ? { undo: done.undo } : {}) };
}
