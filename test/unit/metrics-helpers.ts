/**
 * Shared set-up for the CRM measure tests (test/unit/metrics-*.test.ts):
 * the hand-made test/fixtures/crm-measures tables with roles set by hand, the
 * generated demo workspace with the roles ingest suggests, and a runner.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Db, Row } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import type { RoleMap, TableInfo, TableKind } from '../../src/ingest/model.ts';
import { demoWorkspace } from '../../src/demo/generate.ts';
import { sqlOf, type MetricQuery } from '../../src/metrics/common.ts';

export const DATA_DIR = process.env.CRM_DATA_DIR ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));

/** Whether a real data set is there; warns (visibly, once per call) when it is not. */
export function hasDataSet(name: string, test: string): boolean {
  const ok = existsSync(path.join(DATA_DIR, name));
  if (!ok) console.warn(`[${test}] real-data tests skipped: no ${name} at ${DATA_DIR} (set CRM_DATA_DIR)`);
  return ok;
}

export interface MeasureFixture {
  customers: TableInfo;
  orders: TableInfo;
  tickets: TableInfo;
  leads: TableInfo;
  deals: TableInfo;
}

const FIXTURE_ROLES: Record<keyof MeasureFixture, { kind: TableKind; roles: RoleMap }> = {
  customers: {
    kind: 'customers',
    roles: { customer_id: 'customer_id', signup_date: 'signup_date', segment: 'segment', region: 'region', channel: 'channel', churn: 'churn', credit_limit: 'credit_limit' },
  },
  orders: {
    kind: 'orders',
    roles: {
      order_id: 'order_id', customer_id: 'customer_id', order_date: 'order_date', product: 'product', category: 'category',
      quantity: 'quantity', amount: 'amount', channel: 'channel', payment_status: 'payment_status', due_date: 'due_date',
    },
  },
  tickets: {
    kind: 'tickets',
    roles: {
      ticket_id: 'ticket_id', customer_id: 'customer_id', opened_at: 'opened_at', first_response_at: 'first_response_at',
      closed_at: 'closed_at', ticket_category: 'category', satisfaction: 'satisfaction',
    },
  },
  leads: { kind: 'leads', roles: { lead_id: 'lead_id', created_at: 'created_at', channel: 'channel', stage: 'stage', won_at: 'won_at' } },
  deals: { kind: 'leads', roles: { lead_id: 'lead_id', won_at: 'won_date' } },
};

/** test/fixtures/crm-measures, loaded through ingest (so column types are the app's), roles set by hand. */
export async function loadMeasureFixture(db: Db): Promise<MeasureFixture> {
  const out: Partial<MeasureFixture> = {};
  for (const name of Object.keys(FIXTURE_ROLES) as (keyof MeasureFixture)[]) {
    const bytes = new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/crm-measures/${name}.csv`, import.meta.url))));
    const { table } = await loadDelimited(db, { fileName: `${name}.csv`, bytes, tableName: `fx_${name}` });
    out[name] = { ...table, ...FIXTURE_ROLES[name] };
  }
  return out as MeasureFixture;
}

export interface DemoTables {
  customers: TableInfo;
  orders: TableInfo;
  tickets: TableInfo;
  leads: TableInfo;
}

/** The app's demo workspace (generated, ending 2025-12-31), loaded as the app loads it, with suggested roles. */
export async function loadDemo(db: Db): Promise<DemoTables> {
  const csv = demoWorkspace();
  const out: Partial<DemoTables> = {};
  for (const name of ['customers', 'orders', 'tickets', 'leads'] as const) {
    const { table } = await loadDelimited(db, { fileName: `${name}.csv`, bytes: new TextEncoder().encode(csv[name]), tableName: `demo_${name}` });
    out[name] = table;
  }
  return out as DemoTables;
}

/** Run an available measure's SQL. */
export async function run(db: Db, q: MetricQuery): Promise<Row[]> {
  return (await db.query(sqlOf(q))).rows;
}

/** Rows keyed by a column, for lookups in assertions. */
export function byKey(rows: readonly Row[], key: string): Map<string | null, Row> {
  return new Map(rows.map((r) => [r[key] === null ? null : String(r[key]), r]));
}
