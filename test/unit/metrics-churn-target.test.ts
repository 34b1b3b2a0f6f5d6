import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db, Row } from '../../src/db/types.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import {
  CHURN_LABEL_COLUMN,
  addDays,
  churnTargetRoles,
  churnTargetSql,
  cutoffProblem,
  cutoffRange,
  describeCutoffProblem,
  orderSpanSql,
  readOrderSpan,
  suggestCutoff,
  type ChurnTargetOptions,
} from '../../src/metrics/churn-target.ts';
import { ident } from '../../src/lib/sql.ts';
import { sqlOf } from '../../src/metrics/common.ts';
import { loadDemo } from './metrics-helpers.ts';

/*
 * Fixture, written inline (no file): cut-off 2024-06-30, horizon 30 days, so the
 * label window is (2024-06-30, 2024-07-30]. Orders run 2023-12-01 … 2024-08-15.
 *   a: o1 01-10 (100), o2 04-15 (two lines 30 + 20), o3 06-30 (10, on the cut-off), o4 07-15 (in the window)  → stays
 *   b: o5 2023-12-01 (40), o6 05-20 (60), o7 08-15 (after the window)                                        → churned
 *   c: o8 07-01 only (after the cut-off)                                                   → not active before: no row
 *   d: no orders                                                                                             → no row
 *   e: o9 06-01 (80), o10 07-30 (the window's last day, included)                                             → stays
 *   z: an order for a customer the customers table lacks                                                     → no row
 * Tickets: a opened 03-01 rated 4; a opened 06-29 but closed (rated 1) 07-03, after the cut-off;
 * a opened 07-10 (after); b opened on the cut-off day 23:00, closed 23:30, rated 2; b opened 02-01, still open.
 */
const customers: TableInfo = {
  name: 'cx',
  source: 'test',
  kind: 'customers',
  rowCount: 5,
  columns: [
    { name: 'id', type: 'VARCHAR' },
    { name: 'segment', type: 'VARCHAR' },
    { name: 'Churn', type: 'VARCHAR' },
    { name: 'months', type: 'BIGINT' },
  ],
  roles: { customer_id: 'id', segment: 'segment', churn: 'Churn', tenure: 'months' },
};
const orders = (name: string): TableInfo => ({
  name,
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
});
const tickets = (name: string): TableInfo => ({
  name,
  source: 'test',
  kind: 'tickets',
  rowCount: 5,
  columns: [
    { name: 'tid', type: 'VARCHAR' },
    { name: 'cust', type: 'VARCHAR' },
    { name: 'opened', type: 'TIMESTAMP' },
    { name: 'closed', type: 'TIMESTAMP' },
    { name: 'score', type: 'BIGINT' },
  ],
  roles: { ticket_id: 'tid', customer_id: 'cust', opened_at: 'opened', closed_at: 'closed', satisfaction: 'score' },
});
const OPTIONS: ChurnTargetOptions = { cutoff: '2024-06-30', horizonDays: 30 };
const FIXTURE = [customers, orders('ox'), tickets('tx')];

let db: Db;

beforeAll(async () => {
  db = await openNodeDb();
  await db.exec(`CREATE TABLE cx AS SELECT * FROM (VALUES
    ('a', 'Consumer', 'No', 7), ('b', 'Business', 'Yes', 8), ('c', 'Consumer', 'No', 1), ('d', 'Consumer', 'Yes', 2), ('e', 'Business', 'No', 3)
  ) t(id, segment, "Churn", months)`);
  await db.exec(`CREATE TABLE ox AS SELECT oid, cust, CAST(day AS DATE) AS day, amt FROM (VALUES
    ('o1', 'a', '2024-01-10', 100.0), ('o2', 'a', '2024-04-15', 30.0), ('o2', 'a', '2024-04-15', 20.0), ('o3', 'a', '2024-06-30', 10.0),
    ('o4', 'a', '2024-07-15', 999.0), ('o5', 'b', '2023-12-01', 40.0), ('o6', 'b', '2024-05-20', 60.0), ('o7', 'b', '2024-08-15', 70.0),
    ('o8', 'c', '2024-07-01', 25.0), ('o9', 'e', '2024-06-01', 80.0), ('o10', 'e', '2024-07-30', 5.0), ('o11', 'z', '2024-03-01', 1.0)
  ) t(oid, cust, day, amt)`);
  await db.exec(`CREATE TABLE tx AS SELECT tid, cust, CAST(opened AS TIMESTAMP) AS opened, CAST(closed AS TIMESTAMP) AS closed, score FROM (VALUES
    ('t1', 'a', '2024-03-01 09:00:00', '2024-03-02 09:00:00', 4), ('t2', 'a', '2024-06-29 10:00:00', '2024-07-03 10:00:00', 1),
    ('t3', 'a', '2024-07-10 10:00:00', '2024-07-11 10:00:00', 1), ('t4', 'b', '2024-06-30 23:00:00', '2024-06-30 23:30:00', 2),
    ('t5', 'b', '2024-02-01 08:00:00', NULL, NULL)
  ) t(tid, cust, opened, closed, score)`);
});
afterAll(async () => db.close());

