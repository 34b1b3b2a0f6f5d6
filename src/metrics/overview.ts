/**
 * The overview page's numbers as SQL over the workspace's tables, chosen by
 * role. Builders are pure; `readKpis` turns the one result row into values,
 * each with why it is missing when it is (the UI shows "—" and the reason,
 * never a 0 that was not measured).
 */
import type { Row } from '../db/types.ts';
import { tableOfKind, type Role, type TableInfo } from '../ingest/model.ts';
import { isNumericType, isTemporalType, normalizeHeader } from '../ingest/roles.ts';
import { ident } from '../lib/sql.ts';
import { churnFlagExpr, dateExpr, roleColumn } from './expr.ts';
import { orderLinesFacts } from './facts.ts';
import type { Filters } from './filters.ts';
import { hasRevenue, SALES_MEASURES } from './measures.ts';

export type KpiName = 'customers' | 'orders' | 'revenue' | 'repeat_rate' | 'churn_rate';

export const KPI_NAMES: readonly KpiName[] = ['customers', 'orders', 'revenue', 'repeat_rate', 'churn_rate'];

export type KpiUnavailableReason =
  /** No customers table, and no orders table with a customer id. */
  | 'no_customer_source'
  | 'no_orders_table'
  /** The orders table has no `amount` role, nor `quantity` and `unit_price`. */
  | 'no_amount'
  /** The orders table has no `customer_id` role. */
  | 'no_customer_id'
  /** The orders table has neither `order_id` nor `order_date`, so orders cannot be told apart. */
  | 'no_order_key'
  /** No table has a `churn` role. */
  | 'no_churn';

export interface KpiUnavailable {
  reason: KpiUnavailableReason;
  /** The table that lacks the role, when there is one. */
  table?: string;
  role?: Role;
}

export interface KpiQuery {
  sql: string;
  /** KPIs the SQL returns as NULL, and why. */
  unavailable: Partial<Record<KpiName, KpiUnavailable>>;
  /** Table each available KPI is computed from. */
  sources: Partial<Record<KpiName, string>>;
}

export interface Kpi {
  value: number | null;
  unavailable?: KpiUnavailable;
  source?: string;
  /** For rates: what was counted, e.g. 1,869 churned of 7,043. */
  part?: number;
  whole?: number;
}

const NULL_INT = 'CAST(NULL AS BIGINT)';
const NULL_DOUBLE = 'CAST(NULL AS DOUBLE)';

/**
 * One query, one row: `customers`, `orders`, `revenue`, `repeat_rate`
 * (`repeat_customers` of `purchasing_customers`), `churn_rate` (`churned` of
 * `churn_known`).
 *
 * - customers: distinct `customer_id` in the customers table (its rows when it
 *   has no id role); without a customers table, customers in orders as
 *   measures.ts defines them (the Analytics page's buyers).
 * - orders, revenue: as measures.ts defines them, on every order line
 *   (`filters.revenue` picks net or gross; no other filter applies here).
 * - repeat rate: share of customers with an order who have ≥ 2 distinct
 *   orders (`order_id`), or ≥ 2 distinct order days when there is no order id.
 * - churn rate: churned / customers whose churn value reads as yes or no
 *   (Yes/No, 1/0, true/false, 是/否); other values are left out of both.
 */
