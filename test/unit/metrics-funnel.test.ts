import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import { funnelSql, funnelStepKind, humanizeColumn, leadDealFunnelSql, type FunnelStages } from '../../src/metrics/funnel.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { DATA_DIR, hasDataSet, loadDemo, loadMeasureFixture, run, type DemoTables, type MeasureFixture } from './metrics-helpers.ts';

const HAS_OLIST = hasDataSet('olist_marketing_funnel', 'metrics-funnel');

let db: Db;
let fx: MeasureFixture;
let demo: DemoTables;

beforeAll(async () => {
  db = await openNodeDb();
  fx = await loadMeasureFixture(db);
  demo = await loadDemo(db);
});
afterAll(async () => db.close());

const STAGE_VALUES: FunnelStages = { kind: 'stage_column', values: ['lead', 'MQL', 'SQL', 'opportunity', 'won'] };
const STAGE_DATES: FunnelStages = {
  kind: 'date_columns', columns: ['created_at', 'mql_at', 'sql_at', 'opportunity_at', 'won_at'], labels: ['lead', 'MQL', 'SQL', 'opportunity', 'won'],
};

// Leads: L1 L2 L3 won (search, search, social) · L4 opportunity (social) · L5 SQL (search) · L6 MQL (social) ·
// L7 MQL (search) · L8 "lost" (social; not a funnel value, so the first step only). L2 is written "Won".
describe('funnelSql on crm-measures', () => {
  it('counts leads per stage from the stage column, with conversion, drop-off and the bottleneck', async () => {
    const rows = await run(db, funnelSql({ leads: fx.leads, stages: STAGE_VALUES }));
    expect(rows.map((r) => [r.step, r.leads, r.drop_off, r.is_bottleneck])).toEqual([
      ['lead', 8, null, false], ['MQL', 7, 1, false], ['SQL', 5, 2, true], ['opportunity', 4, 1, false], ['won', 3, 1, false],
    ]);
    const conv = [null, 7 / 8, 5 / 7, 4 / 5, 3 / 4];
    rows.forEach((r, k) => {
      if (conv[k] === null) expect(r.conversion_from_prev).toBeNull();
      else expect(r.conversion_from_prev).toBeCloseTo(conv[k]!, 12);
      expect(r.conversion_overall).toBeCloseTo([8, 7, 5, 4, 3][k]! / 8, 12);
      expect(r.median_days_from_prev).toBeNull();
    });
    expect(rows[2]!.drop_rate).toBeCloseTo(2 / 7, 12);
  });

  it('gives the same counts from stage dates, plus median days between steps', async () => {
    const rows = await run(db, funnelSql({ leads: fx.leads, stages: STAGE_DATES }));
    expect(rows.map((r) => r.leads)).toEqual([8, 7, 5, 4, 3]);
    // created→MQL 2 1 2 1 2 1 2 · MQL→SQL 5 4 8 3 4 · SQL→opp 7 10 12 5 · opp→won 6 15 18.
    expect(rows.map((r) => r.median_days_from_prev)).toEqual([null, 2, 4, 8.5, 15]);
    expect(rows.find((r) => r.is_bottleneck)!.step).toBe('SQL');
  });

  it('by channel, each with its own bottleneck', async () => {
    const rows = await run(db, funnelSql({ leads: fx.leads, stages: STAGE_DATES, by: 'channel' }));
    const of = (g: string) => rows.filter((r) => r.group_value === g);
    // search L1 L2 L5 L7: 4 4 3 2 2; social L3 L4 L6 L8: 4 3 2 2 1.
    expect(of('search').map((r) => r.leads)).toEqual([4, 4, 3, 2, 2]);
    expect(of('social').map((r) => r.leads)).toEqual([4, 3, 2, 2, 1]);
    expect(of('search').find((r) => r.is_bottleneck)!.step).toBe('opportunity');
    expect(of('social').find((r) => r.is_bottleneck)!.step).toBe('won');
  });

  it('filters leads by creation date, and says when a stage column is missing', async () => {
    // Created in February: L4 (opportunity), L5 (SQL), L6 (MQL).
    const rows = await run(db, funnelSql({ leads: fx.leads, stages: STAGE_VALUES, filters: { from: '2024-02-01', to: '2024-02-29' } }));
    expect(rows.map((r) => r.leads)).toEqual([3, 3, 2, 1, 0]);
    expect(funnelSql({ leads: fx.leads, stages: { kind: 'date_columns', columns: ['created_at', 'demo_at'] } })).toEqual({
      ok: false, unavailable: { reason: 'missing_column', kind: 'leads', table: 'fx_leads', columns: ['demo_at'] },
    });
  });
});

