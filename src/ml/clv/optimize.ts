/**
 * Nelder–Mead minimisation with restarts, for the lifetime-value likelihoods.
 * Parameters that must be positive are searched on the log scale
 * (`minimizePositive`), so the simplex never leaves the domain.
 */
import { abortError } from '../../lib/errors.ts';

export interface NelderMeadOptions {
  /** Iteration budget of one run. */
  maxIterations?: number;
  /** Stop when the simplex's values span less than this … */
  fTol?: number;
  /** … and its vertices lie within this of the best one (each coordinate). */
  xTol?: number;
  /** Edge of the initial simplex along each coordinate. */
  step?: number;
  /** Checked between iterations; true ends the search with an AbortError. */
  shouldStop?: () => boolean;
}

export interface NelderMeadResult {
  x: number[];
  f: number;
  iterations: number;
  converged: boolean;
}

/** Minimises `f` from `x0`; non-finite values count as +Infinity (outside the domain). */
export function nelderMead(f: (x: number[]) => number, x0: number[], options: NelderMeadOptions = {}): NelderMeadResult {
  const { maxIterations = 1000, fTol = 1e-10, xTol = 1e-5, step = 0.5, shouldStop } = options;
  const n = x0.length;
  const value = (x: number[]): number => {
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const simplex: number[][] = [x0.slice()];
  for (let i = 0; i < n; i++) {
    const v = x0.slice();
    v[i]! += step;
    simplex.push(v);
  }
  const fs = simplex.map(value);
  const order = (): void => {
    const idx = fs.map((_, i) => i).sort((i, j) => fs[i]! - fs[j]!);
    const s = idx.map((i) => simplex[i]!);
    const v = idx.map((i) => fs[i]!);
    for (let i = 0; i <= n; i++) {
      simplex[i] = s[i]!;
      fs[i] = v[i]!;
    }
  };
  const along = (centroid: number[], worst: number[], t: number): number[] => centroid.map((c, j) => c + t * (c - worst[j]!));
  let iterations = 0;
  let converged = false;
  order();
  while (iterations < maxIterations) {
    if (shouldStop?.()) throw abortError();
    let xSpread = 0;
    for (let i = 1; i <= n; i++) for (let j = 0; j < n; j++) xSpread = Math.max(xSpread, Math.abs(simplex[i]![j]! - simplex[0]![j]!));
    if (Number.isFinite(fs[0]!) && fs[n]! - fs[0]! <= fTol * (1 + Math.abs(fs[0]!)) && xSpread <= xTol) {
      converged = true;
      break;
    }
    iterations++;
    const centroid = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j]! += simplex[i]![j]! / n;
    const worst = simplex[n]!;
    const xr = along(centroid, worst, 1);
    const fr = value(xr);
    if (fr < fs[0]!) {
      const xe = along(centroid, worst, 2);
      const fe = value(xe);
      if (fe < fr) [simplex[n], fs[n]] = [xe, fe];
      else [simplex[n], fs[n]] = [xr, fr];
    } else if (fr < fs[n - 1]!) {
      [simplex[n], fs[n]] = [xr, fr];
    } else {
      const outside = fr < fs[n]!;
      const xc = along(centroid, worst, outside ? 0.5 : -0.5);
      const fc = value(xc);
      if (fc < (outside ? fr : fs[n]!)) {
        [simplex[n], fs[n]] = [xc, fc];
      } else {
        for (let i = 1; i <= n; i++) {
          simplex[i] = simplex[i]!.map((v, j) => simplex[0]![j]! + 0.5 * (v - simplex[0]![j]!));
          fs[i] = value(simplex[i]!);
        }
      }
    }
    order();
  }
  return { x: simplex[0]!, f: fs[0]!, iterations, converged };
}

export interface RestartOptions extends NelderMeadOptions {
  /** Called before each restart (1-based), for progress. */
  onRestart?: (restart: number, of: number) => void;
  /**
   * A cheaper stand-in for `f` (e.g. on a subsample) for the coarse pass from each start;
   * only the polish, which decides the result, evaluates `f` itself.
   */
  coarse?: (x: number[]) => number;
}

/** What a model fit takes: an abort check and a restart counter for progress. */
export type FitOptions = Pick<RestartOptions, 'shouldStop' | 'onRestart'>;

/** Rows above which the coarse pass runs on a subsample (rows.ts thinCounts). */
export const COARSE_ROWS = 1000;

export interface RestartResult extends NelderMeadResult {
  restarts: number;
}

/** Tolerances of the first, coarse pass from each start. */
const COARSE = { fTol: 1e-6, xTol: 1e-2, maxIterations: 400 };

/**
 * Nelder–Mead from each start to a coarse tolerance, then the best end is
 * polished: re-started with a fresh, smaller simplex (which escapes a collapsed
 * one) until the value stops moving. `converged` is the polish's.
 */
export function minimizeWithRestarts(f: (x: number[]) => number, starts: number[][], options: RestartOptions = {}): RestartResult {
  if (starts.length === 0) throw new Error('minimizeWithRestarts needs at least one start');
  const fTol = options.fTol ?? 1e-10;
  let best: NelderMeadResult | null = null;
  let iterations = 0;
  starts.forEach((x0, i) => {
    options.onRestart?.(i + 1, starts.length);
    const run = nelderMead(options.coarse ?? f, x0, {
      ...options,
      fTol: Math.max(fTol, COARSE.fTol),
      xTol: Math.max(options.xTol ?? 0, COARSE.xTol),
      maxIterations: Math.min(options.maxIterations ?? Infinity, COARSE.maxIterations),
    });
    iterations += run.iterations;
    if (!best || run.f < best.f) best = run;
  });
  let run: NelderMeadResult = options.coarse ? { ...best!, f: f(best!.x) } : best!;
  let converged = false;
  for (let polish = 0; polish < 3; polish++) {
    const again = nelderMead(f, run.x, { ...options, step: (options.step ?? 0.5) / (10 * 4 ** polish) });
    iterations += again.iterations;
    const moved = run.f - again.f;
    if (again.f <= run.f) run = again;
    // Converged: a fresh simplex at the end point met the tolerances and found nothing better.
    converged = polish > 0 && again.converged && moved <= fTol * (1 + Math.abs(run.f));
    if (converged) break;
  }
  return { ...run, converged, iterations, restarts: starts.length };
}

/**
 * Parameters stay within e^±20 (2e-9 … 5e8): a fit that runs to the edge is one the data
 * cannot pin down (say, no repeat purchases at all), and beyond it the likelihoods lose
 * their digits to cancellation.
 */
export const LOG_BOX = 20;

/**
 * Minimises over positive parameters by searching their logarithms. `f` sees
 * the parameters themselves; starts are given as parameters too. An end at
 * (or within e^2 of) the edge of the box is not a maximum of the likelihood: not converged.
 */
export function minimizePositive(f: (theta: number[]) => number, starts: number[][], options: RestartOptions = {}): RestartResult & { theta: number[] } {
  const logStarts = starts.map((s) => s.map(Math.log));
  const onLog = (g: (theta: number[]) => number) => (u: number[]) => (u.some((v) => Math.abs(v) > LOG_BOX) ? Infinity : g(u.map(Math.exp)));
  const { coarse } = options;
  const r = minimizeWithRestarts(onLog(f), logStarts, { ...options, coarse: coarse && onLog(coarse) });
  const atEdge = r.x.some((v) => Math.abs(v) > LOG_BOX - 2);
  return { ...r, converged: r.converged && !atEdge, theta: r.x.map(Math.exp) };
}
