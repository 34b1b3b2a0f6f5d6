/**
 * Decision trees and gradient-boosted trees in plain TypeScript (no TensorFlow.js).
 *
 * Both grow trees on histogram bins: each column's training values are cut
 * into at most 256 bins once per fit (every distinct value gets its own bin
 * when there are few), and a split "bin ≤ b" is stored as "x ≤ edge[b]", so
 * prediction needs no bins. One split criterion serves both models: with
 * per-row sums A and B, a node scores A² / (B + λ) and a leaf predicts A / (B + λ).
 *  - CART with Gini: A = Σ w·y, B = Σ w, λ = 0. Maximising Σ_children A²/B is
 *    exactly minimising weighted Gini impurity; the leaf is the positive rate.
 *  - Boosting on log loss (Newton steps, as XGBoost): A = Σ w·(y − p),
 *    B = Σ w·p·(1 − p); the leaf is the Newton step −G / (H + λ).
 *  - Boosting a regression (the value model): squared loss, A = Σ w·(y − F),
 *    B = Σ w; Huber loss, the residual clipped to ±δ in A and B = Σ w (a
 *    gradient step on the Huber pseudo-residuals, as scikit-learn).
 */
import { abortError } from '../lib/errors.ts';
import { mulberry32 } from '../lib/random.ts';
import type { Matrix } from './features.ts';
import type { AbortFlag } from './logreg.ts';

export const MAX_BINS = 256;

export interface Binned {
  /** Row-major bin index per cell. */
  bins: Uint8Array;
  rows: number;
  cols: number;
  /** Per column, ascending cut points: bin(x) = number of edges below x, so bin ≤ b ⇔ x ≤ edges[b]. */
  edges: Float64Array[];
}

/** Cut points per column from the distinct training values: midpoints, thinned to quantiles when there are more than `maxBins`. */
export function binMatrix(X: Matrix, maxBins = MAX_BINS): Binned {
  if (maxBins < 2 || maxBins > MAX_BINS) throw new Error(`maxBins must be in [2, ${MAX_BINS}], got ${maxBins}`);
  const { rows, cols, data } = X;
  const edges: Float64Array[] = [];
  const column = new Float64Array(rows);
  for (let j = 0; j < cols; j++) {
    for (let i = 0; i < rows; i++) column[i] = data[i * cols + j]!;
    column.sort();
    const distinct: number[] = [];
    const upTo: number[] = []; // rows with value ≤ distinct[k]
    for (let i = 0; i < rows; i++) {
      if (i === 0 || column[i] !== column[i - 1]) distinct.push(column[i]!);
      upTo[distinct.length - 1] = i + 1;
    }
    const cuts: number[] = [];
    if (distinct.length <= maxBins) {
      for (let k = 0; k + 1 < distinct.length; k++) cuts.push((distinct[k]! + distinct[k + 1]!) / 2);
    } else {
      // Cut after the distinct value where each quantile rank falls.
      let k = 0;
      for (let q = 1; q < maxBins; q++) {
        const rank = (q * rows) / maxBins;
        while (k + 1 < distinct.length && upTo[k]! < rank) k++;
        if (k + 1 >= distinct.length) break;
        const cut = (distinct[k]! + distinct[k + 1]!) / 2;
        if (cuts.length === 0 || cut > cuts[cuts.length - 1]!) cuts.push(cut);
      }
    }
    edges.push(Float64Array.from(cuts));
  }
  const bins = new Uint8Array(rows * cols);
  for (let j = 0; j < cols; j++) {
    const e = edges[j]!;
    for (let i = 0; i < rows; i++) bins[i * cols + j] = binOf(e, data[i * cols + j]!);
  }
  return { bins, rows, cols, edges };
}

