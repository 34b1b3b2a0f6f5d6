/**
 * The one definition of the sales measures every page shows (revenue, orders,
 * customers) and of what counts as a return. Overview KPIs, the monthly chart,
 * Analytics sales, its scope line and the period comparisons all aggregate
 * order-line facts (facts.ts) with these expressions, so no two pages can give
 * two answers on the same file.
 *
 * - A return line: negative quantity or amount, an order id with the table's
 *   cancellation prefix (`C536379`), or an order status saying cancelled,
 *   returned or refunded (also 退货, 退款, 取消).
 * - revenue: sum of line amounts (`amount`, else quantity × unit price less
 *   discount). Net (default): return lines count, as negatives; gross: sales
 *   lines only (`Filters.revenue`), which leaves return lines out of every
 *   measure built on order-line facts.
 * - orders: distinct orders among sales lines (a cancellation is not an order).
 * - customers: distinct customers among sales lines; lines without a customer
 *   are left out (and counted in the scope line).
 */
import type { TableInfo } from '../ingest/model.ts';
import { ident, lit } from '../lib/sql.ts';
import { numberExpr, roleColumn } from './expr.ts';

export type RevenueBasis = 'net' | 'gross';
export const REVENUE_BASES: readonly RevenueBasis[] = ['net', 'gross'];

/** Status words that mark a cancelled or returned order (matched inside the lower-cased status). */
export const RETURN_STATUS_WORDS: readonly string[] = ['cancel', 'return', 'refund', 'void', 'reversed', 'chargeback', '退货', '退款', '取消', '撤销', '作废'];

/** Whether `orders` can give a revenue: an amount, or quantity and unit price. */
export function hasRevenue(orders: TableInfo): boolean {
  return orders.roles.amount !== undefined || (orders.roles.quantity !== undefined && orders.roles.unit_price !== undefined);
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * TRUE for a return or cancellation line of `orders`, FALSE otherwise (never
 * NULL), as SQL over the table's own columns.
 */
export function returnLineExpr(orders: TableInfo): string {
  const parts: string[] = [];
  for (const role of ['quantity', 'amount'] as const) {
    const c = roleColumn(orders, role);
    if (c) parts.push(`${numberExpr(c)} < 0`);
  }
  const id = roleColumn(orders, 'order_id');
  if (id && orders.cancelPrefix) {
    parts.push(`regexp_full_match(trim(CAST(${ident(id.name)} AS VARCHAR)), ${lit(`${escapeRegex(orders.cancelPrefix)}[0-9]+`)})`);
  }
  const status = roleColumn(orders, 'order_status');
  if (status) {
    parts.push(`regexp_matches(lower(CAST(${ident(status.name)} AS VARCHAR)), ${lit(RETURN_STATUS_WORDS.map(escapeRegex).join('|'))})`);
  }
  return parts.length > 0 ? `coalesce(${parts.map((p) => `coalesce(${p}, FALSE)`).join(' OR ')}, FALSE)` : 'FALSE';
}

/**
 * Aggregates over order-line facts (columns `amount`, `order_key`,
 * `customer_id`, `is_return`). Use these, never a hand-written `sum(amount)`.
 */
export const SALES_MEASURES = {
  revenue: 'sum(amount)',
  orders: 'count(DISTINCT order_key) FILTER (WHERE NOT is_return)',
  customers: 'count(DISTINCT customer_id) FILTER (WHERE NOT is_return)',
  lines: 'count(*)',
  returnLines: 'count(*) FILTER (WHERE is_return)',
  returnAmount: 'sum(amount) FILTER (WHERE is_return)',
  noCustomerLines: 'count(*) FILTER (WHERE customer_id IS NULL)',
} as const;

/**
 * Revenue and line count over net facts (return lines kept) for a basis: what
 * gross facts (`Filters.revenue` = `gross`) give with `SALES_MEASURES`, for a
 * builder that must still count the returns it leaves out (the scope line).
 */
export function basisMeasures(basis: RevenueBasis | undefined): { revenue: string; lines: string } {
  return basis === 'gross'
    ? { revenue: `${SALES_MEASURES.revenue} FILTER (WHERE NOT is_return)`, lines: 'count(*) FILTER (WHERE NOT is_return)' }
    : { revenue: SALES_MEASURES.revenue, lines: SALES_MEASURES.lines };
}

/** Average order value from the measures above. */
export const AOV_MEASURE = `${SALES_MEASURES.revenue} / nullif(${SALES_MEASURES.orders}, 0)`;
