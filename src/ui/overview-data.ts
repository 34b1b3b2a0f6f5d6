/** Runs the overview's SQL (built in src/metrics) and shapes results for the page. */
import type { Db } from '../db/types.ts';
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import { breakdownSql, kpiSql, KPI_NAMES, monthlyRevenueSql, pickBreakdownColumn, readKpis, type Kpi, type KpiName } from '../metrics/overview.ts';
import { distinctCountsSql } from '../metrics/profile.ts';
import { scopeTotalsSql, type ScopeTotalsRow } from '../metrics/drilldown.ts';
import type { Filters } from '../metrics/filters.ts';
import { hasRevenue } from '../metrics/measures.ts';
import type { MonthlyRevenuePoint } from '../charts/monthly-revenue/option.ts';
import type { BreakdownPoint } from '../charts/breakdown/option.ts';

export type { KpiName };

export type OverviewChart =
  | { kind: 'monthly'; table: string; points: MonthlyRevenuePoint[] }
  | { kind: 'breakdown'; table: string; column: string; points: BreakdownPoint[] };

export interface OverviewData {
  kpis: (Kpi & { key: KpiName })[];
  chart: OverviewChart | null;
  /** What the order lines hold beyond the KPIs (lines without a customer, returns); null without orders. */
  scope: ScopeTotalsRow | null;
}

/** The overview over the whole workspace; of the filters only the net/gross revenue choice applies. */
export async function loadOverview(db: Db, tables: readonly TableInfo[], filters: Pick<Filters, 'revenue'> = {}): Promise<OverviewData> {
  const basis: Filters = filters.revenue ? { revenue: filters.revenue } : {};
  const q = kpiSql(tables, basis);
  const row = (await db.query(q.sql)).rows[0];
  const values = readKpis(q, row);
  const kpis = KPI_NAMES.map((key) => ({ key, ...values[key] }));
  const orders = tableOfKind(tables, 'orders');
  const scopeQuery = orders ? scopeTotalsSql({ orders }, basis) : null;
  const scope = scopeQuery?.ok ? ((await db.query(scopeQuery.sql)).rows[0] as unknown as ScopeTotalsRow | undefined) ?? null : null;
  return { kpis, chart: await loadChart(db, tables, basis), scope };
}

async function loadChart(db: Db, tables: readonly TableInfo[], basis: Filters): Promise<OverviewChart | null> {
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
  if (!table || table.columns.length === 0) return null;
  const counts = await db.query(distinctCountsSql(table.name, table.columns));
  const distinct: Record<string, number> = {};
  for (const r of counts.rows) distinct[String(r.column_name)] = Number(r.distinct_values);
  const column = pickBreakdownColumn(table, distinct);
  if (!column) return null;
  const r = await db.query(breakdownSql(table, column, { ...(table.roles.churn ? { churnColumn: table.roles.churn } : {}), limit: 12 }));
  return {
    kind: 'breakdown',
    table: table.name,
    column,
    points: r.rows.map((row) => ({
      category: row.category === null ? '—' : String(row.category),
      customers: Number(row.customers),
      churnRate: typeof row.churn_rate === 'number' ? row.churn_rate : null,
    })),
  };
}
