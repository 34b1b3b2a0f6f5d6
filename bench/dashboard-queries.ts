/**
 * What one dashboard render asks for in the browser step (bench/browser.ts),
 * and the route each query takes: the route the app takes. The Overview's
 * figures (KPIs, monthly revenue, revenue by category: salesSql) count
 * distinct customers, which cannot be summed from a pre-aggregate, so the app
 * runs them on the base table, and so does the bench. The Analytics page's
 * period comparisons and sparklines of revenue, orders and AOV go through
 * src/report/cube.ts's `routeCompare` to the cubes built at load
 * (src/metrics/cube.ts); those of buyers (distinct customers) stay on the
 * base table, and so do the page's measures per customer (status, new and
 * returning, loyalty, retention, value tiers, Pareto, Lorenz, cohorts, life
 * cycle, scope) until the lines index answers them. For every query the cube
 * answers, the bench also times the base-table query it replaces and checks
 * both give the same numbers.
 */
import { createAsSql, dropSql } from '../src/db/ddl.ts';
import type { TableInfo } from '../src/ingest/model.ts';
import { ident } from '../src/lib/sql.ts';
import { sqlOf } from '../src/metrics/common.ts';
import { CUBE_LINES, CUBE_ORDERS, cubeChecksSql, cubeLinesSql, cubeOrdersSql, cubeShape, readCubeChecks, type CubeSpec } from '../src/metrics/cube.ts';
import type { Filters } from '../src/metrics/filters.ts';
import { salesSql } from '../src/metrics/sales.ts';
import { routeCompare } from '../src/report/cube.ts';
import { indexedQuery } from '../src/report/analytics.ts';
import { DASHBOARD_QUERIES, QUERIES } from './dashboard-list.ts';
export { DASHBOARD_QUERIES };
import { FILTER_CHANGES } from './dashboard.ts';

/** Why a query stays on the base table, in the app and here. */
export function baseReason(name: string): string {
  const q = QUERIES.find((x) => x.name === name);
  if (q?.compare?.kpi === 'buyers') return 'base: distinct customers do not sum from the cube';
  if (q?.sales) return 'base: the app runs salesSql on the base table (distinct customers)';
  if (q?.ask) return 'base: per customer (the lines index answers it once built)';
  return 'base';
}

export interface PlannedQuery {
  name: string;
  /** The app's route for it under these filters. */
  route: 'cube' | 'base';
  /** The SQL the app would run (cube or base). */
  sql: string;
  /** For a cube-routed query: the base-table query it replaces (timed beside it, numbers checked equal). */
  baseSql: string | null;
}

/**
 * One dashboard render under `filters`: `spec` null means no cube (every
 * query on the base table). `asOf`: the comparisons' reference day, as the app
 * picks it (the filter's end, else the last order date).
 */
export function dashboardPlan(orders: TableInfo, spec: CubeSpec | null, lastDay: string, filters?: Filters): PlannedQuery[] {
  const base = { orders, ...(filters ? { filters } : {}) };
  const asOf = filters?.to ?? lastDay;
  return QUERIES.map((q): PlannedQuery => {
    if (q.sales) return { name: q.name, route: 'base', sql: sqlOf(salesSql({ ...base, ...q.sales })), baseSql: null };
    if (q.ask) return { name: q.name, route: 'base', sql: sqlOf(indexedQuery(q.ask, { orders }, filters ?? {}, asOf)), baseSql: null };
    const { which, kpi } = q.compare!;
    const opts = { kpi, tables: { orders }, grain: 'month' as const, asOf, toDate: which === 'compare', periods: 12, filters: filters ?? {} };
    const app = routeCompare(spec, which, opts);
    const onBase = routeCompare(null, which, opts);
    const sql = sqlOf(app.query);
    return app.route.kind === 'cube'
      ? { name: q.name, route: 'cube', sql, baseSql: sqlOf(onBase.query) }
      : { name: q.name, route: 'base', sql, baseSql: null };
  });
}

/** The checks that decide which dimensions the cubes may split (src/report/cube.ts runs the same at load). */
export function cubeChecks(orders: TableInfo): string {
  return cubeChecksSql(cubeShape(orders));
}

/** The cube spec from the checks' row, and the statements that build both cubes. */
export function cubeBuild(orders: TableInfo, checksRow: Record<string, unknown> | undefined): { spec: CubeSpec; sqls: string[] } {
  const spec = readCubeChecks(cubeShape(orders), checksRow);
  const ordersSql = cubeOrdersSql(spec);
  return {
    spec,
    sqls: [
      dropSql('TABLE', CUBE_ORDERS),
      createAsSql('TABLE', CUBE_LINES, cubeLinesSql(spec)),
      ...(ordersSql ? [createAsSql('TABLE', CUBE_ORDERS, ordersSql)] : []),
      `SELECT (SELECT count(*) FROM ${ident(CUBE_LINES)}) AS cube_rows`,
    ],
  };
}

/** The last order day as the app reads it for the comparisons' reference day. */
export const lastDaySql = (orders: TableInfo): string => `SELECT CAST(max(${ident(orders.roles.order_date!)}) AS VARCHAR) AS d FROM ${ident(orders.name)}`;

// ---------------------------------------------------------------- running it on an engine

/** Per filter change, per query, the rows (native's still hold Dates and BigInts). */
export type DashboardResults = Record<string, unknown>[][][];

/** Runs SQL statements one after another: each one's time, the total, the rows (the page's `run` and the native runner alike). */
export type RunSqls = (sqls: string[]) => Promise<{ ms: number[]; totalMs: number; results: Record<string, unknown>[][] }>;

