/**
 * The analytics page on the demo workspace: every section renders from SQL,
 * filters and cross-filter clicks re-query, and definitions with SQL are one
 * click away.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, foreignRequests, startSession, type Session } from './browser.ts';

let session: Session;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  session = await startSession('/');
  page = await session.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(session.baseUrl);
  await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Analytics' }).click();
});

afterAll(async () => {
  await session?.close();
});

const text = async (id: string) => (await page.getByTestId(id).textContent()) ?? '';

describe('analytics page (demo workspace)', () => {
  it('renders every section with figures', async () => {
    await page.getByTestId('sat-churn').waitFor({ timeout: 60_000 });
    expect(await text('sat-churn')).toMatch(/Churn is \d+\.\d% among dissatisfied customers against \d+\.\d% among satisfied ones\./);
    expect(await text('bottleneck')).toMatch(/^Bottleneck: /);
    expect(await text('pareto')).toMatch(/top 20 % of customers bring \d+\.\d% of revenue/);
    expect(await page.getByTestId('tiers').locator('tbody tr').count()).toBe(4);
    expect(await text('sec-loyalty')).not.toMatch(/purchases\s*—/);
    await page.getByTestId('rules-summary').waitFor({ timeout: 60_000 });
    expect(await text('rules-summary')).toMatch(/[1-9][\d,]* rules from [\d,]+ baskets/);
    await page.getByTestId('backtest').waitFor({ timeout: 60_000 });
    expect(await text('backtest')).toMatch(/MAPE \d+\.\d%/);
    for (const id of ['sec-compare', 'sec-customers', 'sec-sales', 'sec-loyalty', 'sec-service', 'sec-funnel', 'sec-tiers', 'sec-cohorts', 'sec-clusters', 'sec-rules']) {
      expect(await page.getByTestId(id).locator('canvas, table, .card').count(), id).toBeGreaterThan(0);
      expect(await text(id), id).not.toContain('Not available');
    }
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'analytics-demo.png'), fullPage: true });
  });

  it('shows each measure’s definition and SQL on request', async () => {
    const sec = page.getByTestId('sec-service');
    await sec.locator('summary').click();
    expect(await sec.locator('pre').first().textContent()).toMatch(/SELECT/i);
  });

  it('re-queries every chart when a filter changes', async () => {
    const before = await text('pareto');
    const channel = page.getByTestId('filter-channel');
    const values = await channel.locator('option').allTextContents();
    expect(values.length).toBeGreaterThan(2);
    await channel.selectOption({ index: 1 });
    await expect.poll(() => text('pareto'), { timeout: 30_000 }).not.toBe(before);
    await page.getByRole('button', { name: 'Reset filters' }).click();
    await expect.poll(() => text('pareto'), { timeout: 30_000 }).toBe(before);
  });

  it('made no request elsewhere and threw no page error', () => {
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
