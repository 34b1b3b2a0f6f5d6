import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { ident, lit } from '../../src/lib/sql.ts';
import { RFM_SEGMENTS, rfmSegment, rfmSegmentsSql, rfmSql, type RfmOptions } from '../../src/metrics/rfm.ts';

// Hand-made orders: ten customers, a two-line order, two orders on one day, an
// order after the as-of date and a line without a customer. Hostile names on
// purpose: the builder must quote them.
const TABLE = 'orders "x"';
const COLS = { customerId: 'Cust ID', orderDate: 'Order Date', amount: 'Amount (¥)', orderId: 'Order#' };
const LINES: [string, string | null, string, number][] = [
  ['o1', 'c01', '2025-12-30', 100], ['o1', 'c01', '2025-12-30', 50], ['o2', 'c01', '2025-11-01', 200],
  ['o3', 'c02', '2025-12-01', 80],
  ['o4', 'c03', '2025-06-30', 500], ['o5', 'c03', '2025-07-15', 500], ['o6', 'c03', '2025-09-01', 500],
  ['o7', 'c04', '2024-12-31', 20],
  ['o8', 'c05', '2025-12-31', 60], ['o9', 'c05', '2025-12-31', 40],
  ['o10', 'c06', '2025-03-15', 1000], ['o11', 'c06', '2025-04-01', 300], ['o12', 'c06', '2025-05-01', 200], ['o13', 'c06', '2025-06-01', 100],
  ['o14', 'c07', '2023-06-01', 5000],
  ['o15', 'c08', '2025-10-10', 70], ['o16', 'c08', '2025-10-20', 30], ['o17', 'c08', '2026-01-05', 999],
  ['o18', 'c09', '2025-12-25', 300],
  ['o19', 'c10', '2025-08-08', 90], ['o20', 'c10', '2025-08-08', 10],
  ['o21', null, '2025-12-01', 999],
];
const opts: RfmOptions = { table: TABLE, columns: COLS, asOf: '2025-12-31' };

// Worked by hand (see the comment on each): [id, recency, frequency, monetary, R, F, M, segment].
const EXPECTED: [string, number, number, number, number, number, number, string][] = [
  ['c01', 1, 2, 350, 5, 4, 4, 'champions'],
  ['c02', 30, 1, 80, 4, 1, 1, 'promising'],
  ['c03', 121, 3, 1500, 3, 5, 4, 'loyal'],
  ['c04', 365, 1, 20, 1, 1, 1, 'hibernating'],
  ['c05', 0, 2, 100, 5, 4, 3, 'champions'],
  ['c06', 213, 4, 1600, 2, 5, 5, 'cant_lose'],
  ['c07', 944, 1, 5000, 1, 2, 5, 'hibernating'],
  ['c08', 72, 2, 100, 3, 3, 2, 'need_attention'],
  ['c09', 6, 1, 300, 4, 2, 3, 'potential_loyalist'],
  ['c10', 145, 2, 100, 2, 3, 2, 'at_risk'],
];

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
  const values = LINES.map((row) => `(${row.map(lit).join(', ')})`).join(', ');
  const [id, cust, date, amount] = [COLS.orderId, COLS.customerId, COLS.orderDate, COLS.amount].map(ident);
  await db.exec(`CREATE TABLE ${ident(TABLE)} (${id} VARCHAR, ${cust} VARCHAR, ${date} VARCHAR, ${amount} DECIMAL(10,2))`);
  await db.exec(`INSERT INTO ${ident(TABLE)} VALUES ${values}`);
});
afterAll(async () => db.close());

