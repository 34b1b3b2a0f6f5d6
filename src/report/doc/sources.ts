/** The data-sources section: each table's file, rows, rows rejected, date range and what cleaning changed, from the workspace as it stands. */
import type { LogEntry } from '../../ingest/log.ts';
import type { TableInfo } from '../../ingest/model.ts';
import type { DataSource } from './types.ts';
import type { DateRange } from '../source-dates.ts';
import { formatDateInput, formatInt, type Locale } from '../../i18n/index.ts';

type T = (key: string, params?: Record<string, string | number>) => string;

export function sourcesOf(tables: readonly TableInfo[], logs: readonly LogEntry[], t: T, int: (n: number) => string, dates: Readonly<Record<string, DateRange>> = {}): DataSource[] {
  return tables.map((tb) => ({
    file: tb.source,
    table: tb.name,
    rows: tb.rowCount,
    rejected: logs.filter((l) => l.table === tb.name && l.rule === 'rejected_rows').reduce((n, l) => n + l.rows, 0),
    ...(dates[tb.name] ? { dateFrom: dates[tb.name]!.from, dateTo: dates[tb.name]!.to } : {}),
    cleaning: logs
      .filter((l) => l.table === tb.name && l.rows > 0)
      .map((l) => `${t(`rule.${l.rule}`)}${l.column ? ` (${l.column})` : ''}: ${int(l.rows)}`),
  }));
}

/** "01/05/2024 – 12/30/2024" (en) / "2024/01/05 – 2024/12/30" (zh-CN); '—' when the table has no event date. */
export function dateRangeText(locale: Locale, s: Pick<DataSource, 'dateFrom' | 'dateTo'>): string {
  return s.dateFrom && s.dateTo ? `${formatDateInput(locale, s.dateFrom)} – ${formatDateInput(locale, s.dateTo)}` : '—';
}

/** Rows rejected, in the report's language; '—' for a report saved before they were recorded. */
export function rejectedText(locale: Locale, s: Pick<DataSource, 'rejected'>): string {
  return s.rejected === undefined ? '—' : formatInt(locale, s.rejected);
}
