/**
 * Which analytics sections this workspace can show, and why not the others.
 * Pure: the page passes in its results and tables.
 */
import type { MessageKey } from '../../../i18n/index.ts';
import { tableOfKind, type TableInfo } from '../../../ingest/model.ts';
import type { Unavailable } from '../../../metrics/common.ts';
import { leadTables, type Analytics } from '../../../report/analytics.ts';
import { hasOwners } from '../../../metrics/owners.ts';
import { hasResponse } from '../../../metrics/campaigns.ts';
import { first, missingOf } from './format.ts';

export const COMPARE = [
  { key: 'an.kpi.revenue', cmp: 'compareRevenue', spark: 'sparkRevenue', money: true },
  { key: 'an.kpi.orders', cmp: 'compareOrders', spark: 'sparkOrders', money: false },
  { key: 'an.kpi.buyers', cmp: 'compareBuyers', spark: 'sparkBuyers', money: false },
  { key: 'an.kpi.aov', cmp: 'compareAov', spark: 'sparkAov', money: true },
] as const;
export type CompareCard = (typeof COMPARE)[number];

/** A KPI the workspace cannot compute (no amount, no customer id) is left out rather than shown as a row of dashes. */
export function compareCards(data: Analytics | null): CompareCard[] {
  return COMPARE.filter((c) => (first(data?.[c.cmp])?.current_value ?? null) !== null);
}

/** The forecast needs dated orders with an amount; short history is said inside the panel (it depends on the grain). */
export function forecastMissing(tables: readonly TableInfo[]): Unavailable | undefined {
  const orders = tableOfKind(tables, 'orders');
  if (!orders) return { reason: 'no_table', kind: 'orders' };
  const lacking = (['order_date', 'amount'] as const).filter((r) => orders.roles[r] === undefined);
  return lacking.length ? { reason: 'missing_role', kind: 'orders', table: orders.name, roles: [...lacking] } : undefined;
}

export const SECTION_TITLES = {
  compare: 'an.sec.compare',
  customers: 'an.sec.customers',
  sales: 'an.sec.sales',
  forecast: 'an.forecast',
  loyalty: 'an.sec.loyalty',
  service: 'an.sec.service',
  funnel: 'an.sec.funnel',
  tiers: 'an.sec.tiers',
  cohorts: 'an.sec.cohorts',
} as const satisfies Record<string, MessageKey>;
export type SectionId = keyof typeof SECTION_TITLES;

/** For each measure section, why it cannot be shown (undefined: it can). */
export function missingSections(data: Analytics, cards: number, forecast: Unavailable | undefined): Record<SectionId, Unavailable | undefined> {
  return {
    compare: cards || data.activityCompare.length ? undefined : missingOf([data.compareRevenue, data.compareOrders, data.compareBuyers, data.compareAov]),
    customers: missingOf([data.status, data.newReturning]),
    sales: missingOf([data.salesByCategory]),
    forecast,
    loyalty: missingOf([data.loyalty, data.retention]),
    service: missingOf([data.satisfactionChurn, data.serviceTimes]),
    funnel: missingOf([data.funnel, data.leadDeal]),
    tiers: missingOf([data.tiers, data.pareto, data.lorenz]),
    cohorts: missingOf([data.cohorts]),
  };
}

/** Sales staff performance: only where leads (or their closed deals) name an owner. */
export function ownersShown(tables: readonly TableInfo[]): boolean {
  const { leads, deals } = leadTables(tables);
  return hasOwners(leads, deals);
}

/** Campaign effect: only where a table has a response column. */
export function campaignShown(tables: readonly TableInfo[]): boolean {
  return tables.some((t) => hasResponse(t));
}

/** Surveys and journeys run their own queries; each shows when its table kind is in the workspace. */
export function voiceSections(tables: readonly TableInfo[]): { surveys: boolean; journeys: boolean } {
  return { surveys: tableOfKind(tables, 'surveys') !== undefined, journeys: tableOfKind(tables, 'events') !== undefined };
}
