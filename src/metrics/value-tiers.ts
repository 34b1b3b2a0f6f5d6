/**
 * Value × risk tiers: predicted lifetime value (CLV) against the probability
 * of churn (the churn lab's saved scores when there are any, else 1 − P(alive)).
 *
 * | tier | value | risk | action |
 * |---|---|---|---|
 * | important 重要价值客户 | high | low | `retain`: keep them: service, loyalty benefits |
 * | potential 潜力客户 | high | high | `win_back`: worth a lot and slipping: develop, win back |
 * | ordinary 一般客户 | low | low | `maintain`: regular programme |
 * | low_value 低价值客户 | low | high | `low_cost`: automated, low-cost contact only |
 *
 * High value = CLV at or above the value cut, and above 0; high risk = risk at
 * or above the risk cut. Default value cut: the CLV of the top 20 % of
 * customers. Not the median: CLV is heavily skewed (most customers of a
 * typical shop bought once and are worth almost nothing), so a median cut
 * calls half of them high value, the top fifth is the customers who carry most
 * of the value (the Pareto share the RFM tiers report too). Default risk cut 0.5.
 * Pure functions over Float64Arrays, one index per customer.
 */
import { VALUE_TABLE } from './filters.ts';
import type { Tier } from './tiers.ts';

export type ValueTier = Tier;
export const VALUE_TIERS = [
  { tier: 'important', action: 'retain' },
  { tier: 'potential', action: 'win_back' },
  { tier: 'ordinary', action: 'maintain' },
  { tier: 'low_value', action: 'low_cost' },
] as const satisfies readonly { tier: ValueTier; action: string }[];
export type ValueAction = (typeof VALUE_TIERS)[number]['action'];

export const DEFAULT_TOP_SHARE = 0.2;
export const DEFAULT_RISK_CUT = 0.5;

export interface ValueThresholds {
  /** Customers with CLV ≥ this (and > 0) are high value. */
  valueCut: number;
  /** Customers with risk ≥ this are high risk. */
  riskCut: number;
}

/** The CLV at which the top `share` of customers begins (ties at the cut all count as high value); Infinity for no customers. */
export function valueCutForTopShare(clv: Float64Array, share: number): number {
  const finite = Array.from(clv).filter(Number.isFinite).sort((a, b) => b - a);
  if (finite.length === 0 || share <= 0) return Infinity;
  const k = Math.min(finite.length, Math.max(1, Math.ceil(share * finite.length)));
  return finite[k - 1]!;
}

export function valueTierOf(clv: number, risk: number, t: ValueThresholds): ValueTier {
  const high = clv > 0 && clv >= t.valueCut;
  const risky = risk >= t.riskCut;
  if (high) return risky ? 'potential' : 'important';
  return risky ? 'low_value' : 'ordinary';
}

export function assignTiers(clv: Float64Array, risk: Float64Array, t: ValueThresholds): ValueTier[] {
  return Array.from(clv, (v, i) => valueTierOf(v, risk[i]!, t));
}

export interface ValueTierSummary {
  tier: ValueTier;
  action: ValueAction;
  customers: number;
  customerShare: number;
  /** Net spend to date of the tier's customers, and its share of all. */
  revenue: number;
  revenueShare: number;
  /** Σ CLV. */
  expectedValue: number;
  /** Σ CLV × risk: the value expected to be lost if nothing is done. */
  valueAtRisk: number;
}

/** One row per tier, in `VALUE_TIERS` order (empty tiers included). */
export function summarizeTiers(tiers: readonly ValueTier[], clv: Float64Array, risk: Float64Array, revenue: Float64Array): ValueTierSummary[] {
  const acc = new Map(VALUE_TIERS.map((t) => [t.tier, { customers: 0, revenue: 0, expectedValue: 0, valueAtRisk: 0 }]));
  let totalRevenue = 0;
  tiers.forEach((tier, i) => {
    const a = acc.get(tier)!;
    const v = Number.isFinite(clv[i]!) ? clv[i]! : 0;
    const r = Number.isFinite(revenue[i]!) ? revenue[i]! : 0;
    a.customers++;
    a.revenue += r;
    a.expectedValue += v;
    a.valueAtRisk += v * (Number.isFinite(risk[i]!) ? risk[i]! : 0);
    totalRevenue += r;
  });
  const n = tiers.length;
  return VALUE_TIERS.map(({ tier, action }) => {
    const a = acc.get(tier)!;
    return { tier, action, ...a, customerShare: n > 0 ? a.customers / n : 0, revenueShare: totalRevenue !== 0 ? a.revenue / totalRevenue : 0 };
  });
}

/** Why a customer is in its tier, for the list: the two comparisons against the cuts. */
export interface TierReason {
  highValue: boolean;
  highRisk: boolean;
  clv: number;
  risk: number;
}

export function tierReason(clv: number, risk: number, t: ValueThresholds): TierReason {
  return { highValue: clv > 0 && clv >= t.valueCut, highRisk: risk >= t.riskCut, clv, risk };
}

/**
 * Customers by RFM tier (rows, `VALUE_TIERS` order) × value tier (columns):
 * where the two disagree. Customers without an RFM tier are left out.
 */
export function crossTable(rfm: ReadonlyMap<string, Tier>, ids: readonly string[], tiers: readonly ValueTier[]): number[][] {
  const order = VALUE_TIERS.map((t) => t.tier);
  const out = order.map(() => order.map(() => 0));
  ids.forEach((id, i) => {
    const r = rfm.get(id);
    if (r !== undefined) out[order.indexOf(r)]![order.indexOf(tiers[i]!)]!++;
  });
  return out;
}

/** Indices of the `n` customers with the highest value at risk (CLV × risk), then CLV. */
export function topAtRisk(clv: Float64Array, risk: Float64Array, n: number): number[] {
  const idx = Array.from(clv.keys());
  const var_ = (i: number) => (Number.isFinite(clv[i]!) ? clv[i]! : 0) * (Number.isFinite(risk[i]!) ? risk[i]! : 0);
  idx.sort((a, b) => var_(b) - var_(a) || clv[b]! - clv[a]! || a - b);
  return idx.slice(0, n);
}

/** The table the Customer value page writes back, as the churn lab writes `churn_scores` (Analytics filters on its `tier`). */
export const CUSTOMER_VALUE_TABLE = VALUE_TABLE;
