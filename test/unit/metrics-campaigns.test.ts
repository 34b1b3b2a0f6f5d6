/**
 * Campaign effect (campaignResponseSql, campaignColumnsSql) on real DuckDB-WASM:
 * a generated contact list with Chinese headers and awkward answers, and the
 * shared iFood and bank-marketing files (skipped with a message when absent).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { campaignColumns, campaignColumnsSql, campaignResponseSql, hasResponse } from '../../src/metrics/campaigns.ts';
import { loadCampaigns } from '../../src/report/campaigns.ts';
import { byKey, DATA_DIR, hasDataSet, run } from './metrics-helpers.ts';

const HAS_IFOOD = hasDataSet('ifood_marketing_campaign', 'metrics-campaigns');
const HAS_BANK = hasDataSet('bank_marketing_additional', 'metrics-campaigns');

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

async function load(name: string, bytes: Uint8Array, fileName = `${name}.csv`): Promise<TableInfo> {
  return (await loadDelimited(db, { fileName, bytes, tableName: name })).table;
}

/** Wilson 95 % interval, written out independently of the SQL. */
function wilson(x: number, n: number): [number, number] {
  const z = 1.959963984540054;
  const p = x / n;
  const d = 1 + (z * z) / n;
  const c = (p + (z * z) / (2 * n)) / d;
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d;
  return [Math.max(0, c - h), Math.min(1, c + h)];
}

// 10 contacts: 微信 4 (2 是), 短信 3 (1 是, 1 blank answer), blank channel 3 (0 是, one blank answer).
// Cost 2 per contact (one cost blank), revenue 50 per responder (a non-responder's 50 does not count).
const ZH = [
  '客户ID,渠道,客户分群,年龄,是否响应,营销费用,营销收入',
  'C01,微信,高价值,31,是,2,50',
  'C02,微信,高价值,45,否,2,50',
  'C03,微信,普通,28,是,2,50',
  'C04,微信,普通,52,否,2,0',
  'C05,短信,普通,33,是,2,50',
  'C06,短信,普通,61,否,,0',
  'C07,短信,高价值,40,,2,0',
  'C08,,普通,22,否,2,0',
  'C09, ,普通,37,否,2,0',
  'C10,,高价值,29,,2,0',
].join('\n');

describe('campaignResponseSql on a Chinese-header contact list', () => {
  it('finds response, cost and revenue from Chinese headers', async () => {
    const t = await load('camp_zh', new TextEncoder().encode(ZH));
    expect(t.kind).toBe('customers');
    expect(t.roles).toMatchObject({ response: '是否响应', cost: '营销费用', campaign_revenue: '营销收入', channel: '渠道', segment: '客户分群' });
    expect(hasResponse(t)).toBe(true);
  });

  it('rate, Wilson interval and return on spend, by channel, with the total first', async () => {
    const t = await load('camp_zh2', new TextEncoder().encode(ZH));
    const rows = await run(db, campaignResponseSql({ table: t, by: 'channel' }));
    expect(rows[0]).toMatchObject({ is_total: true, contacts: 8, responders: 3 });
    const total = rows[0]!;
    // Cost over the 8 answered contacts, one blank: 7 × 2; revenue over the 3 responders.
    expect(total.cost).toBe(14);
    expect(total.revenue).toBe(150);
    expect(total.return_on_spend).toBeCloseTo((150 - 14) / 14, 12);
    expect(total.cost_per_response).toBeCloseTo(14 / 3, 12);
    const by = byKey(rows.slice(1), 'group_value');
    expect(by.get('微信')).toMatchObject({ contacts: 4, responders: 2, rate: 0.5 });
    const [lo, hi] = wilson(2, 4);
    expect(by.get('微信')!.ci_low).toBeCloseTo(lo, 12);
    expect(by.get('微信')!.ci_high).toBeCloseTo(hi, 12);
    expect(by.get('短信')).toMatchObject({ contacts: 2, responders: 1, cost: 2 });
    // Blank and space-only channels are one group; a blank answer is no contact counted.
    expect(by.get(null)).toMatchObject({ contacts: 2, responders: 0, rate: 0, ci_low: 0, cost: 4, revenue: 0, return_on_spend: -1, cost_per_response: null });
    expect(by.get(null)!.ci_high).toBeCloseTo(wilson(0, 2)[1], 12);
  });

  it('by segment, and a filter on the table’s own column', async () => {
    const t = await load('camp_zh3', new TextEncoder().encode(ZH));
    const seg = byKey(await run(db, campaignResponseSql({ table: t, by: 'segment' })), 'group_value');
    expect(seg.get('高价值')).toMatchObject({ contacts: 2, responders: 1 });
    expect(seg.get('普通')).toMatchObject({ contacts: 6, responders: 2 });
    const wx = await run(db, campaignResponseSql({ table: t, filters: { channel: ['微信'] } }));
    expect(wx).toHaveLength(1);
    expect(wx[0]).toMatchObject({ is_total: true, contacts: 4, responders: 2 });
  });

  it('without cost or revenue columns: no return on spend; without a response: unavailable', async () => {
    const t = await load('camp_plain', new TextEncoder().encode('customer_id,age,response\n1,30,yes\n2,40,no\n3,50,no'));
    const rows = await run(db, campaignResponseSql({ table: t }));
    expect(rows[0]).toMatchObject({ contacts: 3, responders: 1, cost: null, revenue: null, return_on_spend: null });
    expect(campaignResponseSql({ table: t, by: 'channel' }).ok).toBe(false);
    expect(campaignColumns(t)).toEqual([]);
  });
});

