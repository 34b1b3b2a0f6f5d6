/**
 * The worker side of the value model search, beside tasks.ts (the churn
 * side): load a regression data set once, then fit one configuration on one
 * fold per task. Features are fitted on each fold's training rows only (the
 * same features.ts); folds are tasks.ts's stratified k-fold on y > 0, so
 * every fold has buyers and non-buyers. Every model is fresh and disposed
 * before the task ends. Needs a TensorFlow.js backend.
 *
 * Spend-like inputs are as skewed as the target: numeric columns that are
 * never negative enter the models as log(1 + x) (a fixed transform, so no
 * statistic of the test rows leaks; trees are unaffected, ridge and the MLP
 * stop being dominated by a few big spenders). Predictions are clipped to the
 * training target's range (in the transformed space) before expm1, so a
 * linear extrapolation cannot become an exponential one. The baselines read
 * the untransformed columns.
 */
import { abortError } from '../lib/errors.ts';
import { inputError } from './errors.ts';
import { applyFeatures, fitFeatures, toNumber, cellAt, type ColumnData, type FittedFeatures, type Matrix } from './features.ts';
import type { AbortFlag } from './logreg.ts';
import { Mlp } from './mlp.ts';
import type { TaskRunner } from './search.ts';
import type { SearchTask, TaskResult, ValueDatasetInfo, ValueDatasetPayload, ValueFoldResult, ValueScoreResult } from './protocol.ts';
import { regressionScores } from './regression-metrics.ts';
import { fitRidge } from './ridge.ts';
import { stratifiedKFold, type Split } from './split.ts';
import { GradientBoosting } from './trees.ts';
import { lifetimeBaseline } from './value-lifetime.ts';
import type { ValueSpec } from './value-specs.ts';

interface ValueFoldData {
  fitted: FittedFeatures;
  xTrain: Matrix;
  yTrain: Float64Array;
  xTest: Matrix;
  yTest: Float64Array;
  /** Table rows of the test positions (the baselines read their columns there). */
  testRows: number[];
}

export interface LoadedValueDataset {
  task: 'regression';
  payload: ValueDatasetPayload;
  /** The payload's columns with non-negative numeric ones as log(1 + x) (the target and baselines read `payload.columns`). */
  featureColumns: ColumnData[];
  info: ValueDatasetInfo;
  usable: number[];
  y: Float64Array;
  folds: Split[];
  cache: Map<number, ValueFoldData>;
}

const FOLD_CACHE_SIZE = 2;

export function loadValueDataset(payload: ValueDatasetPayload): LoadedValueDataset {
  const { columns, target, exclude, k, seed, maxLevels } = payload;
  const problems: string[] = [];
  if (!(Number.isInteger(k) && k >= 2)) problems.push(`k = ${k} (must be a whole number ≥ 2)`);
  if (!Number.isInteger(seed)) problems.push(`seed = ${seed} (must be an integer)`);
  const column = columns.find((c) => c.name === target);
  if (!column) problems.push(`target column "${target}" is not in the table`);
  if (problems.length) throw inputError(`Invalid search settings: ${problems.join('; ')}.`, `搜索设置无效：${problems.join('；')}。`);
  const usable: number[] = [];
  const ys: number[] = [];
  for (let r = 0; r < column!.values.length; r++) {
    const v = toNumber(cellAt(column!.values, r));
    if (typeof v === 'number') {
      usable.push(r);
      ys.push(v);
    }
  }
  if (usable.length < k * 2) {
    throw inputError(
      `Only ${usable.length} rows have a number in "${target}"; ${k}-fold cross-validation needs at least ${k * 2}. Choose an earlier cut-off or a shorter horizon.`,
      `只有 ${usable.length} 行的「${target}」是数字；${k} 折交叉验证至少需要 ${k * 2} 行。请选择更早的截止日期或更短的预测期。`,
    );
  }
  const y = Float64Array.from(ys);
  const folds = stratifiedKFold(Uint8Array.from(y, (v) => (v > 0 ? 1 : 0)), k, seed);
  const foldOf = new Array<number>(y.length);
  folds.forEach((f, i) => f.test.forEach((pos) => (foldOf[pos] = i)));
  const featureColumns = columns.map((c): ColumnData => {
    if (c.name === target || !(c.values instanceof Float64Array)) return c;
    const v = c.values;
    for (let i = 0; i < v.length; i++) if (v[i]! < 0) return c;
    return { name: c.name, values: Float64Array.from(v, (x) => Math.log1p(x)) };
  });
  const all = fitFeatures(featureColumns, { target, exclude, ...(maxLevels ? { maxLevels } : {}) }, usable);
  const info: ValueDatasetInfo = {
    nRows: column!.values.length,
    nUsable: y.length,
    rows: usable,
    y: Array.from(y),
    foldOf,
    k,
    seed,
    log1p: payload.log1p,
    droppedRows: column!.values.length - y.length,
    features: all.names,
    dropped: all.dropped,
  };
  return { task: 'regression', payload, featureColumns, info, usable, y, folds, cache: new Map() };
}

