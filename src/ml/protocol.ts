/**
 * The churn worker's whole message protocol. Requests go main thread → worker,
 * responses worker → main thread; every message carries the id of the train
 * request it belongs to. Errors travel as {name, message, stack} and become
 * real Errors again in the client.
 */
import type { SerializedError } from '../lib/errors.ts';
import type { Reason } from './explain.ts';
import type { ColumnData } from './features.ts';
import type { Confusion, ScoreSet } from './metrics.ts';
import { DEFAULT_GRID, type GridSpec, type ModelSpec } from './specs.ts';
import type { RegressionScores } from './regression-metrics.ts';
import type { ValueGridSpec, ValueSpec } from './value-specs.ts';
import { DEFAULT_TIERS, type CalibrationBin, type GainPoint, type RiskTier, type ThresholdPoint, type TierThresholds } from './thresholds.ts';

export type { EpochProgress } from './logreg.ts';
export type { Reason } from './explain.ts';
export type { ScoreSet } from './metrics.ts';
export type { RegressionScores } from './regression-metrics.ts';
export type { ValueGridSpec, ValueSpec } from './value-specs.ts';
export type { ClassWeight, GbtParams, GridSpec, LogRegParams, MlpParams, ModelKind, ModelSpec, OneFeatureParams, TreeParams } from './specs.ts';
export type { CalibrationBin, GainPoint, RiskTier, ThresholdPoint, TierThresholds } from './thresholds.ts';

export interface TrainConfig {
  /** Share of rows held out for testing, stratified by class, e.g. 0.2. */
  testFraction: number;
  /** Seeds the split and the batch order. */
  seed: number;
  epochs: number;
  learningRate: number;
  /** See LogRegConfig.l2. */
  l2: number;
  batchSize: number;
}

/** Defaults that land close to the exact L2 optimum on Telco (5,634 training rows) in about 0.3 s on wasm. */
export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  testFraction: 0.2,
  seed: 1,
  epochs: 100,
  learningRate: 0.05,
  l2: 1e-4,
  batchSize: 2048,
};

export interface TrainPayload {
  columns: ColumnData[];
  /** Name of the two-valued column to predict; its positive value is detected (Yes, 1, true, 是, churned, …). */
  target: string;
  /** Columns to leave out; ID-like columns (all values distinct text) are left out anyway. */
  exclude: string[];
  config: TrainConfig;
}

export interface ChurnResult {
  /** Hold-out scores, positive = churn, threshold 0.5. */
  auc: number;
  accuracy: number;
  precision: number;
  recall: number;
  f1: number;
  logLoss: number;
  /** Majority class of the training rows, predicted for every test row. */
  baseline: { auc: number; accuracy: number; logLoss: number };
  nTrain: number;
  nTest: number;
  /** Share of positives among the rows used (train + test). */
  positiveRate: number;
  /** The target value counted as positive, as it appears in the data. */
  positiveLabel: string;
  /** Design-matrix column names, aligned with `weights` (standardised numerics, 0/1 one-hots). */
  features: string[];
  weights: number[];
  bias: number;
  /**
   * Per source column (one-hot levels together), the hold-out ROC AUC lost when
   * its values are shuffled (mean ± std of 3 repeats), largest first;
   * direction: +1 when the hold-out churn scores rise with a numeric column (its correlation with them), −1 when they fall, 0 for categories.
   */
  importance: { column: string; mean: number; std: number; direction: number }[];
  /** Columns not used as features, and why. */
  dropped: { column: string; reason: string }[];
  /** Rows left out because the target was missing. */
  droppedRows: number;
  /** Hold-out ROC curve as [false positive rate, true positive rate]. */
  roc: [number, number][];
  confusion: Confusion;
  /** TensorFlow.js backend that trained the model, e.g. "wasm". */
  backend: string;
  trainMs: number;
}

// ── model search (issue #6) ─────────────────────────────────────────────────

/** The table and target a search works on; sent once per worker. */
export interface DatasetPayload {
  /** Absent or 'classification': a churn search. */
  task?: 'classification';
  columns: ColumnData[];
  target: string;
  /** Columns to leave out (e.g. bank marketing's `duration`); ID-like columns are left out anyway. */
  exclude: string[];
  /** Folds of the stratified cross-validation (default 5). */
  k: number;
  /** Seeds the folds and, per task, every model. */
  seed: number;
  /** See FeatureOptions.maxLevels. */
  maxLevels?: number;
}

export type SelectBy = 'auc' | 'prAuc' | 'logLoss' | 'f1' | 'accuracy';

export interface SearchSettings {
  /** Model configurations to try; the majority-class and one-feature baselines are always added. */
  grid: GridSpec[];
  /** Leaderboard order and choice of the model refitted on all rows (log loss: lower is better). */
  selectBy: SelectBy;
  /** Repeats of each column shuffle for permutation importance (on every held-out fold). */
  importanceRepeats: number;
  /** Risk tiers of the scored list. */
  tiers: TierThresholds;
  /** Reasons listed per scored row. */
  reasons: number;
}

