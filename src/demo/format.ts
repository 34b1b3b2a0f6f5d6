/**
 * Day arithmetic and the text the generator writes into cells: dates,
 * timestamps, money, padded ids and labels in the header language.
 */
import type { Label } from './catalog.ts';
import type { CsvValue } from './csv.ts';
import type { HeaderLang } from './schema.ts';

/** Days since 1970-01-01 of a `YYYY-MM-DD` string. */
export function parseDay(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  const t = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(t)) throw new Error(`Expected a date as YYYY-MM-DD, got "${s}"`);
  return Math.round(t / 86_400_000);
}

/** [year, month 1–12, day] of a day number (Hinnant's civil_from_days). */
export function civil(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [era * 400 + yoe + (m <= 2 ? 1 : 0), m, d];
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

export function formatDay(days: number): string {
  const [y, m, d] = civil(days);
  return `${y}-${pad2(m)}-${pad2(d)}`;
}

/** `YYYY-MM-DD HH:MM:SS` of seconds since the epoch. */
export function formatTs(sec: number): string {
  const day = Math.floor(sec / 86_400);
  const s = sec - day * 86_400;
  return `${formatDay(day)} ${pad2(Math.floor(s / 3600))}:${pad2(Math.floor((s % 3600) / 60))}:${pad2(s % 60)}`;
}

export const weekday = (days: number): number => (((days + 4) % 7) + 7) % 7;

/**
 * Cents as text with two decimals, always: a CSV reader that sniffs types from
 * the first rows must not see whole numbers there and guess an integer column
 * (DuckDB then rounds the later 42.50s to 43 without a word).
 */
export function money(cents: number): string {
  return (cents / 100).toFixed(2);
}

export function padId(prefix: string, n: number, width: number): string {
  return prefix + String(n).padStart(width, '0');
}

/** Rows in their final order get ids in their first cell: `prefix` and a 1-based number, zero-padded alike. */
export function numberRows(rows: CsvValue[][], prefix: string): CsvValue[][] {
  const width = Math.max(6, String(rows.length).length);
  rows.forEach((row, k) => {
    row[0] = padId(prefix, k + 1, width);
  });
  return rows;
}

export function label(l: Label, lang: HeaderLang): string {
  return lang === 'zh' ? l.zh : l.en;
}
