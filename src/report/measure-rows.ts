/**
 * How each analytics measure's result is read: one `RowShape` per row
 * interface of src/metrics, checked against it by the compiler (a column
 * added to an interface and not here, or of another kind, does not build).
 */
import type { RowShape } from './typed-rows.ts';
import type { CustomerStatusRow, NewReturningRow, BigCustomersRow } from '../metrics/customers.ts';
import type { SalesCycleRow, SalesRow } from '../metrics/sales.ts';
import type { LoyaltyRow, RetentionRow } from '../metrics/loyalty.ts';
import type { SatisfactionChurnRow, SatisfactionRow, ServiceTimesRow, TicketVolumeRow } from '../metrics/service.ts';
import type { FunnelRow, LeadDealRow } from '../metrics/funnel.ts';
import type { LorenzRow, ParetoRow, TierSummaryRow } from '../metrics/tiers.ts';
import type { CohortRow, LifecycleStageRow } from '../metrics/cohorts.ts';
import type { CompareRow, SparklineRow } from '../metrics/compare.ts';
import type { ScopeTotalsRow } from '../metrics/drilldown.ts';
import type { CreditExposureRow, ReceivablesRow } from '../metrics/risk.ts';

export const CUSTOMER_STATUS: RowShape<CustomerStatusRow> = {
  group_value: 'string?',
  customers: 'number',
  active: 'number',
  dormant: 'number',
  churned: 'number',
  no_orders: 'number',
  new_customers: 'number',
  first_orders: 'number',
};

export const NEW_RETURNING: RowShape<NewReturningRow> = {
  period: 'string',
  customers: 'number',
  new_customers: 'number',
  returning_customers: 'number',
  new_revenue: 'number?',
  returning_revenue: 'number?',
};

export const BIG_CUSTOMERS: RowShape<BigCustomersRow> = {
  tier: 'string',
  customers: 'number',
  customer_share: 'number',
  revenue: 'number',
  revenue_share: 'number?',
  orders: 'number',
  avg_spend: 'number',
  min_spend: 'number',
  max_spend: 'number',
};

export const SALES: RowShape<SalesRow> = {
  period: 'string?',
  group_value: 'string?',
  revenue: 'number?',
  orders: 'number',
  aov: 'number?',
  units: 'number?',
  customers: 'number?',
  lines: 'number',
};

export const SALES_CYCLE: RowShape<SalesCycleRow> = {
  group_value: 'string?',
  won_leads: 'number',
  median_days: 'number?',
  p90_days: 'number?',
  avg_days: 'number?',
  min_days: 'number?',
  max_days: 'number?',
};

export const LOYALTY: RowShape<LoyaltyRow> = {
  customers: 'number',
  orders: 'number',
  repeat_customers: 'number',
  repeat_rate: 'number?',
  cross_customers: 'number?',
  cross_rate: 'number?',
  purchase_frequency: 'number?',
  interpurchase_gaps: 'number',
  median_interpurchase_days: 'number?',
  avg_interpurchase_days: 'number?',
};

export const RETENTION: RowShape<RetentionRow> = {
  period: 'string',
  active_customers: 'number',
  retained: 'number?',
  retention_rate: 'number?',
  churn_rate: 'number?',
};

export const SATISFACTION_CHURN: RowShape<SatisfactionChurnRow> = {
  group: 'string',
  customers: 'number',
  churn_known: 'number',
  churned: 'number',
  churn_rate: 'number?',
  avg_satisfaction: 'number?',
};

export const SERVICE_TIMES: RowShape<ServiceTimesRow> = {
  group_value: 'string?',
  tickets: 'number',
  responded: 'number?',
  median_first_response_hours: 'number?',
  p90_first_response_hours: 'number?',
  resolved: 'number?',
  median_resolution_hours: 'number?',
  p90_resolution_hours: 'number?',
};

export const TICKET_VOLUME: RowShape<TicketVolumeRow> = { period: 'string', group_value: 'string?', tickets: 'number' };

export const SATISFACTION: RowShape<SatisfactionRow> = { score: 'number', tickets: 'number', share: 'number?' };

export const FUNNEL: RowShape<FunnelRow> = {
  group_value: 'string?',
  step_index: 'number',
  step: 'string',
  leads: 'number',
  conversion_from_prev: 'number?',
  conversion_overall: 'number?',
  drop_off: 'number?',
  drop_rate: 'number?',
  median_days_from_prev: 'number?',
  is_bottleneck: 'boolean',
};

export const LEAD_DEAL: RowShape<LeadDealRow> = {
  group_value: 'string?',
  leads: 'number',
  deals: 'number',
  conversion: 'number?',
  median_days_to_deal: 'number?',
  p90_days_to_deal: 'number?',
  deals_without_lead: 'number',
};

