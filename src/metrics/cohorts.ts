/**
 * Cohorts and life cycle: retention and revenue by first-purchase month
 * (the cohort heatmap), and each customer's life-cycle stage.
 */
import type { TableInfo } from '../ingest/model.ts';
import { lit } from '../lib/sql.ts';
import { built, dateLiteral, missing, positiveInt, shareOption, unavailable, type MetricQuery, type Unavailable } from './common.ts';
import { orderLinesFacts } from './facts.ts';
import { hasRevenue } from './measures.ts';
import { dateRangeCondition, type FilterKey, type Filters } from './filters.ts';

export interface CohortOptions {
  /** Needs `customer_id` and `order_date`; an amount adds revenue. */
  orders: TableInfo;
  customers?: TableInfo;
  /** Keep months since first purchase 0…maxMonths only. */
  maxMonths?: number;
  /** `from`/`to` choose cohorts (by first-purchase day) and the activity counted; dimensions choose customers and lines. */
  filters?: Filters;
}

/** One row of `cohortRetentionSql`. */
export interface CohortRow {
  cohort: string;
  months_since: number;
  cohort_size: number;
  customers: number;
  retention: number;
  revenue: number | null;
  revenue_per_customer: number | null;
}

function hasAmount(orders: TableInfo): boolean {
  return hasRevenue(orders);
}

/**
 * Cohort heatmap. A customer's cohort is the calendar month of their
 * first-ever order (over all dates). For each cohort whose first orders fall
 * in `filters.from`/`to`, and each month since (0 = the cohort month) up to
 * the last month (of `filters.to`, else of the data): cohort_size, customers
 * of the cohort who ordered in that month, retention = customers /
 * cohort_size, revenue of the cohort in that month and revenue_per_customer =
 * revenue / cohort_size. Months without orders are listed with 0, so the
 * result is the full triangle.
 */
export function cohortRetentionSql(opts: CohortOptions): MetricQuery {
  const { orders, filters } = opts;
  const m = missing(orders, 'orders', ['customer_id', 'order_date']);
  if (m) return unavailable(m);
  const maxMonths = opts.maxMonths;
  if (maxMonths !== undefined && !(Number.isInteger(maxMonths) && maxMonths >= 0)) throw new Error(`maxMonths must be a whole number ≥ 0, got ${maxMonths}`);
  const o = orderLinesFacts(orders, { filters, ...(opts.customers ? { customers: opts.customers } : {}), skip: ['from', 'to'] });
  const month = (e: string) => `CAST(date_trunc('month', ${e}) AS DATE)`;
  const last = filters?.to !== undefined ? month(dateLiteral(filters.to, '"to" filter date')) : `(SELECT ${month('max(day)')} FROM shown)`;
  const revenue = hasAmount(orders);
  const sql = [
    `WITH o AS (SELECT * FROM (${o.sql}) WHERE customer_id IS NOT NULL AND day IS NOT NULL),`,
    `firsts AS (SELECT customer_id, min(day) AS first_day, ${month('min(day)')} AS cohort FROM o GROUP BY customer_id),`,
    `cohorts AS (SELECT cohort, count(*) AS cohort_size FROM firsts WHERE ${dateRangeCondition(filters, 'first_day')} GROUP BY cohort),`,
    `shown AS (SELECT * FROM o WHERE ${dateRangeCondition(filters, 'day')}),`,
    `act AS (`,
    `  SELECT f.cohort, date_diff('month', f.cohort, ${month('s.day')}) AS months_since, count(DISTINCT s.customer_id) AS customers, sum(s.amount) AS revenue`,
    `  FROM shown AS s JOIN firsts AS f ON f.customer_id = s.customer_id GROUP BY 1, 2`,
    `),`,
    `grid AS (SELECT cohort, cohort_size, unnest(range(0, date_diff('month', cohort, ${last}) + 1)) AS months_since FROM cohorts)`,
    `SELECT grid.cohort, CAST(grid.months_since AS INTEGER) AS months_since, grid.cohort_size,`,
    `  coalesce(act.customers, 0) AS customers, coalesce(act.customers, 0) / grid.cohort_size AS retention,`,
    `  ${revenue ? 'CAST(coalesce(act.revenue, 0) AS DOUBLE)' : 'CAST(NULL AS DOUBLE)'} AS revenue,`,
    `  ${revenue ? 'coalesce(act.revenue, 0) / grid.cohort_size' : 'CAST(NULL AS DOUBLE)'} AS revenue_per_customer`,
    `FROM grid LEFT JOIN act ON act.cohort = grid.cohort AND act.months_since = grid.months_since`,
    maxMonths !== undefined ? `WHERE grid.months_since <= ${maxMonths}` : '',
    `ORDER BY grid.cohort, grid.months_since`,
  ].filter((line) => line !== '').join('\n');
  return built(sql, o.ignored);
}

export type LifecycleStage = 'new' | 'growing' | 'mature' | 'declining' | 'lost';
export const LIFECYCLE_STAGES: readonly LifecycleStage[] = ['new', 'growing', 'mature', 'declining', 'lost'];

