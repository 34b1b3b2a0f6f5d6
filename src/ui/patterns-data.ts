/**
 * Runs the pattern analyses (association rules, clustering, forecast) for the
 * analytics page: SQL in DuckDB for the heavy lifting, then the pure miners in
 * src/metrics on the compact results.
 */
import { hasRevenue } from '../metrics/measures.ts';
import type { Db } from '../db/types.ts';
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import { basketItemsSql, fetchTransactions, mineRules, recommendationsByItem, topRules, ruleLabels, type Recommendation, type RuleSet, type Transactions } from '../metrics/rules.ts';
import { chooseK, clusterProfiles, describeCluster, standardize, toMatrix, type KScore } from '../metrics/cluster.ts';
import { backtest, fitHoltWinters, forecastHoltWinters, readSeries, seasonPeriod, seriesSql, type Accuracy, type Grain } from '../metrics/forecast.ts';
import { drilldownSql } from '../metrics/drilldown.ts';
import type { ForecastChartData } from '../charts/forecast/option.ts';

export interface RuleRow {
  lhs: string[];
  rhs: string;
  support: number;
  confidence: number;
  lift: number;
  count: number;
}

export interface RulesResult {
  table: string;
  baskets: number;
  items: number;
  totalRules: number;
  top: RuleRow[];
  /** Item → share of baskets holding it, for every item in `top`. */
  itemSupport: Map<string, number>;
  /** "Customers who bought X also bought …": per item with a one-item rule of lift above 1, its best recommendations. */
  recommendations: Map<string, Recommendation[]>;
  /** Milliseconds from the click to the rules (reading the baskets, the first time, and mining). */
  ms: number;
  sql: string;
  set: RuleSet;
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

/**
 * Per item, what its buyers also buy: only items bought more often with it
 * than without (lift above 1; a confident rule towards an item everybody buys
 * can have lift below 1), best five by lift; items with none are left out.
 */
function liftedRecommendations(set: RuleSet): Map<string, Recommendation[]> {
  const out = new Map<string, Recommendation[]>();
  for (const [item, recs] of recommendationsByItem(set, { limit: 5 })) {
    const lifted = recs.filter((r) => r.rule.lift > 1);
    if (lifted.length) out.set(item, lifted);
  }
  return out;
}

/** The baskets of the last workspace mined: new thresholds re-mine without reading them again. */
let basketCache: { tables: readonly TableInfo[]; tx: Transactions } | null = null;

export async function loadRules(db: Db, tables: readonly TableInfo[], minSupport: number, minConfidence: number): Promise<RulesResult | null> {
  const src = basketSource(tables);
  if (!src) return null;
  const t0 = performance.now();
  const q = basketItemsSql(src.table.name, src.basket, src.item);
  if (basketCache?.tables !== tables) basketCache = { tables, tx: await fetchTransactions(db, q) };
  const set = mineRules(basketCache.tx, { minSupport, minConfidence, maxRules: 50_000 });
  const top = topRules(set, 25, 'lift').map((r) => {
    const { lhs, rhs } = ruleLabels(set, r);
    return { lhs, rhs, support: r.support, confidence: r.confidence, lift: r.lift, count: r.count };
  });
  const itemSupport = new Map<string, number>();
  for (const r of top) for (const item of [...r.lhs, r.rhs]) itemSupport.set(item, set.itemCounts[set.items.indexOf(item)]! / Math.max(1, set.baskets));
  return {
    table: src.table.name,
    baskets: set.baskets,
    items: set.items.length,
    totalRules: set.totalRules,
    top,
    itemSupport,
    recommendations: liftedRecommendations(set),
    ms: performance.now() - t0,
    sql: q.pairs,
    set,
  };
}

const CLUSTER_FEATURES = ['days_since_last_order', 'orders_total', 'spend_total', 'avg_order_value', 'days_since_first_order'] as const;

export interface ClusterRow {
  cluster: number;
  size: number;
  share: number;
  description: string;
  means: Record<string, number>;
  /** The customers in it, for the drill-down. */
  ids: string[];
}

export interface ClustersResult {
  features: string[];
  scores: KScore[];
  k: number;
  clusters: ClusterRow[];
  sql: string;
}

const DAY_MS = 86_400_000;

/**
 * k-means on the behaviour of every customer who ordered (recency, orders,
 * spend, order value, tenure, from the order lines as of the last order; no
 * filters), k chosen by silhouette; null with fewer than 10 such customers or
 * no orders table with a customer id and an order date.
 */
export async function loadClusters(db: Db, tables: readonly TableInfo[], lang: 'en' | 'zh'): Promise<ClustersResult | null> {
  const orders = tableOfKind(tables, 'orders');
  if (!orders?.roles.customer_id || !orders.roles.order_date) return null;
  const q = drilldownSql({ orders, customers: tableOfKind(tables, 'customers') }, { kind: 'filtered' });
  if (!q.ok) return null;
  const rows = (await db.query(q.sql)).rows.filter((r) => typeof r.last_order === 'string' && typeof r.first_order === 'string');
  if (rows.length < 10) return null;
  const asOf = rows.reduce((m, r) => Math.max(m, Date.parse(String(r.last_order))), -Infinity);
  const raw = toMatrix(
    rows.map((r) => {
      const orders = Number(r.orders);
      const spend = Number(r.revenue ?? 0);
      return [(asOf - Date.parse(String(r.last_order))) / DAY_MS, orders, spend, orders > 0 ? spend / orders : 0, (asOf - Date.parse(String(r.first_order))) / DAY_MS];
    }),
  );
  // Spend and counts are heavy-tailed: log1p before z-scores keeps a few big customers from owning a cluster.
  const scaled = standardize(raw, ['none', 'log1p', 'log1p', 'log1p', 'none']);
  const choice = chooseK(scaled.matrix, { kMin: 2, kMax: 6, seed: 1 });
  const profiles = clusterProfiles(raw, scaled.matrix, choice.best.labels, choice.best.k);
  const ids: string[][] = profiles.map(() => []);
  choice.best.labels.forEach((label, i) => ids[label]?.push(String(rows[i]!.customer_id)));
  return {
    features: [...CLUSTER_FEATURES],
    scores: choice.scores,
    k: choice.best.k,
    clusters: profiles.map((p) => ({
      cluster: p.cluster,
      size: p.size,
      share: p.share,
      description: describeCluster(p, [...CLUSTER_FEATURES], lang),
      means: Object.fromEntries(CLUSTER_FEATURES.map((c, i) => [c, p.mean[i] ?? 0])),
      ids: ids[p.cluster] ?? [],
    })),
    sql: q.sql,
  };
}

export interface ForecastResult {
  grain: Grain;
  chart: ForecastChartData;
  model: Accuracy;
  naive: Accuracy;
  period: number;
  h: number;
  sql: string;
}

const HORIZON: Record<Grain, number> = { day: 28, week: 12, month: 6, quarter: 4 };

/** Revenue per period, Holt-Winters forecast with a 95 % interval, and a back-test on the last h periods. */
export async function loadForecast(db: Db, tables: readonly TableInfo[], grain: Grain): Promise<ForecastResult | null> {
  const orders = tableOfKind(tables, 'orders');
  if (!orders?.roles.order_date || !hasRevenue(orders)) return null;
  const sql = seriesSql(orders, grain, 'revenue');
  const series = readSeries((await db.query(sql)).rows);
  const y = series.values;
  const h = HORIZON[grain];
  if (y.length < 2 * h + 4) return null;
  const period = seasonPeriod(grain, y.length);
  const opts = { period, trend: true };
  const fit = fitHoltWinters(y, opts);
  const fc = forecastHoltWinters(fit, h);
  const bt = backtest(y, h, opts);
  const lastPeriod = series.periods.at(-1)!;
  return {
    grain,
    period,
    h,
    sql,
    model: bt.model,
    naive: bt.naive,
    chart: {
      periods: series.periods,
      actual: y,
      futurePeriods: futurePeriods(lastPeriod, grain, h),
      // Revenue is never negative: a wide interval (or a falling trend) is cut at zero rather than drawn below it.
      mean: fc.mean.map((v) => Math.max(0, v)),
      lower: fc.lower.map((v) => Math.max(0, v)),
      upper: fc.upper.map((v) => Math.max(0, v)),
    },
  };
}

function futurePeriods(last: string, grain: Grain, h: number): string[] {
  const d = new Date(`${last}T00:00:00Z`);
  const out: string[] = [];
  for (let i = 1; i <= h; i++) {
    const x = new Date(d);
    if (grain === 'day') x.setUTCDate(x.getUTCDate() + i);
    else if (grain === 'week') x.setUTCDate(x.getUTCDate() + 7 * i);
    else if (grain === 'month') x.setUTCMonth(x.getUTCMonth() + i);
    else x.setUTCMonth(x.getUTCMonth() + 3 * i);
    out.push(x.toISOString().slice(0, 10));
  }
  return out;
}
