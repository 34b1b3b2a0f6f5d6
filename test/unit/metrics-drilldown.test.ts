import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db, Row } from '../../src/db/types.ts';
import { loadFile } from '../../src/ingest/index.ts';
import { customerStatusSql } from '../../src/metrics/customers.ts';
import { cohortRetentionSql } from '../../src/metrics/cohorts.ts';
import { drilldownSql, rowsToCsv, scopeTotalsSql, CUSTOMER_STATUSES, type DrillSelection, type DrillTables } from '../../src/metrics/drilldown.ts';
import type { Filters } from '../../src/metrics/filters.ts';
import { funnelSql, leadDealFunnelSql, type FunnelStages } from '../../src/metrics/funnel.ts';
import { TIERS, tierSummarySql } from '../../src/metrics/tiers.ts';
import { DATA_DIR, hasDataSet, loadDemo, loadMeasureFixture, run, type DemoTables, type MeasureFixture } from './metrics-helpers.ts';

const HAS_OLIST = hasDataSet('olist_marketing_funnel', 'metrics-drilldown');

let db: Db;
let fx: MeasureFixture;
let demo: DemoTables;
let demoAsOf: string;

beforeAll(async () => {
  db = await openNodeDb();
  fx = await loadMeasureFixture(db);
  demo = await loadDemo(db);
  demoAsOf = String((await db.query(`SELECT CAST(max(CAST(order_date AS DATE)) AS VARCHAR) AS d FROM demo_orders`)).rows[0]!.d);
});
afterAll(async () => db.close());

async function drill(tables: DrillTables, selection: DrillSelection, filters: Filters = {}, opts: { asOf?: string; limit?: number } = {}): Promise<Row[]> {
  return run(db, drilldownSql(tables, selection, filters, opts));
}
const total = (rows: readonly Row[]) => (rows.length === 0 ? 0 : Number(rows[0]!.total_rows));

