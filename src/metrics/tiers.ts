/**
 * Customer value tiers on top of RFM (`rfmSql`): the four-tier classification
 * common in Chinese CRM practice (重要价值 / 潜力 / 一般 / 低价值), and how
 * concentrated revenue is (Pareto share, Lorenz curve, Gini).
 */
import type { TableInfo } from '../ingest/model.ts';
import { lit } from '../lib/sql.ts';
import { built, dateLiteral, missing, positiveInt, shareOption, unavailable, type MetricQuery, type Unavailable } from './common.ts';
import { orderLinesFacts } from './facts.ts';
import { hasRevenue } from './measures.ts';
import type { FilterKey, Filters } from './filters.ts';
import { rfmSql } from './rfm.ts';

export type Tier = 'important' | 'potential' | 'ordinary' | 'low_value';

/**
 * The tiers, their Chinese names and the suggested action (a message key for
 * the UI). Flags, each against the median over the customers scored:
 * recent = recency_days below the median; frequent = frequency above the
 * median; high value = monetary above the median ("above" is strict, so a
 * customer at the median is not counted as above it: with a median frequency
 * of 1, frequent means bought more than once).
 *
 * | tier | rule | action |
 * |---|---|---|
 * | important 重要价值客户 | recent and frequent and high value | `retain_vip`: keep them: VIP service, early access, no blanket discounts |
 * | potential 潜力客户 | recent, but not both frequent and high value | `develop`: grow them: cross-sell, bundles, second-purchase nudges |
 * | ordinary 一般客户 | not recent, but frequent or high value | `win_back`: they were worth something: reactivation offers, ask why |
 * | low_value 低价值客户 | not recent, not frequent, not high value | `low_cost`: automated, low-cost contact only |
 *
 * Every scored customer is in exactly one tier.
 */
export const TIERS = [
  { tier: 'important', zh: '重要价值客户', en: 'Important value', action: 'retain_vip' },
  { tier: 'potential', zh: '潜力客户', en: 'Potential', action: 'develop' },
  { tier: 'ordinary', zh: '一般客户', en: 'Ordinary', action: 'win_back' },
  { tier: 'low_value', zh: '低价值客户', en: 'Low value', action: 'low_cost' },
] as const satisfies readonly { tier: Tier; zh: string; en: string; action: string }[];

export type TierAction = (typeof TIERS)[number]['action'];

/** The tier of a customer from the three flags, the same rule the SQL applies. */
export function tierOf(recent: boolean, frequent: boolean, highValue: boolean): Tier {
  if (recent) return frequent && highValue ? 'important' : 'potential';
  return frequent || highValue ? 'ordinary' : 'low_value';
}

export interface TierOptions {
  /** Needs `customer_id`, `order_date` and an amount (`amount`, or `quantity` and `unit_price`). */
  orders: TableInfo;
  customers?: TableInfo;
  /** `YYYY-MM-DD`; recency is counted to this day and later orders are left out (as in `rfmSql`). */
  asOf: string;
  filters?: Filters;
}

/**
 * CTEs `scoped` (filtered order lines in the columns `rfmSql` reads) and `rfm`
 * (`rfmSql` over them), or why not.
 */
function rfmCtes(opts: TierOptions): { ctes: string; ignored: FilterKey[] } | { unavailable: Unavailable } {
  const { orders } = opts;
  const m = missing(orders, 'orders', ['customer_id', 'order_date']);
  if (m) return { unavailable: m };
  if (!hasRevenue(orders)) return { unavailable: { reason: 'missing_role', kind: 'orders', table: orders.name, roles: ['amount'] } };
  dateLiteral(opts.asOf, 'as-of date');
  const o = orderLinesFacts(orders, { filters: opts.filters, ...(opts.customers ? { customers: opts.customers } : {}) });
  // rfmSql reads a table by name; the CTE `crm_scoped_orders` stands in for it, so the global filters apply.
  const rfm = rfmSql({
    table: 'crm_scoped_orders',
    columns: { customerId: 'customer_id', orderDate: 'day', amount: 'amount', orderId: 'order_key' },
    asOf: opts.asOf,
    types: { orderDate: 'DATE', amount: 'DOUBLE' },
  });
  // A cancellation invoice is not an order: its lines count in monetary (net) but not in frequency (measures.ts).
  const scoped = `SELECT * REPLACE (CASE WHEN is_return THEN NULL ELSE order_key END AS order_key) FROM (${o.sql})`;
  return { ctes: `crm_scoped_orders AS (${scoped}),\nrfm AS (\n${rfm}\n)`, ignored: o.ignored };
}

