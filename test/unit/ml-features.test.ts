import { describe, expect, it } from 'vitest';
import { applyFeatures, cellAt, cellsOf, detectKind, fitFeatures, parseBinaryTarget, type ColumnData } from '../../src/ml/features.ts';
import { stratifiedKFold, stratifiedSplit } from '../../src/ml/split.ts';

const target = (values: ColumnData['values']): ColumnData => ({ name: 'Churn', values });

describe('parseBinaryTarget', () => {
  it.each([
    [['Yes', 'No', 'yes', 'NO'], [1, 0, 1, 0], 'Yes'],
    [[1, 0, 0, 1], [1, 0, 0, 1], '1'],
    [['1', '0', '1.0', ' 0 '], [1, 0, 1, 0], '1'],
    [['true', 'false', 'TRUE', 'False'], [1, 0, 1, 0], 'true'],
    [['是', '否', '否', '是'], [1, 0, 0, 1], '是'],
    [['Active', 'Churned', 'Churned', 'Active'], [0, 1, 1, 0], 'Churned'],
    // Only "Stayed" is known (negative), so the other value is the positive class.
    [['Stayed', 'Moved away', 'Stayed', 'Moved away'], [0, 1, 0, 1], 'Moved away'],
  ] as const)('reads %j', (values, labels, positive) => {
    const t = parseBinaryTarget(target(values));
    expect(Array.from(t.labels)).toEqual(labels);
    expect(t.positiveLabel).toBe(positive);
    expect(t.missing).toBe(0);
  });

  it('marks blank and null targets as missing (−1)', () => {
    const t = parseBinaryTarget(target(['Yes', null, ' ', 'No']));
    expect(Array.from(t.labels)).toEqual([1, -1, -1, 0]);
    expect(t.missing).toBe(2);
  });

  it('refuses columns that are not binary, naming the column and the values, in both languages', () => {
    expect(() => parseBinaryTarget(target(['a', 'b', 'c']))).toThrow(/"Churn" is not binary: it has 3 distinct values \("a", "b", "c"\)[\s\S]*目标列“Churn”不是二元变量/);
    expect(() => parseBinaryTarget(target(['Yes', 'Yes']))).toThrow(/only one value \("Yes"\)/);
    expect(() => parseBinaryTarget(target([null, '']))).toThrow(/has no values/);
    expect(() => parseBinaryTarget(target(['A', 'B']))).toThrow(/Cannot tell which value .* means churn: "A", "B"/);
    expect(() => parseBinaryTarget(target(['yes', 'true']))).toThrow(/Cannot tell/);
    try {
      parseBinaryTarget(target(['a', 'b', 'c']));
    } catch (e) {
      expect((e as Error).name).toBe('MlInputError');
    }
  });
});

describe('detectKind', () => {
  it('treats blanks (Telco TotalCharges " ") and NA-like text as missing numbers', () => {
    expect(detectKind([29.85, '1889.5', ' ', '', null, 'NA', '1e3'])).toBe('numeric');
  });
  it('calls text categorical, all-distinct text ID-like, and all-missing empty', () => {
    expect(detectKind(['a', 'b', 'a'])).toBe('categorical');
    expect(detectKind(['7590-VHVEG', '5575-GNVDE', '3668-QPYBK'])).toBe('id-like');
    expect(detectKind([null, ' ', ''])).toBe('empty');
    expect(detectKind([1, 2, 'three', 2])).toBe('categorical');
  });
});

