/**
 * Runs the CRM measures of the analytics page. Every measure is built by a
 * pure SQL builder in src/metrics with the global filters, executed here, and
 * returned with its SQL (shown one click away) or the reason it is missing.
 */
import type { Db, Row } from '../db/types.ts';
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import { isTemporalType } from '../ingest/roles.ts';
import type { MetricQuery, Unavailable } from '../metrics/common.ts';
import type { FilterKey, Filters } from '../metrics/filters.ts';
import { customerStatusSql, newReturningSql } from '../metrics/customers.ts';
import { salesSql } from '../metrics/sales.ts';
import { loyaltySql, retentionSql } from '../metrics/loyalty.ts';
import { satisfactionChurnSql, serviceTimesSql } from '../metrics/service.ts';
import { funnelSql, type FunnelStages } from '../metrics/funnel.ts';
import { lorenzSql, paretoSql, tierSummarySql } from '../metrics/tiers.ts';
import { cohortRetentionSql } from '../metrics/cohorts.ts';
import { compareSql, sparklineSql, type CompareKpi } from '../metrics/compare.ts';
import { dateExpr, roleColumn } from '../metrics/expr.ts';
import { ident } from '../lib/sql.ts';

export interface Measure {
  sql: string | null;
  rows: Row[];
  unavailable?: Unavailable;
  ignored: FilterKey[];
}

export type MeasureId =
  | 'status'
  | 'newReturning'
  | 'salesByCategory'
  | 'loyalty'
  | 'retention'
  | 'satisfactionChurn'
  | 'serviceTimes'
  | 'funnel'
  | 'tiers'
  | 'pareto'
  | 'lorenz'
  | 'cohorts'
  | 'compareRevenue'
  | 'compareOrders'
  | 'compareBuyers'
  | 'compareAov'
  | 'sparkRevenue'
  | 'sparkOrders'
  | 'sparkBuyers'
  | 'sparkAov';

export type Analytics = Record<MeasureId, Measure> & { asOf: string | null };

async function run(db: Db, q: MetricQuery): Promise<Measure> {
  if (!q.ok) return { sql: null, rows: [], unavailable: q.unavailable, ignored: [] };
  const r = await db.query(q.sql);
  return { sql: q.sql, rows: r.rows, ignored: q.ignoredFilters };
}

const NONE: MetricQuery = { ok: false, unavailable: { reason: 'no_table', kind: 'orders' } };

/** The last order date in the data: "today" for every as-of measure (no clock is read, so results are reproducible). */
export async function lastOrderDate(db: Db, tables: readonly TableInfo[]): Promise<string | null> {
  const orders = tableOfKind(tables, 'orders');
  const d = orders && roleColumn(orders, 'order_date');
  if (!orders || !d) return null;
  const r = await db.query(`SELECT CAST(max(${dateExpr(d)}) AS VARCHAR) AS d FROM ${ident(orders.name)}`);
  const v = r.rows[0]?.d;
  return typeof v === 'string' ? v : null;
}

/** Funnel steps from a leads table: its date columns in table order, starting at `created_at`. */
export function funnelStages(leads: TableInfo): FunnelStages | null {
  const created = leads.roles.created_at;
  if (!created) return null;
  const dates = leads.columns.filter((c) => c.name !== created && isTemporalType(c.type.toUpperCase())).map((c) => c.name);
  if (dates.length === 0) return null;
  return { kind: 'date_columns', columns: [created, ...dates] };
}

