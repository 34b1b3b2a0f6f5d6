/**
 * Additive Holt-Winters for sales series (forecast.ts): fitted by minimising
 * the one-step-ahead squared error (Nelder-Mead over bounded parameters), and
 * an h-step forecast with a prediction interval. Plain TypeScript with no
 * DOM, so it runs in a worker.
 */

export function forecastInputError(en: string, zh: string): Error {
  const e = new Error(`${en}\n${zh}`);
  e.name = 'ForecastInputError';
  return e;
}

export interface HoltWintersOptions {
  /** Seasonal period; 0 or 1 for none. Needs at least two full cycles. */
  period: number;
  /** Fit a trend; default true. */
  trend?: boolean;
  /** Damp the trend (φ fitted in [0.8, 0.98]); default false. */
  damped?: boolean;
}

/** Smoothing parameters in the classic Holt-Winters form: α level, β trend, γ season, φ damping (1 = none). */
export interface HoltWintersParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
}

export interface HoltWintersFit {
  params: HoltWintersParams;
  period: number;
  trend: boolean;
  damped: boolean;
  n: number;
  /** States after the last point: level, trend and the next `period` seasonal terms (for t = n, n + 1, …). */
  level: number;
  slope: number;
  season: number[];
  /** One-step-ahead forecasts and their errors y − ŷ. */
  fitted: number[];
  residuals: number[];
  sse: number;
  /** Residual standard deviation: √(SSE / (n − smoothing parameters)). */
  sigma: number;
}

interface States {
  level: number;
  slope: number;
  /** season[i] is the term for t = i − m (the cycle before the first point). */
  season: number[];
}

/**
 * Starting states: seasonal terms from the average deviation of each position
 * from its cycle's mean over all full cycles (less the trend's drift within a
 * cycle), trend from a line through the cycle means, level backed out for the
 * step before the first point.
 */
function initialStates(y: readonly number[], m: number, trend: boolean): States {
  if (m < 2) {
    const k = Math.min(y.length - 1, 4);
    const slope = trend && k > 0 ? (y[k]! - y[0]!) / k : 0;
    return { level: y[0]! - slope, slope, season: [] };
  }
  const cycles = Math.floor(y.length / m);
  const means = Array.from({ length: cycles }, (_, c) => mean(y.slice(c * m, c * m + m)));
  // Least squares slope of the cycle means per period.
  const cbar = (cycles - 1) / 2;
  const mbar = mean(means);
  let num = 0;
  let den = 0;
  means.forEach((v, c) => {
    num += (c - cbar) * (v - mbar);
    den += (c - cbar) ** 2;
  });
  const slope = trend && den > 0 ? num / den / m : 0;
  const season = Array.from({ length: m }, (_, i) => {
    let s = 0;
    for (let c = 0; c < cycles; c++) s += y[c * m + i]! - means[c]!;
    return s / cycles - slope * (i - (m - 1) / 2);
  });
  const shift = mean(season);
  // Cycle c's mean sits at t = c·m + (m − 1)/2, so the line through them passes mbar at tbar; the level is wanted at t = −1.
  const tbar = cbar * m + (m - 1) / 2;
  return { level: mbar - slope * (tbar + 1) + shift, slope, season: season.map((s) => s - shift) };
}

function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length > 0 ? s / xs.length : NaN;
}

interface Pass {
  sse: number;
  fitted: number[];
  level: number;
  slope: number;
  season: number[];
}

/** Run the recursions over y; `keep` records the fitted values (the optimiser needs only the SSE). */
function run(y: readonly number[], init: States, m: number, p: HoltWintersParams, trend: boolean, keep: boolean): Pass {
  const { alpha, beta, gamma, phi } = p;
  let level = init.level;
  let slope = trend ? init.slope : 0;
  const season = m >= 2 ? [...init.season] : [];
  const fitted: number[] = keep ? new Array<number>(y.length) : [];
  let sse = 0;
  for (let t = 0; t < y.length; t++) {
    const s = m >= 2 ? season[t % m]! : 0;
    const yhat = level + phi * slope + s;
    const e = y[t]! - yhat;
    sse += e * e;
    if (keep) fitted[t] = yhat;
    const prev = level;
    level = alpha * (y[t]! - s) + (1 - alpha) * (prev + phi * slope);
    if (trend) slope = beta * (level - prev) + (1 - beta) * phi * slope;
    if (m >= 2) season[t % m] = gamma * (y[t]! - level) + (1 - gamma) * s;
  }
  // Rotate so season[0] is the term for t = n.
  const n = y.length;
  const next = m >= 2 ? Array.from({ length: m }, (_, i) => season[(n + i) % m]!) : [];
  return { sse, fitted, level, slope, season: next };
}

