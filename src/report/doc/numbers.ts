/**
 * Numbers in the report are kept as numbers with a format kind, and written
 * out in the report's language when it is shown or exported (a KPI added in
 * English reads 250.03万 in a Chinese report). Text cells stay as they are.
 */
import { formatCompact, formatInt, formatNumber, formatPercent, type Locale } from '../../i18n/index.ts';
import type { Cell, ItemBody, NumberKind } from './types.ts';

export const NUMBER_KINDS: readonly NumberKind[] = ['int', 'number1', 'number2', 'number3', 'number4', 'percent', 'amount'];

export function formatKind(locale: Locale, n: number, kind: NumberKind): string {
  switch (kind) {
    case 'int':
      return formatInt(locale, n);
    case 'number1':
      return formatNumber(locale, n, 1);
    case 'number2':
      return formatNumber(locale, n, 2);
    case 'number3':
      return formatNumber(locale, n, 3);
    case 'number4':
      return formatNumber(locale, n, 4);
    case 'percent':
      return formatPercent(locale, n);
    case 'amount':
      // As the Overview shows revenue: compact from a million up.
      return Math.abs(n) >= 1e6 ? formatCompact(locale, n) : formatInt(locale, n);
  }
}

/** A table cell as text in `locale`: numbers by their column's kind (plain numbers otherwise), a missing number as a dash. */
export function cellText(locale: Locale, c: Cell, kind?: NumberKind | null): string {
  if (c === null) return kind ? '—' : '';
  if (typeof c === 'number') return kind ? formatKind(locale, c, kind) : formatNumber(locale, c);
  return c;
}

/** A KPI's value in `locale` (as it was shown when added, for cards saved without their number). */
export function kpiText(locale: Locale, b: Extract<ItemBody, { kind: 'kpi' }>): string {
  return b.number ? formatKind(locale, b.number.n, b.number.format) : b.value;
}

/** Every cell of a table as text in `locale`. */
export function tableText(locale: Locale, b: Extract<ItemBody, { kind: 'table' }>): string[][] {
  return b.rows.map((r) => r.map((c, i) => cellText(locale, c, b.formats?.[i])));
}