export async function loadAnalytics(db: Db, tables: readonly TableInfo[], filters: Filters): Promise<Analytics> {
  const orders = tableOfKind(tables, 'orders');
  const customers = tableOfKind(tables, 'customers');
  const tickets = tableOfKind(tables, 'tickets');
  const leads = tableOfKind(tables, 'leads');
  const asOf = filters.to ?? (await lastOrderDate(db, tables));
  const c = customers ? { customers } : {};
  const withOrders = (f: (o: TableInfo) => MetricQuery): MetricQuery => (orders ? f(orders) : NONE);
  const withAsOf = (f: (o: TableInfo, asOf: string) => MetricQuery): MetricQuery => (orders && asOf ? f(orders, asOf) : NONE);
  const stages = leads ? funnelStages(leads) : null;
  const compareTables = { ...(orders ? { orders } : {}), ...(tickets ? { tickets } : {}), ...(leads ? { leads } : {}), ...c };
  const compare = (kpi: CompareKpi): MetricQuery =>
    orders && asOf ? compareSql({ kpi, tables: compareTables, grain: 'month', asOf, toDate: true, filters }) : NONE;
  const spark = (kpi: CompareKpi): MetricQuery =>
    orders && asOf ? sparklineSql({ kpi, tables: compareTables, grain: 'month', asOf, periods: 12, filters }) : NONE;

  const out: Partial<Record<MeasureId, Measure>> = {};
  const plan: [MeasureId, MetricQuery][] = [
    ['status', withAsOf((o, d) => customerStatusSql({ orders: o, ...c, asOf: d, filters }))],
    ['newReturning', withOrders((o) => newReturningSql({ orders: o, ...c, grain: 'month', filters }))],
    ['salesByCategory', withOrders((o) => salesSql({ orders: o, ...c, by: 'category', filters }))],
    ['loyalty', withOrders((o) => loyaltySql({ orders: o, ...c, filters }))],
    ['retention', withOrders((o) => retentionSql({ orders: o, ...c, grain: 'month', filters }))],
    [
      'satisfactionChurn',
      tickets && customers ? satisfactionChurnSql({ tickets, customers, filters }) : { ok: false, unavailable: { reason: 'no_table', kind: tickets ? 'customers' : 'tickets' } },
    ],
    ['serviceTimes', tickets ? serviceTimesSql({ tickets, ...c, byCategory: true, filters }) : { ok: false, unavailable: { reason: 'no_table', kind: 'tickets' } }],
    [
      'funnel',
      leads && stages ? funnelSql({ leads, ...c, stages, filters }) : { ok: false, unavailable: { reason: leads ? 'missing_role' : 'no_table', kind: 'leads', roles: ['created_at'] } },
    ],
    ['tiers', withAsOf((o, d) => tierSummarySql({ orders: o, ...c, asOf: d, filters }))],
    ['pareto', withAsOf((o, d) => paretoSql({ orders: o, ...c, asOf: d, filters }))],
    ['lorenz', withAsOf((o, d) => lorenzSql({ orders: o, ...c, asOf: d, points: 40, filters }))],
    ['cohorts', withOrders((o) => cohortRetentionSql({ orders: o, ...c, maxMonths: 12, filters }))],
    ['compareRevenue', compare('revenue')],
    ['compareOrders', compare('orders')],
    ['compareBuyers', compare('buyers')],
    ['compareAov', compare('aov')],
    ['sparkRevenue', spark('revenue')],
    ['sparkOrders', spark('orders')],
    ['sparkBuyers', spark('buyers')],
    ['sparkAov', spark('aov')],
  ];
  // One connection: run in sequence.
  for (const [id, q] of plan) out[id] = await run(db, q);
  return { ...(out as Record<MeasureId, Measure>), asOf };
}

/** Distinct values of each filterable dimension, for the filter bar. */
export async function filterOptions(db: Db, tables: readonly TableInfo[]): Promise<Record<'segment' | 'region' | 'channel' | 'category', string[]>> {
  const out = { segment: [] as string[], region: [] as string[], channel: [] as string[], category: [] as string[] };
  for (const key of ['segment', 'region', 'channel', 'category'] as const) {
    const t = tables.find((x) => x.roles[key] !== undefined && x.source !== 'derived:customers+orders+tickets');
    const col = t?.roles[key];
    if (!t || !col) continue;
    const r = await db.query(
      `SELECT DISTINCT CAST(${ident(col)} AS VARCHAR) AS v FROM ${ident(t.name)} WHERE ${ident(col)} IS NOT NULL ORDER BY 1 LIMIT 200`,
    );
    out[key] = r.rows.map((row) => String(row.v));
  }
  return out;
}

/** Date bounds of the orders, for the date inputs. */
export async function dateBounds(db: Db, tables: readonly TableInfo[]): Promise<{ min: string; max: string } | null> {
  const orders = tableOfKind(tables, 'orders');
  const d = orders && roleColumn(orders, 'order_date');
  if (!orders || !d) return null;
  const r = await db.query(`SELECT CAST(min(${dateExpr(d)}) AS VARCHAR) AS lo, CAST(max(${dateExpr(d)}) AS VARCHAR) AS hi FROM ${ident(orders.name)}`);
  const row = r.rows[0];
  return row && typeof row.lo === 'string' && typeof row.hi === 'string' ? { min: row.lo, max: row.hi } : null;
}