async function rows(tables: readonly TableInfo[], options = OPTIONS): Promise<Row[]> {
  return (await db.query(`${sqlOf(churnTargetSql(tables, options))} ORDER BY id`)).rows;
}

describe('churnTargetSql on real DuckDB-WASM, hand-checked', () => {
  it('labels and features per customer active before the cut-off', async () => {
    // Days to 2024-06-30: from 01-10 = 172, from 2023-12-01 = 212, from 05-20 = 41, from 06-01 = 29.
    // Trend windows: last 90 days = (04-01, 06-30], the 90 before = (2024-01-02, 04-01].
    expect(await rows(FIXTURE)).toEqual([
      {
        id: 'a', segment: 'Consumer', orders_total: 3, spend_total: 160, avg_order_value: 160 / 3,
        days_since_last_order: 0, days_since_first_order: 172, orders_last_90d: 2, orders_prior_90d: 1,
        tickets_total: 2, avg_satisfaction: 4, churned: 0,
      },
      {
        id: 'b', segment: 'Business', orders_total: 2, spend_total: 100, avg_order_value: 50,
        days_since_last_order: 41, days_since_first_order: 212, orders_last_90d: 1, orders_prior_90d: 0,
        tickets_total: 2, avg_satisfaction: 2, churned: 1,
      },
      {
        id: 'e', segment: 'Business', orders_total: 1, spend_total: 80, avg_order_value: 80,
        days_since_last_order: 29, days_since_first_order: 29, orders_last_90d: 1, orders_prior_90d: 0,
        tickets_total: 0, avg_satisfaction: null, churned: 0,
      },
    ]);
  });

  it('leaves out the leaky churn and tenure columns, and presents the label as the churn role', async () => {
    const r = await db.query(`DESCRIBE (${sqlOf(churnTargetSql(FIXTURE, OPTIONS))})`);
    const names = r.rows.map((x) => x.column_name);
    expect(names).not.toContain('Churn');
    expect(names).not.toContain('months');
    expect(names.at(-1)).toBe(CHURN_LABEL_COLUMN);
    expect(churnTargetRoles(FIXTURE)).toEqual({ customer_id: 'id', churn: 'churned' });
  });

  it('leakage check: orders and tickets after the cut-off never change a feature', async () => {
    await db.exec(`CREATE TABLE ox_more AS SELECT * FROM ox UNION ALL SELECT oid, cust, CAST(day AS DATE), amt FROM (VALUES
      ('n1', 'b', '2024-07-01', 5000.0), ('n2', 'e', '2024-07-02', 7.0), ('n3', 'a', '2024-07-20', 1.0), ('n4', 'a', '2024-08-01', 3.0),
      ('n5', 'd', '2024-07-05', 9.0)
    ) t(oid, cust, day, amt)`);
    await db.exec(`CREATE TABLE tx_more AS SELECT * FROM tx UNION ALL SELECT tid, cust, CAST(opened AS TIMESTAMP), CAST(closed AS TIMESTAMP), score FROM (VALUES
      ('m1', 'a', '2024-07-01 00:00:00', '2024-07-01 01:00:00', 1), ('m2', 'e', '2024-07-05 00:00:00', '2024-07-06 00:00:00', 5),
      ('m3', 'b', '2024-08-01 00:00:00', NULL, NULL)
    ) t(tid, cust, opened, closed, score)`);
    const before = await rows(FIXTURE);
    const after = await rows([customers, orders('ox_more'), tickets('tx_more')]);
    const features = (rs: Row[]) => rs.map(({ churned: _label, ...rest }) => rest);
    expect(features(after)).toEqual(features(before));
    // Only the label moved: b ordered in the window (n1); d ordered after the cut-off only, so still has no row.
    expect(before.map((r) => [r.id, r.churned])).toEqual([['a', 0], ['b', 1], ['e', 0]]);
    expect(after.map((r) => [r.id, r.churned])).toEqual([['a', 0], ['b', 0], ['e', 0]]);
  });

  it('without a customers table, derives the customers from the orders (a CDNOW-style log)', async () => {
    const q = churnTargetSql([orders('ox'), tickets('tx')], OPTIONS);
    const r = (await db.query(`${sqlOf(q)} ORDER BY cust`)).rows;
    // The same features as with the customers table, plus z (o11 on 03-01, nothing after: churned), keyed by the orders' column.
    expect(r.map((x) => [x.cust, x.orders_total, x.spend_total, x.days_since_last_order, x.tickets_total, x.churned])).toEqual([
      ['a', 3, 160, 0, 2, 0],
      ['b', 2, 100, 41, 2, 1],
      ['e', 1, 80, 29, 0, 0],
      ['z', 1, 1, 121, 0, 1],
    ]);
    expect(Object.keys(r[0]!)[0]).toBe('cust');
    expect(churnTargetRoles([orders('ox')])).toEqual({ customer_id: 'cust', churn: 'churned' });
    // A customers table without a customer id cannot be joined: the orders give the list then too.
    const noKey: TableInfo = { ...customers, roles: { segment: 'segment' } };
    expect((await db.query(sqlOf(churnTargetSql([noKey, orders('ox')], OPTIONS)))).rows).toHaveLength(4);
  });

  it('works without tickets or amounts, and needs dated orders', async () => {
    const bare: TableInfo = { ...orders('ox'), roles: { customer_id: 'cust', order_date: 'day' } };
    const r = await rows([customers, bare]);
    expect(r.map((x) => [x.id, x.orders_total, x.churned])).toEqual([['a', 3, 0], ['b', 2, 1], ['e', 1, 0]]);
    expect(Object.keys(r[0]!)).not.toContain('spend_total');
    expect(Object.keys(r[0]!)).not.toContain('tickets_total');
    expect(churnTargetSql([customers], OPTIONS)).toMatchObject({ ok: false, unavailable: { reason: 'no_table', kind: 'orders' } });
    const undated: TableInfo = { ...orders('ox'), roles: { customer_id: 'cust' } };
    expect(churnTargetSql([customers, undated], OPTIONS)).toMatchObject({ ok: false, unavailable: { reason: 'missing_role', roles: ['order_date'] } });
  });

  it('the SQL itself refuses a label window past the last order, naming the possible cut-offs', async () => {
    await expect(rows(FIXTURE, { cutoff: '2024-07-20', horizonDays: 30 })).rejects.toThrow(
      'Churn target: cut-off 2024-07-20 with a 30-day horizon needs orders up to 2024-08-19, but they run from 2023-12-01 to 2024-08-15. Choose a cut-off from 2023-12-01 to 2024-07-16.',
    );
    await expect(rows(FIXTURE, { cutoff: '2023-11-30', horizonDays: 30 })).rejects.toThrow('Choose a cut-off from 2023-12-01 to 2024-07-16.');
    expect(() => churnTargetSql(FIXTURE, { cutoff: '2024-02-30', horizonDays: 30 })).toThrow('YYYY-MM-DD');
    expect(() => churnTargetSql(FIXTURE, { cutoff: '2024-06-30', horizonDays: 0 })).toThrow('whole number');
  });
});

