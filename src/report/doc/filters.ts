/** The filters an item was made under, as short sentences for its caption. */
import type { Filters } from '../../metrics/filters.ts';

type T = (key: string, params?: Record<string, string | number>) => string;

/** `all`: the page applies every global filter (Analytics); otherwise only the revenue basis applies. */
export function filterNotes(filters: Filters, scope: 'all' | 'revenue', t: T): string[] {
  const out: string[] = [];
  if (scope === 'all') {
    if (filters.from || filters.to) out.push(t('report.filterDates', { from: filters.from ?? '…', to: filters.to ?? '…' }));
    for (const dim of ['segment', 'region', 'channel', 'category'] as const) {
      const v = filters[dim];
      if (v?.length) out.push(`${t(`an.dim.${dim}`)}: ${v.join(', ')}`);
    }
    if (filters.risk?.length) out.push(`risk: ${filters.risk.join(', ')}`);
  }
  if (filters.revenue === 'gross') out.push(t('revenue.gross'));
  return out;
}