/**
 * Nelder-Mead minimisation of f from x0 (standard coefficients: reflection 1,
 * expansion 2, contraction ½, shrink ½); stops when the simplex's values
 * differ by less than `tol` or after `maxEval` evaluations.
 */
export function nelderMead(f: (x: number[]) => number, x0: readonly number[], opts: { step?: number; tol?: number; maxEval?: number } = {}): { x: number[]; f: number } {
  const d = x0.length;
  const step = opts.step ?? 1;
  const tol = opts.tol ?? 1e-10;
  const maxEval = opts.maxEval ?? 400 * d;
  let evals = 0;
  const ev = (x: number[]): { x: number[]; f: number } => {
    evals++;
    const v = f(x);
    return { x, f: Number.isFinite(v) ? v : Infinity };
  };
  const simplex = [ev([...x0])];
  for (let i = 0; i < d; i++) {
    const x = [...x0];
    x[i]! += step;
    simplex.push(ev(x));
  }
  const combine = (a: number[], b: number[], t: number): number[] => a.map((v, i) => v + t * (b[i]! - v));
  while (evals < maxEval) {
    simplex.sort((a, b) => a.f - b.f);
    const best = simplex[0]!;
    const worst = simplex[d]!;
    if (Math.abs(worst.f - best.f) <= tol * (Math.abs(best.f) + tol)) break;
    const centroid = new Array<number>(d).fill(0);
    for (let k = 0; k < d; k++) for (let i = 0; i < d; i++) centroid[i]! += simplex[k]!.x[i]! / d;
    const reflected = ev(combine(centroid, worst.x, -1));
    if (reflected.f < best.f) {
      const expanded = ev(combine(centroid, worst.x, -2));
      simplex[d] = expanded.f < reflected.f ? expanded : reflected;
    } else if (reflected.f < simplex[d - 1]!.f) {
      simplex[d] = reflected;
    } else {
      const outside = reflected.f < worst.f;
      const contracted = ev(combine(centroid, outside ? reflected.x : worst.x, 0.5));
      if (contracted.f < (outside ? reflected.f : worst.f)) {
        simplex[d] = contracted;
      } else {
        for (let k = 1; k <= d; k++) simplex[k] = ev(combine(best.x, simplex[k]!.x, 0.5));
      }
    }
  }
  simplex.sort((a, b) => a.f - b.f);
  return simplex[0]!;
}

/** Smoothing parameters stay in [ε, 1 − ε]: at exactly 0 a state never learns, and the interval would not widen. */
const EPS = 1e-4;
const sigmoid = (u: number): number => EPS + (1 - 2 * EPS) / (1 + Math.exp(-u));
const logit = (p: number): number => Math.log((p - EPS) / (1 - EPS - p));
const PHI_MIN = 0.8;
const PHI_MAX = 0.98;

/**
 * Additive Holt-Winters in the classic smoothing form:
 *   ŷ_t = l_{t−1} + φ b_{t−1} + s_{t−m}
 *   l_t = α (y_t − s_{t−m}) + (1 − α)(l_{t−1} + φ b_{t−1})
 *   b_t = β (l_t − l_{t−1}) + (1 − β) φ b_{t−1}
 *   s_t = γ (y_t − l_t) + (1 − γ) s_{t−m}
 * with α, β, γ in [10⁻⁴, 1 − 10⁻⁴] and φ in [0.8, 0.98] when damped (else 1), chosen to
 * minimise Σ (y_t − ŷ_t)² by Nelder-Mead on logit-scaled parameters from the
 * best of a small grid of starts. Starting states as in `initialStates`.
 * Without trend b ≡ 0; without a period s ≡ 0.
 */
