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
import { bigCustomersSql, customerStatusSql, newReturningSql } from '../metrics/customers.ts';
import { salesSql } from '../metrics/sales.ts';
import { loyaltySql, retentionSql } from '../metrics/loyalty.ts';
import { satisfactionChurnSql, serviceTimesSql } from '../metrics/service.ts';
import { funnelSql, type FunnelStages } from '../metrics/funnel.ts';
import { lorenzSql, paretoSql, tierSummarySql } from '../metrics/tiers.ts';
import { cohortRetentionSql, lifecycleStagesSql } from '../metrics/cohorts.ts';
import type { CompareKpi } from '../metrics/compare.ts';
import { drilldownSql, scopeTotalsSql, type DrillSelection, type DrillTables } from '../metrics/drilldown.ts';
import { leadDealFunnelSql } from '../metrics/funnel.ts';
import { distinctValuesSql, orderDateBoundsSql } from '../metrics/bounds.ts';
import { orderCategories } from '../lib/natural-order.ts';
import { loadActivityComparisons, type ActivityComparison } from './compare-activity.ts';
import { BASE_ROUTE, cubeKey, ensureCube, INDEX_FIRST_ROWS, routeCompare, type Route, type RouteOptions } from './cube.ts';
import { answerFromIndex, buildLinesIndex, readyIndex, type ReadyIndex } from './memory/route.ts';
import type { IndexAnswer } from './memory/host.ts';
import { readRows, type RowShape } from './typed-rows.ts';
import { errorMessage, isAbortError, isOutOfMemoryError } from '../lib/errors.ts';
import { MEASURE_SHAPES, type MeasureRowTypes } from './measure-rows.ts';

/** The in-memory lines index answered (report/memory). */
const MEMORY_ROUTE: Route = { kind: 'memory' };

