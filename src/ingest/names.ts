/**
 * Table names from file names: ASCII letters, digits, `_` and Chinese,
 * Japanese or Korean characters (DuckDB takes those unquoted, so an analyst
 * types `SELECT * FROM 客户数据` in the console), never a reserved word, never
 * one already taken in the database or the workspace.
 */
import type { Db } from '../db/types.ts';

const MAX_NAME_LENGTH = 48;

/**
 * A table name from a file name: extension dropped, accents folded, lower-case
 * ASCII letters, digits, `_` and CJK characters (`订单 2024.csv` → `订单_2024`);
 * `t_` in front when it would start with a digit. Names with nothing of those
 * (`عملاء.csv`) get a short hash of the name, so different files get different tables.
 */
export function safeTableName(fileName: string): string {
  const base = fileName.replace(/^.*[/\\]/, '').replace(/(\.(csv|tsv|txt|tab|dat|gz))+$/i, '');
  const kept = base
    .normalize('NFKC')
    .replace(/\p{Script=Latin}/gu, (c) => c.normalize('NFD').replace(/\p{M}+/gu, ''))
    .toLowerCase()
    .replace(/[^a-z0-9\p{Script_Extensions=Han}\p{Script_Extensions=Hiragana}\p{Script_Extensions=Katakana}\p{Script_Extensions=Hangul}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
  const folded = [...kept].slice(0, MAX_NAME_LENGTH).join('').replace(/_+$/, '');
  if (folded === '') return `t_${hash36(base.normalize('NFC'))}`;
  return /^[0-9]/.test(folded) ? `t_${folded}` : folded;
}

/** A table name as plain ASCII for DuckDB's own helper names (reject tables take only a plain identifier): itself when it is, else a hash. */
export function asciiKey(name: string): string {
  return /^[a-z0-9_]+$/i.test(name) ? name : `t_${hash36(name)}`;
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
