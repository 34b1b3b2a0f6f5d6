/**
 * The Customer value page's runner (issue 11 §1, §3), Svelte-free: the
 * calibration summary from SQL (metrics/clv-summary.ts), the fit in a worker
 * (ml/clv/client.ts, started by the page), then per-customer predictions,
 * the paper's validation (tracking by week, hold-out by calibration
 * frequency, errors), value × risk tiers (metrics/value-tiers.ts) and the
 * `customer_value` table written back through the workspace.
 */
import type { ColumnsResult, Db } from '../db/types.ts';
import type { TableInfo } from '../ingest/model.ts';
import { sqlOf } from '../metrics/common.ts';
import { churnRiskSql, clvBirthsSql, clvScopeSql, clvSummarySql, clvWeeklyRepeatsSql, type ClvScopeRow } from '../metrics/clv-summary.ts';
import { RISK_TABLE } from '../metrics/filters.ts';
import { valueScoresSql, VALUE_SCORES_TABLE } from '../metrics/value-target.ts';
import { customerTiersSql, type Tier } from '../metrics/tiers.ts';
import * as clvModels from '../ml/clv/predict.ts';
import type { CalibrationSummary, LifetimeFit } from '../ml/clv/types.ts';

/** The by-frequency chart groups calibration frequencies 0..7 and 7+ (as the paper's figure). */
export const FREQUENCY_GROUPS = 8;

export type CountModel = 'bgnbd' | 'pareto';

// ── data from SQL ────────────────────────────────────────────────────────────

export interface ValueData {
  scope: ClvScopeRow;
  summary: CalibrationSummary;
  holdoutX: Float64Array;
  holdoutSpend: Float64Array;
  spendTotal: Float64Array;
  /** Actual repeat purchases per week from the first day (index = week), zeros filled in. */
  weeklyRepeats: Float64Array;
  births: { day: number; customers: number }[];
  /** Days from the first day of the data to the calibration end, and to the last day. */
  calEndDay: number;
  lastDay: number;
  /** Length of the hold-out in weeks (0 when the calibration end is the last day). */
  holdoutWeeks: number;
}

