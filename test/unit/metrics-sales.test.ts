import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { ident } from '../../src/lib/sql.ts';
import { salesCycleSql, salesSql } from '../../src/metrics/sales.ts';
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

// Order lines Jan–Jun 2024 (O1 is 2023, O12 July): O2 A Acc 20 ×2 web · O3 B Elec 120 ×1 app · O4 A Acc 30 ×3 web ·
// O5 C Elec 900 ×1 + Acc 10 ×1 store · O6 F Acc 10 ×1 web · O7 C Elec 240 ×2 store · O8 D Acc 50 ×5 store ·
// O9 A Elec 110 ×1 app · O10 E Acc 15 ×1 app · O11 C Acc 20 ×2 web.
describe('salesSql on crm-measures', () => {
  it('totals revenue, orders, AOV and units', async () => {
    expect(await run(db, salesSql({ orders: fx.orders, filters: H1 }))).toEqual([
      { period: null, group_value: null, revenue: 1525, orders: 10, aov: 152.5, units: 20, customers: 6, lines: 11 },
    ]);
  });

  it('breaks down by category (an order counts in each category it has a line in)', async () => {
    const rows = await run(db, salesSql({ orders: fx.orders, by: 'category', filters: H1 }));
    expect(rows.map((r) => r.group_value)).toEqual(['Electronics', 'Accessories']);
    expect(rows[0]).toEqual({ period: null, group_value: 'Electronics', revenue: 1370, orders: 4, aov: 342.5, units: 5, customers: 3, lines: 4 });
    expect(rows[1]).toMatchObject({ revenue: 155, orders: 7, units: 15, customers: 5, lines: 7 });
    expect(rows[1]!.aov).toBeCloseTo(155 / 7, 12);
  });

  it('breaks down by channel, and by region through the customers table', async () => {
    const ch = byKey(await run(db, salesSql({ orders: fx.orders, by: 'channel', filters: H1 })), 'group_value');
    expect(ch.get('store')).toMatchObject({ revenue: 1200, orders: 3, units: 9, customers: 2 });
    expect(ch.get('app')).toMatchObject({ revenue: 245, orders: 3, units: 3, customers: 3 });
    expect(ch.get('web')).toMatchObject({ revenue: 80, orders: 4, units: 8, customers: 3 });
    const region = await run(db, salesSql({ orders: fx.orders, customers: fx.customers, by: 'region', filters: H1 }));
    expect(region.map((r) => [r.group_value, r.revenue])).toEqual([['North', 1345], ['South', 180]]);
    expect(salesSql({ orders: fx.orders, by: 'region' })).toMatchObject({ ok: false, unavailable: { reason: 'missing_role', roles: ['region'] } });
  });

  it('lists every month, empty ones with zero revenue and no AOV', async () => {
    const rows = await run(db, salesSql({ orders: fx.orders, grain: 'month', filters: H1 }));
    expect(rows.map((r) => [r.period, r.revenue, r.orders, r.aov])).toEqual([
      ['2024-01-01', 150, 3, 50], ['2024-02-01', 940, 2, 470], ['2024-03-01', 0, 0, null],
      ['2024-04-01', 290, 2, 145], ['2024-05-01', 0, 0, null], ['2024-06-01', 145, 3, 145 / 3],
    ]);
  });

  it('crosses quarters with categories, and days within a range', async () => {
    const rows = await run(db, salesSql({ orders: fx.orders, grain: 'quarter', by: 'category', filters: H1 }));
    expect(rows.map((r) => [r.period, r.group_value, r.revenue, r.orders])).toEqual([
      ['2024-01-01', 'Electronics', 1020, 2], ['2024-01-01', 'Accessories', 70, 4],
      ['2024-04-01', 'Electronics', 350, 2], ['2024-04-01', 'Accessories', 85, 3],
    ]);
    const days = await run(db, salesSql({ orders: fx.orders, grain: 'day', filters: { from: '2024-06-24', to: '2024-06-26' } }));
    expect(days.map((r) => [r.period, r.revenue])).toEqual([['2024-06-24', 0], ['2024-06-25', 20], ['2024-06-26', 0]]);
  });

  it('filters by segment through customers and reports filters it cannot apply', async () => {
    const q = salesSql({ orders: fx.orders, customers: fx.customers, filters: { ...H1, segment: ['Consumer'] } });
    // Consumer buyers A (160), B (120), E (15), F (10).
    expect(await run(db, q)).toMatchObject([{ revenue: 305, orders: 6, customers: 4 }]);
    const alone = salesSql({ orders: fx.orders, filters: { segment: ['Consumer'] } });
    expect(alone.ok && alone.ignoredFilters).toEqual(['segment']);
  });
});

describe('salesCycleSql on crm-measures', () => {
  it('gives median and p90 days from lead to won, overall and by channel', async () => {
    // Won leads: L1 20 days (search), L2 30 (search), L3 40 (social).
    expect(await run(db, salesCycleSql({ leads: fx.leads }))).toEqual([
      { group_value: null, won_leads: 3, median_days: 30, p90_days: 38, avg_days: 30, min_days: 20, max_days: 40 },
    ]);
    const rows = byKey(await run(db, salesCycleSql({ leads: fx.leads, by: 'channel' })), 'group_value');
    expect(rows.get('search')).toMatchObject({ won_leads: 2, median_days: 25, p90_days: 29 });
    expect(rows.get('social')).toMatchObject({ won_leads: 1, median_days: 40, p90_days: 40 });
  });

  it('selects deals by the day they were won', async () => {
    expect(await run(db, salesCycleSql({ leads: fx.leads, filters: { to: '2024-01-31' } }))).toMatchObject([{ won_leads: 1, median_days: 20 }]);
  });
});

describe('sales measures on the demo workspace', () => {
  it('agree with a direct sum and run by month, category and channel', async () => {
    const direct = await db.query(`SELECT sum(amount) AS revenue, count(DISTINCT order_id) AS orders, sum(quantity) AS units FROM ${ident(demo.orders.name)}`);
    const [total] = await run(db, salesSql({ orders: demo.orders }));
    expect(total!.revenue).toBeCloseTo(Number(direct.rows[0]!.revenue), 4);
    expect(total!.orders).toBe(direct.rows[0]!.orders);
    expect(total!.units).toBe(direct.rows[0]!.units);
    const months = await run(db, salesSql({ orders: demo.orders, grain: 'month' }));
    expect(months).toHaveLength(36);
    expect(months.reduce((s, r) => s + Number(r.revenue), 0)).toBeCloseTo(Number(total!.revenue), 2);
    const cats = await run(db, salesSql({ orders: demo.orders, customers: demo.customers, by: 'category', grain: 'quarter', filters: { from: '2025-01-01', to: '2025-12-31', segment: ['Corporate'] } }));
    expect(cats.length % 4).toBe(0);
    const cycle = await run(db, salesCycleSql({ leads: demo.leads, by: 'channel' }));
    expect(cycle).toHaveLength(6);
    // Four stage gaps of 1–10, 2–20, 3–25 and 5–40 days: about 53 days on average.
    for (const r of cycle) expect(Number(r.median_days)).toBeGreaterThan(30);
    for (const r of cycle) expect(Number(r.median_days)).toBeLessThan(80);
  });
});
