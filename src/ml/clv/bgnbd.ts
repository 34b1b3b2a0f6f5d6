/**
 * BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way"):
 * purchases at Poisson rate λ ~ Gamma(r, α) while alive; after each purchase the
 * customer drops out with probability p ~ Beta(a, b).
 */
import { lgamma, logAddExp } from './special.ts';
import type { FitOptions } from './optimize.ts';
import { fitCountModel } from './fit-counts.ts';
import { compressCounts, meanCounts, type CountsSummary, type WeightedCounts } from './rows.ts';
import type { BgNbdParams, FitResult } from './types.ts';

/** ln L for one customer (paper eq. 6, in logs). */
export function bgnbdLogLik(p: BgNbdParams, x: number, tx: number, T: number): number {
  const { r, alpha, a, b } = p;
  const a1 = lgamma(r + x) - lgamma(r) + r * Math.log(alpha);
  const a2 = lgamma(a + b) + lgamma(b + x) - lgamma(b) - lgamma(a + b + x);
  const a3 = -(r + x) * Math.log(alpha + T);
  const a4 = x > 0 ? Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + tx) : -Infinity;
  return a1 + a2 + logAddExp(a3, a4);
}

/** Σ w ln L over weighted rows. */
export function bgnbdTotalLogLik(p: BgNbdParams, c: WeightedCounts): number {
  const { r, alpha, a, b } = p;
  // The gamma terms depend on x alone, and x takes few values: once per value.
  const g = c.xLevels.map((x) => lgamma(r + x) + lgamma(b + x) - lgamma(a + b + x));
  const base = r * Math.log(alpha) - lgamma(r) + lgamma(a + b) - lgamma(b);
  const logA = Math.log(a);
  let total = 0;
  for (let i = 0; i < c.x.length; i++) {
    const x = c.x[i]!;
    const a3 = -(r + x) * Math.log(alpha + c.T[i]!);
    const a4 = x > 0 ? logA - Math.log(b + x - 1) - (r + x) * Math.log(alpha + c.tx[i]!) : -Infinity;
    total += c.w[i]! * (base + g[c.xLevel[i]!]! + logAddExp(a3, a4));
  }
  return total;
}

const toParams = ([r, alpha, a, b]: number[]): BgNbdParams => ({ r: r!, alpha: alpha!, a: a!, b: b! });

/** Maximum-likelihood fit from several data-scaled starting points. */
export function fitBgNbd(summary: CountsSummary | WeightedCounts, options: FitOptions = {}): FitResult<BgNbdParams> {
  const started = performance.now();
  const c = 'w' in summary ? summary : compressCounts(summary);
  const mean = meanCounts(c);
  const rate = Math.max(mean.x, 1e-3) / Math.max(mean.T, 1e-3);
  const starts = [
    [1, 1 / rate, 1, 1],
    [0.3, 0.3 / rate, 0.5, 2],
    [3, 3 / rate, 2, 6],
    [0.1, 0.1 / rate, 0.2, 0.5],
  ];
  return fitCountModel(c, bgnbdTotalLogLik, toParams, starts, options, started);
}
