/** The data-sources section: each table's file, rows, rows rejected, date range and what cleaning changed, from the workspace as it stands. */
import type { LogEntry } from '../../ingest/log.ts';
import type { TableInfo } from '../../ingest/model.ts';
import type { CleaningChange, DataSource } from './types.ts';
import type { DateRange } from '../source-dates.ts';
import { formatDateInput, formatInt, translate, type Locale, type MessageKey } from '../../i18n/index.ts';

type T = (key: string, params?: Record<string, string | number>) => string;

/** `cleaning` is written with `t` and `int` (for readers of the lines alone); `changes` keeps the same steps as data, for any language. */
export function sourcesOf(tables: readonly TableInfo[], logs: readonly LogEntry[], t: T, int: (n: number) => string, dates: Readonly<Record<string, DateRange>> = {}): DataSource[] {
  return tables.map((tb) => {
    const changes: CleaningChange[] = logs.filter((l) => l.table === tb.name && l.rows > 0).map((l) => ({ rule: l.rule, ...(l.column ? { column: l.column } : {}), rows: l.rows }));
    return {
      file: tb.source,
      table: tb.name,
      rows: tb.rowCount,
      rejected: logs.filter((l) => l.table === tb.name && l.rule === 'rejected_rows').reduce((n, l) => n + l.rows, 0),
      ...(dates[tb.name] ? { dateFrom: dates[tb.name]!.from, dateTo: dates[tb.name]!.to } : {}),
      cleaning: changes.map((c) => changeText(t, int, c)),
      changes,
    };
  });
}

function changeText(t: T, int: (n: number) => string, c: CleaningChange): string {
  return `${t(`rule.${c.rule}`)}${c.column ? ` (${c.column})` : ''}: ${int(c.rows)}`;
}

/** What cleaning changed, in the report's language ("No changes" when nothing); a report saved before the steps were kept as data shows its lines as written. */
export function cleaningText(locale: Locale, s: Pick<DataSource, 'cleaning' | 'changes'>): string {
  const t: T = (key, params) => translate(locale, key as MessageKey, params);
  const lines = s.changes ? s.changes.map((c) => changeText(t, (n) => formatInt(locale, n), c)) : s.cleaning;
  return lines.length ? lines.join(' · ') : t('report.srcNoCleaning');
}

/** "01/05/2024 – 12/30/2024" (en) / "2024/01/05 – 2024/12/30" (zh-CN); '—' when the table has no event date. */
export function dateRangeText(locale: Locale, s: Pick<DataSource, 'dateFrom' | 'dateTo'>): string {
  return s.dateFrom && s.dateTo ? `${formatDateInput(locale, s.dateFrom)} – ${formatDateInput(locale, s.dateTo)}` : '—';
}

/** Rows rejected, in the report's language; '—' for a report saved before they were recorded. */
export function rejectedText(locale: Locale, s: Pick<DataSource, 'rejected'>): string {
  return s.rejected === undefined ? '—' : formatInt(locale, s.rejected);
}
