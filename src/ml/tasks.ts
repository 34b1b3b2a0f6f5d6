/**
 * The worker side of the model search: load a data set once, then run tasks
 * on it (fit a configuration on one fold, permutation importance on one fold,
 * refit on all rows and score every row). Features are fitted on each fold's
 * training rows only. Every model is fresh and disposed before the task ends,
 * whether it succeeds, fails or is cancelled. Needs a TensorFlow.js backend.
 */
import { abortError } from '../lib/errors.ts';
import { hashSeed } from '../lib/random.ts';
import { inputError } from './errors.ts';
import { columnMeans, linearEffects, perturbationEffects, permutationImportance, topReasons } from './explain.ts';
import { applyFeatures, cellAt, featureGroups, fitFeatures, referenceRow, type FeatureGroup, type FittedFeatures, type Matrix } from './features.ts';
import type { AbortFlag } from './logreg.ts';
import { scoreSet } from './metrics.ts';
import { balancedWeights, createModel, type Classifier } from './models.ts';
import type { DatasetInfo, DatasetPayload, FoldResult, ImportanceResult, RefitResult, SearchPayload, SearchProgress, SearchResult, SearchTask, TaskResult } from './protocol.ts';
import { coordinateSearch, SearchControl, type TaskRunner } from './search.ts';
import { specLabel, type ModelSpec } from './specs.ts';
import { stratifiedKFold, type Split } from './split.ts';
import { riskTier } from './thresholds.ts';
import { prepareTarget } from './train.ts';

interface FoldData {
  fitted: FittedFeatures;
  groups: FeatureGroup[];
  xTrain: Matrix;
  yTrain: Uint8Array;
  xTest: Matrix;
  yTest: Uint8Array;
}

export interface LoadedDataset {
  payload: DatasetPayload;
  info: DatasetInfo;
  /** Table row of each usable position. */
  usable: number[];
  y: Uint8Array;
  folds: Split[];
  /** The most recently used folds' matrices (tasks come fold by fold). */
  cache: Map<number, FoldData>;
}

const FOLD_CACHE_SIZE = 2;

export function loadDataset(payload: DatasetPayload): LoadedDataset {
  const { columns, target, exclude, k, seed, maxLevels } = payload;
  const problems: string[] = [];
  if (!(Number.isInteger(k) && k >= 2)) problems.push(`k = ${k} (must be a whole number ≥ 2)`);
  if (!Number.isInteger(seed)) problems.push(`seed = ${seed} (must be an integer)`);
  if (problems.length) throw inputError(`Invalid search settings: ${problems.join('; ')}.`, `搜索设置无效：${problems.join('；')}。`);
  // Every fold's test part needs both classes.
  const prepared = prepareTarget(columns, target, k);
  const folds = stratifiedKFold(prepared.y, k, seed);
  const foldOf = new Array<number>(prepared.y.length);
  folds.forEach((f, i) => f.test.forEach((pos) => (foldOf[pos] = i)));
  const all = fitFeatures(columns, { target, exclude, ...(maxLevels ? { maxLevels } : {}) }, prepared.usable);
  const nPositive = prepared.y.reduce((s, v) => s + v, 0);
  const info: DatasetInfo = {
    nRows: columns[0]?.values.length ?? 0,
    nUsable: prepared.y.length,
    rows: prepared.usable,
    y: Array.from(prepared.y),
    foldOf,
    k,
    seed,
    positiveLabel: prepared.positiveLabel,
    negativeLabel: prepared.negativeLabel,
    positiveRate: nPositive / prepared.y.length,
    droppedRows: prepared.missingTargets,
    features: all.names,
    dropped: all.dropped,
  };
  return { payload, info, usable: prepared.usable, y: prepared.y, folds, cache: new Map() };
}

function fitTransform(ds: LoadedDataset, trainPositions: readonly number[]): { fitted: FittedFeatures; groups: FeatureGroup[]; X: Matrix; y: Uint8Array } {
  const { columns, target, exclude, maxLevels } = ds.payload;
  const rows = trainPositions.map((i) => ds.usable[i]!);
  const fitted = fitFeatures(columns, { target, exclude, ...(maxLevels ? { maxLevels } : {}) }, rows);
  return { fitted, groups: featureGroups(fitted), X: applyFeatures(fitted, columns, rows), y: Uint8Array.from(trainPositions, (i) => ds.y[i]!) };
}

function foldData(ds: LoadedDataset, fold: number): FoldData {
  const hit = ds.cache.get(fold);
  if (hit) {
    ds.cache.delete(fold);
    ds.cache.set(fold, hit);
    return hit;
  }
  const split = ds.folds[fold];
  if (!split) throw new Error(`Fold ${fold} does not exist (k = ${ds.folds.length})`);
  const train = fitTransform(ds, split.train);
  const data: FoldData = {
    fitted: train.fitted,
    groups: train.groups,
    xTrain: train.X,
    yTrain: train.y,
    xTest: applyFeatures(
      train.fitted,
      ds.payload.columns,
      split.test.map((i) => ds.usable[i]!),
    ),
    yTest: Uint8Array.from(split.test, (i) => ds.y[i]!),
  };
  ds.cache.set(fold, data);
  while (ds.cache.size > FOLD_CACHE_SIZE) ds.cache.delete(ds.cache.keys().next().value!);
  return data;
}

