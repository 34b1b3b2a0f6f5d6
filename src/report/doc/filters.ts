/** The filters an item was made under, as short sentences for its caption. */
import type { Filters } from '../../metrics/filters.ts';
import { formatDateInput, type Locale } from '../../i18n/index.ts';

type T = (key: string, params?: Record<string, string | number>) => string;

/**
 * `all`: the page applies every global filter (Analytics); otherwise only the revenue basis applies.
 * Dates are written the way the language writes them (`locale`), risk tiers in words.
 */
export function filterNotes(filters: Filters, scope: 'all' | 'revenue', t: T, locale: Locale = 'en'): string[] {
  const out: string[] = [];
  if (scope === 'all') {
    const day = (iso: string | undefined) => (iso ? formatDateInput(locale, iso) || iso : '…');
    if (filters.from || filters.to) out.push(t('report.filterDates', { from: day(filters.from), to: day(filters.to) }));
    for (const dim of ['segment', 'region', 'channel', 'category'] as const) {
      const v = filters[dim];
      if (v?.length) out.push(`${t(`an.dim.${dim}`)}: ${v.join(', ')}`);
    }
    const sep = locale === 'zh-CN' ? '、' : ', ';
    if (filters.valueTier?.length) out.push(`${t('an.dim.valueTier')}: ${filters.valueTier.map((v) => (['important', 'potential', 'ordinary', 'low_value'].includes(v) ? t(`value.tier.${v}`) : v)).join(sep)}`);
    if (filters.risk?.length) out.push(`${t('an.dim.risk')}: ${filters.risk.map((r) => (['high', 'medium', 'low'].includes(r) ? t(`lab.tier.${r}`) : r)).join(sep)}`);
  }
  if (filters.revenue === 'gross') out.push(t('revenue.gross'));
  return out;
}
