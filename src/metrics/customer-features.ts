/**
 * One row per customer: the customer's own columns plus behaviour measured
 * from orders and tickets (RFM, tenure, spend trend, tickets, satisfaction).
 * The churn model trains on this when a workspace has customers and orders,
 * because churn is driven by behaviour, not by static attributes alone.
 */
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import { ident } from '../lib/sql.ts';
import { numberExpr, roleColumn } from './expr.ts';
import { orderLinesFacts } from './facts.ts';
import { hasRevenue } from './measures.ts';

export const CUSTOMER_FEATURES_VIEW = 'customer_features';

/** Columns the builder adds, in order. */
export const BEHAVIOUR_COLUMNS = [
  'orders_total',
  'spend_total',
  'avg_order_value',
  'days_since_last_order',
  'days_since_first_order',
  'orders_last_90d',
  'orders_prior_90d',
  'tickets_total',
  'avg_satisfaction',
] as const;

/**
 * `SELECT` for the features, or undefined when the workspace lacks a customers
 * table with a customer id, or an orders table with customer id and order date.
 * Measured as of the last order date in the data (no clock is read):
 * - orders_total: distinct orders (order days without an id), cancellations left out; spend_total: sum of
 *   line amounts net of returns (amount, else quantity × unit price; measures.ts).
 * - days_since_last_order / days_since_first_order: to the as-of date; NULL for customers without orders.
 * - orders_last_90d vs orders_prior_90d: the trend of frequency (90 days before as-of, and the 90 before those).
 * - tickets_total and avg_satisfaction from the tickets table when there is one.
 */
export function customerFeaturesSql(tables: readonly TableInfo[]): string | undefined {
  const customers = tableOfKind(tables, 'customers');
  const orders = tableOfKind(tables, 'orders');
  const cid = customers && roleColumn(customers, 'customer_id');
  const ocid = orders && roleColumn(orders, 'customer_id');
  const odate = orders && roleColumn(orders, 'order_date');
  if (!customers || !orders || !cid || !ocid || !odate) return undefined;
  const amount = hasRevenue(orders);
  const tickets = tableOfKind(tables, 'tickets');
  const tcid = tickets && roleColumn(tickets, 'customer_id');
  const sat = tickets && roleColumn(tickets, 'satisfaction');

  // Order lines as every page reads them (measures.ts): amounts net of returns, a cancellation is no order.
  const orderKey = 'o.sale_key';
  const parts = [
    'WITH o AS (',
    `  SELECT customer_id AS cid, day AS d, ${amount ? 'amount' : 'CAST(NULL AS DOUBLE)'} AS amount, CASE WHEN is_return THEN NULL ELSE order_key END AS sale_key`,
    `  FROM (${orderLinesFacts(orders).sql}) WHERE customer_id IS NOT NULL`,
    '), cutoff AS (SELECT max(d) AS d FROM o),',
    'agg AS (',
    `  SELECT cid, count(DISTINCT ${orderKey}) AS orders_total, coalesce(sum(amount), 0) AS spend_total,`,
    `    sum(amount) / nullif(count(DISTINCT ${orderKey}), 0) AS avg_order_value,`,
    '    date_diff(\'day\', max(o.d), cutoff.d) AS days_since_last_order,',
    '    date_diff(\'day\', min(o.d), cutoff.d) AS days_since_first_order,',
    `    count(DISTINCT CASE WHEN o.d > cutoff.d - INTERVAL 90 DAY THEN ${orderKey} END) AS orders_last_90d,`,
    `    count(DISTINCT CASE WHEN o.d <= cutoff.d - INTERVAL 90 DAY AND o.d > cutoff.d - INTERVAL 180 DAY THEN ${orderKey} END) AS orders_prior_90d`,
    '  FROM o CROSS JOIN cutoff WHERE o.d IS NOT NULL GROUP BY cid, cutoff.d',
    ')',
  ];
  if (tickets && tcid) {
    parts.push(
      ', t AS (',
      `  SELECT CAST(${ident(tcid.name)} AS VARCHAR) AS cid, count(*) AS tickets_total, ${sat ? `avg(${numberExpr(sat)})` : 'CAST(NULL AS DOUBLE)'} AS avg_satisfaction`,
      `  FROM ${ident(tickets.name)} GROUP BY 1`,
      ')',
    );
  }
  const c = 'c';
  parts.push(
    `SELECT ${c}.*,`,
    '  coalesce(agg.orders_total, 0) AS orders_total, coalesce(agg.spend_total, 0) AS spend_total, agg.avg_order_value,',
    '  agg.days_since_last_order, agg.days_since_first_order,',
    '  coalesce(agg.orders_last_90d, 0) AS orders_last_90d, coalesce(agg.orders_prior_90d, 0) AS orders_prior_90d,',
    tickets && tcid ? '  coalesce(t.tickets_total, 0) AS tickets_total, t.avg_satisfaction' : '  0 AS tickets_total, CAST(NULL AS DOUBLE) AS avg_satisfaction',
    `FROM ${ident(customers.name)} AS ${c}`,
    `LEFT JOIN agg ON agg.cid = CAST(${c}.${ident(cid.name)} AS VARCHAR)`,
  );
  if (tickets && tcid) parts.push(`LEFT JOIN t ON t.cid = CAST(${c}.${ident(cid.name)} AS VARCHAR)`);
  return parts.join('\n');
}
