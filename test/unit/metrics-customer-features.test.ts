import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { customerFeaturesSql } from '../../src/metrics/customer-features.ts';

let db: Db;
const customers: TableInfo = {
  name: 'cust',
  source: 'test',
  kind: 'customers',
  rowCount: 3,
  columns: [
    { name: 'id', type: 'VARCHAR' },
    { name: 'Churn', type: 'VARCHAR' },
  ],
  roles: { customer_id: 'id', churn: 'Churn' },
};
const orders: TableInfo = {
  name: 'ord',
  source: 'test',
  kind: 'orders',
  rowCount: 5,
  columns: [
    { name: 'oid', type: 'VARCHAR' },
    { name: 'cust', type: 'VARCHAR' },
    { name: 'day', type: 'DATE' },
    { name: 'amt', type: 'DOUBLE' },
  ],
  roles: { order_id: 'oid', customer_id: 'cust', order_date: 'day', amount: 'amt' },
};
const tickets: TableInfo = {
  name: 'tix',
  source: 'test',
  kind: 'tickets',
  rowCount: 2,
  columns: [
    { name: 'cust', type: 'VARCHAR' },
    { name: 'score', type: 'BIGINT' },
  ],
  roles: { customer_id: 'cust', satisfaction: 'score' },
};

beforeAll(async () => {
  db = await openNodeDb();
  await db.exec(`CREATE TABLE cust AS SELECT * FROM (VALUES ('a', 'No'), ('b', 'Yes'), ('c', 'No')) t(id, "Churn")`);
  // As-of = 2024-12-31 (last order). a: 3 orders (one split over two lines), b: 1 old order, c: none.
  await db.exec(`CREATE TABLE ord AS SELECT oid, cust, CAST(day AS DATE) AS day, amt FROM (VALUES
    ('o1', 'a', '2024-12-31', 10.0), ('o1', 'a', '2024-12-31', 5.0), ('o2', 'a', '2024-11-01', 20.0),
    ('o3', 'a', '2024-08-01', 30.0), ('o4', 'b', '2024-01-01', 100.0)) t(oid, cust, day, amt)`);
  await db.exec(`CREATE TABLE tix AS SELECT * FROM (VALUES ('b', 1), ('b', 2), ('a', 5)) t(cust, score)`);
});
afterAll(async () => db.close());

describe('customerFeaturesSql on real DuckDB-WASM', () => {
  it('computes behaviour per customer, hand-checked', async () => {
    const sql = customerFeaturesSql([customers, orders, tickets]);
    expect(sql).toBeDefined();
    const r = await db.query(`${sql!} ORDER BY id`);
    expect(r.rows).toEqual([
      {
        id: 'a', Churn: 'No', orders_total: 3, spend_total: 65, avg_order_value: 65 / 3,
        days_since_last_order: 0, days_since_first_order: 152, orders_last_90d: 2, orders_prior_90d: 1,
        tickets_total: 1, avg_satisfaction: 5,
      },
      {
        id: 'b', Churn: 'Yes', orders_total: 1, spend_total: 100, avg_order_value: 100,
        days_since_last_order: 365, days_since_first_order: 365, orders_last_90d: 0, orders_prior_90d: 0,
        tickets_total: 2, avg_satisfaction: 1.5,
      },
      {
        id: 'c', Churn: 'No', orders_total: 0, spend_total: 0, avg_order_value: null,
        days_since_last_order: null, days_since_first_order: null, orders_last_90d: 0, orders_prior_90d: 0,
        tickets_total: 0, avg_satisfaction: null,
      },
    ]);
  });

  it('counts order days when orders have no order id', async () => {
    const noId: TableInfo = { ...orders, roles: { customer_id: 'cust', order_date: 'day', amount: 'amt' } };
    const r = await db.query(`${customerFeaturesSql([customers, noId])!} ORDER BY id`);
    // a: order days 2024-12-31, 2024-11-01, 2024-08-01 → 3; b: 1; c: none.
    expect(r.rows.map((x) => [x.id, x.orders_total, x.spend_total])).toEqual([
      ['a', 3, 65],
      ['b', 1, 100],
      ['c', 0, 0],
    ]);
  });

  it('needs customers and dated orders', () => {
    expect(customerFeaturesSql([customers])).toBeUndefined();
    expect(customerFeaturesSql([orders])).toBeUndefined();
  });
});
