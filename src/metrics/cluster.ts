/**
 * Customer segments by k-means on behaviour features (recency, frequency,
 * spend, tenure, order value…), taken as a standardised matrix
 * (cluster-matrix.ts): fit k-means (k-means++ start, seeded, several
 * restarts) for each k and pick k by silhouette; cluster-profile.ts says what
 * each cluster is. Pure TypeScript with no DOM, so it runs in a worker.
 */
import { Random } from '../lib/random.ts';
import { clusterInputError as inputError, type Matrix } from './cluster-matrix.ts';

export interface KMeansOptions {
  k: number;
  /** Default 1. */
  seed?: number;
  /** Independent k-means++ starts; the lowest inertia wins. Default 8. */
  restarts?: number;
  /** Lloyd iterations per start; default 300. */
  maxIter?: number;
  /** Stop when no centroid moves more than this (squared distance); default 1e-10. */
  tol?: number;
}

export interface KMeansResult {
  k: number;
  /** Cluster of each row, 0…k−1, numbered by size (0 is the largest; ties by first row). */
  labels: Int32Array;
  /** k × cols. */
  centroids: Matrix;
  /** Rows per cluster. */
  sizes: number[];
  /** Sum of squared distances from each row to its centroid. */
  inertia: number;
  /** Lloyd iterations of the winning start. */
  iterations: number;
}

function sqDist(a: Float64Array, ai: number, b: Float64Array, bi: number, cols: number): number {
  let s = 0;
  for (let j = 0; j < cols; j++) {
    const d = a[ai + j]! - b[bi + j]!;
    s += d * d;
  }
  return s;
}

/** k-means++ seeding: the first centre uniformly, each next one with probability ∝ squared distance to the nearest chosen centre. */
function seedPlusPlus(x: Matrix, k: number, rng: Random): Float64Array {
  const { rows, cols, data } = x;
  const centers = new Float64Array(k * cols);
  const first = rng.int(0, rows - 1);
  centers.set(data.subarray(first * cols, first * cols + cols), 0);
  const d2 = new Float64Array(rows);
  for (let i = 0; i < rows; i++) d2[i] = sqDist(data, i * cols, centers, 0, cols);
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let i = 0; i < rows; i++) total += d2[i]!;
    // All rows sit on chosen centres: any row will do.
    let pick = rows - 1;
    if (total > 0) {
      let u = rng.float() * total;
      for (let i = 0; i < rows; i++) {
        u -= d2[i]!;
        if (u < 0) {
          pick = i;
          break;
        }
      }
    } else {
      pick = rng.int(0, rows - 1);
    }
    centers.set(data.subarray(pick * cols, pick * cols + cols), c * cols);
    for (let i = 0; i < rows; i++) d2[i] = Math.min(d2[i]!, sqDist(data, i * cols, centers, c * cols, cols));
  }
  return centers;
}

/** Nearest centre of each row; returns the inertia. */
function assign(x: Matrix, centers: Float64Array, k: number, labels: Int32Array, dist: Float64Array): number {
  const { rows, cols, data } = x;
  let inertia = 0;
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < k; c++) {
      const d = sqDist(data, i * cols, centers, c * cols, cols);
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    labels[i] = best;
    dist[i] = bestD;
    inertia += bestD;
  }
  return inertia;
}

function lloyd(x: Matrix, k: number, rng: Random, maxIter: number, tol: number): { labels: Int32Array; centers: Float64Array; inertia: number; iterations: number } {
  const { rows, cols, data } = x;
  const centers = seedPlusPlus(x, k, rng);
  const labels = new Int32Array(rows);
  const dist = new Float64Array(rows);
  const sums = new Float64Array(k * cols);
  const counts = new Int32Array(k);
  let inertia = assign(x, centers, k, labels, dist);
  let iterations = 0;
  while (iterations < maxIter) {
    iterations++;
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < rows; i++) {
      const c = labels[i]!;
      counts[c]!++;
      for (let j = 0; j < cols; j++) sums[c * cols + j]! += data[i * cols + j]!;
    }
    let shift = 0;
    for (let c = 0; c < k; c++) {
      if (counts[c] === 0) {
        // An empty cluster takes the row farthest from its centre.
        let far = 0;
        for (let i = 1; i < rows; i++) if (dist[i]! > dist[far]!) far = i;
        for (let j = 0; j < cols; j++) sums[c * cols + j] = data[far * cols + j]!;
        counts[c] = 1;
        dist[far] = 0;
      }
      let moved = 0;
      for (let j = 0; j < cols; j++) {
        const v = sums[c * cols + j]! / counts[c]!;
        moved += (v - centers[c * cols + j]!) ** 2;
        centers[c * cols + j] = v;
      }
      shift = Math.max(shift, moved);
    }
    inertia = assign(x, centers, k, labels, dist);
    if (shift <= tol) break;
  }
  return { labels, centers, inertia, iterations };
}