export function kpiSql(tables: readonly TableInfo[], filters: Pick<Filters, 'revenue'> = {}): KpiQuery {
  const unavailable: KpiQuery['unavailable'] = {};
  const sources: KpiQuery['sources'] = {};
  const customersTable = tableOfKind(tables, 'customers');
  const orders = tableOfKind(tables, 'orders');
  const churnTable = [customersTable, ...tables].find((t) => t?.roles.churn !== undefined);

  // customers
  let customersCte = `SELECT ${NULL_INT} AS customers`;
  const orderCustomer = orders && roleColumn(orders, 'customer_id');
  if (customersTable) {
    const id = roleColumn(customersTable, 'customer_id');
    customersCte = `SELECT ${id ? `count(DISTINCT ${ident(id.name)})` : 'count(*)'} AS customers FROM ${ident(customersTable.name)}`;
    sources.customers = customersTable.name;
  } else if (orders && orderCustomer) {
    customersCte = `SELECT ${SALES_MEASURES.customers} AS customers FROM (${lines(orders, filters)})`;
    sources.customers = orders.name;
  } else {
    unavailable.customers = orders ? { reason: 'no_customer_source', table: orders.name, role: 'customer_id' } : { reason: 'no_customer_source' };
  }

  // orders, revenue, repeat rate
  let ordersCte = `SELECT ${NULL_INT} AS orders, ${NULL_DOUBLE} AS revenue`;
  let repeatCte = `SELECT ${NULL_INT} AS repeat_customers, ${NULL_INT} AS purchasing_customers`;
  if (!orders) {
    for (const k of ['orders', 'revenue', 'repeat_rate'] as const) unavailable[k] = { reason: 'no_orders_table' };
  } else {
    const t = ident(orders.name);
    const id = roleColumn(orders, 'order_id');
    const amount = hasRevenue(orders);
    const date = roleColumn(orders, 'order_date');
    ordersCte = `SELECT ${SALES_MEASURES.orders} AS orders, ${amount ? SALES_MEASURES.revenue : NULL_DOUBLE} AS revenue FROM (${lines(orders, filters)})`;
    sources.orders = orders.name;
    if (amount) sources.revenue = orders.name;
    else unavailable.revenue = { reason: 'no_amount', table: orders.name, role: 'amount' };

    const key = id ? ident(id.name) : date ? dateExpr(date) : undefined;
    if (!orderCustomer) unavailable.repeat_rate = { reason: 'no_customer_id', table: orders.name, role: 'customer_id' };
    else if (!key) unavailable.repeat_rate = { reason: 'no_order_key', table: orders.name, role: 'order_id' };
    else {
      const cid = ident(orderCustomer.name);
      repeatCte =
        `SELECT count(*) FILTER (WHERE n >= 2) AS repeat_customers, count(*) AS purchasing_customers FROM ` +
        `(SELECT ${cid}, count(DISTINCT ${key}) AS n FROM ${t} WHERE ${cid} IS NOT NULL AND ${key} IS NOT NULL GROUP BY ${cid})`;
      sources.repeat_rate = orders.name;
    }
  }

  // churn rate
  let churnCte = `SELECT ${NULL_INT} AS churned, ${NULL_INT} AS churn_known`;
  const churn = churnTable && roleColumn(churnTable, 'churn');
  if (churnTable && churn) {
    churnCte = `SELECT count(*) FILTER (WHERE f) AS churned, count(f) AS churn_known FROM (SELECT ${churnFlagExpr(churn)} AS f FROM ${ident(churnTable.name)})`;
    sources.churn_rate = churnTable.name;
  } else {
    unavailable.churn_rate = customersTable ? { reason: 'no_churn', table: customersTable.name, role: 'churn' } : { reason: 'no_churn' };
  }

  const sql = [
    'WITH',
    `  k_customers AS (${customersCte}),`,
    `  k_orders AS (${ordersCte}),`,
    `  k_repeat AS (${repeatCte}),`,
    `  k_churn AS (${churnCte})`,
    'SELECT customers, orders, CAST(revenue AS DOUBLE) AS revenue,',
    '  CAST(repeat_customers AS DOUBLE) / nullif(purchasing_customers, 0) AS repeat_rate, repeat_customers, purchasing_customers,',
    '  CAST(churned AS DOUBLE) / nullif(churn_known, 0) AS churn_rate, churned, churn_known',
    'FROM k_customers, k_orders, k_repeat, k_churn',
  ].join('\n');
  return { sql, unavailable, sources };
}

/** Every order line (only the net/gross choice applies on the overview). */
function lines(orders: TableInfo, filters: Pick<Filters, 'revenue'>): string {
  return orderLinesFacts(orders, { filters: filters.revenue ? { revenue: filters.revenue } : {} }).sql;
}

