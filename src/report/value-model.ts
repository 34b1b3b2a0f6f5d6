/**
 * The value lab's runner: reads the order span, builds the value training
 * table (a snapshot, as the churn cut-off form does), and hands searches to
 * the churn lab's worker pool. The UI only presents.
 */
import type { Db } from '../db/types.ts';
import { uniqueTableName } from '../ingest/load.ts';
import type { TableInfo } from '../ingest/model.ts';
import { orderSpanSql, readOrderSpan, type OrderSpan } from '../metrics/churn-target.ts';
import { valueStatsSql, valueTargetRoles, valueTargetSql, VALUE_TARGET_SOURCE, VALUE_TRAINING_TABLE, type ValueTargetOptions } from '../metrics/value-target.ts';
import { ModelRegistry, indexedDbModelStore } from '../ml/registry.ts';
import { VALUE_CARDS, VALUE_MODEL_DB_NAME, type ValueModelCard } from '../ml/value-card.ts';

export { fetchColumns, getSearchPool } from './churn.ts';

/** Tables made by a cut-off form (churn or value) are not inputs of another. */
export function valueInputs(tables: readonly TableInfo[]): TableInfo[] {
  return tables.filter((t) => !t.source.startsWith('derived:'));
}

export async function readSpan(db: Db, tables: readonly TableInfo[]): Promise<OrderSpan | null> {
  const q = orderSpanSql(tables);
  return q.ok ? readOrderSpan((await db.query(q.sql)).rows[0]) : null;
}

export interface ValueTable {
  table: TableInfo;
  /** Customers, and their mean future spend. */
  n: number;
  mean: number;
}

/** Creates (or replaces) the training table; throws with the SQL guard's message when the cut-off does not fit. */
export async function buildValueTable(
  workspace: { putTable(name: string, select: string, info: Pick<TableInfo, 'source' | 'kind' | 'roles'>): Promise<TableInfo> },
  db: Db,
  tables: readonly TableInfo[],
  options: ValueTargetOptions,
): Promise<ValueTable> {
  const inputs = valueInputs(tables);
  const q = valueTargetSql(inputs, options);
  if (!q.ok) throw new Error(`The value model needs customers, and orders with customer, date and amount (${q.unavailable.reason}: ${[q.unavailable.kind, ...(q.unavailable.roles ?? [])].join(', ')}).`);
  const name = uniqueTableName(VALUE_TRAINING_TABLE, new Set(inputs.map((t) => t.name)));
  const table = await workspace.putTable(name, q.sql, { source: `${VALUE_TARGET_SOURCE}:${options.cutoff}+${options.horizonMonths}m`, kind: 'other', roles: valueTargetRoles(inputs) });
  const stats = (await db.query(valueStatsSql(name))).rows[0];
  return { table, n: Number(stats?.n ?? 0), mean: Number(stats?.mean ?? 0) };
}

let registry: ModelRegistry<ValueModelCard> | null = null;

/** The value models saved in this browser (their own IndexedDB database). */
export function valueRegistry(): ModelRegistry<ValueModelCard> {
  registry ??= new ModelRegistry(indexedDbModelStore(VALUE_MODEL_DB_NAME), VALUE_CARDS);
  return registry;
}

/** Leaderboard labels that fit a cell: the kind and only the parameters that differ between rows of that kind. */
export function valueShortLabels(rows: readonly { configId: number; spec: { kind: string; params: object } }[]): Map<number, string> {
  const show = (v: unknown): string => (Array.isArray(v) ? v.join('-') : String(v));
  const out = new Map<number, string>();
  for (const kind of new Set(rows.map((r) => r.spec.kind))) {
    const group = rows.filter((r) => r.spec.kind === kind);
    const params = group.map((r) => r.spec.params as Record<string, unknown>);
    const keys = Object.keys(params[0] ?? {}).filter((k) => new Set(params.map((p) => show(p[k]))).size > 1);
    group.forEach((r, i) => out.set(r.configId, [kind, ...keys.map((k) => `${k}=${show(params[i]![k])}`)].join(' ')));
  }
  return out;
}
