import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { bigCustomersSql, customerStatusSql, newReturningSql } from '../../src/metrics/customers.ts';
import { byKey, loadDemo, loadMeasureFixture, run, type DemoTables, type MeasureFixture } from './metrics-helpers.ts';

let db: Db;
let fx: MeasureFixture;
let demo: DemoTables;

beforeAll(async () => {
  db = await openNodeDb();
  fx = await loadMeasureFixture(db);
  demo = await loadDemo(db);
});
afterAll(async () => db.close());

const H1 = { from: '2024-01-01', to: '2024-06-30' };

describe('customerStatusSql on crm-measures', () => {
  // Last orders on or before 2024-06-30 and days since: A 06-10 (20), B 01-20 (162), C 06-25 (5),
  // D 04-05 (86), E 06-01 (29), F 01-02 (180); G never ordered; H signed up 07-05, after the as-of date.
  it('splits customers into active / dormant / churned / no orders and counts the new ones', async () => {
    const q = customerStatusSql({ customers: fx.customers, orders: fx.orders, asOf: '2024-06-30', activeDays: 60, churnDays: 120, filters: { from: '2024-04-01', to: '2024-06-30' } });
    const [row, ...rest] = await run(db, q);
    expect(rest).toHaveLength(0);
    // first seen (earlier of sign-up and first order) in Apr–Jun: E (05-20), G (06-15). First order in Apr–Jun: D, E.
    expect(row).toEqual({ group_value: null, customers: 7, active: 3, dormant: 1, churned: 2, no_orders: 1, new_customers: 2, first_orders: 2 });
    expect(q.ok && q.ignoredFilters).toEqual([]);
  });

  it('breaks down by segment', async () => {
    const rows = byKey(await run(db, customerStatusSql({ customers: fx.customers, orders: fx.orders, asOf: '2024-06-30', activeDays: 60, churnDays: 120, by: 'segment', filters: { from: '2024-04-01' } })), 'group_value');
    expect(rows.get('Consumer')).toEqual({ group_value: 'Consumer', customers: 4, active: 2, dormant: 0, churned: 2, no_orders: 0, new_customers: 1, first_orders: 1 });
    expect(rows.get('Business')).toEqual({ group_value: 'Business', customers: 3, active: 1, dormant: 1, churned: 0, no_orders: 1, new_customers: 1, first_orders: 1 });
  });

  it('uses the defaults 90 / 180 days, with the boundary day included', async () => {
    const [row] = await run(db, customerStatusSql({ customers: fx.customers, orders: fx.orders, asOf: '2024-06-30' }));
    // D (86) becomes active; B (162) and F (exactly 180) dormant.
    expect(row).toMatchObject({ customers: 7, active: 4, dormant: 2, churned: 0, no_orders: 1 });
  });

  it('counts buyers only without a customers table', async () => {
    const [row] = await run(db, customerStatusSql({ orders: fx.orders, asOf: '2024-06-30', activeDays: 60, churnDays: 120, filters: { from: '2024-04-01' } }));
    expect(row).toEqual({ group_value: null, customers: 6, active: 3, dormant: 1, churned: 2, no_orders: 0, new_customers: 2, first_orders: 2 });
  });

  it('applies a region filter to customers and, through them, to orders', async () => {
    const [row] = await run(db, customerStatusSql({ customers: fx.customers, orders: fx.orders, asOf: '2024-06-30', activeDays: 60, churnDays: 120, filters: { region: ['North'], from: '2024-04-01' } }));
    expect(row).toMatchObject({ customers: 4, active: 3, dormant: 0, churned: 0, no_orders: 1, new_customers: 2 });
  });

  it('is unavailable without an order date, and refuses a bad as-of date', () => {
    const noDate = { ...fx.orders, roles: { ...fx.orders.roles, order_date: undefined } };
    expect(customerStatusSql({ orders: noDate, asOf: '2024-06-30' })).toEqual({
      ok: false, unavailable: { reason: 'missing_role', kind: 'orders', table: 'fx_orders', roles: ['order_date'] },
    });
    expect(() => customerStatusSql({ orders: fx.orders, asOf: "2024-06-30'; DROP TABLE x; --" })).toThrow(/YYYY-MM-DD/);
    expect(() => customerStatusSql({ orders: fx.orders, asOf: '2024-02-30' })).toThrow(/YYYY-MM-DD/);
    expect(() => customerStatusSql({ orders: fx.orders, asOf: '2024-06-30', activeDays: 200 })).toThrow(/churnDays/);
  });
});