function num(v: Row[string] | undefined): number | null {
  return typeof v === 'number' ? v : v === null || v === undefined ? null : Number(v);
}

/** The KPIs from `kpiSql`'s row (undefined when the query returned nothing). */
export function readKpis(query: KpiQuery, row: Row | undefined): Record<KpiName, Kpi> {
  const r = row ?? {};
  const kpi = (name: KpiName, value: number | null, part?: number | null, whole?: number | null): Kpi => {
    const out: Kpi = { value };
    const why = query.unavailable[name];
    if (why) out.unavailable = why;
    const source = query.sources[name];
    if (source) out.source = source;
    if (part !== undefined && part !== null) out.part = part;
    if (whole !== undefined && whole !== null) out.whole = whole;
    return out;
  };
  return {
    customers: kpi('customers', num(r.customers)),
    orders: kpi('orders', num(r.orders)),
    revenue: kpi('revenue', num(r.revenue)),
    repeat_rate: kpi('repeat_rate', num(r.repeat_rate), num(r.repeat_customers), num(r.purchasing_customers)),
    churn_rate: kpi('churn_rate', num(r.churn_rate), num(r.churned), num(r.churn_known)),
  };
}

/**
 * Revenue, orders and customers (as measures.ts defines them) per calendar
 * month of `order_date`, one row per month from the first to the last, months
 * without orders included with zeros. `revenue` is NULL without an amount
 * (nor quantity × unit price); `customers` is NULL without a `customer_id`
 * role. `filters.revenue` picks net or gross. Columns: month (DATE, first
 * day), revenue, orders, customers.
 */
export function monthlyRevenueSql(orders: TableInfo, filters: Pick<Filters, 'revenue'> = {}): string {
  if (!roleColumn(orders, 'order_date')) throw new Error(`monthlyRevenueSql: table ${orders.name} has no order_date role`);
  const amount = hasRevenue(orders);
  const customer = roleColumn(orders, 'customer_id');
  const m = SALES_MEASURES;
  return [
    `WITH o AS (SELECT date_trunc('month', day) AS month, * FROM (${lines(orders, filters)})),`,
    'm AS (',
    `  SELECT month, ${m.revenue} AS revenue, ${m.orders} AS orders, ${customer ? m.customers : NULL_INT} AS customers`,
    // On the day, not the month: DuckDB 1.4.3 lets `date_trunc(…) IS NOT NULL` through for a NULL DATE, and the
    // undated lines then made a month out of range that failed the span below (an export with a blank order date).
    '  FROM o WHERE day IS NOT NULL GROUP BY month',
    '), span AS (',
    '  SELECT CAST(range AS DATE) AS month',
    '  FROM range((SELECT CAST(min(month) AS TIMESTAMP) FROM m), (SELECT CAST(max(month) AS TIMESTAMP) FROM m) + INTERVAL 1 MONTH, INTERVAL 1 MONTH)',
    ')',
    'SELECT span.month,',
    `  ${amount ? 'CASE WHEN m.month IS NULL THEN 0 ELSE CAST(m.revenue AS DOUBLE) END' : NULL_DOUBLE} AS revenue,`,
    '  coalesce(m.orders, 0) AS orders,',
    `  ${customer ? 'coalesce(m.customers, 0)' : NULL_INT} AS customers`,
    'FROM span LEFT JOIN m ON m.month = span.month',
    'ORDER BY span.month',
  ].join('\n');
}

export interface BreakdownOptions {
  /** Column with churn values; adds `churn_rate` (NULL otherwise). */
  churnColumn?: string;
  /** Keep the largest categories only. */
  limit?: number;
}

/**
 * One row per value of `column`: `category` (as text, NULL kept as its own
 * row), `customers` (distinct `customer_id`, else rows) and `churn_rate`
 * (churned / known, NULL without `churnColumn`). Largest first.
 */