describe('drilldownSql on crm-measures (hand-checked rows)', () => {
  const tables = () => ({ orders: fx.orders, customers: fx.customers });

  it('lists the customers of a status bar with their profile, largest revenue first', async () => {
    // As of 2024-06-30 (90 / 180 days): active A C D E, dormant B F, no orders G; H signed up later.
    const active = await drill(tables(), { kind: 'status', status: 'active' }, {}, { asOf: '2024-06-30' });
    expect(active.map((r) => r.customer_id)).toEqual(['C', 'A', 'D', 'E']);
    // Order lines up to the as-of day are not cut by it in the activity columns unless `to` is set; A has O12 on 07-03.
    expect(active[1]).toMatchObject({ customer_id: 'A', segment: 'Consumer', region: 'North', channel: 'web', churned: false, orders: 5, revenue: 272, first_order: '2023-06-15', last_order: '2024-07-03', status: 'active' });
    expect(active[0]).toMatchObject({ customer_id: 'C', orders: 3, revenue: 1170, total_rows: 4 });
    const none = await drill(tables(), { kind: 'status', status: 'no_orders' }, {}, { asOf: '2024-06-30' });
    expect(none).toEqual([
      { customer_id: 'G', segment: 'Business', region: 'North', channel: 'store', churned: null, orders: 0, revenue: null, first_order: null, last_order: null, status: 'no_orders', tier: null, total_rows: 1 },
    ]);
  });

  it('matches customerStatusSql bar by bar, with and without filters', async () => {
    for (const filters of [{}, { region: ['North'] }, { from: '2024-04-01', to: '2024-06-30' }, { category: ['Accessories'] }] as Filters[]) {
      const [counts] = await run(db, customerStatusSql({ ...tables(), asOf: '2024-06-30', filters }));
      for (const status of CUSTOMER_STATUSES) {
        const rows = await drill(tables(), { kind: 'status', status }, filters, { asOf: '2024-06-30' });
        expect(total(rows), `${status} ${JSON.stringify(filters)}`).toBe(counts![status]);
        expect(rows.every((r) => r.status === status)).toBe(true);
      }
    }
  });

  it('lists the filtered buyers; totals agree with scopeTotalsSql', async () => {
    const filters: Filters = { from: '2024-01-01', to: '2024-03-31', segment: ['Consumer'] };
    const rows = await drill(tables(), { kind: 'filtered' }, filters, { asOf: '2024-03-31' });
    // Consumer orders in Q1 2024: A (O2, O4), B (O3), F (O6).
    expect(rows.map((r) => [r.customer_id, r.orders, r.revenue])).toEqual([['B', 1, 120], ['A', 2, 50], ['F', 1, 10]]);
    const [scope] = await run(db, scopeTotalsSql(tables(), filters));
    expect(scope).toEqual({ customers: 3, orders: 4, lines: 4, revenue: 180, no_customer_lines: 0, return_lines: 0, return_amount: 0 });
  });

  it('keeps an id list (a cluster) to the filtered customers, and never reads ids as SQL', async () => {
    const rows = await drill(tables(), { kind: 'customers', ids: ['A', 'G', 'nobody', "x'); DROP TABLE fx_orders; --"] }, { region: ['North'] });
    // G is in North but never ordered; A did.
    expect(rows.map((r) => r.customer_id)).toEqual(['A']);
    expect(await drill(tables(), { kind: 'customers', ids: [] })).toEqual([]);
    expect((await db.query('SELECT count(*) AS n FROM fx_orders')).rows[0]!.n).toBe(13);
  });

  it('caps the rows at `limit` while total_rows counts them all', async () => {
    const rows = await drill(tables(), { kind: 'filtered' }, {}, { limit: 2 });
    expect(rows.map((r) => r.customer_id)).toEqual(['C', 'A']);
    expect(total(rows)).toBe(6);
    expect(() => drilldownSql(tables(), { kind: 'filtered' }, {}, { limit: 0 })).toThrow(/limit/);
  });

  it('works from orders alone (dimensions from the lines) and from customers alone', async () => {
    const fromOrders = await drill({ orders: fx.orders }, { kind: 'status', status: 'dormant' }, {}, { asOf: '2024-06-30' });
    expect(fromOrders.map((r) => [r.customer_id, r.channel])).toEqual([['B', 'app'], ['F', 'web']]);
    const fromCustomers = await drill({ customers: fx.customers }, { kind: 'filtered' }, { segment: ['Business'] });
    expect(fromCustomers.map((r) => r.customer_id)).toEqual(['C', 'D', 'G']);
    expect(Object.keys(fromCustomers[0]!)).toEqual(['customer_id', 'segment', 'region', 'channel', 'churned', 'total_rows']);
    const [scope] = await run(db, scopeTotalsSql({ customers: fx.customers }, { segment: ['Business'] }));
    expect(scope).toEqual({ customers: 3, orders: null, lines: null, revenue: null, no_customer_lines: null, return_lines: null, return_amount: null });
    // A customers table without an id (e.g. bank marketing contacts) counts its rows.
    const noId = { ...fx.customers, roles: { segment: 'segment' } };
    expect(await run(db, scopeTotalsSql({ customers: noId }))).toEqual([{ customers: 8, orders: null, lines: null, revenue: null, no_customer_lines: null, return_lines: null, return_amount: null }]);
    expect(drilldownSql({ customers: noId }, { kind: 'filtered' })).toEqual({ ok: false, unavailable: { reason: 'missing_role', kind: 'customers', table: 'fx_customers', roles: ['customer_id'] } });
  });

  it('says why a selection is unavailable, and refuses bad input', () => {
    expect(drilldownSql({ customers: fx.customers }, { kind: 'status', status: 'active' }, {}, { asOf: '2024-06-30' })).toEqual({ ok: false, unavailable: { reason: 'no_table', kind: 'orders' } });
    expect(drilldownSql({}, { kind: 'filtered' })).toEqual({ ok: false, unavailable: { reason: 'no_table', kind: 'customers' } });
    expect(() => drilldownSql(tables(), { kind: 'status', status: 'active' })).toThrow(/as-of/);
    expect(() => drilldownSql(tables(), { kind: 'cohort', cohort: "2024-01-01' OR 1=1", monthsSince: 0 })).toThrow(/YYYY-MM-DD/);
    expect(() => drilldownSql(tables(), { kind: 'status', status: 'gone' as never }, {}, { asOf: '2024-06-30' })).toThrow(/status/);
  });
});