export function fitHoltWinters(y: readonly number[], opts: HoltWintersOptions): HoltWintersFit {
  const m = opts.period >= 2 ? Math.trunc(opts.period) : 0;
  const trend = opts.trend ?? true;
  const damped = trend && (opts.damped ?? false);
  if (y.some((v) => !Number.isFinite(v))) throw new Error('fitHoltWinters: the series has a missing or infinite value');
  if (m >= 2 && y.length < 2 * m) {
    throw forecastInputError(`A seasonal forecast with period ${m} needs at least ${2 * m} points; the series has ${y.length}.`, `周期为 ${m} 的季节性预测至少需要 ${2 * m} 个数据点，当前序列只有 ${y.length} 个。`);
  }
  if (y.length < 3) throw forecastInputError(`A forecast needs at least 3 points; the series has ${y.length}.`, `预测至少需要 3 个数据点，当前序列只有 ${y.length} 个。`);
  const init = initialStates(y, m, trend);

  // Unconstrained vector → parameters; only the parameters the model has are free.
  const names: (keyof HoltWintersParams)[] = ['alpha'];
  if (trend) names.push('beta');
  if (m >= 2) names.push('gamma');
  if (damped) names.push('phi');
  const toParams = (u: readonly number[]): HoltWintersParams => {
    const p: HoltWintersParams = { alpha: 0, beta: 0, gamma: 0, phi: 1 };
    names.forEach((name, i) => {
      const s = sigmoid(u[i]!);
      p[name] = name === 'phi' ? PHI_MIN + (PHI_MAX - PHI_MIN) * s : s;
    });
    return p;
  };
  const sse = (u: number[]): number => run(y, init, m, toParams(u), trend, false).sse;

  const grid: Record<keyof HoltWintersParams, number[]> = { alpha: [0.1, 0.3, 0.6, 0.9], beta: [0.02, 0.1, 0.3], gamma: [0.05, 0.2, 0.5], phi: [0.9] };
  let starts: number[][] = [[]];
  for (const name of names) {
    const vals = grid[name].map((v) => (name === 'phi' ? logit((v - PHI_MIN) / (PHI_MAX - PHI_MIN)) : logit(v)));
    starts = starts.flatMap((s) => vals.map((v) => [...s, v]));
  }
  const ranked = starts.map((u) => ({ u, f: sse(u) })).sort((a, b) => a.f - b.f);
  let best = { x: ranked[0]!.u, f: ranked[0]!.f };
  for (const start of ranked.slice(0, 3)) {
    const r = nelderMead(sse, start.u, { step: 1 });
    if (r.f < best.f) best = r;
  }
  // Restart once from the optimum: Nelder-Mead can stall on a collapsed simplex.
  const polished = nelderMead(sse, best.x, { step: 0.5 });
  if (polished.f < best.f) best = polished;

  const params = toParams(best.x);
  const pass = run(y, init, m, params, trend, true);
  const residuals = y.map((v, t) => v - pass.fitted[t]!);
  return {
    params,
    period: m,
    trend,
    damped,
    n: y.length,
    level: pass.level,
    slope: pass.slope,
    season: pass.season,
    fitted: pass.fitted,
    residuals,
    sse: pass.sse,
    sigma: Math.sqrt(pass.sse / Math.max(1, y.length - names.length)),
  };
}

export interface Forecast {
  mean: number[];
  lower: number[];
  upper: number[];
  /** Coverage of [lower, upper], e.g. 0.95. */
  level: number;
}

/**
 * Inverse of the standard normal CDF (Acklam's rational approximation,
 * relative error < 1.2e-9), for interval half-widths.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo || p > 1 - lo) {
    const q = Math.sqrt(-2 * Math.log(p < lo ? p : 1 - p));
    const x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
    return p < lo ? x : -x;
  }
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

/**
 * h-step forecast ŷ_{n+j} = l_n + (φ + … + φ^j) b_n + s_{n+j−m⌈j/m⌉} with a
 * `level` (default 0.95) normal interval ŷ ± z·σ_j, where
 * σ_j² = σ² (1 + Σ_{i<j} c_i²) and c_i = α + αβ(φ + … + φ^i) + γ(1 − α)·[m | i]
 * (Hyndman et al. 2008, class 1, with the classic form's β and γ mapped to
 * the error-correction form): the interval widens with the horizon.
 */
export function forecastHoltWinters(fit: HoltWintersFit, h: number, level = 0.95): Forecast {
  const { alpha, beta, gamma, phi } = fit.params;
  const m = fit.period;
  const z = normalQuantile(0.5 + level / 2);
  const out: Forecast = { mean: [], lower: [], upper: [], level };
  let phiSum = 0;
  let varSum = 0;
  for (let j = 1; j <= h; j++) {
    phiSum += phi ** j;
    const s = m >= 2 ? fit.season[(j - 1) % m]! : 0;
    const yhat = fit.level + (fit.trend ? phiSum * fit.slope : 0) + s;
    const half = z * fit.sigma * Math.sqrt(1 + varSum);
    out.mean.push(yhat);
    out.lower.push(yhat - half);
    out.upper.push(yhat + half);
    // c_j for the next step's variance.
    const c = alpha + (fit.trend ? alpha * beta * phiSum : 0) + (m >= 2 && j % m === 0 ? gamma * (1 - alpha) : 0);
    varSum += c * c;
  }
  return out;
}
