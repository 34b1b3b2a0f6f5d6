import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { filterClause, RISK_TABLE } from '../../src/metrics/filters.ts';
import { ident } from '../../src/lib/sql.ts';

let db: Db;
const orders: TableInfo = {
  name: 'ord',
  source: 'test',
  kind: 'orders',
  rowCount: 4,
  columns: [
    { name: 'cust', type: 'BIGINT' },
    { name: 'amt', type: 'DOUBLE' },
  ],
  roles: { customer_id: 'cust', amount: 'amt' },
};
const noCustomer: TableInfo = { ...orders, name: 'x', roles: { amount: 'amt' } };

beforeAll(async () => {
  db = await openNodeDb();
  await db.exec(`CREATE TABLE ord AS SELECT * FROM (VALUES (1, 10.0), (2, 20.0), (2, 5.0), (3, 40.0)) t(cust, amt)`);
  // Scores as the model lab saves them: customer ids as text, one tier each.
  await db.exec(`CREATE TABLE ${ident(RISK_TABLE)} AS SELECT * FROM (VALUES ('1', 'low'), ('2', 'high'), ('3', 'medium')) t(customer, risk_tier)`);
});
afterAll(async () => db.close());

describe('risk filter (churn_scores written back by the model lab)', () => {
  it('keeps rows of customers in the chosen tiers, on real DuckDB-WASM', async () => {
    const c = filterClause(orders, { risk: ['high', 'medium'] });
    expect(c.applied).toEqual(['risk']);
    const r = await db.query(`SELECT sum(amt) AS s, count(*) AS n FROM ord WHERE ${c.sql}`);
    // customers 2 (20 + 5) and 3 (40)
    expect(r.rows[0]).toEqual({ s: 65, n: 3 });
  });

  it('is reported as ignored where a table has no customer id', () => {
    const c = filterClause(noCustomer, { risk: ['high'] });
    expect(c).toMatchObject({ sql: 'TRUE', applied: [], ignored: ['risk'] });
  });
});
