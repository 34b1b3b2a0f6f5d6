/**
 * Overview for tables that are not "customers + orders with amounts" (issue 9,
 * items 4–6): a generated basket file (and groceries when ../shared/data is
 * there) shows baskets, items per basket, distinct products and a top-products
 * chart; orders with a country and a product but no segment break down by the
 * country and say so; a Telco-like customers file shows contract types in
 * their natural order. A full-page screenshot of each Overview is kept in
 * test/e2e/__screenshots__/overview-shapes-<name>.png.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DATA_DIR, SCREENSHOTS, foreignRequests, openApp, type Session } from './browser.ts';

let session: Session;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  ({ session, page } = await openApp('/'));
  page.on('pageerror', (e) => pageErrors.push(e.message));
});
afterAll(async () => {
  await session?.close();
});

const text = async (id: string) => ((await page.getByTestId(id).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();
const kpi = async (key: string) => ((await page.getByTestId(`kpi-${key}`).locator('.value').textContent()) ?? '').trim();

/** A fresh workspace holding one file, on the Overview page. */
async function load(file: { name: string; buffer: Buffer }): Promise<void> {
  await page.getByRole('button', { name: 'Data' }).click();
  if (!(await page.getByTestId('clear').isDisabled())) {
    await page.getByTestId('clear').click();
    await expect.poll(() => page.getByTestId('clear').isDisabled(), { timeout: 30_000 }).toBe(true);
  }
  await page.getByRole('button', { name: 'Overview' }).click();
  await page.getByTestId('file-input').setInputFiles({ name: file.name, mimeType: 'text/csv', buffer: file.buffer });
  await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 60_000 }).toContain(`Loaded ${file.name}`);
  await page.getByTestId('kpis').waitFor();
}

async function screenshot(name: string): Promise<void> {
  expect(await page.locator('.message.error, [role="alert"]').allTextContents(), name).toEqual([]);
  expect(pageErrors, name).toEqual([]);
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SCREENSHOTS, `overview-shapes-${name}.png`), fullPage: true });
}

/** The SVG export of a chart, for what it draws (axis labels in drawing order). */
async function chartSvg(testid: string): Promise<string> {
  const chart = page.getByTestId(testid);
  await chart.scrollIntoViewIfNeeded({ timeout: 30_000 });
  await chart.locator('canvas').first().waitFor({ timeout: 30_000 });
  const [svg] = await Promise.all([page.waitForEvent('download'), chart.getByRole('button', { name: /SVG/ }).click()]);
  return readFileSync((await svg.path())!, 'utf8');
}

const ITEMS = ['bread', 'milk', 'eggs', 'butter', 'cheese', 'apples', 'tea', 'coffee'];
/** Basket i holds ((i + 2) mod 4) + 1 items, from ITEMS[i mod 8] on (wrapping): 40 baskets, no header. */
const BASKETS = Array.from({ length: 40 }, (_, i) => Array.from({ length: ((i + 2) % 4) + 1 }, (_, k) => ITEMS[(i + k) % ITEMS.length]!));

describe('a basket file (orders without customers)', () => {
  it('shows baskets, items per basket, distinct products and the top products', async () => {
    await load({ name: 'baskets.csv', buffer: Buffer.from(BASKETS.map((b) => b.join(',')).join('\n') + '\n') });
    await page.getByTestId('kpi-baskets').waitFor({ timeout: 30_000 });
    // Sizes cycle 3, 4, 1, 2: ten baskets each, 100 item lines, mean 2.5, median 2.5; every item is used.
    expect(await kpi('baskets')).toBe('40');
    expect(await kpi('items_per_basket')).toBe('2.5');
    expect(await text('kpi-items_per_basket')).toContain('median 2.5');
    expect(await kpi('products')).toBe('8');
    expect(await kpi('item_lines')).toBe('100');
    expect(await page.locator('[data-testid="kpis"] .value.missing').count()).toBe(0);
    expect(await text('basket-note')).toContain('read as shopping baskets');
    const svg = await chartSvg('overview-products');
    for (const item of ITEMS) expect(svg).toContain(`>${item}<`);
    await screenshot('baskets');
  });

  const groceries = path.join(DATA_DIR, 'groceries', 'groceries.csv');
  const hasGroceries = existsSync(groceries);
  if (!hasGroceries) console.warn(`[overview-shapes] groceries skipped: no ${groceries} (set CRM_DATA_DIR)`);
  it.skipIf(!hasGroceries)('groceries: 9,835 baskets, 169 products, 43,367 item lines, whole milk on top (reference.md)', async () => {
    await load({ name: 'groceries.csv', buffer: readFileSync(groceries) });
    await page.getByTestId('kpi-baskets').waitFor({ timeout: 30_000 });
    expect(await kpi('baskets')).toBe('9,835');
    expect(await kpi('products')).toBe('169');
    expect(await kpi('item_lines')).toBe('43,367');
    expect(await kpi('items_per_basket')).toBe('4.4');
    expect(await text('kpi-items_per_basket')).toContain('median 3');
    const svg = await chartSvg('overview-products');
    expect(svg.indexOf('>whole milk<')).toBeGreaterThan(-1);
    expect(svg.indexOf('>whole milk<')).toBeLessThan(svg.indexOf('>other vegetables<'));
    await screenshot('groceries');
  });

  const bread = path.join(DATA_DIR, 'bread_basket', 'BreadBasket_DMS.csv');
  const hasBread = existsSync(bread);
  if (!hasBread) console.warn(`[overview-shapes] bread_basket skipped: no ${bread} (set CRM_DATA_DIR)`);
  it.skipIf(!hasBread)('bread_basket (dated till roll, no customer, no amount): 9,531 baskets, 94 products, NONE lines left out', async () => {
    await load({ name: 'BreadBasket_DMS.csv', buffer: readFileSync(bread) });
    await page.getByTestId('kpi-baskets').waitFor({ timeout: 30_000 });
    expect(await kpi('baskets')).toBe('9,531');
    expect(await kpi('products')).toBe('94');
    expect(await kpi('item_lines')).toBe('20,507');
    expect(await text('kpi-item_lines')).toContain('786 lines without an item');
    // Its orders are its baskets: no second card with the same number, no "not available" cards.
    expect(await page.getByTestId('kpi-orders').count()).toBe(0);
    expect(await page.locator('[data-testid="kpis"] .value.missing').count()).toBe(0);
    await page.getByTestId('overview-products').scrollIntoViewIfNeeded({ timeout: 30_000 });
    await page.getByTestId('overview-products').locator('canvas').first().waitFor({ timeout: 30_000 });
    await screenshot('bread-basket');
  });
});