/** A fresh model fitted on (X, y) with the spec's class weights; the caller disposes it. */
async function fitModel(spec: ModelSpec, groups: FeatureGroup[], X: Matrix, y: Uint8Array, seed: number, signal?: AbortFlag): Promise<Classifier> {
  if (signal?.aborted) throw abortError('Training cancelled');
  const model = createModel(spec, { groups, seed, ...(signal ? { signal } : {}) });
  try {
    await model.fit(X, y, spec.classWeight === 'balanced' ? balancedWeights(y) : undefined);
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

async function runFitFold(ds: LoadedDataset, task: Extract<SearchTask, { kind: 'fitFold' }>, signal?: AbortFlag): Promise<FoldResult> {
  const data = foldData(ds, task.fold);
  const started = performance.now();
  const model = await fitModel(task.spec, data.groups, data.xTrain, data.yTrain, task.seed, signal);
  try {
    const p = model.predict(data.xTest);
    const note = model.note();
    return {
      kind: 'fitFold',
      configId: task.configId,
      fold: task.fold,
      scores: scoreSet(data.yTest, p),
      p: Array.from(p),
      fitMs: Math.round(performance.now() - started),
      ...(note ? { note } : {}),
    };
  } finally {
    model.dispose();
  }
}

async function runImportance(ds: LoadedDataset, task: Extract<SearchTask, { kind: 'importance' }>, signal?: AbortFlag): Promise<ImportanceResult> {
  const data = foldData(ds, task.fold);
  const started = performance.now();
  const model = await fitModel(task.spec, data.groups, data.xTrain, data.yTrain, task.seed, signal);
  try {
    const { base, drops } = permutationImportance((X) => model.predict(X), data.xTest, data.yTest, data.groups, { repeats: task.repeats, seed: hashSeed(task.seed, 'permute') });
    return { kind: 'importance', fold: task.fold, base, drops, fitMs: Math.round(performance.now() - started) };
  } finally {
    model.dispose();
  }
}

async function runRefit(ds: LoadedDataset, task: Extract<SearchTask, { kind: 'refit' }>, signal?: AbortFlag): Promise<RefitResult> {
  const started = performance.now();
  const { columns } = ds.payload;
  const train = fitTransform(
    ds,
    Array.from(ds.y, (_, i) => i),
  );
  const model = await fitModel(task.spec, train.groups, train.X, train.y, task.seed, signal);
  try {
    const X = applyFeatures(train.fitted, columns);
    const p = model.predict(X);
    const linear = model.linear();
    const effects = linear ? linearEffects(X, linear.weights, columnMeans(train.X), train.groups) : perturbationEffects((m) => model.predict(m), X, train.groups, referenceRow(train.fitted), p);
    const byName = new Map(columns.map((c) => [c.name, c]));
    return {
      kind: 'refit',
      final: {
        spec: task.spec,
        label: specLabel(task.spec),
        features: train.fitted.names,
        ...(linear ? { linear } : {}),
        reasonUnit: linear ? 'logit' : 'probability',
        tiers: task.tiers,
        scored: Array.from(p, (probability, row) => ({
          row,
          probability,
          tier: riskTier(probability, task.tiers),
          reasons: task.reasons > 0 ? topReasons(effects, row, train.groups, (column) => cellAt(byName.get(column)!.values, row), task.reasons) : [],
        })),
        fitMs: Math.round(performance.now() - started),
      },
    };
  } finally {
    model.dispose();
  }
}

export function runTask(ds: LoadedDataset, task: SearchTask, signal?: AbortFlag): Promise<TaskResult> {
  switch (task.kind) {
    case 'fitFold':
      return runFitFold(ds, task, signal);
    case 'importance':
      return runImportance(ds, task, signal);
    case 'refit':
      return runRefit(ds, task, signal);
    case 'fitValueFold':
    case 'scoreValue':
      return Promise.reject(new Error('A churn data set cannot run a value model task'));
    default:
      return task satisfies never;
  }
}

/**
 * One slot running tasks in this thread. Before each task it lets queued
 * messages run, so a pause or cancel sent to a busy worker is seen between fits
 * (a fit only yields while it trains, which short fits may never do).
 */
export function localRunner(ds: LoadedDataset, signal: AbortFlag): TaskRunner {
  return {
    size: 1,
    run: async (_slot, task) => {
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (signal.aborted) throw abortError('Search cancelled');
      return runTask(ds, task, signal);
    },
  };
}

export interface SearchOptions {
  control?: SearchControl;
  onProgress?: (progress: SearchProgress) => void;
}

/** A whole search in this thread (the worker's `search` message; tests and bench call it directly). */
export async function runSearch(payload: SearchPayload, options: SearchOptions = {}): Promise<SearchResult> {
  const control = options.control ?? new SearchControl();
  const ds = loadDataset(payload);
  return coordinateSearch(ds.info, payload, localRunner(ds, control.signal), control, options.onProgress);
}
