/**
 * Issue 15, workspaces by their table kinds: the demo's period comparison
 * covers tickets, satisfaction, handling time, leads and conversion; a reviews
 * workspace (waimai) shows review cards and charts, no "—" cards, no lone
 * "Reset filters"; olist leads + deals show lead, conversion and time-to-convert
 * cards and the funnel. Screenshots of Overview and Analytics at 1280 and 1920
 * px, en and zh: test/e2e/__screenshots__/kinds-*.png.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DATA_DIR, SCREENSHOTS, nav as navTo, openApp, type Session } from './browser.ts';

const WAIMAI = path.join(DATA_DIR, 'waimai_reviews/waimai_10k.csv');
const OLIST = ['olist_marketing_qualified_leads_dataset.csv', 'olist_closed_deals_dataset.csv'].map((f) => path.join(DATA_DIR, 'olist_marketing_funnel', f));

let session: Session;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  ({ session, page } = await openApp('/', errors));
});

afterAll(async () => {
  await session?.close();
});

const text = async (id: string) => (await page.getByTestId(id).textContent())?.trim() ?? '';
const nav = (name: string) => navTo(page, name);
const kpiIds = async () => page.getByTestId('kpis').locator('[data-testid^="kpi-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));

async function shot(name: string, width: number): Promise<void> {
  await page.setViewportSize({ width, height: 900 });
  // Charts resize on the next frame; fonts for Chinese load on demand.
  await page.waitForTimeout(600);
  await page.evaluate(() => document.fonts.ready);
  // The demo's Analytics page is long: a full-page capture takes a while on a busy machine.
  await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true, timeout: 120_000 });
}

async function analyticsReady(): Promise<void> {
  const zh = ((await page.getByRole('navigation').textContent()) ?? '').includes('总览');
  await nav(zh ? '分析' : 'Analytics');
  await expect.poll(() => page.getByTestId('filters').getAttribute('data-ready'), { timeout: 120_000 }).toBe('true');
}

async function setLang(zh: boolean): Promise<void> {
  const isZh = ((await page.getByRole('navigation').textContent()) ?? '').includes('总览');
  if (isZh !== zh) await page.getByTestId('lang-switch').click();
  await expect.poll(() => page.getByRole('navigation').textContent()).toContain(zh ? '总览' : 'Overview');
}

async function replaceWith(files: string[]): Promise<void> {
  if ((await page.locator('dialog[open]').count()) > 0) await page.keyboard.press('Escape');
  await nav('Data');
  await page.getByTestId('clear').click();
  await expect.poll(() => page.getByTestId('clear').isDisabled(), { timeout: 30_000 }).toBe(true);
  await nav('Overview');
  await page.getByTestId('file-input').setInputFiles(files);
  for (const f of files) await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 90_000 }).toContain(`Loaded ${path.basename(f)}`);
  await page.getByTestId('kpis').waitFor();
}

describe('demo: period comparison beyond sales', () => {
  it('compares tickets, satisfaction, handling time, leads and conversion with the previous month', async () => {
    await analyticsReady();
    const table = page.getByTestId('cmp-activity');
    await table.waitFor({ timeout: 60_000 });
    for (const kpi of ['tickets', 'avg_satisfaction', 'median_handling_hours', 'leads', 'conversion']) {
      const cells = (await page.getByTestId(`cmp-${kpi}`).locator('td').allTextContents()).map((s) => s.trim());
      // Measure, this period, previous: figures, not dashes.
      expect(cells[1], kpi).toMatch(/^[\d,.]+%?$/);
      expect(cells[2], kpi).toMatch(/^[\d,.]+%?$/);
    }
    expect(await page.getByTestId('cmp-tickets').locator('td').first().textContent()).toBe('Tickets opened');
    expect(await text('cmp-conversion')).toMatch(/pp/);
    // The sales cards are still there.
    expect(await page.getByTestId('cmp-compareRevenue').count()).toBe(1);
  });

  it('screenshots: Overview and Analytics at 1280 and 1920, en and zh', async () => {
    for (const zh of [false, true]) {
      await setLang(zh);
      const lang = zh ? 'zh' : 'en';
      await nav(zh ? '总览' : 'Overview');
      await page.getByTestId('overview-chart').waitFor({ timeout: 60_000 });
      for (const w of [1280, 1920]) await shot(`kinds-demo-overview-${lang}-${w}.png`, w);
      await analyticsReady();
      if (zh) expect(await page.getByTestId('cmp-tickets').locator('td').first().textContent()).toBe('新开工单');
      for (const w of [1280, 1920]) await shot(`kinds-demo-analytics-${lang}-${w}.png`, w);
    }
    await setLang(false);
    await page.setViewportSize({ width: 1360, height: 900 });
  });
});

describe.skipIf(!existsSync(WAIMAI))('reviews only (waimai)', () => {
  it('review cards, no "—" card, no customer chart', async () => {
    await replaceWith([WAIMAI]);
    await page.getByTestId('kpi-reviews').waitFor({ timeout: 60_000 });
    expect(await kpiIds()).toEqual(['kpi-reviews', 'kpi-positive_share', 'kpi-with_text']);
    expect(await text('kpi-reviews')).toContain('11,987');
    expect(await text('kpi-positive_share')).toContain('33.4%');
    expect(await text('kpis')).not.toContain('—');
    await page.getByTestId('overview-reviews-by').waitFor();
    expect(await page.getByTestId('overview-chart').count()).toBe(0);
    expect(await page.getByText('Customers by').count()).toBe(0);
    await shot('kinds-waimai-overview-en-1280.png', 1280);
    await setLang(true);
    await expect.poll(() => text('kpi-reviews')).toContain('评论');
    expect(await text('kpis')).not.toContain('—');
    await shot('kinds-waimai-overview-zh-1280.png', 1280);
    await setLang(false);
  });

  it('Analytics: one line says which files bring the hidden sections; no lone Reset filters', async () => {
    await analyticsReady();
    expect(await text('not-shown')).toMatch(/^Not shown: .*Add an orders file .*to see them\.$/);
    expect(await page.getByRole('button', { name: 'Reset filters' }).count()).toBe(0);
    await shot('kinds-waimai-analytics-en-1280.png', 1280);
    await page.setViewportSize({ width: 1360, height: 900 });
  });
});

describe.skipIf(!OLIST.every((f) => existsSync(f)))('leads only (olist leads + closed deals)', () => {
  it('lead, conversion and time-to-convert cards; leads per month', async () => {
    await replaceWith(OLIST);
    await page.getByTestId('kpi-conversion').waitFor({ timeout: 60_000 });
    const ids = await kpiIds();
    expect(ids).toEqual(['kpi-leads', 'kpi-leads_won', 'kpi-conversion', 'kpi-median_days']);
    expect(ids).not.toContain('kpi-customers');
    // reference.md: 8,000 leads, 842 closed deals (all match a lead), conversion 10.525 %.
    expect(await text('kpi-leads')).toContain('8,000');
    expect(await text('kpi-leads_won')).toContain('842');
    expect(await text('kpi-conversion')).toContain('10.5%');
    expect(await text('kpi-median_days')).toMatch(/\d+(\.\d)? days/);
    // No lead has a date a year before the last month: no "vs last year" figure (0 leads there is not a measurement).
    expect(await text('kpis')).not.toContain('—');
    await page.getByTestId('overview-leads-monthly').waitFor();
    await shot('kinds-olist-overview-en-1280.png', 1280);
  });

  it('Analytics: the funnel and the leads comparison', async () => {
    await analyticsReady();
    await page.getByTestId('sec-funnel').waitFor();
    expect(await page.getByTestId('cmp-leads').count()).toBe(1);
    expect(await page.getByTestId('cmp-activity').locator('th').allTextContents()).not.toContain('Same period last year');
    expect(await text('filters')).toContain('the last ticket or lead in the data');
    await setLang(true);
    await expect.poll(() => page.getByTestId('cmp-leads').locator('td').first().textContent()).toBe('线索');
    await shot('kinds-olist-analytics-zh-1920.png', 1920);
    await setLang(false);
  });

  it('no page error', () => {
    expect(errors).toEqual([]);
  });
});
