/** Runs the data-sources date ranges (metrics/date-range.ts): table name → first and last day. */
import type { Db } from '../db/types.ts';
import type { TableInfo } from '../ingest/model.ts';
import { dateRangesSql } from '../metrics/date-range.ts';

export interface DateRange {
  from: string;
  to: string;
}

export async function sourceDateRanges(db: Db, tables: readonly TableInfo[]): Promise<Record<string, DateRange>> {
  const sql = dateRangesSql(tables);
  if (sql === null) return {};
  const out: Record<string, DateRange> = {};
  for (const row of (await db.query(sql)).rows) {
    const { table, date_from: from, date_to: to } = row;
    if (typeof table === 'string' && typeof from === 'string' && typeof to === 'string') out[table] = { from, to };
  }
  return out;
}