export interface LifecycleOptions {
  /** Needs `customer_id` and `order_date`; spend uses an amount when there is one, else order counts. */
  orders: TableInfo;
  customers?: TableInfo;
  /** `YYYY-MM-DD`; later orders are left out. */
  asOf: string;
  /** New: first order fewer than this many days before `asOf`. Default 90. */
  newDays?: number;
  /** Lost: last order more than this many days before `asOf`. Default 180. */
  lostDays?: number;
  /** Length of the two windows compared for growth. Default 90. */
  windowDays?: number;
  /** Growing: recent spend above (1 + growth) × previous; declining: below (1 − growth) ×. Default 0.2. */
  growth?: number;
  /** Dimension filters choose customers and lines; `from` leaves out earlier orders, `to` is ignored (`asOf` ends the data). */
  filters?: Filters;
}

/** One row of `lifecycleSql`. */
export interface LifecycleRow {
  customer_id: string;
  first_order: string;
  last_order: string;
  recency_days: number;
  recent_value: number;
  previous_value: number;
  stage: LifecycleStage;
}

function lifecycleCtes(opts: LifecycleOptions): { ctes: string; ignored: FilterKey[] } | { unavailable: Unavailable } {
  const { orders, filters } = opts;
  const m = missing(orders, 'orders', ['customer_id', 'order_date']);
  if (m) return { unavailable: m };
  const asOf = dateLiteral(opts.asOf, 'as-of date');
  const newDays = positiveInt(opts.newDays ?? 90, 'newDays');
  const lostDays = positiveInt(opts.lostDays ?? 180, 'lostDays');
  const windowDays = positiveInt(opts.windowDays ?? 90, 'windowDays');
  const growth = shareOption(opts.growth ?? 0.2, 'growth');
  const o = orderLinesFacts(orders, { filters, ...(opts.customers ? { customers: opts.customers } : {}), skip: ['to'] });
  const value = hasAmount(orders) ? (w: string) => `coalesce(sum(amount) FILTER (WHERE ${w}), 0)` : (w: string) => `count(DISTINCT order_key) FILTER (WHERE ${w})`;
  const ctes = [
    `o AS (SELECT *, date_diff('day', day, ${asOf}) AS ago FROM (${o.sql}) WHERE customer_id IS NOT NULL AND day IS NOT NULL AND day <= ${asOf}),`,
    `per AS (`,
    `  SELECT customer_id, min(day) AS first_order, max(day) AS last_order, min(ago) AS recency_days, max(ago) AS first_ago,`,
    `    ${value(`ago < ${windowDays}`)} AS recent_value, ${value(`ago >= ${windowDays} AND ago < ${2 * windowDays}`)} AS previous_value,`,
    `    ${value('TRUE')} AS total_value`,
    `  FROM o GROUP BY customer_id`,
    `),`,
    `staged AS (SELECT *, CASE`,
    `    WHEN recency_days > ${lostDays} THEN 'lost'`,
    `    WHEN first_ago < ${newDays} THEN 'new'`,
    `    WHEN recent_value > (1 + ${lit(growth)}) * previous_value THEN 'growing'`,
    `    WHEN recent_value < (1 - ${lit(growth)}) * previous_value THEN 'declining'`,
    `    ELSE 'mature' END AS stage FROM per)`,
  ].join('\n');
  return { ctes, ignored: [...o.ignored, ...(filters?.to !== undefined ? (['to'] as const) : [])] };
}

/**
 * Each buyer's life-cycle stage on `asOf`; the first rule that matches wins:
 * 1. lost: last order more than `lostDays` days before `asOf`;
 * 2. new: first order fewer than `newDays` days before `asOf`;
 * 3. growing: spend in the last `windowDays` days (days 0 … windowDays − 1
 *    before `asOf`) above (1 + growth) × spend in the window before it
 *    (windowDays … 2·windowDays − 1) — a customer returning after a quiet
 *    window counts as growing;
 * 4. declining: recent spend below (1 − growth) × previous spend;
 * 5. mature: otherwise (steady).
 * Spend is the sum of amounts, or the number of orders without an amount. By customer id.
 */
export function lifecycleSql(opts: LifecycleOptions): MetricQuery {
  const c = lifecycleCtes(opts);
  if ('unavailable' in c) return unavailable(c.unavailable);
  const sql = [
    `WITH ${c.ctes}`,
    `SELECT customer_id, first_order, last_order, recency_days, CAST(recent_value AS DOUBLE) AS recent_value,`,
    `  CAST(previous_value AS DOUBLE) AS previous_value, stage`,
    `FROM staged ORDER BY customer_id`,
  ].join('\n');
  return built(sql, c.ignored);
}

/** One row of `lifecycleStagesSql`. */
export interface LifecycleStageRow {
  stage: LifecycleStage;
  customers: number;
  share: number | null;
  value: number;
}

/** The five stages of `lifecycleSql` (always five rows, in life order): customers, their share, and their total spend up to `asOf` (`value`). */
export function lifecycleStagesSql(opts: LifecycleOptions): MetricQuery {
  const c = lifecycleCtes(opts);
  if ('unavailable' in c) return unavailable(c.unavailable);
  const sql = [
    `WITH ${c.ctes}`,
    `SELECT k.stage, count(s.stage) AS customers, count(s.stage) / nullif((SELECT count(*) FROM staged), 0) AS share,`,
    `  CAST(coalesce(sum(s.total_value), 0) AS DOUBLE) AS value`,
    `FROM (VALUES ${LIFECYCLE_STAGES.map((st, i) => `(${i}, ${lit(st)})`).join(', ')}) AS k(ord, stage)`,
    `LEFT JOIN staged AS s ON s.stage = k.stage GROUP BY k.ord, k.stage ORDER BY k.ord`,
  ].join('\n');
  return built(sql, c.ignored);
}