describe('leadDealFunnelSql on crm-measures', () => {
  it('joins leads to closed deals by lead id', async () => {
    // Deals: L1 (won 01-21, 20 days), L3 (02-19, 40 days), L9 (no such lead).
    expect(await run(db, leadDealFunnelSql({ leads: fx.leads, deals: fx.deals }))).toEqual([
      { group_value: null, leads: 8, deals: 2, conversion: 0.25, median_days_to_deal: 30, p90_days_to_deal: 38, deals_without_lead: 1 },
    ]);
    const rows = await run(db, leadDealFunnelSql({ leads: fx.leads, deals: fx.deals, by: 'channel' }));
    expect(rows.map((r) => [r.group_value, r.leads, r.deals])).toEqual([['search', 4, 1], ['social', 4, 1]]);
  });
});

describe('funnel measures on the demo workspace', () => {
  it('run from the stage column and from the stage dates, and agree', async () => {
    const values = { kind: 'stage_column', values: ['lead', 'MQL', 'SQL', 'opportunity', 'won'] } as const;
    const byValue = await run(db, funnelSql({ leads: demo.leads, stages: values }));
    const byDate = await run(db, funnelSql({ leads: demo.leads, stages: STAGE_DATES }));
    expect(byValue.map((r) => r.leads)).toEqual(byDate.map((r) => r.leads));
    expect(byValue[0]!.leads).toBe(5000);
    // Each lead goes on with 42 %, 45 %, 55 % (plus the won leads that made every step).
    expect(Number(byDate[1]!.conversion_from_prev)).toBeGreaterThan(0.4);
    expect(byDate.filter((r) => r.is_bottleneck)).toHaveLength(1);
    const byChannel = await run(db, funnelSql({ leads: demo.leads, stages: STAGE_DATES, by: 'channel' }));
    expect(byChannel).toHaveLength(6 * 5);
  });
});

describe.skipIf(!HAS_OLIST)('leadDealFunnelSql on the Olist marketing funnel (real data)', () => {
  it('converts 842 of 8,000 marketing-qualified leads (10.525 %)', async () => {
    const dir = path.join(DATA_DIR, 'olist_marketing_funnel');
    const load = async (file: string) => (await loadDelimited(db, { fileName: file, bytes: new Uint8Array(readFileSync(path.join(dir, file))) })).table;
    const leads = await load('olist_marketing_qualified_leads_dataset.csv');
    const deals = await load('olist_closed_deals_dataset.csv');
    // The roles ingest suggests are the ones this needs.
    expect(leads.roles).toMatchObject({ lead_id: 'mql_id', created_at: 'first_contact_date', channel: 'origin' });
    expect(deals.roles).toMatchObject({ lead_id: 'mql_id', won_at: 'won_date' });
    const [row] = await run(db, leadDealFunnelSql({ leads, deals }));
    expect(row).toMatchObject({ leads: 8000, deals: 842, deals_without_lead: 0 });
    expect(row!.conversion).toBeCloseTo(0.10525, 12);
    const byOrigin = await run(db, leadDealFunnelSql({ leads, deals, by: 'channel' }));
    expect(byOrigin.reduce((s, r) => s + Number(r.deals), 0)).toBe(842);
    console.info(`[metrics-funnel] olist: median ${row!.median_days_to_deal} days from first contact to deal; by origin ${byOrigin.map((r) => `${r.group_value} ${r.deals}/${r.leads}`).join(', ')}`);
  });
});

describe('funnel step names in words', () => {
  const leads = (names: string[], roles: TableInfo['roles']): TableInfo => ({
    name: 'l', source: 'test', kind: 'leads', rowCount: 0, columns: names.map((name) => ({ name, type: 'DATE' })), roles,
  });

  it('reads the demo steps (English and Chinese headers) by role and by name', () => {
    const en = leads(['created_at', 'mql_at', 'sql_at', 'opportunity_at', 'won_at'], { created_at: 'created_at', won_at: 'won_at' });
    expect(en.columns.map((c) => funnelStepKind(en, c.name))).toEqual(['created', 'mql', 'sql', 'opportunity', 'won']);
    const zh = leads(['创建日期', 'MQL日期', 'SQL日期', '商机日期', '成交日期'], { created_at: '创建日期', won_at: '成交日期' });
    expect(zh.columns.map((c) => funnelStepKind(zh, c.name))).toEqual(['created', 'mql', 'sql', 'opportunity', 'won']);
  });

  it('leaves unknown columns to a humanised name, and does not read "sql" inside another word', () => {
    const l = leads(['first_call_at', 'mysql_sync_at'], {});
    expect(funnelStepKind(l, 'first_call_at')).toBeNull();
    expect(funnelStepKind(l, 'mysql_sync_at')).toBeNull();
    expect(humanizeColumn('first_call_at')).toBe('First call');
    expect(humanizeColumn('Demo Date')).toBe('Demo');
  });
});
