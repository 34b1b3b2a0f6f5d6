/**
 * What each customer segment is (cluster.ts fits them): size, share and
 * feature means per cluster, and a sentence in English and Chinese naming
 * the features where it stands out. Pure.
 */
import type { Matrix } from './cluster-matrix.ts';

export interface ClusterProfile {
  cluster: number;
  size: number;
  /** size / all rows. */
  share: number;
  /** Mean of each feature in its original units. */
  mean: number[];
  /** Mean of each standardised feature: how many standard deviations the cluster sits from everyone (after the feature's transform). */
  z: number[];
}

/**
 * Per cluster: size, share, feature means in original units (`raw`) and in
 * standard deviations from the overall mean (`scaled`, the matrix the
 * clusters were fitted on).
 */
export function clusterProfiles(raw: Matrix, scaled: Matrix, labels: Int32Array, k: number): ClusterProfile[] {
  const { rows, cols } = raw;
  const sum = new Float64Array(k * cols);
  const zsum = new Float64Array(k * cols);
  const size = new Array<number>(k).fill(0);
  for (let i = 0; i < rows; i++) {
    const c = labels[i]!;
    size[c]!++;
    for (let j = 0; j < cols; j++) {
      sum[c * cols + j]! += raw.data[i * cols + j]!;
      zsum[c * cols + j]! += scaled.data[i * cols + j]!;
    }
  }
  return size.map((n, c) => ({
    cluster: c,
    size: n,
    share: rows > 0 ? n / rows : 0,
    mean: Array.from({ length: cols }, (_, j) => (n > 0 ? sum[c * cols + j]! / n : NaN)),
    z: Array.from({ length: cols }, (_, j) => (n > 0 ? zsum[c * cols + j]! / n : NaN)),
  }));
}

/** Words for a feature's low and high side. */
export interface FeatureWords {
  en: readonly [low: string, high: string];
  zh: readonly [low: string, high: string];
}

/** Words for the usual behaviour features. Recency is days since the last order: low is good. */
export const FEATURE_WORDS: Readonly<Record<string, FeatureWords>> = {
  recency: { en: ['recent', 'lapsed'], zh: ['近期活跃', '久未购买'] },
  frequency: { en: ['infrequent', 'frequent'], zh: ['低频', '高频'] },
  monetary: { en: ['low spend', 'high spend'], zh: ['低消费', '高消费'] },
  tenure: { en: ['new', 'long-standing'], zh: ['新客', '老客'] },
  avg_order_value: { en: ['small orders', 'large orders'], zh: ['客单价低', '客单价高'] },
  tickets: { en: ['few support tickets', 'many support tickets'], zh: ['工单少', '工单多'] },
  satisfaction: { en: ['less satisfied', 'satisfied'], zh: ['满意度低', '满意度高'] },
};

/** Other names for the same features, including the columns of customer-features.ts. */
const ALIASES: Readonly<Record<string, string>> = {
  recency_days: 'recency', days_since_last_order: 'recency', orders: 'frequency', order_count: 'frequency',
  orders_total: 'frequency', spend: 'monetary', spend_total: 'monetary', revenue: 'monetary', monetary_total: 'monetary',
  tenure_days: 'tenure', days_since_first_order: 'tenure', aov: 'avg_order_value', tickets_total: 'tickets',
  avg_satisfaction: 'satisfaction',
};

/** Words for a feature name: the built-in ones (or an alias of them), else "low/high <name>" and "<name>低/高". */
export function featureWords(name: string): FeatureWords {
  const key = name.trim().toLowerCase();
  const known = FEATURE_WORDS[key] ?? FEATURE_WORDS[ALIASES[key] ?? ''];
  return known ?? { en: [`low ${name}`, `high ${name}`], zh: [`${name}低`, `${name}高`] };
}

export interface DescribeOptions {
  /** A feature is mentioned when its |z| is at least this; default 0.5. */
  threshold?: number;
  /** Most features mentioned; default 3. */
  max?: number;
}

/**
 * A cluster in plain words: the features whose cluster mean lies at least
 * `threshold` standard deviations from everyone's, largest |z| first, each as
 * its low or high word ("high spend, frequent, recent" / "高消费、高频、近期活跃");
 * "close to average on every feature" / "各项指标接近平均" when none does.
 */
export function describeCluster(profile: ClusterProfile, features: readonly (string | FeatureWords)[], lang: 'en' | 'zh', opts: DescribeOptions = {}): string {
  const threshold = opts.threshold ?? 0.5;
  const words = features.map((f) => (typeof f === 'string' ? featureWords(f) : f));
  const picked = profile.z
    .map((z, j) => ({ z, j }))
    .filter(({ z, j }) => Math.abs(z) >= threshold && words[j] !== undefined)
    .sort((a, b) => Math.abs(b.z) - Math.abs(a.z) || a.j - b.j)
    .slice(0, opts.max ?? 3)
    .map(({ z, j }) => words[j]![lang][z > 0 ? 1 : 0]);
  if (picked.length === 0) return lang === 'zh' ? '各项指标接近平均' : 'close to average on every feature';
  return picked.join(lang === 'zh' ? '、' : ', ');
}
