/**
 * Predictions from fitted lifetime-value models, one value per customer of a
 * calibration summary. Time in weeks; t is the length of the period ahead.
 */
import { hyp2f1Minus1 } from './special.ts';
import { paretoLogParts } from './pareto.ts';
import type { BgNbdParams, CalibrationSummary, GammaGammaParams, ParetoNbdParams } from './types.ts';

/** Weeks in a month: 365.25 / 12 days. */
export const WEEKS_PER_MONTH = 365.25 / 12 / 7;

function map(n: number, f: (i: number) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(i);
  return out;
}

/** The odds term a/(b+x−1) ((α+T)/(α+t_x))^(r+x) of BG/NBD; 0 when x = 0 (no purchase to have died after). */
function bgnbdDeadOdds(p: BgNbdParams, x: number, tx: number, T: number): number {
  if (x === 0) return 0;
  return Math.exp(Math.log(p.a) - Math.log(p.b + x - 1) + (p.r + x) * (Math.log(p.alpha + T) - Math.log(p.alpha + tx)));
}

/** P(alive at T | x, t_x, T) under BG/NBD (paper eq. 13); 1 for x = 0. */
export function bgnbdPAlive(p: BgNbdParams, x: Float64Array, tx: Float64Array, T: Float64Array): Float64Array {
  return map(x.length, (i) => 1 / (1 + bgnbdDeadOdds(p, x[i]!, tx[i]!, T[i]!)));
}

/**
 * (a+b+x−1)/(a−1) [1 − ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x−1; z)], z = t/(α+T+t),
 * after Euler's transform: the power and the 2F1 become (1−z)^(a−1) 2F1(a+b−1−r, a−1; a+b+x−1; z),
 * which neither overflows for large x nor loses the leading digits.
 */
function bgnbdGrowth(p: BgNbdParams, t: number, x: number, T: number): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = p;
  // The formula is 0/0 at a = 1; its limit is continuous, so step around it.
  if (Math.abs(p.a - 1) < 1e-7) return 0.5 * (bgnbdGrowth({ ...p, a: 1 - 2e-7 }, t, x, T) + bgnbdGrowth({ ...p, a: 1 + 2e-7 }, t, x, T));
  const a = p.a;
  const z = t / (alpha + T + t);
  const log1mz = Math.log1p(-z);
  const power = Math.exp((a - 1) * log1mz);
  // 1 − (1−z)^(a−1) (1 + S) with S = 2F1 − 1.
  const oneMinusF = -Math.expm1((a - 1) * log1mz) - power * hyp2f1Minus1(a + b - 1 - r, a - 1, a + b + x - 1, z);
  return ((a + b + x - 1) / (a - 1)) * oneMinusF;
}

/** Purchases expected in the next t weeks, given x, t_x and T (paper eq. 10). */
export function bgnbdConditionalExpected(p: BgNbdParams, t: number, x: Float64Array, tx: Float64Array, T: Float64Array): Float64Array {
  return map(x.length, (i) => bgnbdGrowth(p, t, x[i]!, T[i]!) / (1 + bgnbdDeadOdds(p, x[i]!, tx[i]!, T[i]!)));
}

/** E[X(t)] for a customer who first bought at time 0 (paper eq. 9). */
export function bgnbdExpectedCumulative(p: BgNbdParams, t: number): number {
  return bgnbdGrowth(p, t, 0, 0);
}

/** P(alive at T | x, t_x, T) under Pareto/NBD (Fader & Hardie's note, eq. 18). */
export function paretoPAlive(p: ParetoNbdParams, x: Float64Array, tx: Float64Array, T: Float64Array): Float64Array {
  return map(x.length, (i) => {
    const { logAlive, logDead } = paretoLogParts(p, x[i]!, tx[i]!, T[i]!);
    return 1 / (1 + Math.exp(logDead - logAlive));
  });
}

