import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { creditExposureSql, receivablesSql } from '../../src/metrics/risk.ts';
import { loadDemo, loadMeasureFixture, run, type DemoTables, type MeasureFixture } from './metrics-helpers.ts';

let db: Db;
let fx: MeasureFixture;
let demo: DemoTables;

beforeAll(async () => {
  db = await openNodeDb();
  fx = await loadMeasureFixture(db);
  demo = await loadDemo(db);
});
afterAll(async () => db.close());

// Orders up to 2024-06-30 (O12 is July): O1–O6 and O10 paid; open: O7 C 240 unpaid due 05-15 (46 days late),
// O8 D 50 "overdue" due 05-05 (56 days), O9 A 110 unpaid due 07-10 (not yet due), O11 C 20 unpaid due 06-28 (2 days).
// Credit limits: A 1000, C 2000, D 40.
describe('receivablesSql on crm-measures', () => {
  it('sums open and overdue amounts, ages them and counts customers over their limit', async () => {
    expect(await run(db, receivablesSql({ orders: fx.orders, customers: fx.customers, asOf: '2024-06-30' }))).toEqual([{
      orders: 11, unknown_status_orders: 0, open_orders: 4, open_amount: 420, overdue_orders: 3, overdue_amount: 310, overdue_share: 310 / 420,
      due_1_30: 20, due_31_60: 290, due_61_90: 0, due_over_90: 0, customers_with_open: 3, customers_over_limit: 1,
    }]);
  });

  it('falls back to the status alone without due dates, and needs a payment status', async () => {
    const noDue = { ...fx.orders, roles: { ...fx.orders.roles, due_date: undefined } };
    expect(await run(db, receivablesSql({ orders: noDue, asOf: '2024-06-30' }))).toMatchObject([
      { open_orders: 4, overdue_orders: 1, overdue_amount: 50, due_1_30: null, customers_over_limit: null },
    ]);
    const noStatus = { ...fx.orders, roles: { ...fx.orders.roles, payment_status: undefined } };
    expect(receivablesSql({ orders: noStatus, asOf: '2024-06-30' })).toEqual({
      ok: false, unavailable: { reason: 'missing_role', kind: 'orders', table: 'fx_orders', roles: ['payment_status'] },
    });
  });

  it('ages against the as-of date', async () => {
    // On 2024-08-31: O7 108 days late, O8 118, O9 52, O11 64; O12 (12, due 08-03) is in, 28 days late.
    const [row] = await run(db, receivablesSql({ orders: fx.orders, asOf: '2024-08-31' }));
    expect(row).toMatchObject({ open_orders: 5, open_amount: 432, overdue_orders: 5, due_1_30: 12, due_31_60: 110, due_61_90: 20, due_over_90: 290 });
  });
});

describe('creditExposureSql on crm-measures', () => {
  it('lists customers with open amounts against their limits', async () => {
    expect(await run(db, creditExposureSql({ orders: fx.orders, customers: fx.customers, asOf: '2024-06-30' }))).toEqual([
      { customer_id: 'C', open_orders: 2, open_amount: 260, overdue_amount: 260, max_days_overdue: 46, credit_limit: 2000, utilization: 0.13, over_limit: false },
      { customer_id: 'A', open_orders: 1, open_amount: 110, overdue_amount: 0, max_days_overdue: null, credit_limit: 1000, utilization: 0.11, over_limit: false },
      { customer_id: 'D', open_orders: 1, open_amount: 50, overdue_amount: 50, max_days_overdue: 56, credit_limit: 40, utilization: 1.25, over_limit: true },
    ]);
  });
});

describe('risk on the demo workspace', () => {
  it('is unavailable: the generated orders have no payment status', () => {
    expect(receivablesSql({ orders: demo.orders, customers: demo.customers, asOf: '2025-12-31' })).toEqual({
      ok: false, unavailable: { reason: 'missing_role', kind: 'orders', table: demo.orders.name, roles: ['payment_status'] },
    });
    expect(creditExposureSql({ orders: demo.orders, asOf: '2025-12-31' }).ok).toBe(false);
  });
});
