/**
 * Acceptance on every real data set in ../shared/data (env CRM_DATA_DIR):
 * each is loaded through the file input as a user would (the first replaces
 * the demo; later ones start from Clear workspace), Overview and Analytics
 * open without a page error or an error alert, the figures of
 * shared/reference.md that the UI shows are checked, drill-downs open and
 * close, and a full-page screenshot of Analytics is kept per data set
 * (test/e2e/__screenshots__/datasets-<name>.png). Skips, visibly, without the data.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DATA_DIR, SCREENSHOTS, foreignRequests, startSession, type Session } from './browser.ts';

const HAS_DATA = existsSync(path.join(DATA_DIR, 'telco_churn'));
if (!HAS_DATA) console.warn(`[e2e] skipping the real-data acceptance tests: no data at ${DATA_DIR} (set CRM_DATA_DIR)`);

let session: Session;
let page: Page;
const pageErrors: string[] = [];
let loaded = 0;

beforeAll(async () => {
  if (!HAS_DATA) return;
  session = await startSession('/');
  page = await session.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(session.baseUrl);
  await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
});

afterAll(async () => {
  await session?.close();
});

const text = async (id: string) => ((await page.getByTestId(id).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
const kpi = async (key: string) => ((await page.getByTestId(`kpi-${key}`).locator('.value').textContent()) ?? '').trim();

/** A fresh workspace holding `files` (paths under DATA_DIR), on the Overview page. */
async function load(files: string[]): Promise<void> {
  // A test that failed half-way may have left a drill-down open: it would block every click.
  if ((await page.locator('dialog[open]').count()) > 0) await page.keyboard.press('Escape');
  if (loaded++ > 0) {
    await page.getByRole('button', { name: 'Data' }).click();
    await page.getByTestId('clear').click();
    await expect.poll(() => page.getByTestId('clear').isDisabled(), { timeout: 30_000 }).toBe(true);
  }
  await page.getByRole('button', { name: 'Overview' }).click();
  await page.getByTestId('file-input').setInputFiles(files.map((f) => path.join(DATA_DIR, f)));
  for (const f of files) await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 60_000 }).toContain(`Loaded ${path.basename(f)}`);
  await page.getByTestId('kpis').waitFor();
}

/** Open Analytics and wait until every section has its figures. */
async function analytics(): Promise<void> {
  await page.getByRole('button', { name: 'Analytics' }).click();
  await expect.poll(() => page.getByTestId('filters').getAttribute('data-ready'), { timeout: 90_000 }).toBe('true');
}

/** No error banner, no page error; then the full-page screenshot. */
async function finish(name: string): Promise<void> {
  const alerts = await page.locator('.message.error, [role="alert"]').allTextContents();
  expect(alerts, name).toEqual([]);
  expect(pageErrors, name).toEqual([]);
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SCREENSHOTS, `datasets-${name}.png`), fullPage: true });
}

