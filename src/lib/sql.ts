/**
 * The one place where SQL text meets values. Every identifier and literal that
 * reaches DuckDB goes through `ident` or `lit`; SQL builders elsewhere compose
 * the strings these return and never concatenate raw user text.
 */

/** Quote an identifier (table or column name) for DuckDB. */
export function ident(name: string): string {
  if (name.includes('\u0000')) throw new Error('Identifier contains a NUL character');
  return `"${name.replaceAll('"', '""')}"`;
}

/** Qualified identifier, e.g. `qident('t', 'amount')` → `"t"."amount"`. */
export function qident(...parts: string[]): string {
  return parts.map(ident).join('.');
}

export type SqlValue = string | number | bigint | boolean | null | Date;

/** Quote a literal value for DuckDB. Non-finite numbers become NULL. */
export function lit(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NULL';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return 'NULL';
    return `TIMESTAMP '${value.toISOString().replace('T', ' ').replace('Z', '')}'`;
  }
  if (value.includes('\u0000')) throw new Error('String literal contains a NUL character');
  return `'${value.replaceAll("'", "''")}'`;
}

/** A comma-separated list of literals, for `IN (...)`. */
export function litList(values: readonly SqlValue[]): string {
  return values.map(lit).join(', ');
}