describe('cut-off checks (pure)', () => {
  it('reads the order span and suggests the last order day − N', async () => {
    const span = readOrderSpan((await db.query(sqlOf(orderSpanSql(FIXTURE)))).rows[0]);
    expect(span).toEqual({ firstOrder: '2023-12-01', lastOrder: '2024-08-15' });
    expect(suggestCutoff(span!, 30)).toBe('2024-07-16');
    expect(cutoffRange(span!, 30)).toEqual({ earliest: '2023-12-01', latest: '2024-07-16' });
    expect(suggestCutoff(span!, 400)).toBeNull();
    expect(readOrderSpan({ first_order: null, last_order: null })).toBeNull();
  });

  it('says why a cut-off does not fit and which ones do', () => {
    const span = { firstOrder: '2023-12-01', lastOrder: '2024-08-15' };
    expect(cutoffProblem(span, { cutoff: '2024-07-16', horizonDays: 30 })).toBeNull();
    expect(cutoffProblem(span, { cutoff: '2023-12-01', horizonDays: 30 })).toBeNull();
    const late = cutoffProblem(span, { cutoff: '2024-07-17', horizonDays: 30 });
    expect(late).toEqual({ reason: 'too_late', cutoff: '2024-07-17', labelEnd: '2024-08-16', earliest: '2023-12-01', latest: '2024-07-16', lastOrder: '2024-08-15' });
    expect(describeCutoffProblem(late!)).toBe(
      'Cut-off 2024-07-17 is not possible: the label window would end on 2024-08-16, after the last order in the data (2024-08-15). Choose a cut-off from 2023-12-01 to 2024-07-16.',
    );
    expect(cutoffProblem(span, { cutoff: '2023-11-30', horizonDays: 30 })?.reason).toBe('too_early');
    expect(cutoffProblem(span, { cutoff: '2024-01-01', horizonDays: 365 })).toEqual({ reason: 'too_short', firstOrder: '2023-12-01', lastOrder: '2024-08-15', horizonDays: 365 });
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
  });
});

