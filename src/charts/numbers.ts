/**
 * Numbers on chart axes and in tooltips, written by the same formatters as the
 * page's cards and tables (src/i18n), so a Chinese page reads 200万 on an axis
 * as on a card, never 2M.
 */
import { formatCompact, formatNumber, type Locale } from '../i18n/index.ts';

/** Axis ticks: compact (2,000,000 → "2M" in English, "200万" in Chinese). */
export function axisNumber(locale: Locale = 'en'): (v: number) => string {
  return (v) => formatCompact(locale, v);
}

/** Tooltip values: grouped, at most two decimals ("41,624.36"). */
export function tooltipNumber(locale: Locale = 'en'): (v: unknown) => string {
  return (v) => (typeof v === 'number' && Number.isFinite(v) ? formatNumber(locale, v, 2) : v === null || v === undefined ? '—' : String(v));
}