/** The dashboard's timings on one engine. */
export interface DashboardTimings {
  /** Building the cubes right after the load (checks + both tables), as the app does: part of the load. */
  cubeMs: number;
  /** The dashboard's queries with no filter. */
  firstRenderMs: number;
  /** One dashboard refresh (all its queries, one after another) per `FILTER_CHANGES` entry. */
  refreshMs: number[];
  /** Per refresh, per query (`DASHBOARD_QUERIES`), on the app's route. */
  refreshQueryMs: number[][];
  /** Per refresh, per query: the base-table query a cube-routed one replaces (null where the app's route is the base table). */
  refreshBaseMs: (number | null)[][];
  /** Per query, the app's route (the same under every filter change here). */
  routes: PlannedQuery['route'][];
  /** Where a cube-routed query's numbers differ from its base-table query's, if anywhere. */
  cubeDifference: string | null;
  /** The cube spec and the last order day the runs used (the lines index is built from the same). */
  spec: CubeSpec | null;
  lastDay: string | null;
  /** The in-memory index route (Chromium only): its build and the same filter changes answered from it. */
  index: IndexRun | null;
  /** Where the SQL renders failed (the tab out of memory at 10M lines), when the index answered instead; else null. */
  sqlFailed: string | null;
}

/** The dashboard answered from the in-memory lines index (src/report/memory), after the SQL runs (before them at the big size, as the app does). */
export interface IndexRun {
  /** Reading the lines out of DuckDB and building the index in its worker, as the app does after the first Analytics run. */
  buildMs: number;
  /** The dashboard with no filter from the index (the first render, where the index comes first). */
  firstMs: number;
  /** Every dashboard query of one filter change from the index, per `FILTER_CHANGES` entry (no query to DuckDB). */
  refreshMs: number[];
  /** Where the index's rows differ from the SQL's, if anywhere. */
  difference: string | null;
  /** A fixed loop timed five times on the page's thread right after the changes (`steady`): the machine's speed then. */
  steadyMs: number[];
}

export const noDashboard = (): DashboardTimings => ({
  cubeMs: 0, firstRenderMs: 0, refreshMs: [], refreshQueryMs: [], refreshBaseMs: [], routes: [], cubeDifference: null, spec: null, lastDay: null, index: null,
  sqlFailed: null,
});


export function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => (v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'bigint' ? Number(v) : v);
  const x = norm(a);
  const y = norm(b);
  // Sums of doubles differ in the last bits with the order they are added in (threads).
  if (typeof x === 'number' && typeof y === 'number') return Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(x), Math.abs(y));
  return x === y;
}

/** Where two results differ, if anywhere. */
export function rowsDifference(what: string, ra: readonly Record<string, unknown>[], rb: readonly Record<string, unknown>[]): string | null {
  if (ra.length !== rb.length) return `${what}: ${ra.length} vs ${rb.length} rows`;
  for (let i = 0; i < ra.length; i++) {
    for (const k of Object.keys(ra[i]!)) {
      if (!same(ra[i]![k], rb[i]![k])) return `${what}, row ${i + 1}, ${k}: ${String(ra[i]![k])} vs ${String(rb[i]![k])}`;
    }
  }
  return null;
}

/** One dashboard render on the app's routes (timed as a whole), then the base-table queries the cube replaced (timed apart, checked equal). */
async function render(run: RunSqls, plan: readonly PlannedQuery[], label: string) {
  const app = await run(plan.map((q) => q.sql));
  const onCube = plan.flatMap((q, i) => (q.baseSql === null ? [] : [i]));
  const alt = await run(onCube.map((i) => plan[i]!.baseSql!));
  const baseMs: (number | null)[] = plan.map(() => null);
  let difference: string | null = null;
  onCube.forEach((i, k) => {
    baseMs[i] = alt.ms[k]!;
    difference ??= rowsDifference(`${label}, ${plan[i]!.name} (cube vs base table)`, app.results[i]!, alt.results[k]!);
  });
  return { ...app, baseMs, difference };
}

/** Right after the load: the cube checks and both cubes (timed), and the last order day, as the app reads them. */
export async function prepareDashboard(run: RunSqls, orders: TableInfo, out: DashboardTimings): Promise<void> {
  const t0 = performance.now();
  const checks = await run([cubeChecks(orders)]);
  const { spec, sqls } = cubeBuild(orders, checks.results[0]![0]);
  await run(sqls);
  out.cubeMs = performance.now() - t0;
  out.spec = spec;
  out.lastDay = String((await run([lastDaySql(orders)])).results[0]![0]!.d);
}

/** After `prepareDashboard`: the first render and one refresh per filter change, each on the app's SQL routes. */
export async function renderDashboard(run: RunSqls, orders: TableInfo, out: DashboardTimings, results: DashboardResults): Promise<void> {
  const plan = (filters?: Filters): PlannedQuery[] => dashboardPlan(orders, out.spec, out.lastDay!, filters);
  const first = await render(run, plan(), 'first render');
  out.firstRenderMs = first.totalMs;
  out.routes = plan().map((q) => q.route);
  out.cubeDifference = first.difference;
  for (const [i, filters] of FILTER_CHANGES.entries()) {
    const t = await render(run, plan(filters), `filter change ${i + 1}`);
    out.refreshMs.push(t.totalMs);
    out.refreshQueryMs.push(t.ms);
    out.refreshBaseMs.push(t.baseMs);
    out.cubeDifference ??= t.difference;
    results.push(t.results);
  }
}

/** Both of the above. */
export async function dashboardRuns(run: RunSqls, orders: TableInfo, out: DashboardTimings, results: DashboardResults): Promise<void> {
  await prepareDashboard(run, orders, out);
  await renderDashboard(run, orders, out, results);
}
