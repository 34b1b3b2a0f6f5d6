/**
 * The per-customer summary the BG/NBD, Pareto/NBD and Gamma-Gamma models fit
 * (Fader, Hardie & Lee 2005), and the hold-out actuals they are checked
 * against, built from an orders table in SQL.
 *
 * - Amounts come from `orderLinesFacts` (measures.ts: `amount`, else quantity ×
 *   unit price less discount; return lines negative), net of returns.
 * - A purchase is a customer-day: all of a customer's lines on one day are one
 *   purchase, its spend their net sum. A day with a sales line is a purchase
 *   unless returns on that same day cancel it (net spend ≤ 0 with a return
 *   line): a buy-and-return is no purchase, but a free (0.00) order is one, as
 *   in the CDNOW data. A day with return lines only is no purchase; its amount
 *   is not netted against earlier days (the scope query counts those days).
 * - x = purchases in the calibration period after the first (repeat purchases),
 *   t_x = weeks from the first to the last of them (0 when x = 0), T = weeks from
 *   the first purchase to the calibration end, zbar = mean spend of the repeat
 *   purchases (NULL when x = 0). Weeks = days / 7. The calibration end day is
 *   in the calibration period; the hold-out runs from the day after it to the
 *   last day of the data.
 * - Left out of the fit, and counted by `clvScopeSql`: lines without a customer
 *   or a readable date, customers with no purchase day, and customers whose
 *   first purchase falls after the calibration end.
 */
import type { TableInfo } from '../ingest/model.ts';
import { built, dateLiteral, missing, unavailable, type MetricQuery } from './common.ts';
import { orderLinesFacts } from './facts.ts';
import { RISK_TABLE } from './filters.ts';
import { hasRevenue } from './measures.ts';
import { ident } from '../lib/sql.ts';

export interface ClvSummaryOptions {
  /** Needs `customer_id`, `order_date` and an amount (`amount`, or `quantity` and `unit_price`). */
  orders: TableInfo;
  /** `YYYY-MM-DD`, the last day of the calibration period; default (scope query only): see `clvScopeSql`. */
  calibrationEnd?: string;
}

/** Share of the period that the default calibration end leaves before it (the last third is the hold-out). */
export const DEFAULT_CALIBRATION_SHARE = 2 / 3;

/**
 * CTEs `lines` (order lines with a customer and a day), `days` (one row per
 * customer-day), `purchases` (the days that are purchases), `firsts` (first
 * purchase per customer), `bounds` (first and last day, default and chosen
 * calibration end as `cal_end`).
 */
function ctes(opts: ClvSummaryOptions): { sql: string } | { unavailable: MetricQuery } {
  const { orders } = opts;
  const m = missing(orders, 'orders', ['customer_id', 'order_date']);
  if (m) return { unavailable: unavailable(m) };
  if (!hasRevenue(orders)) return { unavailable: unavailable({ reason: 'missing_role', kind: 'orders', table: orders.name, roles: ['amount'] }) };
  const end = opts.calibrationEnd === undefined ? 'default_end' : dateLiteral(opts.calibrationEnd, 'calibration end');
  const facts = orderLinesFacts(orders);
  return {
    sql: [
      `WITH facts AS (SELECT customer_id, day, amount, is_return FROM (${facts.sql})),`,
      `lines AS (SELECT * FROM facts WHERE customer_id IS NOT NULL AND day IS NOT NULL),`,
      `days AS (SELECT customer_id, day, sum(amount) AS spend, bool_or(NOT is_return) AS has_sale, bool_or(is_return) AS has_return`,
      `  FROM lines GROUP BY customer_id, day),`,
      `purchases AS (SELECT customer_id, day, spend FROM days WHERE has_sale AND (coalesce(spend, 0) > 0 OR NOT has_return)),`,
      `firsts AS (SELECT customer_id, min(day) AS first_day FROM purchases GROUP BY customer_id),`,
      `span AS (SELECT min(day) AS first_day, max(day) AS last_day FROM purchases),`,
      `bounds AS (SELECT first_day, last_day,`,
      `  CAST(first_day + CAST(floor(date_diff('day', first_day, last_day) * ${DEFAULT_CALIBRATION_SHARE}) AS INTEGER) AS DATE) AS default_end FROM span),`,
      `ends AS (SELECT *, CAST(${end} AS DATE) AS cal_end FROM bounds)`,
    ].join('\n'),
  };
}

