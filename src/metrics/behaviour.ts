/**
 * Per-customer behaviour as numbers only (dates as epoch milliseconds), for the
 * clustering worker: a few hundred thousand customers travel as typed arrays,
 * with no date text to parse on the page's thread.
 */
import { ident } from '../lib/sql.ts';

/**
 * Over a per-customer query with `customer_id`, `first_order`, `last_order` (DATE),
 * `orders` and `revenue` (e.g. `drilldownSql`'s): customers with both dates,
 * `first_ms`/`last_ms` as epoch milliseconds, revenue NULL as 0.
 */
export function behaviourColumnsSql(perCustomer: string): string {
  const ms = (c: string) => `epoch_ms(CAST(${ident(c)} AS TIMESTAMP))`;
  return [
    `SELECT CAST(${ident('customer_id')} AS VARCHAR) AS customer_id, ${ms('first_order')} AS first_ms, ${ms('last_order')} AS last_ms,`,
    `  CAST(${ident('orders')} AS DOUBLE) AS orders, CAST(coalesce(${ident('revenue')}, 0) AS DOUBLE) AS revenue`,
    `FROM (${perCustomer}) AS per_customer`,
    `WHERE ${ident('first_order')} IS NOT NULL AND ${ident('last_order')} IS NOT NULL`,
  ].join('\n');
}
