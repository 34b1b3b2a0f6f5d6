/**
 * The fit both count models share: minimise the mean negative log-likelihood
 * over the customers' (x, t_x, T) rows, the coarse pass on a thinned copy when
 * there are many rows, and the result with the likelihood on all of them.
 */
import { COARSE_ROWS, minimizePositive, type FitOptions } from './optimize.ts';
import { thinCounts, type WeightedCounts } from './rows.ts';
import type { FitResult } from './types.ts';

export function fitCountModel<P>(
  c: WeightedCounts,
  totalLogLik: (params: P, rows: WeightedCounts) => number,
  toParams: (theta: number[]) => P,
  starts: number[][],
  options: FitOptions,
  started: number,
): FitResult<P> {
  const n = Math.max(1, c.customers);
  const thin = thinCounts(c, COARSE_ROWS);
  const fit = minimizePositive((theta) => -totalLogLik(toParams(theta), c) / n, starts, {
    shouldStop: options.shouldStop,
    onRestart: options.onRestart,
    coarse: thin === c ? undefined : (theta) => -totalLogLik(toParams(theta), thin) / n,
  });
  return {
    params: toParams(fit.theta),
    logLik: totalLogLik(toParams(fit.theta), c),
    converged: fit.converged,
    iterations: fit.iterations,
    restarts: fit.restarts,
    ms: performance.now() - started,
  };
}
