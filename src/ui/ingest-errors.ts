import { isIngestError } from '../ingest/errors.ts';
import type { MessageKey, Params } from '../i18n/index.ts';
import { errorMessage } from '../lib/errors.ts';

/** A user-facing sentence for an ingest failure, in the current language. */
export function describeIngestError(e: unknown, t: (key: MessageKey, params?: Params) => string): string {
  if (!isIngestError(e)) return errorMessage(e);
  const where =
    e.info.row !== undefined
      ? t(e.info.column ? 'ingest.where.rowColumn' : 'ingest.where.row', { row: e.info.row, column: e.info.column ?? '' })
      : '';
  const params: Params = { detail: '', rejected: '', kept: '', ...e.params };
  const format = e.params.format;
  params.format = format && format !== 'unknown' ? ` (${String(format)})` : '';
  return `${t(e.key, params)}${where}`;
}