/** Number of edges strictly below x (binary search). */
function binOf(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A fitted tree as flat arrays; node 0 is the root, `feature` −1 marks a leaf. */
export interface FlatTree {
  feature: Int32Array;
  /** Go left when x ≤ threshold. */
  threshold: Float64Array;
  /** The same split in bins: left when bin ≤ splitBin. */
  splitBin: Int32Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

export interface GrowOptions {
  maxDepth: number;
  minLeaf: number;
  /** λ of the criterion (see the file comment). */
  lambda: number;
  /** Fewest Σ B in a child (guards Newton steps on almost-pure nodes). */
  minChildWeight: number;
}

/**
 * Grows one tree depth-first on `rows` (row positions in `binned`), splitting a
 * node when some column gives both children ≥ minLeaf rows and a better score.
 * Ties keep the first column and bin, so growth is deterministic.
 */
export function growTree(binned: Binned, rows: Int32Array, a: Float64Array, b: Float64Array, options: GrowOptions): FlatTree {
  const { bins, cols: d, edges } = binned;
  const { maxDepth, minLeaf, lambda, minChildWeight } = options;
  const feature: number[] = [];
  const threshold: number[] = [];
  const splitBin: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  const scratch = new Int32Array(rows.length);
  // Histograms interleave (Σa, Σb, count) per (column, bin). A node's histogram
  // is built from its rows only for the smaller child of a split; the larger
  // child's is the parent's minus it (LightGBM's subtraction trick).
  const histSize = d * MAX_BINS * 3;
  const free: Float64Array[] = [];
  const takeHist = (): Float64Array => free.pop() ?? new Float64Array(histSize);

  const fillHist = (hist: Float64Array, lo: number, hi: number): void => {
    hist.fill(0);
    for (let k = lo; k < hi; k++) {
      const r = rows[k]!;
      const ar = a[r]!;
      const br = b[r]!;
      const base = r * d;
      for (let j = 0; j < d; j++) {
        const h = (j * MAX_BINS + bins[base + j]!) * 3;
        hist[h] = hist[h]! + ar;
        hist[h + 1] = hist[h + 1]! + br;
        hist[h + 2] = hist[h + 2]! + 1;
      }
    }
  };

  const addNode = (): number => {
    feature.push(-1);
    threshold.push(0);
    splitBin.push(-1);
    left.push(-1);
    right.push(-1);
    value.push(0);
    return feature.length - 1;
  };

  const splittable = (count: number, depth: number): boolean => depth < maxDepth && count >= 2 * minLeaf;

  /** rows[lo, hi) belong to the node (partitioning reorders them in place); `hist` is its histogram when it may split. */
  const grow = (node: number, lo: number, hi: number, depth: number, sumA: number, sumB: number, hist: Float64Array | undefined): void => {
    value[node] = sumB + lambda > 0 ? sumA / (sumB + lambda) : 0;
    const count = hi - lo;
    if (!hist) return;

    const parentScore = (sumA * sumA) / (sumB + lambda);
    let bestGain = 1e-12 * Math.max(1, Math.abs(parentScore));
    let bestFeature = -1;
    let bestBin = -1;
    let bestLeftA = 0;
    let bestLeftB = 0;
    for (let j = 0; j < d; j++) {
      const nSplits = edges[j]!.length;
      let la = 0;
      let lb = 0;
      let lc = 0;
      for (let bin = 0; bin < nSplits; bin++) {
        const h = (j * MAX_BINS + bin) * 3;
        la += hist[h]!;
        lb += hist[h + 1]!;
        lc += hist[h + 2]!;
        if (lc < minLeaf) continue;
        if (count - lc < minLeaf) break;
        const rb = sumB - lb;
        if (lb < minChildWeight || rb < minChildWeight) continue;
        const ra = sumA - la;
        const gain = (la * la) / (lb + lambda) + (ra * ra) / (rb + lambda) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestFeature = j;
          bestBin = bin;
          bestLeftA = la;
          bestLeftB = lb;
        }
      }
    }
    if (bestFeature < 0) {
      free.push(hist);
      return;
    }

    // Stable partition: left rows first, in their current order.
    let nLeft = 0;
    let nRight = 0;
    for (let k = lo; k < hi; k++) {
      const r = rows[k]!;
      if (bins[r * d + bestFeature]! <= bestBin) rows[lo + nLeft++] = r;
      else scratch[nRight++] = r;
    }
    rows.set(scratch.subarray(0, nRight), lo + nLeft);

    feature[node] = bestFeature;
    threshold[node] = edges[bestFeature]![bestBin]!;
    splitBin[node] = bestBin;
    const l = addNode();
    const r = addNode();
    left[node] = l;
    right[node] = r;

    const leftSmaller = nLeft <= nRight;
    const [sLo, sHi, bLo, bHi] = leftSmaller ? [lo, lo + nLeft, lo + nLeft, hi] : [lo + nLeft, hi, lo, lo + nLeft];
    const smallSplits = splittable(sHi - sLo, depth + 1);
    const bigSplits = splittable(bHi - bLo, depth + 1);
    let smallHist: Float64Array | undefined;
    let bigHist: Float64Array | undefined;
    if (smallSplits || bigSplits) {
      smallHist = takeHist();
      fillHist(smallHist, sLo, sHi);
      if (bigSplits) {
        for (let h = 0; h < histSize; h++) hist[h] = hist[h]! - smallHist[h]!;
        bigHist = hist;
      } else free.push(hist);
      if (!smallSplits) {
        free.push(smallHist);
        smallHist = undefined;
      }
    } else free.push(hist);
    const [lHist, rHist] = leftSmaller ? [smallHist, bigHist] : [bigHist, smallHist];
    grow(l, lo, lo + nLeft, depth + 1, bestLeftA, bestLeftB, lHist);
    grow(r, lo + nLeft, hi, depth + 1, sumA - bestLeftA, sumB - bestLeftB, rHist);
  };

  let sumA = 0;
  let sumB = 0;
  for (let k = 0; k < rows.length; k++) {
    sumA += a[rows[k]!]!;
    sumB += b[rows[k]!]!;
  }
  let rootHist: Float64Array | undefined;
  if (splittable(rows.length, 0)) {
    rootHist = takeHist();
    fillHist(rootHist, 0, rows.length);
  }
  grow(addNode(), 0, rows.length, 0, sumA, sumB, rootHist);
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    splitBin: Int32Array.from(splitBin),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
  };
}