export const SCOPE: RowShape<ScopeTotalsRow> = {
  customers: 'number?',
  orders: 'number?',
  lines: 'number?',
  revenue: 'number?',
  no_customer_lines: 'number?',
  return_lines: 'number?',
  return_amount: 'number?',
};

export const TIER_SUMMARY: RowShape<TierSummaryRow> = {
  tier: 'string',
  tier_zh: 'string',
  action: 'string',
  customers: 'number',
  customer_share: 'number?',
  revenue: 'number',
  revenue_share: 'number?',
  avg_recency_days: 'number?',
  avg_frequency: 'number?',
  median_recency_days: 'number?',
  median_frequency: 'number?',
  median_monetary: 'number?',
};

export const PARETO: RowShape<ParetoRow> = { customers: 'number', revenue: 'number?', top_share: 'number', top_revenue_share: 'number?', gini: 'number?' };

export const LORENZ: RowShape<LorenzRow> = { x: 'number', y: 'number?' };

export const COHORT: RowShape<CohortRow> = {
  cohort: 'string',
  months_since: 'number',
  cohort_size: 'number',
  customers: 'number',
  retention: 'number',
  revenue: 'number?',
  revenue_per_customer: 'number?',
};

export const LIFECYCLE_STAGE: RowShape<LifecycleStageRow> = { stage: 'string', customers: 'number', share: 'number?', value: 'number' };

export const COMPARE: RowShape<CompareRow> = {
  current_start: 'string',
  current_end: 'string',
  current_value: 'number?',
  previous_start: 'string',
  previous_end: 'string',
  previous_value: 'number?',
  change_vs_previous: 'number?',
  change_vs_previous_pct: 'number?',
  last_year_start: 'string',
  last_year_end: 'string',
  last_year_value: 'number?',
  change_vs_last_year: 'number?',
  change_vs_last_year_pct: 'number?',
};

export const SPARKLINE: RowShape<SparklineRow> = { period_start: 'string', period_end: 'string', value: 'number?' };

export const RECEIVABLES: RowShape<ReceivablesRow> = {
  orders: 'number',
  unknown_status_orders: 'number',
  open_orders: 'number',
  open_amount: 'number',
  overdue_orders: 'number',
  overdue_amount: 'number',
  overdue_share: 'number?',
  due_1_30: 'number?',
  due_31_60: 'number?',
  due_61_90: 'number?',
  due_over_90: 'number?',
  customers_with_open: 'number?',
  customers_over_limit: 'number?',
};

export const CREDIT_EXPOSURE: RowShape<CreditExposureRow> = {
  customer_id: 'string',
  open_orders: 'number',
  open_amount: 'number',
  overdue_amount: 'number',
  max_days_overdue: 'number?',
  credit_limit: 'number?',
  utilization: 'number?',
  over_limit: 'boolean?',
};

/** The row interface of each measure of the analytics page (report/analytics.ts `MeasureId`). */
export interface MeasureRowTypes {
  status: CustomerStatusRow;
  newReturning: NewReturningRow;
  salesByCategory: SalesRow;
  loyalty: LoyaltyRow;
  retention: RetentionRow;
  satisfactionChurn: SatisfactionChurnRow;
  serviceTimes: ServiceTimesRow;
  funnel: FunnelRow;
  tiers: TierSummaryRow;
  pareto: ParetoRow;
  lorenz: LorenzRow;
  cohorts: CohortRow;
  compareRevenue: CompareRow;
  compareOrders: CompareRow;
  compareBuyers: CompareRow;
  compareAov: CompareRow;
  sparkRevenue: SparklineRow;
  sparkOrders: SparklineRow;
  sparkBuyers: SparklineRow;
  sparkAov: SparklineRow;
  scope: ScopeTotalsRow;
  leadDeal: LeadDealRow;
  leadDealByChannel: LeadDealRow;
  lifecycle: LifecycleStageRow;
}

/** Each measure's rows, read once as its interface says. */
export const MEASURE_SHAPES: { [K in keyof MeasureRowTypes]: RowShape<MeasureRowTypes[K]> } = {
  status: CUSTOMER_STATUS,
  newReturning: NEW_RETURNING,
  salesByCategory: SALES,
  loyalty: LOYALTY,
  retention: RETENTION,
  satisfactionChurn: SATISFACTION_CHURN,
  serviceTimes: SERVICE_TIMES,
  funnel: FUNNEL,
  tiers: TIER_SUMMARY,
  pareto: PARETO,
  lorenz: LORENZ,
  cohorts: COHORT,
  compareRevenue: COMPARE,
  compareOrders: COMPARE,
  compareBuyers: COMPARE,
  compareAov: COMPARE,
  sparkRevenue: SPARKLINE,
  sparkOrders: SPARKLINE,
  sparkBuyers: SPARKLINE,
  sparkAov: SPARKLINE,
  scope: SCOPE,
  leadDeal: LEAD_DEAL,
  leadDealByChannel: LEAD_DEAL,
  lifecycle: LIFECYCLE_STAGE,
};
