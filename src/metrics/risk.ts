/**
 * Receivables risk: open and overdue order amounts, their ageing, and credit
 * exposure against customers' credit limits. Only where the orders table says
 * whether an order is paid (`payment_status`); otherwise the measures are
 * unavailable rather than guessed.
 */
import type { TableInfo } from '../ingest/model.ts';
import { litList } from '../lib/sql.ts';
import { built, dateLiteral, ignoredByAll, missing, unavailable, type MetricQuery, type Unavailable } from './common.ts';
import { customerFacts, orderLinesFacts } from './facts.ts';
import { hasRevenue } from './measures.ts';
import type { FilterKey, Filters } from './filters.ts';

/** Payment status values (lower case, trimmed) read as settled: not part of the exposure. */
export const PAID_VALUES: readonly string[] = ['paid', 'settled', 'complete', 'completed', 'cleared', 'closed', 'y', 'yes', 'true', '1', '已付', '已付款', '已支付', '已结清', '已收款', '已结算', '付清'];
/** Read as void: neither owed nor paid (left out). */
export const VOID_VALUES: readonly string[] = ['cancelled', 'canceled', 'refunded', 'void', 'voided', '已取消', '已退款', '作废'];
/** Read as overdue whatever the due date says. */
export const OVERDUE_VALUES: readonly string[] = ['overdue', 'past due', 'past_due', 'late', 'delinquent', 'default', '逾期', '已逾期', '拖欠'];

export interface RiskOptions {
  /** Needs `payment_status` and an amount; `due_date` adds overdue-by-date and ageing; `customer_id` the per-customer view. */
  orders: TableInfo;
  /** `credit_limit` there adds utilisation and over-limit counts. */
  customers?: TableInfo;
  /** `YYYY-MM-DD`: overdue means due before this day; later orders are left out. */
  asOf: string;
  /** `from` leaves out older orders; `to` is ignored (`asOf` ends the data). */
  filters?: Filters;
}

function riskCtes(opts: RiskOptions): { ctes: string; ignored: FilterKey[]; hasDue: boolean; hasLimit: boolean } | { unavailable: Unavailable } {
  const { orders, customers } = opts;
  const m = missing(orders, 'orders', ['payment_status']);
  if (m) return { unavailable: m };
  if (!hasRevenue(orders)) return { unavailable: { reason: 'missing_role', kind: 'orders', table: orders.name, roles: ['amount'] } };
  const asOf = dateLiteral(opts.asOf, 'as-of date');
  const hasDue = orders.roles.due_date !== undefined;
  const hasLimit = customers?.roles.credit_limit !== undefined && customers.roles.customer_id !== undefined;
  const o = orderLinesFacts(orders, { filters: opts.filters, ...(customers ? { customers } : {}), skip: ['to'] });
  let ignored = o.ignored;
  let limits = `limits AS (SELECT CAST(NULL AS VARCHAR) AS customer_id, CAST(NULL AS DOUBLE) AS credit_limit WHERE FALSE)`;
  if (hasLimit && customers) {
    const c = customerFacts(customers, { filters: opts.filters });
    ignored = ignoredByAll(o.ignored, c.ignored);
    limits = `limits AS (SELECT customer_id, max(credit_limit) AS credit_limit FROM (${c.sql}) WHERE customer_id IS NOT NULL GROUP BY customer_id)`;
  }
  const status = `lower(trim(status))`;
  const ctes = [
    `lines AS (SELECT * FROM (${o.sql}) WHERE day IS NOT NULL AND day <= ${asOf}),`,
    `ords AS (SELECT order_key, any_value(customer_id) AS customer_id, sum(amount) AS amount, any_value(payment_status) AS status, max(due_date) AS due_date`,
    `  FROM lines GROUP BY order_key),`,
    `classed AS (SELECT *, CASE WHEN status IS NULL OR trim(status) = '' THEN 'unknown' WHEN ${status} IN (${litList(PAID_VALUES)}) THEN 'paid'`,
    `    WHEN ${status} IN (${litList(VOID_VALUES)}) THEN 'void' ELSE 'open' END AS state,`,
    `    ${status} IN (${litList(OVERDUE_VALUES)}) AS overdue_status FROM ords),`,
    `unpaid AS (SELECT *, overdue_status OR coalesce(due_date < ${asOf}, FALSE) AS overdue,`,
    `    CASE WHEN due_date < ${asOf} THEN date_diff('day', due_date, ${asOf}) END AS days_overdue FROM classed WHERE state = 'open'),`,
    limits,
  ].join('\n');
  if (opts.filters?.to !== undefined) ignored = [...ignored, 'to'];
  return { ctes, ignored, hasDue, hasLimit };
}

/** The one row of `receivablesSql`. */
export interface ReceivablesRow {
  orders: number;
  unknown_status_orders: number;
  open_orders: number;
  open_amount: number;
  overdue_orders: number;
  overdue_amount: number;
  overdue_share: number | null;
  due_1_30: number | null;
  due_31_60: number | null;
  due_61_90: number | null;
  due_over_90: number | null;
  customers_with_open: number | null;
  customers_over_limit: number | null;
}

