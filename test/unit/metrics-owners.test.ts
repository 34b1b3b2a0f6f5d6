/**
 * Sales staff performance (ownersSql) and the sales cycle closed by a second
 * deals table (salesCycleSql with `deals`), on real DuckDB-WASM, from generated
 * files loaded as the app loads them (roles as ingest suggests them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { hasOwners, ownersSql, periodEnding, previousPeriod } from '../../src/metrics/owners.ts';
import { closeFromDeals, salesCycleSql } from '../../src/metrics/sales.ts';
import { leadTables } from '../../src/report/analytics.ts';
import { loadOwners } from '../../src/report/owners.ts';
import { byKey, loadDemo, run } from './metrics-helpers.ts';

let db: Db;

async function load(name: string, csv: string): Promise<TableInfo> {
  const { table } = await loadDelimited(db, { fileName: `${name}.csv`, bytes: new TextEncoder().encode(csv), tableName: name });
  return table;
}

beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

// Chinese headers and names, a blank and a missing owner, two owners tied on revenue and deals.
// 线索 created → 成交 won; 预计金额 the deal value.
const LEADS_ZH = [
  '线索ID,创建日期,负责人,成交日期,预计金额',
  'L1,2025-01-05,陈晓雯,2025-01-15,1000',
  'L2,2025-01-10,陈晓雯,2025-02-09,3000',
  'L3,2025-01-12,陈晓雯,,',
  'L4,2025-02-01,吴浩然,2025-02-21,4000',
  'L5,2025-02-03,吴浩然,,',
  'L6,2025-02-04, ,2025-02-10,500',
  'L7,2025-02-05,,,',
  'L8,2025-03-01,李嘉欣,2025-03-11,4000',
  'L9,2024-12-01,李嘉欣,2025-01-20,2000',
  'L10,2024-11-01,吴浩然,2024-12-01,9000',
].join('\n');

describe('ownersSql', () => {
  it('finds the owner and dates in Chinese headers', async () => {
    const leads = await load('own_leads', LEADS_ZH);
    expect(leads.kind).toBe('leads');
    expect(leads.roles).toMatchObject({ owner: '负责人', created_at: '创建日期', won_at: '成交日期', value: '预计金额' });
    expect(hasOwners(leads)).toBe(true);
  });

  it('per owner: leads, conversion, deals, revenue, average deal, median cycle; blank owners are one group; ties share a rank', async () => {
    const leads = await load('own_leads2', LEADS_ZH);
    const rows = await run(db, ownersSql({ leads, from: '2025-01-01', to: '2025-03-31' }));
    const by = byKey(rows, 'owner');
    // 陈晓雯: leads L1 L2 L3 (2 won) · deals L1 (10 d, 1000), L2 (30 d, 3000).
    expect(by.get('陈晓雯')).toMatchObject({ leads: 3, leads_won: 2, deals: 2, revenue: 4000, avg_deal: 2000, median_cycle_days: 20 });
    expect(by.get('陈晓雯')!.conversion).toBeCloseTo(2 / 3, 12);
    // 吴浩然: leads L4 L5 · deal L4 (20 d, 4000); L10 was won in 2024, outside the period.
    expect(by.get('吴浩然')).toMatchObject({ leads: 2, leads_won: 1, deals: 1, revenue: 4000, median_cycle_days: 20 });
    // 李嘉欣: lead L8 · deals L8 (10 d, 4000) and L9 (created 2024, won in the period: 50 d, 2000).
    expect(by.get('李嘉欣')).toMatchObject({ leads: 1, leads_won: 1, deals: 2, revenue: 6000, median_cycle_days: 30 });
    // " " and "" are one unassigned group: L6 (won, 500) and L7.
    expect(by.get(null)).toMatchObject({ leads: 2, leads_won: 1, deals: 1, revenue: 500 });
    expect(rows.map((r) => [r.owner, r.rank])).toEqual([['李嘉欣', 1], ['陈晓雯', 2], ['吴浩然', 3], [null, 4]]);
  });

  it('a shorter period ranks again', async () => {
    const leads = await load('own_leads3', LEADS_ZH);
    const rows = await run(db, ownersSql({ leads, from: '2025-02-01', to: '2025-02-28' }));
    // February: 吴浩然 L4 4000 · 陈晓雯 L2 3000 · unassigned L6 500; 李嘉欣 has neither a lead nor a deal.
    expect(rows.map((r) => [r.owner, r.deals, r.revenue, r.rank])).toEqual([['吴浩然', 1, 4000, 1], ['陈晓雯', 1, 3000, 2], [null, 1, 500, 3]]);
  });

  it('gives equal ranks to equal revenue and deals', async () => {
    const leads = await load('own_tie', ['lead_id,created_at,owner,won_at,value', 'A1,2025-01-01,Ann,2025-01-05,100', 'B1,2025-01-01,Bo,2025-01-09,100', 'C1,2025-01-01,Cy,2025-01-02,50'].join('\n'));
    const rows = await run(db, ownersSql({ leads, from: '2025-01-01', to: '2025-01-31' }));
    expect(rows.map((r) => [r.owner, r.rank])).toEqual([['Ann', 1], ['Bo', 1], ['Cy', 3]]);
  });

  it('takes the close date and owner from a deals table when the leads lack them (olist-like)', async () => {
    const leads = await load('own_mql', ['mql_id,first_contact_date,origin', 'm1,2025-01-01,social', 'm2,2025-01-02,social', 'm3,2025-01-03,paid', 'm4,2025-01-04,paid'].join('\n'));
    const deals = await load('own_deals', ['mql_id,sr_id,won_date', 'm1,rep-a,2025-01-11 10:00:00', 'm2,rep-a,2025-01-22 09:30:00', 'm3,rep-b,2025-01-05 00:00:00'].join('\n'));
    expect(hasOwners(leads)).toBe(false);
    expect(hasOwners(leads, deals)).toBe(true);
    const rows = await run(db, ownersSql({ leads, deals, from: '2025-01-01', to: '2025-01-31' }));
    // Owners known only for closed deals: no lead counts or conversion, and no "unassigned" row of unclosed leads.
    expect(rows.map((r) => [r.owner, r.leads, r.conversion, r.deals, r.median_cycle_days])).toEqual([['rep-a', null, null, 2, 15], ['rep-b', null, null, 1, 2]]);
  });

  it('previous period: the same number of days just before', () => {
    expect(previousPeriod('2025-03-01', '2025-03-31')).toEqual({ from: '2025-02-01', to: '2025-02-28' });
    expect(previousPeriod('2025-03-05', '2025-03-14')).toEqual({ from: '2025-02-23', to: '2025-03-04' });
    expect(periodEnding('2025-12-31', 12)).toEqual({ from: '2025-01-01', to: '2025-12-31' });
    expect(periodEnding('2025-05-30', 3)).toEqual({ from: '2025-02-28', to: '2025-05-30' });
    expect(previousPeriod('2024-01-01', '2024-12-31')).toEqual({ from: '2023-01-01', to: '2023-12-31' });
    expect(() => previousPeriod('2025-02-01', '2025-01-01')).toThrow(/forward/);
  });
});

describe('loadOwners on the demo', () => {
  it('ranks the demo owners this period against the previous one', async () => {
    const demo = await loadDemo(db);
    const r = await loadOwners(db, [demo.customers, demo.orders, demo.tickets, demo.leads], {}, 'year');
    expect(r).not.toBeNull();
    const last = (await db.query(`SELECT CAST(greatest(max(CAST("created_at" AS DATE)), max(CAST("won_at" AS DATE))) AS VARCHAR) AS d FROM demo_leads`)).rows[0]!.d;
    expect(r!.period).toEqual(periodEnding(String(last), 12));
    expect(r!.previous).toEqual(previousPeriod(r!.period.from, r!.period.to));
    const { from, to } = r!.period;
    const named = r!.rows.filter((x) => x.owner !== null);
    expect(named.length).toBeGreaterThanOrEqual(3);
    // Revenue, deals and conversion agree with the leads table counted directly.
    const check = (await db.query(
      `SELECT count(*) AS n, sum("value") AS v FROM demo_leads WHERE "owner" = '${named[0]!.owner}' AND CAST("won_at" AS DATE) BETWEEN DATE '${from}' AND DATE '${to}'`,
    )).rows[0]!;
    expect(named[0]!.current.deals).toBe(Number(check.n));
    expect(named[0]!.current.revenue).toBeCloseTo(Number(check.v), 6);
    for (const x of named) {
      if (x.previous && x.previous.revenue) expect(x.change.revenue).toBeCloseTo((x.current.revenue ?? 0) / x.previous.revenue - 1, 12);
    }
  });
});

describe('salesCycleSql closed by a deals table', () => {
  it('uses the deals table’s won date when the leads table has none', async () => {
    // Two files: leads (created) and closed deals (won), ids as floats in one file and text in the other.
    const leads = await load('cyc_leads', ['lead_id,created_at,channel', '1,2025-01-01,web', '2,2025-01-01,web', '3,2025-01-10,fair', '4,2025-01-10,fair', '5,2025-02-01,web'].join('\n'));
    const deals = await load('cyc_deals', ['lead_id,won_date', '1,2025-01-05', '2,2025-01-15', '2,2025-01-11', '3,2025-01-09', '9,2025-01-20'].join('\n'));
    const { leads: l, deals: d } = leadTables([leads, deals]);
    expect(l?.name).toBe('cyc_leads');
    expect(d?.name).toBe('cyc_deals');
    expect(closeFromDeals(leads, deals)).toBe(true);
    // Without the deals table: no won_at.
    expect(salesCycleSql({ leads }).ok).toBe(false);
    const rows = await run(db, salesCycleSql({ leads, deals }));
    // Lead 1: 4 d. Lead 2: its earliest deal (10 d). Lead 3: won before created, left out. Deal 9 has no lead.
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ won_leads: 2, median_days: 7, min_days: 4, max_days: 10 });
  });

  it('matches ids written alike and filters by the won day', async () => {
    const leads = await load('cyc_leads2', ['lead_id,created_at', 'a,2025-01-01', 'b,2025-01-01', 'c,2025-01-10'].join('\n'));
    const deals = await load('cyc_deals2', ['lead_id,won_date', 'a,2025-01-05 08:00:00', 'b,2025-01-21 23:59:00', 'c,2025-02-10 00:00:00'].join('\n'));
    const all = await run(db, salesCycleSql({ leads, deals }));
    expect(all[0]).toMatchObject({ won_leads: 3, median_days: 20, min_days: 4, max_days: 31 });
    const jan = await run(db, salesCycleSql({ leads, deals, filters: { from: '2025-01-01', to: '2025-01-31' } }));
    expect(jan[0]).toMatchObject({ won_leads: 2, median_days: 12 });
  });
});
