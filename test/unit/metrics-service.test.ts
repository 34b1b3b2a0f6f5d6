import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { satisfactionChurnSql, satisfactionSql, serviceTimesSql, ticketVolumeSql } from '../../src/metrics/service.ts';
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

// Tickets: T1 A Jan delivery (response 1 h, resolved 12 h, rated 5) · T2 B Jan quality (4 h, 48 h, 1) ·
// T3 B Feb quality (8 h, 48 h, 2) · T4 C Feb delivery (2 h, 24 h, 4) · T5 D Apr returns (6 h, 72 h, 2) ·
// T6 F Jan delivery (1 h, 6 h, 3) · T7 E Jun delivery (0.5 h, still open, unrated) · T8 A Jun returns (3 h, 24 h, 4).
describe('ticketVolumeSql on crm-measures', () => {
  it('counts tickets per month, empty months included', async () => {
    const rows = await run(db, ticketVolumeSql({ tickets: fx.tickets }));
    expect(rows.map((r) => [r.period, r.tickets])).toEqual([
      ['2024-01-01', 3], ['2024-02-01', 2], ['2024-03-01', 0], ['2024-04-01', 1], ['2024-05-01', 0], ['2024-06-01', 2],
    ]);
  });

  it('and per category, every category in every month', async () => {
    const rows = await run(db, ticketVolumeSql({ tickets: fx.tickets, byCategory: true }));
    expect(rows).toHaveLength(18);
    const cell = (p: string, c: string) => rows.find((r) => r.period === p && r.group_value === c)?.tickets;
    expect([cell('2024-01-01', 'delivery'), cell('2024-01-01', 'quality'), cell('2024-01-01', 'returns')]).toEqual([2, 1, 0]);
    expect([cell('2024-06-01', 'delivery'), cell('2024-06-01', 'returns'), cell('2024-03-01', 'quality')]).toEqual([1, 1, 0]);
  });

  it('filters by the customer segment and by date', async () => {
    // Business customers C, D: T4 (Feb), T5 (Apr); Feb–Apr only.
    const rows = await run(db, ticketVolumeSql({ tickets: fx.tickets, customers: fx.customers, filters: { segment: ['Business'], from: '2024-02-01', to: '2024-04-30' } }));
    expect(rows.map((r) => [r.period, r.tickets])).toEqual([['2024-02-01', 1], ['2024-03-01', 0], ['2024-04-01', 1]]);
  });
});

describe('serviceTimesSql on crm-measures', () => {
  it('gives median and p90 hours to first response and to resolution', async () => {
    // Response 0.5 1 1 2 3 4 6 8 → median 2.5, p90 6 + 0.3 × 2. Resolution 6 12 24 24 48 48 72 → 24, 48 + 0.4 × 24.
    const [row] = await run(db, serviceTimesSql({ tickets: fx.tickets }));
    expect(row).toMatchObject({ group_value: null, tickets: 8, responded: 8, median_first_response_hours: 2.5, resolved: 7, median_resolution_hours: 24 });
    expect(row!.p90_first_response_hours).toBeCloseTo(6.6, 10);
    expect(row!.p90_resolution_hours).toBeCloseTo(57.6, 10);
  });

  it('per category', async () => {
    const d = byKey(await run(db, serviceTimesSql({ tickets: fx.tickets, byCategory: true })), 'group_value').get('delivery')!;
    // Delivery: response 0.5 1 1 2, resolution 6 12 24 (T7 open).
    expect(d).toMatchObject({ tickets: 4, responded: 4, median_first_response_hours: 1, resolved: 3, median_resolution_hours: 12 });
    expect(d.p90_first_response_hours).toBeCloseTo(1.7, 10);
    expect(d.p90_resolution_hours).toBeCloseTo(21.6, 10);
  });
});

describe('satisfactionSql on crm-measures', () => {
  it('lists scores 1–5 with counts and shares of rated tickets', async () => {
    expect(await run(db, satisfactionSql({ tickets: fx.tickets }))).toEqual([
      { score: 1, tickets: 1, share: 1 / 7 }, { score: 2, tickets: 2, share: 2 / 7 }, { score: 3, tickets: 1, share: 1 / 7 },
      { score: 4, tickets: 2, share: 2 / 7 }, { score: 5, tickets: 1, share: 1 / 7 },
    ]);
  });
});