describe('fitFeatures / applyFeatures', () => {
  const columns: ColumnData[] = [
    { name: 'id', values: ['a', 'b', 'c', 'd', 'e', 'f'] },
    { name: 'age', values: [10, '20', ' ', 30, 1000, null] },
    { name: 'plan', values: ['x', 'y', 'x', 'z', 'w', 'y'] },
    { name: 'flat', values: [5, 5, 5, 5, 9, 5] },
    { name: 'Churn', values: ['Yes', 'No', 'No', 'Yes', 'No', 'Yes'] },
  ];
  const train = [0, 1, 2, 3];
  const test = [4, 5];

  it('fits median, mean, std and levels on the training rows only', () => {
    const f = fitFeatures(columns, { target: 'Churn' }, train);
    // age on training rows: 10, 20, (missing), 30 → median 20; imputed 10, 20, 20, 30 → mean 20, population std √50.
    expect(f.specs).toEqual([
      { kind: 'numeric', column: 'age', median: 20, mean: 20, std: Math.sqrt(50), missingFlag: true },
      { kind: 'categorical', column: 'plan', levels: ['x', 'y', 'z'], other: false },
    ]);
    expect(f.names).toEqual(['age', 'age=(missing)', 'plan=x', 'plan=y', 'plan=z']);
    // `flat` is constant on the training rows even though a test row differs.
    expect(f.dropped).toEqual([
      { column: 'id', reason: 'id-like' },
      { column: 'flat', reason: 'constant' },
    ]);
  });

  it('standardises training rows to mean 0, std 1 and applies the same transform to test rows', () => {
    const f = fitFeatures(columns, { target: 'Churn' }, train);
    const xTrain = applyFeatures(f, columns, train);
    const ageTrain = [0, 1, 2, 3].map((i) => xTrain.data[i * xTrain.cols]!);
    const mean = ageTrain.reduce((s, v) => s + v, 0) / 4;
    const variance = ageTrain.reduce((s, v) => s + (v - mean) ** 2, 0) / 4;
    expect(mean).toBeCloseTo(0, 6);
    expect(variance).toBeCloseTo(1, 6);

    const xTest = applyFeatures(f, columns, test);
    expect(xTest.rows).toBe(2);
    expect(xTest.cols).toBe(5);
    const row = (i: number): number[] => Array.from(xTest.data.subarray(i * 5, i * 5 + 5));
    // age 1000 is far out because the test row did not move the fitted mean/std; "w" was never seen in training.
    expect(row(0)[0]).toBeCloseTo((1000 - 20) / Math.sqrt(50), 4);
    expect(row(0).slice(1)).toEqual([0, 0, 0, 0]);
    // missing age → training median (standardised 0) and the flag.
    expect(row(1)).toEqual([0, 1, 0, 1, 0]);
  });

  it('caps levels per column and sends the rest to "(other)"', () => {
    const f = fitFeatures(columns, { target: 'Churn', maxLevels: 2 }, train);
    expect(f.specs[1]).toEqual({ kind: 'categorical', column: 'plan', levels: ['x', 'y'], other: true });
    expect(f.names.slice(2)).toEqual(['plan=x', 'plan=y', 'plan=(other)']);
    const x = applyFeatures(f, columns, [3, 4]); // "z" (in training, beyond the cap) and "w" (unseen) both go to other
    expect(Array.from(x.data.subarray(2, 5))).toEqual([0, 0, 1]);
    expect(Array.from(x.data.subarray(7, 10))).toEqual([0, 0, 1]);
  });

  it('leaves out explicitly excluded columns, and rejects unknown ones', () => {
    const f = fitFeatures(columns, { target: 'Churn', exclude: ['plan'] }, train);
    expect(f.names).toEqual(['age', 'age=(missing)']);
    expect(f.dropped).toContainEqual({ column: 'plan', reason: 'excluded' });
    expect(() => fitFeatures(columns, { target: 'Churn', exclude: ['nope'] }, train)).toThrow(/Excluded column "nope" is not in the table/);
    expect(() => fitFeatures(columns, { target: 'nope' }, train)).toThrow(/Target column "nope" is not in the table/);
  });

  it('adds no missing flag when the training rows have no missing values', () => {
    const f = fitFeatures(columns, { target: 'Churn' }, [0, 1, 3]);
    expect(f.names[0]).toBe('age');
    expect(f.names[1]).toBe('plan=x');
  });
});