/** The leaf value for row `i` of a raw matrix. */
export function treeValue(tree: FlatTree, data: ArrayLike<number>, offset: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) {
    node = data[offset + tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return tree.value[node]!;
}

function binnedValue(tree: FlatTree, bins: Uint8Array, offset: number): number {
  let node = 0;
  while (tree.feature[node]! >= 0) {
    node = bins[offset + tree.feature[node]!]! <= tree.splitBin[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return tree.value[node]!;
}

export function treeDepth(tree: FlatTree, node = 0): number {
  if (tree.feature[node]! < 0) return 0;
  return 1 + Math.max(treeDepth(tree, tree.left[node]!), treeDepth(tree, tree.right[node]!));
}

function checkFitInput(X: Matrix, y: ArrayLike<number>, weights?: ArrayLike<number>): void {
  if (y.length !== X.rows) throw new Error(`${X.rows} rows but ${y.length} labels`);
  if (weights && weights.length !== X.rows) throw new Error(`${X.rows} rows but ${weights.length} sample weights`);
  if (X.rows === 0) throw new Error('No training rows');
}

function checkPredictInput(X: Matrix, cols: number): void {
  if (X.cols !== cols) throw new Error(`Model has ${cols} features but the matrix has ${X.cols} columns`);
}

// ── CART ────────────────────────────────────────────────────────────────────

export interface DecisionTreeOptions {
  maxDepth: number;
  minLeaf: number;
}

/** A classification tree (Gini); predicts the weighted positive rate of the leaf. */
export class DecisionTree {
  tree: FlatTree | undefined;
  cols = 0;
  constructor(readonly options: DecisionTreeOptions) {}

  fit(X: Matrix, y: ArrayLike<number>, weights?: ArrayLike<number>): void {
    checkFitInput(X, y, weights);
    const a = new Float64Array(X.rows);
    const b = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      const w = weights ? weights[i]! : 1;
      a[i] = w * y[i]!;
      b[i] = w;
    }
    const rows = Int32Array.from({ length: X.rows }, (_, i) => i);
    this.tree = growTree(binMatrix(X), rows, a, b, { ...this.options, lambda: 0, minChildWeight: 0 });
    this.cols = X.cols;
  }

  predict(X: Matrix): Float32Array {
    if (!this.tree) throw new Error('Decision tree is not fitted');
    checkPredictInput(X, this.cols);
    const out = new Float32Array(X.rows);
    for (let i = 0; i < X.rows; i++) out[i] = treeValue(this.tree, X.data, i * X.cols);
    return out;
  }
}

// ── gradient boosting ───────────────────────────────────────────────────────

export interface BoostingOptions {
  nEstimators: number;
  learningRate: number;
  maxDepth: number;
  minLeaf: number;
  subsample: number;
  l2: number;
  seed: number;
  /** Default 'logloss' (classification, predicts a probability); 'squared' and 'huber' predict F itself. */
  loss?: BoostingLoss;
  /** Huber's δ in the target's units (default: 1.345 × the robust spread of y, see `huberDelta`). */
  huberDelta?: number;
}

export type BoostingLoss = 'logloss' | 'squared' | 'huber';

/**
 * Huber's δ for a target: 1.345 × 1.4826 × MAD (95% efficiency under normal
 * noise); the standard deviation when more than half the values are equal
 * (MAD 0, common for spend, where many customers spend nothing); 1 when y is constant.
 */
export function huberDelta(y: ArrayLike<number>): number {
  const n = y.length;
  if (n === 0) return 1;
  const sorted = Float64Array.from(y).sort();
  const median = (v: Float64Array): number => (v.length % 2 ? v[v.length >> 1]! : (v[v.length / 2 - 1]! + v[v.length / 2]!) / 2);
  const m = median(sorted);
  const mad = median(Float64Array.from(sorted, (v) => Math.abs(v - m)).sort());
  if (mad > 0) return 1.345 * 1.4826 * mad;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[i]!;
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (y[i]! - mean) ** 2;
  const sd = Math.sqrt(v / n);
  return sd > 0 ? 1.345 * sd : 1;
}

/** How often boosting lets queued messages (a cancel request) run. */
const YIELD_EVERY_MS = 20;

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Gradient-boosted trees: F = F₀ + η·Σ trees; on log loss p = σ(F), on squared or Huber loss the prediction is F. */
export class GradientBoosting {
  trees: FlatTree[] = [];
  init = 0;
  cols = 0;
  constructor(readonly options: BoostingOptions) {}

  async fit(X: Matrix, y: ArrayLike<number>, weights?: ArrayLike<number>, signal?: AbortFlag): Promise<void> {
    checkFitInput(X, y, weights);
    const { nEstimators, learningRate, maxDepth, minLeaf, subsample, l2, seed } = this.options;
    const n = X.rows;
    const w = Float64Array.from({ length: n }, (_, i) => (weights ? weights[i]! : 1));
    let wPos = 0;
    let wAll = 0;
    for (let i = 0; i < n; i++) {
      wPos += w[i]! * y[i]!;
      wAll += w[i]!;
    }
    const loss = this.options.loss ?? 'logloss';
    const delta = loss === 'huber' ? (this.options.huberDelta ?? huberDelta(y)) : Infinity;
    if (loss === 'logloss') {
      const rate = Math.min(Math.max(wPos / wAll, 1e-6), 1 - 1e-6);
      this.init = Math.log(rate / (1 - rate));
    } else if (loss === 'squared') this.init = wPos / wAll;
    else this.init = Float64Array.from(y).sort()[Math.floor((n - 1) / 2)]!;
    this.cols = X.cols;
    this.trees = [];
    const binned = binMatrix(X);
    const F = new Float64Array(n).fill(this.init);
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    const random = mulberry32(seed);
    const all = Int32Array.from({ length: n }, (_, i) => i);
    const nSample = Math.max(1, Math.round(subsample * n));
    const growOptions: GrowOptions = { maxDepth, minLeaf, lambda: l2, minChildWeight: 1e-3 };
    let lastYield = performance.now();
    for (let t = 0; t < nEstimators; t++) {
      if (signal?.aborted) throw abortError('Training cancelled');
      if (loss === 'logloss') {
        for (let i = 0; i < n; i++) {
          const p = sigmoid(F[i]!);
          a[i] = w[i]! * (y[i]! - p);
          b[i] = w[i]! * p * (1 - p);
        }
      } else {
        for (let i = 0; i < n; i++) {
          const r = y[i]! - F[i]!;
          a[i] = w[i]! * (r > delta ? delta : r < -delta ? -delta : r);
          b[i] = w[i]!;
        }
      }
      let rows: Int32Array;
      if (nSample < n) {
        // Partial Fisher–Yates: the first nSample positions are a uniform draw without replacement.
        for (let i = 0; i < nSample; i++) {
          const j = i + Math.floor(random() * (n - i));
          const tmp = all[i]!;
          all[i] = all[j]!;
          all[j] = tmp;
        }
        rows = all.slice(0, nSample);
      } else rows = all.slice();
      const tree = growTree(binned, rows, a, b, growOptions);
      for (let k = 0; k < tree.value.length; k++) tree.value[k] = tree.value[k]! * learningRate;
      this.trees.push(tree);
      for (let i = 0; i < n; i++) F[i] = F[i]! + binnedValue(tree, binned.bins, i * X.cols);
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        lastYield = performance.now();
      }
    }
  }

  predict(X: Matrix): Float32Array {
    checkPredictInput(X, this.cols);
    const out = new Float32Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let f = this.init;
      for (const tree of this.trees) f += treeValue(tree, X.data, i * X.cols);
      out[i] = (this.options.loss ?? 'logloss') === 'logloss' ? sigmoid(f) : f;
    }
    return out;
  }
}
