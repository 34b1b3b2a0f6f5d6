import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { COMPARE_KPIS, compareSql, sparklineSql } from '../../src/metrics/compare.ts';
import { orderLinesFacts } from '../../src/metrics/facts.ts';
import { salesSql } from '../../src/metrics/sales.ts';
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

// Revenue by order date: 2023-06-15 100 · 2024-01: 150 (01-02 10, 01-05 20, 01-20 120) · 02: 940 (02-10 30, 02-20 910) ·
// 03: 0 · 04: 290 (04-05 50, 04-15 240) · 05: 0 · 06: 145 (06-01 15, 06-10 110, 06-25 20) · 2024-07-03 12.
describe('compareSql on crm-measures', () => {
  it('compares a month with the one before and the same month last year', async () => {
    const tables = { orders: fx.orders };
    expect(await run(db, compareSql({ kpi: 'revenue', tables, grain: 'month', asOf: '2024-06-30' }))).toEqual([{
      current_start: '2024-06-01', current_end: '2024-06-30', current_value: 145,
      previous_start: '2024-05-01', previous_end: '2024-05-31', previous_value: 0, change_vs_previous: 145, change_vs_previous_pct: null,
      last_year_start: '2023-06-01', last_year_end: '2023-06-30', last_year_value: 100, change_vs_last_year: 45, change_vs_last_year_pct: 0.45,
    }]);
  });

  it('compares quarters, whole or to date', async () => {
    const tables = { orders: fx.orders };
    const [q] = await run(db, compareSql({ kpi: 'revenue', tables, grain: 'quarter', asOf: '2024-06-30' }));
    expect(q).toMatchObject({ current_value: 435, previous_value: 1090, change_vs_previous: -655, last_year_value: 100, change_vs_last_year: 335, change_vs_last_year_pct: 3.35 });
    expect(q!.change_vs_previous_pct).toBeCloseTo(-655 / 1090, 12);
    // 2024-05-10 is 39 days into Q2: Q1 is cut at Feb 9 (so O4 on Feb 10 is out), Q2 2023 at May 10.
    const [part] = await run(db, compareSql({ kpi: 'revenue', tables, grain: 'quarter', asOf: '2024-05-10', toDate: true }));
    expect(part).toMatchObject({
      current_start: '2024-04-01', current_end: '2024-05-10', current_value: 290,
      previous_start: '2024-01-01', previous_end: '2024-02-09', previous_value: 150,
      last_year_start: '2023-04-01', last_year_end: '2023-05-10', last_year_value: 0, change_vs_last_year_pct: null,
    });
    const [whole] = await run(db, compareSql({ kpi: 'revenue', tables, grain: 'quarter', asOf: '2024-05-10' }));
    expect(whole).toMatchObject({ current_value: 290, previous_end: '2024-03-31', previous_value: 1090, last_year_end: '2023-06-30', last_year_value: 100 });
  });

  it('uses ISO weeks (52 weeks back for last year) and days', async () => {
    const [w] = await run(db, compareSql({ kpi: 'revenue', tables: { orders: fx.orders }, grain: 'week', asOf: '2024-06-30' }));
    expect(w).toMatchObject({ current_start: '2024-06-24', current_value: 20, previous_start: '2024-06-17', previous_end: '2024-06-23', previous_value: 0, last_year_start: '2023-06-26', last_year_end: '2023-07-02' });
    const [d] = await run(db, compareSql({ kpi: 'orders', tables: { orders: fx.orders }, grain: 'day', asOf: '2024-06-25' }));
    expect(d).toMatchObject({ current_value: 1, previous_start: '2024-06-24', previous_value: 0, last_year_start: '2023-06-25', last_year_value: 0 });
  });

  it('computes ratio and distinct KPIs per window, not from sums', async () => {
    const tables = { orders: fx.orders, tickets: fx.tickets, leads: fx.leads };
    const get = async (kpi: (typeof COMPARE_KPIS)[number], grain: 'month' | 'quarter', asOf = '2024-06-30') =>
      (await run(db, compareSql({ kpi, tables, grain, asOf })))[0]!;
    expect(await get('aov', 'month')).toMatchObject({ current_value: 145 / 3, previous_value: null, change_vs_previous: null, last_year_value: 100 });
    // Buyers Q2: A C D E; Q1: A B C F.
    expect(await get('buyers', 'quarter')).toMatchObject({ current_value: 4, previous_value: 4, change_vs_previous: 0, change_vs_previous_pct: 0 });
    // First orders: A 2023-06, F B 2024-01, C 02, D 04, E 06.
    expect(await get('new_buyers', 'quarter')).toMatchObject({ current_value: 2, previous_value: 3, last_year_value: 1 });
    expect(await get('units', 'quarter')).toMatchObject({ current_value: 2 + 5 + 1 + 1 + 2, previous_value: 2 + 1 + 3 + 1 + 1 + 1 });
    expect(await get('tickets', 'month')).toMatchObject({ current_value: 2, previous_value: 0 });
    // Ratings in Q2: T5 2, T8 4 (T7 unrated); Q1: 5 1 2 4 3.
    expect(await get('avg_satisfaction', 'quarter')).toMatchObject({ current_value: 3, previous_value: 3 });
    expect(await get('leads', 'quarter', '2024-03-31')).toMatchObject({ current_value: 8, previous_value: 0 });
    expect(await get('won_leads', 'month', '2024-02-29')).toMatchObject({ current_value: 2, previous_value: 1 });
  });

  it('applies dimension filters, reports the date range as not applying, and takes a custom KPI', async () => {
    const q = compareSql({ kpi: 'revenue', tables: { orders: fx.orders, customers: fx.customers }, grain: 'quarter', asOf: '2024-06-30', filters: { segment: ['Business'], from: '2024-01-01' } });
    expect(q.ok && q.ignoredFilters).toEqual(['from']);
    // Business: C, D. Q2 240 + 50 + 20, Q1 910.
    expect(await run(db, q)).toMatchObject([{ current_value: 310, previous_value: 910 }]);
    const lines = orderLinesFacts(fx.orders).sql;
    const big = compareSql({ kpi: { fact: lines, value: 'count(*) FILTER (WHERE amount >= 100)' }, tables: {}, grain: 'quarter', asOf: '2024-06-30' });
    expect(await run(db, big)).toMatchObject([{ current_value: 2, previous_value: 2, last_year_value: 1 }]);
    expect(compareSql({ kpi: 'tickets', tables: { orders: fx.orders }, grain: 'month', asOf: '2024-06-30' })).toEqual({ ok: false, unavailable: { reason: 'no_table', kind: 'tickets' } });
  });
});

