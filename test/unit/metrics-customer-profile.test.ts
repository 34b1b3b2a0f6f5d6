/**
 * The customer profile (metrics/customer-profile.ts, report/customer-profile.ts)
 * on real DuckDB-WASM: a known customer of the generated demo checked against
 * plain SQL written here, a missing customer, an orders-only log, and ids
 * that are floats, Chinese or full of quotes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import type { RoleMap, TableInfo, TableKind } from '../../src/ingest/model.ts';
import { idKey, profileIdentitySql, profileTierSql } from '../../src/metrics/customer-profile.ts';
import { customerTiersSql } from '../../src/metrics/tiers.ts';
import { loadCustomerProfile } from '../../src/report/customer-profile.ts';
import { loadDemo, run, type DemoTables } from './metrics-helpers.ts';

let db: Db;
let demo: DemoTables;
let asOf: string;

async function load(name: string, csv: string, kind: TableKind, roles: RoleMap): Promise<TableInfo> {
  const { table } = await loadDelimited(db, { fileName: `${name}.csv`, bytes: new TextEncoder().encode(csv), tableName: name });
  return { ...table, kind, roles };
}

beforeAll(async () => {
  db = await openNodeDb();
  demo = await loadDemo(db);
  asOf = String((await db.query(`SELECT CAST(max(CAST(order_date AS DATE)) AS VARCHAR) AS d FROM demo_orders`)).rows[0]!.d);
});
afterAll(async () => db.close());

const one = async (sql: string) => (await db.query(sql)).rows[0]!;

describe('idKey', () => {
  it('reads a float written id as the whole number, and leaves every other id as it is', () => {
    expect(idKey('1001.0')).toBe('1001');
    expect(idKey(' 1001 ')).toBe('1001');
    expect(idKey('-7.00')).toBe('-7');
    expect(idKey('1001.5')).toBe('1001.5');
    expect(idKey('007')).toBe('007');
    expect(idKey('客户 甲')).toBe('客户 甲');
  });
});

describe('a known customer of the demo', () => {
  const tables = () => [demo.customers, demo.orders, demo.tickets, demo.leads];

  it('has the identity row, orders, months, products and tier that plain SQL gives', async () => {
    // The customer with most order lines who also has tickets.
    const pick = await one(
      `SELECT CAST(o.customer_id AS VARCHAR) AS id, count(*) AS n FROM demo_orders o WHERE o.customer_id IN (SELECT customer_id FROM demo_tickets) GROUP BY 1 ORDER BY n DESC, id LIMIT 1`,
    );
    const id = String(pick.id);
    const p = await loadCustomerProfile(db, tables(), id);
    expect(p.found).toBe(true);
    expect(p.asOf).toBe(asOf);

    const who = await one(`SELECT * FROM demo_customers WHERE CAST(customer_id AS VARCHAR) = '${id}'`);
    expect(p.identity?.rows).toHaveLength(1);
    expect(p.identity!.rows[0]!.name).toBe(who.name);
    expect(p.identity!.columns.map((c) => c.name)).toEqual(demo.customers.columns.map((c) => c.name));

    const plain = await one(
      `SELECT count(*) AS lines, count(DISTINCT order_id) AS orders, sum(CAST(amount AS DOUBLE)) AS revenue, CAST(min(CAST(order_date AS DATE)) AS VARCHAR) AS first,` +
        ` CAST(max(CAST(order_date AS DATE)) AS VARCHAR) AS last, count(DISTINCT product) AS products FROM demo_orders WHERE CAST(customer_id AS VARCHAR) = '${id}'`,
    );
    expect(p.orders!.lines).toBe(Number(pick.n));
    expect(p.orders!.lines).toBe(Number(plain.lines));
    expect(p.orders!.orders).toBe(Number(plain.orders));
    expect(p.orders!.revenue).toBeCloseTo(Number(plain.revenue), 6);
    expect(p.orders!.first_order).toBe(plain.first);
    expect(p.orders!.last_order).toBe(plain.last);
    expect(p.orders!.products).toBe(Number(plain.products));

    // Months: every month from the first order to the last, summing to the totals.
    expect(p.monthly[0]!.month).toBe(String(plain.first).slice(0, 7));
    expect(p.monthly.at(-1)!.month).toBe(String(plain.last).slice(0, 7));
    const months = (Number(String(plain.last).slice(0, 4)) - Number(String(plain.first).slice(0, 4))) * 12 + Number(String(plain.last).slice(5, 7)) - Number(String(plain.first).slice(5, 7)) + 1;
    expect(p.monthly).toHaveLength(months);
    expect(p.monthly.reduce((s, m) => s + m.revenue, 0)).toBeCloseTo(Number(plain.revenue), 6);
    expect(p.monthly.reduce((s, m) => s + m.orders, 0)).toBe(Number(plain.orders));

    expect(p.products.length).toBe(Math.min(10, Number(plain.products)));
    expect(p.products.reduce((s, r) => s + (r.revenue ?? 0), 0)).toBeLessThanOrEqual(Number(plain.revenue) + 1e-6);

    // The tier is the customer's row of the tiers every page shows.
    const all = await run(db, customerTiersSql({ orders: demo.orders, asOf }));
    const mine = all.find((r) => String(r.customer_id) === id)!;
    expect(p.tier?.tier).toBe(mine.tier);
    expect(p.tier?.rfm).toBe(mine.rfm);
    expect(p.tier?.segment).toBe(mine.segment);
    expect([p.tier!.r_score, p.tier!.f_score, p.tier!.m_score].join('')).toBe(p.tier!.rfm);

    const tk = await one(
      `SELECT count(*) AS n, avg(CAST(satisfaction AS DOUBLE)) AS sat, (SELECT avg(CAST(satisfaction AS DOUBLE)) FROM demo_tickets) AS all_sat FROM demo_tickets WHERE CAST(customer_id AS VARCHAR) = '${id}'`,
    );
    expect(p.tickets!.tickets).toBe(Number(tk.n));
    expect(p.tickets!.tickets).toBeGreaterThan(0);
    if (tk.sat === null) expect(p.tickets!.avg_satisfaction).toBeNull();
    else expect(p.tickets!.avg_satisfaction).toBeCloseTo(Number(tk.sat), 9);
    expect(p.tickets!.all_avg_satisfaction).toBeCloseTo(Number(tk.all_sat), 9);
    expect(p.ticketCategories.reduce((s, c) => s + c.tickets, 0)).toBe(Number(tk.n));
    expect(p.leads).not.toBeNull();
    expect(p.churn).toEqual({ kind: 'no_model' });
    expect(p.sql.map((s) => s.part)).toEqual(expect.arrayContaining(['identity', 'orders', 'monthly', 'tier', 'tickets']));
  });

  it('says not found for an id no table has, without inventing a row', async () => {
    const p = await loadCustomerProfile(db, tables(), 'NO-SUCH-CUSTOMER');
    expect(p.found).toBe(false);
    expect(p.identity!.rows).toEqual([]);
    expect(p.orders!.lines).toBe(0);
    expect(p.orders!.revenue).toBeNull();
    expect(p.monthly).toEqual([]);
    expect(p.tier).toBeNull();
    expect(p.tickets!.tickets).toBe(0);
    expect(p.leads).toEqual([]);
  });

  it('refuses an empty id', () => {
    expect(() => profileIdentitySql(demo.customers, '  ')).toThrow(/needs a customer id/);
  });
});

describe('an orders-only log with awkward ids', () => {
  // Ids as floats (one customer written 1001.0, another 1002.0), Chinese, and with both kinds of quote.
  const ORDERS = [
    'order_id,customer_id,order_date,amount,product',
    'A1,1001.0,2024-01-05,100,Tea',
    'A2,1001.0,2024-03-10,50.5,Tea',
    'A3,1001.0,2024-03-20,-20,Tea',
    'A4,1002.0,2024-02-01,10,Cup',
    'A5,王小明,2024-02-02,30,茶叶',
    'A6,王小明,2024-04-02,70,茶壶',
    `A7,"O'Brien ""Jr""",2024-04-30,5,Cup`,
    'A8,1001.5,2024-04-30,1,Cup',
  ].join('\n');
  let orders: TableInfo;
  let scores: TableInfo;

  beforeAll(async () => {
    orders = await load('oo_orders', ORDERS, 'orders', { order_id: 'order_id', customer_id: 'customer_id', order_date: 'order_date', amount: 'amount', product: 'product' });
    // The churn lab writes whole-number ids as integers; the reasons are column=value text.
    scores = await load(
      'churn_scores',
      ['customer,probability,risk_tier,reason_1,reason_2,reason_3', '1001,0.8125,high,recency_days=40,orders_total=3,', '1002,0.1,low,,,', '王小明,0.5,medium,spend=100,,'].join('\n'),
      'other',
      {},
    );
  });

  it('finds the float-id customer whichever way the id is written', async () => {
    for (const id of ['1001', '1001.0', ' 1001 ']) {
      const p = await loadCustomerProfile(db, [orders], id);
      expect(p.found, id).toBe(true);
      expect(p.identity).toBeNull();
      expect(p.tickets).toBeNull();
      expect(p.leads).toBeNull();
      expect(p.orders!.lines).toBe(3);
      // The cancellation line counts in revenue (net), not as an order.
      expect(p.orders!.orders).toBe(2);
      expect(p.orders!.revenue).toBeCloseTo(130.5, 9);
      expect(p.monthly.map((m) => [m.month, m.orders])).toEqual([['2024-01', 1], ['2024-02', 0], ['2024-03', 1]]);
      expect(p.tier?.customer_id).toBe('1001.0');
      expect(p.asOf).toBe('2024-04-30');
    }
    // 1001.5 is another customer, not 1001.
    const other = await loadCustomerProfile(db, [orders], '1001.5');
    expect(other.orders!.lines).toBe(1);
  });

  it('finds Chinese ids and ids with quotes (escaped, never glued into SQL)', async () => {
    const wang = await loadCustomerProfile(db, [orders], '王小明');
    expect(wang.orders!.revenue).toBe(100);
    expect(wang.products.map((r) => r.product)).toEqual(['茶壶', '茶叶']);
    const obrien = await loadCustomerProfile(db, [orders], `O'Brien "Jr"`);
    expect(obrien.found).toBe(true);
    expect(obrien.orders!.revenue).toBe(5);
    const injection = await loadCustomerProfile(db, [orders], `x' OR '1'='1`);
    expect(injection.found).toBe(false);
    expect(injection.orders!.lines).toBe(0);
  });

  it('reads the churn risk and its reasons from the saved scores, and says when a customer is not scored', async () => {
    const p = await loadCustomerProfile(db, [orders, scores], '1001.0');
    expect(p.churn).toEqual({ kind: 'scored', probability: 0.8125, riskTier: 'high', reasons: ['recency_days=40', 'orders_total=3'], scored: 3, rank: 1 });
    const wang = await loadCustomerProfile(db, [orders, scores], '王小明');
    expect(wang.churn).toMatchObject({ kind: 'scored', riskTier: 'medium', reasons: ['spend=100'], rank: 2 });
    const obrien = await loadCustomerProfile(db, [orders, scores], `O'Brien "Jr"`);
    expect(obrien.churn).toEqual({ kind: 'not_scored', scored: 3 });
  });

  it('a tier needs a real as-of date', () => {
    expect(() => profileTierSql(orders, '1001', '2024-02-30')).toThrow(/real date/);
  });
});