describe('churnTargetSql on the generated demo workspace', () => {
  it('gives a plausible label rate that agrees with the generator’s own churn truth', async () => {
    const demo = await loadDemo(db);
    const tables = [demo.customers, demo.orders, demo.tickets];
    const span = readOrderSpan((await db.query(sqlOf(orderSpanSql(tables)))).rows[0])!;
    expect(span.lastOrder).toBe('2025-12-31');
    const cutoff = suggestCutoff(span, 90)!;
    expect(cutoff).toBe('2025-10-02');
    const sql = sqlOf(churnTargetSql(tables, { cutoff, horizonDays: 90 }));
    // The generator's truth at its end date, `churned` Yes/No, is what the label should approximate.
    expect(demo.customers.roles.churn).toBe('churned');
    const r = await db.query(`
      WITH t AS (${sql}), c AS (SELECT CAST(customer_id AS VARCHAR) AS id, churned AS truth FROM ${ident(demo.customers.name)})
      SELECT count(*) AS n, avg(t.churned) AS rate,
        avg(t.churned) FILTER (WHERE lower(CAST(c.truth AS VARCHAR)) IN ('yes', 'true', '1')) AS rate_truth_churned,
        avg(t.churned) FILTER (WHERE lower(CAST(c.truth AS VARCHAR)) IN ('no', 'false', '0')) AS rate_truth_stayed
      FROM t JOIN c ON c.id = CAST(t.customer_id AS VARCHAR)`);
    const { n, rate, rate_truth_churned, rate_truth_stayed } = r.rows[0] as { n: number; rate: number; rate_truth_churned: number; rate_truth_stayed: number };
    console.info(`[churn-target demo] cut-off ${cutoff}, ${n} customers active before it, label rate ${rate.toFixed(3)}; among the generator's churners ${rate_truth_churned.toFixed(3)}, stayers ${rate_truth_stayed.toFixed(3)}`);
    expect(n).toBeGreaterThan(1000);
    expect(rate).toBeGreaterThan(0.1);
    expect(rate).toBeLessThan(0.7);
    expect(rate_truth_churned).toBeGreaterThan(rate_truth_stayed + 0.3);
  });
});