describe('sparklineSql on crm-measures', () => {
  it('lists the last N periods ending with the current one', async () => {
    const rows = await run(db, sparklineSql({ kpi: 'revenue', tables: { orders: fx.orders }, grain: 'month', asOf: '2024-06-30', periods: 6 }));
    expect(rows.map((r) => [r.period_start, r.period_end, r.value])).toEqual([
      ['2024-01-01', '2024-01-31', 150], ['2024-02-01', '2024-02-29', 940], ['2024-03-01', '2024-03-31', 0],
      ['2024-04-01', '2024-04-30', 290], ['2024-05-01', '2024-05-31', 0], ['2024-06-01', '2024-06-30', 145],
    ]);
    const aov = await run(db, sparklineSql({ kpi: 'aov', tables: { orders: fx.orders }, grain: 'month', asOf: '2024-06-15', periods: 3 }));
    // The current month is cut at the as-of date: June 1–15 has O10 15 and O9 110.
    expect(aov.map((r) => r.value)).toEqual([145, null, 62.5]);
  });
});

describe('compare on the demo workspace', () => {
  it('agrees with monthly sales', async () => {
    const months = await run(db, salesSql({ orders: demo.orders, grain: 'month' }));
    const rev = (m: string) => months.find((r) => r.period === m)!.revenue;
    const [c] = await run(db, compareSql({ kpi: 'revenue', tables: { orders: demo.orders }, grain: 'month', asOf: '2025-12-31' }));
    expect(c!.current_value).toBeCloseTo(Number(rev('2025-12-01')), 4);
    expect(c!.previous_value).toBeCloseTo(Number(rev('2025-11-01')), 4);
    expect(c!.last_year_value).toBeCloseTo(Number(rev('2024-12-01')), 4);
    const spark = await run(db, sparklineSql({ kpi: 'revenue', tables: { orders: demo.orders }, grain: 'month', asOf: '2025-12-31' }));
    expect(spark).toHaveLength(12);
    spark.forEach((r) => expect(r.value).toBeCloseTo(Number(rev(String(r.period_start))), 4));
    for (const kpi of COMPARE_KPIS) {
      const [row] = await run(db, compareSql({ kpi, tables: { ...demo }, grain: 'quarter', asOf: '2025-12-31' }));
      expect(row!.current_value, kpi).not.toBeNull();
    }
  });
});
