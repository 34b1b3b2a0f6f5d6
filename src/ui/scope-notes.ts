/**
 * The part of a scope line both Overview and Analytics show under their
 * totals: order lines without a customer (left out of customer measures) and
 * return lines with their amount, from a `scopeTotalsSql` row.
 */
import { formatInt, formatNumber, translate, type Locale } from '../i18n/index.ts';
import type { RevenueBasis } from '../metrics/measures.ts';

/** The columns read from a `scopeTotalsSql` row (a query row or a `ScopeTotalsRow`). */
interface ScopeCounts {
  no_customer_lines?: unknown;
  return_lines?: unknown;
  return_amount?: unknown;
}

function count(row: ScopeCounts, key: keyof ScopeCounts): number | null {
  const v = row[key];
  return v === null || v === undefined ? null : Number(v);
}

export function scopeNotes(row: ScopeCounts | null | undefined, basis: RevenueBasis | undefined, locale: Locale): string[] {
  if (!row) return [];
  const out: string[] = [];
  const noCustomer = count(row, 'no_customer_lines');
  if (noCustomer !== null && noCustomer > 0) out.push(translate(locale, 'scope.noCustomer', { n: formatInt(locale, noCustomer) }));
  const returns = count(row, 'return_lines');
  const amount = count(row, 'return_amount');
  if (returns !== null && returns > 0) {
    const value = amount === null ? '—' : formatNumber(locale, amount, 2).replace(/^-/, '−');
    out.push(translate(locale, basis === 'gross' ? 'scope.returnsLeftOut' : 'scope.returns', { n: formatInt(locale, returns), value }));
  }
  return out;
}
