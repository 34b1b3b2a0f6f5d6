/**
 * Orphans: orders whose customer is not in the customers table. Tables are
 * linked by `customer_id`, compared as trimmed text so an id read as a number
 * in one file (`1042`) matches the same id read as text in another.
 */
import type { TableInfo } from '../ingest/model.ts';
import { ident } from '../lib/sql.ts';
import { roleColumn } from './expr.ts';

export interface OrphanCounts {
  /** Orders in the orders table: distinct `order_id`, else rows. */
  orders: number;
  /** Orders with a customer id that the customers table does not have. */
  orphan_orders: number;
  /** Distinct customer ids in orders that the customers table does not have. */
  orphan_customers: number;
  /** Orders with no customer id at all (not counted as orphans). */
  no_customer_id: number;
}

/**
 * One row of `OrphanCounts`, or undefined when either table lacks a
 * `customer_id` role. Empty or blank ids count as no id.
 */
export function orphansSql(orders: TableInfo, customers: TableInfo): string | undefined {
  const ocid = roleColumn(orders, 'customer_id');
  const cid = roleColumn(customers, 'customer_id');
  if (!ocid || !cid) return undefined;
  const oid = roleColumn(orders, 'order_id');
  const key = (name: string) => `nullif(trim(CAST(${ident(name)} AS VARCHAR)), '')`;
  // Without an order id each row is an order; `row_number()` gives it a key to count.
  const orderKey = oid ? ident(oid.name) : 'row_number() OVER ()';
  return [
    `WITH c AS (SELECT DISTINCT ${key(cid.name)} AS k FROM ${ident(customers.name)}),`,
    `o AS (SELECT ${key(ocid.name)} AS k, ${orderKey} AS order_key FROM ${ident(orders.name)})`,
    'SELECT count(DISTINCT o.order_key) AS orders,',
    '  count(DISTINCT o.order_key) FILTER (WHERE o.k IS NOT NULL AND c.k IS NULL) AS orphan_orders,',
    '  count(DISTINCT o.k) FILTER (WHERE c.k IS NULL) AS orphan_customers,',
    '  count(DISTINCT o.order_key) FILTER (WHERE o.k IS NULL) AS no_customer_id',
    'FROM o LEFT JOIN c ON c.k = o.k',
  ].join('\n');
}

/** The result row as numbers (DuckDB counts may arrive as bigint). */
export function readOrphans(row: Record<string, unknown> | undefined): OrphanCounts {
  const n = (k: keyof OrphanCounts) => Number(row?.[k] ?? 0);
  return { orders: n('orders'), orphan_orders: n('orphan_orders'), orphan_customers: n('orphan_customers'), no_customer_id: n('no_customer_id') };
}
