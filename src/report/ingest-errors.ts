import { isIngestError } from '../ingest/errors.ts';
import type { MessageKey, Params } from '../i18n/index.ts';
import { engineErrorDetail } from '../lib/errors.ts';

type Translate = (key: MessageKey, params?: Params) => string;

/**
 * A user-facing sentence for an ingest failure, in the current language.
 * Never an empty reason, never an engine's query or a whole line of the file:
 * anything that is not an `IngestError` is shortened by `engineErrorDetail`.
 */
export function describeIngestError(e: unknown, t: Translate): string {
  if (!isIngestError(e)) return engineErrorDetail(e).detail || t('ingest.detail.none');
  const where =
    e.info.row !== undefined
      ? t(e.info.column ? 'ingest.where.rowColumn' : 'ingest.where.row', { row: e.info.row, column: e.info.column ?? '' })
      : '';
  const params: Params = { rejected: '', kept: '', ...e.params };
  params.detail = String(e.params.detail ?? '') || t('ingest.detail.none');
  const format = e.params.format;
  params.format = format && format !== 'unknown' ? ` (${String(format)})` : '';
  return `${t(e.key, params)}${where}`;
}

/** Failures listed by `joinFailures` before "…and N more". */
export const MAX_LISTED_FAILURES = 5;

/**
 * Every failure of one drop, not only the last: one message as it is; several
 * as a count, then one line each (up to `MAX_LISTED_FAILURES`), then how many
 * more. Lines are separated by `\n` (the alert shows them with `white-space: pre-line`).
 */
export function joinFailures(messages: readonly string[], t: Translate): string {
  if (messages.length <= 1) return messages[0] ?? '';
  const shown = messages.slice(0, MAX_LISTED_FAILURES);
  const more = messages.length - shown.length;
  return [t('load.failedMany', { count: messages.length }), ...shown.map((m) => `• ${m}`), ...(more > 0 ? [t('load.failedMore', { count: more })] : [])].join('\n');
}
