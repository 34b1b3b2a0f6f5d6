import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/lib/random.ts';
import { MajorityClass, OneFeatureRule } from '../../src/ml/baselines.ts';
import { ensureNodeBackend, liveTensors } from '../../src/ml/backend-node.ts';
import type { FeatureGroup, Matrix } from '../../src/ml/features.ts';
import { rocAuc } from '../../src/ml/metrics.ts';
import { Mlp } from '../../src/ml/mlp.ts';
import { balancedWeights, createModel } from '../../src/ml/models.ts';
import { checkSpecs, DEFAULT_GRID, DEFAULT_PARAMS, expandGrid, specLabel, type ModelSpec } from '../../src/ml/specs.ts';
import { binMatrix, DecisionTree, GradientBoosting, treeDepth } from '../../src/ml/trees.ts';

beforeAll(async () => {
  await ensureNodeBackend();
});

const column = (values: number[]): Matrix => ({ data: Float32Array.from(values), rows: values.length, cols: 1 });

/** XOR in two dimensions (no linear model separates it), 600 rows. */
function xor(seed: number, rows = 600): { X: Matrix; y: Uint8Array } {
  const random = mulberry32(seed);
  const data = new Float32Array(rows * 2);
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const a = random() * 2 - 1;
    const b = random() * 2 - 1;
    data[i * 2] = a;
    data[i * 2 + 1] = b;
    y[i] = a * b > 0 ? 1 : 0;
  }
  return { X: { data, rows, cols: 2 }, y };
}

describe('histogram bins', () => {
  it('gives each distinct value a bin, cutting at midpoints (bin ≤ b ⇔ x ≤ edges[b])', () => {
    const b = binMatrix(column([3, 1, 2, 2]));
    expect(Array.from(b.edges[0]!)).toEqual([1.5, 2.5]);
    expect(Array.from(b.bins)).toEqual([2, 0, 1, 1]);
  });

  it('thins to quantile cuts when there are more distinct values than bins', () => {
    expect(Array.from(binMatrix(column([1, 2, 3, 4]), 2).edges[0]!)).toEqual([2.5]);
    const many = binMatrix(column(Array.from({ length: 1000 }, (_, i) => i)));
    expect(many.edges[0]!.length).toBe(255);
    expect(Math.max(...many.bins)).toBe(255);
  });
});

describe('decision tree (CART, Gini), by hand', () => {
  // x = 1…8, labels 0 0 0 1 0 1 1 1.
  const X = column([1, 2, 3, 4, 5, 6, 7, 8]);
  const y = [0, 0, 0, 1, 0, 1, 1, 1];

  it('a stump splits where weighted Gini falls most (x ≤ 3.5: pure left; the tie at 5.5 loses to the first)', () => {
    // Σ P²/W: x ≤ 3.5 → 0 + 4²/5 = 3.2; x ≤ 4.5 → 1/4 + 9/4 = 2.5; x ≤ 5.5 → 1/5 + 9/3 = 3.2.
    const tree = new DecisionTree({ maxDepth: 1, minLeaf: 1 });
    tree.fit(X, y);
    expect(tree.tree!.threshold[0]).toBe(3.5);
    expect(Array.from(tree.predict(column([2, 4, 10])))).toEqual([0, 0.8, 0.8].map(Math.fround));
  });

  it('respects minLeaf (only x ≤ 4.5 leaves 4 rows a side) and maxDepth', () => {
    const tree = new DecisionTree({ maxDepth: 1, minLeaf: 4 });
    tree.fit(X, y);
    expect(tree.tree!.threshold[0]).toBe(4.5);
    expect(Array.from(tree.predict(column([0, 9])))).toEqual([0.25, 0.75]);
    const deep = new DecisionTree({ maxDepth: 3, minLeaf: 1 });
    deep.fit(X, y);
    expect(treeDepth(deep.tree!)).toBeLessThanOrEqual(3);
    expect(Array.from(deep.predict(X))).toEqual(y); // 8 rows, depth 3: every row in a pure leaf
  });

  it('uses sample weights: the leaf is the weighted positive rate', () => {
    const tree = new DecisionTree({ maxDepth: 1, minLeaf: 4 });
    tree.fit(X, y, [1, 1, 1, 3, 1, 1, 1, 1]);
    expect(tree.predict(column([0]))[0]).toBeCloseTo(3 / 6, 6);
  });

  it('learns XOR, which logistic regression cannot', () => {
    const train = xor(1);
    const test = xor(2);
    const tree = new DecisionTree({ maxDepth: 4, minLeaf: 5 });
    tree.fit(train.X, train.y);
    expect(rocAuc(test.y, tree.predict(test.X))).toBeGreaterThan(0.95);
  });
});

