import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import type { RoleMap, TableInfo } from '../../src/ingest/model.ts';
import { clvBirthsSql, clvScopeSql, clvSummarySql, clvWeeklyRepeatsSql } from '../../src/metrics/clv-summary.ts';
import { DATA_DIR, hasDataSet, run } from './metrics-helpers.ts';

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

async function load(name: string, csv: string, roles?: RoleMap): Promise<TableInfo> {
  const { table } = await loadDelimited(db, { fileName: `${name}.csv`, bytes: new TextEncoder().encode(csv), tableName: name });
  return roles ? { ...table, kind: 'orders', roles } : table;
}

// A hand-checked log, calibration end 2024-01-29 (a Monday), hold-out to the last day 2024-03-11.
//   A: 01-01 10, 01-01 5 (same day: one purchase of 15), 01-08 20, 01-22 30; hold-out 02-05 40.
//      x = 2 (01-08, 01-22), t_x = 21/7 = 3, T = 28/7 = 4, zbar = (20+30)/2 = 25; hold-out 1 purchase, 40.
//   B: 01-15 50 only. x = 0, t_x = 0, T = 14/7 = 2, zbar NULL; hold-out 0.
//   C: 01-01 8, 01-29 12 (the end day is in calibration); hold-out 03-11 6 and 03-11 4 (one purchase, 10).
//      x = 1, t_x = 4, T = 4, zbar = 12; hold-out 1 purchase, 10.
//   D: first buys 02-12 (after the end): left out, counted late.
//   (no customer): one line 01-08 99: left out, counted.
const LOG = [
  'customer,order_date,amount',
  'A,2024-01-01,10', 'A,2024-01-01,5', 'A,2024-01-08,20', 'A,2024-01-22,30', 'A,2024-02-05,40',
  'B,2024-01-15,50',
  'C,2024-01-01,8', 'C,2024-01-29,12', 'C,2024-03-11,6', 'C,2024-03-11,4',
  'D,2024-02-12,70',
  ',2024-01-08,99',
].join('\n');
const LOG_ROLES: RoleMap = { customer_id: 'customer', order_date: 'order_date', amount: 'amount' };

describe('clv summary on a hand-checked log', () => {
  it('x, t_x, T, zbar and hold-out actuals per customer', async () => {
    const orders = await load('clv_log', LOG, LOG_ROLES);
    const rows = await run(db, clvSummarySql({ orders, calibrationEnd: '2024-01-29' }));
    expect(rows).toEqual([
      { id: 'A', x: 2, t_x: 3, T: 4, zbar: 25, x_holdout: 1, spend_holdout: 40, birth_day: 0, spend_total: 105 },
      { id: 'B', x: 0, t_x: 0, T: 2, zbar: null, x_holdout: 0, spend_holdout: 0, birth_day: 14, spend_total: 50 },
      { id: 'C', x: 1, t_x: 4, T: 4, zbar: 12, x_holdout: 1, spend_holdout: 10, birth_day: 0, spend_total: 30 },
    ]);
  });

  it('weekly repeats and births of the fit cohort; D (first buys after the end) is in neither', async () => {
    const orders = await load('clv_log2', LOG, LOG_ROLES);
    // Repeats by week from 2024-01-01: A 01-08 (w1), 01-22 (w3), 02-05 (w5); C 01-29 (w4), 03-11 (w10).
    const weeks = await run(db, clvWeeklyRepeatsSql({ orders, calibrationEnd: '2024-01-29' }));
    expect(weeks).toEqual([1, 3, 4, 5, 10].map((week) => ({ week, repeats: 1 })));
    const births = await run(db, clvBirthsSql({ orders, calibrationEnd: '2024-01-29' }));
    expect(births).toEqual([{ birth_day: 0, customers: 2 }, { birth_day: 14, customers: 1 }]);
  });

  it('scope: span, default end (two thirds of 70 days = day 46, 2024-02-16) and what is left out', async () => {
    const orders = await load('clv_log3', LOG, LOG_ROLES);
    const [s] = await run(db, clvScopeSql({ orders }));
    expect(s).toMatchObject({
      first_day: '2024-01-01', last_day: '2024-03-11', default_end: '2024-02-16', cal_end: '2024-02-16',
      lines: 12, no_customer_lines: 1, no_date_lines: 0, return_lines: 0, customers: 4, customers_fit: 4, customers_late: 0,
    });
    const [t] = await run(db, clvScopeSql({ orders, calibrationEnd: '2024-01-29' }));
    // In calibration: A 3 purchase days, B 1, C 2 → one customer with one purchase only (B).
    expect(t).toMatchObject({ cal_end: '2024-01-29', customers_fit: 3, customers_late: 1, customers_one_purchase: 1 });
  });
});

