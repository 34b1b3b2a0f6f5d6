/**
 * Choosing and judging a score threshold: pure functions over labels (0/1) and
 * scores, "positive" meaning score ≥ threshold. Safe to call on the main thread
 * (no TensorFlow.js), e.g. as the user moves a slider over out-of-fold scores.
 */
import { confusionMatrix, cumulativeByScore, metricsFromConfusion, type Confusion, type ThresholdMetrics } from './metrics.ts';

export { confusionMatrix, metricsFromConfusion };

export interface ThresholdPoint extends ThresholdMetrics {
  threshold: number;
  confusion: Confusion;
}

function checkLengths(y: ArrayLike<number>, p: ArrayLike<number>): void {
  if (y.length !== p.length) throw new Error(`${y.length} labels but ${p.length} scores`);
}

/**
 * Every useful threshold: +∞ (nobody targeted) and then each distinct score
 * from the highest down, with the confusion matrix it gives.
 */
export function thresholdSweep(y: ArrayLike<number>, p: ArrayLike<number>): ThresholdPoint[] {
  const steps = cumulativeByScore(y, p);
  const nPos = steps.at(-1)?.tp ?? 0;
  const nNeg = steps.at(-1)?.fp ?? 0;
  const point = (threshold: number, tp: number, fp: number): ThresholdPoint => {
    const confusion: Confusion = { tp, fp, tn: nNeg - fp, fn: nPos - tp };
    return { threshold, confusion, ...metricsFromConfusion(confusion) };
  };
  return [point(Infinity, 0, 0), ...steps.map((s) => point(s.threshold, s.tp, s.fp))];
}

/** The threshold with the highest F1 (the highest such threshold on ties). */
export function bestThresholdByF1(y: ArrayLike<number>, p: ArrayLike<number>): ThresholdPoint {
  let best: ThresholdPoint | undefined;
  for (const point of thresholdSweep(y, p)) if (!best || point.f1 > best.f1) best = point;
  return best!;
}

/** What a retention offer costs and earns. */
export interface OfferEconomics {
  /** Cost of making the offer to one customer (whether or not they would have churned). */
  offerCost: number;
  /** Value kept when a customer who would have churned is saved. */
  savedValue: number;
  /** Share of contacted would-be churners the offer saves; default 1. */
  successRate?: number;
}

/** Profit of targeting the predicted positives: tp · successRate · savedValue − (tp + fp) · offerCost. */
export function profitOf(c: Confusion, economics: OfferEconomics): number {
  const { offerCost, savedValue, successRate = 1 } = economics;
  return c.tp * successRate * savedValue - (c.tp + c.fp) * offerCost;
}

export interface ProfitPoint {
  threshold: number;
  profit: number;
  /** Customers targeted (score ≥ threshold). */
  targeted: number;
}

export interface ProfitChoice extends ProfitPoint {
  confusion: Confusion;
  /** Profit at every threshold of the sweep, highest threshold first. */
  curve: ProfitPoint[];
  /**
   * Where targeting one customer breaks even in expectation when scores are
   * calibrated probabilities: p · successRate · savedValue = offerCost.
   */
  breakEven: number;
}

/** The threshold with the highest profit on labelled rows (the highest such threshold on ties; +∞ means "target nobody"). */
export function bestThresholdByProfit(y: ArrayLike<number>, p: ArrayLike<number>, economics: OfferEconomics): ProfitChoice {
  const { offerCost, savedValue, successRate = 1 } = economics;
  if (!(offerCost >= 0) || !(savedValue >= 0) || !(successRate >= 0 && successRate <= 1)) {
    throw new Error(`Offer economics need offerCost ≥ 0, savedValue ≥ 0 and successRate in [0, 1]; got ${offerCost}, ${savedValue}, ${successRate}`);
  }
  const sweep = thresholdSweep(y, p);
  const curve = sweep.map((s) => ({ threshold: s.threshold, profit: profitOf(s.confusion, economics), targeted: s.confusion.tp + s.confusion.fp }));
  let bestAt = 0;
  for (let i = 1; i < curve.length; i++) if (curve[i]!.profit > curve[bestAt]!.profit) bestAt = i;
  const gain = successRate * savedValue;
  return { ...curve[bestAt]!, confusion: sweep[bestAt]!.confusion, curve, breakEven: gain > 0 ? Math.min(offerCost / gain, Infinity) : Infinity };
}

export interface GainPoint {
  /** Share of customers targeted, highest scores first. */
  fraction: number;
  /** Share of all positives among them (cumulative gain, recall). */
  gain: number;
  /** Their positive rate over the overall positive rate. */
  lift: number;
}

/**
 * Cumulative gain and lift at `points` equal steps of the ranked list (deciles
 * by default), starting from [0, 0]. Tied scores are ranked by row order.
 */
export function gainCurve(y: ArrayLike<number>, p: ArrayLike<number>, points = 10): GainPoint[] {
  checkLengths(y, p);
  const n = y.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) if (y[i] === 1) nPos++;
  if (n === 0 || nPos === 0) return [];
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => p[b]! - p[a]! || a - b);
  const out: GainPoint[] = [{ fraction: 0, gain: 0, lift: NaN }];
  let tp = 0;
  let taken = 0;
  for (let k = 1; k <= points; k++) {
    const upTo = Math.round((k * n) / points);
    while (taken < upTo) tp += y[order[taken++]!] === 1 ? 1 : 0;
    if (taken === 0) continue;
    out.push({ fraction: taken / n, gain: tp / nPos, lift: tp / taken / (nPos / n) });
  }
  return out;
}

export interface CalibrationBin {
  /** Score range [lo, hi) (the last bin includes 1). */
  lo: number;
  hi: number;
  count: number;
  meanPredicted: number;
  observedRate: number;
}

/** Reliability diagram: `bins` equal-width score bins over [0, 1]; empty bins are left out. */
export function calibrationBins(y: ArrayLike<number>, p: ArrayLike<number>, bins = 10): CalibrationBin[] {
  checkLengths(y, p);
  const count = new Array<number>(bins).fill(0);
  const sumP = new Array<number>(bins).fill(0);
  const sumY = new Array<number>(bins).fill(0);
  for (let i = 0; i < y.length; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(p[i]! * bins)));
    count[b]!++;
    sumP[b]! += p[i]!;
    sumY[b]! += y[i]!;
  }
  const out: CalibrationBin[] = [];
  for (let b = 0; b < bins; b++) {
    if (count[b] === 0) continue;
    out.push({ lo: b / bins, hi: (b + 1) / bins, count: count[b]!, meanPredicted: sumP[b]! / count[b]!, observedRate: sumY[b]! / count[b]! });
  }
  return out;
}

export type RiskTier = 'high' | 'medium' | 'low';

/** Score cut-offs for the risk tiers: high when p ≥ high, medium when p ≥ medium. */
export interface TierThresholds {
  high: number;
  medium: number;
}

export const DEFAULT_TIERS: TierThresholds = { high: 0.5, medium: 0.25 };

export function riskTier(p: number, tiers: TierThresholds = DEFAULT_TIERS): RiskTier {
  return p >= tiers.high ? 'high' : p >= tiers.medium ? 'medium' : 'low';
}
