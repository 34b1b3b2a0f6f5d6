/**
 * The overview's KPI cards as words: each measure's title, how its number is
 * written, and the line under it (what a rate counted, which table it came
 * from, or why it is missing). The Overview page and the command-line
 * runner's report write the same cards.
 */
import { formatInt, type Locale, type MessageKey, type Params } from '../i18n/index.ts';
import type { Kpi, KpiName } from '../metrics/overview.ts';
import type { NumberKind } from './doc/types.ts';

export const KPI_TITLES: Record<KpiName, MessageKey> = {
  customers: 'kpi.customers',
  orders: 'kpi.orders',
  revenue: 'kpi.revenue',
  repeat_rate: 'kpi.repeatRate',
  churn_rate: 'kpi.churnRate',
};

/** How each measure is written (the report writes a card's number the same way, in its own language). */
export const KPI_FORMATS: Record<KpiName, NumberKind> = { customers: 'int', orders: 'int', revenue: 'amount', repeat_rate: 'percent', churn_rate: 'percent' };

export function kpiCardHint(k: Kpi, t: (key: MessageKey, params?: Params) => string, locale: Locale): string | undefined {
  if (k.value === null) return k.unavailable ? t('kpi.unavailable', { reason: t(`reason.${k.unavailable.reason}` as MessageKey) }) : undefined;
  if (k.part !== undefined && k.whole !== undefined) return t('kpi.rateOf', { part: formatInt(locale, k.part), whole: formatInt(locale, k.whole) });
  return k.source ? t('kpi.source', { table: k.source }) : undefined;
}
