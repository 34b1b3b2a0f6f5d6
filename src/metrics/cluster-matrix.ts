/**
 * The input of clustering (cluster.ts): behaviour features as a numeric
 * matrix, standardised (optionally on a log scale) so no feature outweighs
 * the others by its units. Pure.
 */

/** Row-major numbers: row `i`, column `j` at `data[i * cols + j]`. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function clusterInputError(en: string, zh: string): Error {
  const e = new Error(`${en}\n${zh}`);
  e.name = 'ClusterInputError';
  return e;
}

/** A matrix from rows of equal length; every value must be a finite number. */
export function toMatrix(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => {
    if (row.length !== cols) throw new Error(`toMatrix: row ${i} has ${row.length} values, row 0 has ${cols}`);
    row.forEach((v, j) => {
      if (!Number.isFinite(v)) {
        throw clusterInputError(`Row ${i + 1}, feature ${j + 1} is not a number (${String(v)}). Fill or drop missing values before clustering.`, `第 ${i + 1} 行第 ${j + 1} 个特征不是数值（${String(v)}）。聚类前请填补或删除缺失值。`);
      }
      data[i * cols + j] = v;
    });
  });
  return { rows: rows.length, cols, data };
}

/** `log1p` tames long right tails (spend, order counts) so a few big customers do not get a cluster each. */
export type FeatureTransform = 'none' | 'log1p';

export interface Standardized {
  /** (transform(x) − mean) / sd per column; a constant column becomes 0. */
  matrix: Matrix;
  transforms: FeatureTransform[];
  /** Mean and population standard deviation of each transformed column. */
  mean: Float64Array;
  sd: Float64Array;
}

/**
 * Column-wise z-scores after an optional per-column transform (`log1p` needs
 * values > −1). sd is the population standard deviation; a column with sd 0
 * is all zeros after scaling.
 */
export function standardize(x: Matrix, transforms: readonly FeatureTransform[] = []): Standardized {
  const { rows, cols } = x;
  const tf = Array.from({ length: cols }, (_, j) => transforms[j] ?? 'none');
  const data = new Float64Array(x.data.length);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = x.data[i * cols + j]!;
      if (tf[j] === 'log1p' && !(v > -1)) {
        throw clusterInputError(`Row ${i + 1}, feature ${j + 1} is ${v}: a log scale needs values above −1.`, `第 ${i + 1} 行第 ${j + 1} 个特征为 ${v}：对数变换要求数值大于 −1。`);
      }
      data[i * cols + j] = tf[j] === 'log1p' ? Math.log1p(v) : v;
    }
  }
  const mean = new Float64Array(cols);
  const sd = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    let s = 0;
    for (let i = 0; i < rows; i++) s += data[i * cols + j]!;
    const m = rows > 0 ? s / rows : 0;
    let ss = 0;
    for (let i = 0; i < rows; i++) ss += (data[i * cols + j]! - m) ** 2;
    mean[j] = m;
    sd[j] = rows > 0 ? Math.sqrt(ss / rows) : 0;
    for (let i = 0; i < rows; i++) data[i * cols + j] = sd[j]! > 0 ? (data[i * cols + j]! - m) / sd[j]! : 0;
  }
  return { matrix: { rows, cols, data }, transforms: tf, mean, sd };
}
