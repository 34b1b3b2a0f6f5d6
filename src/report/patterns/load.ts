/**
 * The pattern analyses for the analytics page (association rules, clusters,
 * forecast): DuckDB shapes the data, the arithmetic runs through a
 * `PatternsRunner` (a worker in the browser), and the result carries the SQL
 * that fed it.
 */
import type { Db } from '../../db/types.ts';
import { tableOfKind, type TableInfo } from '../../ingest/model.ts';
import { basketItemsSql, fetchTransactions, type Transactions } from '../../metrics/transactions.ts';
import { readSeries, seriesSql, type Grain } from '../../metrics/forecast.ts';
import { drilldownSql } from '../../metrics/drilldown.ts';
import { behaviourColumnsSql } from '../../metrics/behaviour.ts';
import { hasRevenue } from '../../metrics/measures.ts';
import type { Filters } from '../../metrics/filters.ts';
import type { Behaviour, Clusters, Forecasted, MinedRules, OnProgress } from './compute.ts';
import type { PatternsRunner } from './runner.ts';

export type { ClusterRow, RuleRow } from './compute.ts';

export interface RulesResult extends MinedRules {
  table: string;
  /** Milliseconds from the request to the rules (reading the baskets, the first time, and mining). */
  ms: number;
  sql: string;
}

export interface ClustersResult extends Clusters {
  sql: string;
}

export interface ForecastResult extends Forecasted {
  sql: string;
}

/** The table and columns that hold baskets: orders with an order id (or basket id) and a product (its name, else its code, else its category). */
export function basketSource(tables: readonly TableInfo[]): { table: TableInfo; basket: string; item: string } | undefined {
  for (const t of tables) {
    const basket = t.roles.order_id;
    const item = t.roles.product ?? t.roles.sku ?? t.roles.category;
    if (basket && item) return { table: t, basket, item };
  }
  return undefined;
}

/** The baskets of the last workspace mined: new thresholds re-mine without reading them again. */
let basketCache: { tables: readonly TableInfo[]; tx: Transactions } | null = null;

export async function loadRules(
  db: Db,
  tables: readonly TableInfo[],
  minSupport: number,
  minConfidence: number,
  runner: PatternsRunner,
  signal?: AbortSignal,
  onProgress?: OnProgress,
): Promise<RulesResult | null> {
  const src = basketSource(tables);
  if (!src) return null;
  const t0 = performance.now();
  const q = basketItemsSql(src.table.name, src.basket, src.item);
  if (basketCache?.tables !== tables) basketCache = { tables, tx: await fetchTransactions(db, q) };
  const { tx } = basketCache;
  // The worker takes these arrays (transferred, not cloned): it gets copies, the cache keeps its own.
  const sent = { ...tx, offsets: tx.offsets.slice(), codes: tx.codes.slice() };
  const mined = await runner.run<'rules'>({ type: 'rules', tx: sent, minSupport, minConfidence }, signal, onProgress);
  return { ...mined, table: src.table.name, ms: performance.now() - t0, sql: q.pairs };
}

/**
 * k-means on the behaviour of every customer who ordered (recency, orders,
 * spend, order value, tenure, from the order lines as of the last order; no
 * filters), k = `k` or the default of `pickK` (silhouette, preferring k ≥ 3); null with fewer than 10 such customers or
 * no orders table with a customer id and an order date.
 */
export async function loadClusters(
  db: Db,
  tables: readonly TableInfo[],
  lang: 'en' | 'zh',
  runner: PatternsRunner,
  signal?: AbortSignal,
  k?: number,
  onProgress?: OnProgress,
): Promise<ClustersResult | null> {
  const orders = tableOfKind(tables, 'orders');
  if (!orders?.roles.customer_id || !orders.roles.order_date) return null;
  const q = drilldownSql({ orders, customers: tableOfKind(tables, 'customers') }, { kind: 'filtered' });
  if (!q.ok) return null;
  // One numeric array per measure: a workspace can have a few hundred thousand customers, too many for row objects here.
  const res = await db.queryColumns(behaviourColumnsSql(q.sql));
  if (res.rows < 10) return null;
  const v = res.values;
  const behaviour: Behaviour = {
    ids: (v.customer_id as (string | null)[]).map(String),
    lastOrder: v.last_ms as Float64Array,
    firstOrder: v.first_ms as Float64Array,
    orders: v.orders as Float64Array,
    spend: v.revenue as Float64Array,
  };
  const clusters = await runner.run<'clusters'>({ type: 'clusters', behaviour, lang, ...(k !== undefined ? { k } : {}) }, signal, onProgress);
  return { ...clusters, sql: q.sql };
}

/** Revenue per period (net or gross of returns), Holt-Winters forecast with a 95 % interval, and a back-test on the last h periods. */
export async function loadForecast(
  db: Db,
  tables: readonly TableInfo[],
  grain: Grain,
  runner: PatternsRunner,
  signal?: AbortSignal,
  basis: Pick<Filters, 'revenue'> = {},
): Promise<ForecastResult | null> {
  const orders = tableOfKind(tables, 'orders');
  if (!orders?.roles.order_date || !hasRevenue(orders)) return null;
  const sql = seriesSql(orders, grain, 'revenue', basis);
  const series = readSeries((await db.query(sql)).rows);
  const forecast = await runner.run<'forecast'>({ type: 'forecast', series, grain }, signal);
  return forecast && { ...forecast, sql };
}