describe('satisfactionChurnSql on crm-measures', () => {
  it('compares churn among dissatisfied, satisfied and unrated customers', async () => {
    // Average rating: A 4.5, B 1.5, C 4, D 2, F 3; E, G, H unrated. Churn: B, D, F yes; A, C, E, H no; G blank.
    const rows = await run(db, satisfactionChurnSql({ tickets: fx.tickets, customers: fx.customers }));
    expect(rows.map((r) => r.group)).toEqual(['dissatisfied', 'satisfied', 'unrated', 'not_dissatisfied']);
    expect(rows[0]).toEqual({ group: 'dissatisfied', customers: 2, churn_known: 2, churned: 2, churn_rate: 1, avg_satisfaction: 1.75 });
    expect(rows[1]).toMatchObject({ customers: 3, churn_known: 3, churned: 1, churn_rate: 1 / 3 });
    expect(rows[1]!.avg_satisfaction).toBeCloseTo(11.5 / 3, 12);
    expect(rows[2]).toEqual({ group: 'unrated', customers: 3, churn_known: 2, churned: 0, churn_rate: 0, avg_satisfaction: null });
    expect(rows[3]).toMatchObject({ group: 'not_dissatisfied', customers: 6, churn_known: 5, churned: 1, churn_rate: 1 / 5 });
  });

  it('counts only ratings in the date range', async () => {
    // January: T1 A 5, T2 B 1, T6 F 3.
    const rows = byKey(await run(db, satisfactionChurnSql({ tickets: fx.tickets, customers: fx.customers, filters: { to: '2024-01-31' } })), 'group');
    expect(rows.get('dissatisfied')).toMatchObject({ customers: 1, churned: 1 });
    expect(rows.get('satisfied')).toMatchObject({ customers: 2, churned: 1 });
    expect(rows.get('unrated')).toMatchObject({ customers: 5 });
  });

  it('is unavailable without a churn role', () => {
    const noChurn = { ...fx.customers, roles: { customer_id: 'customer_id' } };
    expect(satisfactionChurnSql({ tickets: fx.tickets, customers: noChurn })).toEqual({
      ok: false, unavailable: { reason: 'missing_role', kind: 'customers', table: 'fx_customers', roles: ['churn'] },
    });
  });
});

describe('service measures on the demo workspace', () => {
  it('run on real-shaped data, and dissatisfied customers churn about twice as often', async () => {
    const vol = await run(db, ticketVolumeSql({ tickets: demo.tickets, byCategory: true, grain: 'quarter' }));
    expect(vol.length % 12).toBe(0);
    const [times] = await run(db, serviceTimesSql({ tickets: demo.tickets }));
    // Response ~ lognormal around 2 h, resolution around a day.
    expect(Number(times!.median_first_response_hours)).toBeGreaterThan(1);
    expect(Number(times!.median_first_response_hours)).toBeLessThan(5);
    expect(Number(times!.median_resolution_hours)).toBeGreaterThan(Number(times!.median_first_response_hours));
    const sat = await run(db, satisfactionSql({ tickets: demo.tickets }));
    expect(sat.reduce((s, r) => s + Number(r.share), 0)).toBeCloseTo(1, 10);
    const churn = byKey(await run(db, satisfactionChurnSql({ tickets: demo.tickets, customers: demo.customers })), 'group');
    const rate = (g: string) => Number(churn.get(g)!.churn_rate);
    const size = (g: string) => Number(churn.get(g)!.customers);
    console.info(
      `[metrics-service] demo churn: dissatisfied ${(100 * rate('dissatisfied')).toFixed(1)} % of ${size('dissatisfied')}, ` +
        `satisfied ${(100 * rate('satisfied')).toFixed(1)} % of ${size('satisfied')}, unrated ${(100 * rate('unrated')).toFixed(1)} % of ${size('unrated')}, ` +
        `all not dissatisfied ${(100 * rate('not_dissatisfied')).toFixed(1)} % of ${size('not_dissatisfied')}`,
    );
    // The generator targets ≈ 42 % among the dissatisfied vs ≈ 20 % among everyone else (satisfied and unrated).
    expect(rate('dissatisfied')).toBeGreaterThan(0.36);
    expect(rate('dissatisfied')).toBeLessThan(0.48);
    expect(rate('not_dissatisfied')).toBeGreaterThan(0.17);
    expect(rate('not_dissatisfied')).toBeLessThan(0.23);
    // Among rated customers only the gap is smaller: those who never rated a ticket churn least.
    expect(rate('satisfied')).toBeGreaterThan(rate('not_dissatisfied'));
    expect(rate('satisfied')).toBeLessThan(rate('dissatisfied'));
    expect(size('dissatisfied') + size('not_dissatisfied')).toBe(2000);
  });
});
