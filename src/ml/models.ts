/**
 * One interface over every model the search tries: fit on a design matrix,
 * predict probabilities of the positive class, dispose. `createModel` builds a
 * fresh, unfitted model from a spec; nothing is shared between two models.
 */
import { abortError } from '../lib/errors.ts';
import { MajorityClass, OneFeatureRule } from './baselines.ts';
import type { FeatureGroup, Matrix } from './features.ts';
import { trainLogReg, type AbortFlag, type LogRegModel } from './logreg.ts';
import { Mlp } from './mlp.ts';
import type { ModelSpec } from './specs.ts';
import { DecisionTree, GradientBoosting } from './trees.ts';

export interface Classifier {
  /** Fits on rows of X with labels 0/1 and optional per-row weights; rejects with an AbortError when cancelled. */
  fit(X: Matrix, y: ArrayLike<number>, weights?: ArrayLike<number>): Promise<void>;
  /** Probability of the positive class per row. */
  predict(X: Matrix): Float32Array;
  /** Frees backend memory (TF.js variables); the model cannot predict afterwards. */
  dispose(): void;
  /** After fit, a short note for the leaderboard (e.g. the one-feature rule's column, the MLP's epochs). */
  note(): string | undefined;
  /** Weights and bias on the design matrix, for linear models only. */
  linear(): { weights: number[]; bias: number } | undefined;
}

export interface ModelContext {
  /** Source-column groups of the design matrix (the one-feature rule needs them). */
  groups: readonly FeatureGroup[];
  /** Seeds initial weights, batch order, dropout, subsampling. */
  seed: number;
  /** Checked between epochs / trees. */
  signal?: AbortFlag;
}

/** scikit-learn's class_weight='balanced': n / (2 · n_class) for each row's class. */
export function balancedWeights(y: ArrayLike<number>): Float32Array {
  let nPos = 0;
  for (let i = 0; i < y.length; i++) nPos += y[i] === 1 ? 1 : 0;
  const n = y.length;
  const wPos = nPos > 0 ? n / (2 * nPos) : 0;
  const wNeg = n > nPos ? n / (2 * (n - nPos)) : 0;
  return Float32Array.from({ length: n }, (_, i) => (y[i] === 1 ? wPos : wNeg));
}

const noLinear = (): undefined => undefined;

export function createModel(spec: ModelSpec, context: ModelContext): Classifier {
  const { seed, signal } = context;
  switch (spec.kind) {
    case 'logreg': {
      let model: LogRegModel | undefined;
      return {
        async fit(X, y, weights) {
          model = await trainLogReg(X, y, { ...spec.params, seed }, { signal, ...(weights ? { sampleWeights: weights } : {}) });
        },
        predict: (X) => fitted(model, 'Logistic regression').predict(X),
        dispose: () => {},
        note: () => undefined,
        linear: () => (model ? { weights: model.weights, bias: model.bias } : undefined),
      };
    }
    case 'mlp': {
      const mlp = new Mlp(spec.params, seed);
      return {
        async fit(X, y, weights) {
          await mlp.fit(X, y, weights, signal);
        },
        predict: (X) => mlp.predict(X),
        dispose: () => mlp.dispose(),
        note: () => (mlp.info ? `epochs ${mlp.info.bestEpoch}/${mlp.info.epochs}` : undefined),
        linear: noLinear,
      };
    }
    case 'tree': {
      const tree = new DecisionTree(spec.params);
      return {
        async fit(X, y, weights) {
          if (signal?.aborted) throw abortError('Training cancelled');
          tree.fit(X, y, weights);
        },
        predict: (X) => tree.predict(X),
        dispose: () => {},
        note: () => undefined,
        linear: noLinear,
      };
    }
    case 'gbt': {
      const gbt = new GradientBoosting({ ...spec.params, seed });
      return {
        fit: (X, y, weights) => gbt.fit(X, y, weights, signal),
        predict: (X) => gbt.predict(X),
        dispose: () => {},
        note: () => undefined,
        linear: noLinear,
      };
    }
    case 'majority': {
      const m = new MajorityClass();
      return {
        async fit(X, y, weights) {
          m.fit(X, y, weights);
        },
        predict: (X) => m.predict(X),
        dispose: () => {},
        note: () => undefined,
        linear: noLinear,
      };
    }
    case 'oneFeature': {
      const rule = new OneFeatureRule(context.groups, spec.params.bins);
      return {
        async fit(X, y, weights) {
          rule.fit(X, y, weights);
        },
        predict: (X) => rule.predict(X),
        dispose: () => {},
        note: () => (rule.column ? rule.column : undefined),
        linear: noLinear,
      };
    }
    default:
      return spec satisfies never;
  }
}

function fitted(model: LogRegModel | undefined, name: string): LogRegModel {
  if (!model) throw new Error(`${name} is not fitted`);
  return model;
}