function days(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

function num(c: ColumnsResult, name: string): Float64Array {
  const v = c.values[name];
  if (v instanceof Float64Array) return v;
  return Float64Array.from(v ?? [], (x) => (x === null ? NaN : Number(x)));
}

/** The span, default calibration end and exclusions; `calibrationEnd` undefined gives the default. */
export async function loadScope(db: Db, orders: TableInfo, calibrationEnd?: string): Promise<ClvScopeRow> {
  const r = await db.query(sqlOf(clvScopeSql({ orders, ...(calibrationEnd ? { calibrationEnd } : {}) })));
  return r.rows[0] as unknown as ClvScopeRow;
}

export async function loadValueData(db: Db, orders: TableInfo, calibrationEnd: string): Promise<ValueData> {
  const scope = await loadScope(db, orders, calibrationEnd);
  const opts = { orders, calibrationEnd };
  const s = await db.queryColumns(sqlOf(clvSummarySql(opts)));
  const weeks = (await db.query(sqlOf(clvWeeklyRepeatsSql(opts)))).rows;
  const births = (await db.query(sqlOf(clvBirthsSql(opts)))).rows.map((r) => ({ day: Number(r.birth_day), customers: Number(r.customers) }));
  const first = scope.first_day ?? calibrationEnd;
  const lastDay = scope.last_day ? days(first, scope.last_day) : 0;
  const calEndDay = days(first, calibrationEnd);
  const weeklyRepeats = new Float64Array(Math.floor(lastDay / 7) + 1);
  for (const w of weeks) if (Number(w.week) < weeklyRepeats.length) weeklyRepeats[Number(w.week)] = Number(w.repeats);
  return {
    scope,
    summary: { ids: Array.from(s.values.id ?? [], (v) => String(v)), x: num(s, 'x'), tx: num(s, 't_x'), T: num(s, 'T'), zbar: num(s, 'zbar') },
    holdoutX: num(s, 'x_holdout'),
    holdoutSpend: num(s, 'spend_holdout'),
    spendTotal: num(s, 'spend_total'),
    weeklyRepeats,
    births,
    calEndDay,
    lastDay,
    holdoutWeeks: Math.max(0, (lastDay - calEndDay) / 7),
  };
}

/** Churn probability per customer of the summary from the churn lab's saved scores; null without that table. */
export async function loadSavedRisk(db: Db, tables: readonly TableInfo[], ids: readonly string[]): Promise<Float64Array | null> {
  if (!tables.some((t) => t.name === RISK_TABLE)) return null;
  const rows = (await db.query(sqlOf(churnRiskSql()))).rows;
  const byId = new Map(rows.map((r) => [String(r.id), Number(r.probability)]));
  return Float64Array.from(ids, (id) => byId.get(id) ?? NaN);
}

/** The value model's saved predictions, per customer of the summary (NaN where it has none). */
export interface SavedValueScores {
  spend: Float64Array;
  model: string;
  months: number;
  /** Customers of the summary without a saved prediction. */
  missing: number;
}

/** The value model's saved scores (`value_scores`) aligned with `ids`; null without that table. */
export async function loadValueScores(db: Db, tables: readonly TableInfo[], ids: readonly string[]): Promise<SavedValueScores | null> {
  if (!tables.some((t) => t.name === VALUE_SCORES_TABLE)) return null;
  const rows = (await db.query(sqlOf(valueScoresSql()))).rows;
  const byId = new Map(rows.map((r) => [String(r.id), Number(r.spend)]));
  let missing = 0;
  const spend = Float64Array.from(ids, (id) => {
    const v = byId.get(id);
    if (v === undefined || !Number.isFinite(v)) {
      missing++;
      return NaN;
    }
    return v;
  });
  return { spend, model: String(rows[0]?.model ?? ''), months: Number(rows[0]?.months ?? 0), missing };
}

/** RFM tier per customer id (as of the last day), for the cross-table; null when RFM is unavailable. */
export async function loadRfmTiers(db: Db, orders: TableInfo, asOf: string | null): Promise<Map<string, Tier> | null> {
  if (!asOf) return null;
  const q = customerTiersSql({ orders, asOf });
  if (!q.ok) return null;
  const rows = (await db.query(q.sql)).rows;
  return new Map(rows.map((r) => [String(r.customer_id), r.tier as Tier]));
}

// ── predictions and validation ───────────────────────────────────────────────

export interface ValueSettings {
  model: CountModel;
  months: number;
  monthlyDiscount: number;
  margin: number;
}

export interface Validation {
  /** Week index from the first day; cumulative repeat purchases, actual and predicted. */
  weeks: number[];
  actualCum: number[];
  predictedCum: number[];
  /** Week of the calibration end (fractional). */
  calEndWeek: number;
  /** Calibration frequency 0..7+: customers, mean actual and mean predicted hold-out purchases. */
  byFrequency: { x: number; customers: number; actual: number; predicted: number }[];
  /** Mean absolute error of hold-out purchases per customer, and (Σ predicted − Σ actual) / Σ actual. */
  mae: number;
  totalPctError: number;
  totalActual: number;
  totalPredicted: number;
  /** The naive baseline beside the model: each customer's calibration rate x / T carried over the hold-out. */
  baseline: { mae: number; totalPctError: number; totalPredicted: number };
}

/** Hold-out purchases if each customer kept buying at their calibration rate (repeat purchases per week). */
export function naiveHoldout(x: Float64Array, T: Float64Array, holdoutWeeks: number): Float64Array {
  return Float64Array.from(x, (xi, i) => (T[i]! > 0 ? (xi / T[i]!) * holdoutWeeks : 0));
}

export interface Predictions {
  pAlive: Float64Array;
  expectedPurchases: Float64Array;
  /** Expected spend per purchase (Gamma-Gamma), and over the horizon. */
  spendPerPurchase: Float64Array;
  expectedSpend: Float64Array;
  clv: Float64Array;
  /** Predicted hold-out purchases per customer (for the validation). */
  holdoutPredicted: Float64Array;
  validation: Validation;
  /** True when the spend model was skipped and the mean repeat spend stands in. */
  spendFallback: boolean;
}

function countFns(fit: LifetimeFit, model: CountModel) {
  const m = clvModels;
  if (model === 'bgnbd') {
    const p = fit.bgnbd.params;
    return {
      counts: { counts: 'bgnbd', params: p } as const,
      pAlive: (s: CalibrationSummary) => m.bgnbdPAlive(p, s.x, s.tx, s.T),
      conditional: (t: number, s: CalibrationSummary) => m.bgnbdConditionalExpected(p, t, s.x, s.tx, s.T),
      cumulative: (t: number) => m.bgnbdExpectedCumulative(p, t),
    };
  }
  const p = fit.pareto.params;
  return {
    counts: { counts: 'pareto', params: p } as const,
    pAlive: (s: CalibrationSummary) => m.paretoPAlive(p, s.x, s.tx, s.T),
    conditional: (t: number, s: CalibrationSummary) => m.paretoConditionalExpected(p, t, s.x, s.tx, s.T),
    cumulative: (t: number) => m.paretoExpectedCumulative(p, t),
  };
}

/** Σ over customers of E[X(t − birth)] at the end of each week, and the actual cumulative repeats. */
export function tracking(data: ValueData, cumulative: (t: number) => number): Pick<Validation, 'weeks' | 'actualCum' | 'predictedCum' | 'calEndWeek'> {
  const n = data.weeklyRepeats.length;
  const weeks: number[] = [];
  const actualCum: number[] = [];
  const predictedCum: number[] = [];
  let acc = 0;
  for (let w = 0; w < n; w++) {
    acc += data.weeklyRepeats[w]!;
    const end = (w + 1) * 7;
    let pred = 0;
    for (const b of data.births) if (b.day < end) pred += b.customers * cumulative((end - b.day) / 7);
    weeks.push(w + 1);
    actualCum.push(acc);
    predictedCum.push(pred);
  }
  return { weeks, actualCum, predictedCum, calEndWeek: (data.calEndDay + 1) / 7 };
}

/** Hold-out purchases by calibration frequency (0..7+), MAE per customer and total % error. */
export function holdoutErrors(x: Float64Array, actual: Float64Array, predicted: Float64Array): Pick<Validation, 'byFrequency' | 'mae' | 'totalPctError' | 'totalActual' | 'totalPredicted'> {
  const groups = Array.from({ length: FREQUENCY_GROUPS }, (_, i) => ({ x: i, customers: 0, actual: 0, predicted: 0 }));
  let abs = 0;
  let sa = 0;
  let sp = 0;
  for (let i = 0; i < x.length; i++) {
    const g = groups[Math.min(FREQUENCY_GROUPS - 1, Math.max(0, Math.round(x[i]!)))]!;
    g.customers++;
    g.actual += actual[i]!;
    g.predicted += predicted[i]!;
    abs += Math.abs(predicted[i]! - actual[i]!);
    sa += actual[i]!;
    sp += predicted[i]!;
  }
  for (const g of groups) {
    if (g.customers === 0) continue;
    g.actual /= g.customers;
    g.predicted /= g.customers;
  }
  return { byFrequency: groups, mae: x.length > 0 ? abs / x.length : NaN, totalPctError: sa > 0 ? (sp - sa) / sa : NaN, totalActual: sa, totalPredicted: sp };
}

function baselineErrors(data: ValueData): Validation['baseline'] {
  const naive = naiveHoldout(data.summary.x, data.summary.T, data.holdoutWeeks);
  const e = holdoutErrors(data.summary.x, data.holdoutX, naive);
  return { mae: e.mae, totalPctError: e.totalPctError, totalPredicted: e.totalPredicted };
}

/**
 * Per-customer predictions for the chosen count model, horizon, discount and
 * margin, and the validation figures. Without a spend model (too few repeat
 * buyers) each customer's own mean repeat spend stands in, the mean of those
 * for customers with none (`spendFallback`).
 */
export function predict(data: ValueData, fit: LifetimeFit, s: ValueSettings): Predictions {
  const f = countFns(fit, s.model);
  const sum = data.summary;
  const expectedPurchases = f.conditional(s.months * clvModels.WEEKS_PER_MONTH, sum);
  const holdoutPredicted = data.holdoutWeeks > 0 ? f.conditional(data.holdoutWeeks, sum) : new Float64Array(sum.x.length);
  const gg = fit.gammaGamma?.params ?? null;
  let spendPerPurchase: Float64Array;
  if (gg) spendPerPurchase = clvModels.ggConditionalSpend(gg, sum.x, sum.zbar);
  else {
    const repeat = Array.from(sum.zbar).filter(Number.isFinite);
    const mean = repeat.length > 0 ? repeat.reduce((a, b) => a + b, 0) / repeat.length : 0;
    spendPerPurchase = Float64Array.from(sum.zbar, (z) => (Number.isFinite(z) ? z : mean));
  }
  const clv = clvModels.clv({ ...f.counts, gg: spendPerPurchase, summary: sum, months: s.months, monthlyDiscount: s.monthlyDiscount, margin: s.margin });
  return {
    pAlive: f.pAlive(sum),
    expectedPurchases,
    spendPerPurchase,
    expectedSpend: Float64Array.from(expectedPurchases, (n, i) => n * spendPerPurchase[i]!),
    clv,
    holdoutPredicted,
    validation: { ...tracking(data, f.cumulative), ...holdoutErrors(sum.x, data.holdoutX, holdoutPredicted), baseline: baselineErrors(data) },
    spendFallback: gg === null,
  };
}
