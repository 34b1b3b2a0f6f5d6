/**
 * The customer profile: everything the workspace knows about one customer,
 * from the builders in metrics/customer-profile.ts, run one after another.
 * Each part is null (or empty) when the workspace has no table for it, so an
 * orders-only log gets orders, products and RFM, and a workspace with
 * tickets, leads and saved model scores gets those too.
 */
import type { ColumnInfo, Db, Row } from '../db/types.ts';
import type { TableInfo } from '../ingest/model.ts';
import { tableOfKind } from '../ingest/model.ts';
import {
  profileChurnSql,
  profileIdentitySql,
  profileLeadsSql,
  profileMonthlySql,
  profileOrdersSql,
  profileProductsSql,
  profileSavedRowSql,
  profileTicketCategoriesSql,
  profileTicketsSql,
  profileTierSql,
  type ProfileChurnRow,
  type ProfileLeadRow,
  type ProfileMonthRow,
  type ProfileOrdersRow,
  type ProfileProductRow,
  type ProfileTicketCategoryRow,
  type ProfileTicketsRow,
} from '../metrics/customer-profile.ts';
import type { MetricQuery } from '../metrics/common.ts';
import { RISK_TABLE, VALUE_TABLE } from '../metrics/filters.ts';
import type { CustomerTierRow } from '../metrics/tiers.ts';
import { VALUE_SCORES_TABLE } from '../metrics/value-target.ts';
import { lastOrderDate } from './analytics.ts';
import { isDerived } from './materialize.ts';

export interface ProfileTables {
  orders?: TableInfo;
  customers?: TableInfo;
  tickets?: TableInfo;
  leads?: TableInfo;
  /** Saved by the churn lab. */
  churnScores?: TableInfo;
  /** Saved by the Customer value page. */
  customerValue?: TableInfo;
  /** Saved by the value lab. */
  valueScores?: TableInfo;
}

/** The tables a profile reads: the first of each kind that names its customer (not the derived training view). */
export function profileTables(tables: readonly TableInfo[]): ProfileTables {
  const named = (kind: TableInfo['kind']) => tables.find((t) => t.kind === kind && !isDerived(t) && t.roles.customer_id !== undefined);
  const byName = (name: string) => tables.find((t) => t.name === name);
  const out: ProfileTables = {};
  const orders = named('orders') ?? tableOfKind(tables, 'orders');
  const parts: [keyof ProfileTables, TableInfo | undefined][] = [
    ['orders', orders],
    ['customers', named('customers')],
    ['tickets', named('tickets')],
    ['leads', named('leads')],
    ['churnScores', byName(RISK_TABLE)],
    ['customerValue', byName(VALUE_TABLE)],
    ['valueScores', byName(VALUE_SCORES_TABLE)],
  ];
  for (const [k, t] of parts) if (t) out[k] = t;
  return out;
}

/** What the churn part says: no saved model scores, scores without this customer, or the customer's score. */
export type ProfileChurn =
  | { kind: 'no_model' }
  | { kind: 'not_scored'; scored: number }
  | { kind: 'scored'; probability: number | null; riskTier: string | null; reasons: string[]; scored: number; rank: number };

export interface CustomerProfile {
  id: string;
  /** Any table has a row for this id. */
  found: boolean;
  /** The day RFM and the tier are counted to (the last order in the data). */
  asOf: string | null;
  /** The customer's row(s) in the customers table; null without one. */
  identity: { table: string; columns: ColumnInfo[]; rows: Row[] } | null;
  /** Null without an orders table that names customers. */
  orders: ProfileOrdersRow | null;
  monthly: ProfileMonthRow[];
  products: ProfileProductRow[];
  tier: CustomerTierRow | null;
  /** Null without a tickets table that names customers. */
  tickets: ProfileTicketsRow | null;
  ticketCategories: ProfileTicketCategoryRow[];
  /** Null without a leads table that names customers. */
  leads: ProfileLeadRow[] | null;
  churn: ProfileChurn;
  /** The customer's row of `customer_value` and of `value_scores`, when saved. */
  value: Row | null;
  valueScore: Row | null;
  /** The SQL of every part that ran, for the "definition" disclosure. */
  sql: { part: ProfilePart; sql: string }[];
}

