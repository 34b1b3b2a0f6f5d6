/**
 * Model specifications and grids: plain data (no TensorFlow.js), so the UI, the
 * search coordinator and the worker protocol share them. A spec names a model
 * kind, its class weighting and its full parameter set; a grid spec expands to
 * one spec per combination of the listed values.
 */
import { inputError } from './errors.ts';

/** 'balanced' weights each row by n / (2 · n_class), as scikit-learn's class_weight='balanced'. */
export type ClassWeight = 'none' | 'balanced';

export interface LogRegParams {
  /** See LogRegConfig.l2: λ in mean log loss + λ/2 · ‖w‖². */
  l2: number;
  epochs: number;
  learningRate: number;
  batchSize: number;
}

export interface MlpParams {
  /** Units per hidden layer (ReLU), one or two layers. */
  hidden: number[];
  /** Dropout rate after each hidden layer, during training only. */
  dropout: number;
  /** Weight decay λ/2 · ‖W‖² on the kernels. */
  l2: number;
  learningRate: number;
  batchSize: number;
  /** Upper bound; early stopping on the inner validation split usually ends sooner. */
  maxEpochs: number;
  /** Epochs without a better validation loss before stopping (the best weights are kept). */
  patience: number;
  /** Share of the training rows held out (stratified) for early stopping. */
  validationFraction: number;
}

export interface TreeParams {
  maxDepth: number;
  /** Fewest training rows in a leaf. */
  minLeaf: number;
}

export interface GbtParams {
  nEstimators: number;
  learningRate: number;
  maxDepth: number;
  minLeaf: number;
  /** Share of rows drawn (without replacement) for each tree. */
  subsample: number;
  /** λ in the Newton leaf value −G / (H + λ) and the split gain. */
  l2: number;
}

/** The one-feature rule: per-level (categorical) or per-quantile-bin (numeric) churn rate of the best single column. */
export interface OneFeatureParams {
  bins: number;
}

export interface ModelParams {
  logreg: LogRegParams;
  mlp: MlpParams;
  tree: TreeParams;
  gbt: GbtParams;
  /** Baseline: the training positive rate for every row. */
  majority: Record<string, never>;
  /** Baseline: see OneFeatureParams. */
  oneFeature: OneFeatureParams;
}

export type ModelKind = keyof ModelParams;
export type TunableKind = 'logreg' | 'mlp' | 'tree' | 'gbt';
export type BaselineKind = 'majority' | 'oneFeature';

export type ModelSpec = { [K in ModelKind]: { kind: K; classWeight: ClassWeight; params: ModelParams[K] } }[ModelKind];
export type SpecOf<K extends ModelKind> = Extract<ModelSpec, { kind: K }>;

/** Values to try per parameter; unlisted parameters take `base`, then the defaults. */
export type GridSpec = {
  [K in TunableKind]: {
    kind: K;
    base?: Partial<ModelParams[K]>;
    grid?: { [P in keyof ModelParams[K]]?: ModelParams[K][P][] };
    /** Default ['none']. */
    classWeight?: ClassWeight[];
  };
}[TunableKind];

export const DEFAULT_PARAMS: { readonly [K in ModelKind]: Readonly<ModelParams[K]> } = {
  // As DEFAULT_TRAIN_CONFIG: lands near the exact L2 optimum on Telco in about 0.3 s a fit.
  logreg: { l2: 1e-4, epochs: 100, learningRate: 0.05, batchSize: 2048 },
  mlp: { hidden: [32], dropout: 0.2, l2: 1e-3, learningRate: 0.01, batchSize: 256, maxEpochs: 40, patience: 4, validationFraction: 0.15 },
  tree: { maxDepth: 5, minLeaf: 20 },
  gbt: { nEstimators: 100, learningRate: 0.1, maxDepth: 3, minLeaf: 10, subsample: 0.8, l2: 1 },
  majority: {},
  oneFeature: { bins: 10 },
};

/**
 * 13 configurations (3 logistic, 4 MLP, 2 trees, 4 boosted), sized so 13 × 5 folds on
 * Telco (7,043 rows) stays well under a minute on two wasm workers.
 */
export const DEFAULT_GRID: GridSpec[] = [
  { kind: 'logreg', grid: { l2: [1e-4, 1e-3, 1e-2] } },
  { kind: 'mlp', grid: { hidden: [[32], [32, 16]], dropout: [0, 0.2] } },
  { kind: 'tree', grid: { maxDepth: [4, 6] } },
  { kind: 'gbt', grid: { learningRate: [0.05, 0.1], maxDepth: [2, 3] } },
];

