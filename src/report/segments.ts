/**
 * Value tiers for the report's customer-segmentation section, read from the
 * `customer_value` table the Customer value page saves (one row per customer,
 * a `tier` column), when the workspace has one; null otherwise.
 */
import type { Db } from '../db/types.ts';
import type { TableInfo } from '../ingest/model.ts';
import { translate, type Locale, type MessageKey } from '../i18n/index.ts';
import { tierCountsSql } from '../metrics/tier-counts.ts';
import type { BuiltTable } from './doc/tables.ts';

/** The Customer value page's table and its tier column (the contract of that page, restated here). */
export const VALUE_TIERS = { table: 'customer_value', column: 'tier' } as const;
const KNOWN = new Set(['important', 'potential', 'ordinary', 'low_value']);

export async function loadValueTiers(db: Db, tables: readonly TableInfo[], locale: Locale): Promise<BuiltTable | null> {
  const t = tables.find((x) => x.name === VALUE_TIERS.table);
  if (!t || !t.columns.some((c) => c.name === VALUE_TIERS.column)) return null;
  const r = await db.query(tierCountsSql(t.name, VALUE_TIERS.column));
  if (r.rows.length === 0) return null;
  const label = (tier: string) => (KNOWN.has(tier) ? translate(locale, `report.vtier.${tier}` as MessageKey) : tier);
  return {
    title: translate(locale, 'report.valueTiersTitle'),
    columns: [translate(locale, 'report.colValueTier'), translate(locale, 'report.colCustomers'), translate(locale, 'report.colShare')],
    rows: r.rows.map((row) => [label(String(row.tier)), Number(row.customers), Number(row.share)]),
    formats: [null, 'int', 'percent'],
    role: 'valueTiers',
  };
}
