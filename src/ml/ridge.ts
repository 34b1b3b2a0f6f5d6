/**
 * Ridge (L2-penalised linear) regression, closed form: minimises
 * mean((y − Xβ − b)²) + λ·‖β‖², the intercept unpenalised, by solving
 * (XcᵀXc + n·λ·I) β = Xcᵀyc on centred columns. The d × d Gram matrix and
 * Xᵀy are computed in TensorFlow.js (the bulk of the work, n × d²); the small
 * system is solved by Cholesky here. λ = 0 is ordinary least squares (a tiny
 * jitter keeps a rank-deficient design solvable). Every tensor is disposed.
 */
import * as tf from '@tensorflow/tfjs';
import type { Matrix } from './features.ts';

export interface RidgeModel {
  weights: number[];
  bias: number;
  predict(X: Matrix): Float32Array;
}

/** Solves A x = b for a symmetric positive-definite A (row-major d × d) by Cholesky; adds jitter to the diagonal if needed. */
export function choleskySolve(A: Float64Array, b: Float64Array, d: number): Float64Array {
  for (let jitter = 0; ; jitter = jitter === 0 ? 1e-10 : jitter * 100) {
    const L = new Float64Array(d * d);
    let ok = true;
    for (let i = 0; i < d && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = A[i * d + j]! + (i === j ? jitter * (1 + Math.abs(A[i * d + i]!)) : 0);
        for (let k = 0; k < j; k++) s -= L[i * d + k]! * L[j * d + k]!;
        if (i === j) {
          if (!(s > 0)) {
            ok = false;
            break;
          }
          L[i * d + i] = Math.sqrt(s);
        } else L[i * d + j] = s / L[j * d + j]!;
      }
    }
    if (!ok) {
      if (jitter > 1) throw new Error('Ridge regression: the system could not be solved (the design matrix has no usable columns)');
      continue;
    }
    const z = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let s = b[i]!;
      for (let k = 0; k < i; k++) s -= L[i * d + k]! * z[k]!;
      z[i] = s / L[i * d + i]!;
    }
    const x = new Float64Array(d);
    for (let i = d - 1; i >= 0; i--) {
      let s = z[i]!;
      for (let k = i + 1; k < d; k++) s -= L[k * d + i]! * x[k]!;
      x[i] = s / L[i * d + i]!;
    }
    return x;
  }
}

export function ridgeModel(weights: number[], bias: number): RidgeModel {
  return {
    weights,
    bias,
    predict(X: Matrix): Float32Array {
      if (X.cols !== weights.length) throw new Error(`Model has ${weights.length} features but the matrix has ${X.cols} columns`);
      const out = new Float32Array(X.rows);
      for (let i = 0; i < X.rows; i++) {
        let s = bias;
        for (let j = 0; j < X.cols; j++) s += X.data[i * X.cols + j]! * weights[j]!;
        out[i] = s;
      }
      return out;
    },
  };
}

export function fitRidge(X: Matrix, y: ArrayLike<number>, l2: number): RidgeModel {
  const { rows: n, cols: d } = X;
  if (y.length !== n) throw new Error(`${n} rows but ${y.length} targets`);
  if (n === 0) throw new Error('No training rows');
  if (!(l2 >= 0)) throw new Error(`l2 must be ≥ 0, got ${l2}`);
  let yMean = 0;
  for (let i = 0; i < n; i++) yMean += y[i]!;
  yMean /= n;
  let gram: ArrayLike<number> = [];
  let xty: ArrayLike<number> = [];
  let means: ArrayLike<number> = [];
  tf.tidy(() => {
    const x = tf.tensor2d(X.data, [n, d]);
    const mu = tf.mean(x, 0, true);
    const xc = tf.sub(x, mu);
    const yc = tf.tensor2d(Float32Array.from(y as ArrayLike<number>, (v) => v - yMean), [n, 1]);
    gram = tf.matMul(xc, xc, true, false).dataSync();
    xty = tf.matMul(xc, yc, true, false).dataSync();
    means = mu.dataSync();
  });
  const A = Float64Array.from(gram);
  for (let j = 0; j < d; j++) A[j * d + j] = A[j * d + j]! + n * l2;
  const beta = choleskySolve(A, Float64Array.from(xty), d);
  let bias = yMean;
  for (let j = 0; j < d; j++) bias -= beta[j]! * means[j]!;
  return ridgeModel(Array.from(beta), bias);
}
