/**
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987): purchases at Poisson rate
 * λ ~ Gamma(r, α) while alive; lifetime exponential with rate μ ~ Gamma(s, β).
 * Likelihood as in Fader & Hardie (2005), "A note on deriving the Pareto/NBD
 * model and related expressions", eq. (20)–(22), evaluated in logs.
 */
import { hyp2f1Minus1, lgamma, logAddExp, logIntegrateConcave, logSubExp } from './special.ts';
import type { FitOptions } from './optimize.ts';
import { fitCountModel } from './fit-counts.ts';
import { compressCounts, meanCounts, type CountsSummary, type WeightedCounts } from './rows.ts';
import type { FitResult, ParetoNbdParams } from './types.ts';

const SERIES_BUDGET = 3_000;

/**
 * ln[ 2F1(m, k; m+1; z) / y^m ] with z = d / y, 0 ≤ z < 1. Euler's transform
 * 2F1(m, k; m+1; z) = (1−z)^(1−k) 2F1(1, m+1−k; m+1; z) leaves a series of
 * positive terms (m+1−k > 0 for both uses below) that falls at least like z^n.
 */
function logHypTerm(m: number, k: number, d: number, y: number): number {
  const z = d / y;
  return (1 - k) * Math.log1p(-z) + Math.log(1 + hyp2f1Minus1(1, m + 1 - k, m + 1, z, SERIES_BUDGET)) - m * Math.log(y);
}

/** Above this 2F1 argument the series is slow (terms fall like z^n): the integral is taken by quadrature instead. */
const SERIES_MAX_Z = 0.9;

/**
 * ln A0 by its definition, A0 = (r+s+x) ∫_{t_x}^T (α+τ)^−(r+x) (β+τ)^−(s+1) dτ, integrated
 * over v = ln(min(α, β) + τ), where the integrand's logarithm is concave (logIntegrateConcave).
 * For α and β far apart, where the 2F1 argument nears 1.
 */
function paretoLogA0Quadrature(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  const alphaSmall = alpha <= beta;
  const small = alphaSmall ? alpha : beta;
  const d = Math.abs(alpha - beta);
  const pSmall = alphaSmall ? r + x : s + 1;
  const pBig = alphaSmall ? s + 1 : r + x;
  const psi = (v: number): number => (1 - pSmall) * v - pBig * Math.log(Math.exp(v) + d);
  const dpsi = (v: number): number => {
    const e = Math.exp(v);
    return 1 - pSmall - (pBig * e) / (e + d);
  };
  const curvature = (v: number): number => {
    const e = Math.exp(v);
    return (pBig * d * e) / ((e + d) * (e + d));
  };
  return Math.log(r + s + x) + logIntegrateConcave(psi, dpsi, curvature, Math.log(small + tx), Math.log(small + T));
}

/**
 * ln A0 of the note: the integral over the death time between t_x and T,
 * with the 2F1 argument taken on the side (α or β) that keeps it in [0, 1).
 */
export function paretoLogA0(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
  if (Math.abs(alpha - beta) / (Math.max(alpha, beta) + tx) > SERIES_MAX_Z) return paretoLogA0Quadrature(p, x, tx, T);
  const m = r + s + x;
  if (alpha >= beta) return logSubExp(logHypTerm(m, s + 1, alpha - beta, alpha + tx), logHypTerm(m, s + 1, alpha - beta, alpha + T));
  return logSubExp(logHypTerm(m, r + x, beta - alpha, beta + tx), logHypTerm(m, r + x, beta - alpha, beta + T));
}

/** The two parts of ln L: alive at T (`logAlive`) and dead between t_x and T (`logDead`), after the common factor `logBase`. */
export function paretoLogParts(p: ParetoNbdParams, x: number, tx: number, T: number): { logBase: number; logAlive: number; logDead: number } {
  const { r, alpha, s, beta } = p;
  const logBase = lgamma(r + x) - lgamma(r) + r * Math.log(alpha) + s * Math.log(beta);
  const logAlive = -(r + x) * Math.log(alpha + T) - s * Math.log(beta + T);
  const logDead = Math.log(s) - Math.log(r + s + x) + paretoLogA0(p, x, tx, T);
  return { logBase, logAlive, logDead };
}

