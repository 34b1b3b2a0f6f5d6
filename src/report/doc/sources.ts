/** The data-sources section: each table's file, rows and what cleaning changed, from the workspace as it stands. */
import type { LogEntry } from '../../ingest/log.ts';
import type { TableInfo } from '../../ingest/model.ts';
import type { DataSource } from './types.ts';

type T = (key: string, params?: Record<string, string | number>) => string;

export function sourcesOf(tables: readonly TableInfo[], logs: readonly LogEntry[], t: T, int: (n: number) => string): DataSource[] {
  return tables.map((tb) => ({
    file: tb.source,
    table: tb.name,
    rows: tb.rowCount,
    cleaning: logs
      .filter((l) => l.table === tb.name && l.rows > 0)
      .map((l) => `${t(`rule.${l.rule}`)}${l.column ? ` (${l.column})` : ''}: ${int(l.rows)}`),
  }));
}
