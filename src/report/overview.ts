/** Runs the overview's SQL (built in src/metrics) and shapes results for the page. */
import type { Db } from '../db/types.ts';
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import { breakdownSql, kpiSql, KPI_NAMES, monthlyRevenueSql, readKpis, type Kpi, type KpiName } from '../metrics/overview.ts';
import { breakdownColumns } from '../metrics/breakdown-dims.ts';
import { distinctCountsSql } from '../metrics/profile.ts';
import { basketSummarySql, basketTable, topProductsSql, type BasketSummary } from '../metrics/basket.ts';
import { scopeTotalsSql, type ScopeTotalsRow } from '../metrics/drilldown.ts';
import type { Filters } from '../metrics/filters.ts';
import { hasRevenue } from '../metrics/measures.ts';
import type { MonthlyRevenuePoint } from '../charts/monthly-revenue/option.ts';
import type { BreakdownPoint } from '../charts/breakdown/option.ts';

export type { KpiName };

export type OverviewChart =
  | { kind: 'monthly'; table: string; points: MonthlyRevenuePoint[] }
  /** `columns`: every column the user may pick instead (breakdown-dims.ts), `column` first when it was picked for them. */
  | { kind: 'breakdown'; table: string; column: string; columns: string[]; points: BreakdownPoint[] };

/** Orders without customers (see basket.ts): what the overview can say about them. */
export interface BasketOverview {
  table: string;
  summary: BasketSummary;
  top: { product: string; baskets: number; share: number }[];
}

export interface OverviewData {
  kpis: (Kpi & { key: KpiName })[];
  chart: OverviewChart | null;
  basket: BasketOverview | null;
  /** What the order lines hold beyond the KPIs (lines without a customer, returns); null without orders. */
  scope: ScopeTotalsRow | null;
}

/** Products in the overview's top-products chart. */
export const TOP_PRODUCTS = 15;

/**
 * The overview over the whole workspace; of the filters only the net/gross revenue choice applies.
 * `breakdown`: the column the user picked for the breakdown chart (the best one when absent or gone).
 */
export async function loadOverview(db: Db, tables: readonly TableInfo[], filters: Pick<Filters, 'revenue'> = {}, breakdown?: string): Promise<OverviewData> {
  const basis: Filters = filters.revenue ? { revenue: filters.revenue } : {};
  const q = kpiSql(tables, basis);
  const row = (await db.query(q.sql)).rows[0];
  const values = readKpis(q, row);
  const kpis = KPI_NAMES.map((key) => ({ key, ...values[key] }));
  const orders = tableOfKind(tables, 'orders');
  const scopeQuery = orders ? scopeTotalsSql({ orders }, basis) : null;
  const scope = scopeQuery?.ok ? ((await db.query(scopeQuery.sql)).rows[0] as unknown as ScopeTotalsRow | undefined) ?? null : null;
  const basket = await loadBasket(db, tables);
  return { kpis, chart: await loadChart(db, tables, basis, basket?.table, breakdown), basket, scope };
}

async function loadBasket(db: Db, tables: readonly TableInfo[]): Promise<BasketOverview | null> {
  const t = basketTable(tables);
  if (!t) return null;
  const s = (await db.query(basketSummarySql(t))).rows[0] ?? {};
  const n = (v: unknown): number => Number(v ?? 0);
  const orNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
  const summary: BasketSummary = {
    baskets: n(s.baskets),
    empty_baskets: n(s.empty_baskets),
    item_lines: n(s.item_lines),
    lines_without_item: n(s.lines_without_item),
    products: n(s.products),
    mean_items: orNull(s.mean_items),
    median_items: orNull(s.median_items),
  };
  const top = (await db.query(topProductsSql(t, TOP_PRODUCTS))).rows.map((r) => ({ product: String(r.product), baskets: n(r.baskets), share: n(r.basket_share) }));
  return { table: t.name, summary, top };
}

async function loadChart(db: Db, tables: readonly TableInfo[], basis: Filters, basketTableName?: string, wanted?: string): Promise<OverviewChart | null> {
  const orders = tableOfKind(tables, 'orders');
  if (orders?.roles.order_date && hasRevenue(orders)) {
    const r = await db.query(monthlyRevenueSql(orders, basis));
    return {
      kind: 'monthly',
      table: orders.name,
      points: r.rows.map((row) => ({ month: String(row.month).slice(0, 7), revenue: Number(row.revenue ?? 0), orders: Number(row.orders ?? 0) })),
    };
  }
  const table = tableOfKind(tables, 'customers') ?? tables[0];
  // A basket table's overview is its top products; its columns have no customers to count.
  if (!table || table.columns.length === 0 || table.name === basketTableName) return null;
  const counts = await db.query(distinctCountsSql(table.name, table.columns));
  const distinct: Record<string, number> = {};
  for (const r of counts.rows) distinct[String(r.column_name)] = Number(r.distinct_values);
  const columns = breakdownColumns(table, distinct);
  const column = wanted !== undefined && columns.includes(wanted) ? wanted : columns[0];
  if (!column) return null;
  const r = await db.query(breakdownSql(table, column, { ...(table.roles.churn ? { churnColumn: table.roles.churn } : {}), limit: 12 }));
  return {
    kind: 'breakdown',
    table: table.name,
    column,
    columns,
    points: r.rows.map((row) => ({
      category: row.category === null ? '—' : String(row.category),
      customers: Number(row.customers),
      churnRate: typeof row.churn_rate === 'number' ? row.churn_rate : null,
    })),
  };
}
