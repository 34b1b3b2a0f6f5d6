/**
 * Sales staff performance, campaign effect and the lead → deal sales cycle as a
 * user reads them: the demo's owners (ranking, sorting, period comparison, in
 * English and Chinese), olist's sales cycle from its closed-deals file, and
 * iFood's campaigns with return on spend. Screenshots: test/e2e/__screenshots__/owners-*.png.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DATA_DIR, SCREENSHOTS, dropFiles, foreignRequests, nav as navTo, openApp, type Session } from './browser.ts';

const OLIST = path.join(DATA_DIR, 'olist_marketing_funnel');
const IFOOD = path.join(DATA_DIR, 'ifood_marketing_campaign/ml_project1_data.csv');

let session: Session;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  ({ session, page } = await openApp('/', errors));
});

afterAll(async () => {
  await session?.close();
});

const text = async (id: string) => ((await page.getByTestId(id).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
const nav = (name: string) => navTo(page, name);
const column = async (id: string, k: number) => (await page.getByTestId(id).locator(`tbody tr td:nth-child(${k})`).allTextContents()).map((s) => s.trim());
const parse = (s: string) => Number(s.replace(/[^\d.-]/g, ''));

async function shot(name: string, testid: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  // Let the charts finish their entry animation.
  await page.waitForTimeout(1200);
  await page.getByTestId(testid).screenshot({ path: path.join(SCREENSHOTS, name) });
}

/** A fresh workspace holding `files`. */
async function load(files: string[]): Promise<void> {
  // A test that failed half-way may have left the page in Chinese.
  if ((await page.getByRole('navigation').textContent())?.includes('总览')) await page.getByTestId('lang-switch').click();
  await nav('Data');
  await page.getByTestId('clear').click();
  await expect.poll(() => page.getByTestId('clear').isDisabled(), { timeout: 30_000 }).toBe(true);
  await nav('Overview');
  if (files.length) await page.getByTestId('file-input').setInputFiles(files);
  for (const f of files) await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 60_000 }).toContain(`Loaded ${path.basename(f)}`);
}

describe('sales staff performance (demo)', () => {
  it('ranks the owners, with a bar chart and this period against the previous one', async () => {
    await nav('Analytics');
    const rows = page.getByTestId('owners-table').locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 90_000 }).toBeGreaterThanOrEqual(3);
    expect(await text('owners-period')).toMatch(/^This period: \d\d\/\d\d\/\d{4} – \d\d\/\d\d\/\d{4} · previous: \d\d\/\d\d\/\d{4} – \d\d\/\d\d\/\d{4}$/);
    // Ranks start at 1 and revenue falls down the ranking.
    const ranks = (await column('owners-table', 1)).map(Number);
    expect(ranks[0]).toBe(1);
    const revenue = (await column('owners-table', 6)).filter((s) => s !== '—').map(parse);
    expect(revenue.length).toBeGreaterThan(2);
    expect([...revenue].sort((a, b) => b - a)).toEqual(revenue);
    expect(await column('owners-table', 2)).toContain('Unassigned');
    await page.getByTestId('chart-owners').waitFor();
    // The comparison: one row per owner, a change or "new" beside each revenue.
    const compare = await column('owners-compare', 4);
    expect(compare.length).toBe(ranks.length);
    for (const c of compare) expect(c).toMatch(/^([+-]?[\d.,]+ ?%|new|—)$/);
  });

  it('sorts by a column the user clicks', async () => {
    await page.getByTestId('owners-sort-deals').click();
    const deals = (await column('owners-table', 5)).map(parse);
    expect([...deals].sort((a, b) => b - a)).toEqual(deals);
    await page.getByTestId('owners-sort-deals').click();
    const up = (await column('owners-table', 5)).map(parse);
    expect([...up].sort((a, b) => a - b)).toEqual(up);
    await page.getByTestId('owners-sort-rank').click();
    await page.getByTestId('owners-span').selectOption('quarter');
    await expect.poll(() => text('owners-period'), { timeout: 30_000 }).toMatch(/previous/);
    await page.getByTestId('sec-owners').scrollIntoViewIfNeeded();
    await shot('owners-demo-en.png', 'sec-owners');
  });

  it('in Chinese: labels, owner names and 未分配', async () => {
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByRole('navigation').textContent()).toContain('总览');
    await expect.poll(async () => (await page.locator('#sec-owners-title').textContent())?.trim()).toBe('销售人员业绩');
    await expect.poll(() => text('owners-period'), { timeout: 30_000 }).toMatch(/^本期：\d{4}\/\d\d\/\d\d – \d{4}\/\d\d\/\d\d · 上一期：/);
    const heads = (await page.getByTestId('owners-table').locator('thead th').allTextContents()).map((s) => s.trim());
    expect(heads.slice(0, 4)).toEqual(['名次 ▲', '负责人', '线索数', '转化率']);
    expect(await column('owners-table', 2)).toContain('未分配');
    expect(await page.getByTestId('owners-compare').locator('thead').textContent()).toContain('上一期');
    await shot('owners-demo-zh.png', 'sec-owners');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByRole('navigation').textContent()).toContain('Overview');
  });
});