describe('gradient boosting (log loss, Newton leaves)', () => {
  it('one stump by hand: F₀ = 0, leaves ∓(Σ residual)/(Σ p(1−p)) = ∓1/0.5', async () => {
    // y = 0 0 1 1 → rate ½, F₀ = 0, p = ½: residuals ∓½, hessians ¼. Split x ≤ 2.5; leaves −1/0.5 = −2 and +2.
    const gbt = new GradientBoosting({ nEstimators: 1, learningRate: 1, maxDepth: 1, minLeaf: 1, subsample: 1, l2: 0, seed: 1 });
    await gbt.fit(column([1, 2, 3, 4]), [0, 0, 1, 1]);
    expect(gbt.init).toBe(0);
    const p = gbt.predict(column([0, 5]));
    expect(p[0]).toBeCloseTo(1 / (1 + Math.exp(2)), 6);
    expect(p[1]).toBeCloseTo(1 / (1 + Math.exp(-2)), 6);
  });

  it('learns XOR, is reproducible for a seed, and stops when the signal aborts', async () => {
    const train = xor(1);
    const test = xor(2);
    const options = { ...DEFAULT_PARAMS.gbt, seed: 3 };
    const a = new GradientBoosting(options);
    await a.fit(train.X, train.y);
    expect(rocAuc(test.y, a.predict(test.X))).toBeGreaterThan(0.97);
    const b = new GradientBoosting(options);
    await b.fit(train.X, train.y);
    expect(b.predict(test.X)).toEqual(a.predict(test.X));
    await expect(new GradientBoosting(options).fit(train.X, train.y, undefined, { aborted: true })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('MLP (TF.js)', () => {
  it('learns XOR with early stopping and leaves only its weights until disposed', async () => {
    const train = xor(1);
    const test = xor(2);
    const before = liveTensors();
    const mlp = new Mlp({ ...DEFAULT_PARAMS.mlp, hidden: [16, 8], dropout: 0, learningRate: 0.03, maxEpochs: 60, patience: 5 }, 1);
    const info = await mlp.fit(train.X, train.y);
    expect(info.bestEpoch).toBeGreaterThan(0);
    expect(info.bestEpoch).toBeLessThanOrEqual(info.epochs);
    expect(rocAuc(test.y, mlp.predict(test.X))).toBeGreaterThan(0.95);
    expect(liveTensors()).toBe(before + 6); // 3 kernels + 3 biases
    mlp.dispose();
    expect(liveTensors()).toBe(before);
  });

  it('is reproducible for a seed, and frees everything when cancelled', async () => {
    const train = xor(1, 200);
    const before = liveTensors();
    const params = { ...DEFAULT_PARAMS.mlp, maxEpochs: 3 };
    const a = new Mlp(params, 7);
    await a.fit(train.X, train.y);
    const b = new Mlp(params, 7);
    await b.fit(train.X, train.y);
    expect(b.predict(train.X)).toEqual(a.predict(train.X));
    a.dispose();
    b.dispose();
    await expect(new Mlp(params, 7).fit(train.X, train.y, undefined, { aborted: true })).rejects.toMatchObject({ name: 'AbortError' });
    expect(liveTensors()).toBe(before);
  });
});

describe('baselines', () => {
  it('majority class scores the (weighted) training rate everywhere', () => {
    const m = new MajorityClass();
    m.fit(column([1, 2, 3, 4]), [1, 0, 0, 0]);
    expect(Array.from(m.predict(column([9, 9])))).toEqual([0.25, 0.25]);
    m.fit(column([1, 2, 3, 4]), [1, 0, 0, 0], balancedWeights([1, 0, 0, 0]));
    expect(m.rate).toBeCloseTo(0.5, 6); // float32 weights
  });

  it('one-feature rule picks the column whose levels rank best and scores smoothed level rates', () => {
    // Column 0 is noise; the one-hot "plan" (columns 1–2) decides the label: A → churn, B → stay.
    const data = Float32Array.from([0.3, 1, 0, 0.1, 1, 0, 0.2, 1, 0, 0.3, 0, 1, 0.1, 0, 1, 0.2, 0, 1]);
    const X: Matrix = { data, rows: 6, cols: 3 };
    const groups: FeatureGroup[] = [
      { column: 'spend', kind: 'numeric', start: 0, end: 1 },
      { column: 'plan', kind: 'categorical', start: 1, end: 3 },
    ];
    const rule = new OneFeatureRule(groups, 2);
    rule.fit(X, [1, 1, 1, 0, 0, 0]);
    expect(rule.column).toBe('plan');
    expect(rule.trainAuc).toBe(1);
    // Level A: 3 of 3 plus one pseudo-row at the prior ½ → 3.5 / 4.
    expect(Array.from(rule.predict(X))).toEqual([0.875, 0.875, 0.875, 0.125, 0.125, 0.125]);
  });

  it('balanced class weights are n / (2 · n_class)', () => {
    const w = balancedWeights([1, 0, 0, 0]);
    expect(w[0]).toBe(2);
    expect(w[1]).toBeCloseTo(4 / 6, 6);
  });
});

describe('model specs and grids', () => {
  it('expands a grid to every combination, class weight outermost', () => {
    const specs = expandGrid({ kind: 'gbt', base: { nEstimators: 50 }, grid: { learningRate: [0.05, 0.1], maxDepth: [2, 3] }, classWeight: ['none', 'balanced'] });
    expect(specs).toHaveLength(8);
    expect(specs[0]).toEqual({ kind: 'gbt', classWeight: 'none', params: { ...DEFAULT_PARAMS.gbt, nEstimators: 50, learningRate: 0.05, maxDepth: 2 } });
    expect(specs.map((s) => (s.kind === 'gbt' ? `${s.classWeight} ${s.params.learningRate} ${s.params.maxDepth}` : ''))).toEqual([
      'none 0.05 2',
      'none 0.05 3',
      'none 0.1 2',
      'none 0.1 3',
      'balanced 0.05 2',
      'balanced 0.05 3',
      'balanced 0.1 2',
      'balanced 0.1 3',
    ]);
    expect(specLabel(specs[4]!)).toBe('gbt nEstimators=50 learningRate=0.05 maxDepth=2 minLeaf=10 subsample=0.8 l2=1 classWeight=balanced');
    expect(DEFAULT_GRID.flatMap(expandGrid).length).toBeGreaterThanOrEqual(12);
  });

  it('names every invalid parameter', () => {
    const bad: ModelSpec[] = [
      { kind: 'mlp', classWeight: 'none', params: { ...DEFAULT_PARAMS.mlp, hidden: [8, 8, 8], dropout: 1 } },
      { kind: 'gbt', classWeight: 'none', params: { ...DEFAULT_PARAMS.gbt, subsample: 0 } },
    ];
    expect(() => checkSpecs(bad)).toThrow(/mlp\.hidden = \[8, 8, 8\].*mlp\.dropout = 1.*gbt\.subsample = 0/);
  });

  it('createModel gives fresh models behind one interface; only logistic regression is linear', async () => {
    const train = xor(3, 200);
    const groups: FeatureGroup[] = [
      { column: 'a', kind: 'numeric', start: 0, end: 1 },
      { column: 'b', kind: 'numeric', start: 1, end: 2 },
    ];
    const before = liveTensors();
    for (const kind of ['logreg', 'mlp', 'tree', 'gbt', 'majority', 'oneFeature'] as const) {
      const spec = { kind, classWeight: 'balanced', params: { ...DEFAULT_PARAMS[kind], ...(kind === 'mlp' ? { maxEpochs: 2 } : kind === 'logreg' ? { epochs: 2 } : {}) } } as ModelSpec;
      const model = createModel(spec, { groups, seed: 1 });
      await model.fit(train.X, train.y, balancedWeights(train.y));
      const p = model.predict(train.X);
      expect(p).toHaveLength(200);
      for (const v of p) expect(v >= 0 && v <= 1).toBe(true);
      expect(model.linear() !== undefined).toBe(kind === 'logreg');
      model.dispose();
    }
    expect(liveTensors()).toBe(before);
  });
});