// An export the app has never seen: quantity × unit price, no amount column, a return as a negative
// quantity, customer ids written as floats (ingest's whole_ids makes them BIGINT 17850).
//   17850: 2024-01-01 2×3.00 + 1×4.00 = 10 (first); 2024-01-10 3×5.00 = 15 and a same-day return −1×5.00 → 10 (repeat);
//          2024-01-20 a return only (−2×3.00): not a purchase, not netted; 2024-02-01 1×8.00 (hold-out).
//          Calibration end 2024-01-21: x = 1, t_x = 9/7, T = 20/7, zbar = 10; hold-out 1 purchase, 8.
//   13047: 2024-01-05 1×20.00, 2024-01-05 −1×20.00 (bought and returned the same day): no purchase at all.
//   12583: 2024-01-03 4×2.50 = 10 only: x = 0, T = 18/7.
const RETAIL = [
  'InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID',
  '1001,A1,2,2024-01-01,3.00,17850.0',
  '1001,A2,1,2024-01-01,4.00,17850.0',
  '1002,B1,4,2024-01-03,2.50,12583.0',
  '1003,C1,1,2024-01-05,20.00,13047.0',
  'C1004,C1,-1,2024-01-05,20.00,13047.0',
  '1005,D1,3,2024-01-10,5.00,17850.0',
  'C1006,D1,-1,2024-01-10,5.00,17850.0',
  'C1007,A1,-2,2024-01-20,3.00,17850.0',
  '1008,E1,1,2024-02-01,8.00,17850.0',
  '1009,E1,1,2024-02-01,8.00,',
].join('\n');

describe('clv summary on a quantity × unit price export with returns and float ids', () => {
  it('nets same-day returns, ignores return-only days, keeps one-purchase customers', async () => {
    const table = await load('clv_retail', RETAIL);
    // The roles ingest suggests: no amount column, so revenue is quantity × unit price.
    expect(table.roles).toMatchObject({ customer_id: 'CustomerID', quantity: 'Quantity', unit_price: 'UnitPrice' });
    expect(table.roles.amount).toBeUndefined();
    const orders = { ...table, kind: 'orders' as const };
    const rows = await run(db, clvSummarySql({ orders, calibrationEnd: '2024-01-21' }));
    expect(rows.map((r) => r.id)).toEqual(['12583', '17850']);
    expect(rows[0]).toMatchObject({ x: 0, t_x: 0, zbar: null, x_holdout: 0 });
    expect(rows[0]!.T).toBeCloseTo(18 / 7, 12);
    expect(rows[1]).toMatchObject({ x: 1, zbar: 10, x_holdout: 1, spend_holdout: 8, spend_total: 28 });
    expect(rows[1]!.t_x).toBeCloseTo(9 / 7, 12);
    expect(rows[1]!.T).toBeCloseTo(20 / 7, 12);
    const [s] = await run(db, clvScopeSql({ orders, calibrationEnd: '2024-01-21' }));
    expect(s).toMatchObject({
      lines: 10, no_customer_lines: 1, return_lines: 3, cancelled_days: 1, return_only_days: 1,
      customers: 2, customers_fit: 2, customers_no_purchase: 1, customers_one_purchase: 1,
    });
  });
});

describe('clv summary on the CDNOW sample (real data)', () => {
  const ok = hasDataSet('cdnow', 'metrics-clv-summary');
  it.skipIf(!ok)('rebuilds the published calibration summary to 2-decimal rounding', async () => {
    // reference.md: calibration end 1997-09-30, purchases per distinct day, weeks = days / 7;
    // cdnow_customers_summary_with_transactions.csv (ID, x, t_x, T, zbar) is that summary for the 2,357 customers.
    const bytes = new Uint8Array(readFileSync(path.join(DATA_DIR, 'cdnow', 'CDNOW_sample.txt')));
    const { table } = await loadDelimited(db, { fileName: 'CDNOW_sample.txt', bytes, tableName: 'cdnow_sample' });
    expect(table.rowCount).toBe(6919);
    const [, sampleId, date, , dollars] = table.columns.map((c) => c.name);
    const orders: TableInfo = { ...table, kind: 'orders', roles: { customer_id: sampleId!, order_date: date!, amount: dollars! } };
    const rows = await run(db, clvSummarySql({ orders, calibrationEnd: '1997-09-30' }));
    const published = readFileSync(path.join(DATA_DIR, 'cdnow', 'cdnow_customers_summary_with_transactions.csv'), 'utf8')
      .trim().split(/\r?\n/).slice(1).map((l) => l.split(',').map(Number));
    expect(published).toHaveLength(2357);
    expect(rows).toHaveLength(2357);
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    let worst = 0;
    for (const [id, x, tx, T, zbar] of published) {
      const r = byId.get(id!);
      expect(r, `customer ${id}`).toBeDefined();
      expect(r!.x).toBe(x);
      for (const [got, want] of [[r!.t_x, tx], [r!.T, T], [r!.zbar ?? 0, zbar]] as const) worst = Math.max(worst, Math.abs(Number(got) - want!));
    }
    expect(worst).toBeLessThanOrEqual(0.005 + 1e-9);
    const [s] = await run(db, clvScopeSql({ orders, calibrationEnd: '1997-09-30' }));
    expect(s).toMatchObject({ first_day: '1997-01-01', last_day: '1998-06-30', customers_fit: 2357, customers_late: 0, no_customer_lines: 0 });
  });
});
