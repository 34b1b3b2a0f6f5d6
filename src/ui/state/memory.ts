/**
 * The tab's side of the memory check (src/ingest/memory-fit.ts): what the
 * browser says it has, and the question put to the user before a file
 * estimated too large for the tab is loaded.
 */
import { formatBytes, type Locale, type MessageKey, type Params } from '../../i18n/index.ts';
import type { Fit, FitLimits } from '../../ingest/memory-fit.ts';

/** e2e hook: a budget in bytes instead of the browser's, to try the warning with a small file. */
function budgetOverride(): number | null {
  const v = (globalThis as { __CRM_LENS_MEMORY_BUDGET__?: unknown }).__CRM_LENS_MEMORY_BUDGET__;
  return typeof v === 'number' && v > 0 ? v : null;
}

export function browserMemoryLimits(): FitLimits {
  const device = (globalThis.navigator as (Navigator & { deviceMemory?: number }) | undefined)?.deviceMemory;
  return { deviceMemoryGb: typeof device === 'number' ? device : null, budgetBytes: budgetOverride() };
}

/** Asks (a native dialog, so it cannot be missed behind a page) whether to load a file estimated not to fit. */
export function confirmLargeFile(file: File, fit: Fit, locale: Locale, t: (key: MessageKey, params?: Params) => string): Promise<boolean> {
  const message = t('memory.warn', {
    file: file.name,
    size: formatBytes(locale, file.size),
    estimate: formatBytes(locale, fit.estimateBytes),
    budget: formatBytes(locale, fit.budgetBytes),
  });
  return Promise.resolve(globalThis.confirm(message));
}
