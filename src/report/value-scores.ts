/**
 * "Score customers now": the value search's best model refitted on every
 * training row (in the search pool's worker) and applied to the same
 * features as of the data's last order day, giving each customer's predicted
 * spend over the next H months. The list becomes a CSV (src/lib/csv.ts) and
 * the `value_scores` table, written back through the workspace as the churn
 * lab writes `churn_scores` (CSV → loadDelimited → `addTable`).
 */
import type { Db } from '../db/types.ts';
import { loadDelimited } from '../ingest/load.ts';
import type { TableInfo } from '../ingest/model.ts';
import { csvText, type CsvOptions } from '../lib/csv.ts';
import { cellAt, type ColumnData } from '../ml/features.ts';
import type { SearchPool } from '../ml/client.ts';
import type { ValueDatasetPayload } from '../ml/protocol.ts';
import type { ValueSpec } from '../ml/value-specs.ts';
import { valueScoringSql, valueTargetRoles, VALUE_SCORES_TABLE, VALUE_SCORING_SOURCE, VALUE_SCORING_TABLE } from '../metrics/value-target.ts';
import { fetchColumns } from './churn.ts';
import { readSpan, valueInputs } from './value-model.ts';

export const VALUE_SCORES_COLUMNS = ['customer', 'predicted_spend', 'model', 'horizon_months'] as const;

export interface ValueScores {
  /** Customer ids, as text. */
  ids: string[];
  /** Predicted spend over the next `months` months, aligned with `ids`. */
  spend: Float64Array;
  /** The model's label (as the leaderboard's). */
  model: string;
  months: number;
  /** The last order day: features are as of this day. */
  asOf: string;
  fitMs: number;
}

interface Workspace {
  putTable(name: string, select: string, info: Pick<TableInfo, 'source' | 'kind' | 'roles'>): Promise<TableInfo>;
  addTable(name: string, create: (db: Db) => Promise<TableInfo>): Promise<TableInfo>;
}

/** Builds the scoring table as of the data's last order day and returns its columns and customer ids. */
export async function valueScoringColumns(workspace: Workspace, db: Db, tables: readonly TableInfo[], months: number): Promise<{ columns: ColumnData[]; ids: string[]; asOf: string }> {
  const inputs = valueInputs(tables);
  const span = await readSpan(db, inputs);
  if (!span) throw new Error('Scoring customers needs orders with customer, date and amount.');
  const q = valueScoringSql(inputs, { asOf: span.lastOrder, horizonMonths: months });
  if (!q.ok) throw new Error(`Scoring customers needs customers, and orders with customer, date and amount (${q.unavailable.reason}).`);
  const roles = valueTargetRoles(inputs);
  const table = await workspace.putTable(VALUE_SCORING_TABLE, q.sql, { source: `${VALUE_SCORING_SOURCE}:${span.lastOrder}`, kind: 'other', roles });
  const columns = await fetchColumns(db, table.name);
  const idColumn = columns.find((c) => c.name === roles.customer_id);
  if (!idColumn) throw new Error(`The scoring table has no customer id column (${String(roles.customer_id)}).`);
  const ids = Array.from({ length: idColumn.values.length }, (_, r) => String(cellAt(idColumn.values, r) ?? ''));
  return { columns, ids, asOf: span.lastOrder };
}

/** Refits `spec` on the training data set in the pool and scores every customer as of the data's end. */
export async function scoreValueCustomers(
  pool: SearchPool,
  workspace: Workspace,
  db: Db,
  tables: readonly TableInfo[],
  run: { dataset: ValueDatasetPayload; spec: ValueSpec; label: string; months: number; seed?: number },
  signal?: AbortSignal,
): Promise<ValueScores> {
  const { columns, ids, asOf } = await valueScoringColumns(workspace, db, tables, run.months);
  const r = await pool.valueScore(run.dataset, run.spec, run.seed ?? 1, columns, signal).result;
  if (r.p.length !== ids.length) throw new Error(`${ids.length} customers were scored but ${r.p.length} predictions came back`);
  return { ids, spend: Float64Array.from(r.p), model: run.label, months: run.months, asOf, fitMs: r.fitMs };
}

/** Customers by predicted spend, highest first (ties by id). */
export function topValueScores(s: ValueScores, n: number): { id: string; spend: number }[] {
  return s.ids
    .map((id, i) => ({ id, spend: s.spend[i]! }))
    .sort((a, b) => b.spend - a.spend || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .slice(0, n);
}

export function valueScoresCsv(s: ValueScores, opts: CsvOptions = {}): string {
  return csvText(
    VALUE_SCORES_COLUMNS,
    s.ids.map((id, i) => [id, Math.round(s.spend[i]! * 1e6) / 1e6, s.model, s.months]),
    opts,
  );
}

/** Writes (or replaces) `value_scores` through the workspace's queue. */
export function saveValueScores(workspace: Workspace, s: ValueScores): Promise<TableInfo> {
  const csv = valueScoresCsv(s, { spreadsheet: false });
  return workspace.addTable(VALUE_SCORES_TABLE, async (db) => {
    const res = await loadDelimited(db, { fileName: `${VALUE_SCORES_TABLE}.csv`, bytes: new TextEncoder().encode(csv), tableName: VALUE_SCORES_TABLE });
    return { ...res.table, source: `model:${s.model}`, kind: 'other', roles: {} };
  });
}
