/**
 * Naive baselines that every model is reported beside. Pure (no TensorFlow.js).
 *  - Majority class: every row scores the training positive rate (ROC AUC 0.5;
 *    its accuracy is the majority share).
 *  - One-feature rule: the single source column whose own churn rates rank the
 *    training rows best (by ROC AUC). A categorical column scores each row with
 *    its level's training churn rate; a numeric one with the rate of its
 *    training quantile bin. The column is chosen on the training rows only.
 */
import type { FeatureGroup, Matrix } from './features.ts';
import { rocAuc } from './metrics.ts';

function weightedRate(y: ArrayLike<number>, weights?: ArrayLike<number>): number {
  let pos = 0;
  let all = 0;
  for (let i = 0; i < y.length; i++) {
    const w = weights ? weights[i]! : 1;
    pos += w * y[i]!;
    all += w;
  }
  return all > 0 ? pos / all : 0;
}

export class MajorityClass {
  rate = 0;
  fit(_X: Matrix, y: ArrayLike<number>, weights?: ArrayLike<number>): void {
    this.rate = weightedRate(y, weights);
  }
  predict(X: Matrix): Float32Array {
    return new Float32Array(X.rows).fill(this.rate);
  }
}

interface Rule {
  group: FeatureGroup;
  /** Numeric: ascending cut points of the quantile bins. */
  cuts: number[];
  /** Churn rate per key (bin or one-hot position); `fallback` for keys never seen in training. */
  rates: Map<number, number>;
  fallback: number;
}

/** Bin or level of row i within a group: the quantile bin of a numeric, the active one-hot position of a categorical (−1 if none). */
function keyOf(X: Matrix, i: number, group: FeatureGroup, cuts: number[]): number {
  const base = i * X.cols;
  if (group.kind === 'numeric') {
    const x = X.data[base + group.start]!;
    let k = 0;
    while (k < cuts.length && x > cuts[k]!) k++;
    return k;
  }
  for (let j = group.start; j < group.end; j++) if (X.data[base + j] === 1) return j - group.start;
  return -1;
}

/** Quantile cut points (midpoints between distinct values), at most bins − 1 of them. */
function quantileCuts(values: Float64Array, bins: number): number[] {
  const sorted = values.slice().sort();
  const cuts: number[] = [];
  for (let q = 1; q < bins; q++) {
    const i = Math.min(sorted.length - 1, Math.floor((q * sorted.length) / bins));
    const hi = sorted[i]!;
    // Cut below the first occurrence of this value, so equal values share a bin.
    let j = i;
    while (j > 0 && sorted[j - 1] === hi) j--;
    if (j === 0) continue;
    const cut = (sorted[j - 1]! + hi) / 2;
    if (cuts.length === 0 || cut > cuts[cuts.length - 1]!) cuts.push(cut);
  }
  return cuts;
}

export class OneFeatureRule {
  rule: Rule | undefined;
  /** The chosen column and its training AUC. */
  column = '';
  trainAuc = NaN;

  constructor(
    readonly groups: readonly FeatureGroup[],
    readonly bins = 10,
  ) {}

  fit(X: Matrix, y: ArrayLike<number>, weights?: ArrayLike<number>): void {
    if (this.groups.length === 0) throw new Error('The one-feature rule needs feature groups');
    const prior = weightedRate(y, weights);
    let best: { rule: Rule; auc: number } | undefined;
    for (const group of this.groups) {
      const cuts = group.kind === 'numeric' ? quantileCuts(Float64Array.from({ length: X.rows }, (_, i) => X.data[i * X.cols + group.start]!), this.bins) : [];
      const pos = new Map<number, number>();
      const all = new Map<number, number>();
      const keys = new Int32Array(X.rows);
      for (let i = 0; i < X.rows; i++) {
        const k = keyOf(X, i, group, cuts);
        keys[i] = k;
        const w = weights ? weights[i]! : 1;
        pos.set(k, (pos.get(k) ?? 0) + w * y[i]!);
        all.set(k, (all.get(k) ?? 0) + w);
      }
      // One pseudo-row at the prior keeps tiny levels from scoring exactly 0 or 1.
      const rates = new Map([...all].map(([k, w]) => [k, (pos.get(k)! + prior) / (w + 1)]));
      const auc = rocAuc(y, Float64Array.from(keys, (k) => rates.get(k)!));
      if (!best || auc > best.auc) best = { rule: { group, cuts, rates, fallback: prior }, auc };
    }
    this.rule = best!.rule;
    this.column = best!.rule.group.column;
    this.trainAuc = best!.auc;
  }

  predict(X: Matrix): Float32Array {
    const rule = this.rule;
    if (!rule) throw new Error('One-feature rule is not fitted');
    return Float32Array.from({ length: X.rows }, (_, i) => rule.rates.get(keyOf(X, i, rule.group, rule.cuts)) ?? rule.fallback);
  }
}
