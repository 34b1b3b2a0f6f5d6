/**
 * The churn pipeline the worker runs: parse target → stratified split → fit
 * features on the training rows → logistic regression → hold-out metrics
 * beside a majority-class baseline. Callable directly (tests, bench) once a
 * TensorFlow.js backend is set (see backend.ts / backend-node.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { abortError } from '../lib/errors.ts';
import { inputError } from './errors.ts';
import { permutationImportance } from './explain.ts';
import { applyFeatures, featureGroups, fitFeatures, indexColumns, parseBinaryTarget, type ColumnData } from './features.ts';
import { trainLogReg, type AbortFlag, type EpochProgress } from './logreg.ts';
import { confusionMatrix, logLoss, metricsFromConfusion, rocAuc, rocCurve } from './metrics.ts';
import type { ChurnResult, TrainConfig, TrainPayload } from './protocol.ts';
import { stratifiedKFold, stratifiedSplit } from './split.ts';

function checkConfig(c: TrainConfig): void {
  const problems: string[] = [];
  if (!(c.testFraction > 0 && c.testFraction < 1)) problems.push(`testFraction = ${c.testFraction} (must be between 0 and 1)`);
  if (!Number.isInteger(c.seed)) problems.push(`seed = ${c.seed} (must be an integer)`);
  if (!(Number.isInteger(c.epochs) && c.epochs >= 1)) problems.push(`epochs = ${c.epochs} (must be a whole number ≥ 1)`);
  if (!(c.learningRate > 0)) problems.push(`learningRate = ${c.learningRate} (must be > 0)`);
  if (!(c.l2 >= 0)) problems.push(`l2 = ${c.l2} (must be ≥ 0)`);
  if (!(Number.isInteger(c.batchSize) && c.batchSize >= 1)) problems.push(`batchSize = ${c.batchSize} (must be a whole number ≥ 1)`);
  if (problems.length) {
    throw inputError(`Invalid training settings: ${problems.join('; ')}.`, `训练设置无效：${problems.join('；')}。`);
  }
}

/** The rows a model can use: those whose target is present, with their 0/1 labels. */
export interface PreparedTarget {
  positiveLabel: string;
  negativeLabel: string;
  missingTargets: number;
  /** Row indices whose target is present; positions in `y` refer to these. */
  usable: number[];
  y: Uint8Array;
}

interface Prepared extends PreparedTarget {
  payload: TrainPayload;
}

/** Parses the target column and checks each class has at least `minPerClass` rows. */
export function prepareTarget(columns: readonly ColumnData[], target: string, minPerClass = 2): PreparedTarget {
  const targetColumn = indexColumns(columns).get(target);
  if (!targetColumn) throw inputError(`Target column "${target}" is not in the table.`, `表中没有目标列“${target}”。`);
  const parsed = parseBinaryTarget(targetColumn);
  const usable: number[] = [];
  parsed.labels.forEach((label, row) => {
    if (label >= 0) usable.push(row);
  });
  const y = Uint8Array.from(usable, (row) => parsed.labels[row]!);
  const nPositive = y.reduce((s, v) => s + v, 0);
  if (Math.min(nPositive, y.length - nPositive) < minPerClass) {
    throw inputError(
      `Target column "${target}" needs at least ${minPerClass} rows of each class to train and test; it has ${nPositive} "${parsed.positiveLabel}" and ${y.length - nPositive} "${parsed.negativeLabel}".`,
      `目标列“${target}”的每个类别至少需要 ${minPerClass} 行才能训练和测试；现有“${parsed.positiveLabel}” ${nPositive} 行、“${parsed.negativeLabel}” ${y.length - nPositive} 行。`,
    );
  }
  return { positiveLabel: parsed.positiveLabel, negativeLabel: parsed.negativeLabel, missingTargets: parsed.missing, usable, y };
}

function prepare(payload: TrainPayload): Prepared {
  checkConfig(payload.config);
  return { payload, ...prepareTarget(payload.columns, payload.target) };
}

/** Fit features and a fresh model on `train` (positions in `prep.y`) and score `test`. */
async function fitAndPredict(prep: Prepared, train: number[], test: number[], onProgress?: (p: EpochProgress) => void, signal?: AbortFlag) {
  const { columns, target, exclude, config } = prep.payload;
  const trainRows = train.map((i) => prep.usable[i]!);
  const testRows = test.map((i) => prep.usable[i]!);
  const yTrain = Uint8Array.from(train, (i) => prep.y[i]!);
  const yTest = Uint8Array.from(test, (i) => prep.y[i]!);
  const fitted = fitFeatures(columns, { target, exclude }, trainRows);
  const model = await trainLogReg(applyFeatures(fitted, columns, trainRows), yTrain, config, { onEpoch: onProgress, signal });
  if (signal?.aborted) throw abortError('Training cancelled');
  const xTest = applyFeatures(fitted, columns, testRows);
  return { fitted, model, yTrain, yTest, xTest, p: model.predict(xTest) };
}