function foldData(ds: LoadedValueDataset, fold: number): ValueFoldData {
  const hit = ds.cache.get(fold);
  if (hit) return hit;
  const split = ds.folds[fold];
  if (!split) throw new Error(`Fold ${fold} does not exist (k = ${ds.folds.length})`);
  const { target, exclude, maxLevels } = ds.payload;
  const columns = ds.featureColumns;
  const trainRows = split.train.map((i) => ds.usable[i]!);
  const testRows = split.test.map((i) => ds.usable[i]!);
  const fitted = fitFeatures(columns, { target, exclude, ...(maxLevels ? { maxLevels } : {}) }, trainRows);
  const data: ValueFoldData = {
    fitted,
    xTrain: applyFeatures(fitted, columns, trainRows),
    yTrain: Float64Array.from(split.train, (i) => ds.y[i]!),
    xTest: applyFeatures(fitted, columns, testRows),
    yTest: Float64Array.from(split.test, (i) => ds.y[i]!),
    testRows,
  };
  ds.cache.set(fold, data);
  while (ds.cache.size > FOLD_CACHE_SIZE) ds.cache.delete(ds.cache.keys().next().value!);
  return data;
}

/** The training target: log1p of spend (negative net spend counts as 0) or spend itself. */
export function transformTarget(y: ArrayLike<number>, log1p: boolean): Float64Array {
  return Float64Array.from(y as ArrayLike<number>, (v) => (log1p ? Math.log1p(Math.max(v, 0)) : v));
}

/** Predictions clipped to [min, max] of the training target. */
export function clipToRange(p: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < y.length; i++) {
    lo = Math.min(lo, y[i]!);
    hi = Math.max(hi, y[i]!);
  }
  return Float64Array.from(p as ArrayLike<number>, (v) => Math.min(hi, Math.max(lo, v)));
}

export function untransform(p: ArrayLike<number>, log1p: boolean): Float64Array {
  return Float64Array.from(p as ArrayLike<number>, (v) => (log1p ? Math.expm1(v) : v));
}

/** Fits a fresh regressor of `spec` and predicts `xTest`; every tensor it made is gone when this returns or throws. */
export async function fitPredict(spec: ValueSpec, xTrain: Matrix, yTrain: Float64Array, xTest: Matrix, seed: number, signal?: AbortFlag): Promise<{ p: Float32Array; note?: string }> {
  if (signal?.aborted) throw abortError('Training cancelled');
  switch (spec.kind) {
    case 'ridge':
      return { p: fitRidge(xTrain, yTrain, spec.params.l2).predict(xTest) };
    case 'mlp': {
      const { loss, ...params } = spec.params;
      const mlp = new Mlp(params, seed, { loss });
      try {
        const info = await mlp.fit(xTrain, yTrain, undefined, signal);
        return { p: mlp.predict(xTest), note: `epochs ${info.bestEpoch}/${info.epochs}` };
      } finally {
        mlp.dispose();
      }
    }
    case 'gbt': {
      const gbt = new GradientBoosting({ ...spec.params, seed });
      await gbt.fit(xTrain, yTrain, undefined, signal);
      return { p: gbt.predict(xTest) };
    }
    case 'lastPeriod':
    case 'histMean':
    case 'bgnbd':
      throw new Error(`${spec.kind} is a baseline: it reads a column and is not fitted`);
    default:
      return spec satisfies never;
  }
}