describe('stratifiedSplit', () => {
  // 100 negatives and 30 positives, interleaved.
  const y = Array.from({ length: 130 }, (_, i) => (i % 13 < 3 ? 1 : 0));

  it('keeps the class ratio in the test set and partitions the rows', () => {
    const s = stratifiedSplit(y, 0.2, 7);
    expect(s.test.length).toBe(26);
    expect(s.test.filter((i) => y[i] === 1).length).toBe(6);
    expect(s.train.filter((i) => y[i] === 1).length).toBe(24);
    expect([...s.train, ...s.test].sort((a, b) => a - b)).toEqual(y.map((_, i) => i));
  });

  it('is reproducible from its seed', () => {
    expect(stratifiedSplit(y, 0.2, 7)).toEqual(stratifiedSplit(y, 0.2, 7));
    expect(stratifiedSplit(y, 0.2, 8).test).not.toEqual(stratifiedSplit(y, 0.2, 7).test);
  });

  it('keeps a singleton class in training', () => {
    const s = stratifiedSplit([0, 0, 0, 0, 1], 0.5, 1);
    expect(s.train).toContain(4);
    expect(s.test.length).toBe(2);
  });

  it('rejects a test fraction outside (0, 1)', () => {
    expect(() => stratifiedSplit(y, 1, 1)).toThrow(/testFraction/);
  });
});

describe('stratifiedKFold', () => {
  const y = Array.from({ length: 53 }, (_, i) => (i % 4 === 0 ? 1 : 0)); // 14 positives, 39 negatives

  it('puts every row in exactly one test fold with balanced classes', () => {
    const folds = stratifiedKFold(y, 5, 3);
    expect(folds).toHaveLength(5);
    const seen = folds.flatMap((f) => f.test).sort((a, b) => a - b);
    expect(seen).toEqual(y.map((_, i) => i));
    for (const f of folds) {
      expect(f.train.length + f.test.length).toBe(53);
      expect(f.train.some((i) => f.test.includes(i))).toBe(false);
      const pos = f.test.filter((i) => y[i] === 1).length;
      expect(pos === 2 || pos === 3).toBe(true);
      expect(f.test.length === 10 || f.test.length === 11).toBe(true);
    }
  });

  it('rejects k < 2 and k > rows', () => {
    expect(() => stratifiedKFold(y, 1, 1)).toThrow(/k must be an integer ≥ 2/);
    expect(() => stratifiedKFold([0, 1], 3, 1)).toThrow(/need at least 3 rows/);
  });
});

describe('numeric columns as Float64Array (NULL as NaN), as DuckDB hands them over', () => {
  // Every third spend and every seventh target missing; the same data once as cells with null, once as numbers with NaN.
  const n = 60;
  const spend = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : (i * 37) % 101));
  const churned = Array.from({ length: n }, (_, i) => (i % 7 === 0 ? null : (i * 37) % 101 > 50 ? 1 : 0));
  const plan = Array.from({ length: n }, (_, i) => (i % 4 === 0 ? 'pro' : 'basic'));
  const asCells: ColumnData[] = [
    { name: 'spend', values: spend },
    { name: 'plan', values: plan },
    { name: 'churned', values: churned },
  ];
  const asNumbers: ColumnData[] = [
    { name: 'spend', values: Float64Array.from(spend, (v) => v ?? NaN) },
    { name: 'plan', values: plan },
    { name: 'churned', values: Float64Array.from(churned, (v) => v ?? NaN) },
  ];

  it('reads NaN as missing exactly like null: cells, kind, target, fitted statistics and design matrix', () => {
    expect(cellAt(asNumbers[0]!.values, 0)).toBeNull();
    expect(cellsOf(asNumbers[0]!.values)).toEqual(spend);
    expect(detectKind(asNumbers[0]!.values)).toBe(detectKind(spend));
    expect(parseBinaryTarget(asNumbers[2]!)).toEqual(parseBinaryTarget(asCells[2]!));
    const rows = Array.from({ length: 40 }, (_, i) => i);
    const options = { target: 'churned' };
    const fitted = fitFeatures(asNumbers, options, rows);
    expect(fitted).toEqual(fitFeatures(asCells, options, rows));
    expect(fitted.specs[0]).toMatchObject({ kind: 'numeric', missingFlag: true });
    expect(applyFeatures(fitted, asNumbers)).toEqual(applyFeatures(fitted, asCells));
  });
});
