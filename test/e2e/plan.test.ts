/**
 * Issue 15 as a user reads it, on the demo and on CDNOW (orders only): a churn
 * warning list without churned customers, importance by column, funnel steps
 * in words, life-cycle stages, a cluster count to choose, units and number
 * formats, date fields in the UI language (en + zh), and a churn model for an
 * orders-only log. Screenshots: test/e2e/__screenshots__/plan-*.png.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DATA_DIR, SCREENSHOTS, foreignRequests, nav as navTo, openApp, type Session } from './browser.ts';

const CDNOW = path.join(DATA_DIR, 'cdnow/CDNOW_master.txt');

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
const firstCells = async (id: string) => (await page.getByTestId(id).locator('tbody tr td:first-child').allTextContents()).map((s) => s.trim());

async function shot(name: string): Promise<void> {
  await page.evaluate(() => document.fonts.ready);
  await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
}

describe('churn warning list (demo)', () => {
  let ids: string[] = [];

  it('quick model: strongest signals are whole columns, not one-hot levels', async () => {
    await nav('Churn model');
    await expect.poll(() => page.getByTestId('churn-target').inputValue(), { timeout: 30_000 }).toBe('churned');
    await page.getByTestId('train').click();
    await page.getByTestId('quick-importance').waitFor({ timeout: 120_000 });
    const columns = await firstCells('quick-importance');
    expect(columns.length).toBeGreaterThan(3);
    expect(columns.filter((c) => c.includes('='))).toEqual([]);
    expect(new Set(columns).size).toBe(columns.length);
  });

  it('the lab lists only customers not yet lost, and says so above the list', async () => {
    await page.getByTestId('lab-k').selectOption('3');
    await page.getByTestId('lab-run').click();
    await page.getByTestId('lab-best').waitFor({ timeout: 240_000 });
    const scope = await text('warning-scope');
    expect(scope).toMatch(/^Scores [\d,]+ customers not yet lost \(churned = 0 or unknown\).*The [\d,]+ already churned \(churned = 1\) are left out/);
    ids = await firstCells('scored');
    expect(ids.length).toBe(25);
    await page.getByTestId('scored').scrollIntoViewIfNeeded();
    await shot('plan-churn-warning.png');
  });

  it('none of the listed customers has churned (checked in the SQL console)', async () => {
    await nav('SQL');
    const editor = page.getByTestId('sql-editor');
    await editor.waitFor();
    const list = ids.map((id) => `'${id.replaceAll("'", "''")}'`).join(', ');
    await editor.fill(`SELECT count(*) AS n, count(*) FILTER (WHERE CAST(churned AS INTEGER) = 1) AS lost FROM customer_features WHERE CAST(customer_id AS VARCHAR) IN (${list})`);
    await editor.press('Control+Enter');
    const row = page.getByTestId('sql-table').locator('tbody tr').first();
    await row.waitFor({ timeout: 60_000 });
    expect((await row.locator('td').allTextContents()).map((s) => s.trim())).toEqual(['25', '0']);
  });
});

describe('analytics (demo)', () => {
  it('funnel steps in words, life-cycle stages, service units, a cluster count to choose', async () => {
    await nav('Analytics');
    await page.getByTestId('bottleneck').waitFor({ timeout: 90_000 });
    const steps = await firstCells('funnel-steps');
    expect(steps).toEqual(['Lead created', 'Marketing qualified', 'Sales qualified', 'Opportunity', 'Won']);
    expect(await text('bottleneck')).not.toMatch(/_at\b/);
    expect(await page.getByTestId('funnel-steps').locator('tbody td[title="mql_at"]').textContent()).toBe('Marketing qualified');

    expect(await firstCells('lifecycle')).toEqual(['New', 'Growing', 'Mature', 'Declining', 'Lost']);
    const service = await page.getByTestId('service-times').locator('tbody tr').first().locator('td').allTextContents();
    expect(service.slice(2)).toEqual(expect.arrayContaining([expect.stringMatching(/^[\d,.]+ h$/)]));

    await page.getByTestId('clusters').waitFor({ timeout: 90_000 });
    const k = Number(await page.getByTestId('cluster-k').inputValue());
    expect(k).toBeGreaterThanOrEqual(3);
    expect(await page.getByTestId('silhouettes').locator('tr').first().locator('td').allTextContents()).toEqual(['2', '3', '4', '5', '6', '7', '8']);
    expect(await page.getByTestId('clusters').locator('tbody tr').count()).toBe(k);
    await page.getByTestId('cluster-k').selectOption('5');
    await expect.poll(() => page.getByTestId('clusters').locator('tbody tr').count(), { timeout: 60_000 }).toBe(5);
    await shot('plan-analytics-en.png');
  });

  it('in Chinese: steps and stages in Chinese, date fields read 年/月/日 and take a typed date', async () => {
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByRole('navigation').textContent()).toContain('总览');
    await expect.poll(() => firstCells('funnel-steps'), { timeout: 30_000 }).toContain('营销认可线索（MQL）');
    await expect.poll(() => firstCells('lifecycle'), { timeout: 30_000 }).toEqual(['新客', '成长', '成熟', '衰退', '流失']);
    const from = page.getByTestId('filter-from');
    expect(await from.getAttribute('placeholder')).toBe('年/月/日');
    const before = await text('pareto');
    await from.fill('2024/01/01');
    await from.blur();
    await expect.poll(() => text('pareto'), { timeout: 60_000 }).not.toBe(before);
    expect(await from.inputValue()).toBe('2024/01/01');
    await expect.poll(() => page.getByTestId('filters').getAttribute('data-ready'), { timeout: 90_000 }).toBe('true');
    await shot('plan-analytics-zh.png');
    await page.getByRole('button', { name: '重置筛选' }).click();
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByRole('navigation').textContent()).toContain('Overview');
  });
});

describe.skipIf(!existsSync(CDNOW))('orders-only log (CDNOW)', () => {
  it('gets a churn model from behaviour, the customers derived from the orders', async () => {
    // The same page as the demo's quick model and clusters above, as a user goes: the Analytics page's
    // queries for CDNOW still run while the training table is created (they once broke its statement
    // in DuckDB's worker, which failed with an Error without message).
    await page.getByTestId('file-input').setInputFiles(CDNOW);
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 90_000 }).toContain('CDNOW_master.txt');
    // The notice follows a change of language (it was once left in the language it was made in).
    expect(await page.getByTestId('notice').textContent()).toContain('Loaded CDNOW_master.txt');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('已加载 CDNOW_master.txt');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('Loaded CDNOW_master.txt');
    await nav('Churn model');
    await page.getByTestId('cutoff-target').waitFor();
    expect(await page.getByTestId('cutoff-unavailable').count()).toBe(0);
    // The suggested cut-off (last order 1998-06-30 less 90 days), written the English way.
    await expect.poll(() => page.getByTestId('cutoff-date').inputValue(), { timeout: 30_000 }).toBe('04/01/1998');
    await page.getByTestId('cutoff-create').click();
    // The training table, or the alert that says why not (never "Error (no message)").
    const alert = page.locator('.message.error[role="alert"] span');
    await page.getByTestId('cutoff-done').or(alert).first().waitFor({ timeout: 60_000 });
    expect((await alert.count()) ? await alert.first().textContent() : '').toBe('');
    expect(await text('cutoff-done')).toMatch(/churn_training/);
    await expect.poll(() => page.getByTestId('churn-target').inputValue(), { timeout: 30_000 }).toBe('churned');
    await page.getByTestId('train').click();
    await page.getByTestId('auc').waitFor({ timeout: 120_000 });
    expect(Number.parseFloat((await page.getByTestId('auc').locator('strong').textContent()) ?? '0')).toBeGreaterThan(0.65);
    await shot('plan-churn-cdnow.png');
  });

  it('clusters CDNOW into k ≥ 3 by default', async () => {
    await nav('Analytics');
    await page.getByTestId('clusters').waitFor({ timeout: 120_000 });
    expect(Number(await page.getByTestId('cluster-k').inputValue())).toBeGreaterThanOrEqual(3);
    await page.getByTestId('sec-cohorts').scrollIntoViewIfNeeded();
    await shot('plan-analytics-cdnow.png');
  });
});

describe('plan checks', () => {
  it('made no request elsewhere and threw no page error', () => {
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
    expect(errors).toEqual([]);
  });
});
