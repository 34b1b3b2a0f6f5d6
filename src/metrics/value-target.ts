/**
 * The value model's target: spend in the H months after a cut-off, with the
 * churn lab's cut-off machinery (`cutoffTrainingSql`: the same features, the
 * same leakage rules, the same guard), so both labs train on one code path.
 *
 *   features (… cut-off]   |   target (cut-off, cut-off + H months]
 *
 * Spend is net revenue as measures.ts defines it (line amounts, return lines
 * counted as negatives). Two extra features double as naive baselines:
 * `last_period_spend` (spend in the H months up to the cut-off) and
 * `hist_mean_spend` (spend up to the cut-off per H-month window since the
 * customer's first order). Pure: builds SQL and checks dates.
 */
import type { TableInfo } from '../ingest/model.ts';
import { ident, lit } from '../lib/sql.ts';
import { churnTargetUnavailable, cutoffTrainingSql, type CutoffProblem, type OrderSpan } from './churn-target.ts';
import { clvSummarySql } from './clv-summary.ts';
import { built, dateLiteral, positiveInt, sqlOf, type MetricQuery } from './common.ts';
import { tableOfKind } from '../ingest/model.ts';
import { hasRevenue } from './measures.ts';

export const VALUE_TRAINING_TABLE = 'value_training';
export const VALUE_TARGET_SOURCE = 'derived:value-target';
export const VALUE_SCORING_TABLE = 'value_scoring';
export const VALUE_SCORING_SOURCE = 'derived:value-scoring';
/** The value model's per-customer predictions written back (as the churn lab writes `churn_scores`). */
export const VALUE_SCORES_TABLE = 'value_scores';
export const FUTURE_SPEND_COLUMN = 'future_spend';
export const LAST_PERIOD_COLUMN = 'last_period_spend';
export const HIST_MEAN_COLUMN = 'hist_mean_spend';
export const DEFAULT_HORIZON_MONTHS = 6;
/**
 * The BG/NBD × Gamma-Gamma summary as of the cut-off, as `clvSummarySql`
 * (clv-summary.ts) defines it with the cut-off as calibration end (weeks; a
 * purchase is a customer-day): repeat purchases x, t_x, T, mean repeat spend
 * zbar (NULL when x = 0); 0 for a customer with no purchase day. Read by that
 * baseline only; the models leave them out (they restate the features).
 */
export const CLV_COLUMNS = { x: 'clv_x', tx: 'clv_t_x', T: 'clv_T', zbar: 'clv_zbar' } as const;
/** Average month length used to count H-month windows of history (365.25 / 12). */
export const MONTH_DAYS = 30.4375;

export interface ValueTargetOptions {
  /** `YYYY-MM-DD`: the last day whose data features may use. */
  cutoff: string;
  /** H: the target is spend in (cutoff, cutoff + H months]. */
  horizonMonths: number;
}

/** `YYYY-MM-DD` moved by whole months, the day clamped to the month's end, as DuckDB's `DATE + INTERVAL n MONTH`. */
export function addMonths(iso: string, months: number): string {
  dateLiteral(iso);
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7)) - 1 + months;
  const day = Number(iso.slice(8, 10));
  const first = new Date(Date.UTC(y, m, 1));
  const last = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
  return new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), Math.min(day, last))).toISOString().slice(0, 10);
}

/** The cut-offs H allows: from the first order day to the last order day − H months; null when the data is shorter. */
export function valueCutoffRange(span: OrderSpan, horizonMonths: number): { earliest: string; latest: string } | null {
  const latest = addMonths(span.lastOrder, -positiveInt(horizonMonths, 'Horizon (months)'));
  return latest < span.firstOrder ? null : { earliest: span.firstOrder, latest };
}

/** Null when the cut-off fits the data; `horizonDays` of a too_short problem is left 0 and the months are the caller's. */
export function valueCutoffProblem(span: OrderSpan, options: ValueTargetOptions): CutoffProblem | null {
  dateLiteral(options.cutoff, 'cut-off date');
  const range = valueCutoffRange(span, options.horizonMonths);
  if (!range) return { reason: 'too_short', firstOrder: span.firstOrder, lastOrder: span.lastOrder, horizonDays: 0 };
  const labelEnd = addMonths(options.cutoff, options.horizonMonths);
  const common = { cutoff: options.cutoff, labelEnd, ...range, lastOrder: span.lastOrder };
  if (labelEnd > span.lastOrder) return { reason: 'too_late', ...common };
  if (options.cutoff < range.earliest) return { reason: 'too_early', ...common };
  return null;
}

/**
 * The value training rows: `cutoffTrainingSql`'s features plus
 * `last_period_spend` and `hist_mean_spend`, and the target `future_spend`
 * (0 for a customer with no order in the window). Needs order amounts.
 */
export function valueTargetSql(tables: readonly TableInfo[], options: ValueTargetOptions): MetricQuery {
  return valueFeatureSql(tables, options, true);
}

