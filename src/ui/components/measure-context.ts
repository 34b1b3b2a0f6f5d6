/**
 * What a measure panel tells the charts, cards and tables inside it: the
 * measure's definition and SQL, so an item added to the report carries them
 * into its appendix.
 */
import { getContext, setContext } from 'svelte';
import type { Locale } from '../../i18n/index.ts';
import { wholeMessageIn } from './localized.ts';

export interface MeasureInfo {
  readonly definition: string;
  readonly sql: readonly string[];
}

const KEY = Symbol('measure');

export function provideMeasure(info: MeasureInfo): void {
  setContext(KEY, info);
}

/** The enclosing panel's measure, if any; call during component initialisation. */
export function enclosingMeasure(): MeasureInfo | undefined {
  return getContext<MeasureInfo | undefined>(KEY);
}

/** The fields an item gets from it (none when there is no panel); `locale`: the language the definition is written in, to find it in the others. */
export function measureFields(info: MeasureInfo | undefined, locale?: Locale): { definition?: string; sql?: string[]; definitions?: Record<Locale, string> | null } {
  if (!info) return {};
  const definitions = info.definition && locale ? wholeMessageIn(info.definition, locale) : null;
  return { ...(info.definition ? { definition: info.definition } : {}), ...(info.sql.length ? { sql: [...info.sql] } : {}), ...(definitions ? { definitions } : {}) };
}