/** A measure's result: rows of its builder's row interface `R` (see measure-rows.ts), its SQL, or why it is missing. */
export interface Measure<R = Row> {
  sql: string | null;
  rows: R[];
  unavailable?: Unavailable;
  ignored: FilterKey[];
  /** Where the numbers came from (cube.ts), when the runner routes its measures. */
  route?: Route;
  /** Milliseconds its query took, with `route`. */
  ms?: number;
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
  | 'sparkAov'
  | 'scope'
  | 'leadDeal'
  | 'leadDealByChannel'
  | 'lifecycle';

export type MeasureRows = { [K in MeasureId]: Measure<MeasureRowTypes[K]> };

export type Analytics = MeasureRows & {
  asOf: string | null;
  /** The tables the measures read, for drill-downs. */
  tables: DrillTables;
  /** Steps of the one-table funnel, when there is one. */
  stages: FunnelStages | null;
  /** Tickets, satisfaction, handling time, leads and conversion: this period vs previous and last year (compare-activity.ts). */
  activityCompare: ActivityComparison[];
};

/** Run a measure; with `rows`, its result read as that row interface (`what` names it in a mismatch). */
export async function runMeasure(db: Db, q: MetricQuery): Promise<Measure>;
export async function runMeasure<R>(db: Db, q: MetricQuery, rows: RowShape<R>, what: string): Promise<Measure<R>>;
export async function runMeasure<R>(db: Db, q: MetricQuery, rows?: RowShape<R>, what = ''): Promise<Measure<R | Row>> {
  if (!q.ok) return { sql: null, rows: [], unavailable: q.unavailable, ignored: [] };
  const r = await db.query(q.sql);
  return { sql: q.sql, rows: rows ? readRows(r.rows, rows, what) : r.rows, ignored: q.ignoredFilters };
}

const NONE: MetricQuery = { ok: false, unavailable: { reason: 'no_table', kind: 'orders' } };

/** The Pareto measure's top share of customers, and the Lorenz curve's steps. */
const PARETO_TOP_SHARE = 0.2;
const LORENZ_POINTS = 40;
/** Months since first purchase the cohort heatmap shows. */
const COHORT_MONTHS = 12;

/** The last order date in the data: "today" for every as-of measure (no clock is read, so results are reproducible). */
export async function lastOrderDate(db: Db, tables: readonly TableInfo[]): Promise<string | null> {
  return (await dateBounds(db, tables))?.max ?? null;
}

/** Funnel steps from a leads table: its date columns in table order, starting at `created_at`. */
export function funnelStages(leads: TableInfo): FunnelStages | null {
  const created = leads.roles.created_at;
  if (!created) return null;
  const dates = leads.columns.filter((c) => c.name !== created && isTemporalType(c.type.toUpperCase())).map((c) => c.name);
  if (dates.length === 0) return null;
  return { kind: 'date_columns', columns: [created, ...dates] };
}

/**
 * The leads table and, when the workspace has a second leads-kind table of
 * closed deals (ingest gives both kind `leads`, e.g. olist's qualified leads
 * and closed deals), that one as `deals`: a table with `lead_id` and `won_at`
 * but no `created_at`, else the smaller of two tables with `lead_id`.
 */
export function leadTables(tables: readonly TableInfo[]): { leads?: TableInfo; deals?: TableInfo } {
  const all = tables.filter((t) => t.kind === 'leads');
  const withId = all.filter((t) => t.roles.lead_id !== undefined);
  if (withId.length < 2) return all[0] ? { leads: all[0] } : {};
  const deals = withId.find((t) => t.roles.won_at !== undefined && t.roles.created_at === undefined) ?? [...withId].sort((a, b) => a.rowCount - b.rowCount)[0]!;
  const leads = withId.find((t) => t !== deals && t.roles.created_at !== undefined) ?? withId.find((t) => t !== deals)!;
  return { leads, deals };
}

/** The tables drill-downs read: the first orders and customers tables, the leads and deals tables. */
export function drillTables(tables: readonly TableInfo[]): DrillTables {
  return { orders: tableOfKind(tables, 'orders'), customers: tableOfKind(tables, 'customers'), ...leadTables(tables) };
}

/** `route`: read what the cubes answer exactly from them (built once per `route.key`); without it every measure reads the base tables. */
export async function loadAnalytics(db: Db, tables: readonly TableInfo[], filters: Filters, route?: RouteOptions): Promise<Analytics> {
  const orders = tableOfKind(tables, 'orders');
  const customers = tableOfKind(tables, 'customers');
  const tickets = tableOfKind(tables, 'tickets');
  const { leads, deals } = leadTables(tables);
  const asOf = filters.to ?? (await lastOrderDate(db, tables));
  const c = customers ? { customers } : {};
  const withAsOf = (f: (o: TableInfo, asOf: string) => MetricQuery): MetricQuery => (orders && asOf ? f(orders, asOf) : NONE);
  const stages = leads ? funnelStages(leads) : null;
  const compareTables = { ...(orders ? { orders } : {}), ...(tickets ? { tickets } : {}), ...(leads ? { leads } : {}), ...c };
  const cube = route && !route.forceBase ? await ensureCube(db, tables, route.key) : null;
  const routes: Partial<Record<MeasureId, Route>> = {};
  const routed = (id: MeasureId, which: 'compare' | 'spark', kpi: CompareKpi): [MeasureId, MetricQuery] => {
    if (!orders || !asOf) return [id, NONE];
    const r = routeCompare(cube, which, { kpi, tables: compareTables, grain: 'month', asOf, toDate: which === 'compare', periods: 12, filters });
    routes[id] = r.route;
    return [id, r.query];
  };
  // Many lines: the index first, so that no per-customer measure is asked of SQL (cube.ts, INDEX_FIRST_ROWS).
  if (cube && route?.index && (orders?.rowCount ?? 0) >= (route.indexFirstRows ?? INDEX_FIRST_ROWS)) {
    await buildLinesIndex(db, cube, cubeKey(tables, route.key), route.index, route.onIndexStage);
  }
  // What the in-memory index answers (once built), without a query.
  const indexed = cube && route ? await indexedMeasures(db, tables, filters, route) : null;

  const out: Partial<Record<MeasureId, Measure<unknown>>> = {};
  // A measure the index answers: the query whose rows it gives (the same builder and parameters either way).
  const onOrders = (id: MeasureId): MetricQuery => (orders ? indexedQuery(INDEXED_ASK.get(id)!, { orders, ...c }, filters, asOf) : NONE);
  const plan: [MeasureId, MetricQuery][] = [
    // With a customers table (sign-ups, customers without orders) only the SQL counts status.
    ['status', withAsOf((o, d) => customerStatusSql({ orders: o, ...c, asOf: d, filters }))],
    ['newReturning', onOrders('newReturning')],
    ['salesByCategory', onOrders('salesByCategory')],
    ['loyalty', onOrders('loyalty')],
    ['retention', onOrders('retention')],
    [
      'satisfactionChurn',
      tickets && customers ? satisfactionChurnSql({ tickets, customers, filters }) : { ok: false, unavailable: { reason: 'no_table', kind: tickets ? 'customers' : 'tickets' } },
    ],
    ['serviceTimes', tickets ? serviceTimesSql({ tickets, ...c, byCategory: true, filters }) : { ok: false, unavailable: { reason: 'no_table', kind: 'tickets' } }],
    [
      'funnel',
      leads && stages
        ? funnelSql({ leads, ...c, stages, filters })
        : // Without a second date column there is no later step: say which role would give one.
          { ok: false, unavailable: leads ? { reason: 'missing_role', kind: 'leads', table: leads.name, roles: [leads.roles.created_at ? 'won_at' : 'created_at'] } : { reason: 'no_table', kind: 'leads' } },
    ],
    ['leadDeal', leads && deals ? leadDealFunnelSql({ leads, deals, ...c, filters }) : { ok: false, unavailable: { reason: 'no_table', kind: 'leads' } }],
    [
      'leadDealByChannel',
      leads && deals && leads.roles.channel ? leadDealFunnelSql({ leads, deals, ...c, by: 'channel', filters }) : { ok: false, unavailable: { reason: 'no_table', kind: 'leads' } },
    ],
    ['scope', orders || customers ? scopeTotalsSql({ orders, customers }, filters) : NONE],
    ['tiers', onOrders('tiers')],
    ['pareto', onOrders('pareto')],
    ['lorenz', onOrders('lorenz')],
    ['cohorts', onOrders('cohorts')],
    ['lifecycle', onOrders('lifecycle')],
    routed('compareRevenue', 'compare', 'revenue'),
    routed('compareOrders', 'compare', 'orders'),
    routed('compareBuyers', 'compare', 'buyers'),
    routed('compareAov', 'compare', 'aov'),
    routed('sparkRevenue', 'spark', 'revenue'),
    routed('sparkOrders', 'spark', 'orders'),
    routed('sparkBuyers', 'spark', 'buyers'),
    routed('sparkAov', 'spark', 'aov'),
  ];
  // One connection: run in sequence.
  for (const [id, q] of plan) {
    const t0 = performance.now();
    const early = indexed?.[id];
    if (early) {
      out[id] = early;
      continue;
    }
    if (!q.ok) {
      out[id] = { sql: null, rows: [], unavailable: q.unavailable, ignored: [] };
      continue;
    }
    let rows: Row[];
    try {
      rows = (await db.query(q.sql)).rows;
    } catch (e) {
      // One query's failure (out of memory on many lines) leaves the other measures standing; it says why in its place.
      if (isAbortError(e)) throw e;
      const unavailable: Unavailable = isOutOfMemoryError(e) ? { reason: 'out_of_memory' } : { reason: 'failed', message: errorMessage(e).split('\n')[0]! };
      out[id] = { sql: q.sql, rows: [], unavailable, ignored: q.ignoredFilters };
      continue;
    }
    const m: Measure<unknown> = { sql: q.sql, rows: readRows(rows, MEASURE_SHAPES[id] as RowShape<unknown>, id), ignored: q.ignoredFilters };
    out[id] = route ? { ...m, route: routes[id] ?? BASE_ROUTE, ms: performance.now() - t0 } : m;
  }
  // The index for the next filter change: built in the background once per workspace version (the cubes come first).
  if (cube && route?.index) void buildLinesIndex(db, cube, cubeKey(tables, route.key), route.index);
  const activity = await loadActivityComparisons(db, tables, leads, filters, asOf);
  return { ...(out as MeasureRows), asOf: asOf ?? activity.asOf, tables: { orders, customers, leads, deals }, stages, activityCompare: activity.rows };
}

/** The measures the in-memory index answers: sales by category, the comparisons and sparklines of these KPIs, and the per-customer measures. */
const INDEXED: readonly [MeasureId, IndexAnswer][] = [
  ['salesByCategory', { kind: 'sales', by: 'category' }],
  ...(['revenue', 'orders', 'buyers', 'aov'] as const).flatMap((kpi): [MeasureId, IndexAnswer][] => {
    const name = `${kpi[0]!.toUpperCase()}${kpi.slice(1)}` as 'Revenue' | 'Orders' | 'Buyers' | 'Aov';
    return [[`compare${name}`, { kind: 'compare', kpi }], [`spark${name}`, { kind: 'spark', kpi }]];
  }),
  ['loyalty', { kind: 'loyalty' }],
  ['tiers', { kind: 'tiers' }],
  ['pareto', { kind: 'pareto', topShare: PARETO_TOP_SHARE }],
  ['lorenz', { kind: 'lorenz', points: LORENZ_POINTS }],
  ['status', { kind: 'status' }],
  ['newReturning', { kind: 'newReturning' }],
  ['retention', { kind: 'retention' }],
  ['cohorts', { kind: 'cohorts', maxMonths: COHORT_MONTHS }],
  ['lifecycle', { kind: 'lifecycle' }],
  ['scope', { kind: 'scope' }],
];

const INDEXED_ASK = new Map(INDEXED);

/** The base-table query whose rows the index gives for `ask` (as the Analytics page builds it); `asOf` for the comparisons and RFM. */
export function indexedQuery(ask: IndexAnswer, tables: { orders: TableInfo; customers?: TableInfo }, filters: Filters, asOf: string | null): MetricQuery {
  const base = { ...tables, filters };
  switch (ask.kind) {
    case 'sales':
      return salesSql({ ...base, ...(ask.by ? { by: ask.by } : {}), ...(ask.grain ? { grain: ask.grain } : {}) });
    case 'loyalty':
      return loyaltySql(base);
    case 'compare':
    case 'spark':
      return asOf ? routeCompare(null, ask.kind, { kpi: ask.kpi, tables, grain: 'month', asOf, toDate: ask.kind === 'compare', periods: 12, filters }).query : NONE;
    case 'tiers':
      return asOf ? tierSummarySql({ ...base, asOf }) : NONE;
    case 'pareto':
      return asOf ? paretoSql({ ...base, asOf, topShare: ask.topShare }) : NONE;
    case 'lorenz':
      return asOf ? lorenzSql({ ...base, asOf, points: ask.points }) : NONE;
    case 'status':
      // The index knows the customers who ordered; with a customers table (sign-ups, customers without orders) the SQL answers.
      return asOf && !tables.customers ? customerStatusSql({ ...base, asOf }) : NONE;
    case 'newReturning':
      return newReturningSql({ ...base, grain: 'month' });
    case 'retention':
      return retentionSql({ ...base, grain: 'month' });
    case 'cohorts':
      return cohortRetentionSql({ ...base, maxMonths: ask.maxMonths });
    case 'lifecycle':
      return asOf ? lifecycleStagesSql({ ...base, asOf }) : NONE;
    case 'scope':
      return scopeTotalsSql(tables, filters);
    case 'big':
      return bigCustomersSql({ ...base, topShare: ask.topShare });
  }
}

/**
 * The measures the in-memory lines index (report/memory) answers under these
 * filters, with no query: each with its base-table SQL (the definition of
 * what the index gives, shown in its panel) and route `memory`. Null before
 * the index for these tables is built, or on the base route. Run alone, it
 * lets the page show them at once on a filter change while the other
 * measures are still being read.
 */
export async function indexedMeasures(db: Db, tables: readonly TableInfo[], filters: Filters, route: RouteOptions): Promise<Partial<MeasureRows> | null> {
  const at = indexFor(db, tables, filters, route);
  if (!at) return null;
  const asked = INDEXED.flatMap(([id, ask]) => {
    const q = indexedQuery(ask, at.tables, filters, at.asOf);
    return q.ok ? [{ id, ask, q }] : [];
  });
  const t0 = performance.now();
  const answers = await answerFromIndex(at.ready, asked.map((a) => a.ask), filters, at.asOf);
  // One batch: each measure's time is the batch's.
  const ms = performance.now() - t0;
  const out: Partial<Record<MeasureId, Measure<unknown>>> = {};
  asked.forEach(({ id, q }, k) => {
    const rows = answers[k];
    if (rows) out[id] = { sql: q.sql, rows: readRows(rows as Row[], MEASURE_SHAPES[id] as RowShape<unknown>, id), ignored: q.ignoredFilters, route: MEMORY_ROUTE, ms };
  });
  return out as Partial<MeasureRows>;
}

/**
 * One measure from the lines index, when it is built for these tables and answers `ask` under these filters: its
 * base-table SQL shown as the definition, route `memory`. Null otherwise (the caller runs the SQL): on the base
 * route, before the index is built, or where the index cannot answer exactly.
 */
export async function measureFromIndex<R>(db: Db, tables: readonly TableInfo[], filters: Filters, route: RouteOptions | undefined, ask: IndexAnswer, shape: RowShape<R>, what: string): Promise<Measure<R> | null> {
  const at = route ? indexFor(db, tables, filters, route) : null;
  if (!at) return null;
  const q = indexedQuery(ask, at.tables, filters, at.asOf);
  if (!q.ok) return null;
  const t0 = performance.now();
  const [rows] = await answerFromIndex(at.ready, [ask], filters, at.asOf);
  if (!rows) return null;
  return { sql: q.sql, rows: readRows(rows as Row[], shape, what), ignored: q.ignoredFilters, route: MEMORY_ROUTE, ms: performance.now() - t0 };
}

/** The built lines index for these tables on this route, the tables its answers stand for, and the as-of day; null on the base route or before the build. */
function indexFor(db: Db, tables: readonly TableInfo[], filters: Filters, route: RouteOptions): { ready: ReadyIndex; tables: { orders: TableInfo; customers?: TableInfo }; asOf: string | null } | null {
  if (route.forceBase) return null;
  const ready = readyIndex(db, cubeKey(tables, route.key));
  const orders = tableOfKind(tables, 'orders');
  if (!ready || !orders) return null;
  const customers = tableOfKind(tables, 'customers');
  return { ready, tables: { orders, ...(customers ? { customers } : {}) }, asOf: filters.to ?? ready.lastDay };
}

/** A drill-down to open: what to list, and what was clicked, in words (the dialog's heading and the CSV's file name). */
export interface DrillRequest {
  selection: DrillSelection;
  title: string;
}

/** Rows shown in a drill-down; the CSV export has them all. */
export const DRILL_ROWS = 200;

export interface DrillResult {
  sql: string | null;
  rows: Row[];
  /** Columns in order, `total_rows` left out. */
  columns: string[];
  /** Rows in the whole selection (`rows` holds at most the limit). */
  total: number;
  unavailable?: Unavailable;
}

/** The rows behind a selection (see `drilldownSql`), at most `limit` of them; all of them with `limit` null (the CSV). */
export async function loadDrilldown(
  db: Db,
  tables: DrillTables,
  selection: DrillSelection,
  filters: Filters,
  asOf: string | null,
  limit: number | null = DRILL_ROWS,
): Promise<DrillResult> {
  const q = drilldownSql(tables, selection, filters, { asOf: asOf ?? undefined, limit: limit ?? undefined });
  if (!q.ok) return { sql: null, rows: [], columns: [], total: 0, unavailable: q.unavailable };
  const r = await db.query(q.sql);
  return {
    sql: q.sql,
    rows: r.rows,
    columns: r.columns.map((col) => col.name).filter((n) => n !== 'total_rows'),
    total: r.rows.length ? Number(r.rows[0]!.total_rows) : 0,
  };
}

/** Distinct values of each filterable dimension, for the filter bar. */
export async function filterOptions(db: Db, tables: readonly TableInfo[]): Promise<Record<'segment' | 'region' | 'channel' | 'category', string[]>> {
  const out = { segment: [] as string[], region: [] as string[], channel: [] as string[], category: [] as string[] };
  for (const key of ['segment', 'region', 'channel', 'category'] as const) {
    const t = tables.find((x) => x.roles[key] !== undefined && x.source !== 'derived:customers+orders+tickets');
    const col = t?.roles[key];
    if (!t || !col) continue;
    const r = await db.query(distinctValuesSql(t.name, col));
    // Scales (Low/Medium/High, contract lengths) in their order; anything else stays alphabetical.
    out[key] = orderCategories(r.rows.map((row) => String(row.v)), (v) => v);
  }
  return out;
}

/** Date bounds of the orders, for the date inputs. */
export async function dateBounds(db: Db, tables: readonly TableInfo[]): Promise<{ min: string; max: string } | null> {
  const orders = tableOfKind(tables, 'orders');
  const sql = orders && orderDateBoundsSql(orders);
  if (!sql) return null;
  const row = (await db.query(sql)).rows[0];
  return row && typeof row.lo === 'string' && typeof row.hi === 'string' ? { min: row.lo, max: row.hi } : null;
}
