/**
 * The read-only SQL console (issue #5) end to end, in headless Chromium against
 * the built dist/ on the demo workspace: run by keyboard, results with count and
 * time, inline errors, writes refused, the row cap, CSV with proper quoting,
 * charts that export, quoted names inserted at the cursor, both languages.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, foreignRequests, startSession, type Session } from './browser.ts';

let session: Session;
let page: Page;

beforeAll(async () => {
  session = await startSession('/');
  page = await session.newPage();
  await page.goto(session.baseUrl);
  await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
  await page.getByRole('navigation').getByRole('button', { name: 'SQL', exact: true }).click();
  await page.getByTestId('sql-editor').waitFor();
});

afterAll(async () => {
  await session?.close();
});

const editor = () => page.getByTestId('sql-editor');
const status = async () => (await page.getByTestId('sql-status').textContent())?.trim() ?? '';
const bodyRows = () => page.getByTestId('sql-table').locator('tbody tr');

/** Type a query and run it with Ctrl+Enter; resolves when the console has an answer. */
async function runSql(sql: string): Promise<void> {
  const before = await answers();
  await editor().fill(sql);
  await editor().press('Control+Enter');
  await expect.poll(answers, { timeout: 60_000 }).toBeGreaterThan(before);
}

async function answers(): Promise<number> {
  return Number(await page.getByTestId('sql-status').getAttribute('data-answers'));
}

async function errorText(): Promise<string> {
  return (await page.getByTestId('sql-error').textContent()) ?? '';
}

