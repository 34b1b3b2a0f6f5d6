/**
 * Dates and timestamps written as text. Pure SQL builders over one text
 * column; clean.ts decides and runs them.
 *
 * Read: `2024-03-05`, `2024-3-5`, `2024/3/5`, `2024.3.5` (with a time, `T` or
 * a space, and an offset or `Z`, converted to UTC); `5/3/2024`, `5-3-2024`,
 * `5.3.2024` (with a time) in one order per column; `2024年3月5日` (`号`, with a
 * time) and `2024年3月` (the 1st); `20240305` only in a date-named column.
 *
 * Day/month order: a first part above 12 proves day first, a second part
 * above 12 proves month first. When no value proves either (every part ≤ 12)
 * the column is read day first, the order DuckDB's own CSV sniffer picks and
 * the most widespread one, and the entry says `ambiguous` and carries the
 * month-first reading for the user to choose.
 */
import type { Row } from '../db/types.ts';
import { ident, lit } from '../lib/sql.ts';

const TIME = String.raw`(\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)`;
/** Groups: 1 year, 2 month, 3 day, 4 time, 5 offset (`Z`, `+08`, `+0800`, `+08:00`). */
export const YMD_TEXT = String.raw`^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]${TIME}\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$`;
/** Groups: 1 first part, 2 second part, 3 year, 4 time. */
export const DM_TEXT = String.raw`^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?:[ T]${TIME})?$`;
/** Groups: 1 year, 2 month, 3 day (empty: a month), 4 time. */
export const CJK_TEXT = String.raw`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*[日号](?:\s*${TIME})?)?$`;
export const COMPACT_TEXT = String.raw`^(\d{4})(\d{2})(\d{2})$`;

/** Column names that say "date" (as in load.ts's yyyymmdd rule). */
export const DATE_NAME = /date|time|day|dt|日期|时间|日/i;

export type DayOrder = 'DMY' | 'MDY';
export const DEFAULT_ORDER: DayOrder = 'DMY';

export interface DateReading {
  order: DayOrder;
  /** `20240305` reads as a date (the column's name says date). */
  compact: boolean;
  to: 'DATE' | 'TIMESTAMP';
}

function g(c: string, re: string, i: number): string {
  return `regexp_extract(${c}, ${lit(re)}, ${i})`;
}

function matches(c: string, re: string): string {
  return `regexp_full_match(${c}, ${lit(re)})`;
}

function withTime(c: string, re: string, i: number): string {
  return `CASE WHEN ${g(c, re, i)} <> '' THEN ' ' || ${g(c, re, i)} ELSE '' END`;
}

function ts(parts: string): string {
  return `TRY_CAST(${parts} AS TIMESTAMP)`;
}

/** Minutes east of UTC in an offset (`Z` and none are 0). */
function offsetMinutesSql(tz: string): string {
  const digits = `replace(substr(${tz}, 2), ':', '')`;
  return (
    `(CASE WHEN ${tz} IN ('', 'Z') THEN 0 ELSE (CASE WHEN left(${tz}, 1) = '-' THEN -1 ELSE 1 END) * ` +
    `(CAST(left(${digits}, 2) AS BIGINT) * 60 + CASE WHEN length(${digits}) = 4 THEN CAST(right(${digits}, 2) AS BIGINT) ELSE 0 END) END)`
  );
}

function ymdSql(c: string): string {
  const local = ts(`${g(c, YMD_TEXT, 1)} || '-' || ${g(c, YMD_TEXT, 2)} || '-' || ${g(c, YMD_TEXT, 3)} || ${withTime(c, YMD_TEXT, 4)}`);
  return `(${local} - to_minutes(${offsetMinutesSql(g(c, YMD_TEXT, 5))}))`;
}

