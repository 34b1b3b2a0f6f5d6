/**
 * The analytics page on the demo workspace: every section renders from SQL,
 * filters and cross-filter clicks re-query, definitions with SQL are one
 * click away, and a bar, row or step opens the customers behind it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, foreignRequests, openApp, type Session } from './browser.ts';

let session: Session;
let page: Page;
const errors: string[] = [];

beforeAll(async () => {
  ({ session, page } = await openApp('/', errors));
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
    // Charts draw when scrolled near, a few per frame; the cohort heatmap (up to 36 cohorts × 13 months) is a heavy one.
    await page.getByTestId('chart-cohorts').scrollIntoViewIfNeeded();
    await page.getByTestId('chart-cohorts').locator('canvas').first().waitFor({ timeout: 30_000 });
    // The breakdowns panel runs its own query (not part of the filter bar's "ready"): wait for its figures.
    await expect.poll(() => page.getByTestId('sec-more').locator('canvas, table').count(), { timeout: 60_000 }).toBeGreaterThan(0);
    for (const id of ['sec-compare', 'sec-customers', 'sec-sales', 'sec-forecast', 'sec-loyalty', 'sec-service', 'sec-funnel', 'sec-tiers', 'sec-cohorts', 'sec-clusters', 'sec-rules', 'sec-more', 'sec-more-service']) {
      await page.getByTestId(id).scrollIntoViewIfNeeded();
      await expect.poll(() => page.getByTestId(id).locator('canvas, table, .card').count(), { message: id }).toBeGreaterThan(0);
      expect(await text(id), id).not.toContain('Not available');
    }
    expect(await page.getByTestId('not-here').count()).toBe(0);
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

  it('lists the customers behind a status bar, a tier, a cluster and a funnel step; Escape closes and focus returns', async () => {
    await expect.poll(() => page.getByTestId('filters').getAttribute('data-ready'), { timeout: 90_000 }).toBe('true');
    const dialog = page.getByTestId('drilldown');
    const isOpen = () => dialog.evaluate((d) => (d as HTMLDialogElement).open);
    const open = async (button: string, expected: RegExp) => {
      await page.getByTestId(button).click();
      await expect.poll(() => text('drill-count'), { timeout: 30_000 }).toMatch(expected);
      expect(await isOpen()).toBe(true);
      // Focus moves into the dialog (its Close button), and comes back to the opener on Escape.
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('drill-close');
      await page.keyboard.press('Escape');
      await expect.poll(isOpen).toBe(false);
      expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe(button);
    };
    const count = async (id: string) => /([\d,]+)\s*$/.exec(await text(id))![1]!;
    await open('status-active', new RegExp(`^${await count('status-active')} customers$`));
    await open('tier-important', new RegExp(`^${await count('tier-important')} customers$`));
    await open('cluster-1', new RegExp(`^${await count('cluster-1')} customers$`));
    const step = page.getByTestId('sec-funnel').locator('tbody tr').nth(1);
    const leads = (await step.locator('button').textContent())!.trim();
    await step.locator('button').click();
    await expect.poll(() => text('drill-count'), { timeout: 30_000 }).toBe(`${leads} leads`);
    await page.getByTestId('drill-close').click();
    await expect.poll(isOpen).toBe(false);
  });

  it('lists everyone under the filters, as the scope line counts them, and exports the list as CSV', async () => {
    const channel = page.getByTestId('filter-channel');
    await channel.selectOption({ index: 1 });
    await expect.poll(() => page.getByTestId('filters').getAttribute('data-ready'), { timeout: 90_000 }).toBe('true');
    const buyers = /([\d,]+) customers with orders/.exec(await text('scope'))![1]!;
    await page.getByTestId('list-customers').click();
    await expect.poll(() => text('drill-count'), { timeout: 30_000 }).toBe(`${buyers} customers`);
    expect(await text('drilldown')).toContain(`Channel = ${await channel.inputValue()}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('drill-export').click()]);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(csv[0]!.split(',').slice(0, 2)).toEqual(['customer_id', 'name']);
    expect(csv).toHaveLength(Number(buyers.replaceAll(',', '')) + 1);
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Reset filters' }).click();
    await expect.poll(() => page.getByTestId('filters').getAttribute('data-ready'), { timeout: 90_000 }).toBe('true');
  });

  it('draws the rule network and recommends what buyers of a product also buy', async () => {
    await page.getByTestId('chart-rules-network').scrollIntoViewIfNeeded();
    await page.getByTestId('chart-rules-network').locator('canvas').first().waitFor();
    const product = page.getByTestId('reco-product');
    expect((await product.locator('option').count())).toBeGreaterThan(0);
    expect(await page.getByTestId('recommendations').locator('tbody tr').count()).toBeGreaterThan(0);
  });

  it('breaks customer status and revenue down by a chosen dimension; shows big vs small, tickets, sales cycle', async () => {
    const more = page.getByTestId('sec-more');
    await more.getByTestId('chart-status-by').scrollIntoViewIfNeeded();
    await more.getByTestId('chart-status-by').locator('canvas').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('big-small').locator('tbody tr').count()).toBe(2);
    await page.getByTestId('more-dim').selectOption('region');
    await more.getByTestId('chart-sales-by').scrollIntoViewIfNeeded();
    await more.getByTestId('chart-sales-by').locator('canvas').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('sales-cycle').textContent()).toMatch(/[\d,]+ won leads: median [\d.]+ days/);
    expect(await text('sec-more-cycle')).toContain('No payment status');
  });

  it('made no request elsewhere and threw no page error', () => {
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