/** Renumber clusters by size (largest first, ties by the first row in each). */
function bySize(labels: Int32Array, centers: Float64Array, k: number, cols: number): { labels: Int32Array; centers: Float64Array; sizes: number[] } {
  const sizes = new Array<number>(k).fill(0);
  const first = new Array<number>(k).fill(Infinity);
  labels.forEach((c, i) => {
    sizes[c]!++;
    if (first[c] === Infinity) first[c] = i;
  });
  const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => sizes[b]! - sizes[a]! || first[a]! - first[b]!);
  const newOf = new Int32Array(k);
  order.forEach((old, c) => (newOf[old] = c));
  const out = new Float64Array(k * cols);
  order.forEach((old, c) => out.set(centers.subarray(old * cols, old * cols + cols), c * cols));
  return { labels: labels.map((c) => newOf[c]!), centers: out, sizes: order.map((old) => sizes[old]!) };
}

/**
 * k-means (Lloyd's algorithm) minimising the sum of squared Euclidean distances
 * from rows to their cluster mean, from `restarts` k-means++ starts drawn from
 * `seed`; the start with the lowest inertia wins. Deterministic for a seed.
 */
export function kmeans(x: Matrix, opts: KMeansOptions): KMeansResult {
  const { k } = opts;
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`kmeans: k must be a positive integer, got ${k}`);
  if (x.rows < k) {
    throw inputError(`${x.rows} rows cannot form ${k} clusters; use fewer clusters or more customers.`, `${x.rows} 行数据无法分成 ${k} 个簇；请减少簇数或增加客户。`);
  }
  const rng = new Random(opts.seed ?? 1);
  const restarts = Math.max(1, opts.restarts ?? 8);
  let best: ReturnType<typeof lloyd> | undefined;
  for (let r = 0; r < restarts; r++) {
    const run = lloyd(x, k, rng.fork('kmeans', k, r), opts.maxIter ?? 300, opts.tol ?? 1e-10);
    if (!best || run.inertia < best.inertia) best = run;
  }
  const sorted = bySize(best!.labels, best!.centers, k, x.cols);
  return {
    k,
    labels: sorted.labels,
    centroids: { rows: k, cols: x.cols, data: sorted.centers },
    sizes: sorted.sizes,
    inertia: best!.inertia,
    iterations: best!.iterations,
  };
}

/** Nearest centroid of each row. */
export function assignClusters(x: Matrix, centroids: Matrix): Int32Array {
  const labels = new Int32Array(x.rows);
  assign(x, centroids.data, centroids.rows, labels, new Float64Array(x.rows));
  return labels;
}

/** Up to `size` distinct row indices, ascending, drawn with `seed`; all rows when there are no more. */
function sampleRows(rows: number, size: number, seed: number): Int32Array {
  if (rows <= size) return Int32Array.from({ length: rows }, (_, i) => i);
  const idx = Int32Array.from({ length: rows }, (_, i) => i);
  const rng = new Random(seed);
  for (let i = 0; i < size; i++) {
    const j = rng.int(i, rows - 1);
    const t = idx[i]!;
    idx[i] = idx[j]!;
    idx[j] = t;
  }
  return idx.slice(0, size).sort();
}

function subset(x: Matrix, rows: Int32Array): Matrix {
  const data = new Float64Array(rows.length * x.cols);
  rows.forEach((r, i) => data.set(x.data.subarray(r * x.cols, r * x.cols + x.cols), i * x.cols));
  return { rows: rows.length, cols: x.cols, data };
}

/**
 * Mean silhouette: for each row i, a = mean distance to the other rows of its
 * cluster, b = smallest mean distance to the rows of another cluster,
 * s = (b − a) / max(a, b), and s = 0 for a row alone in its cluster
 * (Rousseeuw 1987; as scikit-learn). Euclidean distance. Above `sampleSize`
 * rows (default 3,000) it is the silhouette of a seeded random sample of that
 * many rows, as scikit-learn's `sample_size`. NaN with fewer than 2 clusters.
 */
export function silhouette(x: Matrix, labels: Int32Array, opts: { sampleSize?: number; seed?: number } = {}): number {
  const pick = sampleRows(x.rows, opts.sampleSize ?? 3000, opts.seed ?? 1);
  const n = pick.length;
  let k = 0;
  for (const i of pick) k = Math.max(k, labels[i]! + 1);
  const sizes = new Int32Array(k);
  for (const i of pick) sizes[labels[i]!]!++;
  if ([...sizes].filter((s) => s > 0).length < 2) return NaN;
  const { cols, data } = x;
  const sum = new Float64Array(k);
  let total = 0;
  for (let a = 0; a < n; a++) {
    const i = pick[a]!;
    const li = labels[i]!;
    sum.fill(0);
    for (let b = 0; b < n; b++) {
      if (b === a) continue;
      const j = pick[b]!;
      sum[labels[j]!]! += Math.sqrt(sqDist(data, i * cols, data, j * cols, cols));
    }
    if (sizes[li]! <= 1) continue;
    const ai = sum[li]! / (sizes[li]! - 1);
    let bi = Infinity;
    for (let c = 0; c < k; c++) if (c !== li && sizes[c]! > 0) bi = Math.min(bi, sum[c]! / sizes[c]!);
    const m = Math.max(ai, bi);
    total += m > 0 ? (bi - ai) / m : 0;
  }
  return total / n;
}

