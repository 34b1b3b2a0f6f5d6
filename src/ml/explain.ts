/**
 * Explanations, model-agnostic through a `predict` callback; pure (no TensorFlow.js).
 *  - Permutation importance (global): how much a held-out score drops when one
 *    source column's values are shuffled across rows (all its one-hot columns
 *    move together, so a categorical column counts once).
 *  - Local effects (per row, per source column):
 *      linear models: Σⱼ wⱼ·(xⱼ − x̄ⱼ) over the column's design-matrix columns,
 *      i.e. coefficient × standardised value (numerics are centred at the
 *      training mean already); in log-odds.
 *      other models: p(row) − p(row with that column moved to the reference
 *      "typical customer": numeric median, categorical mode); in probability.
 *    Positive effects push the churn probability up.
 */
import { mulberry32, shuffleInPlace } from '../lib/random.ts';
import type { Cell, FeatureGroup, Matrix } from './features.ts';
import { rocAuc } from './metrics.ts';

export type Predict = (X: Matrix) => Float32Array;

export interface PermutationOptions {
  repeats: number;
  seed: number;
  /** Higher is better; default ROC AUC. */
  score?: (y: ArrayLike<number>, p: ArrayLike<number>) => number;
}

export interface PermutationImportance {
  /** Score on the unshuffled rows. */
  base: number;
  /** Per source column, the score drop of each repeat. */
  drops: { column: string; values: number[] }[];
}

export function permutationImportance(predict: Predict, X: Matrix, y: ArrayLike<number>, groups: readonly FeatureGroup[], options: PermutationOptions): PermutationImportance {
  if (y.length !== X.rows) throw new Error(`${X.rows} rows but ${y.length} labels`);
  const score = options.score ?? rocAuc;
  const base = score(y, predict(X));
  const random = mulberry32(options.seed);
  const shuffled: Matrix = { data: new Float32Array(X.data), rows: X.rows, cols: X.cols };
  const order = Int32Array.from({ length: X.rows }, (_, i) => i);
  const drops = groups.map((g) => {
    const values: number[] = [];
    for (let r = 0; r < options.repeats; r++) {
      shuffleInPlace(order, random);
      for (let i = 0; i < X.rows; i++) {
        const from = order[i]! * X.cols;
        shuffled.data.set(X.data.subarray(from + g.start, from + g.end), i * X.cols + g.start);
      }
      values.push(base - score(y, predict(shuffled)));
    }
    // Restore the group before moving on to the next one.
    for (let i = 0; i < X.rows; i++) shuffled.data.set(X.data.subarray(i * X.cols + g.start, i * X.cols + g.end), i * X.cols + g.start);
    return { column: g.column, values };
  });
  return { base, drops };
}

/** Row-major effects: rows × groups. */
export interface Effects {
  data: Float32Array;
  rows: number;
  groups: number;
}

/** Column means of a matrix (the training rows' x̄ for linear effects). */
export function columnMeans(X: Matrix): Float64Array {
  const means = new Float64Array(X.cols);
  for (let i = 0; i < X.rows; i++) for (let j = 0; j < X.cols; j++) means[j] = means[j]! + X.data[i * X.cols + j]!;
  for (let j = 0; j < X.cols; j++) means[j] = X.rows ? means[j]! / X.rows : 0;
  return means;
}

export function linearEffects(X: Matrix, weights: readonly number[], means: ArrayLike<number>, groups: readonly FeatureGroup[]): Effects {
  if (weights.length !== X.cols || means.length !== X.cols) throw new Error(`${X.cols} columns but ${weights.length} weights and ${means.length} means`);
  const data = new Float32Array(X.rows * groups.length);
  for (let i = 0; i < X.rows; i++) {
    groups.forEach((g, k) => {
      let s = 0;
      for (let j = g.start; j < g.end; j++) s += weights[j]! * (X.data[i * X.cols + j]! - means[j]!);
      data[i * groups.length + k] = s;
    });
  }
  return { data, rows: X.rows, groups: groups.length };
}

export function perturbationEffects(predict: Predict, X: Matrix, groups: readonly FeatureGroup[], reference: ArrayLike<number>, base: ArrayLike<number> = predict(X)): Effects {
  if (reference.length !== X.cols) throw new Error(`${X.cols} columns but a reference row of ${reference.length}`);
  const data = new Float32Array(X.rows * groups.length);
  const moved: Matrix = { data: new Float32Array(X.data), rows: X.rows, cols: X.cols };
  const ref = Float32Array.from(reference);
  groups.forEach((g, k) => {
    const block = ref.subarray(g.start, g.end);
    for (let i = 0; i < X.rows; i++) moved.data.set(block, i * X.cols + g.start);
    const p = predict(moved);
    for (let i = 0; i < X.rows; i++) data[i * groups.length + k] = base[i]! - p[i]!;
    for (let i = 0; i < X.rows; i++) moved.data.set(X.data.subarray(i * X.cols + g.start, i * X.cols + g.end), i * X.cols + g.start);
  });
  return { data, rows: X.rows, groups: groups.length };
}

export interface Reason {
  column: string;
  /** The row's value in that column, as in the table. */
  value: Cell;
  /** How far this column pushes the score up (log-odds for linear models, probability otherwise). */
  effect: number;
}

/** Up to `count` columns pushing row i's score up the most (effects > 0 only), largest first. */
export function topReasons(effects: Effects, i: number, groups: readonly FeatureGroup[], valueOf: (column: string) => Cell, count = 3): Reason[] {
  const candidates: { k: number; effect: number }[] = [];
  for (let k = 0; k < effects.groups; k++) {
    const effect = effects.data[i * effects.groups + k]!;
    if (effect > 1e-6) candidates.push({ k, effect });
  }
  candidates.sort((a, b) => b.effect - a.effect || a.k - b.k);
  return candidates.slice(0, count).map(({ k, effect }) => {
    const column = groups[k]!.column;
    return { column, value: valueOf(column), effect };
  });
}

/** A scored row as the search returns it (see protocol.ts ScoredRow). */
interface ScoredLike {
  row: number;
  probability: number;
  tier: string;
  reasons: readonly Reason[];
}

/**
 * The scored list as columns, ready to be written back as a table: row,
 * probability, tier, then reason_k / reason_k_value / reason_k_effect for
 * k = 1‥reasons (null where a row has fewer reasons). Values are text so one
 * column type fits every source column.
 */
export function scoredColumns(scored: readonly ScoredLike[], reasons = 3): { name: string; values: (string | number | null)[] }[] {
  const columns: { name: string; values: (string | number | null)[] }[] = [
    { name: 'row', values: scored.map((s) => s.row) },
    { name: 'probability', values: scored.map((s) => s.probability) },
    { name: 'tier', values: scored.map((s) => s.tier) },
  ];
  for (let k = 0; k < reasons; k++) {
    columns.push(
      { name: `reason_${k + 1}`, values: scored.map((s) => s.reasons[k]?.column ?? null) },
      { name: `reason_${k + 1}_value`, values: scored.map((s) => (s.reasons[k]?.value == null ? null : String(s.reasons[k]!.value))) },
      { name: `reason_${k + 1}_effect`, values: scored.map((s) => s.reasons[k]?.effect ?? null) },
    );
  }
  return columns;
}
