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

export function formatNumber(locale: Locale, n: number, digits = 2, minDigits = 0): string {
  return nf(locale, { minimumFractionDigits: Math.min(minDigits, digits), maximumFractionDigits: digits }).format(n);
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

/**
 * Date fields in the UI language. Chromium draws `<input type="date">` in the
 * browser's own locale whatever `lang` says (mm/dd/yyyy on an English browser
 * even for a Chinese page), so the app's date fields are text in this format.
 */
export function dateInputPattern(locale: Locale): string {
  return locale === 'zh-CN' ? '年/月/日' : 'mm/dd/yyyy';
}

/** `YYYY-MM-DD` → "06/30/2025" (en) / "2025/06/30" (zh-CN); '' for '' or anything else. */
export function formatDateInput(locale: Locale, iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) return '';
  return locale === 'zh-CN' ? `${m[1]}/${m[2]}/${m[3]}` : `${m[2]}/${m[3]}/${m[1]}`;
}

/**
 * What the user typed → `YYYY-MM-DD`, or null when it is not a whole, real
 * date. Reads the locale's order (en m/d/y, zh-CN y/m/d with / . - or
 * 年月日), and ISO `YYYY-MM-DD` in either language.
 */
export function parseDateInput(locale: Locale, text: string): string | null {
  const t = text.trim().replace(/[年月]/g, '/').replace(/日$/, '');
  let y: number, mo: number, d: number;
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(t);
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if (locale === 'en' && (m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(t))) [y, mo, d] = [Number(m[3]), Number(m[1]), Number(m[2])];
  else return null;
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}
