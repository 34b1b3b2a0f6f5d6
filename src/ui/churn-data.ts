import type { Db } from '../db/types.ts';
import { allRowsSql } from '../metrics/profile.ts';
import { createChurnTrainer, createSearchPool, type ChurnTrainer, type SearchPool } from '../ml/client.ts';
import type { ChurnResult, ScoredRow } from '../ml/protocol.ts';
import type { ColumnData } from '../ml/features.ts';

export type TrainResult = ChurnResult;

/** A table's rows as columns, the shape the trainer takes. */
export async function fetchColumns(db: Db, table: string): Promise<ColumnData[]> {
  const r = await db.query(allRowsSql(table));
  return r.columns.map((c) => ({
    name: c.name,
    values: r.rows.map((row) => {
      const v = row[c.name];
      return typeof v === 'boolean' ? (v ? 1 : 0) : (v ?? null);
    }),
  }));
}

let trainer: ChurnTrainer | null = null;

/** One trainer (one worker) for the page's lifetime, created on first use. */
export function getTrainer(): ChurnTrainer {
  trainer ??= createChurnTrainer();
  return trainer;
}

let pool: SearchPool | null = null;

/** Two search workers (this app targets 2-core laptops too), created on first use. */
export function getSearchPool(): SearchPool {
  pool ??= createSearchPool({ size: 2 });
  return pool;
}

/** The scored list as CSV: the customer key (if any) and every score column. */
export function scoresCsv(idColumn: ColumnData | undefined, scored: readonly ScoredRow[]): string {
  const head = ['customer', 'probability', 'risk_tier', 'reason_1', 'reason_2', 'reason_3'];
  const lines = [head.join(',')];
  for (const s of scored) {
    const id = idColumn ? idColumn.values[s.row] : s.row + 1;
    const cells = [id, s.probability.toFixed(6), s.tier, ...[0, 1, 2].map((k) => (s.reasons[k] ? `${s.reasons[k]!.column}=${String(s.reasons[k]!.value ?? '')}` : ''))];
    lines.push(cells.map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}
