import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { lit, ident } from '../../src/lib/sql.ts';
import { churnFlagExpr, dateExpr } from '../../src/metrics/expr.ts';
import { breakdownSql, kpiSql, monthlyRevenueSql, pickBreakdownColumn, readKpis } from '../../src/metrics/overview.ts';
import { distinctCountsSql } from '../../src/metrics/profile.ts';

const DATA_DIR = process.env.CRM_DATA_DIR ?? fileURLToPath(new URL('../../../shared/data', import.meta.url));
const HAS_DATA = existsSync(path.join(DATA_DIR, 'telco_churn'));
if (!HAS_DATA) console.warn(`[metrics-overview] real-data tests skipped: no data at ${DATA_DIR} (set CRM_DATA_DIR)`);

const fixture = (name: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(`../fixtures/crm-mini/${name}`, import.meta.url))));

let db: Db;
/** test/fixtures/crm-mini, read by DuckDB directly (not through ingest), with roles set by hand. */
let customers: TableInfo;
let orders: TableInfo;

async function createFromFixture(table: string, file: string): Promise<TableInfo['columns']> {
  await db.registerBuffer(file, fixture(file));
  await db.exec(`CREATE TABLE ${ident(table)} AS SELECT * FROM read_csv(${lit(file)})`);
  const r = await db.query(`SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = ${lit(table)} ORDER BY column_index`);
  return r.rows.map((row) => ({ name: String(row.column_name), type: String(row.data_type) }));
}

beforeAll(async () => {
  db = await openNodeDb();
  const cc = await createFromFixture('mini_customers', 'customers.csv');
  const oc = await createFromFixture('mini_orders', 'orders.csv');
  customers = { name: 'mini_customers', source: 'customers.csv', kind: 'customers', rowCount: 8, columns: cc, roles: { customer_id: 'customer_id', churn: 'churn', segment: 'segment', tenure: 'tenure' } };
  orders = { name: 'mini_orders', source: 'orders.csv', kind: 'orders', rowCount: 7, columns: oc, roles: { order_id: 'order_id', customer_id: 'customer_id', order_date: 'order_date', amount: 'amount' } };
});
afterAll(async () => db.close());

async function kpis(tables: TableInfo[]) {
  const q = kpiSql(tables);
  const r = await db.query(q.sql);
  expect(r.rows).toHaveLength(1);
  return readKpis(q, r.rows[0]);
}

describe('kpiSql on the crm-mini fixture', () => {
  it('has the expected column types (so the fixture tests what it claims)', () => {
    expect(customers.columns.find((c) => c.name === 'churn')?.type).toBe('VARCHAR');
    expect(orders.columns.find((c) => c.name === 'amount')?.type).toBe('DOUBLE');
  });

  it('computes every KPI from customers + orders', async () => {
    const k = await kpis([customers, orders]);
    // customers: C1–C8. orders: O1–O6 (O4 has two lines). revenue: 100 + 50.5 + 20 + 30 + 50 + 10 (O6 blank).
    // repeat: C1 {O1,O2}, C2 {O3}, C3 {O4,O5}, C9 {O6} → 2 of 4.
    // churn: yes = C1 Yes, C3 是, C5 TRUE; no = C2 No, C4 no, C6 否, C8 N; C7 blank left out → 3 of 7.
    expect(k.customers).toEqual({ value: 8, source: 'mini_customers' });
    expect(k.orders).toEqual({ value: 6, source: 'mini_orders' });
    expect(k.revenue.value).toBeCloseTo(260.5, 10);
    expect(k.repeat_rate).toEqual({ value: 0.5, source: 'mini_orders', part: 2, whole: 4 });
    expect(k.churn_rate.value).toBeCloseTo(3 / 7, 12);
    expect(k.churn_rate).toMatchObject({ part: 3, whole: 7, source: 'mini_customers' });
    for (const v of Object.values(k)) expect(v.unavailable).toBeUndefined();
  });

  it('counts customers from orders when there is no customers table, and says why churn is missing', async () => {
    const k = await kpis([orders]);
    expect(k.customers).toEqual({ value: 4, source: 'mini_orders' });
    expect(k.churn_rate).toEqual({ value: null, unavailable: { reason: 'no_churn' } });
  });

  it('falls back to order days when orders has no order_id', async () => {
    const noId: TableInfo = { ...orders, roles: { customer_id: 'customer_id', order_date: 'order_date', amount: 'amount' } };
    const k = await kpis([noId]);
    // 7 lines; order days: C1 {01-05, 03-10}, C2 {01-20}, C3 {03-02, 03-15}, C9 {04-01} → 6 orders (one per customer
    // and day, as the Analytics page counts them: measures.ts), 2 of 4 customers repeat.
    expect(k.orders.value).toBe(6);
    expect(k.repeat_rate).toMatchObject({ value: 0.5, part: 2, whole: 4 });
  });

  it('returns NULL with a reason for every KPI whose inputs are missing', async () => {
    const k = await kpis([{ ...customers, roles: { customer_id: 'customer_id' } }]);
    expect(k.customers.value).toBe(8);
    expect(k.orders).toEqual({ value: null, unavailable: { reason: 'no_orders_table' } });
    expect(k.revenue.unavailable?.reason).toBe('no_orders_table');
    expect(k.repeat_rate.unavailable?.reason).toBe('no_orders_table');
    expect(k.churn_rate).toEqual({ value: null, unavailable: { reason: 'no_churn', table: 'mini_customers', role: 'churn' } });

    const bare: TableInfo = { ...orders, roles: {} };
    const b = await kpis([bare]);
    expect(b.customers).toEqual({ value: null, unavailable: { reason: 'no_customer_source', table: 'mini_orders', role: 'customer_id' } });
    expect(b.orders.value).toBe(7);
    expect(b.revenue).toEqual({ value: null, unavailable: { reason: 'no_amount', table: 'mini_orders', role: 'amount' } });
    expect(b.repeat_rate.unavailable).toEqual({ reason: 'no_customer_id', table: 'mini_orders', role: 'customer_id' });

    const none = await kpis([]);
    expect(Object.values(none).every((v) => v.value === null && v.unavailable !== undefined)).toBe(true);
  });
});