describe('rfmSql on real DuckDB-WASM', () => {
  it('computes recency, frequency, monetary, quintile scores and segments', async () => {
    const r = await db.query(rfmSql(opts));
    // Recency: c03 last bought 2025-09-01 → 29 + 31 + 30 + 31 = 121 days; c07 on 2023-06-01 → 366 + 365 + 213 = 944.
    // R orders by recency (oldest first), two per quintile: c07 c04 | c06 c10 | c03 c08 | c02 c09 | c01 c05.
    // F ties break on monetary, then older first: c04 c02 | c09 c07 | c10 c08 | c05 c01 | c03 c06.
    // M ties break on frequency, then older first: c04 c02 | c10 c08 | c05 c09 | c01 c03 | c06 c07.
    // c08's order after the as-of date and the line without a customer are left out.
    expect(r.rows.map((x) => [x.customer_id, x.recency_days, x.frequency, x.monetary, x.r_score, x.f_score, x.m_score, x.segment])).toEqual(EXPECTED);
    expect(r.rows[0]).toMatchObject({ last_order: '2025-12-30', rfm: '544' });
  });

  it('counts order days when there is no order id', async () => {
    const { orderId: _, ...noId } = COLS;
    const r = await db.query(rfmSql({ ...opts, columns: noId }));
    const freq = Object.fromEntries(r.rows.map((x) => [x.customer_id, x.frequency]));
    // c05 and c10 placed two orders on one day each.
    expect(freq).toMatchObject({ c01: 2, c05: 1, c10: 1, c06: 4 });
  });

  it('lets tied values share a score', async () => {
    const r = await db.query(rfmSql({ ...opts, ties: 'share' }));
    const by = Object.fromEntries(r.rows.map((x) => [x.customer_id, x]));
    // Frequency 1 is 4/10 of customers → ceil(5·0.4) = 2; frequency 2 reaches 8/10 → 4.
    expect([by.c02!.f_score, by.c04!.f_score, by.c01!.f_score, by.c10!.f_score, by.c03!.f_score]).toEqual([2, 2, 4, 4, 5]);
    // Three customers spent exactly 100: all reach 5/10 → 3.
    expect([by.c05!.m_score, by.c08!.m_score, by.c10!.m_score]).toEqual([3, 3, 3]);
    // Distinct recencies: the same as ntile.
    expect(r.rows.map((x) => x.r_score)).toEqual(EXPECTED.map((e) => e[4]));
  });

  it('reads DATE and TIMESTAMP columns too', async () => {
    const [id, cust, date, amount] = [COLS.orderId, COLS.customerId, COLS.orderDate, COLS.amount].map(ident);
    await db.exec(`CREATE TABLE ts AS SELECT ${id}, ${cust}, CAST(${date} AS TIMESTAMP) + INTERVAL 13 HOUR AS ${date}, ${amount} FROM ${ident(TABLE)}`);
    const r = await db.query(rfmSql({ ...opts, table: 'ts' }));
    expect(r.rows.map((x) => [x.customer_id, x.recency_days, x.frequency, x.monetary])).toEqual(EXPECTED.map((e) => e.slice(0, 4)));
    const hinted = await db.query(rfmSql({ ...opts, table: 'ts', types: { orderDate: 'TIMESTAMP', amount: 'DECIMAL(10,2)' } }));
    expect(hinted.rows).toEqual(r.rows);
    await db.exec(`CREATE TABLE dd AS SELECT ${id}, ${cust}, CAST(${date} AS DATE) AS ${date}, CAST(${amount} AS DOUBLE) AS ${amount} FROM ${ident(TABLE)}`);
    const sql = rfmSql({ ...opts, table: 'dd', types: { orderDate: 'DATE', amount: 'DOUBLE' } });
    expect(sql).not.toContain('TRY_CAST');
    expect((await db.query(sql)).rows).toEqual(r.rows);
  });

  it('summarises segments', async () => {
    const r = await db.query(rfmSegmentsSql(opts));
    const by = Object.fromEntries(r.rows.map((x) => [x.segment, x]));
    expect(Object.keys(by).sort()).toEqual(['at_risk', 'cant_lose', 'champions', 'hibernating', 'loyal', 'need_attention', 'potential_loyalist', 'promising']);
    expect(by.hibernating).toMatchObject({ customers: 2, monetary: 5020, median_recency_days: 654.5 });
    expect(by.champions).toMatchObject({ customers: 2, customer_share: 0.2, monetary: 450 });
    expect(r.rows.reduce((s, x) => s + (x.monetary_share as number), 0)).toBeCloseTo(1, 10);
  });

  it('rejects a malformed as-of date', () => {
    expect(() => rfmSql({ ...opts, asOf: "2025-12-31'; DROP TABLE x; --" })).toThrow(/YYYY-MM-DD/);
  });
});

describe('rfmSegment', () => {
  it('covers every score pair with the same rules as the SQL', () => {
    const seen = new Set<string>();
    for (let r = 1; r <= 5; r++) for (let f = 1; f <= 5; f++) seen.add(rfmSegment(r, f));
    expect([...seen].sort()).toEqual([...RFM_SEGMENTS].sort());
    expect(rfmSegment(5, 5)).toBe('champions');
    expect(rfmSegment(1, 5)).toBe('cant_lose');
    expect(rfmSegment(5, 1)).toBe('new');
    for (const [, , , , r, f, , seg] of EXPECTED) expect(rfmSegment(r, f)).toBe(seg);
  });
});
