/**
 * Binary classification metrics: pure functions over labels (0/1) and scores
 * (probabilities of the positive class). Positive = 1.
 */

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface ThresholdMetrics {
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
}

function checkLengths(y: ArrayLike<number>, p: ArrayLike<number>): void {
  if (y.length !== p.length) throw new Error(`${y.length} labels but ${p.length} scores`);
}

/**
 * Area under the ROC curve as the Mann–Whitney statistic: the chance that a
 * random positive scores above a random negative, ties counting one half.
 * NaN when either class is absent.
 */
export function rocAuc(y: ArrayLike<number>, p: ArrayLike<number>): number {
  checkLengths(y, p);
  const n = y.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[a]! - p[b]!);
  let rankSumPos = 0;
  let nPos = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && p[order[end]!] === p[order[start]!]) end++;
    // Ranks start..end-1 (0-based) share the average 1-based rank.
    const avgRank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) {
      if (y[order[k]!] === 1) {
        rankSumPos += avgRank;
        nPos++;
      }
    }
    start = end;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * ROC curve as [false positive rate, true positive rate] points, one per
 * distinct score (tied scores move together), from [0, 0] to [1, 1].
 * Empty when either class is absent.
 */
export function rocCurve(y: ArrayLike<number>, p: ArrayLike<number>): [number, number][] {
  const steps = cumulativeByScore(y, p);
  const nPos = steps.at(-1)?.tp ?? 0;
  const nNeg = steps.at(-1)?.fp ?? 0;
  if (nPos === 0 || nNeg === 0) return [];
  return [[0, 0], ...steps.map((s): [number, number] => [s.fp / nNeg, s.tp / nPos])];
}

/**
 * Walking the scores from the highest down, one step per distinct score (tied
 * scores move together): the score and the positives (`tp`) and negatives
 * (`fp`) at or above it. The last step counts every row.
 */
export function cumulativeByScore(y: ArrayLike<number>, p: ArrayLike<number>): { threshold: number; tp: number; fp: number }[] {
  checkLengths(y, p);
  const n = y.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b]! - p[a]!);
  const steps: { threshold: number; tp: number; fp: number }[] = [];
  let tp = 0;
  let fp = 0;
  for (let start = 0; start < n; ) {
    let end = start;
    while (end < n && p[order[end]!] === p[order[start]!]) {
      if (y[order[end]!] === 1) tp++;
      else fp++;
      end++;
    }
    steps.push({ threshold: p[order[start]!]!, tp, fp });
    start = end;
  }
  return steps;
}

/** Counts with "positive" meaning score ≥ threshold. */
export function confusionMatrix(y: ArrayLike<number>, p: ArrayLike<number>, threshold = 0.5): Confusion {
  checkLengths(y, p);
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < y.length; i++) {
    const predicted = p[i]! >= threshold;
    if (y[i] === 1) {
      if (predicted) c.tp++;
      else c.fn++;
    } else if (predicted) c.fp++;
    else c.tn++;
  }
  return c;
}

/** Accuracy, precision, recall and F1 from counts; an undefined ratio (0/0) is 0, as in scikit-learn. */
export function metricsFromConfusion(c: Confusion): ThresholdMetrics {
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  return {
    accuracy: ratio(c.tp + c.tn, c.tp + c.tn + c.fp + c.fn),
    precision: ratio(c.tp, c.tp + c.fp),
    recall: ratio(c.tp, c.tp + c.fn),
    f1: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
  };
}

export function thresholdMetrics(y: ArrayLike<number>, p: ArrayLike<number>, threshold = 0.5): ThresholdMetrics {
  return metricsFromConfusion(confusionMatrix(y, p, threshold));
}

/** Mean binary cross-entropy (natural log), scores clipped to [eps, 1 − eps]. */
export function logLoss(y: ArrayLike<number>, p: ArrayLike<number>, eps = 1e-15): number {
  checkLengths(y, p);
  if (y.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < y.length; i++) {
    const q = Math.min(Math.max(p[i]!, eps), 1 - eps);
    sum -= y[i] === 1 ? Math.log(q) : Math.log(1 - q);
  }
  return sum / y.length;
}

/**
 * Precision–recall curve as [recall, precision] points, one per distinct score
 * from the highest down (tied scores move together), starting at [0, 1] as
 * scikit-learn does. Empty when there are no positives.
 */
export function prCurve(y: ArrayLike<number>, p: ArrayLike<number>): [number, number][] {
  const steps = cumulativeByScore(y, p);
  const nPos = steps.at(-1)?.tp ?? 0;
  if (nPos === 0) return [];
  return [[0, 1], ...steps.map((s): [number, number] => [s.tp / nPos, s.tp / (s.tp + s.fp)])];
}

/**
 * PR AUC as average precision (scikit-learn's definition, no interpolation):
 * Σ (Rₖ − Rₖ₋₁) · Pₖ over the distinct score thresholds. NaN without positives.
 */
export function averagePrecision(y: ArrayLike<number>, p: ArrayLike<number>): number {
  const curve = prCurve(y, p);
  if (curve.length === 0) return NaN;
  let ap = 0;
  for (let k = 1; k < curve.length; k++) ap += (curve[k]![0] - curve[k - 1]![0]) * curve[k]![1];
  return ap;
}

/** Every score the model search reports per fold. Threshold metrics use 0.5. */
export interface ScoreSet extends ThresholdMetrics {
  auc: number;
  /** Average precision. */
  prAuc: number;
  logLoss: number;
}

export const SCORE_NAMES = ['auc', 'prAuc', 'logLoss', 'accuracy', 'precision', 'recall', 'f1'] as const satisfies readonly (keyof ScoreSet)[];

export function scoreSet(y: ArrayLike<number>, p: ArrayLike<number>, threshold = 0.5): ScoreSet {
  return {
    auc: rocAuc(y, p),
    prAuc: averagePrecision(y, p),
    logLoss: logLoss(y, p),
    ...thresholdMetrics(y, p, threshold),
  };
}
