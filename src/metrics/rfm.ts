/**
 * RFM (recency, frequency, monetary) per customer, as SQL built from column
 * roles. Pure: the caller runs the text (DuckDB-WASM in the app, native DuckDB
 * in the bench).
 */
import { ident, lit } from '../lib/sql.ts';

export interface RfmColumns {
  customerId: string;
  /** DATE, TIMESTAMP or ISO text. */
  orderDate: string;
  amount: string;
  /** Frequency counts distinct orders by this column; without it, distinct order days. */
  orderId?: string;
}

/**
 * DuckDB types of the date and amount columns, when known (e.g. from
 * `DESCRIBE`). A DATE or DOUBLE column is then used as is; anything else, or no
 * hint, is cast leniently (unparseable values become NULL).
 */
export interface RfmColumnTypes {
  orderDate?: string;
  amount?: string;
}

export interface RfmOptions {
  table: string;
  columns: RfmColumns;
  /** `YYYY-MM-DD`. Recency is days from the last order to this date; later orders are left out. */
  asOf: string;
  /**
   * How tied values score. `split` (default): `ntile(5)`, exact quintiles, ties
   * broken by the other two measures, then customer id, so the result is
   * deterministic. `share`: `ceil(5 · cume_dist)`, tied values share a score and
   * quintiles can be uneven.
   */
  ties?: 'split' | 'share';
  types?: RfmColumnTypes;
}

/** The standard RFM segments, from the R and F scores; the first rule that matches wins. */
export const RFM_SEGMENT_RULES = [
  { segment: 'champions', r: [5, 5], f: [4, 5] },
  { segment: 'loyal', r: [3, 4], f: [4, 5] },
  { segment: 'cant_lose', r: [1, 2], f: [5, 5] },
  { segment: 'at_risk', r: [1, 2], f: [3, 4] },
  { segment: 'hibernating', r: [1, 2], f: [1, 2] },
  { segment: 'potential_loyalist', r: [4, 5], f: [2, 3] },
  { segment: 'new', r: [5, 5], f: [1, 1] },
  { segment: 'promising', r: [4, 4], f: [1, 1] },
  { segment: 'need_attention', r: [3, 3], f: [3, 3] },
  { segment: 'about_to_sleep', r: [3, 3], f: [1, 2] },
] as const satisfies readonly { segment: string; r: readonly [number, number]; f: readonly [number, number] }[];

export type RfmSegment = (typeof RFM_SEGMENT_RULES)[number]['segment'];
export const RFM_SEGMENTS: readonly RfmSegment[] = RFM_SEGMENT_RULES.map((s) => s.segment);

/** One row of `rfmSql`. */
export interface RfmRow {
  customer_id: string | number;
  last_order: string;
  recency_days: number;
  frequency: number;
  monetary: number;
  r_score: number;
  f_score: number;
  m_score: number;
  /** e.g. `"545"`. */
  rfm: string;
  segment: RfmSegment;
}

/** The segment of an R and F score (1–5), the same rules the SQL applies. */
export function rfmSegment(r: number, f: number): RfmSegment {
  for (const rule of RFM_SEGMENT_RULES) {
    if (r >= rule.r[0] && r <= rule.r[1] && f >= rule.f[0] && f <= rule.f[1]) return rule.segment;
  }
  throw new Error(`RFM scores out of range: r=${r}, f=${f}`);
}

function checkDate(asOf: string): void {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(asOf);
  if (!m || Number.isNaN(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])))) {
    throw new Error(`RFM as-of date must be YYYY-MM-DD, got "${asOf}"`);
  }
}

function score(measure: string, order: string, ties: 'split' | 'share'): string {
  return ties === 'share'
    ? `greatest(1, ceil(5 * cume_dist() OVER (ORDER BY ${measure})))::INTEGER`
    : `ntile(5) OVER (ORDER BY ${order})::INTEGER`;
}

/**
 * Per-customer RFM with scores and segment, one row per customer who bought on
 * or before `asOf` (columns as in `RfmRow`), ordered by customer id.
 * Scores: 5 is best (most recent, most frequent, highest spend); monetary is
 * rounded to 2 decimals.
 */
export function rfmSql({ table, columns, asOf, ties = 'split', types = {} }: RfmOptions): string {
  checkDate(asOf);
  const cust = ident(columns.customerId);
  const dateType = types.orderDate?.toUpperCase() ?? '';
  const day = dateType === 'DATE' ? ident(columns.orderDate)
    : dateType.startsWith('TIMESTAMP') ? `CAST(${ident(columns.orderDate)} AS DATE)`
    : `CAST(TRY_CAST(${ident(columns.orderDate)} AS TIMESTAMP) AS DATE)`;
  const amount = types.amount?.toUpperCase() === 'DOUBLE' ? ident(columns.amount) : `TRY_CAST(${ident(columns.amount)} AS DOUBLE)`;
  const asOfDate = `DATE ${lit(asOf)}`;
  const orderKey = columns.orderId ? ident(columns.orderId) : day;
  const segment = RFM_SEGMENT_RULES.map(
    (s) => `WHEN r_score BETWEEN ${s.r[0]} AND ${s.r[1]} AND f_score BETWEEN ${s.f[0]} AND ${s.f[1]} THEN ${lit(s.segment)}`,
  ).join('\n    ');
  return `WITH lines AS (
  SELECT ${cust} AS customer_id, ${day} AS order_day, ${orderKey} AS order_key,
    ${amount} AS amount
  FROM ${ident(table)}
  WHERE ${cust} IS NOT NULL
), measures AS (
  SELECT customer_id,
    max(order_day) AS last_order,
    date_diff('day', max(order_day), ${asOfDate}) AS recency_days,
    count(DISTINCT order_key) AS frequency,
    -- Cents: stable tie-breaks whatever order an engine sums in.
    round(coalesce(sum(amount), 0), 2) AS monetary
  FROM lines
  WHERE order_day IS NOT NULL AND order_day <= ${asOfDate}
  GROUP BY customer_id
), scored AS (
  SELECT *,
    ${score('recency_days DESC', 'recency_days DESC, frequency, monetary, customer_id', ties)} AS r_score,
    ${score('frequency', 'frequency, monetary, recency_days DESC, customer_id', ties)} AS f_score,
    ${score('monetary', 'monetary, frequency, recency_days DESC, customer_id', ties)} AS m_score
  FROM measures
)
SELECT customer_id, last_order, recency_days, frequency, monetary, r_score, f_score, m_score,
  r_score::VARCHAR || f_score::VARCHAR || m_score::VARCHAR AS rfm,
  CASE
    ${segment}
  END AS segment
FROM scored
ORDER BY customer_id`;
}

/** One row per segment present: customers, their share, revenue and typical recency. */
export function rfmSegmentsSql(opts: RfmOptions): string {
  return `WITH rfm AS (
${rfmSql(opts)}
)
SELECT segment,
  count(*) AS customers,
  count(*) / sum(count(*)) OVER () AS customer_share,
  sum(monetary) AS monetary,
  sum(monetary) / sum(sum(monetary)) OVER () AS monetary_share,
  median(recency_days) AS median_recency_days,
  avg(frequency) AS avg_frequency
FROM rfm
GROUP BY segment
ORDER BY monetary DESC, segment`;
}
