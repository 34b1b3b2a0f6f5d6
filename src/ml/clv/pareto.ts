/**
 * Pareto/NBD (Schmittlein, Morrison & Colombo 1987): purchases at Poisson rate
 * λ ~ Gamma(r, α) while alive; lifetime exponential with rate μ ~ Gamma(s, β).
 * Likelihood as in Fader & Hardie (2005), "A note on deriving the Pareto/NBD
 * model and related expressions", eq. (20)–(22), evaluated in logs.
 */
import { hyp2f1Minus1, lgamma, logAddExp, logSubExp } from './special.ts';
import { minimizePositive, type FitOptions } from './optimize.ts';
import { compressCounts, meanCounts, type CountsSummary, type WeightedCounts } from './rows.ts';
import type { FitResult, ParetoNbdParams } from './types.ts';

const SERIES_BUDGET = 20_000;

/**
 * ln[ 2F1(m, k; m+1; z) / y^m ] with z = d / y, 0 ≤ z < 1. Euler's transform
 * 2F1(m, k; m+1; z) = (1−z)^(1−k) 2F1(1, m+1−k; m+1; z) leaves a series of
 * positive terms (m+1−k > 0 for both uses below) that falls at least like z^n.
 */
function logHypTerm(m: number, k: number, d: number, y: number): number {
  const z = d / y;
  // Its terms fall at least like z^n: when that needs more than SERIES_BUDGET terms (z > ~0.998,
  // i.e. one rate hundreds of times the other: far from any fit to real data) the value is NaN,
  // which the optimiser treats as outside the domain, rather than a slow sum.
  if (z > 0 && (Math.log(1e-17) + Math.log1p(-z)) / Math.log(z) > SERIES_BUDGET) return NaN;
  return (1 - k) * Math.log1p(-z) + Math.log(1 + hyp2f1Minus1(1, m + 1 - k, m + 1, z, SERIES_BUDGET)) - m * Math.log(y);
}

/**
 * ln A0 of the note: the integral over the death time between t_x and T,
 * with the 2F1 argument taken on the side (α or β) that keeps it in [0, 1).
 */
export function paretoLogA0(p: ParetoNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, s, beta } = p;
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

export function paretoTotalLogLik(p: ParetoNbdParams, c: WeightedCounts): number {
  let total = 0;
  const lgr = lgamma(p.r);
  const g = c.xLevels.map((x) => lgamma(p.r + x) - lgr);
  for (let i = 0; i < c.x.length; i++) {
    const x = c.x[i]!;
    const T = c.T[i]!;
    const logAlive = -(p.r + x) * Math.log(p.alpha + T) - p.s * Math.log(p.beta + T);
    const logDead = Math.log(p.s) - Math.log(p.r + p.s + x) + paretoLogA0(p, x, c.tx[i]!, T);
    total += c.w[i]! * (g[c.xLevel[i]!]! + logAddExp(logAlive, logDead));
  }
  return total + c.customers * (p.r * Math.log(p.alpha) + p.s * Math.log(p.beta));
}

const toParams = ([r, alpha, s, beta]: number[]): ParetoNbdParams => ({ r: r!, alpha: alpha!, s: s!, beta: beta! });

export function fitParetoNbd(summary: CountsSummary | WeightedCounts, options: FitOptions = {}): FitResult<ParetoNbdParams> {
  const started = performance.now();
  const c = 'w' in summary ? summary : compressCounts(summary);
  const mean = meanCounts(c);
  const rate = Math.max(mean.x, 1e-3) / Math.max(mean.T, 1e-3);
  const span = Math.max(mean.T, 1e-3);
  const starts = [
    [1, 1 / rate, 1, span],
    [0.3, 0.3 / rate, 0.5, span / 4],
    [3, 3 / rate, 2, 4 * span],
    [0.5, 0.5 / rate, 0.5, span],
  ];
  const n = Math.max(1, c.customers);
  const fit = minimizePositive((theta) => -paretoTotalLogLik(toParams(theta), c) / n, starts, {
    shouldStop: options.shouldStop,
    onRestart: options.onRestart,
  });
  return {
    params: toParams(fit.theta),
    logLik: paretoTotalLogLik(toParams(fit.theta), c),
    converged: fit.converged,
    iterations: fit.iterations,
    restarts: fit.restarts,
    ms: performance.now() - started,
  };
}
