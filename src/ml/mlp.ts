/**
 * A small multilayer perceptron in TensorFlow.js: 1–2 ReLU hidden layers with
 * dropout, a sigmoid output, Adam, weight decay on the kernels, and early
 * stopping on a stratified inner validation split (the best epoch's weights are
 * kept). A hand-written training loop rather than tf.layers so that sample
 * weights, seeding and cancellation are explicit and every tensor is accounted
 * for: after `fit` only the weight variables live, and `dispose` frees them.
 *
 * As a regressor (the value model): a linear output on the target
 * standardised with the training rows' mean and standard deviation (undone in
 * `predict`), squared or Huber loss (δ = 1 standard deviation), and the
 * validation split stratified by y > 0 (spend or none).
 */
import * as tf from '@tensorflow/tfjs';
import { abortError } from '../lib/errors.ts';
import { mulberry32, shuffleInPlace } from '../lib/random.ts';
import type { Matrix } from './features.ts';
import type { AbortFlag } from './logreg.ts';
import type { MlpParams } from './specs.ts';
import { stratifiedSplit } from './split.ts';

export interface MlpFitInfo {
  /** Epochs run, and the one whose weights were kept (1-based). */
  epochs: number;
  bestEpoch: number;
  bestValidationLoss: number;
}

const YIELD_EVERY_MS = 20;
const PREDICT_CHUNK = 8192;

interface Layer {
  w: tf.Variable;
  b: tf.Variable;
}

/** Uniform(−limit, limit) from a seeded generator, so initial weights do not depend on TF.js's global RNG. */
function uniform(random: () => number, size: number, limit: number): Float32Array {
  return Float32Array.from({ length: size }, () => (random() * 2 - 1) * limit);
}

export type RegressionLoss = 'squared' | 'huber';

export class Mlp {
  private layers: Layer[] = [];
  private cols = 0;
  /** Regression only: the target's training mean and standard deviation. */
  private yMean = 0;
  private yStd = 1;
  info: MlpFitInfo | undefined;

  constructor(
    readonly params: MlpParams,
    readonly seed: number,
    /** Set for a regressor; a classifier otherwise. */
    readonly regression?: { loss: RegressionLoss },
  ) {}

  private forward(x: tf.Tensor2D, dropoutSeed?: number): tf.Tensor2D {
    let h = x;
    this.layers.forEach((layer, i) => {
      h = tf.add(tf.matMul(h, layer.w), layer.b);
      if (i < this.layers.length - 1) {
        h = tf.relu(h);
        if (dropoutSeed !== undefined && this.params.dropout > 0) h = tf.dropout(h, this.params.dropout, undefined, dropoutSeed + i) as tf.Tensor2D;
      }
    });
    return h;
  }

