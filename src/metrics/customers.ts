/**
 * Customer base measures: how many customers there are and in what state
 * (active, dormant, churned), who is new, new vs returning buyers per period,
 * and big vs small customers by spend.
 */
import type { TableInfo } from '../ingest/model.ts';
import { lit } from '../lib/sql.ts';
import { built, dateLiteral, ignoredByAll, missing, periodExpr, periodSpanSql, positiveInt, shareOption, unavailable, type Grain, type MetricQuery } from './common.ts';
import { customerFacts, orderLinesFacts } from './facts.ts';
import { hasRevenue, SALES_MEASURES } from './measures.ts';
import { dateRangeCondition, type Filters } from './filters.ts';

export type CustomerDimension = 'segment' | 'region' | 'channel';

export interface CustomerStatusOptions {
  /** Optional: the customer list (with sign-up dates, segments…). Without it, customers are those who ordered. */
  customers?: TableInfo;
  /** Needs `customer_id` and `order_date`. */
  orders: TableInfo;
  /** `YYYY-MM-DD`: the day the status is taken on. Later orders and sign-ups are left out. */
  asOf: string;
  /** Active: last order at most this many days before `asOf`. Default 90. */
  activeDays?: number;
  /** Churned: last order more than this many days before `asOf`; between the two is dormant. Default 180. */
  churnDays?: number;
  /** One row per value of this customer attribute (`group_value`); without it one row, `group_value` NULL. */
  by?: CustomerDimension;
  /** Dimension filters select customers; `from`/`to` is the period in which customers count as new. */
  filters?: Filters;
}

/** One row of `customerStatusSql`. */
export interface CustomerStatusRow {
  group_value: string | null;
  customers: number;
  active: number;
  dormant: number;
  churned: number;
  no_orders: number;
  new_customers: number;
  first_orders: number;
}

/**
 * Customer counts by status on `asOf`, per `by` group.
 *
 * - customers: every customer in the customers table (distinct `customer_id`)
 *   who signed up on or before `asOf` (or has no sign-up date); without a
 *   customers table, every customer with an order on or before `asOf`.
 * - recency = days from the customer's last order (on or before `asOf`) to
 *   `asOf`. active: recency ≤ `activeDays`; dormant: `activeDays` < recency ≤
 *   `churnDays`; churned: recency > `churnDays`; no_orders: never ordered.
 *   The four add up to `customers`.
 * - new_customers: customers first seen in the period — the earlier of
 *   sign-up date and first order — between `filters.from` (open when unset)
 *   and `filters.to` (default `asOf`), both included.
 * - first_orders: customers whose first-ever order falls in that period (new buyers).
 *
 * First orders are taken over all dates (filters select customers, not days),
 * so a returning customer is never counted as new.
 */
