/**
 * Cancelled orders marked in the order id itself, as many retail exports do:
 * `C536379` cancels lines of an earlier invoice while ordinary invoices read
 * `536365`. Found from the data at load, kept as `TableInfo.cancelPrefix`;
 * metrics/measures.ts counts such lines as returns.
 */
import type { Db } from '../db/types.ts';
import { ident } from '../lib/sql.ts';
import type { TableInfo } from './model.ts';

/** Ids that are a letter and digits (`l`), ids of digits alone (`d`), ids in all (`n`), and the letter most often seen (`p`). */
export function cancelPrefixSql(table: string, column: string): string {
  const v = `trim(CAST(${ident(column)} AS VARCHAR))`;
  return (
    `SELECT count(*) FILTER (WHERE regexp_full_match(${v}, '[A-Za-z][0-9]+')) AS l, ` +
    `count(*) FILTER (WHERE regexp_full_match(${v}, '[0-9]+')) AS d, count(${v}) AS n, ` +
    `mode(upper(left(${v}, 1))) FILTER (WHERE regexp_full_match(${v}, '[A-Za-z][0-9]+')) AS p FROM ${ident(table)}`
  );
}

/**
 * The cancellation prefix of an orders table: one letter before digits on
 * some ids (under half), while the other ids are digits alone and nothing else
 * occurs. Undefined when the ids do not look like that.
 */
export async function detectCancelPrefix(db: Db, table: TableInfo): Promise<string | undefined> {
  const id = table.roles.order_id;
  if (table.kind !== 'orders' || id === undefined) return undefined;
  const r = (await db.query(cancelPrefixSql(table.name, id))).rows[0] ?? {};
  const lettered = Number(r.l ?? 0);
  const digits = Number(r.d ?? 0);
  const n = Number(r.n ?? 0);
  const prefix = typeof r.p === 'string' ? r.p : undefined;
  if (!prefix || lettered === 0 || digits === 0 || lettered + digits !== n || lettered * 2 >= n) return undefined;
  return prefix;
}
