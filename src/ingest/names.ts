/**
 * Table names from file names: safe ASCII, never a reserved word, never one
 * already taken in the database or the workspace.
 */
import type { Db } from '../db/types.ts';

const MAX_NAME_LENGTH = 48;

/**
 * A table name from a file name: extension dropped, accents folded, lower-case
 * ASCII letters, digits and `_`; `t_` in front when it would start with a
 * digit or be empty. Names with no ASCII at all (`客户.csv`) get a short hash
 * of the name, so different files get different tables.
 */
export function safeTableName(fileName: string): string {
  const base = fileName.replace(/^.*[/\\]/, '').replace(/(\.(csv|tsv|txt|tab|dat|gz))+$/i, '');
  const folded = base
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_NAME_LENGTH)
    .replace(/_+$/, '');
  if (folded === '') return `t_${hash36(base.normalize('NFC'))}`;
  return /^[0-9]/.test(folded) ? `t_${folded}` : folded;
}

/** `base`, or `base_2`, `base_3`, … whichever is not taken (compared case-insensitively, as DuckDB does). */
export function uniqueTableName(base: string, taken: ReadonlySet<string>): string {
  const lower = new Set([...taken].map((t) => t.toLowerCase()));
  if (!lower.has(base.toLowerCase())) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}_${i}`;
    if (!lower.has(candidate.toLowerCase())) return candidate;
  }
}

/** FNV-1a, 32 bit, base 36: short and stable. */
function hash36(s: string): string {
  let h = 0x811c9dc5;
  for (const ch of s) {
    h ^= ch.codePointAt(0)!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(36);
}

export async function freeTableName(db: Db, requested: string, existing: readonly string[]): Promise<string> {
  let base = safeTableName(requested);
  const rows = (await db.query(takenNamesSql())).rows;
  const reserved = new Set(rows.filter((r) => r.what === 'keyword').map((r) => String(r.name)));
  if (reserved.has(base)) base = `t_${base}`;
  const taken = new Set([...existing, ...rows.filter((r) => r.what === 'relation').map((r) => String(r.name))]);
  return uniqueTableName(base, taken);
}

function takenNamesSql(): string {
  return [
    `SELECT 'relation' AS what, lower(table_name) AS name FROM duckdb_tables()`,
    `SELECT 'relation', lower(view_name) FROM duckdb_views() WHERE NOT internal`,
    `SELECT 'keyword', lower(keyword_name) FROM duckdb_keywords() WHERE keyword_category = 'reserved'`,
  ].join(' UNION ALL ');
}
