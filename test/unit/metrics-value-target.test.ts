import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db, Row } from '../../src/db/types.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { churnTargetSql, orderSpanSql, readOrderSpan } from '../../src/metrics/churn-target.ts';
import { addMonths, valueCutoffProblem, valueCutoffRange, valueTargetSql, type ValueTargetOptions } from '../../src/metrics/value-target.ts';
import { sqlOf } from '../../src/metrics/common.ts';
import { loadDemo } from './metrics-helpers.ts';

/*
 * Fixture, written inline: cut-off 2024-06-30, H = 1 month, so the target window is (2024-06-30, 2024-07-30].
 *   a: o1 01-10 (100), o2 04-15 (30 + 20), o3 06-30 (10, on the cut-off), o4 07-15 (999), r1 07-20 (−99, a return) → future 900
 *   b: o5 2023-12-01 (40), o6 05-20 (60), o7 08-15 (70, after the window)                                         → future 0
 *   c: o8 07-01 only (after the cut-off)                                                                           → no row
 *   e: o9 06-01 (80), o10 07-30 (5, the window's last day)                                                         → future 5
 * last_period_spend: spend in (05-30, 06-30]: a 10, b 0, e 80.
 * hist_mean_spend: spend to the cut-off / ceil((days since first order + 1) / 30.4375):
 *   a 160 / ceil(173 / 30.4375 = 5.68) = 160 / 6; b 100 / ceil(213 / 30.4375 = 6.998) = 100 / 7; e 80 / ceil(30 / 30.4375) = 80.
 */
const customers: TableInfo = {
  name: 'vcx',
  source: 'test',
  kind: 'customers',
  rowCount: 4,
  columns: [
    { name: 'id', type: 'VARCHAR' },
    { name: 'segment', type: 'VARCHAR' },
  ],
  roles: { customer_id: 'id', segment: 'segment' },
};
const orders: TableInfo = {
  name: 'vox',
  source: 'test',
  kind: 'orders',
  rowCount: 12,
  columns: [
    { name: 'oid', type: 'VARCHAR' },
    { name: 'cust', type: 'VARCHAR' },
    { name: 'day', type: 'DATE' },
    { name: 'amt', type: 'DOUBLE' },
  ],
  roles: { order_id: 'oid', customer_id: 'cust', order_date: 'day', amount: 'amt' },
};
const FIXTURE = [customers, orders];
const OPTIONS: ValueTargetOptions = { cutoff: '2024-06-30', horizonMonths: 1 };

let db: Db;

beforeAll(async () => {
  db = await openNodeDb();
  await db.exec(`CREATE TABLE vcx AS SELECT * FROM (VALUES ('a', 'Consumer'), ('b', 'Business'), ('c', 'Consumer'), ('e', 'Business')) t(id, segment)`);
  await db.exec(`CREATE TABLE vox AS SELECT oid, cust, CAST(day AS DATE) AS day, amt FROM (VALUES
    ('o1', 'a', '2024-01-10', 100.0), ('o2', 'a', '2024-04-15', 30.0), ('o2', 'a', '2024-04-15', 20.0), ('o3', 'a', '2024-06-30', 10.0),
    ('o4', 'a', '2024-07-15', 999.0), ('r1', 'a', '2024-07-20', -99.0), ('o5', 'b', '2023-12-01', 40.0), ('o6', 'b', '2024-05-20', 60.0),
    ('o7', 'b', '2024-08-15', 70.0), ('o8', 'c', '2024-07-01', 25.0), ('o9', 'e', '2024-06-01', 80.0), ('o10', 'e', '2024-07-30', 5.0)
  ) t(oid, cust, day, amt)`);
});
afterAll(async () => db.close());

async function rows(options = OPTIONS, tables: readonly TableInfo[] = FIXTURE): Promise<Row[]> {
  return (await db.query(`${sqlOf(valueTargetSql(tables, options))} ORDER BY id`)).rows;
}

