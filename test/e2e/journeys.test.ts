/**
 * Issue 14 (surveys and journeys) as a user sees them on the demo: CSAT and
 * NPS cards with numbers, the importance–performance matrix naming the
 * planted driver (speed of response) first, the Sankey chart of paths, the
 * attribution table with the planted best channel (email) first under
 * Markov, charts added to the report; the journey funnel naming the planted
 * bottleneck (consideration → decision) and following a touchpoint moved to
 * another stage; then an unseen survey export with long
 * Chinese questions, mixed 1–5/1–7/0–10 scales and "N/A" maps without edits,
 * and so does an unseen events export, its sessions as a hand count says.
 * Screenshots in English and Chinese: test/e2e/__screenshots__/journeys-*.png.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, startSession, type Session } from './browser.ts';

let session: Session;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  session = await startSession('/');
  page = await session.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(session.baseUrl);
  await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
});

afterAll(async () => {
  await session?.close();
});

const text = async (id: string) => ((await page.getByTestId(id).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
const value = async (id: string) => ((await page.getByTestId(id).locator('.value').textContent()) ?? '').trim();
const nav = (name: string) => page.getByRole('navigation').getByRole('button', { name, exact: true }).click();
const firstCells = async (id: string) => (await page.getByTestId(id).locator('tbody tr td:first-child').allTextContents()).map((s) => s.trim());

async function shot(id: string, name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.getByTestId(id).screenshot({ path: path.join(SCREENSHOTS, name) });
}

describe('surveys and journeys on the demo', () => {
  it('CSAT, NPS, CES and loyalty cards show numbers', async () => {
    await nav('Analytics');
    await expect.poll(() => value('sv-csat'), { timeout: 180_000 }).toMatch(/^\d+(\.\d)? ?%$/);
    expect(await value('sv-nps')).toMatch(/^-?\d+(\.\d)?$/);
    expect(await value('sv-ces')).toMatch(/^\d\.\d\d$/);
    expect(await value('sv-loyalty')).toMatch(/^\d+(\.\d)?$/);
    expect(Number((await value('sv-responses')).replace(/,/g, ''))).toBeGreaterThan(500);
  });

  it('the importance–performance matrix names speed of response as the most important driver', async () => {
    await page.getByTestId('sv-ipa').scrollIntoViewIfNeeded({ timeout: 60_000 });
    await page.getByTestId('sv-ipa').locator('canvas').first().waitFor({ timeout: 60_000 });
    expect(await text('sv-top-driver')).toMatch(/^Strongest driver: Speed of our response/);
    expect((await firstCells('sv-drivers'))[0]).toMatch(/^Speed of our response/);
    expect(await text('sv-bands')).toMatch(/Dissatisfied respondents churned at [\d.]+ ?%, satisfied ones at [\d.]+ ?%/);
    await page.getByTestId('sv-ipa').getByTestId('add-to-report').click();
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('Importance–performance matrix');
  });

  it('the Sankey renders and email leads the Markov attribution', async () => {
    await page.getByTestId('jr-sankey').scrollIntoViewIfNeeded({ timeout: 120_000 });
    await page.getByTestId('jr-sankey').locator('canvas').first().waitFor({ timeout: 120_000 });
    expect((await firstCells('jr-attribution'))[0]).toBe('email');
    expect(await text('jr-attr-sentence')).toMatch(/credits email most/);
    expect(await value('jr-customer-conv')).toMatch(/%$/);
    // The sessions were cut in the sessions worker: the SQL panel shows the read and the SQL that defines the tables.
    const code = (await page.getByTestId('sec-journeys').locator('details pre code').allTextContents()).join('\n');
    expect(code).toContain('-- The events, read once; a worker cuts them');
    expect(code).toMatch(/CREATE OR REPLACE TEMP TABLE "crm_sessions_\d+"/);
    await page.getByTestId('jr-sankey').getByTestId('add-to-report').click();
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('Top paths');
    await page.getByTestId('jr-attr-chart').getByTestId('add-to-report').click();
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('Conversions credited');
    await shot('sec-surveys', 'journeys-surveys-en.png');
    await shot('sec-journeys', 'journeys-journeys-en.png');
  });

  it('a longer session gap joins sessions, and the section says it is computing only while it is', async () => {
    const sessions = async () => Number((await value('jr-sessions')).replace(/\D/g, ''));
    const before = await sessions();
    const gap = page.getByTestId('jr-gap');
    await gap.fill('240');
    await gap.press('Enter');
    await gap.blur();
    await expect.poll(sessions, { timeout: 60_000 }).toBeLessThan(before);
    await page.getByTestId('jr-computing').waitFor({ state: 'detached', timeout: 60_000 });
    await gap.fill('30');
    await gap.blur();
    await expect.poll(sessions, { timeout: 60_000 }).toBe(before);
    await page.getByTestId('jr-computing').waitFor({ state: 'detached', timeout: 60_000 });
  });

  it('the journey funnel names the planted bottleneck and follows a changed touchpoint stage', async () => {
    await page.getByTestId('jf-chart').locator('canvas').first().waitFor({ timeout: 120_000 });
    expect(await text('voice-scope')).toMatch(/filter bar .* does not apply to surveys and journeys/);
    expect(await value('jf-bottleneck')).toBe('Consideration → Decision');
    expect(await text('jf-sentence')).toMatch(/^Bottleneck: Consideration → Decision, step conversion [\d.]+ ?%\. [\d,]+ customers stop there, about [\d,]+ buyers lost, worth [\d,]+ at [\d,]+ per buying customer\.$/);
    expect(Number((await value('jf-cost')).replace(/,/g, ''))).toBeGreaterThan(0);
    expect(await firstCells('jf-stages')).toEqual(['Awareness', 'Consideration', 'Decision', 'Retention']);
    await page.getByTestId('jf-chart').getByTestId('add-to-report').click();
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('Customers by journey stage');
    await shot('sec-journey-funnel', 'journeys-funnel-en.png');
    // Cart as a decision: more customers decide, and retention becomes the weakest step.
    await page.getByTestId('jf-touchpoints').locator('summary').click();
    await page.getByRole('combobox', { name: 'Stage: Cart' }).selectOption('decision');
    await expect.poll(() => value('jf-bottleneck'), { timeout: 60_000 }).toBe('Decision → Retention');
    await page.getByTestId('jf-reset').click();
    await expect.poll(() => value('jf-bottleneck'), { timeout: 60_000 }).toBe('Consideration → Decision');
  });

  it('in Chinese', async () => {
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByRole('navigation').textContent()).toContain('总览');
    await expect.poll(() => text('sv-top-driver'), { timeout: 30_000 }).toMatch(/^最强驱动因素：Speed of our response/);
    expect(await text('sec-journeys')).toContain('渠道归因');
    expect(await value('jf-bottleneck')).toBe('考虑 → 决策');
    expect(await text('jf-sentence')).toMatch(/^瓶颈：考虑 → 决策，环节转化率 [\d.]+ ?%。/);
    expect(await text('voice-scope')).toContain('筛选栏');
    await page.waitForTimeout(500);
    await shot('sec-journey-funnel', 'journeys-funnel-zh.png');
    await shot('sec-surveys', 'journeys-surveys-zh.png');
    await shot('sec-journeys', 'journeys-journeys-zh.png');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByRole('navigation').textContent()).toContain('Overview');
  });
});

describe('an unseen survey export with long Chinese questions', () => {
  it('maps without edits: Surveys kind, scales found, CSAT and NPS computed', async () => {
    const header = [
      '答卷序号', '会员编号', '填写时间', '所属分群', '总体而言，您对本次在我们门店和线上商城的购物体验满意吗？（1-5分，5分为非常满意）',
      '客服人员回复您咨询问题的速度是否让您满意？（1-5分）', '办理退换货业务的过程是否容易？（1-7分）',
      '您有多大可能向您的亲友推荐我们的品牌？（0-10分）', '您今后是否会继续购买我们的产品？', '您还有什么意见或建议？',
    ];
    const rows: string[][] = [];
    // 40 responses: overall 1..5 cycling (2 of 5 in 4–5), recommend 0..10 cycling, some N/A and 不适用.
    for (let i = 0; i < 40; i++) {
      rows.push([
        `Q${i + 1}`, `M${String(i % 30).padStart(4, '0')}`, `2024-0${1 + (i % 6)}-1${i % 10} 10:00`, i % 2 ? '老客户' : '新客户', String(1 + (i % 5)),
        i % 7 === 0 ? 'N/A' : String(1 + ((i + 1) % 5)), i % 9 === 0 ? '不适用' : String(1 + (i % 7)), String(i % 11), i % 8 === 0 ? '' : String(1 + ((i + 2) % 5)),
        i % 3 ? '送货快，服务好' : '',
      ]);
    }
    const csv = [header, ...rows].map((r) => r.map((c) => (/[,"]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n');
    await nav('Data');
    await page.getByTestId('clear').click();
    await expect.poll(() => page.getByTestId('clear').isDisabled(), { timeout: 30_000 }).toBe(true);
    await page.getByTestId('file-input').setInputFiles({ name: '满意度调查.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 90_000 }).toContain('满意度调查.csv');
    expect(await text('tables')).toContain('Surveys');
    await nav('Analytics');
    // Overall 1..5 cycling: 16 of 40 answers are 4 or 5.
    await expect.poll(() => value('sv-csat'), { timeout: 120_000 }).toBe('40.0%');
    // Recommend i % 11 over 40: promoters (9, 10) 6, detractors (0–6) 28 → −55.
    expect(await value('sv-nps')).toMatch(/^[-−]55(\.0)?$/);
    await page.getByTestId('sv-items').locator('summary').click();
    const scales = await page.getByTestId('sv-items').locator('select').evaluateAll((els) => els.map((e) => (e as HTMLSelectElement).value));
    // The response number and the free-text column are not scales.
    expect(scales).toEqual(['', '1-5', '1-5', '1-7', '0-10', '1-5', '']);
    await shot('sec-surveys', 'journeys-unseen-survey.png');
    expect(errors).toEqual([]);
  });

  it('an unseen events export (Chinese headers, float and padded ids, slashed times, blanks) maps without edits; its sessions match a hand count', async () => {
    const rows = [
      ['用户ID', '行为时间', '访问页面', '来源渠道', '事件类型'],
      // 1001.0: four steps to an order (a reload of the product page is no new step), then a visit the next day: 2 sessions, converted.
      ['1001.0', '2025/03/01 10:00', '首页', '搜索', '浏览'],
      ['1001.0', '2025/03/01 10:05', '商品详情', '搜索', '浏览'],
      ['1001.0', '2025/03/01 10:06', '商品详情', '搜索', '浏览'],
      ['1001.0', '2025/03/01 10:20', '购物车', '搜索', '加购'],
      ['1001.0', '2025/03/01 10:25', '订单确认', '搜索', '下单'],
      ['1001.0', '2025/03/02 09:00', '首页', '邮件', '浏览'],
      // " 1002 ": 40 minutes between two visits, more than the 30-minute gap: 2 sessions.
      [' 1002 ', '2025/03/01 12:00', '首页', '社交', '浏览'],
      [' 1002 ', '2025/03/01 12:40', '首页', '社交', '浏览'],
      // 1003: a blank page: 1 session.
      ['1003', '2025/03/03 08:00', '', '邮件', '浏览'],
      // No time, no customer: left out.
      ['1003', '', '首页', '邮件', '浏览'],
      ['', '2025/03/03 08:10', '首页', '邮件', '浏览'],
    ];
    await nav('Data');
    await page.getByTestId('clear').click();
    await expect.poll(() => page.getByTestId('clear').isDisabled(), { timeout: 30_000 }).toBe(true);
    await page.getByTestId('file-input').setInputFiles({ name: '用户行为日志.csv', mimeType: 'text/csv', buffer: Buffer.from(rows.map((r) => r.join(',')).join('\n'), 'utf8') });
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 90_000 }).toContain('用户行为日志.csv');
    expect(await text('tables')).toContain('Events');
    await nav('Analytics');
    await expect.poll(() => value('jr-sessions'), { timeout: 120_000 }).toBe('5');
    expect(await value('jr-events')).toBe('9');
    // One customer of three ordered.
    expect(await value('jr-customer-conv')).toBe('33.3%');
    await page.getByTestId('jr-sankey').locator('canvas').first().waitFor({ timeout: 60_000 });
    expect((await firstCells('jr-paths'))[0]).toBe('首页 → 商品详情 → 购物车 → 订单确认');
    // The charts' entry animation (1 s) over before the picture.
    await page.waitForTimeout(1500);
    await shot('sec-journeys', 'journeys-unseen-events.png');
    expect(errors).toEqual([]);
  });
});
