import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { cohortRetentionSql, lifecycleSql, lifecycleStagesSql } from '../../src/metrics/cohorts.ts';
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

// First orders: A 2023-06-15 · F 2024-01-02 · B 2024-01-20 · C 2024-02-20 · D 2024-04-05 · E 2024-06-01.
// Later orders: A 2024-01 (20), 2024-02 (30), 2024-06 (110), 2024-07 (12); C 2024-04 (240), 2024-06 (20).
describe('cohortRetentionSql on crm-measures', () => {
  it('lays out the full triangle up to the last month', async () => {
    const rows = await run(db, cohortRetentionSql({ orders: fx.orders, filters: { to: '2024-06-30' } }));
    expect(rows).toHaveLength(13 + 6 + 5 + 3 + 1);
    const a = rows.filter((r) => r.cohort === '2023-06-01');
    expect(a.filter((r) => r.customers === 1).map((r) => [r.months_since, r.revenue])).toEqual([[0, 100], [7, 20], [8, 30], [12, 110]]);
    expect(a.every((r) => r.cohort_size === 1)).toBe(true);
    expect(rows.filter((r) => r.cohort === '2024-01-01')).toEqual([0, 1, 2, 3, 4, 5].map((m) => ({
      cohort: '2024-01-01', months_since: m, cohort_size: 2, customers: m === 0 ? 2 : 0, retention: m === 0 ? 1 : 0, revenue: m === 0 ? 130 : 0, revenue_per_customer: m === 0 ? 65 : 0,
    })));
    expect(rows.filter((r) => r.cohort === '2024-02-01').map((r) => [r.months_since, r.customers, r.revenue])).toEqual([[0, 1, 910], [1, 0, 0], [2, 1, 240], [3, 0, 0], [4, 1, 20]]);
    expect(rows.filter((r) => r.cohort === '2024-06-01')).toEqual([{ cohort: '2024-06-01', months_since: 0, cohort_size: 1, customers: 1, retention: 1, revenue: 15, revenue_per_customer: 15 }]);
  });

  it('chooses cohorts by the date range and caps the months', async () => {
    const rows = await run(db, cohortRetentionSql({ orders: fx.orders, maxMonths: 2, filters: { from: '2024-01-01', to: '2024-06-30' } }));
    // A's cohort (2023-06) is out; 2024-01 (B F) 3 months, 02 (C) 3, 04 (D) 3, 06 (E) 1.
    expect([...new Set(rows.map((r) => r.cohort))]).toEqual(['2024-01-01', '2024-02-01', '2024-04-01', '2024-06-01']);
    expect(rows).toHaveLength(3 + 3 + 3 + 1);
  });
});

describe('lifecycle on crm-measures', () => {
  // On 2024-06-30 with new < 90 days, lost > 120 days, 90-day windows, ±20 %:
  // A recent 110 (O9) vs previous 50 (O2 177 days ago, O4 141) → growing · B last order 162 days ago → lost ·
  // (B's one order falls in the previous window) · C recent 260 (O11, O7) vs 910 (O5) → declining · D first order 86 days ago → new · E 29 → new · F 180 → lost.
  const opts = { asOf: '2024-06-30', newDays: 90, lostDays: 120, windowDays: 90 } as const;
  it('stages each customer by the documented rule', async () => {
    const rows = await run(db, lifecycleSql({ orders: fx.orders, ...opts }));
    expect(rows.map((r) => [r.customer_id, r.stage, r.recent_value, r.previous_value])).toEqual([
      ['A', 'growing', 110, 50], ['B', 'lost', 0, 120], ['C', 'declining', 260, 910], ['D', 'new', 50, 0], ['E', 'new', 15, 0], ['F', 'lost', 0, 0],
    ]);
    expect(rows[0]).toMatchObject({ first_order: '2023-06-15', last_order: '2024-06-10', recency_days: 20 });
  });

  it('summarizes all five stages', async () => {
    expect(await run(db, lifecycleStagesSql({ orders: fx.orders, ...opts }))).toEqual([
      { stage: 'new', customers: 2, share: 2 / 6, value: 65 },
      { stage: 'growing', customers: 1, share: 1 / 6, value: 260 },
      { stage: 'mature', customers: 0, share: 0, value: 0 },
      { stage: 'declining', customers: 1, share: 1 / 6, value: 1170 },
      { stage: 'lost', customers: 2, share: 2 / 6, value: 130 },
    ]);
  });

  it('counts orders when there is no amount', async () => {
    const noAmount = { ...fx.orders, roles: { ...fx.orders.roles, amount: undefined, quantity: undefined } };
    const rows = await run(db, lifecycleSql({ orders: noAmount, ...opts }));
    // A: 1 recent order vs 2 → declining; C: 2 vs 1 → growing.
    expect(rows.map((r) => [r.customer_id, r.stage])).toEqual([['A', 'declining'], ['B', 'lost'], ['C', 'growing'], ['D', 'new'], ['E', 'new'], ['F', 'lost']]);
  });
});

describe('cohorts and lifecycle on the demo workspace', () => {
  it('run on real-shaped data', async () => {
    const rows = await run(db, cohortRetentionSql({ orders: demo.orders, maxMonths: 12 }));
    const first = rows.filter((r) => r.cohort === '2023-01-01');
    expect(first).toHaveLength(13);
    expect(first[0]!.retention).toBe(1);
    expect(Number(first[1]!.retention)).toBeLessThan(1);
    const stages = await run(db, lifecycleStagesSql({ orders: demo.orders, asOf: '2025-12-31' }));
    expect(stages.map((s) => s.stage)).toEqual(['new', 'growing', 'mature', 'declining', 'lost']);
    for (const s of stages) expect(Number(s.customers)).toBeGreaterThan(0);
    // Churners stop buying (the generator fades them out), so most flagged churners are lost by the end.
    expect(Number(stages[4]!.customers)).toBeGreaterThan(200);
  });
});
