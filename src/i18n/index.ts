import { en, type MessageKey, type Catalogue } from './en.ts';
import { zhCN } from './zh-CN.ts';

export type Locale = 'en' | 'zh-CN';
export type { MessageKey };
export const LOCALES: readonly Locale[] = ['en', 'zh-CN'];

const CATALOGUES: Record<Locale, Catalogue> = { en, 'zh-CN': zhCN };

export type Params = Record<string, string | number>;

/** Look up a message and fill `{name}` placeholders. Unknown keys come back as the key itself. */
export function translate(locale: Locale, key: MessageKey, params?: Params): string {
  const template = CATALOGUES[locale][key] ?? en[key] ?? key;
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function isLocale(x: unknown): x is Locale {
  return x === 'en' || x === 'zh-CN';
}

/** The browser's preferred locale among ours. */
export function preferredLocale(languages: readonly string[]): Locale {
  for (const l of languages) {
    if (l.toLowerCase().startsWith('zh')) return 'zh-CN';
    if (l.toLowerCase().startsWith('en')) return 'en';
  }
  return 'en';
}

const numberFormats = new Map<string, Intl.NumberFormat>();
function nf(locale: Locale, opts: Intl.NumberFormatOptions): Intl.NumberFormat {
  const k = locale + JSON.stringify(opts);
  let f = numberFormats.get(k);
  if (!f) numberFormats.set(k, (f = new Intl.NumberFormat(locale, opts)));
  return f;
}

export function formatInt(locale: Locale, n: number): string {
  return nf(locale, { maximumFractionDigits: 0 }).format(n);
}

export function formatNumber(locale: Locale, n: number, digits = 2): string {
  return nf(locale, { maximumFractionDigits: digits }).format(n);
}

/** 0.26537 → "26.5 %" (en) / "26.5%" (zh-CN). */
export function formatPercent(locale: Locale, share: number, digits = 1): string {
  return nf(locale, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(share);
}

/** Large amounts compactly: 2,500,315.63 → "2.50M" (en) / "250.03万" (zh-CN). */
export function formatCompact(locale: Locale, n: number): string {
  return nf(locale, { notation: 'compact', maximumFractionDigits: 2 }).format(n);
}

export function formatBytes(locale: Locale, bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${formatNumber(locale, v, u === 0 ? 0 : 1)} ${units[u]}`;
}
