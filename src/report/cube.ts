/**
 * The cube route (metrics/cube.ts): builds the cubes when the workspace's
 * orders or customers change, and picks per measure whether the cube answers
 * it exactly under the filters or the base table must. The route goes with
 * the measure, and the Analytics page shows it in the measure's SQL panel.
 */
import type { Db } from '../db/types.ts';
import { createAsSql, dropSql } from '../db/ddl.ts';
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import type { MetricQuery } from '../metrics/common.ts';
import { compareSql, sparklineSql, type CompareOptions, type CompareKpi } from '../metrics/compare.ts';
import type { IndexBuilder } from './memory/arrow.ts';
import type { StageListener } from './memory/route.ts';
import { CUBE_LINES, CUBE_ORDERS, cubeChecksSql, cubeCompareKpi, cubeLinesSql, cubeOrdersSql, cubeShape, readCubeChecks, type CubeKpi, type CubeSpec } from '../metrics/cube.ts';

/** Where a measure's numbers came from: a cube table, or the base tables. */
export type Route = { kind: 'cube'; tables: string[] } | { kind: 'memory' } | { kind: 'base' };

export const BASE_ROUTE: Route = { kind: 'base' };

export interface RouteOptions {
  /** Changes whenever the orders or customers tables do (their workspace versions): the cubes are rebuilt then. */
  key: string;
  /** Every measure on the base tables (a setting, and how the tests compare the routes). */
  forceBase?: boolean;
  /** Builds the in-memory lines index (report/memory) after the first run; without it no index is built. */
  index?: IndexBuilder;
  /** From this many order lines on, the index is built before the first run instead (default `INDEX_FIRST_ROWS`). */
  indexFirstRows?: number;
  /** Told what that build before the first run is doing (memory/route.ts), so the page can say why it waits. */
  onIndexStage?: StageListener;
}

/**
 * Above this many order lines the Analytics page's per-customer measures cost seconds each in SQL and can exhaust
 * the tab's memory (at 10M lines new-vs-returning and loyalty ran out of DuckDB-WASM's 3.1 GiB), while the lines
 * index answers them in a fraction of a second: the index is then built before the first run, not after it.
 */
export const INDEX_FIRST_ROWS = 2_000_000;

interface Built {
  db: Db;
  key: string;
  spec: CubeSpec | null;
}

let current: Promise<Built> | null = null;
/** Milliseconds the last build took (the e2e logs it). */
export let lastBuildMs = 0;

/** What identifies the cubes' inputs beyond the workspace versions: names, roles, columns, cancellation prefix. */
function inputKey(orders: TableInfo | undefined, customers: TableInfo | undefined): string {
  const part = (t: TableInfo | undefined) => (t ? [t.name, t.rowCount, t.roles, t.columns, t.cancelPrefix ?? null] : null);
  return JSON.stringify([part(orders), part(customers)]);
}

/** What identifies the cubes of these tables under the caller's `key` (the lines index is kept by the same). */
export function cubeKey(tables: readonly TableInfo[], key: string): string {
  return `${key}#${inputKey(tableOfKind(tables, 'orders'), tableOfKind(tables, 'customers'))}`;
}

async function build(db: Db, tables: readonly TableInfo[], key: string): Promise<Built> {
  const t0 = performance.now();
  const orders = tableOfKind(tables, 'orders');
  const customers = tableOfKind(tables, 'customers');
  await db.exec(dropSql('TABLE', CUBE_ORDERS));
  if (!orders || !orders.roles.order_date) {
    await db.exec(dropSql('TABLE', CUBE_LINES));
    return { db, key, spec: null };
  }
  const shape = cubeShape(orders, customers);
  const spec = readCubeChecks(shape, (await db.query(cubeChecksSql(shape))).rows[0]);
  await db.exec(createAsSql('TABLE', CUBE_LINES, cubeLinesSql(spec)));
  const ordersSql = cubeOrdersSql(spec);
  if (ordersSql) await db.exec(createAsSql('TABLE', CUBE_ORDERS, ordersSql));
  lastBuildMs = performance.now() - t0;
  return { db, key, spec };
}

/**
 * The cubes for these tables, built once per `key` (and per database); null
 * without dated orders. Callers sharing a key share one build.
 */
export async function ensureCube(db: Db, tables: readonly TableInfo[], key: string): Promise<CubeSpec | null> {
  const full = cubeKey(tables, key);
  for (;;) {
    const prev = current;
    const done = prev ? await prev.catch(() => null) : null;
    // Another caller started a build while this one waited: wait for that one instead.
    if (current !== prev) continue;
    if (done && done.db === db && done.key === full) return done.spec;
    current = build(db, tables, full);
    return (await current).spec;
  }
}

/** A measure's query and the route it takes. */
export interface Routed {
  query: MetricQuery;
  route: Route;
}

const CUBE_KPIS: ReadonlySet<CompareKpi> = new Set<CompareKpi>(['revenue', 'orders', 'aov']);

function cubeTables(kpi: CubeKpi): string[] {
  return kpi === 'revenue' ? [CUBE_LINES] : kpi === 'orders' ? [CUBE_ORDERS] : [CUBE_LINES, CUBE_ORDERS];
}

/**
 * A period comparison (`compare`) or sparkline (`spark`): from the cubes when
 * they answer this KPI under these filters, else compare.ts's own query. The
 * ignored filters are the base query's either way (the cube ignores the same).
 */
export function routeCompare(spec: CubeSpec | null, which: 'compare' | 'spark', opts: CompareOptions & { periods?: number }): Routed {
  const base = which === 'compare' ? compareSql(opts) : sparklineSql(opts);
  const kpi = opts.kpi;
  if (!spec || !base.ok || typeof kpi !== 'string' || !CUBE_KPIS.has(kpi)) return { query: base, route: BASE_ROUTE };
  const custom = cubeCompareKpi(spec, kpi as CubeKpi, opts.filters);
  if (!custom) return { query: base, route: BASE_ROUTE };
  const routed = which === 'compare' ? compareSql({ ...opts, kpi: custom }) : sparklineSql({ ...opts, kpi: custom });
  if (!routed.ok) return { query: base, route: BASE_ROUTE };
  return { query: { ...routed, ignoredFilters: base.ignoredFilters }, route: { kind: 'cube', tables: cubeTables(kpi as CubeKpi) } };
}
