/**
 * Regression metrics: pure functions over actual values `y` and predictions
 * `p` of the same length, in the target's own units (spend, not log spend).
 */

function check(y: ArrayLike<number>, p: ArrayLike<number>): void {
  if (y.length !== p.length) throw new Error(`${y.length} actual values but ${p.length} predictions`);
}

export function mae(y: ArrayLike<number>, p: ArrayLike<number>): number {
  check(y, p);
  if (y.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < y.length; i++) s += Math.abs(y[i]! - p[i]!);
  return s / y.length;
}

export function rmse(y: ArrayLike<number>, p: ArrayLike<number>): number {
  check(y, p);
  if (y.length === 0) return NaN;
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (y[i]! - p[i]!) ** 2;
  return Math.sqrt(s / y.length);
}

/** 1 − SS_res / SS_tot (scikit-learn's r2_score): 0 for predicting the mean, negative when worse; NaN when y is constant. */
export function r2(y: ArrayLike<number>, p: ArrayLike<number>): number {
  check(y, p);
  if (y.length === 0) return NaN;
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i]!;
  mean /= y.length;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < y.length; i++) {
    res += (y[i]! - p[i]!) ** 2;
    tot += (y[i]! - mean) ** 2;
  }
  return tot === 0 ? NaN : 1 - res / tot;
}

/** 1-based ranks, ties sharing their average rank. */
export function averageRanks(v: ArrayLike<number>): Float64Array {
  const order = Array.from({ length: v.length }, (_, i) => i).sort((a, b) => v[a]! - v[b]!);
  const ranks = new Float64Array(v.length);
  for (let start = 0; start < order.length; ) {
    let end = start + 1;
    while (end < order.length && v[order[end]!] === v[order[start]!]) end++;
    const rank = (start + 1 + end) / 2;
    for (let k = start; k < end; k++) ranks[order[k]!] = rank;
    start = end;
  }
  return ranks;
}

function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return saa === 0 || sbb === 0 ? NaN : sab / Math.sqrt(saa * sbb);
}

/** Spearman's rank correlation: Pearson's on average ranks (SciPy's spearmanr); NaN when either side is constant. */
export function spearman(y: ArrayLike<number>, p: ArrayLike<number>): number {
  check(y, p);
  if (y.length < 2) return NaN;
  return pearson(averageRanks(y), averageRanks(p));
}

export interface RegressionScores {
  mae: number;
  rmse: number;
  r2: number;
  spearman: number;
}

export const REGRESSION_SCORE_NAMES = ['mae', 'rmse', 'r2', 'spearman'] as const satisfies readonly (keyof RegressionScores)[];

export function regressionScores(y: ArrayLike<number>, p: ArrayLike<number>): RegressionScores {
  return { mae: mae(y, p), rmse: rmse(y, p), r2: r2(y, p), spearman: spearman(y, p) };
}

/**
 * The top decile by prediction: its share of the actual total and its lift
 * (that share ÷ 0.1; 1 is no better than random). Ties at the cut are broken
 * by row order; the decile holds ceil(n / 10) rows. NaN when the total is not positive.
 */
export function topDecileLift(y: ArrayLike<number>, p: ArrayLike<number>): { share: number; lift: number; rows: number } {
  check(y, p);
  const n = y.length;
  const rows = Math.ceil(n / 10);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b]! - p[a]! || a - b);
  let top = 0;
  let total = 0;
  for (let k = 0; k < n; k++) {
    total += y[order[k]!]!;
    if (k < rows) top += y[order[k]!]!;
  }
  const share = total > 0 ? top / total : NaN;
  return { share, lift: share / (rows / Math.max(n, 1)), rows };
}

/** Actual and predicted mean per decile of prediction, highest decile first (the lift chart's bars). */
export function decileMeans(y: ArrayLike<number>, p: ArrayLike<number>, bins = 10): { decile: number; actual: number; predicted: number; rows: number }[] {
  check(y, p);
  const n = y.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b]! - p[a]! || a - b);
  const out: { decile: number; actual: number; predicted: number; rows: number }[] = [];
  for (let d = 0; d < bins; d++) {
    const lo = Math.floor((d * n) / bins);
    const hi = Math.floor(((d + 1) * n) / bins);
    if (hi <= lo) continue;
    let a = 0;
    let q = 0;
    for (let k = lo; k < hi; k++) {
      a += y[order[k]!]!;
      q += p[order[k]!]!;
    }
    out.push({ decile: d + 1, actual: a / (hi - lo), predicted: q / (hi - lo), rows: hi - lo });
  }
  return out;
}

/** Per group (e.g. segment): rows, mean residual (actual − predicted) and mean absolute error, largest group first. */
export function residualsByGroup(y: ArrayLike<number>, p: ArrayLike<number>, groups: readonly string[]): { group: string; rows: number; meanResidual: number; mae: number }[] {
  check(y, p);
  if (groups.length !== y.length) throw new Error(`${y.length} rows but ${groups.length} groups`);
  const acc = new Map<string, { rows: number; res: number; abs: number }>();
  for (let i = 0; i < y.length; i++) {
    const g = acc.get(groups[i]!) ?? { rows: 0, res: 0, abs: 0 };
    g.rows++;
    g.res += y[i]! - p[i]!;
    g.abs += Math.abs(y[i]! - p[i]!);
    acc.set(groups[i]!, g);
  }
  return [...acc]
    .map(([group, g]) => ({ group, rows: g.rows, meanResidual: g.res / g.rows, mae: g.abs / g.rows }))
    .sort((a, b) => b.rows - a.rows || (a.group < b.group ? -1 : 1));
}
