/** Runs the overview's SQL (built in src/metrics) and shapes results for the page. */
import type { Db } from '../db/types.ts';
import { tableOfKind, type TableInfo, type TableKind } from '../ingest/model.ts';
import { breakdownSql, kpiSql, KPI_NAMES, monthlyRevenueSql, readKpis, type Kpi, type KpiName } from '../metrics/overview.ts';
import { breakdownColumns } from '../metrics/breakdown-dims.ts';
import { distinctCountsSql } from '../metrics/profile.ts';
import { basketSummarySql, basketTable, topProductsSql, type BasketSummary } from '../metrics/basket.ts';
import { scopeTotalsSql, type ScopeTotalsRow } from '../metrics/drilldown.ts';
import type { Filters } from '../metrics/filters.ts';
import { hasRevenue } from '../metrics/measures.ts';
import type { MonthlyRevenuePoint } from '../charts/monthly-revenue/option.ts';
import type { BreakdownPoint } from '../charts/breakdown/option.ts';
import { activityTables, leadKpiSql, monthlyCountSql, reviewKpiSql, ticketKpiSql, valueCountsSql } from '../metrics/activity.ts';
import { leadTables } from './analytics.ts';

export type { KpiName };

export type OverviewChart =
  | { kind: 'monthly'; table: string; points: MonthlyRevenuePoint[] }
  /** `columns`: every column the user may pick instead (breakdown-dims.ts), `column` first when it was picked for them. */
  | { kind: 'breakdown'; table: string; tableKind: TableKind; column: string; columns: string[]; points: BreakdownPoint[] };

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
  /** Leads, tickets and reviews: their own cards and charts (shown where customers and orders are absent or beside them). */
  activity: Activity;
}

/** A count per category or per month, for one bar chart. */
export interface CountSeries {
  table: string;
  /** The column counted by (a month for `monthly`). */
  column: string;
  monthly: boolean;
  points: { category: string; n: number }[];
}

export interface Activity {
  leads: { table: string; deals: string | null; leads: number; won: number | null; conversion: number | null; median_days: number | null; monthly: CountSeries | null } | null;
  tickets: { table: string; tickets: number; avg_satisfaction: number | null; median_hours: number | null; monthly: CountSeries | null } | null;
  reviews: {
    table: string;
    reviews: number;
    avg_rating: number | null;
    rated: number | null;
    positive_share: number | null;
    labelled: number | null;
    with_text: number | null;
    /** Reviews per rating, else per label. */
    byValue: CountSeries | null;
    monthly: CountSeries | null;
  } | null;
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
  const activity = await loadActivity(db, tables);
  const chart = activity.reviews && !tableOfKind(tables, 'customers') && !orders ? null : await loadChart(db, tables, basis, basket?.table, breakdown);
  return { kpis, chart, basket, scope, activity };
}

const n = (v: unknown): number => Number(v ?? 0);
const orNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

async function counts(db: Db, table: TableInfo, column: string, sql: string): Promise<CountSeries | null> {
  const rows = (await db.query(sql)).rows;
  return rows.length ? { table: table.name, column, monthly: false, points: rows.map((r) => ({ category: r.category === null ? '—' : String(r.category), n: n(r.n) })) } : null;
}

async function monthly(db: Db, table: TableInfo, date: { name: string; type: string } | undefined): Promise<CountSeries | null> {
  if (!date) return null;
  const rows = (await db.query(monthlyCountSql(table, date))).rows;
  return rows.length > 1 ? { table: table.name, column: date.name, monthly: true, points: rows.map((r) => ({ category: String(r.month), n: n(r.n) })) } : null;
}

const colOf = (t: TableInfo, role: 'created_at' | 'opened_at') => {
  const name = t.roles[role];
  const c = name === undefined ? undefined : t.columns.find((x) => x.name === name);
  return c ? { name: c.name, type: c.type.toUpperCase() } : undefined;
};

async function loadActivity(db: Db, tables: readonly TableInfo[]): Promise<Activity> {
  const found = activityTables(tables);
  const out: Activity = { leads: null, tickets: null, reviews: null };
  if (found.leads) {
    const { leads, deals } = leadTables(tables);
    const l = leads ?? found.leads;
    const r = (await db.query(leadKpiSql(l, deals))).rows[0] ?? {};
    out.leads = { table: l.name, deals: deals?.name ?? null, leads: n(r.leads), won: orNull(r.won), conversion: orNull(r.conversion), median_days: orNull(r.median_days), monthly: await monthly(db, l, colOf(l, 'created_at')) };
  }
  if (found.tickets) {
    const t = found.tickets;
    const r = (await db.query(ticketKpiSql(t))).rows[0] ?? {};
    out.tickets = { table: t.name, tickets: n(r.tickets), avg_satisfaction: orNull(r.avg_satisfaction), median_hours: orNull(r.median_hours), monthly: await monthly(db, t, colOf(t, 'opened_at')) };
  }
  if (found.reviews) {
    const { table, cols } = found.reviews;
    const r = (await db.query(reviewKpiSql(table, cols))).rows[0] ?? {};
    const by = cols.rating ?? cols.label;
    out.reviews = {
      table: table.name,
      reviews: n(r.reviews),
      avg_rating: orNull(r.avg_rating),
      rated: orNull(r.rated),
      positive_share: orNull(r.positive_share),
      labelled: orNull(r.labelled),
      with_text: orNull(r.with_text),
      byValue: by ? await counts(db, table, by.name, valueCountsSql(table, by.name)) : null,
      monthly: await monthly(db, table, cols.date),
    };
  }
  return out;
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
  const table = tableOfKind(tables, 'customers') ?? leadTables(tables).leads ?? tables[0];
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
    tableKind: table.kind,
    column,
    columns,
    points: r.rows.map((row) => ({
      category: row.category === null ? '—' : String(row.category),
      customers: Number(row.customers),
      churnRate: typeof row.churn_rate === 'number' ? row.churn_rate : null,
    })),
  };
}
