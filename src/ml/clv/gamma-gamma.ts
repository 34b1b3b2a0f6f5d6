/**
 * Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV: using
 * iso-value curves for customer base analysis"; Fader & Hardie's note "The
 * Gamma-Gamma model of monetary value", 2013): each purchase's value ~
 * Gamma(p, ν), ν ~ Gamma(q, v) across customers. Fitted on the mean spend
 * zbar of the x > 0 repeat purchases.
 */
import { lgamma } from './special.ts';
import { COARSE_ROWS, minimizePositive, type FitOptions } from './optimize.ts';
import type { FitResult, GammaGammaParams } from './types.ts';

/** ln f(zbar | x) for one customer with x > 0 and zbar > 0. */
export function ggLogLik(p: GammaGammaParams, x: number, zbar: number): number {
  const px = p.p * x;
  return (
    lgamma(px + p.q) - lgamma(px) - lgamma(p.q) + p.q * Math.log(p.v) + (px - 1) * Math.log(zbar) + px * Math.log(x) - (px + p.q) * Math.log(p.v + x * zbar)
  );
}

/** The customers the spend model uses (x > 0, zbar > 0 and finite), as pairs. */
export function spendRows(x: Float64Array, zbar: Float64Array): { x: Float64Array; zbar: Float64Array } {
  const xs: number[] = [];
  const zs: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (x[i]! > 0 && zbar[i]! > 0 && Number.isFinite(zbar[i]!)) {
      xs.push(x[i]!);
      zs.push(zbar[i]!);
    }
  }
  return { x: Float64Array.from(xs), zbar: Float64Array.from(zs) };
}

export function ggTotalLogLik(p: GammaGammaParams, x: Float64Array, zbar: Float64Array): number {
  let total = 0;
  const base = p.q * Math.log(p.v) - lgamma(p.q);
  for (let i = 0; i < x.length; i++) {
    const px = p.p * x[i]!;
    const z = zbar[i]!;
    total += lgamma(px + p.q) - lgamma(px) + (px - 1) * Math.log(z) + px * Math.log(x[i]!) - (px + p.q) * Math.log(p.v + x[i]! * z) + base;
  }
  return total;
}

const toParams = ([p, q, v]: number[]): GammaGammaParams => ({ p: p!, q: q!, v: v! });

/** Fits on the customers with x > 0 and a positive mean spend; others are left out. */
export function fitGammaGamma(xAll: Float64Array, zbarAll: Float64Array, options: FitOptions = {}): FitResult<GammaGammaParams> {
  const started = performance.now();
  if (xAll.length !== zbarAll.length) throw new Error(`x and zbar differ in length: ${xAll.length}, ${zbarAll.length}`);
  const { x, zbar } = spendRows(xAll, zbarAll);
  if (x.length === 0) throw new Error('No customer has a repeat purchase with a positive mean spend: the spend model cannot be fitted');
  let mean = 0;
  for (const z of zbar) mean += z / zbar.length;
  // E[Z] = p v / (q − 1): starts with that mean at a spread of shapes.
  const starts = [
    [1, 2, mean],
    [5, 3, (mean * 2) / 5],
    [2, 5, mean * 2],
    [10, 10, mean * 0.9],
  ];
  const n = x.length;
  // Coarse pass on every k-th customer (their order carries no meaning for the fit).
  const k = Math.ceil(n / COARSE_ROWS);
  const xThin = x.filter((_, i) => i % k === 0);
  const zThin = zbar.filter((_, i) => i % k === 0);
  const fit = minimizePositive((theta) => -ggTotalLogLik(toParams(theta), x, zbar) / n, starts, {
    shouldStop: options.shouldStop,
    onRestart: options.onRestart,
    coarse: k > 1 ? (theta) => -ggTotalLogLik(toParams(theta), xThin, zThin) / xThin.length : undefined,
  });
  return {
    params: toParams(fit.theta),
    logLik: ggTotalLogLik(toParams(fit.theta), x, zbar),
    converged: fit.converged,
    iterations: fit.iterations,
    restarts: fit.restarts,
    ms: performance.now() - started,
  };
}