const tierCase = [
  `CASE WHEN recent THEN (CASE WHEN frequent AND high_value THEN 'important' ELSE 'potential' END)`,
  `WHEN frequent OR high_value THEN 'ordinary' ELSE 'low_value' END`,
].join(' ');

function flagsCte(): string {
  return [
    `med AS (SELECT quantile_cont(recency_days, 0.5) AS median_recency_days, quantile_cont(frequency, 0.5) AS median_frequency,`,
    `  quantile_cont(monetary, 0.5) AS median_monetary FROM rfm),`,
    `flags AS (SELECT rfm.*, recency_days < median_recency_days AS recent, frequency > median_frequency AS frequent,`,
    `  monetary > median_monetary AS high_value, med.* FROM rfm, med),`,
    `tiered AS (SELECT *, ${tierCase} AS tier FROM flags),`,
    `tiers AS (SELECT * FROM (VALUES ${TIERS.map((t, i) => `(${i + 1}, ${lit(t.tier)}, ${lit(t.zh)}, ${lit(t.action)})`).join(', ')}) AS t(ord, tier, tier_zh, action))`,
  ].join('\n');
}

/** One row of `customerTiersSql`. */
export interface CustomerTierRow {
  customer_id: string;
  recency_days: number;
  frequency: number;
  monetary: number;
  /** The customer's RFM scores and segment, as `rfmSql` gives them. */
  r_score: number;
  f_score: number;
  m_score: number;
  rfm: string;
  segment: string;
  recent: boolean;
  frequent: boolean;
  high_value: boolean;
  tier: Tier;
  tier_zh: string;
  action: TierAction;
}

/** One row per customer scored by `rfmSql` (its scores and segment too), with the three flags, the tier (see `TIERS`) and its action. By customer id. */
export function customerTiersSql(opts: TierOptions): MetricQuery {
  const r = rfmCtes(opts);
  if ('unavailable' in r) return unavailable(r.unavailable);
  const sql = [
    `WITH ${r.ctes},`,
    flagsCte(),
    `SELECT tiered.customer_id, recency_days, frequency, monetary, r_score, f_score, m_score, rfm, segment, recent, frequent, high_value, tiered.tier, tiers.tier_zh, tiers.action`,
    `FROM tiered JOIN tiers ON tiers.tier = tiered.tier ORDER BY tiered.customer_id`,
  ].join('\n');
  return built(sql, r.ignored);
}

/** One row of `tierSummarySql`. */
export interface TierSummaryRow {
  tier: Tier;
  tier_zh: string;
  action: TierAction;
  customers: number;
  customer_share: number | null;
  revenue: number;
  revenue_share: number | null;
  avg_recency_days: number | null;
  avg_frequency: number | null;
  median_recency_days: number | null;
  median_frequency: number | null;
  median_monetary: number | null;
}

/**
 * The four tiers (always four rows, in `TIERS` order): customers and their
 * share, revenue (RFM monetary) and its share, mean recency and frequency,
 * and the three medians the flags were cut at (the same on every row).
 */
export function tierSummarySql(opts: TierOptions): MetricQuery {
  const r = rfmCtes(opts);
  if ('unavailable' in r) return unavailable(r.unavailable);
  const sql = [
    `WITH ${r.ctes},`,
    flagsCte(),
    `SELECT t.tier, t.tier_zh, t.action, count(x.tier) AS customers, count(x.tier) / nullif((SELECT count(*) FROM rfm), 0) AS customer_share,`,
    `  CAST(coalesce(sum(x.monetary), 0) AS DOUBLE) AS revenue, coalesce(sum(x.monetary), 0) / nullif((SELECT sum(monetary) FROM rfm), 0) AS revenue_share,`,
    `  avg(x.recency_days) AS avg_recency_days, avg(x.frequency) AS avg_frequency,`,
    `  any_value(med.median_recency_days) AS median_recency_days, any_value(med.median_frequency) AS median_frequency,`,
    `  any_value(med.median_monetary) AS median_monetary`,
    `FROM tiers AS t LEFT JOIN tiered AS x ON x.tier = t.tier CROSS JOIN med`,
    `GROUP BY t.ord, t.tier, t.tier_zh, t.action ORDER BY t.ord`,
  ].join('\n');
  return built(sql, r.ignored);
}

