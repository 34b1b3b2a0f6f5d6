/**
 * What a measure panel tells the charts, cards and tables inside it: the
 * measure's definition and SQL, so an item added to the report carries them
 * into its appendix.
 */
import { getContext, setContext } from 'svelte';

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

/** The fields an item gets from it (none when there is no panel). */
export function measureFields(info: MeasureInfo | undefined): { definition?: string; sql?: string[] } {
  if (!info) return {};
  return { ...(info.definition ? { definition: info.definition } : {}), ...(info.sql.length ? { sql: [...info.sql] } : {}) };
}