/** Pearson correlation of design-matrix column `col` (row-major, `cols` wide) with `p`; 0 when either is constant. */
function correlation(data: Float32Array, cols: number, col: number, p: ArrayLike<number>): number {
  const n = p.length;
  let mx = 0;
  let mp = 0;
  for (let i = 0; i < n; i++) {
    mx += data[i * cols + col]!;
    mp += p[i]!;
  }
  mx /= n;
  mp /= n;
  let sxy = 0;
  let sxx = 0;
  let spp = 0;
  for (let i = 0; i < n; i++) {
    const dx = data[i * cols + col]! - mx;
    const dp = p[i]! - mp;
    sxy += dx * dp;
    sxx += dx * dx;
    spp += dp * dp;
  }
  return sxx > 0 && spp > 0 ? sxy / Math.sqrt(sxx * spp) : 0;
}

export async function trainChurnModel(
  payload: TrainPayload,
  onProgress?: (progress: EpochProgress) => void,
  signal?: AbortFlag,
): Promise<ChurnResult> {
  const started = performance.now();
  const prep = prepare(payload);
  const split = stratifiedSplit(prep.y, payload.config.testFraction, payload.config.seed);
  const { fitted, model, yTrain, yTest, xTest, p } = await fitAndPredict(prep, split.train, split.test, onProgress, signal);
  // Weights of correlated or one-hot columns split and flip between them; the
  // AUC lost when a whole source column is shuffled on the hold-out does not.
  const groups = featureGroups(fitted);
  const perm = permutationImportance((X) => model.predict(X), xTest, yTest, groups, { repeats: 3, seed: payload.config.seed });
  const importance = perm.drops
    .map(({ column, values }, g) => {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      const group = groups[g]!;
      // The sign of a weight flips between correlated columns (orders_total beside orders_last_90d):
      // the direction a user reads is how the model's hold-out scores move with the column overall.
      const direction = group.kind === 'numeric' ? Math.sign(correlation(xTest.data, xTest.cols, group.start, p)) : 0;
      return { column, mean, std, direction };
    })
    .sort((a, b) => b.mean - a.mean || a.column.localeCompare(b.column));

  const confusion = confusionMatrix(yTest, p, 0.5);
  // Majority-class baseline: the training churn rate as every test row's score.
  const trainRate = yTrain.reduce((s, v) => s + v, 0) / yTrain.length;
  const constant = new Float32Array(yTest.length).fill(trainRate);
  return {
    auc: rocAuc(yTest, p),
    ...metricsFromConfusion(confusion),
    logLoss: logLoss(yTest, p),
    baseline: {
      auc: rocAuc(yTest, constant),
      accuracy: metricsFromConfusion(confusionMatrix(yTest, constant, 0.5)).accuracy,
      logLoss: logLoss(yTest, constant),
    },
    nTrain: yTrain.length,
    nTest: yTest.length,
    positiveRate: prep.y.reduce((s, v) => s + v, 0) / prep.y.length,
    positiveLabel: prep.positiveLabel,
    features: fitted.names,
    weights: model.weights,
    bias: model.bias,
    importance,
    dropped: fitted.dropped,
    droppedRows: prep.missingTargets,
    roc: rocCurve(yTest, p),
    confusion,
    backend: tf.getBackend(),
    trainMs: Math.round(performance.now() - started),
  };
}

export interface CrossValidation {
  /** Means over folds. */
  auc: number;
  accuracy: number;
  f1: number;
  folds: { auc: number; accuracy: number; f1: number }[];
}

/**
 * Stratified k-fold cross-validation of the same pipeline (`config.testFraction`
 * is ignored): features and a fresh model are fitted per fold.
 */
export async function crossValidateChurnModel(payload: TrainPayload, k = 5, signal?: AbortFlag): Promise<CrossValidation> {
  const prep = prepare(payload);
  const folds: CrossValidation['folds'] = [];
  for (const fold of stratifiedKFold(prep.y, k, payload.config.seed)) {
    const { yTest, p } = await fitAndPredict(prep, fold.train, fold.test, undefined, signal);
    const m = metricsFromConfusion(confusionMatrix(yTest, p, 0.5));
    folds.push({ auc: rocAuc(yTest, p), accuracy: m.accuracy, f1: m.f1 });
  }
  const mean = (key: 'auc' | 'accuracy' | 'f1'): number => folds.reduce((s, f) => s + f[key], 0) / folds.length;
  return { auc: mean('auc'), accuracy: mean('accuracy'), f1: mean('f1'), folds };
}