/** One row of `clvSummarySql` (time in weeks). */
export interface ClvSummaryRow {
  id: string;
  x: number;
  t_x: number;
  T: number;
  /** NULL when x = 0. */
  zbar: number | null;
  /** Purchases (customer-days) in the hold-out. */
  x_holdout: number;
  /** Net spend in the hold-out. */
  spend_holdout: number;
  /** Days from the first day of the data to the customer's first purchase. */
  birth_day: number;
  /** Net spend of all the customer's purchases, calibration and hold-out (for revenue shares). */
  spend_total: number;
}

/**
 * One row per customer whose first purchase is on or before the calibration
 * end (columns of `ClvSummaryRow`), ordered by id. Needs `calibrationEnd`.
 */
export function clvSummarySql(opts: ClvSummaryOptions & { calibrationEnd: string }): MetricQuery {
  const c = ctes(opts);
  if ('unavailable' in c) return c.unavailable;
  const sql = [
    `${c.sql},`,
    `cal AS (SELECT p.customer_id, f.first_day, CAST(count(*) - 1 AS DOUBLE) AS x, max(p.day) AS last_day,`,
    `  avg(p.spend) FILTER (WHERE p.day > f.first_day) AS zbar`,
    `  FROM purchases p JOIN firsts f USING (customer_id), ends WHERE p.day <= ends.cal_end GROUP BY p.customer_id, f.first_day),`,
    `hold AS (SELECT customer_id, count(*) AS n, sum(spend) AS spend FROM purchases, ends WHERE day > ends.cal_end GROUP BY customer_id),`,
    `total AS (SELECT customer_id, sum(spend) AS spend FROM purchases GROUP BY customer_id)`,
    `SELECT cal.customer_id AS id, x,`,
    `  CASE WHEN x > 0 THEN date_diff('day', cal.first_day, cal.last_day) / 7.0 ELSE 0.0 END AS t_x,`,
    `  date_diff('day', cal.first_day, ends.cal_end) / 7.0 AS "T",`,
    `  CAST(zbar AS DOUBLE) AS zbar,`,
    `  CAST(coalesce(hold.n, 0) AS DOUBLE) AS x_holdout,`,
    `  CAST(coalesce(hold.spend, 0) AS DOUBLE) AS spend_holdout,`,
    `  CAST(date_diff('day', ends.first_day, cal.first_day) AS DOUBLE) AS birth_day,`,
    `  CAST(coalesce(total.spend, 0) AS DOUBLE) AS spend_total`,
    `FROM cal LEFT JOIN hold USING (customer_id) LEFT JOIN total USING (customer_id), ends ORDER BY id`,
  ].join('\n');
  return built(sql);
}

/** One row of `clvWeeklyRepeatsSql`. */
export interface ClvWeekRow {
  /** Whole weeks since the first day of the data (week 0 holds days 0–6). */
  week: number;
  repeats: number;
}

/**
 * Actual repeat purchases per week over the whole period, by the customers in
 * the fit (first purchase on or before the calibration end): the tracking
 * chart's "actual" line, cumulated by the caller. Weeks without any are absent.
 */
export function clvWeeklyRepeatsSql(opts: ClvSummaryOptions & { calibrationEnd: string }): MetricQuery {
  const c = ctes(opts);
  if ('unavailable' in c) return c.unavailable;
  const sql = [
    c.sql,
    `SELECT CAST(floor(date_diff('day', ends.first_day, p.day) / 7) AS INTEGER) AS week, CAST(count(*) AS DOUBLE) AS repeats`,
    `FROM purchases p JOIN firsts f USING (customer_id), ends`,
    `WHERE p.day > f.first_day AND f.first_day <= ends.cal_end GROUP BY week ORDER BY week`,
  ].join('\n');
  return built(sql);
}

/** One row of `clvBirthsSql`. */
export interface ClvBirthRow {
  /** Days from the first day of the data to the first purchase. */
  birth_day: number;
  customers: number;
}

/**
 * How many customers of the fit made their first purchase on each day: the
 * predicted tracking curve is Σ over these of customers × E[X(t − birth)].
 */
