import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/lib/random.ts';
import { ensureNodeBackend, liveTensors } from '../../src/ml/backend-node.ts';
import { columnMeans, linearEffects, permutationImportance, perturbationEffects, topReasons } from '../../src/ml/explain.ts';
import type { FeatureGroup, Matrix } from '../../src/ml/features.ts';
import { createModel } from '../../src/ml/models.ts';
import { DEFAULT_PARAMS } from '../../src/ml/specs.ts';

beforeAll(async () => {
  await ensureNodeBackend();
});

/**
 * 400 rows: x0 decides the label (y = 1 when x0 > 0, 10 % flipped); x1 is pure
 * noise; a two-level categorical (one-hot in columns 2–3) is noise too.
 */
function toy(): { X: Matrix; y: Uint8Array; groups: FeatureGroup[] } {
  const random = mulberry32(5);
  const rows = 400;
  const data = new Float32Array(rows * 4);
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const x0 = random() * 2 - 1;
    data[i * 4] = x0;
    data[i * 4 + 1] = random() * 2 - 1;
    data[i * 4 + (random() < 0.5 ? 2 : 3)] = 1;
    y[i] = (x0 > 0) !== random() < 0.1 ? 1 : 0;
  }
  const groups: FeatureGroup[] = [
    { column: 'signal', kind: 'numeric', start: 0, end: 1 },
    { column: 'noise', kind: 'numeric', start: 1, end: 2 },
    { column: 'plan', kind: 'categorical', start: 2, end: 4 },
  ];
  return { X: { data, rows, cols: 4 }, y, groups };
}

describe('permutation importance', () => {
  it('is exactly 0 for columns a model ignores, and large for the one it uses', () => {
    const { X, y, groups } = toy();
    // A fixed "model" reading only column 0; it also checks the one-hot block stays one-hot under shuffling.
    const predict = (m: Matrix): Float32Array =>
      Float32Array.from({ length: m.rows }, (_, i) => {
        expect(m.data[i * 4 + 2]! + m.data[i * 4 + 3]!).toBe(1);
        return 1 / (1 + Math.exp(-3 * m.data[i * 4]!));
      });
    const r = permutationImportance(predict, X, y, groups, { repeats: 3, seed: 1 });
    expect(r.base).toBeGreaterThan(0.85);
    expect(r.drops.map((d) => d.column)).toEqual(['signal', 'noise', 'plan']);
    expect(r.drops[1]!.values).toEqual([0, 0, 0]);
    expect(r.drops[2]!.values).toEqual([0, 0, 0]);
    for (const v of r.drops[0]!.values) expect(v).toBeGreaterThan(0.3);
  });

  it('is ≈ 0 for a pure-noise column under a trained logistic regression, on held-out rows', async () => {
    const { X, y, groups } = toy();
    const half = (from: number): Matrix => ({ data: X.data.slice(from * 4, (from + 200) * 4), rows: 200, cols: 4 });
    const before = liveTensors();
    const model = createModel({ kind: 'logreg', classWeight: 'none', params: { ...DEFAULT_PARAMS.logreg, learningRate: 0.1 } }, { groups, seed: 1 });
    await model.fit(half(0), y.slice(0, 200));
    const r = permutationImportance((m) => model.predict(m), half(200), y.slice(200), groups, { repeats: 5, seed: 2 });
    model.dispose();
    expect(liveTensors()).toBe(before);
    const mean = (values: number[]): number => values.reduce((s, v) => s + v, 0) / values.length;
    expect(mean(r.drops[0]!.values)).toBeGreaterThan(0.3);
    expect(Math.abs(mean(r.drops[1]!.values))).toBeLessThan(0.01);
    expect(Math.abs(mean(r.drops[2]!.values))).toBeLessThan(0.01);
  });
});

describe('local effects and reasons, by hand', () => {
  // Two rows; a numeric column (already standardised) and a two-level one-hot.
  const X: Matrix = { data: Float32Array.from([1, 0, 1, -1, 1, 0]), rows: 2, cols: 3 };
  const groups: FeatureGroup[] = [
    { column: 'tenure', kind: 'numeric', start: 0, end: 1 },
    { column: 'contract', kind: 'categorical', start: 1, end: 3 },
  ];

  it('linear: coefficient × (value − training mean), summed over a column’s one-hots', () => {
    // w = [2, 0.5, −1], means [0, 0.5, 0.5]:
    // row 0: tenure 2·1 = 2; contract 0.5·(0 − 0.5) − 1·(1 − 0.5) = −0.75.
    // row 1: tenure −2; contract 0.5·(1 − 0.5) − 1·(0 − 0.5) = 0.75.
    const e = linearEffects(X, [2, 0.5, -1], [0, 0.5, 0.5], groups);
    expect(Array.from(e.data)).toEqual([2, -0.75, -2, 0.75]);
    expect(Array.from(columnMeans(X))).toEqual([0, 0.5, 0.5]);
  });

  it('other models: p(row) − p(row with the column moved to the reference)', () => {
    // A "model" scoring the row sum, reference row [0.5, 1, 0]:
    // row 0 (sum 2): tenure → 1.5, effect 0.5; contract → [1, 1, 0] sum 2, effect 0.
    // row 1 (sum 0): tenure → 1.5, effect −1.5; contract → [−1, 1, 0] sum 0, effect 0.
    const predict = (m: Matrix): Float32Array => Float32Array.from({ length: m.rows }, (_, i) => m.data[i * 3]! + m.data[i * 3 + 1]! + m.data[i * 3 + 2]!);
    const e = perturbationEffects(predict, X, groups, [0.5, 1, 0]);
    expect(Array.from(e.data)).toEqual([0.5, 0, -1.5, 0]);
  });

  it('top reasons: columns pushing the score up, strongest first, with the row’s raw value', () => {
    const effects = { data: Float32Array.from([0.2, 0.5, -0.1, 0.3]), rows: 1, groups: 4 };
    const g = ['a', 'b', 'c', 'd'].map((column, k): FeatureGroup => ({ column, kind: 'numeric', start: k, end: k + 1 }));
    const values: Record<string, string> = { a: 'A', b: 'B', c: 'C', d: 'D' };
    expect(topReasons(effects, 0, g, (c) => values[c]!, 2)).toEqual([
      { column: 'b', value: 'B', effect: 0.5 },
      { column: 'd', value: 'D', effect: expect.closeTo(0.3, 6) },
    ]);
    expect(topReasons(effects, 0, g, (c) => values[c]!, 5).map((r) => r.column)).toEqual(['b', 'd', 'a']);
  });
});