describe('newReturningSql on crm-measures', () => {
  it('splits each month into new and returning buyers, empty months included', async () => {
    const rows = await run(db, newReturningSql({ orders: fx.orders, filters: H1 }));
    // First orders over all dates: A 2023-06 (so returning in 2024), B 01, F 01, C 02, D 04, E 06.
    expect(rows).toEqual([
      { period: '2024-01-01', customers: 3, new_customers: 2, returning_customers: 1, new_revenue: 130, returning_revenue: 20 },
      { period: '2024-02-01', customers: 2, new_customers: 1, returning_customers: 1, new_revenue: 910, returning_revenue: 30 },
      { period: '2024-03-01', customers: 0, new_customers: 0, returning_customers: 0, new_revenue: 0, returning_revenue: 0 },
      { period: '2024-04-01', customers: 2, new_customers: 1, returning_customers: 1, new_revenue: 50, returning_revenue: 240 },
      { period: '2024-05-01', customers: 0, new_customers: 0, returning_customers: 0, new_revenue: 0, returning_revenue: 0 },
      { period: '2024-06-01', customers: 3, new_customers: 1, returning_customers: 2, new_revenue: 15, returning_revenue: 130 },
    ]);
  });

  it('works by quarter', async () => {
    const rows = await run(db, newReturningSql({ orders: fx.orders, grain: 'quarter', filters: H1 }));
    // Q1: A (returning), B, C, F (new). Q2: A, C returning; D, E new.
    expect(rows.map((r) => [r.period, r.new_customers, r.returning_customers])).toEqual([['2024-01-01', 3, 1], ['2024-04-01', 2, 2]]);
  });
});

describe('bigCustomersSql on crm-measures', () => {
  it('splits the top 20 % of spenders from the rest', async () => {
    const rows = byKey(await run(db, bigCustomersSql({ orders: fx.orders, filters: H1 })), 'tier');
    // Spend Jan–Jun 2024: C 1170, A 160, B 120, D 50, E 15, F 10 (total 1525); ⌈0.2 × 6⌉ = 2 big.
    expect(rows.get('big')).toMatchObject({ customers: 2, revenue: 1330, orders: 6, avg_spend: 665, min_spend: 160, max_spend: 1170 });
    expect(rows.get('big')!.revenue_share).toBeCloseTo(1330 / 1525, 12);
    expect(rows.get('big')!.customer_share).toBeCloseTo(2 / 6, 12);
    expect(rows.get('small')).toMatchObject({ customers: 4, revenue: 195, orders: 4, avg_spend: 48.75, min_spend: 10, max_spend: 120 });
    const half = byKey(await run(db, bigCustomersSql({ orders: fx.orders, topShare: 0.5, filters: H1 })), 'tier');
    expect(half.get('big')).toMatchObject({ customers: 3, revenue: 1450 });
  });

  it('filters by segment through the customers table', async () => {
    const rows = byKey(await run(db, bigCustomersSql({ orders: fx.orders, customers: fx.customers, filters: { ...H1, segment: ['Business'] } })), 'tier');
    // Business buyers: C 1170, D 50 → ⌈0.4⌉ = 1 big.
    expect(rows.get('big')).toMatchObject({ customers: 1, revenue: 1170 });
    expect(rows.get('small')).toMatchObject({ customers: 1, revenue: 50 });
  });
});

describe('customer measures on the demo workspace', () => {
  it('runs on real-shaped data and adds up', async () => {
    const [all] = await run(db, customerStatusSql({ customers: demo.customers, orders: demo.orders, asOf: '2025-12-31', filters: { from: '2025-01-01', to: '2025-12-31' } }));
    expect(all!.customers).toBe(2000);
    expect(Number(all!.active) + Number(all!.dormant) + Number(all!.churned) + Number(all!.no_orders)).toBe(2000);
    expect(Number(all!.active)).toBeGreaterThan(500);
    expect(Number(all!.new_customers)).toBeGreaterThan(0);
    const seg = await run(db, customerStatusSql({ customers: demo.customers, orders: demo.orders, asOf: '2025-12-31', by: 'segment' }));
    expect(seg.map((r) => r.group_value).sort()).toEqual(['Consumer', 'Corporate', 'Small business']);
    expect(seg.reduce((s, r) => s + Number(r.customers), 0)).toBe(2000);

    const nr = await run(db, newReturningSql({ orders: demo.orders }));
    expect(nr).toHaveLength(36);
    expect(nr.reduce((s, r) => s + Number(r.new_customers), 0)).toBeLessThanOrEqual(2000);

    const big = byKey(await run(db, bigCustomersSql({ orders: demo.orders })), 'tier');
    // Spend is Pareto-shaped: the top fifth brings well over a fifth of revenue.
    expect(big.get('big')!.revenue_share).toBeGreaterThan(0.4);
  });
});