export type SearchPayload = DatasetPayload & SearchSettings;

export const DEFAULT_SEARCH_SETTINGS: SearchSettings & { k: number; seed: number } = {
  k: 5,
  seed: 1,
  grid: DEFAULT_GRID,
  selectBy: 'auc',
  importanceRepeats: 3,
  tiers: DEFAULT_TIERS,
  reasons: 3,
};

/** What a worker reports once it has loaded any data set. Positions 0‥nUsable−1 index `rows`, `y` and `foldOf`. */
export interface DatasetInfoCore {
  /** Rows in the table. */
  nRows: number;
  /** Rows with a target value (the ones models train and test on). */
  nUsable: number;
  /** Table row of each usable position. */
  rows: number[];
  /** Target of each usable position (classification: 1 = positive). */
  y: number[];
  /** Test fold of each usable position. */
  foldOf: number[];
  k: number;
  seed: number;
  /** Rows left out because the target was missing. */
  droppedRows: number;
  /** Design-matrix columns and dropped source columns, as fitted on all usable rows. */
  features: string[];
  dropped: { column: string; reason: string }[];
}

/** A classification data set as loaded by a worker. */
export interface DatasetInfo extends DatasetInfoCore {
  positiveLabel: string;
  negativeLabel: string;
  positiveRate: number;
}

// ── value model search (issue 11 §2): the same pool, tasks and controls, a numeric target ──

/** A regression data set: the target is a number (future spend); rows without one are left out. */
export interface ValueDatasetPayload {
  task: 'regression';
  columns: ColumnData[];
  target: string;
  exclude: string[];
  k: number;
  seed: number;
  maxLevels?: number;
  /** Train on log1p(max(y, 0)) and predict expm1 of the output; scores are always in the target's units. */
  log1p: boolean;
  /** Columns the baselines predict with (absent: that baseline is left out). */
  baselineColumns: ValueBaselineColumns;
}

export interface ValueBaselineColumns {
  lastPeriod?: string;
  histMean?: string;
  /** The BG/NBD × Gamma-Gamma baseline: the summary columns (weeks) and the horizon in months. */
  lifetime?: { x: string; tx: string; T: string; zbar: string; months: number };
}

export interface ValueSearchSettings {
  grid: ValueGridSpec[];
}

export type ValueSearchPayload = ValueDatasetPayload & ValueSearchSettings;

/** A regression data set as loaded by a worker (folds stratified by y > 0, y in the target's units). */
export interface ValueDatasetInfo extends DatasetInfoCore {
  log1p: boolean;
}

export interface ValueFoldResult {
  kind: 'fitValueFold';
  configId: number;
  fold: number;
  scores: RegressionScores;
  /** Predictions for the fold's test rows, ascending positions, in the target's units. */
  p: number[];
  fitMs: number;
  note?: string;
}

export interface ValueLeaderboardRow {
  configId: number;
  spec: ValueSpec;
  label: string;
  baseline: boolean;
  folds: number;
  scores: Record<keyof RegressionScores, MeanStd>;
  perFold: RegressionScores[];
  fitMs: number;
  notes: string[];
}

export interface ValueSearchProgress {
  done: number;
  total: number;
  elapsedMs: number;
  etaMs: number | null;
  paused: boolean;
  /** Models so far, lowest mean absolute error first; baselines apart. */
  leaderboard: ValueLeaderboardRow[];
  baselines: ValueLeaderboardRow[];
}

export interface ValueSearchResult {
  dataset: ValueDatasetInfo;
  /** Lowest cross-validated MAE first. */
  leaderboard: ValueLeaderboardRow[];
  baselines: ValueLeaderboardRow[];
  best: ValueLeaderboardRow;
  /** Out-of-fold predictions aligned with dataset.rows: the best model's, and each baseline's by configId. */
  oof: number[];
  baselineOof: { configId: number; oof: number[] }[];
  tasks: number;
  elapsedMs: number;
}

/** One unit of work for a worker; `seed` is fixed by the coordinator so a task gives the same result on any worker. */
export type SearchTask =
  | { kind: 'fitValueFold'; configId: number; spec: ValueSpec; fold: number; seed: number }
  | { kind: 'fitFold'; configId: number; spec: ModelSpec; fold: number; seed: number }
  | { kind: 'importance'; spec: ModelSpec; fold: number; seed: number; repeats: number }
  | { kind: 'refit'; spec: ModelSpec; seed: number; tiers: TierThresholds; reasons: number }
  /** The value model refitted on every usable row of the loaded data set, scoring `columns` (the features as of another cut-off). */
  | { kind: 'scoreValue'; spec: ValueSpec; seed: number; columns: ColumnData[] };

export interface FoldResult {
  kind: 'fitFold';
  configId: number;
  fold: number;
  scores: ScoreSet;
  /** Scores of the fold's test rows, in ascending position order (positions where foldOf = fold). */
  p: number[];
  fitMs: number;
  note?: string;
}