describe('monthlyRevenueSql', () => {
  it('gives one row per month, gaps filled, an all-blank month NULL', async () => {
    const r = await db.query(monthlyRevenueSql(orders));
    expect(r.rows).toEqual([
      { month: '2024-01-01', revenue: 120, orders: 2, customers: 2 },
      { month: '2024-02-01', revenue: 0, orders: 0, customers: 0 },
      { month: '2024-03-01', revenue: 140.5, orders: 3, customers: 2 },
      { month: '2024-04-01', revenue: null, orders: 1, customers: 1 },
    ]);
  });

  it('counts rows without order_id and leaves customers NULL without customer_id', async () => {
    const r = await db.query(monthlyRevenueSql({ ...orders, roles: { order_date: 'order_date', amount: 'amount' } }));
    expect(r.rows.map((row) => [row.orders, row.customers])).toEqual([[2, null], [0, null], [4, null], [1, null]]);
  });

  it('returns no rows for an empty table and refuses a table without order_date', async () => {
    await db.exec('CREATE TABLE empty_orders AS SELECT * FROM mini_orders WHERE false');
    expect((await db.query(monthlyRevenueSql({ ...orders, name: 'empty_orders' }))).rows).toEqual([]);
    expect(() => monthlyRevenueSql({ ...orders, roles: { amount: 'amount' } })).toThrow(/order_date/);
  });
});

describe('breakdownSql and pickBreakdownColumn', () => {
  it('breaks customers and churn down by a column', async () => {
    const r = await db.query(breakdownSql(customers, 'segment', { churnColumn: 'churn' }));
    // Gold: C1 yes, C3 yes, C6 no → 2/3. Silver: C2 no, C5 yes, C7 blank → 1/2. Bronze: C4 no, C8 no → 0.
    expect(r.rows).toEqual([
      { category: 'Gold', customers: 3, churn_rate: 2 / 3 },
      { category: 'Silver', customers: 3, churn_rate: 0.5 },
      { category: 'Bronze', customers: 2, churn_rate: 0 },
    ]);
    const plain = await db.query(breakdownSql(customers, 'plan', { limit: 1 }));
    expect(plain.rows).toEqual([{ category: 'Basic', customers: 5, churn_rate: null }]);
  });

  it('picks the segment role, else a 2–12 level column with a segment-like name', async () => {
    const counts = Object.fromEntries(
      (await db.query(distinctCountsSql(customers.name, customers.columns))).rows.map((r) => [String(r.column_name), Number(r.distinct_values)]),
    );
    expect(counts).toMatchObject({ customer_id: 8, gender: 2, segment: 3, plan: 2 });
    expect(pickBreakdownColumn(customers, counts)).toBe('segment');
    const noSegment: TableInfo = { ...customers, roles: { customer_id: 'customer_id', churn: 'churn' } };
    expect(pickBreakdownColumn(noSegment, counts)).toBe('segment');
    const renamed: TableInfo = {
      ...noSegment,
      columns: noSegment.columns.map((c) => (c.name === 'segment' ? { ...c, name: 'colour' } : c)),
    };
    expect(pickBreakdownColumn(renamed, { ...counts, colour: 3 })).toBe('plan');
    expect(pickBreakdownColumn(renamed, { customer_id: 8, name: 8, colour: 40 })).toBe('name');
    expect(pickBreakdownColumn({ ...renamed, roles: { ...renamed.roles, name: 'name' } }, { customer_id: 8, name: 8, colour: 40 })).toBeUndefined();
  });
});