describe('orders with a country and a product but no segment', () => {
  it('breaks down by the country and names the column', async () => {
    const countries = ['France', 'Spain', 'Italy'];
    const rows = Array.from({ length: 36 }, (_, i) => {
      const day = String((i % 28) + 1).padStart(2, '0');
      return `O${i + 1},2025-0${(i % 6) + 1}-${day},C${(i % 9) + 1},${countries[i % 3]},${ITEMS[i % 5]},${(10 + i).toFixed(2)}`;
    });
    await load({ name: 'orders-country.csv', buffer: Buffer.from(['order_id,order_date,customer_id,country,product,amount', ...rows].join('\n') + '\n') });
    await screenshot('orders-country');
    await page.getByRole('button', { name: 'Analytics' }).click();
    await expect.poll(() => page.getByTestId('filters').getAttribute('data-ready'), { timeout: 90_000 }).toBe('true');
    await expect.poll(() => page.getByTestId('more-dim-used').getAttribute('data-column'), { timeout: 30_000 }).toBe('country');
    expect(await text('more-dim-used')).toMatch(/^Breakdown by: country \(Region\)/);
    expect(await text('sec-more')).not.toContain('no segment');
    await page.getByTestId('chart-sales-by').scrollIntoViewIfNeeded({ timeout: 30_000 });
    await page.getByTestId('chart-sales-by').locator('canvas').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('more-dim').locator('option').allTextContents()).toEqual(['country (Region)', 'product (Product)']);
    await page.getByTestId('more-dim').selectOption('product');
    await expect.poll(() => page.getByTestId('more-dim-used').getAttribute('data-column')).toBe('product');
    // Customer status has no product; revenue by product replaces revenue by country (titles follow the rows, not the pick).
    await expect.poll(() => page.getByTestId('chart-status-by').count(), { timeout: 30_000 }).toBe(0);
    expect(await page.getByTestId('chart-sales-by').locator('[role="img"]').getAttribute('aria-label')).toBe('Revenue by product');
    await page.getByTestId('sec-more').screenshot({ path: path.join(SCREENSHOTS, 'overview-shapes-breakdown.png') });
    await page.getByRole('button', { name: 'Overview' }).click();
  });
});

describe('a Telco-like customers file', () => {
  it('orders contract types Month-to-month, One year, Two year (not by count)', async () => {
    // Counts 20 / 12 / 8 for Month-to-month / Two year / One year: by count the two longer contracts would swap.
    const contracts = [...Array(20).fill('Month-to-month'), ...Array(12).fill('Two year'), ...Array(8).fill('One year')] as string[];
    const rows = contracts.map((c, i) => `${1000 + i}-ABCDE,${i % 2 ? 'Male' : 'Female'},${(i * 7) % 72},${c},${(20 + i).toFixed(2)},${i % 3 === 0 ? 'Yes' : 'No'}`);
    await load({ name: 'telco-like.csv', buffer: Buffer.from(['customerID,gender,tenure,Contract,MonthlyCharges,Churn', ...rows].join('\n') + '\n') });
    await expect.poll(() => page.getByTestId('overview-breakdown-by').getAttribute('data-column'), { timeout: 30_000 }).toBe('Contract');
    expect(await text('overview-breakdown-by')).toMatch(/^Breakdown by: Contract/);
    expect(await page.getByTestId('overview-breakdown').inputValue()).toBe('Contract');
    const svg = await chartSvg('overview-chart');
    // Long labels may wrap onto two lines (their words in separate text runs): find each by its first word.
    const at = (s: string) => svg.indexOf(`>${s.split(/[ -]/)[0]}`);
    expect(at('Month-to-month')).toBeGreaterThan(-1);
    expect(at('Month-to-month')).toBeLessThan(at('One year'));
    expect(at('One year')).toBeLessThan(at('Two year'));
    await screenshot('telco-like');
    // The user may pick another column; the label follows.
    expect(await page.getByTestId('overview-breakdown').locator('option').allTextContents()).toEqual(['Contract', 'gender']);
    await page.getByTestId('overview-breakdown').selectOption('gender');
    await expect.poll(() => page.getByTestId('overview-breakdown-by').getAttribute('data-column'), { timeout: 30_000 }).toBe('gender');
    await expect.poll(async () => (await page.getByTestId('overview-chart').getAttribute('aria-label')) ?? (await page.getByTestId('overview-chart').locator('[role="img"]').getAttribute('aria-label'))).toBe('Customers by gender');
  });

  it('made no request elsewhere and threw no page error', () => {
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