export function breakdownSql(table: TableInfo, column: string, opts: BreakdownOptions = {}): string {
  const customer = roleColumn(table, 'customer_id');
  const churnType = opts.churnColumn === undefined ? undefined : (table.columns.find((c) => c.name === opts.churnColumn)?.type ?? 'VARCHAR');
  const flag = opts.churnColumn !== undefined && churnType !== undefined ? churnFlagExpr({ name: opts.churnColumn, type: churnType.toUpperCase() }) : undefined;
  const limit = opts.limit !== undefined ? ` LIMIT ${Math.max(0, Math.trunc(opts.limit))}` : '';
  return [
    `SELECT CAST(${ident(column)} AS VARCHAR) AS category,`,
    `  ${customer ? `count(DISTINCT ${ident(customer.name)})` : 'count(*)'} AS customers,`,
    `  ${flag ? `avg(CASE WHEN ${flag} THEN 1.0 WHEN NOT ${flag} THEN 0.0 END)` : NULL_DOUBLE} AS churn_rate`,
    `FROM ${ident(table.name)}`,
    'GROUP BY 1',
    `ORDER BY customers DESC, category NULLS LAST${limit}`,
  ].join('\n');
}

/** Roles whose columns are never a breakdown: ids, dates, measures, the churn flag itself. */
const NOT_A_BREAKDOWN = new Set<Role>([
  'customer_id', 'order_id', 'ticket_id', 'lead_id', 'name', 'churn',
  'birth_date', 'signup_date', 'order_date', 'due_date', 'opened_at', 'first_response_at', 'closed_at', 'created_at', 'won_at',
  'age', 'tenure', 'credit_limit', 'monetary_total', 'amount', 'quantity', 'unit_price', 'discount', 'satisfaction', 'value',
]);

/** Header fragments that make a good breakdown, best first. */
const PREFERRED = [
  ['segment', '分群', '细分', '分层'],
  ['contract', 'plan', 'tier', 'level', 'membership', 'subscription', '合同', '套餐', '等级', '会员'],
  ['channel', 'source', 'origin', '渠道', '来源'],
  ['region', 'province', 'state', 'country', 'area', 'city', '地区', '区域', '省', '城市'],
  ['category', 'type', 'group', 'class', '类别', '类型', '分类', '品类'],
];

export const BREAKDOWN_LEVELS = { min: 2, max: 12 } as const;

/**
 * The column to break the overview down by: the `segment` role when set;
 * otherwise a text (or yes/no) column with 2–12 distinct values, preferring
 * segment-, contract/plan-, channel-, region- and category-like names, then
 * text over yes/no and whole-number columns, then 3–8 levels, then the
 * leftmost. `distinct` maps column name → distinct non-null values (e.g. from
 * `distinctCountsSql` in profile.ts). Undefined when nothing fits.
 */
export function pickBreakdownColumn(table: TableInfo, distinct: Readonly<Record<string, number>>): string | undefined {
  if (table.roles.segment !== undefined) return table.roles.segment;
  const roleColumns = new Set(Object.entries(table.roles).filter(([r]) => NOT_A_BREAKDOWN.has(r as Role)).map(([, c]) => c));
  let best: { column: string; score: number[] } | undefined;
  table.columns.forEach((c, index) => {
    const levels = distinct[c.name];
    if (levels === undefined || levels < BREAKDOWN_LEVELS.min || levels > BREAKDOWN_LEVELS.max) return;
    if (roleColumns.has(c.name)) return;
    const type = c.type.toUpperCase();
    if (isTemporalType(type) || (isNumericType(type) && !/INT/.test(type))) return;
    const name = normalizeHeader(c.name);
    const rank = PREFERRED.findIndex((words) => words.some((w) => name.includes(w)));
    const score = [
      rank === -1 ? PREFERRED.length : rank,
      type === 'VARCHAR' ? 0 : type === 'BOOLEAN' ? 1 : 2,
      levels >= 3 && levels <= 8 ? 0 : 1,
      index,
    ];
    if (!best || lexLess(score, best.score)) best = { column: c.name, score };
  });
  return best?.column;
}

function lexLess(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! !== b[i]!) return a[i]! < b[i]!;
  }
  return false;
}