describe('role expressions', () => {
  it('reads churn from BOOLEAN, 0/1 and text', async () => {
    const r = await db.query(
      `SELECT ${churnFlagExpr({ name: 'b', type: 'BOOLEAN' })} AS b, ${churnFlagExpr({ name: 'i', type: 'BIGINT' })} AS i, ${churnFlagExpr({ name: 's', type: 'VARCHAR' })} AS s ` +
        `FROM (VALUES (true, 1, ' Yes '), (false, 0, '否'), (NULL, 2, 'maybe')) t(b, i, s)`,
    );
    expect(r.rows).toEqual([
      { b: true, i: true, s: true },
      { b: false, i: false, s: false },
      { b: null, i: null, s: null },
    ]);
  });

  it('reads dates from DATE, TIMESTAMP, yyyymmdd and text', async () => {
    const r = await db.query(
      `SELECT ${dateExpr({ name: 'ts', type: 'TIMESTAMP' })} AS ts, ${dateExpr({ name: 'n', type: 'BIGINT' })} AS n, ${dateExpr({ name: 's', type: 'VARCHAR' })} AS s ` +
        `FROM (VALUES (TIMESTAMP '2024-03-05 23:59:00', 20240305, '2024/03/05'), (NULL, 20241399, '5/3/2024'), (NULL, NULL, '2024年3月5日'), (NULL, NULL, 'soon')) t(ts, n, s)`,
    );
    expect(r.rows).toEqual([
      { ts: '2024-03-05', n: '2024-03-05', s: '2024-03-05' },
      { ts: null, n: null, s: '2024-03-05' },
      { ts: null, n: null, s: '2024-03-05' },
      { ts: null, n: null, s: null },
    ]);
  });
});

describe.skipIf(!HAS_DATA)(`real data (${DATA_DIR})`, () => {
  it('Telco through loadDelimited: 7,043 customers, churn 1,869 = 0.265370; by Contract', async () => {
    // reference.md, counts: telco_churn rows 7,043; churned 1,869 (rate 0.265370).
    const bytes = readFileSync(path.join(DATA_DIR, 'telco_churn', 'Telco-Customer-Churn.csv'));
    const { table } = await loadDelimited(db, { fileName: 'Telco-Customer-Churn.csv', bytes: new Uint8Array(bytes) });
    const k = await kpis([table]);
    expect(k.customers.value).toBe(7043);
    expect(k.churn_rate).toMatchObject({ part: 1869, whole: 7043 });
    expect(k.churn_rate.value).toBeCloseTo(0.26537, 6);
    expect(k.orders.unavailable?.reason).toBe('no_orders_table');

    const counts = Object.fromEntries(
      (await db.query(distinctCountsSql(table.name, table.columns))).rows.map((r) => [String(r.column_name), Number(r.distinct_values)]),
    );
    const column = pickBreakdownColumn(table, counts);
    expect(column).toBe('Contract');
    const rows = (await db.query(breakdownSql(table, column!, { churnColumn: table.roles.churn }))).rows;
    expect(rows.map((r) => r.category)).toEqual(['Month-to-month', 'Two year', 'One year']);
    expect(rows.reduce((s, r) => s + Number(r.customers), 0)).toBe(7043);
  });

  it('CDNOW master through loadDelimited: 23,570 customers, 2,500,315.63 revenue, 18 months', async () => {
    // reference.md, counts: cdnow master transactions 69,659; distinct customers 23,570; sum 2,500,315.63; 1997-01-01 … 1998-06-30.
    // Without an order id one customer's purchases on one day are one order (measures.ts, as on Analytics): 67,591.
    const bytes = readFileSync(path.join(DATA_DIR, 'cdnow', 'CDNOW_master.txt'));
    const { table } = await loadDelimited(db, { fileName: 'CDNOW_master.txt', bytes: new Uint8Array(bytes) });
    const k = await kpis([table]);
    expect(k.customers.value).toBe(23570);
    expect(k.orders.value).toBe(67591);
    expect(k.revenue.value).toBeCloseTo(2500315.63, 2);
    const months = (await db.query(monthlyRevenueSql(table))).rows;
    expect(months).toHaveLength(18);
    expect([months[0]!.month, months[17]!.month]).toEqual(['1997-01-01', '1998-06-01']);
    expect(months.reduce((s, m) => s + Number(m.revenue), 0)).toBeCloseTo(2500315.63, 2);
  });
});