/** Every combination of a grid spec, in a fixed order (parameters as listed, last one varying fastest, class weight outermost). */
export function expandGrid(grid: GridSpec): ModelSpec[] {
  const base = { ...DEFAULT_PARAMS[grid.kind], ...grid.base } as Record<string, unknown>;
  let combos: Record<string, unknown>[] = [base];
  for (const [key, values] of Object.entries(grid.grid ?? {}) as [string, unknown[] | undefined][]) {
    if (!values || values.length === 0) continue;
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  const weights = grid.classWeight?.length ? grid.classWeight : (['none'] as ClassWeight[]);
  return weights.flatMap((classWeight) => combos.map((params) => ({ kind: grid.kind, classWeight, params }) as unknown as ModelSpec));
}

export function baselineSpecs(): ModelSpec[] {
  return [
    { kind: 'majority', classWeight: 'none', params: {} },
    { kind: 'oneFeature', classWeight: 'none', params: { ...DEFAULT_PARAMS.oneFeature } },
  ];
}

export function isBaseline(spec: ModelSpec): boolean {
  return spec.kind === 'majority' || spec.kind === 'oneFeature';
}

/** Compact label such as "gbt learningRate=0.1 maxDepth=3 …", every parameter listed. */
export function specLabel(spec: ModelSpec): string {
  const parts = Object.entries(spec.params).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('-') : String(v)}`);
  if (spec.classWeight !== 'none') parts.push(`classWeight=${spec.classWeight}`);
  return [spec.kind, ...parts].join(' ');
}

/** Problems with a spec's parameters, empty when valid. */
export function specProblems(spec: ModelSpec): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, name: string, value: unknown, rule: string): void => {
    if (!ok) problems.push(`${spec.kind}.${name} = ${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)} (${rule})`);
  };
  const whole = (v: number, min: number): boolean => Number.isInteger(v) && v >= min;
  const p = spec.params as Partial<Record<string, unknown>>;
  switch (spec.kind) {
    case 'logreg': {
      const q = spec.params;
      check(q.l2 >= 0, 'l2', q.l2, 'must be ≥ 0');
      check(whole(q.epochs, 1), 'epochs', q.epochs, 'must be a whole number ≥ 1');
      check(q.learningRate > 0, 'learningRate', q.learningRate, 'must be > 0');
      check(whole(q.batchSize, 1), 'batchSize', q.batchSize, 'must be a whole number ≥ 1');
      break;
    }
    case 'mlp': {
      const q = spec.params;
      check(Array.isArray(q.hidden) && q.hidden.length >= 1 && q.hidden.length <= 2 && q.hidden.every((h) => whole(h, 1)), 'hidden', q.hidden, 'one or two layers of ≥ 1 units');
      check(q.dropout >= 0 && q.dropout < 1, 'dropout', q.dropout, 'must be in [0, 1)');
      check(q.l2 >= 0, 'l2', q.l2, 'must be ≥ 0');
      check(q.learningRate > 0, 'learningRate', q.learningRate, 'must be > 0');
      check(whole(q.batchSize, 1), 'batchSize', q.batchSize, 'must be a whole number ≥ 1');
      check(whole(q.maxEpochs, 1), 'maxEpochs', q.maxEpochs, 'must be a whole number ≥ 1');
      check(whole(q.patience, 1), 'patience', q.patience, 'must be a whole number ≥ 1');
      check(q.validationFraction >= 0 && q.validationFraction < 0.5, 'validationFraction', q.validationFraction, 'must be in [0, 0.5)');
      break;
    }
    case 'tree':
      check(whole(spec.params.maxDepth, 1), 'maxDepth', spec.params.maxDepth, 'must be a whole number ≥ 1');
      check(whole(spec.params.minLeaf, 1), 'minLeaf', spec.params.minLeaf, 'must be a whole number ≥ 1');
      break;
    case 'gbt': {
      const q = spec.params;
      check(whole(q.nEstimators, 1), 'nEstimators', q.nEstimators, 'must be a whole number ≥ 1');
      check(q.learningRate > 0 && q.learningRate <= 1, 'learningRate', q.learningRate, 'must be in (0, 1]');
      check(whole(q.maxDepth, 1), 'maxDepth', q.maxDepth, 'must be a whole number ≥ 1');
      check(whole(q.minLeaf, 1), 'minLeaf', q.minLeaf, 'must be a whole number ≥ 1');
      check(q.subsample > 0 && q.subsample <= 1, 'subsample', q.subsample, 'must be in (0, 1]');
      check(q.l2 >= 0, 'l2', q.l2, 'must be ≥ 0');
      break;
    }
    case 'majority':
      break;
    case 'oneFeature':
      check(whole(spec.params.bins, 2), 'bins', spec.params.bins, 'must be a whole number ≥ 2');
      break;
    default:
      spec satisfies never;
  }
  if (spec.classWeight !== 'none' && spec.classWeight !== 'balanced') problems.push(`${spec.kind}.classWeight = ${String(spec.classWeight)} (must be "none" or "balanced")`);
  for (const [k, v] of Object.entries(p)) if (typeof v === 'number' && !Number.isFinite(v)) problems.push(`${spec.kind}.${k} is not a finite number`);
  return problems;
}

/** Throws an MlInputError naming every invalid parameter of every spec. */
export function checkSpecs(specs: readonly ModelSpec[]): void {
  const problems = [...new Set(specs.flatMap(specProblems))];
  if (problems.length) {
    throw inputError(`Invalid model settings: ${problems.join('; ')}.`, `模型设置无效：${problems.join('；')}。`);
  }
}
