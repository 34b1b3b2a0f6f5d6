/**
 * Issue 9, end to end: an ordinary retail line-item export the app has never
 * seen (520,000 lines written here by bench/retail.ts: float customer ids,
 * a quarter of them blank, C-prefixed cancellations with negative quantities,
 * padded descriptions) loads through the file input; Overview shows its
 * customers and revenue with the scope line, Analytics shows the same
 * revenue, RFM tiers and association rules (description as item, invoice as
 * basket), and the net/gross choice moves both pages alike.
 */
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startSession, type Session, SCREENSHOTS } from './browser.ts';
import { writeRetailCsv, type RetailFigures } from '../../bench/retail.ts';

const ROWS = 520_000;

let session: Session;
let page: Page;
let fig: RetailFigures;
const pageErrors: string[] = [];

const int = (n: number) => n.toLocaleString('en', { maximumFractionDigits: 0 });
const money = (cents: number) => (cents / 100).toLocaleString('en', { maximumFractionDigits: 2 });
const compact = (cents: number) => new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 2 }).format(cents / 100);

beforeAll(async () => {
  fig = writeRetailCsv(path.join(os.tmpdir(), 'crm-lens-e2e', 'online_retail_like.csv'), { rows: ROWS, seed: 9 });
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

async function analytics(): Promise<void> {
  await page.getByRole('button', { name: 'Analytics' }).click();
  await expect.poll(() => page.getByTestId('filters').getAttribute('data-ready'), { timeout: 180_000 }).toBe('true');
}

describe('an unseen retail line-item export (issue 9)', () => {
  it('loads with customers, revenue and a scope line on Overview', async () => {
    expect(fig.lines).toBeGreaterThanOrEqual(ROWS);
    expect(fig.noCustomerLines).toBeGreaterThan(fig.lines / 5);
    expect(fig.returnLines).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Data', exact: true }).click();
    await page.getByTestId('clear').click();
    await expect.poll(() => page.getByTestId('clear').isDisabled(), { timeout: 30_000 }).toBe(true);
    await page.getByRole('button', { name: 'Overview', exact: true }).click();
    await page.getByTestId('file-input').setInputFiles(fig.file);
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 180_000 }).toContain('Loaded online_retail_like.csv');

    await expect.poll(() => kpi('customers'), { timeout: 60_000 }).toBe(int(fig.customers));
    expect(await kpi('orders')).toBe(int(fig.orders));
    expect(await kpi('revenue')).toBe(compact(fig.netCents));
    const scope = await text('overview-scope');
    expect(scope).toContain(`${int(fig.noCustomerLines)} lines without a customer, left out of customer measures`);
    expect(scope).toContain(`${int(fig.returnLines)} return lines (−${money(-fig.returnCents)})`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'unseen-retail-overview.png'), fullPage: true });
  });

  it('Analytics shows the same revenue, orders and customers, RFM tiers and association rules', async () => {
    await analytics();
    const scope = await text('scope');
    expect(scope).toContain(`${int(fig.customers)} customers with orders`);
    expect(scope).toContain(`${int(fig.orders)} orders`);
    expect(scope).toContain(`revenue ${money(fig.netCents)}`);
    expect(scope).toContain(`${int(fig.noCustomerLines)} lines without a customer`);
    expect(await page.getByTestId('tiers').locator('tbody tr').count()).toBe(4);
    expect(await text('sec-tiers')).not.toContain('Not available');
    await page.getByTestId('rules-summary').waitFor({ timeout: 180_000 });
    expect(await text('rules-summary')).toMatch(/[1-9][\d,]* rules from [\d,]+ baskets/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'unseen-retail-analytics.png'), fullPage: true });
  });

  it('gross revenue leaves the returns out on both pages, chosen from the keyboard', async () => {
    const select = page.getByTestId('revenue-basis');
    await select.focus();
    await page.keyboard.press('ArrowDown');
    expect(await select.inputValue()).toBe('gross');
    await expect.poll(() => text('scope'), { timeout: 120_000 }).toContain(`revenue ${money(fig.grossCents)}`);
    expect(await text('scope')).toContain(`${int(fig.returnLines)} return lines (−${money(-fig.returnCents)}) left out`);
    await page.getByRole('button', { name: 'Overview', exact: true }).click();
    await expect.poll(() => kpi('revenue'), { timeout: 60_000 }).toBe(compact(fig.grossCents));
    expect(await page.getByTestId('revenue-basis').inputValue()).toBe('gross');
    await page.getByTestId('revenue-basis').selectOption('net');
    await expect.poll(() => kpi('revenue'), { timeout: 60_000 }).toBe(compact(fig.netCents));
    expect(pageErrors).toEqual([]);
  });
});
