/**
 * Sales measures: revenue, orders, average order value and units, overall,
 * by a dimension and/or by period; and the sales cycle from lead to won deal.
 */
import type { TableInfo } from '../ingest/model.ts';
import { built, missing, periodExpr, periodSpanSql, unavailable, dateLiteral, type Grain, type MetricQuery } from './common.ts';
import { leadFacts, orderLinesFacts } from './facts.ts';
import { dateRangeCondition, type Filters } from './filters.ts';
import { hasRevenue, SALES_MEASURES } from './measures.ts';

export type SalesDimension = 'product' | 'category' | 'channel' | 'region' | 'segment';

export interface SalesOptions {
  /** Needs `order_date` (with `grain` or a date filter); `amount` (or `quantity` × `unit_price`) for revenue, `quantity` for units. */
  orders: TableInfo;
  /** For segment/region/channel filters and breakdowns the orders table lacks. */
  customers?: TableInfo;
  /** One row per value (`group_value`); product and category come from the order lines, the rest from the order, else the customer. */
  by?: SalesDimension;
  /** One row per period (`period`, first day), every period from first to last, empty ones with zeros. */
  grain?: Grain;
  filters?: Filters;
}

/** One row of `salesSql`. */
export interface SalesRow {
  period: string | null;
  group_value: string | null;
  revenue: number | null;
  orders: number;
  aov: number | null;
  units: number | null;
  customers: number | null;
  lines: number;
}

/**
 * Sales per `by` group and/or `grain` period, over the filtered order lines.
 * Revenue, orders and customers are measures.ts's, as on every page.
 * - revenue: sum of line amounts, net or gross of returns (NULL without an amount).
 * - orders: distinct orders among sales lines (order id; else customer and day; else lines).
 * - aov (average order value): revenue / orders; NULL when there are no orders.
 *   By product or category, an order counts in every group it has a line in,
 *   so group AOV is the group's revenue per order that contains the group.
 * - units: sum of `quantity` (NULL without that role).
 * - customers: distinct customers who bought (NULL without `customer_id`).
 * With `grain`, periods run from `filters.from`/`to` when set, else from the
 * first to the last order (so a date range with no orders still lists its
 * periods, at zero); with `by` too, every group appears in every period.
 * Rows: by period, then revenue (largest first).
 */
export function salesSql(opts: SalesOptions): MetricQuery {
  const { orders, by, grain, filters } = opts;
  const needs: ('order_date')[] = grain || filters?.from !== undefined || filters?.to !== undefined ? ['order_date'] : [];
  const m = missing(orders, 'orders', needs);
  if (m) return unavailable(m);
  const o = orderLinesFacts(orders, { filters, ...(opts.customers ? { customers: opts.customers } : {}), ...(by ? { by } : {}) });
  if (by && !o.byResolved) return unavailable({ reason: 'missing_role', kind: 'orders', table: orders.name, roles: [by] });
  const hasAmount = hasRevenue(orders);
  const period = grain ? periodExpr(grain, 'day') : 'CAST(NULL AS DATE)';
  const grp = by ? 'grp' : 'CAST(NULL AS VARCHAR)';
  const measures = [
    `${SALES_MEASURES.revenue} AS revenue`,
    `${SALES_MEASURES.orders} AS orders`,
    `sum(quantity) AS units`,
    `${orders.roles.customer_id !== undefined ? SALES_MEASURES.customers : 'CAST(NULL AS BIGINT)'} AS customers`,
    `${SALES_MEASURES.lines} AS lines`,
  ].join(', ');
  const agg = `SELECT ${period} AS period, ${grp} AS grp, ${measures} FROM o${grain ? ' WHERE day IS NOT NULL' : ''} GROUP BY 1, 2`;
  const out = (src: string) => [
    `SELECT ${src}.period, ${src}.grp AS group_value,`,
    `  ${hasAmount ? 'CAST(coalesce(agg.revenue, 0) AS DOUBLE)' : 'CAST(NULL AS DOUBLE)'} AS revenue,`,
    `  coalesce(agg.orders, 0) AS orders,`,
    `  ${hasAmount ? 'agg.revenue / nullif(agg.orders, 0)' : 'CAST(NULL AS DOUBLE)'} AS aov,`,
    `  ${orders.roles.quantity !== undefined ? 'CAST(coalesce(agg.units, 0) AS DOUBLE)' : 'CAST(NULL AS DOUBLE)'} AS units,`,
    `  ${orders.roles.customer_id !== undefined ? 'coalesce(agg.customers, 0)' : 'CAST(NULL AS BIGINT)'} AS customers,`,
    `  coalesce(agg.lines, 0) AS lines`,
  ].join('\n');
  let sql: string;
  if (grain) {
    const first = filters?.from !== undefined ? dateLiteral(filters.from, '"from" filter date') : '(SELECT min(day) FROM o)';
    const last = filters?.to !== undefined ? dateLiteral(filters.to, '"to" filter date') : '(SELECT max(day) FROM o)';
    sql = [
      `WITH o AS (${o.sql}),`,
      `agg AS (${agg}),`,
      `span AS (${periodSpanSql(grain, first, last)}),`,
      `grid AS (SELECT span.period, g.grp FROM span CROSS JOIN (${by ? 'SELECT DISTINCT grp FROM agg' : 'SELECT CAST(NULL AS VARCHAR) AS grp'}) AS g WHERE span.period IS NOT NULL)`,
      out('grid'),
      `FROM grid LEFT JOIN agg ON agg.period = grid.period AND agg.grp IS NOT DISTINCT FROM grid.grp`,
      `ORDER BY grid.period, revenue DESC NULLS LAST, orders DESC, group_value NULLS LAST`,
    ].join('\n');
  } else {
    sql = [
      `WITH o AS (${o.sql}),`,
      `agg AS (${agg})`,
      out('agg'),
      `FROM agg`,
      `ORDER BY revenue DESC NULLS LAST, orders DESC, group_value NULLS LAST`,
    ].join('\n');
  }
  return built(sql, o.ignored);
}