export function customerStatusSql(opts: CustomerStatusOptions): MetricQuery {
  const { customers, orders, filters, by } = opts;
  const missingOrders = missing(orders, 'orders', ['customer_id', 'order_date']);
  if (missingOrders) return unavailable(missingOrders);
  if (customers) {
    const m = missing(customers, 'customers', ['customer_id']);
    if (m) return unavailable(m);
  }
  const activeDays = positiveInt(opts.activeDays ?? 90, 'activeDays');
  const churnDays = positiveInt(opts.churnDays ?? 180, 'churnDays');
  if (churnDays <= activeDays) throw new Error(`churnDays (${churnDays}) must be greater than activeDays (${activeDays})`);
  const asOf = dateLiteral(opts.asOf, 'as-of date');

  const lookup = customers ? { customers } : {};
  const o = orderLinesFacts(orders, { filters, ...lookup, skip: ['from', 'to'], ...(by && !customers ? { by } : {}) });
  if (by && !customers && !o.byResolved) return unavailable({ reason: 'missing_role', kind: 'orders', table: orders.name, roles: [by] });
  let base: string;
  let ignored = o.ignored;
  if (customers) {
    const c = customerFacts(customers, { filters, ...(by ? { by } : {}) });
    if (by && !c.byResolved) return unavailable({ reason: 'missing_role', kind: 'customers', table: customers.name, roles: [by] });
    ignored = ignoredByAll(o.ignored, c.ignored);
    base = [
      `SELECT c.customer_id, c.grp, c.signup, a.first_order, a.last_order`,
      `FROM (SELECT customer_id, ${by ? 'any_value(grp)' : 'CAST(NULL AS VARCHAR)'} AS grp, min(signup) AS signup FROM (${c.sql}) WHERE customer_id IS NOT NULL GROUP BY customer_id) AS c`,
      `LEFT JOIN act AS a ON a.customer_id = c.customer_id`,
      `WHERE c.signup IS NULL OR c.signup <= ${asOf}`,
    ].join('\n  ');
  } else {
    base = `SELECT customer_id, grp, CAST(NULL AS DATE) AS signup, first_order, last_order FROM act`;
  }
  const periodFrom = opts.filters?.from !== undefined ? dateLiteral(opts.filters.from, '"from" filter date') : undefined;
  const periodTo = opts.filters?.to !== undefined ? dateLiteral(opts.filters.to, '"to" filter date') : asOf;
  const inPeriod = (e: string) => `${periodFrom ? `${e} >= ${periodFrom} AND ` : ''}${e} <= ${periodTo}`;
  const sql = [
    `WITH o AS (${o.sql}),`,
    `act AS (`,
    `  SELECT customer_id, ${by && !customers ? 'any_value(grp)' : 'CAST(NULL AS VARCHAR)'} AS grp, min(day) AS first_order, max(day) AS last_order`,
    `  FROM o WHERE customer_id IS NOT NULL AND day <= ${asOf} GROUP BY customer_id`,
    `), base AS (`,
    `  ${base}`,
    `), s AS (`,
    `  SELECT *, date_diff('day', last_order, ${asOf}) AS recency, least(signup, first_order) AS first_seen FROM base`,
    `)`,
    `SELECT grp AS group_value,`,
    `  count(*) AS customers,`,
    `  count(*) FILTER (WHERE recency <= ${activeDays}) AS active,`,
    `  count(*) FILTER (WHERE recency > ${activeDays} AND recency <= ${churnDays}) AS dormant,`,
    `  count(*) FILTER (WHERE recency > ${churnDays}) AS churned,`,
    `  count(*) FILTER (WHERE last_order IS NULL) AS no_orders,`,
    `  count(*) FILTER (WHERE ${inPeriod('first_seen')}) AS new_customers,`,
    `  count(*) FILTER (WHERE ${inPeriod('first_order')}) AS first_orders`,
    `FROM s`,
    `GROUP BY grp`,
    `ORDER BY customers DESC, group_value NULLS LAST`,
  ].join('\n');
  return built(sql, ignored);
}

export interface NewReturningOptions {
  /** Needs `customer_id` and `order_date`; `amount` adds revenue. */
  orders: TableInfo;
  customers?: TableInfo;
  /** Default `month`. */
  grain?: Grain;
  filters?: Filters;
}

/** One row of `newReturningSql`. */
export interface NewReturningRow {
  period: string;
  customers: number;
  new_customers: number;
  returning_customers: number;
  new_revenue: number | null;
  returning_revenue: number | null;
}

/**
 * Buying customers per period, split into new (their first-ever order is in
 * this period) and returning (they ordered in an earlier period), with the
 * revenue of each group. First orders are taken over all dates, so the date
 * filter only chooses which periods are shown. Every period from the first to
 * the last (`filters.from`/`to` when set, else the data's range) is listed,
 * empty ones with zeros.
 */
