import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loyaltySql, retentionSql } from '../../src/metrics/loyalty.ts';
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

const H1 = { from: '2024-01-01', to: '2024-06-30' };

describe('loyaltySql on crm-measures', () => {
  it('computes repeat and cross purchase, frequency and inter-purchase time', async () => {
    // Jan–Jun 2024 orders: A O2 01-05, O4 02-10, O9 06-10 (Acc, Acc, Elec); C O5 02-20, O7 04-15, O11 06-25 (Elec+Acc, Elec, Acc);
    // B, D, E, F one order each in one category. Gaps: A 36, 121; C 55, 71 → median (55 + 71) / 2, mean 283 / 4.
    expect(await run(db, loyaltySql({ orders: fx.orders, filters: H1 }))).toEqual([{
      customers: 6, orders: 10, repeat_customers: 2, repeat_rate: 2 / 6, cross_customers: 2, cross_rate: 2 / 6,
      purchase_frequency: 10 / 6, interpurchase_gaps: 4, median_interpurchase_days: 63, avg_interpurchase_days: 70.75,
    }]);
  });

  it('leaves cross purchase out without a category, and narrows by category filter', async () => {
    const noCat = { ...fx.orders, roles: { ...fx.orders.roles, category: undefined } };
    expect(await run(db, loyaltySql({ orders: noCat, filters: H1 }))).toMatchObject([{ cross_customers: null, cross_rate: null, repeat_customers: 2 }]);
    // Electronics only: B O3, C O5 & O7, A O9 → 3 buyers, C repeats; C's gap 02-20 → 04-15 = 55.
    expect(await run(db, loyaltySql({ orders: fx.orders, filters: { ...H1, category: ['Electronics'] } }))).toMatchObject([
      { customers: 3, orders: 4, repeat_customers: 1, cross_customers: 0, interpurchase_gaps: 1, median_interpurchase_days: 55 },
    ]);
  });
});

describe('retentionSql on crm-measures', () => {
  it('follows buyers month to month', async () => {
    // Active: Jan A B F · Feb A C · Mar — · Apr C D · May — · Jun A C E.
    expect(await run(db, retentionSql({ orders: fx.orders, filters: H1 }))).toEqual([
      { period: '2024-01-01', active_customers: 3, retained: 1, retention_rate: 1 / 3, churn_rate: 1 - 1 / 3 },
      { period: '2024-02-01', active_customers: 2, retained: 0, retention_rate: 0, churn_rate: 1 },
      { period: '2024-03-01', active_customers: 0, retained: 0, retention_rate: null, churn_rate: null },
      { period: '2024-04-01', active_customers: 2, retained: 0, retention_rate: 0, churn_rate: 1 },
      { period: '2024-05-01', active_customers: 0, retained: 0, retention_rate: null, churn_rate: null },
      { period: '2024-06-01', active_customers: 3, retained: null, retention_rate: null, churn_rate: null },
    ]);
  });

  it('and quarter to quarter', async () => {
    // Q1 A B C F, Q2 A C D E → A and C stay.
    expect(await run(db, retentionSql({ orders: fx.orders, grain: 'quarter', filters: H1 }))).toEqual([
      { period: '2024-01-01', active_customers: 4, retained: 2, retention_rate: 0.5, churn_rate: 0.5 },
      { period: '2024-04-01', active_customers: 4, retained: null, retention_rate: null, churn_rate: null },
    ]);
  });
});

describe('loyalty measures on the demo workspace', () => {
  it('run on real-shaped data', async () => {
    const [l] = await run(db, loyaltySql({ orders: demo.orders, filters: { from: '2025-01-01', to: '2025-12-31' } }));
    expect(Number(l!.repeat_rate)).toBeGreaterThan(0.3);
    expect(Number(l!.repeat_rate)).toBeLessThan(1);
    expect(Number(l!.cross_rate)).toBeGreaterThan(0.3);
    expect(Number(l!.median_interpurchase_days)).toBeGreaterThan(0);
    const ret = await run(db, retentionSql({ orders: demo.orders }));
    expect(ret).toHaveLength(36);
    expect(ret.at(-1)!.retained).toBeNull();
    for (const r of ret.slice(0, -1)) {
      expect(Number(r.retention_rate)).toBeGreaterThan(0);
      expect(Number(r.retention_rate)).toBeLessThan(1);
    }
  });
});