describe.skipIf(!HAS_IFOOD)('iFood campaigns (shared data)', () => {
  it('the last campaign: 334 of 2,240 responded; cost 6,720 and revenue 3,674 (the case’s figures); one row per campaign column', async () => {
    const bytes = new Uint8Array(readFileSync(path.join(DATA_DIR, 'ifood_marketing_campaign', 'ml_project1_data.csv')));
    const t = await load('ifood', bytes, 'ml_project1_data.csv');
    expect(t.roles).toMatchObject({ response: 'Response', cost: 'Z_CostContact', campaign_revenue: 'Z_Revenue' });
    const [total] = await run(db, campaignResponseSql({ table: t }));
    expect(total).toMatchObject({ contacts: 2240, responders: 334, cost: 6720, revenue: 3674 });
    expect(total!.return_on_spend).toBeCloseTo(3674 / 6720 - 1, 12);
    const cols = campaignColumns(t);
    expect(cols).toEqual(['AcceptedCmp1', 'AcceptedCmp2', 'AcceptedCmp3', 'AcceptedCmp4', 'AcceptedCmp5', 'Response']);
    const rows = await run(db, campaignColumnsSql(t, cols));
    const direct = (await db.query(`SELECT sum("AcceptedCmp1") AS a1, sum("AcceptedCmp2") AS a2 FROM ifood`)).rows[0]!;
    expect(rows.map((r) => r.campaign)).toEqual(cols);
    expect(rows[0]).toMatchObject({ contacts: 2240, responders: Number(direct.a1) });
    expect(rows[1]).toMatchObject({ responders: Number(direct.a2) });
    expect(rows[5]).toMatchObject({ responders: 334 });
  });
});

describe.skipIf(!HAS_BANK)('bank marketing (shared data)', () => {
  it('451 of 4,119 subscribed; by contact channel, the groups add up', async () => {
    const bytes = new Uint8Array(readFileSync(path.join(DATA_DIR, 'bank_marketing_additional', 'bank-additional.csv')));
    const t = await load('bank', bytes, 'bank-additional.csv');
    expect(t.roles).toMatchObject({ response: 'y', channel: 'contact' });
    const rows = await run(db, campaignResponseSql({ table: t, by: 'channel' }));
    expect(rows[0]).toMatchObject({ is_total: true, contacts: 4119, responders: 451 });
    const groups = rows.slice(1);
    expect(groups.map((r) => r.group_value).sort()).toEqual(['cellular', 'telephone']);
    expect(groups.reduce((s, r) => s + Number(r.responders), 0)).toBe(451);
    for (const r of rows) expect(Number(r.ci_low)).toBeLessThan(Number(r.rate));
  });

  it('loadCampaigns picks the response table and its dimensions', async () => {
    const bytes = new Uint8Array(readFileSync(path.join(DATA_DIR, 'bank_marketing_additional', 'bank-additional.csv')));
    const t = await load('bank2', bytes, 'bank-additional.csv');
    const r = await loadCampaigns(db, [t], {}, undefined);
    expect(r).not.toBeNull();
    expect(r!.dims).toEqual(['channel']);
    expect(r!.by).toBe('channel');
    expect(r!.total?.responders).toBe(451);
    expect(r!.campaigns).toEqual([]);
  });
});
