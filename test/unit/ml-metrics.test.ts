import { describe, expect, it } from 'vitest';
import { confusionMatrix, logLoss, metricsFromConfusion, rocAuc, rocCurve, thresholdMetrics } from '../../src/ml/metrics.ts';

/** Area under a polyline of [x, y] points (trapezoids). */
function trapezoid(points: [number, number][]): number {
  let area = 0;
  for (let i = 1; i < points.length; i++) area += ((points[i]![0] - points[i - 1]![0]) * (points[i]![1] + points[i - 1]![1])) / 2;
  return area;
}

describe('rocAuc (Mann–Whitney)', () => {
  it('scores the scikit-learn doc example: 3 of 4 pairs ordered', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBeCloseTo(0.75, 12);
  });

  it('counts tied positive/negative pairs as one half', () => {
    // Positives 0.35, 0.8, 0.4 vs negatives 0.1, 0.4, 0.4:
    // 0.35 → 1 pair won; 0.8 → 3; 0.4 → 1 won + 2 ties (1) = 2; total 6 of 9.
    expect(rocAuc([0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.4, 0.4])).toBeCloseTo(6 / 9, 12);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one, 0.5 when all scores tie', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4])).toBe(1);
    expect(rocAuc([0, 0, 1, 1], [0.4, 0.3, 0.2, 0.1])).toBe(0);
    expect(rocAuc([0, 1, 0, 1, 1], [0.3, 0.3, 0.3, 0.3, 0.3])).toBe(0.5);
  });

  it('is NaN when a class is absent, and rejects mismatched lengths', () => {
    expect(rocAuc([1, 1], [0.2, 0.9])).toBeNaN();
    expect(() => rocAuc([0, 1], [0.5])).toThrow(/2 labels but 1 scores/);
  });
});

describe('rocCurve', () => {
  it('steps through distinct scores from (0,0) to (1,1)', () => {
    expect(rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toEqual([
      [0, 0],
      [0, 0.5],
      [0.5, 0.5],
      [0.5, 1],
      [1, 1],
    ]);
  });

  it('moves tied scores together, and its area equals the AUC', () => {
    const y = [0, 0, 1, 1, 0, 1];
    const p = [0.1, 0.4, 0.35, 0.8, 0.4, 0.4];
    const curve = rocCurve(y, p);
    expect(curve).toEqual([
      [0, 0],
      [0, 1 / 3],
      [2 / 3, 2 / 3],
      [2 / 3, 1],
      [1, 1],
    ]);
    expect(trapezoid(curve)).toBeCloseTo(rocAuc(y, p), 12);
  });

  it('is empty when a class is absent', () => {
    expect(rocCurve([0, 0], [0.1, 0.2])).toEqual([]);
  });
});

describe('threshold metrics', () => {
  // Positive when score ≥ 0.5: rows 0 and 4 are true positives, 2 and 5 false positives, 1 a false negative, 3 a true negative.
  const y = [1, 1, 0, 0, 1, 0];
  const p = [0.9, 0.4, 0.6, 0.2, 0.5, 0.5];

  it('builds the confusion matrix with ≥ threshold as positive', () => {
    expect(confusionMatrix(y, p)).toEqual({ tp: 2, fp: 2, tn: 1, fn: 1 });
    expect(confusionMatrix(y, p, 0.55)).toEqual({ tp: 1, fp: 1, tn: 2, fn: 2 });
  });

  it('derives accuracy, precision, recall and F1', () => {
    const m = thresholdMetrics(y, p);
    expect(m.accuracy).toBeCloseTo(3 / 6, 12);
    expect(m.precision).toBeCloseTo(2 / 4, 12);
    expect(m.recall).toBeCloseTo(2 / 3, 12);
    expect(m.f1).toBeCloseTo(4 / 7, 12); // 2·tp / (2·tp + fp + fn)
  });

  it('reports 0 rather than NaN when nothing is predicted positive', () => {
    expect(metricsFromConfusion({ tp: 0, fp: 0, tn: 3, fn: 2 })).toEqual({ accuracy: 0.6, precision: 0, recall: 0, f1: 0 });
  });
});

describe('logLoss', () => {
  it('averages the binary cross-entropy', () => {
    expect(logLoss([1, 0], [0.8, 0.3])).toBeCloseTo(-(Math.log(0.8) + Math.log(0.7)) / 2, 12);
  });

  it('clips scores so a confident miss is finite', () => {
    const miss = logLoss([0], [1]); // −ln(1e-15) ≈ 34.5, up to rounding of 1 − 1e-15
    expect(miss).toBeGreaterThan(34);
    expect(miss).toBeLessThan(35);
    expect(logLoss([1, 0], [1, 0])).toBeLessThan(1e-14);
  });
});
