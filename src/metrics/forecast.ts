/**
 * Sales forecasts: a zero-filled series per day, week, month or quarter from
 * the orders table (`seriesSql`), additive Holt-Winters on it (holt-winters.ts),
 * and a back-test against a seasonal-naive baseline. The SQL builder is pure;
 * the rest is plain TypeScript with no DOM, so it runs in a worker.
 */
import type { Row } from '../db/types.ts';
import type { Role, TableInfo } from '../ingest/model.ts';
import { roleColumn } from './expr.ts';
import { orderLinesFacts } from './facts.ts';
import type { Filters } from './filters.ts';
import { fitHoltWinters, forecastHoltWinters, forecastInputError as inputError, type Forecast, type HoltWintersFit, type HoltWintersOptions } from './holt-winters.ts';
import { hasRevenue, SALES_MEASURES } from './measures.ts';

export type Grain = 'day' | 'week' | 'month' | 'quarter';
export const GRAINS: readonly Grain[] = ['day', 'week', 'month', 'quarter'];

/** What is counted per period. */
export type SeriesMeasure = 'revenue' | 'orders' | 'customers' | 'quantity';

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

// ---------------------------------------------------------------- back-test

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