/** ln L for one customer. */
export function paretoLogLik(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { logBase, logAlive, logDead } = paretoLogParts(p, x, tx, T);
  return logBase + logAddExp(logAlive, logDead);
}

/**
 * 2F1(1, B; B+k; z) − 1 for 0 ≤ z < 1 and k > 0: positive terms falling at least like z^n,
 * summed to double precision of 1 + sum; NaN past SERIES_BUDGET terms.
 */
function seriesOneB(B: number, k: number, z: number): number {
  if (z === 0) return 0;
  const C = B + k;
  let term = 1;
  let sum = 0;
  for (let n = 0; n < SERIES_BUDGET; n++) {
    term *= ((B + n) / (C + n)) * z;
    sum += term;
    if (term <= 1e-17 * (1 + sum)) return sum;
  }
  return NaN;
}

/**
 * Σ w ln L over weighted rows: paretoLogLik's arithmetic with the logarithms
 * shared between its terms (ln(α+t), ln(β+t) serve both the alive part and the
 * 2F1 terms, where ln(1−z) = ln(small+t) − ln(big+t)), as this is the fit's inner loop.
 */
export function paretoTotalLogLik(p: ParetoNbdParams, c: WeightedCounts): number {
  const { r, alpha, s, beta } = p;
  const lgr = lgamma(r);
  const g = c.xLevels.map((x) => lgamma(r + x) - lgr);
  const logShare = c.xLevels.map((x) => Math.log(s) - Math.log(r + s + x));
  const alphaBig = alpha >= beta;
  const big = alphaBig ? alpha : beta;
  const small = alphaBig ? beta : alpha;
  const d = big - small;
  const logBig0 = Math.log(big);
  const logSmall0 = Math.log(small);
  let total = 0;
  for (let i = 0; i < c.x.length; i++) {
    const x = c.x[i]!;
    const T = c.T[i]!;
    const tx = c.tx[i]!;
    const lBigT = Math.log(big + T);
    const lSmallT = Math.log(small + T);
    const lBigTx = tx === 0 ? logBig0 : Math.log(big + tx);
    const lSmallTx = tx === 0 ? logSmall0 : Math.log(small + tx);
    const m = r + s + x;
    const k = alphaBig ? s + 1 : r + x;
    let logA0: number;
    if (d / (big + tx) > SERIES_MAX_Z) logA0 = paretoLogA0Quadrature(p, x, tx, T);
    else {
      const hTx = (1 - k) * (lSmallTx - lBigTx) + Math.log1p(seriesOneB(m + 1 - k, k, d / (big + tx))) - m * lBigTx;
      const hT = (1 - k) * (lSmallT - lBigT) + Math.log1p(seriesOneB(m + 1 - k, k, d / (big + T))) - m * lBigT;
      logA0 = logSubExp(hTx, hT);
    }
    const logAlive = alphaBig ? -(r + x) * lBigT - s * lSmallT : -(r + x) * lSmallT - s * lBigT;
    const logDead = logShare[c.xLevel[i]!]! + logA0;
    total += c.w[i]! * (g[c.xLevel[i]!]! + logAddExp(logAlive, logDead));
  }
  return total + c.customers * (r * Math.log(alpha) + s * Math.log(beta));
}

const toParams = ([r, alpha, s, beta]: number[]): ParetoNbdParams => ({ r: r!, alpha: alpha!, s: s!, beta: beta! });

export function fitParetoNbd(summary: CountsSummary | WeightedCounts, options: FitOptions = {}): FitResult<ParetoNbdParams> {
  const started = performance.now();
  const c = 'w' in summary ? summary : compressCounts(summary);
  const mean = meanCounts(c);
  const rate = Math.max(mean.x, 1e-3) / Math.max(mean.T, 1e-3);
  const span = Math.max(mean.T, 1e-3);
  // α = r / rate, kept within 20× of β: a start at rates far apart wastes the coarse pass.
  const a0 = (r: number, beta: number) => Math.min(Math.max(r / rate, beta / 20), beta * 20);
  const starts = [
    [1, a0(1, span), 1, span],
    [0.3, a0(0.3, span / 4), 0.5, span / 4],
    [3, a0(3, 4 * span), 2, 4 * span],
    [0.5, a0(0.5, span), 0.5, span],
  ];
  return fitCountModel(c, paretoTotalLogLik, toParams, starts, options, started);
}