describe('SQL console', () => {
  it('lists the workspace tables and runs a query with Ctrl+Enter: rows, count and time', async () => {
    const tables = await page.getByTestId('sql-tables').textContent();
    for (const t of ['demo_customers', 'demo_orders', 'demo_tickets', 'demo_leads', 'customer_features']) expect(tables).toContain(t);
    await runSql('SELECT region, count(*) AS customers\nFROM demo_customers\nGROUP BY region\nORDER BY customers DESC');
    const s = await status();
    expect(s).toMatch(/^\d+ rows · [\d,]+ ms$/);
    const n = Number(s.split(' ')[0]);
    expect(await bodyRows().count()).toBe(n);
    const counts = await bodyRows().locator('td:nth-child(2)').allTextContents();
    expect(counts.map(Number).reduce((a, b) => a + b, 0)).toBe(2000);
    expect(counts.map(Number)).toEqual([...counts.map(Number)].sort((a, b) => b - a));
    expect(await page.getByTestId('sql-error').count()).toBe(0);
  });

  it('charts the result with the existing chart component, which exports PNG named by the title', async () => {
    await page.getByTestId('sql-title').fill('Customers / region');
    await page.getByTestId('sql-chart-toggle').click();
    const chart = page.getByTestId('sql-chart');
    await chart.locator('canvas').first().waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'sql-console.png'), fullPage: true });
    const [png] = await Promise.all([page.waitForEvent('download'), chart.getByRole('button', { name: /PNG/ }).click()]);
    expect(png.suggestedFilename()).toBe('Customers _ region.png');
    expect([...readFileSync((await png.path())!).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('says so when a result cannot be charted', async () => {
    await runSql('SELECT * FROM demo_orders LIMIT 20');
    await page.getByTestId('sql-no-chart').waitFor();
    expect(await page.getByTestId('sql-chart').count()).toBe(0);
  });

  it('runs an example: monthly revenue from the orders table, charted over time', async () => {
    const before = await answers();
    await page.getByTestId('sql-examples').getByRole('button', { name: 'Monthly revenue from demo_orders' }).click();
    await expect.poll(answers, { timeout: 60_000 }).toBeGreaterThan(before);
    expect(await status()).toMatch(/^\d+ rows/);
    expect(await page.getByTestId('sql-title').inputValue()).toBe('Monthly revenue from demo_orders');
    expect(await editor().inputValue()).toContain('date_trunc');
    await page.getByTestId('sql-chart').locator('canvas').first().waitFor();
    await page.getByTestId('sql-chart-toggle').click();
  });

  it('downloads the result as CSV with proper quoting, named from the sanitized title', async () => {
    await runSql(`SELECT 'a,b' AS "x,y", 'say "hi"' AS q, E'two\\nlines' AS m, NULL AS n, 3.5 AS d, '中文' AS zh, ' pad' AS p`);
    await page.getByTestId('sql-title').fill('report: Q1/2024');
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('sql-csv').click()]);
    expect(csv.suggestedFilename()).toBe('report_ Q1_2024.csv');
    const text = readFileSync((await csv.path())!, 'utf8');
    expect(text).toBe('\uFEFF"x,y",q,m,n,d,zh,p\r\n"a,b","say ""hi""","two\nlines",,3.5,中文," pad"\r\n');
  });

  it('refuses anything but one read-only statement, inline, and the workspace is untouched', async () => {
    await runSql('DROP TABLE demo_orders');
    expect(await errorText()).toContain('DROP cannot run here');
    await runSql('WITH x AS (SELECT 1) INSERT INTO demo_orders SELECT * FROM demo_orders');
    expect(await errorText()).toContain('INSERT cannot run here');
    await runSql("select 'a;b'; drop table demo_orders");
    expect(await errorText()).toContain('one statement at a time');
    await runSql('  -- nothing but a comment');
    expect(await errorText()).toContain('Type a query first');
    await runSql('SELECT count(*) AS n FROM demo_orders');
    expect(Number(await bodyRows().first().textContent())).toBeGreaterThan(0);
  });

  it("shows DuckDB's own message, pointing at the text as typed", async () => {
    await runSql('SELECT nope\nFROM demo_orders');
    const text = await errorText();
    expect(text).toContain('DuckDB could not run the query');
    expect(text).toMatch(/Binder Error/);
    expect(text).toContain('nope');
    expect(text).not.toContain('SELECT * FROM (');
    await runSql('SELECT 1 +');
    expect(await errorText()).toMatch(/Parser Error: syntax error at end of input/);
    await runSql('SELEC 1');
    expect(await errorText()).toContain('“SELEC” does not start a query');
  });

  it('keeps at most 100,000 rows, says so, and draws the first 500', async () => {
    await runSql('SELECT i, i * 2 AS twice FROM range(150000) r(i) ORDER BY i');
    expect(await status()).toMatch(/^100,000 rows/);
    await page.getByTestId('sql-truncated').waitFor();
    expect(await bodyRows().count()).toBe(500);
    expect(await page.getByTestId('sql-result').textContent()).toContain('the CSV has all 100,000');
    expect(await bodyRows().first().locator('td').first().textContent()).toBe('0');
    await runSql('SELECT 1 AS one');
    expect(await status()).toMatch(/^1 row · /);
    expect(await page.getByTestId('sql-truncated').count()).toBe(0);
  });

  it('inserts quoted table and column names at the cursor, by keyboard', async () => {
    await editor().fill('SELECT count(*) FROM');
    await page.getByRole('button', { name: 'Insert demo_tickets', exact: true }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => editor().inputValue()).toBe('SELECT count(*) FROM "demo_tickets"');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sql-editor');
    const before = await answers();
    await page.keyboard.press('Control+Enter');
    await expect.poll(answers, { timeout: 60_000 }).toBeGreaterThan(before);
    expect(await status()).toMatch(/^1 row · /);
  });

  it('speaks Chinese', async () => {
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByRole('heading', { level: 2 }).first().textContent()).toBe('SQL 控制台');
    await runSql('DELETE FROM demo_orders');
    expect(await errorText()).toContain('此处不能运行 DELETE');
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'sql-console-zh.png'), fullPage: true });
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByRole('heading', { level: 2 }).first().textContent()).toBe('SQL console');
  });

  it('made no request to any other origin', () => {
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
  });
});