export type ProfilePart = 'identity' | 'orders' | 'monthly' | 'products' | 'tier' | 'tickets' | 'ticketCategories' | 'leads' | 'churn' | 'value' | 'valueScore';

/** Everything about customer `id` (see `CustomerProfile`). `asOf` defaults to the last order date in the data. */
export async function loadCustomerProfile(db: Db, tables: readonly TableInfo[], id: string, asOf?: string | null): Promise<CustomerProfile> {
  const t = profileTables(tables);
  const sql: CustomerProfile['sql'] = [];
  const rows = async (part: ProfilePart, q: MetricQuery | null): Promise<{ columns: ColumnInfo[]; rows: Row[] } | null> => {
    if (!q || !q.ok) return null;
    sql.push({ part, sql: q.sql });
    return db.query(q.sql);
  };
  const day = asOf === undefined ? await lastOrderDate(db, tables) : asOf;

  const identity = t.customers ? await rows('identity', profileIdentitySql(t.customers, id)) : null;
  const o = t.orders;
  const orders = (await rows('orders', o ? profileOrdersSql(o, id) : null))?.rows[0] as ProfileOrdersRow | undefined;
  const bought = orders !== undefined && orders.lines > 0;
  const monthly = bought && o ? ((await rows('monthly', profileMonthlySql(o, id)))?.rows ?? []) : [];
  const products = bought && o ? ((await rows('products', profileProductsSql(o, id)))?.rows ?? []) : [];
  const tier = bought && o && day ? ((await rows('tier', profileTierSql(o, id, day, t.customers)))?.rows[0] ?? null) : null;
  const tickets = (await rows('tickets', t.tickets ? profileTicketsSql(t.tickets, id) : null))?.rows[0] as ProfileTicketsRow | undefined;
  const ticketCategories = tickets && tickets.tickets > 0 && t.tickets ? ((await rows('ticketCategories', profileTicketCategoriesSql(t.tickets, id)))?.rows ?? []) : [];
  const leads = t.leads ? ((await rows('leads', profileLeadsSql(t.leads, id)))?.rows ?? null) : null;
  const churn = await loadChurn(t.churnScores, id, rows);
  const value = t.customerValue ? ((await rows('value', profileSavedRowSql(t.customerValue, 'customer_id', id)))?.rows[0] ?? null) : null;
  const valueScore = t.valueScores ? ((await rows('valueScore', profileSavedRowSql(t.valueScores, 'customer', id)))?.rows[0] ?? null) : null;

  const found = (identity?.rows.length ?? 0) > 0 || bought || (tickets?.tickets ?? 0) > 0 || (leads?.length ?? 0) > 0 || churn.kind === 'scored' || value !== null || valueScore !== null;
  return {
    id,
    found,
    asOf: day,
    identity: identity && t.customers ? { table: t.customers.name, columns: identity.columns, rows: identity.rows } : null,
    orders: orders ?? null,
    monthly: monthly as unknown as ProfileMonthRow[],
    products: products as unknown as ProfileProductRow[],
    tier: tier as unknown as CustomerTierRow | null,
    tickets: tickets ?? null,
    ticketCategories: ticketCategories as unknown as ProfileTicketCategoryRow[],
    leads: leads as unknown as ProfileLeadRow[] | null,
    churn,
    value,
    valueScore,
    sql,
  };
}

async function loadChurn(
  scores: TableInfo | undefined,
  id: string,
  rows: (part: ProfilePart, q: MetricQuery | null) => Promise<{ rows: Row[] } | null>,
): Promise<ProfileChurn> {
  if (!scores) return { kind: 'no_model' };
  const r = await rows('churn', profileChurnSql(scores, id));
  if (!r) return { kind: 'no_model' };
  const row = r.rows[0] as unknown as ProfileChurnRow | undefined;
  if (!row) return { kind: 'not_scored', scored: scores.rowCount };
  const reasons = [row.reason_1, row.reason_2, row.reason_3].filter((x): x is string => typeof x === 'string' && x.trim() !== '');
  return { kind: 'scored', probability: row.probability, riskTier: row.risk_tier, reasons, scored: Number(row.scored), rank: Number(row.higher) + 1 };
}