async function runValueFold(ds: LoadedValueDataset, task: Extract<SearchTask, { kind: 'fitValueFold' }>, signal?: AbortFlag): Promise<ValueFoldResult> {
  const data = foldData(ds, task.fold);
  const started = performance.now();
  let p: Float64Array;
  let note: string | undefined;
  if (task.spec.kind === 'bgnbd') {
    const lifetime = ds.payload.baselineColumns.lifetime;
    if (!lifetime) throw new Error('The BG/NBD baseline needs the lifetime summary columns');
    const split = ds.folds[task.fold]!;
    const fit = lifetimeBaseline(ds.payload.columns, lifetime, split.train.map((i) => ds.usable[i]!), data.testRows, signal instanceof AbortSignal ? signal : undefined);
    p = fit.p;
    note = fit.note;
  } else if (task.spec.kind === 'lastPeriod' || task.spec.kind === 'histMean') {
    const name = ds.payload.baselineColumns[task.spec.kind];
    const column = ds.payload.columns.find((c) => c.name === name);
    if (!column) throw new Error(`The ${task.spec.kind} baseline needs column "${String(name)}"`);
    // A customer without a value there spent nothing in that period.
    p = Float64Array.from(data.testRows, (r) => {
      const v = toNumber(cellAt(column.values, r));
      return typeof v === 'number' ? v : 0;
    });
  } else {
    const yT = transformTarget(data.yTrain, ds.payload.log1p);
    const fit = await fitPredict(task.spec, data.xTrain, yT, data.xTest, task.seed, signal);
    p = untransform(clipToRange(fit.p, yT), ds.payload.log1p);
    note = fit.note;
  }
  return {
    kind: 'fitValueFold',
    configId: task.configId,
    fold: task.fold,
    scores: regressionScores(data.yTest, p),
    p: Array.from(p),
    fitMs: Math.round(performance.now() - started),
    ...(note ? { note } : {}),
  };
}

/**
 * The chosen model refitted on every usable training row and applied to
 * `task.columns` (the same features as of another cut-off): the columns the
 * training set took as log(1 + x) are taken so there too, negatives as 0.
 */
export async function runValueScore(ds: LoadedValueDataset, task: Extract<SearchTask, { kind: 'scoreValue' }>, signal?: AbortFlag): Promise<ValueScoreResult> {
  const started = performance.now();
  const { target, exclude, maxLevels, columns, log1p } = ds.payload;
  const logged = new Set(ds.featureColumns.filter((c, i) => c !== columns[i]).map((c) => c.name));
  const scoring = task.columns.map((c): ColumnData => (logged.has(c.name) && c.values instanceof Float64Array ? { name: c.name, values: Float64Array.from(c.values, (x) => Math.log1p(Math.max(0, x))) } : c));
  const fitted = fitFeatures(ds.featureColumns, { target, exclude, ...(maxLevels ? { maxLevels } : {}) }, ds.usable);
  const yT = transformTarget(ds.y, log1p);
  const fit = await fitPredict(task.spec, applyFeatures(fitted, ds.featureColumns, ds.usable), yT, applyFeatures(fitted, scoring), task.seed, signal);
  const p = untransform(clipToRange(fit.p, yT), log1p);
  return { kind: 'scoreValue', p: Array.from(p), fitMs: Math.round(performance.now() - started), ...(fit.note ? { note: fit.note } : {}) };
}

export function runValueTask(ds: LoadedValueDataset, task: SearchTask, signal?: AbortFlag): Promise<TaskResult> {
  if (task.kind === 'scoreValue') return runValueScore(ds, task, signal);
  if (task.kind !== 'fitValueFold') return Promise.reject(new Error(`A value data set runs fitValueFold and scoreValue tasks, not ${task.kind}`));
  return runValueFold(ds, task, signal);
}

/** One slot in this thread (tests, and the worker's own loop): lets queued messages run before each task. */
export function localValueRunner(ds: LoadedValueDataset, signal: AbortFlag): TaskRunner {
  return {
    size: 1,
    run: async (_slot, task) => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (signal.aborted) throw abortError('Search cancelled');
      return runValueTask(ds, task, signal);
    },
  };
}
