/**
 * Runs the pattern analyses (association rules, clustering, forecast) for the
 * analytics page: SQL in DuckDB for the heavy lifting, then the pure miners in
 * src/metrics on the compact results.
 */
import type { Db } from '../db/types.ts';
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import { basketItemsSql, fetchTransactions, mineRules, topRules, ruleLabels, type RuleSet } from '../metrics/rules.ts';
import { chooseK, clusterProfiles, describeCluster, standardize, toMatrix, type KScore } from '../metrics/cluster.ts';
import { backtest, fitHoltWinters, forecastHoltWinters, readSeries, seasonPeriod, seriesSql, type Accuracy, type Grain } from '../metrics/forecast.ts';
import { CUSTOMER_FEATURES_VIEW } from '../metrics/customer-features.ts';
import { ident } from '../lib/sql.ts';
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
  ms: number;
  sql: string;
  set: RuleSet;
}

/** The table and columns that hold baskets: orders with an order id (or basket id) and a product. */
export function basketSource(tables: readonly TableInfo[]): { table: TableInfo; basket: string; item: string } | undefined {
  for (const t of tables) {
    const basket = t.roles.order_id;
    const item = t.roles.product ?? t.roles.category;
    if (basket && item) return { table: t, basket, item };
  }
  return undefined;
}

export async function loadRules(db: Db, tables: readonly TableInfo[], minSupport: number, minConfidence: number): Promise<RulesResult | null> {
  const src = basketSource(tables);
  if (!src) return null;
  const t0 = performance.now();
  const q = basketItemsSql(src.table.name, src.basket, src.item);
  const tx = await fetchTransactions(db, q);
  const set = mineRules(tx, { minSupport, minConfidence, maxRules: 50_000 });
  const top = topRules(set, 25, 'lift').map((r) => {
    const { lhs, rhs } = ruleLabels(set, r);
    return { lhs, rhs, support: r.support, confidence: r.confidence, lift: r.lift, count: r.count };
  });
  return { table: src.table.name, baskets: set.baskets, items: set.items.length, totalRules: set.totalRules, top, ms: performance.now() - t0, sql: q.pairs, set };
}

const CLUSTER_FEATURES = ['days_since_last_order', 'orders_total', 'spend_total', 'avg_order_value', 'days_since_first_order'] as const;

export interface ClusterRow {
  cluster: number;
  size: number;
  share: number;
  description: string;
  means: Record<string, number>;
}

export interface ClustersResult {
  features: string[];
  scores: KScore[];
  k: number;
  clusters: ClusterRow[];
  sql: string;
}

/** k-means on the behaviour view (customers who ordered), k chosen by silhouette. */
export async function loadClusters(db: Db, tables: readonly TableInfo[], lang: 'en' | 'zh'): Promise<ClustersResult | null> {
  if (!tables.some((t) => t.name === CUSTOMER_FEATURES_VIEW)) return null;
  const cols = CLUSTER_FEATURES.map((c) => ident(c)).join(', ');
  const sql = `SELECT ${cols} FROM ${ident(CUSTOMER_FEATURES_VIEW)} WHERE orders_total > 0 AND days_since_last_order IS NOT NULL`;
  const r = await db.query(sql);
  if (r.rows.length < 10) return null;
  const raw = toMatrix(r.rows.map((row) => CLUSTER_FEATURES.map((c) => Number(row[c] ?? 0))));
  // Spend and counts are heavy-tailed: log1p before z-scores keeps a few big customers from owning a cluster.
  const scaled = standardize(raw, ['none', 'log1p', 'log1p', 'log1p', 'none']);
  const choice = chooseK(scaled.matrix, { kMin: 2, kMax: 6, seed: 1 });
  const profiles = clusterProfiles(raw, scaled.matrix, choice.best.labels, choice.best.k);
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
    })),
    sql,
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
  if (!orders?.roles.order_date || !orders.roles.amount) return null;
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
      mean: fc.mean,
      lower: fc.lower,
      upper: fc.upper,
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
