import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import { demoWorkspace } from '../../src/demo/generate.ts';
import { Random } from '../../src/lib/random.ts';
import { assignClusters, chooseK, kmeans, pickK, silhouette } from '../../src/metrics/cluster.ts';
import { standardize, toMatrix, type Matrix } from '../../src/metrics/cluster-matrix.ts';
import { clusterProfiles, describeCluster, featureWords, type ClusterProfile } from '../../src/metrics/cluster-profile.ts';
import { rfmSql } from '../../src/metrics/rfm.ts';

/** Blobs around `centers` with unit noise, sizes 60, 90, 120, …; rows shuffled so order gives nothing away. */
function blobs(centers: number[][], seed: string): { x: Matrix; truth: number[] } {
  const rng = new Random(seed);
  const rows: { v: number[]; c: number }[] = [];
  centers.forEach((center, c) => {
    for (let i = 0; i < 60 + 30 * c; i++) rows.push({ v: center.map((m) => m + rng.normal(0, 1)), c });
  });
  rng.shuffle(rows);
  return { x: toMatrix(rows.map((r) => r.v)), truth: rows.map((r) => r.c) };
}

/** Found cluster → true cluster, when the two partitions are identical up to renaming; undefined otherwise. */
function matching(labels: ArrayLike<number>, truth: readonly number[]): Map<number, number> | undefined {
  const map = new Map<number, number>();
  const back = new Map<number, number>();
  for (let i = 0; i < truth.length; i++) {
    const l = labels[i]!;
    const t = truth[i]!;
    if ((map.has(l) && map.get(l) !== t) || (back.has(t) && back.get(t) !== l)) return undefined;
    map.set(l, t);
    back.set(t, l);
  }
  return map;
}

describe('standardize', () => {
  it('scales each column to mean 0 and population sd 1, constant columns to 0', () => {
    // Column 0: 1, 2, 3 → mean 2, sd √(2/3). Column 1: constant. Column 2 with log1p: e−1, e²−1, e³−1 → 1, 2, 3.
    const e = Math.E;
    const s = standardize(toMatrix([[1, 5, e - 1], [2, 5, e * e - 1], [3, 5, e ** 3 - 1]]), ['none', 'none', 'log1p']);
    const sd = Math.sqrt(2 / 3);
    expect([...s.mean]).toEqual([2, 5, expect.closeTo(2, 12)]);
    expect(s.sd[0]).toBeCloseTo(sd, 12);
    expect(s.sd[1]).toBe(0);
    const col = (j: number) => [0, 1, 2].map((i) => s.matrix.data[i * 3 + j]!);
    expect(col(0).map((v) => v * sd)).toEqual([-1, 0, 1].map((v) => expect.closeTo(v, 12)));
    expect(col(1)).toEqual([0, 0, 0]);
    expect(col(2).map((v) => v * sd)).toEqual([-1, 0, 1].map((v) => expect.closeTo(v, 12)));
  });

  it('refuses what it cannot scale, saying where, in both languages', () => {
    expect(() => toMatrix([[1, 2], [3, NaN]])).toThrow(/Row 2, feature 2[\s\S]*第 2 行第 2 个特征/);
    expect(() => standardize(toMatrix([[1], [-2]]), ['log1p'])).toThrow(/above −1[\s\S]*对数变换/);
    expect(() => toMatrix([[1, 2], [3]])).toThrow(/row 1 has 1 values/);
  });
});

describe('silhouette', () => {
  it('matches a hand computation', () => {
    // Points 0, 1 | 10, 12. Point 0: a = 1, b = (10 + 12)/2 = 11 → 10/11. Point 1: a = 1, b = 10 → 0.9.
    // Point 10: a = 2, b = (10 + 9)/2 = 9.5 → 7.5/9.5. Point 12: a = 2, b = 11.5 → 9.5/11.5.
    const x = toMatrix([[0], [1], [10], [12]]);
    const expected = (10 / 11 + 0.9 + 7.5 / 9.5 + 9.5 / 11.5) / 4;
    expect(silhouette(x, Int32Array.from([0, 0, 1, 1]))).toBeCloseTo(expected, 12);
    // Point 12 alone in its cluster scores 0. Points 0, 1, 10 together: a(0) = 5.5, b = 12 → 6.5/12;
    // a(1) = 5, b = 11 → 6/11; a(10) = 9.5, b = 2 → −7.5/9.5.
    const single = silhouette(x, Int32Array.from([0, 0, 0, 1]));
    expect(single).toBeCloseTo((6.5 / 12 + 6 / 11 - 7.5 / 9.5 + 0) / 4, 12);
    expect(silhouette(x, Int32Array.from([0, 0, 0, 0]))).toBeNaN();
  });
});