/** Open a drill-down with `button`, check its count, close it with Escape; focus goes back to the button. */
async function drill(button: string, count: RegExp): Promise<void> {
  const opener = page.getByTestId(button);
  await opener.click();
  const dialog = page.getByTestId('drilldown');
  await expect.poll(() => text('drill-count'), { timeout: 30_000 }).toMatch(count);
  expect(await dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(true);
  await page.keyboard.press('Escape');
  await expect.poll(() => dialog.evaluate((d) => (d as HTMLDialogElement).open)).toBe(false);
  expect(await opener.evaluate((b) => b === document.activeElement)).toBe(true);
}

describe.skipIf(!HAS_DATA)(`real data sets through the UI (${DATA_DIR})`, () => {
  it('telco: 7,043 customers, churn 26.5 %', async () => {
    await load(['telco_churn/Telco-Customer-Churn.csv']);
    expect(await kpi('customers')).toBe('7,043');
    expect(await kpi('churn_rate')).toBe('26.5%');
    await analytics();
    expect(await text('scope')).toContain('7,043 customers');
    // Without orders, the order-based sections are hidden and one line says which file brings them.
    expect(await text('not-shown')).toContain('Add an orders file');
    await drill('list-customers', /^7,043 customers$/);
    await finish('telco');
  });

  it('cdnow master: 23,570 customers, 69,659 transactions, revenue 2,500,315.63; a tier lists its customers and exports them', async () => {
    await load(['cdnow/CDNOW_master.txt']);
    expect(await kpi('customers')).toBe('23,570');
    // No order id: one customer's transactions on one day are one order, on every page (metrics/measures.ts).
    expect(await kpi('orders')).toBe('67,591');
    expect(await kpi('revenue')).toBe('2.5M');
    await analytics();
    const scope = await text('scope');
    expect(scope).toContain('23,570 customers with orders');
    expect(scope).toContain('69,659 order lines');
    expect(scope).toContain('revenue 2,500,315.63');
    // The status bars (active, dormant, churned: without a customers table nobody is without orders) add up to every customer.
    const statuses = await page.locator('[data-testid^="status-"]').allTextContents();
    expect(statuses.map((t) => t.replace(/[\d,\s]+$/, '').trim())).toEqual(['Active', 'Dormant', 'Churned']);
    const counts = statuses.map((t) => Number(/([\d,]+)\s*$/.exec(t)![1]!.replaceAll(',', '')));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(23570);
    await drill('status-churned', new RegExp(`^${counts[2]!.toLocaleString('en')} customers$`));
    const important = await text('tier-important');
    await page.getByTestId('tier-important').click();
    await expect.poll(() => text('drill-count'), { timeout: 30_000 }).toBe(`${important} customers`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('drill-export').click()]);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(csv[0]).toBe('customer_id,orders,revenue,first_order,last_order,status,tier');
    expect(csv).toHaveLength(Number(important.replaceAll(',', '')) + 1);
    await page.getByTestId('drill-close').click();
    expect(await text('clusters')).toMatch(/\d/);
    await finish('cdnow-master');
  });

  it('cdnow sample: 6,919 transactions of 2,357 customers', async () => {
    await load(['cdnow/CDNOW_sample.txt']);
    expect(await kpi('customers')).toBe('2,357');
    // 6,919 transactions on 6,696 customer-days (one order per customer and day without an order id).
    expect(await kpi('orders')).toBe('6,696');
    await analytics();
    expect(await text('scope')).toContain('2,357 customers with orders');
    expect(await text('scope')).toContain('6,919 order lines');
    await finish('cdnow-sample');
  });

  it('groceries: 463 rules at 0.006 / 0.25 and 410 at 0.001 / 0.8, each in under 5 s', async () => {
    await load(['groceries/groceries.csv']);
    await analytics();
    expect(await text('rules-summary')).toMatch(/ from 9,835 baskets and 169 items /);
    const mine = async (support: string, confidence: string): Promise<{ rules: string; ms: number }> => {
      const before = await text('rules-summary');
      await page.getByTestId('min-support').fill(support);
      await page.getByTestId('min-confidence').fill(confidence);
      await page.getByTestId('mine').click();
      await expect.poll(() => text('rules-summary'), { timeout: 30_000 }).not.toBe(before);
      const m = /^([\d,]+) rules from [\d,]+ baskets and [\d,]+ items in ([\d,]+) ms\.$/.exec(await text('rules-summary'))!;
      return { rules: m[1]!, ms: Number(m[2]!.replaceAll(',', '')) };
    };
    const a = await mine('0.006', '0.25');
    expect(a.rules).toBe('463');
    const b = await mine('0.001', '0.8');
    expect(b.rules).toBe('410');
    console.info(`[e2e] groceries rules: 463 in ${a.ms} ms (0.006 / 0.25), 410 in ${b.ms} ms (0.001 / 0.8)`);
    expect(a.ms).toBeLessThan(5000);
    expect(b.ms).toBeLessThan(5000);
    // The network and "also bought" follow the rules.
    await page.getByTestId('chart-rules-network').scrollIntoViewIfNeeded();
    await page.getByTestId('chart-rules-network').locator('canvas').first().waitFor();
    await page.getByTestId('min-support').fill('0.005');
    await page.getByTestId('min-confidence').fill('0.2');
    await page.getByTestId('mine').click();
    await expect.poll(() => text('rules-summary'), { timeout: 30_000 }).toMatch(/^872 rules/);
    await page.getByTestId('reco-product').selectOption('whole milk');
    expect(await page.getByTestId('recommendations').locator('tbody tr').count()).toBeGreaterThan(0);
    await finish('groceries');
  });

  it('bread basket: 9,531 transactions', async () => {
    await load(['bread_basket/BreadBasket_DMS.csv']);
    // No customer and no amount: the Overview reads it as baskets (its orders), see overview-shapes.test.ts.
    await page.getByTestId('kpi-baskets').waitFor({ timeout: 30_000 });
    expect(await kpi('baskets')).toBe('9,531');
    await analytics();
    expect(await text('scope')).toContain('9,531 orders');
    expect(await text('scope')).toContain('21,293 order lines');
    expect(await text('rules-summary')).toContain('from 9,531 baskets');
    await finish('bread-basket');
  });

  it('olist, leads and closed deals together: conversion 10.525 % (842 of 8,000)', async () => {
    await load(['olist_marketing_funnel/olist_marketing_qualified_leads_dataset.csv', 'olist_marketing_funnel/olist_closed_deals_dataset.csv']);
    await analytics();
    expect(await text('lead-deal')).toContain('Lead → deal conversion: 10.525% (842 of 8,000 leads).');
    await drill('list-deals', /^842 leads$/);
    // A channel filters every chart: the funnel then counts that channel's leads only.
    const row = page.getByTestId('lead-deal-channels').locator('tbody tr').first();
    const [channel, leads] = await row.locator('td').evaluateAll((tds) => tds.slice(0, 2).map((td) => td.textContent?.trim() ?? ''));
    await row.getByRole('button').click();
    await expect.poll(() => text('lead-deal'), { timeout: 30_000 }).toContain(`of ${leads} leads`);
    expect(await page.getByTestId('filter-channel').inputValue()).toBe(channel);
    await page.getByRole('button', { name: 'Reset filters' }).click();
    await expect.poll(() => text('lead-deal'), { timeout: 30_000 }).toContain('(842 of 8,000 leads)');
    await finish('olist');
  });

  it('ifood: 2,240 customers', async () => {
    await load(['ifood_marketing_campaign/ml_project1_data.csv']);
    expect(await kpi('customers')).toBe('2,240');
    await analytics();
    expect(await text('scope')).toContain('2,240 customers');
    await finish('ifood');
  });

  it('bank marketing: 4,119 contacts', async () => {
    await load(['bank_marketing_additional/bank-additional.csv']);
    expect(await kpi('customers')).toBe('4,119');
    await analytics();
    expect(await text('scope')).toContain('4,119 customers');
    await finish('bank');
  });

  it('made no request to another origin', () => {
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
  });
});