function dmSql(c: string, order: DayOrder): string {
  const [m, d] = order === 'DMY' ? [2, 1] : [1, 2];
  return ts(`${g(c, DM_TEXT, 3)} || '-' || ${g(c, DM_TEXT, m)} || '-' || ${g(c, DM_TEXT, d)} || ${withTime(c, DM_TEXT, 4)}`);
}

function cjkSql(c: string): string {
  const day = `CASE WHEN ${g(c, CJK_TEXT, 3)} = '' THEN '1' ELSE ${g(c, CJK_TEXT, 3)} END`;
  return ts(`${g(c, CJK_TEXT, 1)} || '-' || ${g(c, CJK_TEXT, 2)} || '-' || ${day} || ${withTime(c, CJK_TEXT, 4)}`);
}

function compactSql(c: string): string {
  return ts(`${g(c, COMPACT_TEXT, 1)} || '-' || ${g(c, COMPACT_TEXT, 2)} || '-' || ${g(c, COMPACT_TEXT, 3)}`);
}

/** The value as a TIMESTAMP (UTC where it had an offset), or NULL when it does not read. */
export function timestampValueSql(c: string, r: Pick<DateReading, 'order' | 'compact'>): string {
  return (
    `CASE WHEN ${matches(c, YMD_TEXT)} THEN ${ymdSql(c)} WHEN ${matches(c, DM_TEXT)} THEN ${dmSql(c, r.order)} ` +
    `WHEN ${matches(c, CJK_TEXT)} THEN ${cjkSql(c)}${r.compact ? ` WHEN ${matches(c, COMPACT_TEXT)} THEN ${compactSql(c)}` : ''} END`
  );
}

export function dateValueSql(c: string, r: DateReading): string {
  const t = timestampValueSql(c, r);
  return r.to === 'DATE' ? `CAST(${t} AS DATE)` : t;
}

/** The value has one of the forms above (cheap: no parsing). */
export function dateLikeSql(c: string, compact: boolean): string {
  const forms = [YMD_TEXT, DM_TEXT, CJK_TEXT, ...(compact ? [COMPACT_TEXT] : [])];
  return `(${forms.map((re) => matches(c, re)).join(' OR ')})`;
}

/** One scan: which forms the values take, which read, and what decides the day/month order. */
export function dateProfileSql(table: string, column: string, compact: boolean): string {
  const c = ident(column);
  const a = `TRY_CAST(${g(c, DM_TEXT, 1)} AS INTEGER)`;
  const b = `TRY_CAST(${g(c, DM_TEXT, 2)} AS INTEGER)`;
  const dm = matches(c, DM_TEXT);
  const cjk = `${matches(c, CJK_TEXT)} AND ${cjkSql(c)} IS NOT NULL`;
  return (
    `SELECT count(${c}) AS filled, ` +
    `count(*) FILTER (WHERE ${matches(c, YMD_TEXT)} AND ${ymdSql(c)} IS NOT NULL) AS ymd, ` +
    `count(*) FILTER (WHERE ${matches(c, YMD_TEXT)} AND ${g(c, YMD_TEXT, 4)} <> '') AS ymd_time, ` +
    `count(*) FILTER (WHERE ${matches(c, YMD_TEXT)} AND ${g(c, YMD_TEXT, 5)} <> '') AS utc, ` +
    `count(*) FILTER (WHERE ${dm} AND ${a} > 12) AS day_first, ` +
    `count(*) FILTER (WHERE ${dm} AND ${b} > 12) AS month_first, ` +
    `count(*) FILTER (WHERE ${dm} AND ${a} <= 12 AND ${b} <= 12 AND ${a} <> ${b}) AS either, ` +
    `count(*) FILTER (WHERE ${dm} AND ${dmSql(c, 'DMY')} IS NOT NULL) AS dmy, ` +
    `count(*) FILTER (WHERE ${dm} AND ${dmSql(c, 'MDY')} IS NOT NULL) AS mdy, ` +
    `count(*) FILTER (WHERE ${dm} AND ${g(c, DM_TEXT, 4)} <> '') AS dm_time, ` +
    `count(*) FILTER (WHERE ${cjk}) AS cjk, ` +
    `count(*) FILTER (WHERE ${cjk} AND ${g(c, CJK_TEXT, 3)} = '') AS month, ` +
    `count(*) FILTER (WHERE ${cjk} AND ${g(c, CJK_TEXT, 4)} <> '') AS cjk_time, ` +
    `${compact ? `count(*) FILTER (WHERE ${matches(c, COMPACT_TEXT)} AND ${compactSql(c)} IS NOT NULL)` : '0'} AS compact ` +
    `FROM ${ident(table)}`
  );
}

