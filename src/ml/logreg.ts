/**
 * L2-regularised logistic regression trained by mini-batch Adam in TensorFlow.js.
 * Weights start at zero and batches follow a seeded shuffle, so a run is
 * reproducible on a given backend. Every tensor created here is disposed before
 * returning; the fitted model is plain numbers.
 */
import * as tf from '@tensorflow/tfjs';
import { abortError } from '../lib/errors.ts';
import { mulberry32, shuffleInPlace } from '../lib/random.ts';
import type { Matrix } from './features.ts';

export interface LogRegConfig {
  epochs: number;
  learningRate: number;
  /** λ in  mean log loss + λ/2 · ‖w‖²  (the bias is not penalised); scikit-learn's C ≈ 1 / (λ · nTrain). */
  l2: number;
  batchSize: number;
  /** Seeds the batch order. */
  seed: number;
}

export interface EpochProgress {
  /** 1-based. */
  epoch: number;
  epochs: number;
  /** Mean training objective (log loss + penalty) over the epoch's batches. */
  loss: number;
}

/** Anything with an `aborted` flag, e.g. an AbortSignal. */
export interface AbortFlag {
  readonly aborted: boolean;
}

export interface LogRegOptions {
  onEpoch?: (progress: EpochProgress) => void;
  /** Checked before every epoch; training then rejects with an AbortError. */
  signal?: AbortFlag;
  /** One weight per row (e.g. balanced class weights); the loss becomes Σ wᵢ·lossᵢ / n. */
  sampleWeights?: ArrayLike<number>;
}

export interface LogRegModel {
  weights: number[];
  bias: number;
  /** Probability of the positive class for each row. */
  predict(X: Matrix): Float32Array;
}

/** How often training lets queued messages (a cancel request) run; a timer per epoch would add a 4 ms clamp each. */
const YIELD_EVERY_MS = 20;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export function logRegModel(weights: number[], bias: number): LogRegModel {
  return {
    weights,
    bias,
    predict(X: Matrix): Float32Array {
      if (X.cols !== weights.length) throw new Error(`Model has ${weights.length} features but the matrix has ${X.cols} columns`);
      if (X.rows === 0) return new Float32Array(0);
      return tf.tidy(() => {
        const logits = tf.add(tf.matMul(tf.tensor2d(X.data, [X.rows, X.cols]), tf.tensor2d(weights, [weights.length, 1])), bias);
        return Float32Array.from(tf.sigmoid(logits).dataSync());
      });
    },
  };
}

export async function trainLogReg(X: Matrix, y: ArrayLike<number>, config: LogRegConfig, options: LogRegOptions = {}): Promise<LogRegModel> {
  const { epochs, learningRate, l2, batchSize, seed } = config;
  if (y.length !== X.rows) throw new Error(`${X.rows} rows but ${y.length} labels`);
  if (X.rows === 0) throw new Error('No training rows');
  const n = X.rows;
  const d = X.cols;
  const random = mulberry32(seed);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  // A batch covering every row stays on the backend; smaller batches are copied
  // row by row from the shuffled order (cheaper than tf.gather on wasm).
  const sw = options.sampleWeights;
  if (sw && sw.length !== n) throw new Error(`${n} rows but ${sw.length} sample weights`);
  const fullBatch = batchSize >= n;
  const xAll = fullBatch ? tf.tensor2d(X.data, [n, d]) : undefined;
  const yAll = fullBatch ? tf.tensor2d(Float32Array.from(y), [n, 1]) : undefined;
  const wAll = fullBatch && sw ? tf.tensor2d(Float32Array.from(sw), [n, 1]) : undefined;
  const batch = (start: number, end: number): [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D | undefined] => {
    if (xAll && yAll) return [xAll, yAll, wAll];
    const rows = end - start;
    const xb = new Float32Array(rows * d);
    const yb = new Float32Array(rows);
    const wb = sw ? new Float32Array(rows) : undefined;
    for (let k = 0; k < rows; k++) {
      const r = order[start + k]!;
      xb.set(X.data.subarray(r * d, r * d + d), k * d);
      yb[k] = y[r]!;
      if (wb) wb[k] = sw![r]!;
    }
    return [tf.tensor2d(xb, [rows, d]), tf.tensor2d(yb, [rows, 1]), wb ? tf.tensor2d(wb, [rows, 1]) : undefined];
  };

  const w = tf.tidy(() => tf.variable(tf.zeros([d, 1])));
  const b = tf.tidy(() => tf.variable(tf.zeros([1])));
  const optimizer = tf.train.adam(learningRate);
  let lastYield = performance.now();
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      if (options.signal?.aborted) throw abortError('Training cancelled');
      if (!fullBatch) shuffleInPlace(order, random);
      let lossSum = 0;
      for (let start = 0; start < n; start += batchSize) {
        const end = Math.min(start + batchSize, n);
        const cost = tf.tidy(() => {
          const [xb, yb, wb] = batch(start, end);
          return optimizer.minimize(
            () => {
              const logits = tf.add(tf.matMul(xb, w), b);
              const penalty = tf.mul(l2 / 2, tf.sum(tf.square(w)));
              const loss = wb ? tf.div(tf.sum(tf.mul(wb, tf.losses.sigmoidCrossEntropy(yb, logits, undefined, undefined, tf.Reduction.NONE))), end - start) : tf.losses.sigmoidCrossEntropy(yb, logits);
              return tf.add(loss, penalty);
            },
            true,
            [w, b],
          )!;
        });
        lossSum += cost.dataSync()[0]! * (end - start);
        cost.dispose();
      }
      options.onEpoch?.({ epoch, epochs, loss: lossSum / n });
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
    }
    return logRegModel(Array.from(w.dataSync()), b.dataSync()[0]!);
  } finally {
    tf.dispose([xAll, yAll, wAll, w, b].filter((t) => t !== undefined));
    optimizer.dispose();
  }
}