export function clvBirthsSql(opts: ClvSummaryOptions & { calibrationEnd: string }): MetricQuery {
  const c = ctes(opts);
  if ('unavailable' in c) return c.unavailable;
  const sql = [
    c.sql,
    `SELECT CAST(date_diff('day', ends.first_day, f.first_day) AS DOUBLE) AS birth_day, CAST(count(*) AS DOUBLE) AS customers`,
    `FROM firsts f, ends WHERE f.first_day <= ends.cal_end GROUP BY 1 ORDER BY 1`,
  ].join('\n');
  return built(sql);
}

/** The row of `clvScopeSql`. */
export interface ClvScopeRow {
  /** First and last purchase day of the data (`YYYY-MM-DD`), NULL when there is none. */
  first_day: string | null;
  last_day: string | null;
  /** The default calibration end: the day that leaves the last third of the period as hold-out. */
  default_end: string | null;
  /** The calibration end used (the one asked for, else the default). */
  cal_end: string | null;
  lines: number;
  no_customer_lines: number;
  no_date_lines: number;
  return_lines: number;
  /** Customer-days with sales that same-day returns cancel (net ≤ 0): not purchases. */
  cancelled_days: number;
  /** Customer-days with return lines only: not purchases, not netted against earlier days. */
  return_only_days: number;
  /** Customers with at least one purchase day. */
  customers: number;
  /** Customers in the fit (first purchase on or before `cal_end`). */
  customers_fit: number;
  /** Customers whose first purchase is after `cal_end`: left out of the fit. */
  customers_late: number;
  /** Customers with lines but no purchase day (returns only, or every day cancelled). */
  customers_no_purchase: number;
  /** Customers of the fit with one purchase only in calibration (x = 0): kept, the models need them. */
  customers_one_purchase: number;
}

/**
 * One row: the data's span, the default and the chosen calibration end, and
 * what the summary leaves out and why (see the module comment).
 */
export function clvScopeSql(opts: ClvSummaryOptions): MetricQuery {
  const c = ctes(opts);
  if ('unavailable' in c) return c.unavailable;
  const sql = [
    `${c.sql},`,
    `cal_counts AS (SELECT p.customer_id, count(*) AS n FROM purchases p JOIN firsts f USING (customer_id), ends`,
    `  WHERE p.day <= ends.cal_end AND f.first_day <= ends.cal_end GROUP BY p.customer_id)`,
    `SELECT CAST(ends.first_day AS VARCHAR) AS first_day, CAST(ends.last_day AS VARCHAR) AS last_day,`,
    `  CAST(ends.default_end AS VARCHAR) AS default_end, CAST(ends.cal_end AS VARCHAR) AS cal_end,`,
    `  (SELECT count(*) FROM facts) AS lines,`,
    `  (SELECT count(*) FILTER (WHERE customer_id IS NULL) FROM facts) AS no_customer_lines,`,
    `  (SELECT count(*) FILTER (WHERE customer_id IS NOT NULL AND day IS NULL) FROM facts) AS no_date_lines,`,
    `  (SELECT count(*) FILTER (WHERE is_return) FROM lines) AS return_lines,`,
    `  (SELECT count(*) FILTER (WHERE has_sale AND has_return AND coalesce(spend, 0) <= 0) FROM days) AS cancelled_days,`,
    `  (SELECT count(*) FILTER (WHERE NOT has_sale) FROM days) AS return_only_days,`,
    `  (SELECT count(*) FROM firsts) AS customers,`,
    `  (SELECT count(*) FROM firsts WHERE first_day <= ends.cal_end) AS customers_fit,`,
    `  (SELECT count(*) FROM firsts WHERE first_day > ends.cal_end) AS customers_late,`,
    `  (SELECT count(DISTINCT customer_id) FROM lines) - (SELECT count(*) FROM firsts) AS customers_no_purchase,`,
    `  (SELECT count(*) FROM cal_counts WHERE n = 1) AS customers_one_purchase`,
    `FROM ends`,
  ].join('\n');
  return built(sql);
}

/**
 * The churn lab's saved scores (`churn_scores`: `customer`, `probability`) as
 * `id` (text, as the summary's ids) and `probability`: the risk the value
 * tiers use when the table is there.
 */
export function churnRiskSql(): MetricQuery {
  return built(`SELECT CAST(customer AS VARCHAR) AS id, CAST(probability AS DOUBLE) AS probability FROM ${ident(RISK_TABLE)} WHERE customer IS NOT NULL`);
}