export function newReturningSql(opts: NewReturningOptions): MetricQuery {
  const { orders, filters } = opts;
  const grain = opts.grain ?? 'month';
  const m = missing(orders, 'orders', ['customer_id', 'order_date']);
  if (m) return unavailable(m);
  const o = orderLinesFacts(orders, { filters, ...(opts.customers ? { customers: opts.customers } : {}), skip: ['from', 'to'] });
  const first = filters?.from !== undefined ? dateLiteral(filters.from, '"from" filter date') : '(SELECT min(day) FROM shown)';
  const last = filters?.to !== undefined ? dateLiteral(filters.to, '"to" filter date') : '(SELECT max(day) FROM shown)';
  const sql = [
    `WITH o AS (${o.sql}),`,
    `firsts AS (SELECT customer_id, min(day) AS first_day FROM o WHERE customer_id IS NOT NULL AND day IS NOT NULL GROUP BY customer_id),`,
    `shown AS (SELECT * FROM o WHERE customer_id IS NOT NULL AND day IS NOT NULL AND ${dateRangeCondition(filters, 'day')}),`,
    `per AS (`,
    `  SELECT ${periodExpr(grain, 's.day')} AS period, s.customer_id, sum(s.amount) AS revenue, ${periodExpr(grain, 'any_value(f.first_day)')} AS first_period`,
    `  FROM shown AS s JOIN firsts AS f ON f.customer_id = s.customer_id GROUP BY 1, 2`,
    `), agg AS (`,
    `  SELECT period, count(*) AS customers,`,
    `    count(*) FILTER (WHERE first_period = period) AS new_customers,`,
    `    count(*) FILTER (WHERE first_period < period) AS returning_customers,`,
    `    coalesce(sum(revenue) FILTER (WHERE first_period = period), 0) AS new_revenue,`,
    `    coalesce(sum(revenue) FILTER (WHERE first_period < period), 0) AS returning_revenue`,
    `  FROM per GROUP BY period`,
    `), span AS (${periodSpanSql(grain, first, last)})`,
    `SELECT span.period, coalesce(customers, 0) AS customers, coalesce(new_customers, 0) AS new_customers,`,
    `  coalesce(returning_customers, 0) AS returning_customers,`,
    `  ${hasAmount(orders) ? 'CAST(coalesce(new_revenue, 0) AS DOUBLE)' : 'CAST(NULL AS DOUBLE)'} AS new_revenue,`,
    `  ${hasAmount(orders) ? 'CAST(coalesce(returning_revenue, 0) AS DOUBLE)' : 'CAST(NULL AS DOUBLE)'} AS returning_revenue`,
    `FROM span LEFT JOIN agg ON agg.period = span.period`,
    `WHERE span.period IS NOT NULL`,
    `ORDER BY span.period`,
  ].join('\n');
  return built(sql, o.ignored);
}

function hasAmount(orders: TableInfo): boolean {
  return hasRevenue(orders);
}

export interface BigCustomersOptions {
  /** Needs `customer_id` and an amount (`amount`, or `quantity` and `unit_price`). */
  orders: TableInfo;
  customers?: TableInfo;
  /** Share of customers that are "big"; default 0.2 (top 20 %). */
  topShare?: number;
  filters?: Filters;
}

/** One row of `bigCustomersSql`. */
export interface BigCustomersRow {
  tier: 'big' | 'small';
  customers: number;
  customer_share: number;
  revenue: number;
  revenue_share: number | null;
  orders: number;
  avg_spend: number;
  min_spend: number;
  max_spend: number;
}

/**
 * Big vs small customers: customers ranked by spend (sum of amount over the
 * filtered orders; ties by customer id); the top ⌈topShare × n⌉ (at least one)
 * are `big`, the rest `small`. One row per tier that has customers, big first,
 * with each tier's revenue and share of revenue, orders, and spend range
 * (`min_spend` of big is the threshold).
 */
export function bigCustomersSql(opts: BigCustomersOptions): MetricQuery {
  const { orders, filters } = opts;
  const m = missing(orders, 'orders', ['customer_id']);
  if (m) return unavailable(m);
  if (!hasAmount(orders)) return unavailable({ reason: 'missing_role', kind: 'orders', table: orders.name, roles: ['amount'] });
  const share = shareOption(opts.topShare ?? 0.2, 'topShare');
  const o = orderLinesFacts(orders, { filters, ...(opts.customers ? { customers: opts.customers } : {}) });
  const sql = [
    `WITH o AS (${o.sql}),`,
    `spend AS (SELECT customer_id, coalesce(sum(amount), 0) AS spend, ${SALES_MEASURES.orders} AS orders FROM o WHERE customer_id IS NOT NULL GROUP BY customer_id),`,
    `ranked AS (SELECT *, row_number() OVER (ORDER BY spend DESC, customer_id) AS rank, count(*) OVER () AS n FROM spend),`,
    // Rounded first: 0.1 × 30 is 3.0000000000000004 in floating point, and its ceiling would be 4.
    `tiered AS (SELECT *, CASE WHEN rank <= greatest(1, ceil(round(${lit(share)} * n, 9))) THEN 'big' ELSE 'small' END AS tier FROM ranked)`,
    `SELECT tier, count(*) AS customers, count(*) / any_value(n) AS customer_share,`,
    `  CAST(sum(spend) AS DOUBLE) AS revenue, sum(spend) / nullif(sum(sum(spend)) OVER (), 0) AS revenue_share,`,
    `  CAST(sum(orders) AS BIGINT) AS orders, avg(spend) AS avg_spend, min(spend) AS min_spend, max(spend) AS max_spend`,
    `FROM tiered GROUP BY tier ORDER BY tier`,
  ].join('\n');
  return built(sql, o.ignored);
}