describe('valueTargetSql on real DuckDB-WASM, hand-checked', () => {
  it('future spend (net of returns), last-period spend and historical mean per customer active before the cut-off', async () => {
    const r = await rows();
    expect(r.map((x) => x.id)).toEqual(['a', 'b', 'e']);
    expect(r.map((x) => x.future_spend)).toEqual([900, 0, 5]);
    expect(r.map((x) => x.last_period_spend)).toEqual([10, 0, 80]);
    const hist = r.map((x) => x.hist_mean_spend as number);
    expect(hist[0]).toBeCloseTo(160 / 6, 10);
    expect(hist[1]).toBeCloseTo(100 / 7, 10);
    expect(hist[2]).toBeCloseTo(80, 10);
    expect(r.map((x) => x.segment)).toEqual(['Consumer', 'Business', 'Business']);
    // BG/NBD summary at the cut-off (weeks): a buys on 3 days (x 2, zbar (50 + 10) / 2), b on 2 (x 1, zbar 60), e once.
    expect(r.map((x) => [x.clv_x, x.clv_t_x, x.clv_T, x.clv_zbar])).toEqual([
      [2, 172 / 7, 172 / 7, 30],
      [1, 171 / 7, 212 / 7, 60],
      [0, 0, 29 / 7, null],
    ]);
  });

  it('shares its features with the churn target (one code path), and a longer horizon reaches later orders', async () => {
    const churn = (await db.query(`${sqlOf(churnTargetSql(FIXTURE, { cutoff: '2024-06-30', horizonDays: 30 }))} ORDER BY id`)).rows;
    const value = await rows();
    const shared = (r: Row) => ({ id: r.id, orders_total: r.orders_total, spend_total: r.spend_total, days_since_last_order: r.days_since_last_order, orders_last_90d: r.orders_last_90d });
    expect(value.map(shared)).toEqual(churn.map(shared));
    const two = await rows({ cutoff: '2024-06-15', horizonMonths: 2 }); // window (06-15, 08-15]: b's o7 on its last day
    expect(two.map((x) => x.future_spend)).toEqual([910, 70, 5]); // a's o3 (06-30) is in this window too
  });

  it('the SQL refuses a window past the last order; the pure checks agree', async () => {
    await expect(rows({ cutoff: '2024-07-20', horizonMonths: 1 })).rejects.toThrow(
      'Value target: cut-off 2024-07-20 with a 1-month horizon needs orders up to 2024-08-20, but they run from 2023-12-01 to 2024-08-15. Choose a cut-off from 2023-12-01 to 2024-07-15.',
    );
    const span = { firstOrder: '2023-12-01', lastOrder: '2024-08-15' };
    expect(valueCutoffRange(span, 1)).toEqual({ earliest: '2023-12-01', latest: '2024-07-15' });
    expect(valueCutoffProblem(span, OPTIONS)).toBeNull();
    expect(valueCutoffProblem(span, { cutoff: '2024-07-20', horizonMonths: 1 })?.reason).toBe('too_late');
    expect(valueCutoffProblem(span, { cutoff: '2024-01-01', horizonMonths: 12 })?.reason).toBe('too_short');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(addMonths('2024-11-15', 3)).toBe('2025-02-15');
    const bare: TableInfo = { ...orders, roles: { customer_id: 'cust', order_date: 'day' } };
    expect(valueTargetSql([customers, bare], OPTIONS)).toMatchObject({ ok: false, unavailable: { reason: 'missing_role', roles: ['amount'] } });
    expect(valueTargetSql([customers], OPTIONS)).toMatchObject({ ok: false, unavailable: { reason: 'no_table', kind: 'orders' } });
    expect(valueTargetSql([customers, { ...orders, roles: { customer_id: 'cust', amount: 'amt' } }], OPTIONS)).toMatchObject({ ok: false, unavailable: { roles: ['order_date'] } });
  });
});

describe('valueTargetSql on the generated demo workspace', () => {
  it('gives a skewed, mostly positive future spend that the last period predicts somewhat', async () => {
    const demo = await loadDemo(db);
    const tables = [demo.customers, demo.orders, demo.tickets];
    const span = readOrderSpan((await db.query(sqlOf(orderSpanSql(tables)))).rows[0])!;
    const cutoff = valueCutoffRange(span, 6)!.latest;
    expect(cutoff).toBe('2025-06-30');
    const r = await db.query(`WITH t AS (${sqlOf(valueTargetSql(tables, { cutoff, horizonMonths: 6 }))})
      SELECT count(*) AS n, avg(future_spend) AS mean, median(future_spend) AS med, avg(CASE WHEN future_spend > 0 THEN 1 ELSE 0 END) AS buyers,
        corr(future_spend, last_period_spend) AS r FROM t`);
    const { n, mean, med, buyers, r: corr } = r.rows[0] as { n: number; mean: number; med: number; buyers: number; r: number };
    console.info(`[value-target demo] cut-off ${cutoff}, H 6: ${n} customers, mean ${mean.toFixed(1)}, median ${med.toFixed(1)}, buyers ${buyers.toFixed(3)}, corr with last period ${corr.toFixed(3)}`);
    expect(n).toBeGreaterThan(1000);
    expect(mean).toBeGreaterThan(med);
    expect(buyers).toBeGreaterThan(0.2);
    expect(corr).toBeGreaterThan(0.2);
  });
});