  async fit(X: Matrix, y: ArrayLike<number>, weights?: ArrayLike<number>, signal?: AbortFlag): Promise<MlpFitInfo> {
    if (y.length !== X.rows) throw new Error(`${X.rows} rows but ${y.length} labels`);
    if (weights && weights.length !== X.rows) throw new Error(`${X.rows} rows but ${weights.length} sample weights`);
    if (X.rows === 0) throw new Error('No training rows');
    this.dispose();
    const { hidden, l2, learningRate, batchSize, maxEpochs, patience, validationFraction } = this.params;
    const d = X.cols;
    this.cols = d;
    const random = mulberry32(this.seed);

    // Early stopping needs both classes on each side; with too few rows, train on all and run maxEpochs.
    let strata: ArrayLike<number> = y;
    let canValidate: boolean;
    if (this.regression) {
      let sum = 0;
      for (let i = 0; i < y.length; i++) sum += y[i]!;
      this.yMean = sum / y.length;
      let v = 0;
      for (let i = 0; i < y.length; i++) v += (y[i]! - this.yMean) ** 2;
      this.yStd = Math.sqrt(v / y.length) || 1;
      strata = Uint8Array.from(y as ArrayLike<number>, (t) => (t > 0 ? 1 : 0));
      const scaled = Float32Array.from(y as ArrayLike<number>, (t) => (t - this.yMean) / this.yStd);
      y = scaled;
      canValidate = validationFraction > 0 && y.length >= 20;
    } else {
      let nPos = 0;
      for (let i = 0; i < y.length; i++) nPos += y[i] === 1 ? 1 : 0;
      canValidate = validationFraction > 0 && Math.min(nPos, y.length - nPos) >= 4;
    }
    const split = canValidate ? stratifiedSplit(strata, validationFraction, this.seed) : { train: Array.from({ length: X.rows }, (_, i) => i), test: [] };
    const trainPos = Int32Array.from(split.train);
    const n = trainPos.length;

    const sizes = [d, ...hidden, 1];
    this.layers = sizes.slice(1).map((fanOut, i) => {
      const fanIn = sizes[i]!;
      // He-uniform for ReLU layers, Glorot-uniform for the sigmoid output.
      const limit = i < hidden.length ? Math.sqrt(6 / fanIn) : Math.sqrt(6 / (fanIn + fanOut));
      const init = uniform(random, fanIn * fanOut, limit);
      // tf.variable keeps its initial tensor alive unless that tensor is made inside a tidy.
      return tf.tidy(() => ({ w: tf.variable(tf.tensor2d(init, [fanIn, fanOut])), b: tf.variable(tf.zeros([fanOut])) }));
    });
    const variables = this.layers.flatMap((l) => [l.w, l.b]);

    const gather = (positions: ArrayLike<number>, start: number, end: number) => {
      const rows = end - start;
      const xb = new Float32Array(rows * d);
      const yb = new Float32Array(rows);
      const wb = new Float32Array(rows);
      for (let k = 0; k < rows; k++) {
        const r = positions[start + k]!;
        xb.set(X.data.subarray(r * d, r * d + d), k * d);
        yb[k] = y[r]!;
        wb[k] = weights ? weights[r]! : 1;
      }
      return { xb, yb, wb, rows };
    };
    const val = split.test.length ? gather(split.test, 0, split.test.length) : undefined;
    const xVal = val ? tf.tensor2d(val.xb, [val.rows, d]) : undefined;
    const yVal = val ? tf.tensor2d(val.yb, [val.rows, 1]) : undefined;
    const wVal = val ? tf.tensor2d(val.wb, [val.rows, 1]) : undefined;

    const optimizer = tf.train.adam(learningRate);
    let best: tf.Tensor[] | undefined;
    const info: MlpFitInfo = { epochs: 0, bestEpoch: 0, bestValidationLoss: Infinity };
    let step = 0;
    let lastYield = performance.now();
    try {
      for (let epoch = 1; epoch <= maxEpochs; epoch++) {
        if (signal?.aborted) throw abortError('Training cancelled');
        shuffleInPlace(trainPos, random);
        for (let start = 0; start < n; start += batchSize) {
          const batch = gather(trainPos, start, Math.min(start + batchSize, n));
          const dropoutSeed = (this.seed + 7919 * ++step) >>> 0;
          tf.tidy(() => {
            const xb = tf.tensor2d(batch.xb, [batch.rows, d]);
            const yb = tf.tensor2d(batch.yb, [batch.rows, 1]);
            const wb = tf.tensor2d(batch.wb, [batch.rows, 1]);
            optimizer.minimize(() => this.loss(xb, yb, wb, l2, dropoutSeed), false, variables);
          });
        }
        info.epochs = epoch;
        if (xVal && yVal && wVal) {
          const lossTensor = tf.tidy(() => this.loss(xVal, yVal, wVal, 0));
          const loss = lossTensor.dataSync()[0]!;
          lossTensor.dispose();
          if (loss < info.bestValidationLoss - 1e-5) {
            info.bestValidationLoss = loss;
            info.bestEpoch = epoch;
            tf.dispose(best);
            best = variables.map((v) => tf.clone(v));
          } else if (epoch - info.bestEpoch >= patience) break;
        } else info.bestEpoch = epoch;
        if (performance.now() - lastYield > YIELD_EVERY_MS) {
          await new Promise((resolve) => setTimeout(resolve, 0));
          lastYield = performance.now();
        }
      }
      if (best) variables.forEach((v, i) => v.assign(best![i]!));
      this.info = info;
      return info;
    } catch (e) {
      this.dispose();
      throw e;
    } finally {
      tf.dispose([...(best ?? []), ...[xVal, yVal, wVal].filter((t) => t !== undefined)]);
      optimizer.dispose();
    }
  }

  /** Weighted mean log loss (regression: squared or Huber loss), plus weight decay on the kernels when l2 > 0. Dropout only when a seed is given. */
  private loss(x: tf.Tensor2D, y: tf.Tensor2D, w: tf.Tensor2D, l2: number, dropoutSeed?: number): tf.Scalar {
    const logits = this.forward(x, dropoutSeed);
    const perRow = !this.regression
      ? tf.losses.sigmoidCrossEntropy(y, logits, undefined, undefined, tf.Reduction.NONE)
      : this.regression.loss === 'huber'
        ? tf.losses.huberLoss(y, logits, undefined, 1, tf.Reduction.NONE)
        : tf.squaredDifference(y, logits);
    let loss: tf.Scalar = tf.div(tf.sum(tf.mul(perRow, w)), tf.sum(w));
    if (l2 > 0) for (const layer of this.layers) loss = tf.add(loss, tf.mul(l2 / 2, tf.sum(tf.square(layer.w))));
    return loss;
  }

  predict(X: Matrix): Float32Array {
    if (this.layers.length === 0) throw new Error('MLP is not fitted');
    if (X.cols !== this.cols) throw new Error(`Model has ${this.cols} features but the matrix has ${X.cols} columns`);
    const out = new Float32Array(X.rows);
    for (let start = 0; start < X.rows; start += PREDICT_CHUNK) {
      const end = Math.min(start + PREDICT_CHUNK, X.rows);
      const p = tf.tidy(() => {
        const out = this.forward(tf.tensor2d(X.data.subarray(start * X.cols, end * X.cols), [end - start, X.cols]));
        return this.regression ? tf.add(tf.mul(out, this.yStd), this.yMean) : tf.sigmoid(out);
      });
      out.set(p.dataSync(), start);
      p.dispose();
    }
    return out;
  }

  dispose(): void {
    tf.dispose(this.layers.flatMap((l) => [l.w, l.b]));
    this.layers = [];
  }
}