/**
 * Receivables on `asOf`, over orders placed on or before it (an order's lines
 * summed; its status is any of its lines'):
 * - paid (`PAID_VALUES`) and void (`VOID_VALUES`) orders owe nothing; blank
 *   status is `unknown_status_orders` and left out; any other status is open.
 * - overdue: open, and due before `asOf` or with an overdue status (`OVERDUE_VALUES`).
 * - ageing (needs `due_date`): overdue amount by days past due, 1–30, 31–60,
 *   61–90, over 90 (status-overdue orders without a due date are in
 *   overdue_amount but no bucket).
 * - customers_over_limit (needs `credit_limit` on customers): customers whose
 *   open amount exceeds their limit.
 * Unavailable without `payment_status` (a due date alone does not say whether
 * an order was paid) or without an amount.
 */
export function receivablesSql(opts: RiskOptions): MetricQuery {
  const r = riskCtes(opts);
  if ('unavailable' in r) return unavailable(r.unavailable);
  const bucket = (lo: number, hi?: number) =>
    r.hasDue ? `CAST(coalesce(sum(amount) FILTER (WHERE overdue AND days_overdue >= ${lo}${hi ? ` AND days_overdue <= ${hi}` : ''}), 0) AS DOUBLE)` : 'CAST(NULL AS DOUBLE)';
  const sql = [
    `WITH ${r.ctes},`,
    `per_customer AS (SELECT o.customer_id, sum(o.amount) AS open_amount, any_value(l.credit_limit) AS credit_limit`,
    `  FROM unpaid AS o LEFT JOIN limits AS l ON l.customer_id = o.customer_id WHERE o.customer_id IS NOT NULL GROUP BY o.customer_id),`,
    `s AS (`,
    `  SELECT count(*) AS open_orders, CAST(coalesce(sum(amount), 0) AS DOUBLE) AS open_amount, count(*) FILTER (WHERE overdue) AS overdue_orders,`,
    `    CAST(coalesce(sum(amount) FILTER (WHERE overdue), 0) AS DOUBLE) AS overdue_amount,`,
    `    ${bucket(1, 30)} AS due_1_30, ${bucket(31, 60)} AS due_31_60, ${bucket(61, 90)} AS due_61_90, ${bucket(91)} AS due_over_90`,
    `  FROM unpaid`,
    `)`,
    `SELECT (SELECT count(*) FROM classed) AS orders, (SELECT count(*) FROM classed WHERE state = 'unknown') AS unknown_status_orders,`,
    `  s.open_orders, s.open_amount, s.overdue_orders, s.overdue_amount, s.overdue_amount / nullif(s.open_amount, 0) AS overdue_share,`,
    `  s.due_1_30, s.due_31_60, s.due_61_90, s.due_over_90,`,
    `  ${opts.orders.roles.customer_id !== undefined ? '(SELECT count(*) FROM per_customer)' : 'CAST(NULL AS BIGINT)'} AS customers_with_open,`,
    `  ${r.hasLimit ? '(SELECT count(*) FROM per_customer WHERE open_amount > credit_limit)' : 'CAST(NULL AS BIGINT)'} AS customers_over_limit`,
    `FROM s`,
  ].join('\n');
  return built(sql, r.ignored);
}

/** One row of `creditExposureSql`. */
export interface CreditExposureRow {
  customer_id: string;
  open_orders: number;
  open_amount: number;
  overdue_amount: number;
  max_days_overdue: number | null;
  credit_limit: number | null;
  utilization: number | null;
  over_limit: boolean | null;
}

/**
 * Per customer with open orders (as in `receivablesSql`): open and overdue
 * amount, the oldest days past due, credit limit, utilization = open amount /
 * limit, and over_limit. Largest open amount first. Needs `customer_id` too.
 */
export function creditExposureSql(opts: RiskOptions): MetricQuery {
  const m = missing(opts.orders, 'orders', ['customer_id']);
  if (m) return unavailable(m);
  const r = riskCtes(opts);
  if ('unavailable' in r) return unavailable(r.unavailable);
  const sql = [
    `WITH ${r.ctes}`,
    `SELECT o.customer_id, count(*) AS open_orders, CAST(sum(o.amount) AS DOUBLE) AS open_amount,`,
    `  CAST(coalesce(sum(o.amount) FILTER (WHERE o.overdue), 0) AS DOUBLE) AS overdue_amount,`,
    `  max(o.days_overdue) FILTER (WHERE o.overdue) AS max_days_overdue,`,
    `  any_value(l.credit_limit) AS credit_limit, sum(o.amount) / nullif(any_value(l.credit_limit), 0) AS utilization,`,
    `  sum(o.amount) > any_value(l.credit_limit) AS over_limit`,
    `FROM unpaid AS o LEFT JOIN limits AS l ON l.customer_id = o.customer_id`,
    `WHERE o.customer_id IS NOT NULL`,
    `GROUP BY o.customer_id ORDER BY open_amount DESC, o.customer_id`,
  ].join('\n');
  return built(sql, r.ignored);
}
