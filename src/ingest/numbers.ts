/**
 * Numbers written as text: `1,234.56`, `1.234,56`, `$1,234`, `¥12.5`, `USD 30`,
 * `12.5%`, `(1,234)`, `3.5万`, `1.2万元`. Pure SQL builders over one text
 * column; clean.ts decides and runs them.
 *
 * One grammar reads every value (sign, currency before or after, the digits,
 * 万/亿, percent, parentheses); a column-wide reading then fixes what one value
 * cannot tell: the decimal mark (`1,234` is 1234 with a decimal point and
 * 1.234 with a decimal comma), whether the column is in percent, and its
 * currency. Values that disagree with the column's reading do not read (they
 * are reported), rather than being read some other way.
 */
import type { Row } from '../db/types.ts';
import { ident, lit, litList } from '../lib/sql.ts';

const CODES = 'rmb|cny|usd|eur|gbp|hkd|jpy';
const PREFIX = String.raw`(?i:us\$|hk\$|${CODES})|[$¥￥€£]`;
const SUFFIX = String.raw`元|(?i:${CODES})|[$¥￥€£]`;
/** Groups (`PARTS`): `(`, sign, currency, sign, digits, 万/亿, currency, `%`, `)`. */
export const NUMBER_TEXT = String.raw`^(\()?\s*([-+−])?\s*(${PREFIX})?\s*([-+−])?\s*(\d[\d.,]*(?:[eE][-+]?\d+)?|\.\d+)\s*([万亿])?\s*(${SUFFIX})?\s*(%)?\s*(\))?$`;
/** Digits with a decimal point and comma grouping: `1,234,567.89`, `1234.5`, `.5`, `1.5e3`. */
const POINT_DIGITS = String.raw`(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+`;
/** Digits with a decimal comma and dot grouping: `1.234.567,89`, `1234,5`. */
const COMMA_DIGITS = String.raw`(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?`;
/** Reads differently with either mark: `1,234`, `1.234`. */
const EITHER_MARK = String.raw`\d{1,3}[.,]\d{3}`;
const PLAIN_INTEGER = String.raw`[-+]?\d+`;
const PLAIN_NUMBER = String.raw`[-+]?\d+(\.\d+)?`;

export type DecimalMark = '.' | ',';

export interface NumberReading {
  decimal: DecimalMark;
  /** Values carry `%` and are divided by 100; values without it do not read. */
  percent: boolean;
  /** The column's currency (ISO code); a value in another currency does not read. */
  currency: string | null;
}

const CURRENCIES = ['CNY', 'USD', 'EUR', 'GBP', 'HKD', 'JPY'] as const;
const PARTS = ['open', 'sign', 'cur', 'sign2', 'digits', 'unit', 'cur2', 'pct', 'close'] as const;
type Part = (typeof PARTS)[number];
/** SQL for one part of a value: `regexp_extract` per use in an ALTER, a struct field (extracted once per row) in a scan. */
type Parts = (part: Part) => string;

function partsOf(c: string): Parts {
  return (part) => `regexp_extract(${c}, ${lit(NUMBER_TEXT)}, ${PARTS.indexOf(part) + 1})`;
}

function structParts(alias: string): Parts {
  return (part) => `${alias}.${part}`;
}

/** Rows of `table` as `v` (the value) and `m` (its parts), for scans that look at the parts many times. */
function partsScan(table: string, column: string): string {
  const c = ident(column);
  return `(SELECT ${c} AS v, regexp_extract(${c}, ${lit(NUMBER_TEXT)}, [${PARTS.map((p) => lit(p)).join(', ')}]) AS m FROM ${ident(table)} WHERE regexp_full_match(${c}, ${lit(NUMBER_TEXT)}))`;
}

/** A code rather than a number: a zero before another digit (`007`, `$0012`). */
export const LEADING_ZERO = String.raw`^\D*0\d`;

/** The value fits the grammar (cheap, one regex; the rest of the checks need the parts). */
export function numberLikeSql(c: string): string {
  return `(regexp_full_match(${c}, ${lit(NUMBER_TEXT)}) AND NOT regexp_matches(${c}, ${lit(LEADING_ZERO)}))`;
}

/** How each currency is written (lower-cased); `¥` and `￥` are read as yuan. */
const SPELLINGS: Record<(typeof CURRENCIES)[number], readonly string[]> = {
  CNY: ['¥', '￥', '元', 'rmb', 'cny'],
  USD: ['$', 'usd', 'us$'],
  EUR: ['€', 'eur'],
  GBP: ['£', 'gbp'],
  HKD: ['hk$', 'hkd'],
  JPY: ['jpy'],
};

/** The currency as written, lower-cased ('' when none). */
function writtenCurrencySql(p: Parts): string {
  return `lower(${p('cur')} || ${p('cur2')})`;
}

/** Given the value fits the grammar: brackets paired, one sign at most and not with brackets, one currency at most. */
function wellFormedSql(p: Parts): string {
  return (
    `((${p('open')} = '') = (${p('close')} = '') AND (${p('sign')} = '' OR ${p('sign2')} = '') ` +
    `AND (${p('open')} = '' OR (${p('sign')} = '' AND ${p('sign2')} = '')) AND (${p('cur')} = '' OR ${p('cur2')} = ''))`
  );
}

