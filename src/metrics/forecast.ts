/**
 * Sales forecasts: a zero-filled series per day, week, month or quarter from
 * the orders table (`seriesSql`), additive Holt-Winters fitted by minimising
 * the one-step-ahead squared error (Nelder-Mead over bounded parameters), an
 * h-step forecast with a prediction interval, and a back-test against a
 * seasonal-naive baseline. The SQL builder is pure; the rest is plain
 * TypeScript with no DOM, so it runs in a worker.
 */
import type { Row } from '../db/types.ts';
import type { Role, TableInfo } from '../ingest/model.ts';
import { roleColumn } from './expr.ts';
import { orderLinesFacts } from './facts.ts';
import type { Filters } from './filters.ts';
import { hasRevenue, SALES_MEASURES } from './measures.ts';

export type Grain = 'day' | 'week' | 'month' | 'quarter';
export const GRAINS: readonly Grain[] = ['day', 'week', 'month', 'quarter'];

/** What is counted per period. */
export type SeriesMeasure = 'revenue' | 'orders' | 'customers' | 'quantity';

function inputError(en: string, zh: string): Error {
  const e = new Error(`${en}\n${zh}`);
  e.name = 'ForecastInputError';
  return e;
}

const STEP: Record<Grain, string> = { day: 'INTERVAL 1 DAY', week: 'INTERVAL 7 DAY', month: 'INTERVAL 1 MONTH', quarter: 'INTERVAL 3 MONTH' };

/** The role each measure reads, besides the date (orders fall back to counting rows). */
const MEASURE_ROLE = { revenue: 'amount', customers: 'customer_id', quantity: 'quantity' } as const satisfies Record<Exclude<SeriesMeasure, 'orders'>, Role>;

/**
 * One row per period of `order_date` from the first to the last period with
 * an order, gaps filled with 0. Periods start on the 1st of the month or
 * quarter, or on Monday for weeks (ISO). Columns:
 * - `period` (DATE, first day);
 * - `value` (DOUBLE): revenue, orders and customers as measures.ts defines
 *   them (the pages' figures; `basis` picks net or gross revenue); quantity =
 *   sum of `quantity`;
 * - `complete` (BOOLEAN): the whole period lies between the first and the
 *   last order date, so a half-covered first or last period can be told apart.
 * Throws when a role the measure needs is missing.
 */
export function seriesSql(orders: TableInfo, grain: Grain, measure: SeriesMeasure, basis: Pick<Filters, 'revenue'> = {}): string {
  const date = roleColumn(orders, 'order_date');
  if (!date) {
    throw inputError(`Table ${orders.name} has no order date column; mark one as "order date" to build a time series.`, `表 ${orders.name} 没有订单日期列；请将某列标记为“订单日期”后再生成时间序列。`);
  }
  const m = SALES_MEASURES;
  let agg: string;
  if (measure === 'orders') agg = m.orders;
  else {
    const role = MEASURE_ROLE[measure];
    const has = measure === 'revenue' ? hasRevenue(orders) : roleColumn(orders, role) !== undefined;
    if (!has) throw inputError(`Table ${orders.name} has no ${role} column, which ${measure} needs.`, `表 ${orders.name} 缺少 ${role} 列，无法计算 ${measure}。`);
    agg = measure === 'revenue' ? m.revenue : measure === 'customers' ? m.customers : 'sum(quantity)';
  }
  const step = STEP[grain];
  return [
    'WITH o AS (',
    `  SELECT *, day AS crm_lens_day FROM (${orderLinesFacts(orders, { filters: basis.revenue ? { revenue: basis.revenue } : {} }).sql})`,
    '), agg AS (',
    `  SELECT CAST(date_trunc('${grain}', crm_lens_day) AS DATE) AS period, CAST(${agg} AS DOUBLE) AS value`,
    '  FROM o WHERE crm_lens_day IS NOT NULL GROUP BY 1',
    '), bounds AS (',
    `  SELECT min(crm_lens_day) AS first_day, max(crm_lens_day) AS last_day, min(CAST(date_trunc('${grain}', crm_lens_day) AS TIMESTAMP)) AS p0, max(CAST(date_trunc('${grain}', crm_lens_day) AS TIMESTAMP)) AS p1`,
    '  FROM o WHERE crm_lens_day IS NOT NULL',
    '), span AS (',
    `  SELECT CAST(range AS DATE) AS period FROM range((SELECT p0 FROM bounds), (SELECT p1 FROM bounds) + ${step}, ${step})`,
    ')',
    'SELECT span.period, coalesce(agg.value, 0) AS value,',
    `  span.period >= bounds.first_day AND CAST(span.period + ${step} AS DATE) - 1 <= bounds.last_day AS complete`,
    'FROM span CROSS JOIN bounds LEFT JOIN agg ON agg.period = span.period',
    'ORDER BY span.period',
  ].join('\n');
}

export interface Series {
  /** First day of each period, `YYYY-MM-DD`. */
  periods: string[];
  values: number[];
  complete: boolean[];
}