/** [1 − (1 + t/y)^−(s−1)] / (s−1), continuous through s = 1 (where it is ln(1 + t/y)). */
function survivalGrowth(s: number, t: number, y: number): number {
  const L = Math.log1p(t / y);
  const s1 = s - 1;
  return Math.abs(s1 * L) < 1e-12 ? L : -Math.expm1(-s1 * L) / s1;
}

/** Purchases expected in the next t weeks under Pareto/NBD, given x, t_x and T (note, eq. 19). */
export function paretoConditionalExpected(p: ParetoNbdParams, t: number, x: Float64Array, tx: Float64Array, T: Float64Array): Float64Array {
  const alive = paretoPAlive(p, x, tx, T);
  return map(x.length, (i) => {
    if (t <= 0) return 0;
    const Ti = T[i]!;
    return (((p.r + x[i]!) * (p.beta + Ti)) / (p.alpha + Ti)) * survivalGrowth(p.s, t, p.beta + Ti) * alive[i]!;
  });
}

/** E[X(t)] under Pareto/NBD for a customer who first bought at time 0. */
export function paretoExpectedCumulative(p: ParetoNbdParams, t: number): number {
  if (t <= 0) return 0;
  return ((p.r * p.beta) / p.alpha) * survivalGrowth(p.s, t, p.beta);
}

/** Population mean spend per purchase, p v / (q − 1); NaN when q ≤ 1 (the mean does not exist). */
export function ggMeanSpend(p: GammaGammaParams): number {
  return p.q > 1 ? (p.p * p.v) / (p.q - 1) : NaN;
}

/**
 * Expected spend per purchase given x purchases averaging zbar: a weighted mean of the
 * population mean and zbar (Fader, Hardie & Lee 2005, eq. 5); the population mean where
 * x = 0 or zbar is missing.
 */
export function ggConditionalSpend(p: GammaGammaParams, x: Float64Array, zbar: Float64Array): Float64Array {
  const mean = ggMeanSpend(p);
  return map(x.length, (i) => {
    const xi = x[i]!;
    const z = zbar[i]!;
    if (!(xi > 0) || !Number.isFinite(z)) return mean;
    return (p.p * (p.v + xi * z)) / (p.p * xi + p.q - 1);
  });
}

export type ClvOptions = {
  summary: Pick<CalibrationSummary, 'x' | 'tx' | 'T' | 'zbar'>;
  /** Months ahead, each discounted once at its end. */
  months: number;
  /** Discount rate per month (0.01 = 1 % a month). */
  monthlyDiscount: number;
  /** Share of spend kept as profit (1 = revenue). */
  margin: number;
  /** Spend per purchase: the Gamma-Gamma model, or one expected spend per customer. */
  gg: GammaGammaParams | Float64Array;
} & ({ counts: 'bgnbd'; params: BgNbdParams } | { counts: 'pareto'; params: ParetoNbdParams });

/**
 * Discounted value over the next `months`: Σ_m (E[Y(m)] − E[Y(m−1)]) × spend × margin / (1 + d)^m,
 * with E[Y(m)] the purchases expected in the first m months ahead.
 */
export function clv(o: ClvOptions): Float64Array {
  const { x, tx, T, zbar } = o.summary;
  const n = x.length;
  const spend = o.gg instanceof Float64Array ? o.gg : ggConditionalSpend(o.gg, x, zbar);
  if (spend.length !== n) throw new Error(`Spend per customer has ${spend.length} values for ${n} customers`);
  const expected = (t: number): Float64Array =>
    o.counts === 'bgnbd' ? bgnbdConditionalExpected(o.params, t, x, tx, T) : paretoConditionalExpected(o.params, t, x, tx, T);
  const value = new Float64Array(n);
  let before: Float64Array = new Float64Array(n);
  for (let m = 1; m <= o.months; m++) {
    const now = expected(m * WEEKS_PER_MONTH);
    const factor = o.margin / (1 + o.monthlyDiscount) ** m;
    for (let i = 0; i < n; i++) value[i]! += (now[i]! - before[i]!) * spend[i]! * factor;
    before = now;
  }
  return value;
}
