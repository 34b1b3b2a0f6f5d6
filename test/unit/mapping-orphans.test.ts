/**
 * `orphansSql` on real DuckDB-WASM: an inline table with numeric customer ids
 * against text ids in orders (spaces, blanks, NULL, a two-line order), and the
 * crm-mini fixture, whose order O6 is for C9, not in customers.csv.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { orphansSql, readOrphans } from '../../src/metrics/orphans.ts';

let db: Db;

const customers: TableInfo = {
  name: 'cust',
  source: 'test',
  kind: 'customers',
  rowCount: 4,
  columns: [{ name: 'id', type: 'BIGINT' }],
  roles: { customer_id: 'id' },
};
const orders: TableInfo = {
  name: 'ord ers',
  source: 'test',
  kind: 'orders',
  rowCount: 9,
  columns: [
    { name: 'order no', type: 'VARCHAR' },
    { name: 'client', type: 'VARCHAR' },
  ],
  roles: { order_id: 'order no', customer_id: 'client' },
};

beforeAll(async () => {
  db = await openNodeDb();
  await db.exec(`CREATE TABLE cust AS SELECT * FROM (VALUES (1), (2), (3), (NULL)) v(id)`);
  await db.exec(
    `CREATE TABLE "ord ers" AS SELECT * FROM (VALUES ('A1', '1'), ('A2', ' 2 '), ('A3', '4'), ('A3', '4'), ('A4', '4'), ('A5', '5'), ('A6', NULL), ('A7', ''), ('A8', '3')) v("order no", client)`,
  );
});

afterAll(async () => {
  await db?.close();
});

async function counts(o: TableInfo, c: TableInfo) {
  const sql = orphansSql(o, c);
  if (!sql) throw new Error('no SQL');
  return readOrphans((await db.query(sql)).rows[0]);
}

describe('orphansSql', () => {
  it('counts orders whose customer id is not in customers, comparing ids as text', async () => {
    // Orders A1…A8. A2's ' 2 ' matches customer 2 once trimmed; A3 (two lines) and A4 are for 4, A5 for 5:
    // 3 orphan orders, 2 missing ids (4, 5). A6 (NULL) and A7 ('') have no customer id and are not orphans.
    expect(await counts(orders, customers)).toEqual({ orders: 8, orphan_orders: 3, orphan_customers: 2, no_customer_id: 2 });
  });

  it('counts rows as orders when there is no order id', async () => {
    // 9 rows; A3's two lines are now two orders: 4 orphan rows (A3, A3, A4, A5).
    const noId: TableInfo = { ...orders, roles: { customer_id: 'client' } };
    expect(await counts(noId, customers)).toEqual({ orders: 9, orphan_orders: 4, orphan_customers: 2, no_customer_id: 2 });
  });

  it('is undefined without a customer id on either side', () => {
    expect(orphansSql({ ...orders, roles: { order_id: 'order no' } }, customers)).toBeUndefined();
    expect(orphansSql(orders, { ...customers, roles: {} })).toBeUndefined();
  });

  it('finds C9 in the crm-mini fixture', async () => {
    const load = async (name: string) => {
      const bytes = new Uint8Array(readFileSync(new URL(`../fixtures/crm-mini/${name}.csv`, import.meta.url)));
      return (await loadDelimited(db, { fileName: `${name}.csv`, bytes, tableName: `mini_${name}` })).table;
    };
    const c = await load('customers');
    const o = await load('orders');
    expect(o.roles.customer_id).toBe('customer_id');
    // O1…O6 (O4 has two lines); O6 is for C9, which customers.csv lacks.
    expect(await counts(o, c)).toEqual({ orders: 6, orphan_orders: 1, orphan_customers: 1, no_customer_id: 0 });
  });
});
