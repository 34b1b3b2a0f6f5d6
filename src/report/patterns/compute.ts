/**
 * The pattern analyses' arithmetic, on compact inputs the database already
 * shaped: association rules on baskets, k-means on per-customer behaviour,
 * Holt-Winters on a revenue series. Pure and synchronous; run in the patterns
 * worker so the page keeps drawing while they compute.
 */
import { recommendationsByItem, ruleLabels, topRules, type Recommendation } from '../../metrics/recommend.ts';
import { mineRules, type RuleSet } from '../../metrics/rules.ts';
import type { Transactions } from '../../metrics/transactions.ts';
import { chooseK, type KScore } from '../../metrics/cluster.ts';
import { standardize, toMatrix } from '../../metrics/cluster-matrix.ts';
import { clusterProfiles, describeCluster } from '../../metrics/cluster-profile.ts';
import { backtest, seasonPeriod, type Accuracy, type Grain, type Series } from '../../metrics/forecast.ts';
import { fitHoltWinters, forecastHoltWinters } from '../../metrics/holt-winters.ts';
import type { ForecastChartData } from '../../charts/forecast/option.ts';

export interface RuleRow {
  lhs: string[];
  rhs: string;
  support: number;
  confidence: number;
  lift: number;
  count: number;
}

export interface MinedRules {
  baskets: number;
  items: number;
  totalRules: number;
  top: RuleRow[];
  /** Item → share of baskets holding it, for every item in `top`. */
  itemSupport: Map<string, number>;
  /** "Customers who bought X also bought …": per item with a one-item rule of lift above 1, its best recommendations. */
  recommendations: Map<string, Recommendation[]>;
  set: RuleSet;
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

/** Share of the work done (0–1), reported now and then while an analysis computes. */
export type OnProgress = (fraction: number) => void;

export function computeRules(tx: Transactions, minSupport: number, minConfidence: number, onProgress?: OnProgress): MinedRules {
  const set = mineRules(tx, { minSupport, minConfidence, maxRules: 50_000, onProgress });
  const top = topRules(set, 25, 'lift').map((r) => {
    const { lhs, rhs } = ruleLabels(set, r);
    return { lhs, rhs, support: r.support, confidence: r.confidence, lift: r.lift, count: r.count };
  });
  const itemSupport = new Map<string, number>();
  for (const r of top) for (const item of [...r.lhs, r.rhs]) itemSupport.set(item, set.itemCounts[set.items.indexOf(item)]! / Math.max(1, set.baskets));
  return { baskets: set.baskets, items: set.items.length, totalRules: set.totalRules, top, itemSupport, recommendations: liftedRecommendations(set), set };
}

export const CLUSTER_FEATURES = ['days_since_last_order', 'orders_total', 'spend_total', 'avg_order_value', 'days_since_first_order'] as const;

/** Per customer who ordered: behaviour as of the last order in the data, one array per measure. */
export interface Behaviour {
  ids: string[];
  /** Epoch milliseconds. */
  lastOrder: Float64Array;
  firstOrder: Float64Array;
  orders: Float64Array;
  spend: Float64Array;
}

export interface ClusterRow {
  cluster: number;
  size: number;
  share: number;
  /** In the language asked for (`lang`). */
  description: string;
  /** The same words in both languages, for a report written in the other one. */
  descriptions: { en: string; zh: string };
  means: Record<string, number>;
  /** The customers in it, for the drill-down. */
  ids: string[];
}

export interface Clusters {
  features: string[];
  scores: KScore[];
  k: number;
  /** The k shown by default (`pickK`); `k` differs when the user chose another. */
  suggested: number;
  clusters: ClusterRow[];
}

const DAY_MS = 86_400_000;

/** k-means on recency, orders, spend, order value and tenure for k = 2…8; the k shown is `k` when given, else `pickK`'s. */
export function computeClusters(b: Behaviour, lang: 'en' | 'zh', k?: number, onProgress?: OnProgress): Clusters {
  const n = b.ids.length;
  let asOf = -Infinity;
  for (let i = 0; i < n; i++) asOf = Math.max(asOf, b.lastOrder[i]!);
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) {
    const orders = b.orders[i]!;
    const spend = b.spend[i]!;
    rows.push([(asOf - b.lastOrder[i]!) / DAY_MS, orders, spend, orders > 0 ? spend / orders : 0, (asOf - b.firstOrder[i]!) / DAY_MS]);
  }
  const raw = toMatrix(rows);
  // Spend and counts are heavy-tailed: log1p before z-scores keeps a few big customers from owning a cluster.
  const scaled = standardize(raw, ['none', 'log1p', 'log1p', 'log1p', 'none']);
  const choice = chooseK(scaled.matrix, { kMin: 2, kMax: 8, seed: 1, ...(k !== undefined ? { pick: k } : {}), ...(onProgress ? { onProgress } : {}) });
  const profiles = clusterProfiles(raw, scaled.matrix, choice.best.labels, choice.best.k);
  const ids: string[][] = profiles.map(() => []);
  choice.best.labels.forEach((label, i) => ids[label]?.push(b.ids[i]!));
  return {
    features: [...CLUSTER_FEATURES],
    scores: choice.scores,
    k: choice.best.k,
    suggested: choice.suggested,
    clusters: profiles.map((p) => ({
      cluster: p.cluster,
      size: p.size,
      share: p.share,
      description: describeCluster(p, [...CLUSTER_FEATURES], lang),
      descriptions: { en: describeCluster(p, [...CLUSTER_FEATURES], 'en'), zh: describeCluster(p, [...CLUSTER_FEATURES], 'zh') },
      means: Object.fromEntries(CLUSTER_FEATURES.map((c, i) => [c, p.mean[i] ?? 0])),
      ids: ids[p.cluster] ?? [],
    })),
  };
}

export interface Forecasted {
  grain: Grain;
  chart: ForecastChartData;
  model: Accuracy;
  naive: Accuracy;
  period: number;
  h: number;
}

export const HORIZON: Record<Grain, number> = { day: 28, week: 12, month: 6, quarter: 4 };

/** Holt-Winters forecast with a 95 % interval, and a back-test on the last h periods; null when the series is too short. */
export function computeForecast(series: Series, grain: Grain): Forecasted | null {
  const y = series.values;
  const h = HORIZON[grain];
  if (y.length < 2 * h + 4) return null;
  const period = seasonPeriod(grain, y.length);
  const opts = { period, trend: true };
  const fc = forecastHoltWinters(fitHoltWinters(y, opts), h);
  const bt = backtest(y, h, opts);
  return {
    grain,
    period,
    h,
    model: bt.model,
    naive: bt.naive,
    chart: {
      periods: series.periods,
      actual: y,
      futurePeriods: futurePeriods(series.periods.at(-1)!, grain, h),
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
