/**
 * What "Add to report" is given to remake an item in another report language:
 * a function of a translator and its locale that builds the same title and
 * chart option (KPI hint, table) from the page's data with that language's
 * labels. The report keeps every language's version and shows its own.
 */
import { LOCALES, translate, type Locale, type MessageKey, type Params } from '../../i18n/index.ts';
import { en } from '../../i18n/en.ts';
import type { InLocale } from '../state/report.svelte.ts';

export type Translator = (key: MessageKey, params?: Params) => string;
export type Localized<T> = (t: Translator, locale: Locale) => T;
export type { Locale };

export function inLocale<T>(make: Localized<T> | undefined): InLocale<T> {
  return make && ((locale) => make((key, params) => translate(locale, key, params), locale));
}

const byText = new Map<Locale, Map<string, MessageKey>>();

/**
 * A text that is one whole message of the catalogue (a measure's definition, say)
 * in every language, found by its wording in `from`; null when it is not one.
 */
export function wholeMessageIn(text: string, from: Locale): Record<Locale, string> | null {
  let index = byText.get(from);
  if (!index) {
    index = new Map();
    for (const key of Object.keys(en) as MessageKey[]) {
      const m = translate(from, key);
      if (!m.includes('{') && !index.has(m)) index.set(m, key);
    }
    byText.set(from, index);
  }
  const key = index.get(text);
  return key ? (Object.fromEntries(LOCALES.map((l) => [l, translate(l, key)])) as Record<Locale, string>) : null;
}