export interface SalesCycleOptions {
  /** Needs `created_at`, and `won_at` unless `deals` dates the close. */
  leads: TableInfo;
  /**
   * Closed deals in a second table (`lead_id` and `won_at`, e.g. olist's closed
   * deals): used for the close date when the leads table has no `won_at`.
   */
  deals?: TableInfo;
  customers?: TableInfo;
  /** One row per lead channel or owner. */
  by?: 'channel' | 'owner';
  /** `from`/`to` select deals by the day they were won; other filters as usual. */
  filters?: Filters;
}

/** One row of `salesCycleSql`. */
export interface SalesCycleRow {
  group_value: string | null;
  won_leads: number;
  median_days: number | null;
  p90_days: number | null;
  avg_days: number | null;
  min_days: number | null;
  max_days: number | null;
}

/** Whether the close date comes from a joined deals table: the leads lack `won_at` and the deals have it with `lead_id`. */
export function closeFromDeals(leads: TableInfo, deals: TableInfo | undefined): deals is TableInfo {
  return leads.roles.won_at === undefined && deals !== undefined && deals !== leads && deals.roles.won_at !== undefined
    && deals.roles.lead_id !== undefined && leads.roles.lead_id !== undefined;
}

/**
 * Sales cycle: days from a lead's `created_at` to its `won_at`, over won leads
 * (both dates set, won on or after created), won within `filters.from`/`to`.
 * When the leads table has no `won_at` but `deals` has (see `closeFromDeals`),
 * a lead's close is its earliest deal's `won_at`, matched on `lead_id` as text.
 * Median and 90th percentile interpolate between the two nearest values
 * (`quantile_cont`). Rows: largest group first.
 */
export function salesCycleSql(opts: SalesCycleOptions): MetricQuery {
  const { leads, deals, by, filters } = opts;
  const viaDeals = closeFromDeals(leads, deals);
  const m = missing(leads, 'leads', viaDeals ? ['created_at'] : ['created_at', 'won_at']);
  if (m) return unavailable(m);
  const l = leadFacts(leads, { filters, ...(opts.customers ? { customers: opts.customers } : {}), ...(by ? { by } : {}), skip: ['from', 'to'] });
  if (by && !l.byResolved) return unavailable({ reason: 'missing_role', kind: 'leads', table: leads.name, roles: [by] });
  const source = viaDeals
    ? [
        `d AS (SELECT lead_key, min(won_day) AS won_day FROM (${leadFacts(deals).sql}) WHERE lead_key IS NOT NULL GROUP BY lead_key),`,
        `lw AS (SELECT l.* EXCLUDE (won_day), d.won_day FROM l JOIN d ON d.lead_key = l.lead_key),`,
      ]
    : [`lw AS (SELECT * FROM l),`];
  const sql = [
    `WITH l AS (${l.sql}),`,
    ...source,
    `won AS (SELECT ${by ? 'grp' : 'CAST(NULL AS VARCHAR)'} AS grp, date_diff('day', day, won_day) AS days FROM lw`,
    `  WHERE day IS NOT NULL AND won_day IS NOT NULL AND won_day >= day AND ${dateRangeCondition(filters, 'won_day')})`,
    `SELECT grp AS group_value, count(*) AS won_leads,`,
    `  quantile_cont(days, 0.5) AS median_days, quantile_cont(days, 0.9) AS p90_days, avg(days) AS avg_days,`,
    `  min(days) AS min_days, max(days) AS max_days`,
    `FROM won GROUP BY grp`,
    `ORDER BY won_leads DESC, group_value NULLS LAST`,
  ].join('\n');
  return built(sql, l.ignored);
}