describe.skipIf(!existsSync(OLIST))('sales cycle from the closed deals (olist)', () => {
  it('shows a median days figure where it said "no won_at"', async () => {
    await load([path.join(OLIST, 'olist_marketing_qualified_leads_dataset.csv'), path.join(OLIST, 'olist_closed_deals_dataset.csv')]);
    await nav('Analytics');
    await expect.poll(() => text('sales-cycle'), { timeout: 90_000 }).toMatch(/^[\d,]+ won leads: median [\d.]+ days from lead to win/);
    const median = Number(/median ([\d.]+) days/.exec(await text('sales-cycle'))![1]);
    expect(median).toBeGreaterThan(5);
    expect(median).toBeLessThan(30);
    // The owners are the deals' sales reps: deals per rep, no conversion per rep.
    await expect.poll(() => page.getByTestId('owners-table').locator('tbody tr').count(), { timeout: 60_000 }).toBeGreaterThan(3);
    expect(await text('owners-from-deals')).toContain('only on the closed deals');
    await page.getByTestId('sec-more-cycle').scrollIntoViewIfNeeded();
    await shot('owners-olist-cycle.png', 'sec-more-cycle');
  });
});

describe.skipIf(!existsSync(IFOOD))('campaign effect (iFood)', () => {
  it('response 334 of 2,240 with its interval, return on spend from Z_CostContact and Z_Revenue, one row per campaign', async () => {
    await load([IFOOD]);
    await nav('Analytics');
    await expect.poll(() => text('camp-summary'), { timeout: 90_000 }).toMatch(/^334 of 2,240 responded: 14\.9 ?% \(95 % interval 13\.5 ?% – 16\.4 ?%\)\.$/);
    expect(await text('camp-ros')).toMatch(/^Cost 6,720(\.00)?, revenue 3,674(\.00)?: return on spend -45\.3 ?%\.$/);
    expect(await column('camp-campaigns', 1)).toEqual(['AcceptedCmp1', 'AcceptedCmp2', 'AcceptedCmp3', 'AcceptedCmp4', 'AcceptedCmp5', 'Response']);
    await page.getByTestId('sec-campaigns').scrollIntoViewIfNeeded();
    await shot('owners-ifood-campaigns.png', 'sec-campaigns');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => text('camp-summary'), { timeout: 30_000 }).toMatch(/^2,240 人中 334 人响应/);
    await shot('owners-ifood-campaigns-zh.png', 'sec-campaigns');
    await page.getByTestId('lang-switch').click();
  });
});

describe('campaign effect from Chinese headers (generated)', () => {
  it('response by channel with its interval and return on spend, in Chinese', async () => {
    // 微信 4 contacts (2 responded), 短信 3 (1), blank channel 1 (0); cost 2 each; revenue 50 per responder.
    const csv = ['客户ID,渠道,年龄,是否响应,营销费用,营销收入', 'C1,微信,31,是,2,50', 'C2,微信,45,否,2,0', 'C3,微信,28,是,2,50', 'C4,微信,52,否,2,0',
      'C5,短信,33,是,2,50', 'C6,短信,61,否,2,0', 'C7,短信,40,否,2,0', 'C8,,22,否,2,0'].join('\n');
    await load([]);
    await dropFiles(page, [{ name: '营销活动.csv', type: 'text/csv', text: csv }]);
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 60_000 }).toContain('营销活动.csv');
    await page.getByTestId('lang-switch').click();
    await nav('分析');
    await expect.poll(() => text('camp-summary'), { timeout: 90_000 }).toMatch(/^8 人中 3 人响应：37\.5 ?%/);
    expect(await text('camp-ros')).toMatch(/^成本 16(\.00)?，收入 150(\.00)?：投入回报率 \+837\.5 ?%。$/);
    expect(await column('camp-table', 1)).toEqual(['微信', '短信', '（空白）']);
    expect(await column('camp-table', 4)).toEqual(['50.0%', '33.3%', '0.0%']);
    await page.getByTestId('sec-campaigns').scrollIntoViewIfNeeded();
    await shot('owners-campaigns-zh-headers.png', 'sec-campaigns');
    await page.getByTestId('lang-switch').click();
  });
});

describe('owners checks', () => {
  it('made no request elsewhere and threw no page error', () => {
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