/** One scan: how the column's values fit each possible reading. */
export function numberProfileSql(table: string, column: string): string {
  const p = structParts('m');
  const shape = `${wellFormedSql(p)} AND NOT regexp_matches(v, ${lit(LEADING_ZERO)})`;
  const point = `regexp_full_match(${p('digits')}, ${lit(POINT_DIGITS)})`;
  const comma = `regexp_full_match(${p('digits')}, ${lit(COMMA_DIGITS)})`;
  const cur = writtenCurrencySql(p);
  return (
    `SELECT count(*) FILTER (WHERE ${shape}) AS shaped, ` +
    `count(*) FILTER (WHERE ${shape} AND ${point} AND NOT ${comma}) AS point_only, ` +
    `count(*) FILTER (WHERE ${shape} AND ${comma} AND NOT ${point}) AS comma_only, ` +
    `count(*) FILTER (WHERE ${shape} AND regexp_full_match(${p('digits')}, ${lit(EITHER_MARK)})) AS either, ` +
    `count(*) FILTER (WHERE ${shape} AND ${p('pct')} <> '') AS percent, ` +
    CURRENCIES.map((k) => `count(*) FILTER (WHERE ${shape} AND ${cur} IN (${litList(SPELLINGS[k])})) AS ${ident(`cur_${k}`)}`).join(', ') +
    ` FROM ${partsScan(table, column)}`
  );
}

/**
 * The column's reading from its profile: a decimal comma only when some value
 * needs it and none needs a point (`1.234,5`, `12,5`); percent when most
 * values carry `%`; the most frequent currency. `ambiguous` when values such
 * as `1,234` could be read with either mark and no value decides it (also
 * when `force` chose the mark, so the other stays on offer).
 */
export function chooseNumberReading(p: Row, force: Partial<NumberReading> = {}): { reading: NumberReading; ambiguous: boolean } | undefined {
  const shaped = Number(p.shaped ?? 0);
  if (shaped === 0) return undefined;
  const pointOnly = Number(p.point_only ?? 0);
  const commaOnly = Number(p.comma_only ?? 0);
  const decimal: DecimalMark = force.decimal ?? (commaOnly > 0 && pointOnly === 0 ? ',' : '.');
  const ambiguous = pointOnly === 0 && commaOnly === 0 && Number(p.either ?? 0) > 0;
  let currency: string | null = null;
  let most = 0;
  for (const k of CURRENCIES) {
    const n = Number(p[`cur_${k}`] ?? 0);
    if (n > most) [currency, most] = [k, n];
  }
  const percent = force.percent ?? Number(p.percent ?? 0) * 2 > shaped;
  return { reading: { decimal, percent, currency: force.currency !== undefined ? force.currency : currency }, ambiguous };
}

/** Given the value fits the grammar: it reads under the column's reading (no currency, or the column's). */
function readsSql(p: Parts, r: NumberReading): string {
  const currencies = ['', ...(r.currency ? SPELLINGS[r.currency as keyof typeof SPELLINGS] : [])];
  return (
    `(${wellFormedSql(p)} AND regexp_full_match(${p('digits')}, ${lit(r.decimal === '.' ? POINT_DIGITS : COMMA_DIGITS)}) ` +
    `AND (${p('pct')} <> '') = ${r.percent ? 'TRUE' : 'FALSE'} AND ${writtenCurrencySql(p)} IN (${litList(currencies)}))`
  );
}

export function numberValidSql(c: string, r: NumberReading): string {
  return `(${numberLikeSql(c)} AND ${readsSql(partsOf(c), r)})`;
}

/** The number, or NULL when the value does not read. `integer`: every value is a plain whole number, read exactly as BIGINT. */
export function numberValueSql(c: string, r: NumberReading, integer: boolean): string {
  const valid = numberValidSql(c, r);
  if (integer) return `CASE WHEN ${valid} THEN TRY_CAST(${c} AS BIGINT) END`;
  const p = partsOf(c);
  const normal = r.decimal === '.' ? `replace(${p('digits')}, ',', '')` : `replace(replace(${p('digits')}, '.', ''), ',', '.')`;
  const negative = `(${p('open')} <> '' OR ${p('sign')} IN ('-', '−') OR ${p('sign2')} IN ('-', '−'))`;
  const unit = `(CASE ${p('unit')} WHEN '万' THEN 10000 WHEN '亿' THEN 100000000 ELSE 1 END)`;
  const scale = r.percent ? ' / 100' : '';
  return `CASE WHEN ${valid} THEN (CASE WHEN ${negative} THEN -1 ELSE 1 END) * CAST(${normal} AS DOUBLE) * ${unit}${scale} END`;
}

/** Under a reading: how many values read, how many are plain whole numbers (BIGINT), and what was stripped. */
export function numberCountsSql(table: string, column: string, r: NumberReading): string {
  const p = structParts('m');
  const valid = `(NOT regexp_matches(v, ${lit(LEADING_ZERO)}) AND ${readsSql(p, r)})`;
  return (
    `SELECT count(*) FILTER (WHERE ${valid}) AS converted, ` +
    `count(*) FILTER (WHERE ${valid} AND regexp_full_match(v, ${lit(PLAIN_INTEGER)}) AND TRY_CAST(v AS BIGINT) IS NOT NULL) AS integers, ` +
    `count(*) FILTER (WHERE ${valid} AND ${p('pct')} <> '') AS percent, ` +
    `count(*) FILTER (WHERE ${valid} AND ${p('unit')} <> '') AS multiplied, ` +
    `count(*) FILTER (WHERE ${valid} AND ${p('open')} <> '') AS negative, ` +
    `count(*) FILTER (WHERE ${valid} AND ${writtenCurrencySql(p)} <> '') AS currency ` +
    `FROM ${partsScan(table, column)}`
  );
}

/** Sort key for examples: formatted values before plain ones. */
export function plainNumberSql(c: string): string {
  return `regexp_full_match(${c}, ${lit(PLAIN_NUMBER)})`;
}
