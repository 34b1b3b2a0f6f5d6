/**
 * Cleaning with a log, in the browser: currency amounts are parsed and the
 * step can be undone; duplicate rows are reported, removed only on request.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, foreignRequests, openApp, type Session } from './browser.ts';

let session: Session;
let page: Page;

// Hand-made: 5 data lines, one an exact duplicate of another; amounts with currency signs and thousands separators.
const CSV = [
  'order_id,customer_id,order_date,amount',
  'A1,C1,2024-01-05,"$1,200.50"',
  'A2,C2,2024-01-06,$80',
  'A3,C1,2024-02-01,"$2,000"',
  'A3,C1,2024-02-01,"$2,000"',
  'A4,C3,2024-02-03,$19.50',
].join('\n');

beforeAll(async () => {
  ({ session, page } = await openApp());
  await page.getByTestId('file-input').setInputFiles({ name: 'orders-money.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
  await page.getByTestId('notice').waitFor({ timeout: 60_000 });
});

afterAll(async () => {
  await session?.close();
});

const kpi = async (key: string) => ((await page.getByTestId(`kpi-${key}`).locator('.value').textContent()) ?? '').trim();

describe('cleaning log in the UI', () => {
  it('parses currency amounts (logged) so revenue is a number', async () => {
    // 1,200.50 + 80 + 2,000 + 2,000 + 19.50 = 5,300 (the duplicate line still counts until removed)
    await expect.poll(() => kpi('revenue'), { timeout: 30_000 }).toBe('5,300');
    await page.getByRole('button', { name: 'Data', exact: true }).click();
    const log = page.getByTestId('cleaning-log');
    await expect.poll(() => log.textContent()).toContain('amount');
    expect(await page.getByTestId('findings').textContent()).toContain('1');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'data-cleaning.png'), fullPage: true });
  });

  it('removes the duplicate row only when asked', async () => {
    await page.getByTestId('findings').getByRole('button').first().click();
    await page.getByRole('button', { name: 'Overview', exact: true }).click();
    await expect.poll(() => kpi('revenue'), { timeout: 30_000 }).toBe('3,300');
  });

  it('undoes steps from the log, newest first', async () => {
    await page.getByRole('button', { name: 'Data', exact: true }).click();
    const undo = page.getByTestId('cleaning-log').getByRole('button', { name: 'Undo' });
    const before = await undo.count();
    expect(before).toBeGreaterThanOrEqual(2);
    await undo.last().click(); // the duplicate-row removal
    await expect.poll(() => undo.count()).toBe(before - 1);
    await page.getByRole('button', { name: 'Overview', exact: true }).click();
    await expect.poll(() => kpi('revenue'), { timeout: 30_000 }).toBe('5,300');
  });

  it('asks when day/month order is ambiguous, and reads the other way on request', async () => {
    const csv = ['customer_id,signup_date', 'K1,03/04/2024', 'K2,05/06/2024', 'K3,11/12/2023'].join('\n');
    await page.getByTestId('file-input').setInputFiles({ name: 'signups.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.getByTestId('notice').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Data', exact: true }).click();
    const choose = page.getByTestId('cleaning-log').getByRole('button', { name: /Read as month\/day\/year instead/ });
    await choose.waitFor({ timeout: 30_000 });
    await page.getByRole('link', { name: 'signups' }).or(page.getByRole('button', { name: 'signups', exact: true })).first().click();
    const firstDate = () => page.locator('section', { hasText: 'Preview' }).locator('tbody tr').first().locator('td').nth(1).textContent();
    await expect.poll(firstDate, { timeout: 30_000 }).toBe('2024-04-03');
    await choose.click();
    await expect.poll(firstDate, { timeout: 30_000 }).toBe('2024-03-04');
  });

  it('lets the user override the detected text encoding', async () => {
    const iconv = (await import('iconv-lite')).default;
    const gbk = iconv.encode(['客户编号,城市', 'C1,上海', 'C2,北京'].join('\n'), 'gbk');
    await page.getByTestId('file-input').setInputFiles({ name: 'cities.csv', mimeType: 'text/csv', buffer: gbk });
    await page.getByTestId('notice').waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Data', exact: true }).click();
    const select = page.locator('[data-testid^="encoding-"]').last();
    await expect.poll(() => select.inputValue(), { timeout: 30_000 }).toBe('gb18030');
    await select.selectOption('windows-1252');
    await expect.poll(() => select.inputValue(), { timeout: 30_000 }).toBe('windows-1252');
    await select.selectOption('gb18030');
    await expect.poll(() => page.getByTestId('tables').textContent(), { timeout: 30_000 }).toContain('cities.csv');
    await expect.poll(() => select.inputValue(), { timeout: 30_000 }).toBe('gb18030');
  });

  it('keeps the user’s cleaning choices across a reload (replayed on the restored files)', async () => {
    await page.getByRole('button', { name: 'Data', exact: true }).click();
    await page.getByTestId('findings').getByRole('button', { name: 'Remove duplicate rows' }).first().click();
    await page.getByRole('button', { name: 'Overview', exact: true }).click();
    await expect.poll(() => kpi('revenue'), { timeout: 30_000 }).toBe('3,300');
    // The workspace is saved in the background once the step is done.
    await expect.poll(() => page.getByTestId('storage-saved').textContent(), { timeout: 30_000 }).toMatch(/Saved/);
    await page.waitForTimeout(500);
    await page.reload();
    await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
    await expect.poll(() => kpi('revenue'), { timeout: 60_000 }).toBe('3,300');
    await page.getByRole('button', { name: 'Data', exact: true }).click();
    await page.getByRole('button', { name: 'signups', exact: true }).click();
    const firstDate = () => page.locator('section', { hasText: 'Preview' }).locator('tbody tr').first().locator('td').nth(1).textContent();
    await expect.poll(firstDate, { timeout: 30_000 }).toBe('2024-03-04');
  });

  it('made no request elsewhere', () => {
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
  });
});
