/**
 * Turning SQL into a workspace relation: create it, describe it, count it,
 * and hand back the `TableInfo` every page reads. The one place this happens,
 * for the derived behaviour view, churn targets and saved scores alike.
 */
import type { Db } from '../db/types.ts';
import { countRowsSql, createAsSql, describeSql, dropSql, type RelationKind } from '../db/ddl.ts';
import type { TableInfo } from '../ingest/model.ts';
import { CUSTOMER_FEATURES_VIEW, customerFeaturesSql } from '../metrics/customer-features.ts';

export const DERIVED_SOURCE = 'derived:customers+orders+tickets';

export function isDerived(t: Pick<TableInfo, 'source'>): boolean {
  return t.source === DERIVED_SOURCE;
}

export async function materializeTable(
  db: Db,
  name: string,
  select: string,
  info: Pick<TableInfo, 'source' | 'kind' | 'roles'>,
  kind: RelationKind = 'TABLE',
): Promise<TableInfo> {
  await db.exec(createAsSql(kind, name, select));
  const described = await db.query(describeSql(name));
  const count = await db.query(countRowsSql(name));
  return {
    ...info,
    name,
    rowCount: Number(count.rows[0]?.n ?? 0),
    columns: described.rows.map((r) => ({ name: String(r.column_name), type: String(r.column_type) })),
  };
}

/** The base tables plus the per-customer behaviour view, (re)built when customers and orders are both loaded. */
export async function withDerived(db: Db, tables: readonly TableInfo[]): Promise<TableInfo[]> {
  const base = tables.filter((t) => !isDerived(t));
  const sql = customerFeaturesSql(base);
  if (!sql) {
    await db.exec(dropSql('VIEW', CUSTOMER_FEATURES_VIEW));
    return base;
  }
  const customers = base.find((t) => t.kind === 'customers');
  const derived = await materializeTable(
    db,
    CUSTOMER_FEATURES_VIEW,
    sql,
    {
      source: DERIVED_SOURCE,
      kind: 'other',
      roles: {
        ...(customers?.roles.customer_id ? { customer_id: customers.roles.customer_id } : {}),
        ...(customers?.roles.churn ? { churn: customers.roles.churn } : {}),
        ...(customers?.roles.name ? { name: customers.roles.name } : {}),
      },
    },
    'VIEW',
  );
  return [...base, derived];
}

export async function dropRelation(db: Db, t: TableInfo): Promise<void> {
  await db.exec(dropSql(isDerived(t) ? 'VIEW' : 'TABLE', t.name));
}
