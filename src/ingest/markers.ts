/**
 * What counts as space around a value and as "no value" in a cell, for the
 * cleaning pass (clean.ts, numbers.ts, dates.ts, findings.ts).
 */
import { lit, litList } from '../lib/sql.ts';

/** Space a trim removes: ASCII whitespace, no-break space, ideographic (full-width) space, zero-width space, BOM. */
export const SPACE = String.raw`[\s\x{00A0}\x{3000}\x{200B}\x{FEFF}]`;

/** The value without the space around it. */
export function trimSql(c: string): string {
  return `regexp_replace(${c}, ${lit(`^${SPACE}+|${SPACE}+$`)}, '', 'g')`;
}

/** Nothing but space (or empty). */
export function blankSql(c: string): string {
  return `regexp_full_match(${c}, ${lit(`${SPACE}*`)})`;
}

/**
 * Cells that mean "no value", compared trimmed and lower-cased. They become
 * NULL only in a column whose other values then take a type (number, date);
 * in a column that stays text each could be a real value (`NA` Namibia or
 * North America, `None` an option, `-` a rating, `无` the answer "none"), so
 * there they are reported, not changed.
 */
export const MISSING_MARKERS: readonly string[] = ['', 'na', 'n/a', '#n/a', 'null', 'none', 'nan', '-', '--', '—', '无', '空', '暂无', '0000-00-00'];

export function isMissingSql(c: string): string {
  return `lower(${trimSql(c)}) IN (${litList(MISSING_MARKERS)})`;
}

/** `"before" → after` for the log: text quoted, other values as DuckDB writes them, NULL as NULL. */
export function changeExample(before: unknown, after: unknown, afterIsText = false): string {
  const a = after === null || after === undefined ? 'NULL' : afterIsText ? JSON.stringify(String(after)) : String(after);
  return `${JSON.stringify(String(before))} → ${a}`;
}
