/** The interface language: chosen in the header, remembered in this browser, the browser's own by default. */
import { isLocale, preferredLocale, translate, type Locale, type MessageKey, type Params } from '../../i18n/index.ts';
import { browserStorage } from './storage.ts';

const LOCALE_KEY = 'crm-lens.locale';

function initialLocale(): Locale {
  const saved = browserStorage()?.getItem(LOCALE_KEY) ?? null;
  return isLocale(saved) ? saved : preferredLocale(typeof navigator === 'undefined' ? [] : navigator.languages);
}

export class LocaleState {
  current = $state<Locale>(initialLocale());

  t = (key: MessageKey, params?: Params): string => translate(this.current, key, params);

  set(locale: Locale): void {
    this.current = locale;
    if (typeof document !== 'undefined') document.documentElement.lang = locale;
    try {
      localStorage.setItem(LOCALE_KEY, locale);
    } catch {
      // Not remembered when storage is blocked; the switch still applies now.
    }
  }
}
