/**
 * Loyalty measures: repeat and cross purchase, purchase frequency and the time
 * between purchases, and period-to-period retention and churn of buyers.
 */
import type { TableInfo } from '../ingest/model.ts';
import { built, dateLiteral, missing, periodExpr, periodSpanSql, shiftPeriod, unavailable, type Grain, type MetricQuery } from './common.ts';
import { orderLinesFacts } from './facts.ts';
import type { Filters } from './filters.ts';

export interface LoyaltyOptions {
  /** Needs `customer_id` and `order_date`; `category` adds cross-purchase. */
  orders: TableInfo;
  customers?: TableInfo;
  filters?: Filters;
}

/** The one row of `loyaltySql`. */
export interface LoyaltyRow {
  customers: number;
  orders: number;
  repeat_customers: number;
  repeat_rate: number | null;
  cross_customers: number | null;
  cross_rate: number | null;
  purchase_frequency: number | null;
  interpurchase_gaps: number;
  median_interpurchase_days: number | null;
  avg_interpurchase_days: number | null;
}

/**
 * Over the filtered sales lines (return lines left out, as measures.ts counts orders), one row:
 * - customers: distinct buyers; orders: distinct orders (see `orderKeyExpr`).
 * - repeat_rate: buyers with ≥ 2 orders / buyers.
 * - cross_rate: buyers with lines in ≥ 2 distinct categories / buyers (NULL without `category`).
 * - purchase_frequency: orders per buyer.
 * - inter-purchase time: for each buyer's orders in date order, the days from
 *   one order to the next (two orders on one day: 0); median and mean over all
 *   such gaps of all buyers (`interpurchase_gaps` of them). Buyers with one
 *   order add no gap.
 */
export function loyaltySql(opts: LoyaltyOptions): MetricQuery {
  const { orders, filters } = opts;
  const m = missing(orders, 'orders', ['customer_id', 'order_date']);
  if (m) return unavailable(m);
  const o = orderLinesFacts(orders, { filters, ...(opts.customers ? { customers: opts.customers } : {}) });
  const hasCategory = orders.roles.category !== undefined;
  const sql = [
    `WITH o AS (SELECT * FROM (${o.sql}) WHERE customer_id IS NOT NULL AND day IS NOT NULL AND NOT is_return),`,
    `ords AS (SELECT customer_id, order_key, min(day) AS day FROM o GROUP BY customer_id, order_key),`,
    `gaps AS (SELECT date_diff('day', lag(day) OVER (PARTITION BY customer_id ORDER BY day, order_key), day) AS gap FROM ords),`,
    `per AS (SELECT customer_id, count(DISTINCT order_key) AS n_orders, count(DISTINCT category) AS n_categories FROM o GROUP BY customer_id),`,
    `g AS (SELECT count(gap) AS interpurchase_gaps, quantile_cont(gap, 0.5) AS median_interpurchase_days, avg(gap) AS avg_interpurchase_days FROM gaps)`,
    `SELECT count(*) AS customers, CAST(coalesce(sum(n_orders), 0) AS BIGINT) AS orders,`,
    `  count(*) FILTER (WHERE n_orders >= 2) AS repeat_customers,`,
    `  count(*) FILTER (WHERE n_orders >= 2) / nullif(count(*), 0) AS repeat_rate,`,
    `  ${hasCategory ? 'count(*) FILTER (WHERE n_categories >= 2)' : 'CAST(NULL AS BIGINT)'} AS cross_customers,`,
    `  ${hasCategory ? 'count(*) FILTER (WHERE n_categories >= 2) / nullif(count(*), 0)' : 'CAST(NULL AS DOUBLE)'} AS cross_rate,`,
    `  sum(n_orders) / nullif(count(*), 0) AS purchase_frequency,`,
    `  coalesce(any_value(g.interpurchase_gaps), 0) AS interpurchase_gaps, any_value(g.median_interpurchase_days) AS median_interpurchase_days,`,
    `  any_value(g.avg_interpurchase_days) AS avg_interpurchase_days`,
    `FROM per, g`,
  ].join('\n');
  return built(sql, o.ignored);
}

export interface RetentionOptions {
  /** Needs `customer_id` and `order_date`. */
  orders: TableInfo;
  customers?: TableInfo;
  /** Default `month`. */
  grain?: Grain;
  filters?: Filters;
}

/** One row of `retentionSql`. */
export interface RetentionRow {
  period: string;
  active_customers: number;
  retained: number | null;
  retention_rate: number | null;
  churn_rate: number | null;
}

/**
 * Period-to-period retention of buyers. A customer is active in a period when
 * they have an order in it. For each period p from the first to the last
 * (`filters.from`/`to` when set, else the data's range):
 * - active_customers: active in p;
 * - retained: of those, active again in p + 1;
 * - retention_rate = retained / active_customers; churn_rate = 1 − retention_rate.
 * The last period has no next period in range: retained and both rates are
 * NULL. A period with no active customers has NULL rates.
 */
export function retentionSql(opts: RetentionOptions): MetricQuery {
  const { orders, filters } = opts;
  const grain = opts.grain ?? 'month';
  const m = missing(orders, 'orders', ['customer_id', 'order_date']);
  if (m) return unavailable(m);
  const o = orderLinesFacts(orders, { filters, ...(opts.customers ? { customers: opts.customers } : {}) });
  const first = filters?.from !== undefined ? dateLiteral(filters.from, '"from" filter date') : '(SELECT min(period) FROM act)';
  const last = filters?.to !== undefined ? dateLiteral(filters.to, '"to" filter date') : '(SELECT max(period) FROM act)';
  const sql = [
    `WITH o AS (${o.sql}),`,
    `act AS (SELECT DISTINCT customer_id, ${periodExpr(grain, 'day')} AS period FROM o WHERE customer_id IS NOT NULL AND day IS NOT NULL),`,
    `span AS (${periodSpanSql(grain, first, last)}),`,
    `per AS (`,
    `  SELECT a.period, count(*) AS active_customers, count(n.customer_id) AS retained`,
    `  FROM act AS a LEFT JOIN act AS n ON n.customer_id = a.customer_id AND n.period = ${shiftPeriod(grain, 'a.period', 1)}`,
    `  GROUP BY a.period`,
    `), grid AS (`,
    `  SELECT span.period, coalesce(per.active_customers, 0) AS active_customers,`,
    `    CASE WHEN span.period < (SELECT max(period) FROM span) THEN coalesce(per.retained, 0) END AS retained`,
    `  FROM span LEFT JOIN per ON per.period = span.period WHERE span.period IS NOT NULL`,
    `)`,
    `SELECT period, active_customers, retained, retained / nullif(active_customers, 0) AS retention_rate,`,
    `  1 - retained / nullif(active_customers, 0) AS churn_rate`,
    `FROM grid ORDER BY period`,
  ].join('\n');
  return built(sql, o.ignored);
}
