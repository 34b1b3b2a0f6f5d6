import type { Db } from '../db/types.ts';
import { allRowsSql } from '../metrics/profile.ts';
import { createChurnTrainer, type ChurnTrainer } from '../ml/client.ts';
import type { ChurnResult } from '../ml/protocol.ts';
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