export interface DateChoice {
  reading: DateReading;
  /** Values that read under `reading`. */
  parsed: number;
  /** No value decides the day/month order, and some read differently in the other order (also when `force` chose). */
  ambiguous: boolean;
  /** Values in day/month form (0: `order` does not matter). */
  dayMonth: number;
}

/** The column's reading from its profile; `force` fixes the order (the user chose). */
export function chooseDateReading(p: Row, compact: boolean, force?: DayOrder): DateChoice {
  const n = (k: string) => Number(p[k] ?? 0);
  const dayFirst = n('day_first');
  const monthFirst = n('month_first');
  let order: DayOrder = DEFAULT_ORDER;
  if (force) order = force;
  else if (dayFirst > 0 && monthFirst === 0) order = 'DMY';
  else if (monthFirst > 0 && dayFirst === 0) order = 'MDY';
  else if (dayFirst > 0 && monthFirst > 0) order = n('mdy') > n('dmy') ? 'MDY' : 'DMY';
  const ambiguous = dayFirst === 0 && monthFirst === 0 && n('either') > 0;
  const parsed = n('ymd') + n('cjk') + n('compact') + (order === 'DMY' ? n('dmy') : n('mdy'));
  const timed = n('ymd_time') + n('dm_time') + n('cjk_time') > 0;
  const dayMonth = Math.max(n('dmy'), n('mdy'));
  return { reading: { order, compact, to: timed ? 'TIMESTAMP' : 'DATE' }, parsed, ambiguous, dayMonth };
}

/** Values whose two day/month readings differ, for the examples of an ambiguous entry. */
export function eitherOrderSql(c: string): string {
  const a = `TRY_CAST(${g(c, DM_TEXT, 1)} AS INTEGER)`;
  const b = `TRY_CAST(${g(c, DM_TEXT, 2)} AS INTEGER)`;
  return `(${matches(c, DM_TEXT)} AND ${a} <> ${b})`;
}

/** Excel serial day numbers (days since 1899-12-30) as DATE, or TIMESTAMP when they have a fraction of a day. */
export function excelSerialSql(c: string, to: 'DATE' | 'TIMESTAMP'): string {
  if (to === 'DATE') return `(DATE '1899-12-30' + CAST(${c} AS INTEGER))`;
  return `(CAST(DATE '1899-12-30' AS TIMESTAMP) + to_microseconds(CAST(round(CAST(${c} AS DOUBLE) * 86400000000) AS BIGINT)))`;
}

export const EXCEL_SERIAL_MIN = 20000;
export const EXCEL_SERIAL_MAX = 80000;

export function excelSerialProfileSql(table: string, column: string): string {
  const c = ident(column);
  return (
    `SELECT count(${c}) AS filled, count(*) FILTER (WHERE ${c} BETWEEN ${EXCEL_SERIAL_MIN} AND ${EXCEL_SERIAL_MAX}) AS serials, ` +
    `count(*) FILTER (WHERE ${c} <> floor(${c})) AS fractions FROM ${ident(table)}`
  );
}

/** A TIMESTAMP WITH TIME ZONE as the UTC TIMESTAMP, with or without ICU loaded. */
export function utcSql(c: string): string {
  return `make_timestamp(epoch_us(${c}))`;
}