/**
 * The rows a fitted value model scores: the same features (and CLV summary)
 * as `valueTargetSql` with the cut-off at `asOf` (the data's last order day),
 * and no target, so the guard asks only that orders reach `asOf`.
 */
export function valueScoringSql(tables: readonly TableInfo[], options: { asOf: string; horizonMonths: number }): MetricQuery {
  return valueFeatureSql(tables, { cutoff: options.asOf, horizonMonths: options.horizonMonths }, false);
}

function valueFeatureSql(tables: readonly TableInfo[], options: ValueTargetOptions, withTarget: boolean): MetricQuery {
  const orders = tableOfKind(tables, 'orders');
  const m = churnTargetUnavailable(tables);
  if (m || !orders) return { ok: false, unavailable: m ?? { reason: 'no_table', kind: 'orders' } };
  if (!hasRevenue(orders)) return { ok: false, unavailable: { reason: 'missing_role', kind: 'orders', table: orders.name, roles: ['amount'] } };
  const h = positiveInt(options.horizonMonths, 'Horizon (months)');
  const cut = dateLiteral(options.cutoff, 'cut-off date');
  const end = `${cut} + INTERVAL ${h} MONTH`;
  const windowEnd = withTarget ? end : cut;
  return cutoffTrainingSql(tables, options.cutoff, {
    windowEnd,
    guardMessage: (first, last) =>
      `printf('Value target: cut-off %s with a %s-month horizon needs orders up to %s, but they run from %s to %s. Choose a cut-off from %s to %s.', ` +
      `${lit(options.cutoff)}, ${lit(String(withTarget ? h : 0))}, strftime(${windowEnd}, '%Y-%m-%d'), strftime(${first}, '%Y-%m-%d'), strftime(${last}, '%Y-%m-%d'), ` +
      `strftime(${first}, '%Y-%m-%d'), strftime(${last} - INTERVAL ${withTarget ? h : 0} MONTH, '%Y-%m-%d'))`,
    extraFeatures: [
      { name: LAST_PERIOD_COLUMN, expr: `coalesce(sum(amount) FILTER (WHERE d > ${cut} - INTERVAL ${h} MONTH), 0)` },
      { name: HIST_MEAN_COLUMN, expr: `coalesce(sum(amount), 0) / greatest(1, ceil((date_diff('day', min(d), ${cut}) + 1) / ${h * MONTH_DAYS}))` },
    ],
    labels: [
      {
        names: [CLV_COLUMNS.x, CLV_COLUMNS.tx, CLV_COLUMNS.T, CLV_COLUMNS.zbar],
        // The lifetime page's summary (clv-summary.ts), with the cut-off as its calibration end: one definition of a purchase.
        cte: `SELECT id AS cid, x, t_x AS tx, "T" AS big_t, zbar FROM (${sqlOf(clvSummarySql({ orders, calibrationEnd: options.cutoff }))})`,
        select: (l) =>
          `coalesce(${l}.x, 0) AS ${ident(CLV_COLUMNS.x)}, coalesce(${l}.tx, 0) AS ${ident(CLV_COLUMNS.tx)}, coalesce(${l}.big_t, 0) AS ${ident(CLV_COLUMNS.T)}, ${l}.zbar AS ${ident(CLV_COLUMNS.zbar)}`,
      },
      ...(withTarget
        ? [{ names: [FUTURE_SPEND_COLUMN], cte: `SELECT cid, sum(amount) AS s FROM o WHERE d > ${cut} AND d <= ${end} GROUP BY cid`, select: (l: string) => `coalesce(${l}.s, 0) AS ${ident(FUTURE_SPEND_COLUMN)}` }]
        : []),
    ],
  });
}

/** Roles of the training table: the customers table's id, name and segment. */
export function valueTargetRoles(tables: readonly TableInfo[]): TableInfo['roles'] {
  const customers = tableOfKind(tables, 'customers');
  const out: TableInfo['roles'] = {};
  for (const role of ['customer_id', 'name', 'segment'] as const) {
    const c = customers?.roles[role];
    if (c) out[role] = c;
  }
  return out;
}

/** Customers in a training table, and their total and mean future spend. */
export function valueStatsSql(table: string): string {
  return `SELECT count(*) AS n, coalesce(sum(${ident(FUTURE_SPEND_COLUMN)}), 0) AS total, avg(${ident(FUTURE_SPEND_COLUMN)}) AS mean FROM ${ident(table)}`;
}

/**
 * The value model's saved scores (`value_scores`: `customer`, `predicted_spend`,
 * `model`, `horizon_months`) with the id as text (as the lifetime summary's
 * ids): the value the tiers use when the user picks the value model.
 */
export function valueScoresSql(): MetricQuery {
  return built(
    `SELECT CAST(customer AS VARCHAR) AS id, CAST(predicted_spend AS DOUBLE) AS spend, CAST(model AS VARCHAR) AS model, CAST(horizon_months AS INTEGER) AS months ` +
      `FROM ${ident(VALUE_SCORES_TABLE)} WHERE customer IS NOT NULL`,
  );
}
