/**
 * Small formatting and reading helpers shared by the analytics sections.
 * Locale and translator come in as arguments so this stays a plain module.
 */
import { formatNumber, formatPercent, type Locale, type MessageKey, type Params } from '../../../i18n/index.ts';
import type { Row } from '../../../db/types.ts';
import type { Unavailable } from '../../../metrics/common.ts';
import type { Measure } from '../../../report/analytics.ts';

export type Translate = (key: MessageKey, params?: Params) => string;

/** A number from an untyped row (the surveys' and journeys' results; the analytics measures' rows are typed). */
export const num = (r: Row | undefined, k: string): number | null => (typeof r?.[k] === 'number' ? (r[k] as number) : null);
export const first = <R>(m: Measure<R> | undefined): R | undefined => m?.rows[0];

export const pct = (locale: Locale, v: number | null): string => (v === null ? '—' : formatPercent(locale, v));
export const signed = (locale: Locale, v: number | null): string => (v === null ? '—' : `${v > 0 ? '+' : ''}${formatPercent(locale, v)}`);
export const days = (locale: Locale, v: number | null): string => (v === null ? '—' : formatNumber(locale, v, 1));
/** Hours with their unit ("3.5 h" / "3.5 小时"). */
export const hours = (t: Translate, locale: Locale, v: number | null): string => (v === null ? '—' : t('plan.unit.hours', { n: formatNumber(locale, v, 1) }));

/** Why a section cannot be shown: the first reason among its measures, when none of them is available. */
export function missingOf(measures: (Measure<unknown> | undefined)[]): Unavailable | undefined {
  return measures.every((m) => !m || m.unavailable) ? (measures.find((m) => m?.unavailable)?.unavailable ?? { reason: 'no_table' }) : undefined;
}

export function reasonText(t: Translate, u: Unavailable): string {
  const kind = u.kind ? t(`kind.${u.kind}` as MessageKey) : '';
  return t(`an.un.${u.reason}` as MessageKey, { kind, roles: (u.roles ?? []).join(', '), columns: (u.columns ?? []).join(', '), message: u.message ?? '' });
}