describe('pickK', () => {
  const scores = (sil: number[]) => sil.map((silhouette, i) => ({ k: i + 2, silhouette, inertia: 0 }));

  it('prefers the best k ≥ 3 within the tolerance of the best (the demo: k = 2 0.292, k = 4 0.237; CDNOW: k = 2 0.393, k = 3 0.299)', () => {
    expect(pickK(scores([0.292, 0.229, 0.237, 0.214, 0.213, 0.208, 0.209]))).toBe(4);
    expect(pickK(scores([0.393, 0.299, 0.292, 0.279, 0.285, 0.287, 0.285]))).toBe(3);
  });

  it('keeps k = 2 when every finer split is much worse, and the best when it is already ≥ 3', () => {
    expect(pickK(scores([0.6, 0.3, 0.25]))).toBe(2);
    expect(pickK(scores([0.3, 0.5, 0.4]))).toBe(3);
    expect(pickK(scores([0.3, 0.25, 0.25]))).toBe(3);
    expect(pickK(scores([0.3, 0.25]), { tolerance: 0.01 })).toBe(2);
    expect(pickK(scores([0.3]))).toBe(2);
  });
});

describe('k-means on blobs with known clusters', () => {
  const centers = [[0, 0, 0], [8, 0, 4], [0, 8, -4], [8, 8, 8]];
  const { x, truth } = blobs(centers, 'cluster-blobs');
  const z = standardize(x);

  it('picks k = 4 by silhouette and recovers every label exactly', () => {
    const choice = chooseK(z.matrix, { seed: 7 });
    expect(choice.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    const best = choice.scores.reduce((a, b) => (b.silhouette > a.silhouette ? b : a));
    expect(best.k).toBe(4);
    expect(choice.best.k).toBe(4);
    expect(best.silhouette).toBeGreaterThan(0.7);
    // Inertia falls with k, with the elbow at 4.
    const inertia = choice.scores.map((s) => s.inertia);
    for (let i = 1; i < inertia.length; i++) expect(inertia[i]!).toBeLessThan(inertia[i - 1]!);
    expect(inertia[1]! - inertia[2]!).toBeGreaterThan(5 * (inertia[2]! - inertia[3]!));
    const map = matching(choice.best.labels, truth);
    expect(map).toBeDefined();
    // Clusters are numbered by size: blob 3 (150 rows) is cluster 0, blob 0 (60) cluster 3.
    expect(choice.best.sizes).toEqual([150, 120, 90, 60]);
    expect([...map!.entries()].sort()).toEqual([[0, 3], [1, 2], [2, 1], [3, 0]]);
  });

  it('is deterministic for a seed, and assignClusters agrees with the labels', () => {
    const a = kmeans(z.matrix, { k: 4, seed: 3 });
    const b = kmeans(z.matrix, { k: 4, seed: 3 });
    expect(b.labels).toEqual(a.labels);
    expect(b.inertia).toBe(a.inertia);
    expect(assignClusters(z.matrix, a.centroids)).toEqual(a.labels);
  });

  it('fits on a sample above maxFitRows and still labels every row', () => {
    const choice = chooseK(z.matrix, { seed: 7, maxFitRows: 200, kMax: 5 });
    expect(choice.best.k).toBe(4);
    expect(choice.best.labels).toHaveLength(x.rows);
    expect(matching(choice.best.labels, truth)).toBeDefined();
  });

  it('profiles clusters in original units and in standard deviations', () => {
    const fit = kmeans(z.matrix, { k: 4, seed: 1 });
    const profiles = clusterProfiles(x, z.matrix, fit.labels, 4);
    expect(profiles.map((p) => p.size)).toEqual([150, 120, 90, 60]);
    expect(profiles.reduce((s, p) => s + p.share, 0)).toBeCloseTo(1, 12);
    // Cluster 0 is the blob at (8, 8, 8): means near it, above average on every feature.
    profiles[0]!.mean.forEach((m) => expect(m).toBeCloseTo(8, 0));
    profiles[0]!.z.forEach((v) => expect(v).toBeGreaterThan(0.5));
    // Size-weighted z-scores average to 0.
    for (let j = 0; j < 3; j++) expect(profiles.reduce((s, p) => s + p.share * p.z[j]!, 0)).toBeCloseTo(0, 10);
  });

  it('refuses more clusters than rows', () => {
    expect(() => kmeans(toMatrix([[1], [2]]), { k: 3 })).toThrow(/2 rows cannot form 3 clusters[\s\S]*无法分成 3 个簇/);
  });
});

describe('describeCluster', () => {
  const profile = (z: number[]): ClusterProfile => ({ cluster: 0, size: 1, share: 1, mean: z, z });
  const FEATURES = ['recency', 'frequency', 'monetary', 'tenure', 'avg_order_value'];

  it('names the strongest deviations, largest first, in English and Chinese', () => {
    const p = profile([-0.9, 1.2, 1.5, 0.2, -0.1]);
    expect(describeCluster(p, FEATURES, 'en')).toBe('high spend, frequent, recent');
    expect(describeCluster(p, FEATURES, 'zh')).toBe('高消费、高频、近期活跃');
    const lapsed = profile([1.8, -0.7, -0.6, 0.9, 0]);
    expect(describeCluster(lapsed, FEATURES, 'en')).toBe('lapsed, long-standing, infrequent');
    expect(describeCluster(lapsed, FEATURES, 'zh', { max: 2 })).toBe('久未购买、老客');
  });

  it('says when a cluster is average, and falls back to generic words for unknown features', () => {
    expect(describeCluster(profile([0.1, -0.2]), ['recency', 'frequency'], 'en')).toBe('close to average on every feature');
    expect(describeCluster(profile([0.1, -0.2]), ['recency', 'frequency'], 'zh')).toBe('各项指标接近平均');
    expect(describeCluster(profile([0.8]), ['visits'], 'en')).toBe('high visits');
    expect(describeCluster(profile([-0.8]), ['访问次数'], 'zh')).toBe('访问次数低');
    expect(featureWords('recency_days')).toBe(featureWords('recency'));
    // The columns of customer-features.ts read as the usual words.
    expect(featureWords('spend_total')).toBe(featureWords('monetary'));
    expect(featureWords('Days_since_first_order').zh).toEqual(['新客', '老客']);
  });
});

describe('clusters of the demo workspace (RFM + order value + tenure)', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openNodeDb();
  });
  afterAll(async () => db.close());

  it('finds a few segments with readable profiles', async () => {
    const csv = demoWorkspace();
    const orders = (await loadDelimited(db, { fileName: 'orders.csv', bytes: new TextEncoder().encode(csv.orders) })).table;
    const customers = (await loadDelimited(db, { fileName: 'customers.csv', bytes: new TextEncoder().encode(csv.customers) })).table;
    const rfm = await db.query(rfmSql({
      table: orders.name,
      columns: { customerId: 'customer_id', orderDate: 'order_date', amount: 'amount', orderId: 'order_id' },
      asOf: '2025-12-31',
      types: { orderDate: 'DATE', amount: 'DOUBLE' },
    }));
    const signups = await db.query(`SELECT customer_id, signup_date FROM ${customers.name}`);
    const signup = new Map(signups.rows.map((r) => [String(r.customer_id), Date.parse(String(r.signup_date))]));
    const end = Date.parse('2025-12-31');
    const features = ['recency', 'frequency', 'monetary', 'avg_order_value', 'tenure'];
    const raw = toMatrix(rfm.rows.map((r) => {
      const f = Number(r.frequency);
      const m = Number(r.monetary);
      return [Number(r.recency_days), f, m, m / f, (end - signup.get(String(r.customer_id))!) / 86_400_000];
    }));
    const z = standardize(raw, ['log1p', 'log1p', 'log1p', 'log1p', 'none']);

    const t0 = performance.now();
    const choice = chooseK(z.matrix, { seed: 1 });
    const ms = performance.now() - t0;
    const profiles = clusterProfiles(raw, z.matrix, choice.best.labels, choice.best.k);
    const lines = profiles.map((p) => `  #${p.cluster} ${(p.share * 100).toFixed(0)}%: ${describeCluster(p, features, 'en')} / ${describeCluster(p, features, 'zh')}`);
    console.log(
      `[metrics-cluster] demo: ${raw.rows} customers, k 2–8 in ${ms.toFixed(0)} ms; ` +
        choice.scores.map((s) => `k=${s.k} sil ${s.silhouette.toFixed(3)} inertia ${s.inertia.toFixed(0)}`).join(', ') +
        `\n${lines.join('\n')}`,
    );

    expect(raw.rows).toBeGreaterThan(1500);
    // k = 2 has the best silhouette here, but the default is a finer split close to it (pickK).
    expect(choice.best.k).toBeGreaterThanOrEqual(3);
    expect(choice.best.k).toBe(choice.suggested);
    expect(choice.best.k).toBeLessThanOrEqual(8);
    expect(choice.scores.find((s) => s.k === choice.best.k)!.silhouette).toBeGreaterThan(0.2);
    expect(profiles.reduce((s, p) => s + p.size, 0)).toBe(raw.rows);
    // The biggest spenders' cluster is also the most frequent one, and its words say so.
    const spend = [...profiles].sort((a, b) => b.z[2]! - a.z[2]!)[0]!;
    expect(describeCluster(spend, features, 'en')).toContain('high spend');
    expect(describeCluster(spend, features, 'zh')).toContain('高消费');
    expect(spend.mean[2]).toBeGreaterThan(profiles.reduce((s, p) => s + p.share * p.mean[2]!, 0));
    // Same seed, same answer.
    expect(chooseK(z.matrix, { seed: 1 }).best.labels).toEqual(choice.best.labels);
  });
});
