import { describe, expect, it } from 'vitest';
import { averagePrecision, prCurve, rocAuc, scoreSet } from '../../src/ml/metrics.ts';
import {
  bestThresholdByF1,
  bestThresholdByProfit,
  calibrationBins,
  confusionMatrix,
  gainCurve,
  profitOf,
  riskTier,
  thresholdSweep,
} from '../../src/ml/thresholds.ts';

describe('PR curve and average precision (PR AUC), by hand', () => {
  it('scores the scikit-learn doc example: AP = 0.5·1 + 0·0.5 + 0.5·(2/3) = 5/6', () => {
    const y = [0, 0, 1, 1];
    const p = [0.1, 0.4, 0.35, 0.8];
    // Thresholds 0.8, 0.4, 0.35, 0.1 → (recall, precision) (½, 1), (½, ½), (1, ⅔), (1, ½).
    expect(prCurve(y, p)).toEqual([
      [0, 1],
      [0.5, 1],
      [0.5, 0.5],
      [1, 2 / 3],
      [1, 0.5],
    ]);
    expect(averagePrecision(y, p)).toBeCloseTo(5 / 6, 12);
  });

  it('moves tied scores together: AP = (1 + ½ + 0.6) / 3 = 0.7', () => {
    // 0.8 → 1 of 1 positive; 0.4 (two negatives, one positive) → 2 of 4; 0.35 → 3 of 5; 0.1 → recall unchanged.
    expect(averagePrecision([0, 0, 1, 1, 0, 1], [0.1, 0.4, 0.35, 0.8, 0.4, 0.4])).toBeCloseTo(0.7, 12);
  });

  it('is 1 for a perfect ranking, the positive rate when all scores tie, NaN without positives', () => {
    expect(averagePrecision([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8])).toBe(1);
    expect(averagePrecision([0, 1, 0, 0], [0.5, 0.5, 0.5, 0.5])).toBe(0.25);
    expect(averagePrecision([0, 0], [0.1, 0.2])).toBeNaN();
    expect(prCurve([0, 0], [0.1, 0.2])).toEqual([]);
  });

  it('scoreSet gathers every fold metric', () => {
    const s = scoreSet([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
    expect(s.auc).toBe(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]));
    expect(s.prAuc).toBeCloseTo(5 / 6, 12);
    expect(s.logLoss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4, 12);
    // At 0.5 only the 0.8 positive is predicted positive: tp 1, fn 1, tn 2.
    expect(s).toMatchObject({ accuracy: 0.75, precision: 1, recall: 0.5 });
    expect(s.f1).toBeCloseTo(2 / 3, 12);
  });
});

// Five customers, two of whom churn; scores from a model.
const y = [1, 0, 1, 0, 0];
const p = [0.9, 0.8, 0.6, 0.3, 0.1];

describe('thresholds, by hand', () => {
  it('sweeps +∞ then every distinct score, with its confusion matrix', () => {
    const sweep = thresholdSweep(y, p);
    expect(sweep.map((s) => s.threshold)).toEqual([Infinity, 0.9, 0.8, 0.6, 0.3, 0.1]);
    expect(sweep.map((s) => s.confusion)).toEqual([
      { tp: 0, fp: 0, tn: 3, fn: 2 },
      { tp: 1, fp: 0, tn: 3, fn: 1 },
      { tp: 1, fp: 1, tn: 2, fn: 1 },
      { tp: 2, fp: 1, tn: 2, fn: 0 },
      { tp: 2, fp: 2, tn: 1, fn: 0 },
      { tp: 2, fp: 3, tn: 0, fn: 0 },
    ]);
    expect(sweep[3]!.confusion).toEqual(confusionMatrix(y, p, 0.6));
  });

  it('best threshold by F1: 0.6 (tp 2, fp 1, fn 0 → F1 = 4/5)', () => {
    // F1 per threshold: 2/3, 1/2, 4/5, 2/3, 4/7.
    const best = bestThresholdByF1(y, p);
    expect(best.threshold).toBe(0.6);
    expect(best.f1).toBeCloseTo(0.8, 12);
  });

  it('best threshold by profit: offer 10, saved customer 50, half of offers work → 0.6, profit 20', () => {
    // Per saved churner 0.5 · 50 = 25; profit = 25·tp − 10·(tp + fp):
    // ∞ → 0; 0.9 → 25 − 10 = 15; 0.8 → 25 − 20 = 5; 0.6 → 50 − 30 = 20; 0.3 → 50 − 40 = 10; 0.1 → 50 − 50 = 0.
    const economics = { offerCost: 10, savedValue: 50, successRate: 0.5 };
    const best = bestThresholdByProfit(y, p, economics);
    expect(best.curve.map((c) => c.profit)).toEqual([0, 15, 5, 20, 10, 0]);
    expect(best).toMatchObject({ threshold: 0.6, profit: 20, targeted: 3, confusion: { tp: 2, fp: 1, tn: 2, fn: 0 } });
    expect(best.breakEven).toBeCloseTo(0.4, 12); // 10 / 25
    expect(profitOf({ tp: 2, fp: 1, tn: 2, fn: 0 }, economics)).toBe(20);
  });

  it('targets nobody when every offer loses money', () => {
    // Offer 30 > 25 per saved churner: 0.9 → −5 and worse below.
    const best = bestThresholdByProfit(y, p, { offerCost: 30, savedValue: 50, successRate: 0.5 });
    expect(best).toMatchObject({ threshold: Infinity, profit: 0, targeted: 0 });
    expect(() => bestThresholdByProfit(y, p, { offerCost: -1, savedValue: 50 })).toThrow(/offerCost ≥ 0/);
  });
});

describe('gain, lift and calibration, by hand', () => {
  it('cumulative gain and lift at fifths of the ranked list', () => {
    // Ranked labels 1, 0, 1, 0, 0; base rate 2/5.
    const g = gainCurve(y, p, 5);
    expect(g.map((x) => x.fraction)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(g.map((x) => x.gain)).toEqual([0, 0.5, 0.5, 1, 1, 1]);
    const lifts = g.slice(1).map((x) => x.lift);
    [2.5, 1.25, 5 / 3, 1.25, 1].forEach((v, i) => expect(lifts[i]).toBeCloseTo(v, 12));
  });

  it('calibration bins: mean score against observed rate, empty bins left out', () => {
    const bins = calibrationBins(y, p, 2);
    expect(bins).toHaveLength(2);
    expect(bins[0]).toMatchObject({ lo: 0, hi: 0.5, count: 2, observedRate: 0 });
    expect(bins[0]!.meanPredicted).toBeCloseTo(0.2, 12);
    expect(bins[1]).toMatchObject({ lo: 0.5, hi: 1, count: 3, observedRate: 2 / 3 });
    expect(bins[1]!.meanPredicted).toBeCloseTo(2.3 / 3, 12);
    expect(calibrationBins([1, 0], [1, 0.05], 10).map((b) => [b.lo, b.count])).toEqual([
      [0, 1],
      [0.9, 1],
    ]);
  });

  it('risk tiers by cut-offs', () => {
    expect([0.7, 0.5, 0.3, 0.25, 0.1].map((x) => riskTier(x, { high: 0.5, medium: 0.25 }))).toEqual(['high', 'high', 'medium', 'medium', 'low']);
  });
});