/** CTEs over `rfm`: `ranked` (customers by spend, ascending, with running totals), `tot`, `cum` (rank 0 = nothing). */
const CUMULATIVE = [
  `ranked AS (SELECT row_number() OVER (ORDER BY monetary, customer_id) AS r,`,
  `  sum(monetary) OVER (ORDER BY monetary, customer_id ROWS UNBOUNDED PRECEDING) AS cum FROM rfm),`,
  `tot AS (SELECT count(*) AS n, sum(monetary) AS total FROM rfm),`,
  `cum AS (SELECT 0 AS r, 0.0 AS cum UNION ALL SELECT r, cum FROM ranked)`,
].join('\n');

/** The Lorenz curve at `pos` customers (a column of `from`), interpolated between whole customers; needs `cum` and `tot` joined as `c0`/`c1`. */
function lorenzAt(pos: string): string {
  return `(c0.cum + (${pos} - floor(${pos})) * (coalesce(c1.cum, c0.cum) - c0.cum)) / nullif(tot.total, 0)`;
}

export interface ParetoOptions extends TierOptions {
  /** Share of customers at the top; default 0.2. */
  topShare?: number;
}

/** The one row of `paretoSql`. */
export interface ParetoRow {
  customers: number;
  revenue: number | null;
  top_share: number;
  top_revenue_share: number | null;
  gini: number | null;
}

/**
 * Revenue concentration over the customers `rfmSql` scores (monetary = their
 * spend up to `asOf`):
 * - top_revenue_share: the share of revenue from the top `topShare` of
 *   customers, read off the Lorenz curve (1 − L(1 − topShare)), so a fraction
 *   of a customer counts pro rata and small bases are not rounded to whole
 *   customers. "80/20" reads top_revenue_share ≈ 0.8.
 * - gini: 1 − Σ (x_k − x_{k−1})(y_k + y_{k−1}) over the Lorenz points of the
 *   customers sorted by spend (0 = everyone spends the same, → 1 = one
 *   customer brings everything).
 * Meaningful for non-negative spend; refunds that make a customer's total
 * negative bend the curve below zero.
 */
export function paretoSql(opts: ParetoOptions): MetricQuery {
  const r = rfmCtes(opts);
  if ('unavailable' in r) return unavailable(r.unavailable);
  const top = shareOption(opts.topShare ?? 0.2, 'topShare');
  const pos = `(1 - ${lit(top)}) * tot.n`;
  const sql = [
    `WITH ${r.ctes},`,
    CUMULATIVE,
    `SELECT tot.n AS customers, CAST(tot.total AS DOUBLE) AS revenue, ${lit(top)} AS top_share,`,
    `  1 - ${lorenzAt(pos)} AS top_revenue_share,`,
    `  1 - (2 * (SELECT sum(cum) FROM ranked) / nullif(tot.total, 0) - 1) / nullif(tot.n, 0) AS gini`,
    `FROM tot JOIN cum AS c0 ON c0.r = floor(${pos}) LEFT JOIN cum AS c1 ON c1.r = floor(${pos}) + 1`,
  ].join('\n');
  return built(sql, r.ignored);
}

export interface LorenzOptions extends TierOptions {
  /** Number of steps; the curve has `points + 1` points from (0, 0) to (1, 1). Default 50. */
  points?: number;
}

/** One row of `lorenzSql`. */
export interface LorenzRow {
  x: number;
  y: number | null;
}

/**
 * Lorenz curve of revenue over customers: x = share of customers (the
 * smallest spenders first), y = their share of revenue, at x = 0, 1/points,
 * …, 1, interpolated linearly between whole customers. The diagonal is perfect
 * equality; the gap to it is what `gini` measures.
 */
export function lorenzSql(opts: LorenzOptions): MetricQuery {
  const r = rfmCtes(opts);
  if ('unavailable' in r) return unavailable(r.unavailable);
  const points = positiveInt(opts.points ?? 50, 'points');
  const sql = [
    `WITH ${r.ctes},`,
    `${CUMULATIVE},`,
    // i · n / points keeps whole positions exact (4 · 6 / 5 is 4.8, not 4.799…).
    `pts AS (SELECT i, i / ${points} AS x, i * tot.n / ${points} AS pos FROM range(0, ${points + 1}) AS t(i), tot)`,
    `SELECT pts.x, ${lorenzAt('pts.pos')} AS y`,
    `FROM pts CROSS JOIN tot JOIN cum AS c0 ON c0.r = floor(pts.pos) LEFT JOIN cum AS c1 ON c1.r = floor(pts.pos) + 1`,
    `ORDER BY pts.i`,
  ].join('\n');
  return built(sql, r.ignored);
}