/**
 * The series from `seriesSql`'s rows. By default incomplete periods at either
 * end are dropped (a month that has only its first week would read as a
 * slump); pass `trimIncomplete: false` to keep them.
 */
export function readSeries(rows: readonly Row[], opts: { trimIncomplete?: boolean } = {}): Series {
  let lo = 0;
  let hi = rows.length;
  if (opts.trimIncomplete ?? true) {
    while (lo < hi && rows[lo]!.complete !== true) lo++;
    while (hi > lo && rows[hi - 1]!.complete !== true) hi--;
  }
  const kept = rows.slice(lo, hi);
  return {
    periods: kept.map((r) => String(r.period)),
    values: kept.map((r) => Number(r.value ?? 0)),
    complete: kept.map((r) => r.complete === true),
  };
}

/**
 * The seasonal period for a grain: 7 (day), 52 (week), 12 (month), 4
 * (quarter), or 0 (no seasonality) when `n` points hold fewer than two full
 * cycles, too few to tell a season from noise.
 */
export function seasonPeriod(grain: Grain, n: number): number {
  const m = { day: 7, week: 52, month: 12, quarter: 4 }[grain];
  return n >= 2 * m ? m : 0;
}

// ---------------------------------------------------------------- Holt-Winters

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
    throw inputError(`A seasonal forecast with period ${m} needs at least ${2 * m} points; the series has ${y.length}.`, `周期为 ${m} 的季节性预测至少需要 ${2 * m} 个数据点，当前序列只有 ${y.length} 个。`);
  }
  if (y.length < 3) throw inputError(`A forecast needs at least 3 points; the series has ${y.length}.`, `预测至少需要 3 个数据点，当前序列只有 ${y.length} 个。`);
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

/**
 * Seasonal naive: ŷ_{n+j} = y_{n+j−m⌈j/m⌉}, the value one cycle earlier; with
 * no period (m < 2), the last value.
 */
export function seasonalNaive(y: readonly number[], h: number, period: number): number[] {
  const n = y.length;
  const m = period >= 2 && n >= period ? period : 1;
  return Array.from({ length: h }, (_, i) => y[n - m + (i % m)]!);
}

export interface Accuracy {
  /** Mean of |y − ŷ| / |y| over points with y ≠ 0, as a fraction (0.1 = 10 %); NaN when every y is 0. */
  mape: number;
  /** Mean of 2|y − ŷ| / (|y| + |ŷ|), a fraction in [0, 2]; a point where both are 0 counts as 0. */
  smape: number;
  /** √ mean (y − ŷ)². */
  rmse: number;
  /** Mean |y − ŷ|. */
  mae: number;
}

/** Forecast accuracy of `forecast` against `actual` (same length). */
export function accuracy(actual: readonly number[], forecast: readonly number[]): Accuracy {
  if (actual.length !== forecast.length || actual.length === 0) throw new Error('accuracy: actual and forecast must have the same, non-zero length');
  let ape = 0;
  let apeN = 0;
  let sape = 0;
  let se = 0;
  let ae = 0;
  actual.forEach((y, i) => {
    const f = forecast[i]!;
    const e = Math.abs(y - f);
    if (y !== 0) {
      ape += e / Math.abs(y);
      apeN++;
    }
    const den = Math.abs(y) + Math.abs(f);
    sape += den > 0 ? (2 * e) / den : 0;
    se += e * e;
    ae += e;
  });
  const n = actual.length;
  return { mape: apeN > 0 ? ape / apeN : NaN, smape: sape / n, rmse: Math.sqrt(se / n), mae: ae / n };
}

export interface Backtest {
  h: number;
  /** The held-out last h points and the forecasts of them. */
  actual: number[];
  forecast: Forecast;
  baseline: number[];
  model: Accuracy;
  /** Seasonal naive (naive without a period) on the same hold-out. */
  naive: Accuracy;
  /** The fit on the first n − h points. */
  fit: HoltWintersFit;
}

/**
 * Hold out the last `h` points, refit Holt-Winters on the rest with the same
 * options, forecast h steps and score it and the seasonal-naive baseline on
 * the hold-out. When the shortened series has fewer than two cycles the
 * model drops the season (and says so in `fit.period`).
 */
export function backtest(y: readonly number[], h: number, opts: HoltWintersOptions, level = 0.95): Backtest {
  if (!(Number.isInteger(h) && h >= 1 && h <= y.length - 3)) {
    throw inputError(`A back-test of ${h} points needs a longer series (it has ${y.length}).`, `回测 ${h} 个点需要更长的序列（当前 ${y.length} 个）。`);
  }
  const train = y.slice(0, y.length - h);
  const actual = y.slice(y.length - h);
  const period = opts.period >= 2 && train.length >= 2 * opts.period ? opts.period : 0;
  const fit = fitHoltWinters(train, { ...opts, period });
  const forecast = forecastHoltWinters(fit, h, level);
  const baseline = seasonalNaive(train, h, opts.period);
  return { h, actual, forecast, baseline, model: accuracy(actual, forecast.mean), naive: accuracy(actual, baseline), fit };
}