export interface ChooseKOptions {
  /** Default 2 and 8. */
  kMin?: number;
  /** Called after each k is fitted and scored, with the share of the ks done (0–1). */
  onProgress?: (fraction: number) => void;
  kMax?: number;
  seed?: number;
  restarts?: number;
  /** Rows the silhouette is measured on; default 3,000. */
  silhouetteSample?: number;
  /**
   * Above this many rows (default 50,000) each k is fitted on a seeded sample
   * of this many, and the winning centroids then label every row.
   */
  maxFitRows?: number;
  /**
   * Which k to return from the scores: a fixed k in kMin…kMax (the user's
   * choice), or a rule; default `pickK`.
   */
  pick?: number | ((scores: readonly KScore[]) => number);
}

/** One k tried: silhouette (higher is better) and inertia (the elbow curve). */
export interface KScore {
  k: number;
  silhouette: number;
  inertia: number;
}

export interface ClusterChoice {
  /** The fit of the chosen k (by default `pickK`), labelling every row. */
  best: KMeansResult;
  scores: KScore[];
  /** The k `pickK` suggests, whatever `pick` asked for. */
  suggested: number;
}

/** Default for `pickK`: a k ≥ 3 may score this much lower (absolute silhouette) than the best and still be preferred. */
export const K_TOLERANCE = 0.1;

/**
 * The k to show by default. k = 2 (the best silhouette on most customer data:
 * big spenders vs the rest) is too coarse to act on, so the best k ≥ `minK`
 * wins when its silhouette is within `tolerance` of the best overall; else the
 * best overall. Ties go to the smaller k.
 */
export function pickK(scores: readonly KScore[], opts: { minK?: number; tolerance?: number } = {}): number {
  if (scores.length === 0) throw new Error('pickK: no scores');
  const better = (a: KScore, b: KScore) => (b.silhouette > a.silhouette || (b.silhouette === a.silhouette && b.k < a.k) ? b : a);
  const best = scores.reduce(better);
  const wide = scores.filter((s) => s.k >= (opts.minK ?? 3));
  if (wide.length === 0) return best.k;
  const bestWide = wide.reduce(better);
  return bestWide.silhouette >= best.silhouette - (opts.tolerance ?? K_TOLERANCE) ? bestWide.k : best.k;
}

/**
 * k-means for each k in kMin…kMax on `x` (already standardised), each scored
 * by mean silhouette; the fit returned is the k `opts.pick` names (default
 * `pickK`). Inertia is reported beside it for an elbow chart. Deterministic for a seed.
 */
export function chooseK(x: Matrix, opts: ChooseKOptions = {}): ClusterChoice {
  const kMin = Math.max(2, opts.kMin ?? 2);
  const kMax = Math.min(opts.kMax ?? 8, x.rows - 1);
  if (kMax < kMin) {
    throw inputError(`Clustering needs at least ${kMin + 1} rows; got ${x.rows}.`, `聚类至少需要 ${kMin + 1} 行数据，当前只有 ${x.rows} 行。`);
  }
  const seed = opts.seed ?? 1;
  const fitRows = sampleRows(x.rows, opts.maxFitRows ?? 50_000, seed ^ 0x5f3759df);
  const fitX = fitRows.length === x.rows ? x : subset(x, fitRows);
  const scores: KScore[] = [];
  const fits = new Map<number, KMeansResult>();
  for (let k = kMin; k <= kMax; k++) {
    const fit = kmeans(fitX, { k, seed, ...(opts.restarts !== undefined ? { restarts: opts.restarts } : {}) });
    const s = silhouette(fitX, fit.labels, { sampleSize: opts.silhouetteSample ?? 3000, seed });
    scores.push({ k, silhouette: s, inertia: fit.inertia });
    fits.set(k, fit);
    opts.onProgress?.((k - kMin + 1) / (kMax - kMin + 1));
  }
  const suggested = pickK(scores);
  const wanted = opts.pick === undefined ? suggested : typeof opts.pick === 'number' ? opts.pick : opts.pick(scores);
  let fit = fits.get(wanted) ?? fits.get(suggested)!;
  if (fitX !== x) {
    const labels = assignClusters(x, fit.centroids);
    const dist = new Float64Array(x.rows);
    const inertia = assign(x, fit.centroids.data, fit.k, labels, dist);
    const sorted = bySize(labels, fit.centroids.data, fit.k, x.cols);
    fit = { ...fit, labels: sorted.labels, centroids: { ...fit.centroids, data: sorted.centers }, sizes: sorted.sizes, inertia };
  }
  return { best: fit, scores, suggested };
}