export interface ImportanceResult {
  kind: 'importance';
  fold: number;
  /** Test-fold ROC AUC before shuffling. */
  base: number;
  /** Per source column, the AUC drop of each repeat. */
  drops: { column: string; values: number[] }[];
  fitMs: number;
}

export interface ScoredRow {
  /** Row in the table. */
  row: number;
  probability: number;
  tier: RiskTier;
  /** Up to `reasons` columns pushing this row's score up, strongest first. */
  reasons: Reason[];
}

/** The chosen configuration refitted on every usable row, and every table row scored by it. */
export interface FinalModel {
  spec: ModelSpec;
  label: string;
  features: string[];
  /** Logistic regression only: design-matrix weights and bias. */
  linear?: { weights: number[]; bias: number };
  /** Unit of Reason.effect: log-odds (linear) or probability (others). */
  reasonUnit: 'logit' | 'probability';
  tiers: TierThresholds;
  /** One entry per table row, in table order; rows whose target is missing are scored too. */
  scored: ScoredRow[];
  fitMs: number;
}

export interface RefitResult {
  kind: 'refit';
  final: FinalModel;
}

/** Predicted spend of each row of the scored columns, in their order. */
export interface ValueScoreResult {
  kind: 'scoreValue';
  p: number[];
  fitMs: number;
  note?: string;
}

export type TaskResult = FoldResult | ImportanceResult | RefitResult | ValueFoldResult | ValueScoreResult;

export interface MeanStd {
  mean: number;
  /** Population standard deviation over folds (NumPy's default, ddof = 0). */
  std: number;
}

export interface LeaderboardRow {
  configId: number;
  spec: ModelSpec;
  /** See specLabel. */
  label: string;
  baseline: boolean;
  /** Folds finished (k once the search is done). */
  folds: number;
  scores: Record<keyof ScoreSet, MeanStd>;
  perFold: ScoreSet[];
  /** Mean fit time per fold. */
  fitMs: number;
  /** Distinct notes of the folds, e.g. the one-feature rule's column. */
  notes: string[];
}

export interface SearchProgress {
  phase: 'search' | 'final';
  /** Tasks finished and in all (search fits, then importance folds and the refit). */
  done: number;
  total: number;
  /** Time spent running, pauses excluded. */
  elapsedMs: number;
  /** Estimated time left at the pace so far; null before the first task ends. */
  etaMs: number | null;
  paused: boolean;
  /** Models so far, best first by SearchSettings.selectBy, over the folds finished. */
  leaderboard: LeaderboardRow[];
  baselines: LeaderboardRow[];
}

export interface ImportanceRow {
  column: string;
  /** Mean drop in held-out ROC AUC when the column is shuffled, over folds × repeats. */
  mean: number;
  std: number;
}

export interface SearchResult {
  dataset: DatasetInfo;
  /** Models best first by `selectBy`. */
  leaderboard: LeaderboardRow[];
  /** Majority class and one-feature rule, scored on the same folds. */
  baselines: LeaderboardRow[];
  best: LeaderboardRow;
  selectBy: SelectBy;
  /** The best configuration's out-of-fold scores, aligned with dataset.rows / dataset.y. */
  oof: number[];
  /** Threshold tools on the out-of-fold scores (see thresholds.ts for profit and custom thresholds). */
  curves: {
    roc: [number, number][];
    /** [recall, precision]. */
    pr: [number, number][];
    averagePrecision: number;
    gain: GainPoint[];
    calibration: CalibrationBin[];
    bestF1: ThresholdPoint;
  };
  importance: ImportanceRow[];
  final: FinalModel;
  /** Tasks run and wall time, pauses excluded. */
  tasks: number;
  elapsedMs: number;
}

export type ChurnRequest =
  | { type: 'train'; id: number; payload: TrainPayload }
  /** Stops the train, task or search with this id (a search rejects with an AbortError). */
  | { type: 'cancel'; id: number }
  /** A whole search inside this worker. */
  | { type: 'search'; id: number; payload: SearchPayload }
  /** Pause / resume a search between fits. */
  | { type: 'pause'; id: number }
  | { type: 'resume'; id: number }
  /** Worker pools: keep a data set under `id` for the tasks that follow. */
  | { type: 'load'; id: number; payload: DatasetPayload | ValueDatasetPayload }
  | { type: 'task'; id: number; datasetId: number; task: SearchTask }
  /** Forget the data set loaded under `id`; no answer. */
  | { type: 'unload'; id: number };

export type ChurnResponse =
  | { type: 'progress'; id: number; epoch: number; epochs: number; loss: number }
  | { type: 'result'; id: number; result: ChurnResult }
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'searchProgress'; id: number; progress: SearchProgress }
  | { type: 'searchResult'; id: number; result: SearchResult }
  | { type: 'loaded'; id: number; info: DatasetInfo | ValueDatasetInfo }
  | { type: 'taskResult'; id: number; result: TaskResult };
