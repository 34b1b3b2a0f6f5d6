/**
 * The value model's specifications and grid: plain data, shared by the UI,
 * the coordinator (value-search.ts) and the worker (value-tasks.ts). The MLP
 * and the boosted trees take the churn lab's parameters (specs.ts) plus a
 * regression loss; ridge regression takes its penalty; the two baselines
 * read a column of the training rows (no fitting).
 */
import { inputError } from './errors.ts';
import type { RegressionLoss } from './mlp.ts';
import { DEFAULT_PARAMS, specProblems, type GbtParams, type MlpParams } from './specs.ts';

export type { RegressionLoss } from './mlp.ts';

export interface RidgeParams {
  /** λ in mean squared error + λ·‖β‖² (0: ordinary least squares). */
  l2: number;
}

export interface ValueParams {
  ridge: RidgeParams;
  mlp: MlpParams & { loss: RegressionLoss };
  gbt: GbtParams & { loss: RegressionLoss };
  /** Baseline: spend in the H months before the cut-off, as the prediction. */
  lastPeriod: Record<string, never>;
  /** Baseline: mean spend per H-month window before the cut-off. */
  histMean: Record<string, never>;
  /** Baseline: BG/NBD expected purchases in H months × Gamma-Gamma expected spend per purchase, fitted on the training fold. */
  bgnbd: Record<string, never>;
}

export type ValueKind = keyof ValueParams;
export type ValueTunableKind = 'ridge' | 'mlp' | 'gbt';
export type ValueBaselineKind = 'lastPeriod' | 'histMean' | 'bgnbd';
export type ValueSpec = { [K in ValueKind]: { kind: K; params: ValueParams[K] } }[ValueKind];

export type ValueGridSpec = {
  [K in ValueTunableKind]: {
    kind: K;
    base?: Partial<ValueParams[K]>;
    grid?: { [P in keyof ValueParams[K]]?: ValueParams[K][P][] };
  };
}[ValueTunableKind];

export const DEFAULT_VALUE_PARAMS: { readonly [K in ValueTunableKind]: Readonly<ValueParams[K]> } = {
  ridge: { l2: 1e-3 },
  mlp: { ...DEFAULT_PARAMS.mlp, maxEpochs: 60, patience: 6, loss: 'squared' },
  gbt: { ...DEFAULT_PARAMS.gbt, loss: 'squared' },
};

/** 12 configurations (4 ridge, 4 MLP, 4 boosted): 60 fits with 5 folds, about a minute on the demo's 1,300 customers with two workers. */
export const DEFAULT_VALUE_GRID: ValueGridSpec[] = [
  { kind: 'ridge', grid: { l2: [0, 1e-3, 1e-2, 1e-1] } },
  { kind: 'mlp', grid: { hidden: [[32], [32, 16]], loss: ['squared', 'huber'] } },
  { kind: 'gbt', grid: { maxDepth: [2, 3], loss: ['squared', 'huber'] } },
];

export function expandValueGrid(grid: ValueGridSpec): ValueSpec[] {
  let combos: Record<string, unknown>[] = [{ ...DEFAULT_VALUE_PARAMS[grid.kind], ...grid.base }];
  for (const [key, values] of Object.entries(grid.grid ?? {}) as [string, unknown[] | undefined][]) {
    if (!values || values.length === 0) continue;
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return combos.map((params) => ({ kind: grid.kind, params }) as unknown as ValueSpec);
}

export function isValueBaseline(spec: ValueSpec): boolean {
  return spec.kind === 'lastPeriod' || spec.kind === 'histMean' || spec.kind === 'bgnbd';
}

/** "gbt loss=huber maxDepth=3 …", every parameter listed. */
export function valueSpecLabel(spec: ValueSpec): string {
  return [spec.kind, ...Object.entries(spec.params).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('-') : String(v)}`)].join(' ');
}

/** Problems with a spec, empty when valid: the churn lab's checks for MLP and boosting parameters, plus the loss and the ridge penalty. */
export function valueSpecProblems(spec: ValueSpec): string[] {
  switch (spec.kind) {
    case 'ridge':
      return Number.isFinite(spec.params.l2) && spec.params.l2 >= 0 ? [] : [`ridge.l2 = ${spec.params.l2} (must be ≥ 0)`];
    case 'mlp':
    case 'gbt': {
      const { loss, ...params } = spec.params;
      const problems = specProblems({ kind: spec.kind, classWeight: 'none', params } as never);
      if (loss !== 'squared' && loss !== 'huber') problems.push(`${spec.kind}.loss = ${String(loss)} (must be "squared" or "huber")`);
      return problems;
    }
    case 'lastPeriod':
    case 'histMean':
    case 'bgnbd':
      return [];
    default:
      return spec satisfies never;
  }
}

export function checkValueSpecs(specs: readonly ValueSpec[]): void {
  const problems = [...new Set(specs.flatMap(valueSpecProblems))];
  if (problems.length) throw inputError(`Invalid model settings: ${problems.join('; ')}.`, `模型设置无效：${problems.join('；')}。`);
}
