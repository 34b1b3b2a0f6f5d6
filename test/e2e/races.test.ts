/**
 * Impatient users: a file dropped while the demo workspace is still loading,
 * two drops at once, and several bad files in one drop. Every workspace change
 * goes through one queue, so each ends with one state that every page agrees on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { dropFiles, foreignRequests, startSession, type Session } from './browser.ts';

let session: Session;
let page: Page;

/** A small customers file with a size no demo has, so the KPI says whose data is shown. */
function customersCsv(n: number): string {
  const lines = ['customer_id,segment,churn'];
  for (let i = 1; i <= n; i++) lines.push(`K${i},${i % 2 ? 'Retail' : 'Wholesale'},${i % 3 ? 'No' : 'Yes'}`);
  return lines.join('\n') + '\n';
}

const kpi = async (key: string) => (await page.getByTestId(`kpi-${key}`).locator('.value').textContent())?.trim() ?? '';

beforeAll(async () => {
  session = await startSession('/');
  page = await session.newPage();
  // Test hook: the demo load pauses for 4 s after dropping the old tables and before adding its own.
  await page.addInitScript(() => {
    (globalThis as { __CRM_LENS_DEMO_DELAY_MS__?: number }).__CRM_LENS_DEMO_DELAY_MS__ = 4000;
  });
  await page.goto(session.baseUrl);
});

afterAll(async () => {
  await session?.close();
});

describe('races', () => {
  it('a file dropped while the demo still loads replaces the demo on every page', async () => {
    await page.getByText('Generating the demo workspace').waitFor({ timeout: 120_000 });
    await page.getByTestId('file-input').setInputFiles({ name: 'early.csv', mimeType: 'text/csv', buffer: Buffer.from(customersCsv(37)) });
    await expect.poll(() => kpi('customers').catch(() => ''), { timeout: 120_000 }).toBe('37');
    await expect.poll(() => page.getByTestId('notice').textContent().catch(() => ''), { timeout: 30_000 }).toContain('early.csv');
    expect(await page.getByTestId('kpi-customers').textContent()).not.toContain('demo_');
    await page.getByRole('button', { name: 'Data' }).click();
    const tables = await page.getByTestId('tables').locator('tbody tr td:first-child').allTextContents();
    expect(tables.map((t) => t.trim())).toEqual(['early']);
    await page.getByRole('button', { name: 'Churn model', exact: true }).click();
    const options = await page.getByTestId('churn-table').locator('option').allTextContents();
    expect(options.join(' ')).not.toMatch(/demo_|customer_features/);
  });

  it('two drops at once load both files', async () => {
    await page.getByRole('button', { name: 'Data' }).click();
    await dropFiles(page, [{ name: 'first.csv', type: 'text/csv', text: customersCsv(5) }]);
    await dropFiles(page, [{ name: 'second.csv', type: 'text/csv', text: customersCsv(6) }]);
    await expect
      .poll(async () => (await page.getByTestId('tables').locator('tbody tr td:first-child').allTextContents()).map((t) => t.trim()), { timeout: 60_000 })
      .toEqual(['early', 'first', 'second']);
  });

  it('several bad files in one drop: every failure is listed, the good file loads', async () => {
    await dropFiles(page, [
      { name: 'nothing.csv', type: 'text/csv', text: '' },
      { name: 'good.csv', type: 'text/csv', text: customersCsv(3) },
      { name: 'also-empty.tsv', type: 'text/tab-separated-values', text: '' },
    ]);
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent().catch(() => ''), { timeout: 60_000 }).toContain('also-empty.tsv');
    const text = (await alert.textContent()) ?? '';
    expect(text).toContain('nothing.csv');
    await expect
      .poll(async () => (await page.getByTestId('tables').locator('tbody tr td:first-child').allTextContents()).map((t) => t.trim()), { timeout: 60_000 })
      .toContain('good');
  });

  it('asked nothing of any other origin', () => {
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
  });
});
