/**
 * What every CRM measure builder shares: the result type (SQL, or why it
 * cannot be built), period grains, checked date literals and the timestamp
 * expression the service measures need. Pure; nothing here runs SQL.
 */
import type { Role, TableInfo, TableKind } from '../ingest/model.ts';
import { isIntegerType, isTemporalType } from '../ingest/roles.ts';
import { ident, lit, litList } from '../lib/sql.ts';
import type { FilterKey } from './filters.ts';

// Expression helpers live in expr.ts (filters.ts needs them without this module); re-exported for the builders.
export { asText, dateLiteral } from './expr.ts';

/** Why a measure cannot be computed from the tables at hand. */
export interface Unavailable {
  /**
   * `no_table`: no table of `kind` was given; `missing_role`: `table` lacks `roles`; `missing_column`: `table` lacks
   * `columns`; `failed`: its query failed (`message`), the page's other measures stand; `out_of_memory`: its query
   * ran out of the engine's memory (many lines in a browser tab), the others stand.
   */
  reason: 'no_table' | 'missing_role' | 'missing_column' | 'failed' | 'out_of_memory';
  kind?: TableKind;
  table?: string;
  roles?: Role[];
  columns?: string[];
  message?: string;
}

/**
 * A built measure: the SQL to run and the global filters that had no column to
 * act on in any of its tables, or that the measure does not use (the UI says
 * "filter X does not apply here"); or why it is unavailable.
 */
export type MetricQuery =
  | { ok: true; sql: string; ignoredFilters: FilterKey[] }
  | { ok: false; unavailable: Unavailable };

export function built(sql: string, ignoredFilters: readonly FilterKey[] = []): MetricQuery {
  return { ok: true, sql, ignoredFilters: [...new Set(ignoredFilters)] };
}

/** For a measure over several tables: the filters none of them could apply (one that narrowed any table had an effect). */
export function ignoredByAll(...lists: readonly (readonly FilterKey[])[]): FilterKey[] {
  const [first = [], ...rest] = lists;
  return first.filter((k) => rest.every((l) => l.includes(k)));
}

export function unavailable(u: Unavailable): MetricQuery {
  return { ok: false, unavailable: u };
}

/** The SQL of a query that must be available (tests, the bench); throws with the reason otherwise. */
export function sqlOf(q: MetricQuery): string {
  if (q.ok) return q.sql;
  const u = q.unavailable;
  const what = u.roles ? ` roles ${u.roles.join(', ')}` : u.columns ? ` columns ${u.columns.join(', ')}` : '';
  throw new Error(`Measure unavailable: ${u.reason}${u.table ? ` in table ${u.table}` : u.kind ? ` (${u.kind})` : ''}${what}`);
}

/**
 * The first missing table or role, as `Unavailable`; undefined when `table`
 * exists and has every role in `roles`.
 */
export function missing(table: TableInfo | undefined, kind: TableKind, roles: readonly Role[]): Unavailable | undefined {
  if (!table) return { reason: 'no_table', kind };
  const lacking = roles.filter((r) => table.roles[r] === undefined);
  return lacking.length > 0 ? { reason: 'missing_role', kind, table: table.name, roles: lacking } : undefined;
}

// ---------------------------------------------------------------- periods

export type Grain = 'day' | 'week' | 'month' | 'quarter' | 'year';
export const GRAINS: readonly Grain[] = ['day', 'week', 'month', 'quarter', 'year'];

const STEP: Record<Grain, string> = {
  day: 'INTERVAL 1 DAY',
  week: 'INTERVAL 7 DAY',
  month: 'INTERVAL 1 MONTH',
  quarter: 'INTERVAL 3 MONTH',
  year: 'INTERVAL 1 YEAR',
};

function checkGrain(grain: Grain): Grain {
  if (!GRAINS.includes(grain)) throw new Error(`Unknown period grain "${String(grain)}"`);
  return grain;
}

/** The first day of `day`'s period, as a DATE. Weeks start on Monday (ISO). */
export function periodExpr(grain: Grain, day: string): string {
  return `CAST(date_trunc(${lit(checkGrain(grain))}, ${day}) AS DATE)`;
}

/** One period step as an INTERVAL literal. */
export function periodStep(grain: Grain): string {
  return STEP[checkGrain(grain)];
}

/** `period` moved by `n` periods (negative: back), as a DATE. */
export function shiftPeriod(grain: Grain, period: string, n: number): string {
  if (!Number.isInteger(n)) throw new Error(`Period shift must be a whole number, got ${n}`);
  if (n === 0) return period;
  const unit = grain === 'week' ? `INTERVAL ${7 * Math.abs(n)} DAY` : grain === 'quarter' ? `INTERVAL ${3 * Math.abs(n)} MONTH` : `INTERVAL ${Math.abs(n)} ${grain.toUpperCase()}`;
  return `CAST(${period} ${n < 0 ? '-' : '+'} ${unit} AS DATE)`;
}

/**
 * Every period start from the period of `first` to the period of `last`
 * (SQL expressions giving DATEs), one row each, column `period`.
 */
export function periodSpanSql(grain: Grain, first: string, last: string): string {
  return (
    `SELECT CAST(range AS DATE) AS period FROM range(CAST(${periodExpr(grain, first)} AS TIMESTAMP), ` +
    `CAST(${periodExpr(grain, last)} AS TIMESTAMP) + ${periodStep(grain)}, ${periodStep(grain)})`
  );
}

// ---------------------------------------------------------------- dates and times


/** A positive whole number of days (or other count) from an option; throws otherwise. */
export function positiveInt(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${what} must be a whole number ≥ 1, got ${value}`);
  return value;
}

/** A share strictly between 0 and 1 from an option; throws otherwise. */
export function shareOption(value: number, what: string): number {
  if (!(value > 0 && value < 1)) throw new Error(`${what} must be between 0 and 1, got ${value}`);
  return value;
}

const TEXT_TIMESTAMP_FORMATS = ['%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M', '%d/%m/%Y %H:%M:%S', '%d/%m/%Y %H:%M', '%Y/%m/%d', '%d/%m/%Y', '%Y%m%d'];

/**
 * A TIMESTAMP keeping the time of day (`dateExpr` in expr.ts drops it): DATE
 * and TIMESTAMP columns as they are, yyyymmdd integers, ISO or common text.
 */
export function timestampExpr(column: { name: string; type: string }): string {
  const c = ident(column.name);
  if (isTemporalType(column.type)) return `CAST(${c} AS TIMESTAMP)`;
  if (isIntegerType(column.type)) return `try_strptime(CAST(${c} AS VARCHAR), '%Y%m%d')`;
  const t = `trim(CAST(${c} AS VARCHAR))`;
  return `coalesce(TRY_CAST(${t} AS TIMESTAMP), try_strptime(${t}, [${litList(TEXT_TIMESTAMP_FORMATS)}]))`;
}

/** Hours from `a` to `b` (TIMESTAMP expressions), fractional. */
export function hoursBetween(a: string, b: string): string {
  return `(epoch(${b}) - epoch(${a})) / 3600.0`;
}


/** Of `columns`, those the table lacks (for options that name columns outside the role model). */
export function missingColumns(table: TableInfo, columns: readonly string[]): string[] {
  const names = new Set(table.columns.map((c) => c.name));
  return columns.filter((c) => !names.has(c));
}
