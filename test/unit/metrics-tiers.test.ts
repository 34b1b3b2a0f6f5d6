import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { customerTiersSql, lorenzSql, paretoSql, tierOf, tierSummarySql, TIERS } from '../../src/metrics/tiers.ts';
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

const AS_OF = '2024-06-30';

// RFM on 2024-06-30 (O12 in July left out): A recency 20, 4 orders, 260 · B 162, 1, 120 · C 5, 3, 1170 ·
// D 86, 1, 50 · E 29, 1, 15 · F 180, 1, 10. Medians: recency 57.5, frequency 1, monetary 85.
describe('tiers on crm-measures', () => {
  it('flags each customer against the medians and assigns a tier', async () => {
    const rows = await run(db, customerTiersSql({ orders: fx.orders, asOf: AS_OF }));
    expect(rows.map((r) => [r.customer_id, r.recent, r.frequent, r.high_value, r.tier, r.action])).toEqual([
      ['A', true, true, true, 'important', 'retain_vip'],
      ['B', false, false, true, 'ordinary', 'win_back'],
      ['C', true, true, true, 'important', 'retain_vip'],
      ['D', false, false, false, 'low_value', 'low_cost'],
      ['E', true, false, false, 'potential', 'develop'],
      ['F', false, false, false, 'low_value', 'low_cost'],
    ]);
    expect(rows[0]!.tier_zh).toBe('重要价值客户');
  });

  it('summarizes the four tiers with revenue shares and the cut points', async () => {
    const rows = await run(db, tierSummarySql({ orders: fx.orders, asOf: AS_OF }));
    expect(rows.map((r) => [r.tier, r.customers, r.revenue])).toEqual([['important', 2, 1430], ['potential', 1, 15], ['ordinary', 1, 120], ['low_value', 2, 60]]);
    expect(rows[0]).toMatchObject({ tier_zh: '重要价值客户', action: 'retain_vip', avg_recency_days: 12.5, avg_frequency: 3.5, median_recency_days: 57.5, median_frequency: 1, median_monetary: 85 });
    expect(rows[0]!.revenue_share).toBeCloseTo(1430 / 1625, 12);
    expect(rows[0]!.customer_share).toBeCloseTo(2 / 6, 12);
    expect(rows.reduce((s, r) => s + Number(r.revenue_share), 0)).toBeCloseTo(1, 12);
  });

  it('re-scores within the filtered customers', async () => {
    // Consumers A, B, E, F: medians recency 95.5, frequency 1, monetary 67.5 → one of each tier.
    const rows = await run(db, tierSummarySql({ orders: fx.orders, customers: fx.customers, asOf: AS_OF, filters: { segment: ['Consumer'] } }));
    expect(rows.map((r) => r.customers)).toEqual([1, 1, 1, 1]);
    expect(rows[0]).toMatchObject({ median_recency_days: 95.5, median_monetary: 67.5 });
  });

  it('keeps tierOf and the SQL rule the same', () => {
    expect(tierOf(true, true, true)).toBe('important');
    expect(tierOf(true, true, false)).toBe('potential');
    expect(tierOf(true, false, true)).toBe('potential');
    expect(tierOf(false, true, false)).toBe('ordinary');
    expect(tierOf(false, false, true)).toBe('ordinary');
    expect(tierOf(false, false, false)).toBe('low_value');
    expect(TIERS.map((t) => t.tier)).toEqual(['important', 'potential', 'ordinary', 'low_value']);
  });
});

describe('Pareto and Lorenz on crm-measures', () => {
  // Spend ascending: 10 15 50 120 260 1170; running totals 10 25 75 195 455 1625.
  it('reads the top 20 % share off the Lorenz curve and computes Gini', async () => {
    const [row] = await run(db, paretoSql({ orders: fx.orders, asOf: AS_OF }));
    // L(0.8): 4.8 customers → 195 + 0.8 × 260 = 403. Gini = 1 − (2 · 2385 / 1625 − 1) / 6.
    expect(row).toMatchObject({ customers: 6, revenue: 1625, top_share: 0.2 });
    expect(row!.top_revenue_share).toBeCloseTo(1 - 403 / 1625, 12);
    expect(row!.gini).toBeCloseTo(6605 / 9750, 12);
  });

  it('gives Lorenz points from (0, 0) to (1, 1)', async () => {
    const rows = await run(db, lorenzSql({ orders: fx.orders, asOf: AS_OF, points: 5 }));
    expect(rows.map((r) => r.x)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    // 1.2 → 10 + 0.2 × 15; 2.4 → 25 + 0.4 × 50; 3.6 → 75 + 0.6 × 120; 4.8 → 403.
    [0, 13, 45, 147, 403, 1625].forEach((c, i) => expect(rows[i]!.y).toBeCloseTo(c / 1625, 12));
  });
});

describe('tiers on the demo workspace', () => {
  it('run on real-shaped data', async () => {
    const tiers = await run(db, tierSummarySql({ orders: demo.orders, asOf: '2025-12-31' }));
    expect(tiers).toHaveLength(4);
    const important = tiers[0]!;
    expect(Number(important.revenue_share)).toBeGreaterThan(Number(important.customer_share));
    expect(tiers.reduce((s, r) => s + Number(r.customers), 0)).toBeGreaterThan(1500);
    const [p] = await run(db, paretoSql({ orders: demo.orders, asOf: '2025-12-31' }));
    expect(Number(p!.top_revenue_share)).toBeGreaterThan(0.4);
    expect(Number(p!.gini)).toBeGreaterThan(0.3);
    const curve = await run(db, lorenzSql({ orders: demo.orders, asOf: '2025-12-31' }));
    expect(curve).toHaveLength(51);
    expect(curve[0]!.y).toBe(0);
    expect(curve[50]!.y).toBeCloseTo(1, 12);
    for (let i = 1; i < curve.length; i++) expect(Number(curve[i]!.y)).toBeGreaterThanOrEqual(Number(curve[i - 1]!.y));
    expect(1 - Number(curve[40]!.y)).toBeCloseTo(Number(p!.top_revenue_share), 9);
  });
});
