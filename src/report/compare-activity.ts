/**
 * Period comparison beyond sales: tickets opened, average satisfaction, median
 * handling time, leads and conversion, this period (month to date) vs the
 * previous one and the same month a year earlier. SQL from metrics/compare.ts.
 */
import type { Db } from '../db/types.ts';
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import { compareSql, sparklineSql, type CompareKpi, type CompareRow } from '../metrics/compare.ts';
import { activityBoundsSql, firstDaySql } from '../metrics/activity.ts';
import type { Filters } from '../metrics/filters.ts';

export const ACTIVITY_KPIS = ['tickets', 'avg_satisfaction', 'median_handling_hours', 'leads', 'conversion'] as const satisfies readonly CompareKpi[];
export type ActivityKpi = (typeof ACTIVITY_KPIS)[number];

export interface ActivityComparison {
  kpi: ActivityKpi;
  sql: string;
  row: CompareRow;
  /** The last 12 months, oldest first (NULL for a month without a mean). */
  spark: (number | null)[];
}

/**
 * Each activity KPI the tables can give, compared at `asOf` (the analytics
 * page's, else the last ticket or lead date). `leads`: the leads table (not a
 * deals table, see analytics.ts leadTables). KPIs without their roles are left
 * out; the last-year values are NULL when the data begin after that window starts.
 */
export async function loadActivityComparisons(
  db: Db,
  tables: readonly TableInfo[],
  leads: TableInfo | undefined,
  filters: Filters,
  asOf: string | null,
): Promise<{ asOf: string | null; rows: ActivityComparison[] }> {
  const tickets = tableOfKind(tables, 'tickets');
  const customers = tableOfKind(tables, 'customers');
  const day = asOf ?? (await lastActivityDay(db, tickets, leads));
  if (!day) return { asOf: null, rows: [] };
  const compareTables = { ...(tickets ? { tickets } : {}), ...(leads ? { leads } : {}), ...(customers ? { customers } : {}) };
  const firsts = { tickets: await firstDay(db, tickets, 'opened_at'), leads: await firstDay(db, leads, 'created_at') };
  const rows: ActivityComparison[] = [];
  for (const kpi of ACTIVITY_KPIS) {
    const q = compareSql({ kpi, tables: compareTables, grain: 'month', asOf: day, toDate: true, filters });
    if (!q.ok) continue;
    const got = (await db.query(q.sql)).rows[0] as unknown as CompareRow | undefined;
    // Before the data begin, a window's 0 is not a measurement: no "vs last year" when the data do not reach back to it.
    const first = kpi === 'leads' || kpi === 'conversion' ? firsts.leads : firsts.tickets;
    const row = got && first !== null && got.last_year_start < first ? { ...got, last_year_value: null, change_vs_last_year: null, change_vs_last_year_pct: null } : got;
    // A KPI with nothing to compare (no satisfaction ever given, no lead won) says nothing: leave it out.
    if (!row || (row.current_value === null && row.previous_value === null && row.last_year_value === null)) continue;
    const s = sparklineSql({ kpi, tables: compareTables, grain: 'month', asOf: day, periods: 12, filters });
    const spark = s.ok ? (await db.query(s.sql)).rows.map((r) => (r.value === null || r.value === undefined ? null : Number(r.value))) : [];
    rows.push({ kpi, sql: q.sql, row, spark });
  }
  return { asOf: day, rows };
}

async function firstDay(db: Db, table: TableInfo | undefined, role: 'opened_at' | 'created_at'): Promise<string | null> {
  const sql = table && firstDaySql(table, role);
  if (!sql) return null;
  const v = (await db.query(sql)).rows[0]?.first_day;
  return typeof v === 'string' ? v : null;
}

async function lastActivityDay(db: Db, tickets: TableInfo | undefined, leads: TableInfo | undefined): Promise<string | null> {
  const sql = activityBoundsSql(tickets, leads);
  if (!sql) return null;
  const v = (await db.query(sql)).rows[0]?.last_day;
  return typeof v === 'string' ? v.slice(0, 10) : null;
}
