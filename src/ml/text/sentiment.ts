/**
 * Sentiment trained on the user's own labels: binary logistic regression on
 * hashed features, fitted by AdaGrad SGD with L2 in typed arrays (no TF.js
 * needed for a linear model), evaluated on a stratified hold-out beside the
 * majority baseline.
 */
import { mulberry32, shuffleInPlace } from '../../lib/random.ts';
import { stratifiedSplit } from '../split.ts';
import { HASH_BITS, type SparseVector } from './features.ts';

export interface LinearModel {
  weights: Float32Array;
  bias: number;
}

export interface FitOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

export const DEFAULT_FIT: FitOptions = { epochs: 4, learningRate: 0.3, l2: 1e-6, seed: 7 };

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function score(weights: Float32Array, bias: number, x: SparseVector): number {
  let z = bias;
  for (let k = 0; k < x.index.length; k++) z += weights[x.index[k]!]! * x.value[k]!;
  return sigmoid(z);
}

export function predict(model: LinearModel, x: SparseVector): number {
  return score(model.weights, model.bias, x);
}

/** Fits on the rows `rows` of `xs` with labels `y` (0/1), classes weighted equally. */
export function fitLogistic(xs: readonly SparseVector[], y: ArrayLike<number>, rows: readonly number[], options: FitOptions = DEFAULT_FIT, onEpoch: (fraction: number) => void = () => {}): LinearModel {
  const dim = 1 << HASH_BITS;
  const weights = new Float32Array(dim);
  const g2 = new Float32Array(dim);
  let bias = 0;
  let g2b = 0;
  let positives = 0;
  for (const r of rows) positives += y[r]!;
  // Balanced class weights, so a 2:1 corpus does not tilt the model towards the larger class.
  const wPos = positives > 0 ? rows.length / (2 * positives) : 1;
  const wNeg = rows.length - positives > 0 ? rows.length / (2 * (rows.length - positives)) : 1;
  const order = [...rows];
  const random = mulberry32(options.seed);
  const eta = options.learningRate;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const r of order) {
      const x = xs[r]!;
      const t = y[r]!;
      const g = (score(weights, bias, x) - t) * (t === 1 ? wPos : wNeg);
      for (let k = 0; k < x.index.length; k++) {
        const j = x.index[k]!;
        const gj = g * x.value[k]! + options.l2 * weights[j]!;
        g2[j]! += gj * gj;
        weights[j]! -= (eta * gj) / Math.sqrt(g2[j]! + 1e-8);
      }
      g2b += g * g;
      bias -= (eta * g) / Math.sqrt(g2b + 1e-8);
    }
    onEpoch((epoch + 1) / options.epochs);
  }
  return { weights, bias };
}

export interface Evaluation {
  accuracy: number;
  macroF1: number;
  baseline: number;
}

/** Accuracy, macro-F1 (mean of the two classes' F1) and the majority-class accuracy. */
export function evaluate(y: readonly number[], predicted: readonly number[]): Evaluation {
  let tp = 0;
  let tn = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 1) {
      if (predicted[i] === 1) tp++;
      else fn++;
    } else if (predicted[i] === 1) fp++;
    else tn++;
  }
  const n = y.length;
  const f1 = (a: number, b: number) => (2 * a + b === 0 ? 0 : (2 * a) / (2 * a + b));
  return {
    accuracy: n === 0 ? 0 : (tp + tn) / n,
    macroF1: (f1(tp, fp + fn) + f1(tn, fp + fn)) / 2,
    baseline: n === 0 ? 0 : Math.max(tp + fn, tn + fp) / n,
  };
}

export interface TrainedSentiment {
  model: LinearModel;
  train: number[];
  test: number[];
  evaluation: Evaluation;
}

/**
 * Holds out `testFraction` of the labelled rows (stratified, seeded), fits on
 * the rest and measures on the hold-out. `labelled` are the positions of `xs`
 * that have a label; `y` is aligned with `labelled`.
 */
export function trainSentiment(xs: readonly SparseVector[], labelled: readonly number[], y: readonly number[], seed: number, testFraction = 0.2, onEpoch?: (fraction: number) => void): TrainedSentiment {
  const split = stratifiedSplit(y, testFraction, seed);
  const yAll = new Float32Array(xs.length);
  labelled.forEach((row, i) => (yAll[row] = y[i]!));
  const train = split.train.map((i) => labelled[i]!);
  const test = split.test.map((i) => labelled[i]!);
  const model = fitLogistic(xs, yAll, train, { ...DEFAULT_FIT, seed }, onEpoch);
  const predicted = test.map((r) => (predict(model, xs[r]!) >= 0.5 ? 1 : 0));
  const evaluation = evaluate(split.test.map((i) => y[i]!), predicted);
  return { model, train, test, evaluation };
}