describe('drilldownSql matches the measures on the demo workspace', () => {
  const tables = () => ({ orders: demo.orders, customers: demo.customers });
  const filterSets: Filters[] = [{}, { segment: ['Small business'] }, { from: '2025-01-01' }, { channel: ['web'], to: '2025-09-30' }];

  it('every tier row', async () => {
    for (const filters of filterSets) {
      const asOf = filters.to ?? demoAsOf;
      const summary = await run(db, tierSummarySql({ ...tables(), asOf, filters }));
      for (const t of TIERS) {
        const rows = await drill(tables(), { kind: 'tier', tier: t.tier }, filters, { asOf, limit: 5 });
        expect(total(rows), `${t.tier} ${JSON.stringify(filters)}`).toBe(summary.find((r) => r.tier === t.tier)!.customers);
        expect(rows.every((r) => r.tier === t.tier)).toBe(true);
      }
    }
  });

  it('every status bar', async () => {
    for (const filters of filterSets) {
      const asOf = filters.to ?? demoAsOf;
      const [counts] = await run(db, customerStatusSql({ ...tables(), asOf, filters }));
      for (const status of CUSTOMER_STATUSES) {
        expect(total(await drill(tables(), { kind: 'status', status }, filters, { asOf, limit: 1 })), status).toBe(counts![status]);
      }
    }
  });

  it('cohort cells', async () => {
    for (const filters of [{}, { from: '2025-03-01', segment: ['Small business'] }] as Filters[]) {
      const cells = await run(db, cohortRetentionSql({ ...tables(), maxMonths: 6, filters }));
      // A spread of cells, empty ones included.
      for (const cell of cells.filter((_, i) => i % 11 === 0)) {
        const rows = await drill(tables(), { kind: 'cohort', cohort: String(cell.cohort), monthsSince: Number(cell.months_since) }, filters, { asOf: demoAsOf, limit: 1 });
        expect(total(rows), `${String(cell.cohort)} +${String(cell.months_since)}`).toBe(cell.customers);
      }
    }
  });

  it('the filtered list sums to the scope totals', async () => {
    const filters: Filters = { from: '2025-04-01', region: [String((await db.query('SELECT min(region) AS r FROM demo_customers')).rows[0]!.r)] };
    const rows = await drill(tables(), { kind: 'filtered' }, filters, { asOf: demoAsOf });
    const [scope] = await run(db, scopeTotalsSql(tables(), filters));
    expect(rows.length).toBe(scope!.customers);
    expect(rows.reduce((s, r) => s + Number(r.revenue ?? 0), 0)).toBeCloseTo(Number(scope!.revenue), 6);
    expect(rows.reduce((s, r) => s + Number(r.orders), 0)).toBe(scope!.orders);
  });
});

describe('drilldownSql for leads', () => {
  const STAGE_DATES: FunnelStages = { kind: 'date_columns', columns: ['created_at', 'mql_at', 'sql_at', 'opportunity_at', 'won_at'], labels: ['lead', 'MQL', 'SQL', 'opportunity', 'won'] };
  const STAGE_VALUES: FunnelStages = { kind: 'stage_column', values: ['lead', 'MQL', 'SQL', 'opportunity', 'won'] };

  it('lists the leads that reached a funnel step, as funnelSql counts them', async () => {
    for (const stages of [STAGE_DATES, STAGE_VALUES]) {
      const steps = await run(db, funnelSql({ leads: fx.leads, stages }));
      for (const s of steps) {
        const rows = await drill({ leads: fx.leads }, { kind: 'funnel_step', stages, step: Number(s.step_index) });
        expect(rows.length).toBe(s.leads);
      }
    }
    const sql = await drill({ leads: fx.leads }, { kind: 'funnel_step', stages: STAGE_DATES, step: 2 }, { channel: ['search'] });
    expect(sql.map((r) => [r.lead_id, r.channel, r.created, r.furthest_step])).toEqual([
      ['L1', 'search', '2024-01-01', 'won'], ['L2', 'search', '2024-01-05', 'won'], ['L5', 'search', '2024-02-03', 'SQL'],
    ]);
    expect(() => drilldownSql({ leads: fx.leads }, { kind: 'funnel_step', stages: STAGE_DATES, step: 5 })).toThrow(/step/);
  });

  it('lists converted and unconverted leads of the two-table funnel', async () => {
    const [f] = await run(db, leadDealFunnelSql({ leads: fx.leads, deals: fx.deals }));
    const deals = await drill({ leads: fx.leads, deals: fx.deals }, { kind: 'lead_deal', converted: true });
    expect(deals.length).toBe(f!.deals);
    // L9's deal has no lead: a data-quality count in leadDealFunnelSql, not a row here.
    expect(deals.map((r) => [r.lead_id, r.won, r.days_to_deal])).toEqual([['L1', '2024-01-21', 20], ['L3', '2024-02-19', 40]]);
    const rest = await drill({ leads: fx.leads, deals: fx.deals }, { kind: 'lead_deal', converted: false });
    const all = await drill({ leads: fx.leads, deals: fx.deals }, { kind: 'lead_deal', converted: null }, {}, { limit: 3 });
    expect(rest.length + deals.length).toBe(f!.leads);
    expect(total(all)).toBe(f!.leads);
    expect(Object.keys(rest[0]!)).toEqual(['lead_id', 'channel', 'created', 'total_rows']);
  });

  it.skipIf(!HAS_OLIST)('olist: 842 of the 8,000 leads have a deal (10.525 %)', async () => {
    const load = async (file: string) => {
      const b = readFileSync(path.join(DATA_DIR, 'olist_marketing_funnel', file));
      return (await loadFile(db, { fileName: file, bytes: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) })).table;
    };
    const leads = await load('olist_marketing_qualified_leads_dataset.csv');
    const deals = await load('olist_closed_deals_dataset.csv');
    const [f] = await run(db, leadDealFunnelSql({ leads, deals }));
    expect(f).toMatchObject({ leads: 8000, deals: 842, deals_without_lead: 0 });
    expect(f!.conversion).toBeCloseTo(0.10525, 12);
    expect(total(await drill({ leads, deals }, { kind: 'lead_deal', converted: true }, {}, { limit: 10 }))).toBe(842);
    expect(total(await drill({ leads, deals }, { kind: 'lead_deal', converted: null }, {}, { limit: 10 }))).toBe(8000);
  });
});

describe('rowsToCsv', () => {
  it('quotes what needs quoting, leaves NULL empty, keeps UTF-8 with a BOM', () => {
    const csv = rowsToCsv(['id', 'name', 'revenue'], [
      { id: 'A', name: 'Smith, "Jo"', revenue: 12.5 },
      { id: 'B', name: '张三', revenue: null },
      { id: 'C', name: ' lead\nline', revenue: 0 },
    ]);
    expect(csv).toBe('\uFEFFid,name,revenue\r\nA,"Smith, ""Jo""",12.5\r\nB,张三,\r\nC," lead\nline",0\r\n');
  });

  it('neutralises text that a spreadsheet would run as a formula; negative numbers stay numbers', () => {
    const csv = rowsToCsv(['id', 'name', 'revenue'], [
      { id: '=HYPERLINK("http://x")', name: '@SUM(A1)', revenue: -12.5 },
      { id: '-1+1', name: '+1', revenue: null },
    ]);
    expect(csv).toBe(`\uFEFFid,name,revenue\r\n"'=HYPERLINK(""http://x"")",'@SUM(A1),-12.5\r\n'-1+1,'+1,\r\n`);
  });
});
