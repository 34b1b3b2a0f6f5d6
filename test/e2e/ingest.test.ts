/**
 * Issue #4 (a CRM data model) end to end, in real headless Chromium against
 * the built dist/, every file through the UI's file input: a two-sheet XLSX
 * and its sheet picker, Parquet, large NDJSON and JSON (read in slices), GBK Chinese CSV, a CSV with malformed lines
 * and its rejected-rows download, and the role editor: a fixed role changes a
 * KPI, is saved as a template and is applied to the next file with the same
 * headers. Every input is generated here, in memory or in a temp dir that is
 * removed afterwards: @e965/xlsx for the workbook, native DuckDB
 * (@duckdb/node-api) for Parquet and JSON, iconv-lite for GBK; nothing binary is kept.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as XLSX from '@e965/xlsx';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, foreignRequests, startSession, type Session } from './browser.ts';

let session: Session;
let page: Page;
let tmp: string;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'crm-lens-ingest-e2e-'));
  session = await startSession();
  page = await session.newPage();
  await page.goto(session.baseUrl);
  await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
  await page.getByRole('button', { name: 'Data', exact: true }).click();
});

afterAll(async () => {
  await session?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Start each case from an empty workspace, so table names and kinds are the case's own. */
/** Runs `statements` on a fresh native DuckDB; the first value of the last one's first row, as text. */
async function nativeSql(statements: string[]): Promise<string> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    let last: unknown = null;
    for (const sql of statements) last = (await conn.runAndReadAll(sql)).getRows()[0]?.[0] ?? null;
    return String(last);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

async function clear(): Promise<void> {
  await page.getByTestId('clear').click();
  await expect.poll(() => page.getByTestId('tables').count()).toBe(0);
}

async function load(file: { name: string; mimeType: string; buffer: Buffer }): Promise<string> {
  await page.getByTestId('file-input').setInputFiles(file);
  await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 60_000 }).toContain(file.name);
  return (await page.getByTestId('notice').textContent()) ?? '';
}

/** The row of the tables list for a file. */
function row(fileName: string) {
  return page.getByTestId('tables').locator('tbody tr', { hasText: fileName });
}

/** Cell texts of a table row, by column header. */
async function cells(fileName: string): Promise<Record<string, string>> {
  const heads = await page.getByTestId('tables').locator('thead th').allTextContents();
  const texts = await row(fileName).locator('td').allTextContents();
  return Object.fromEntries(heads.map((h, i) => [h.trim(), (texts[i] ?? '').replace(/\s+/g, ' ').trim()]));
}

async function kpi(key: string): Promise<string> {
  return (await page.getByTestId(`kpi-${key}`).locator('.value').textContent())?.trim() ?? '';
}

/**
 * Order lines with float ids, a Chinese header, returns as negative amounts, NULLs, and quotes and commas in
 * text, as native DuckDB's SELECT (written to Parquet or JSON by the cases).
 */
function awkwardOrders(rows: number): string {
  return `SELECT (i % 997) + 0.5 AS "客户编号", 'O' || (i / 3) AS order_id, DATE '2024-01-01' + CAST(i % 300 AS INTEGER) AS order_date,
        CASE WHEN i % 13 = 0 THEN NULL WHEN i % 7 = 0 THEN -(i % 40) ELSE (i % 250) * 1.25 END AS amount,
        CASE WHEN i % 11 = 0 THEN 'say "hi", then go' ELSE 'p' || (i % 31) END AS product
      FROM range(${rows}) t(i)`;
}

/** Count, net sum and blank amounts of `from`, as one text. */
function figures(from: string): string {
  return `SELECT CAST(count(*) AS VARCHAR) || ' lines, ' || CAST(round(sum(amount), 2) AS VARCHAR) || ' net, ' || CAST(count(*) FILTER (WHERE amount IS NULL) AS VARCHAR) || ' blank' AS f FROM ${from}`;
}

/** The same figures from the loaded table, in the SQL console, as native DuckDB gives them from the file. */
async function expectFigures(table: string, expected: string): Promise<void> {
  await page.getByRole('navigation').getByRole('button', { name: 'SQL', exact: true }).click();
  await page.getByTestId('sql-editor').fill(figures(`"${table}"`));
  await page.getByTestId('sql-editor').press('Control+Enter');
  await expect.poll(() => page.getByTestId('sql-table').locator('tbody').textContent(), { timeout: 60_000 }).toContain(expected);
  await page.getByRole('navigation').getByRole('button', { name: 'Data', exact: true }).click();
}

describe('ingest (issue #4)', () => {
  it('loads a two-sheet XLSX, lists its sheets and switches sheet', async () => {
    await clear();
    const wb = XLSX.utils.book_new();
    const customers = [['customer_id', 'name', 'segment', 'churn'], ...['C1', 'C2', 'C3', 'C4', 'C5'].map((id, i) => [id, `Name ${i}`, i % 2 ? 'Gold' : 'Silver', i % 2 ? 'Yes' : 'No'])];
    const orders = [['order_id', 'customer_id', 'order_date', 'amount'], ...Array.from({ length: 7 }, (_, i) => [`O${i + 1}`, `C${(i % 5) + 1}`, `2024-0${(i % 6) + 1}-15`, 10 * (i + 1)])];
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(customers), 'Customers');
    XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(orders), 'Orders');
    const buffer = Buffer.from(XLSX.write(wb, { type: 'buffer', bookType: 'xlsx' }) as Buffer);
    const notice = await load({ name: 'book.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer });
    expect(notice).toContain('5 rows');

    const picker = row('book.xlsx').locator('select');
    expect(await picker.locator('option').allTextContents()).toEqual(['Customers', 'Orders']);
    expect(await picker.inputValue()).toBe('Customers');
    let c = await cells('book.xlsx');
    expect(c['Read as']).toContain('Spreadsheet');
    expect(c.Kind).toBe('Customers');
    expect(c.Rows).toBe('5');

    await picker.selectOption('Orders');
    await expect.poll(async () => (await cells('book.xlsx')).Rows, { timeout: 30_000 }).toBe('7');
    c = await cells('book.xlsx');
    expect(c.Kind).toBe('Orders');
    expect(c.Columns).toBe('4');
    expect(await row('book.xlsx').locator('select').inputValue()).toBe('Orders');
    expect(await page.getByTestId('notice').textContent()).toContain('book.xlsx › Orders');
    // Still one table for the workbook (the old sheet's table was replaced, not added to).
    expect(await page.getByTestId('tables').locator('tbody tr', { hasText: 'book.xlsx' }).count()).toBe(1);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'data-sheets.png'), fullPage: true });
  });

  it('loads Parquet with the right row count', async () => {
    await clear();
    const file = path.join(tmp, 'orders.parquet');
    await nativeSql([
      `COPY (SELECT 'O' || i AS order_id, 'C' || (i % 37) AS customer_id, DATE '2024-01-01' + CAST(i % 300 AS INTEGER) AS order_date, round(10 + i * 0.37, 2) AS amount FROM range(1234) t(i)) TO '${file}' (FORMAT parquet)`,
    ]);
    const notice = await load({ name: 'orders.parquet', mimeType: 'application/octet-stream', buffer: readFileSync(file) });
    expect(notice).toContain('1,234 rows, 4 columns');
    const c = await cells('orders.parquet');
    expect(c.Rows).toBe('1,234');
    expect(c['Read as']).toBe('Parquet');
    expect(c.Kind).toBe('Orders');
  });

  it('loads a large Parquet file a row group at a time, read by workers (300,000 rows): every row, awkward values intact', async () => {
    await clear();
    const file = path.join(tmp, 'big orders.parquet');
    // Six row groups.
    const select = awkwardOrders(300_000);
    const expected = await nativeSql([`COPY (${select}) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 50000)`, figures(`read_parquet('${file}')`)]);
    const before = session.requests.length;
    const notice = await load({ name: 'big orders.parquet', mimeType: 'application/octet-stream', buffer: readFileSync(file) });
    expect(notice).toContain('300,000 rows, 5 columns');
    // The row groups were read by workers, off the page's thread (src/ingest/parquet-client.ts), in order.
    expect(session.requests.slice(before).some((u) => /\/parquet-worker[^/]*\.js$/.test(u))).toBe(true);
    const c = await cells('big orders.parquet');
    expect(c.Rows).toBe('300,000');
    expect(c['Read as']).toBe('Parquet');
    const body = await page.locator('section', { hasText: 'Preview' }).locator('tbody').textContent();
    expect(body).toContain('say "hi", then go');
    expect(body).toContain('10.5');
    expect(expected).toMatch(/^300000 lines, -?[\d.]+ net, 23077 blank$/);
    await expectFigures(c.Table!, expected);

    // Workers that cannot start (their script does not load, as under a stricter host): the page reads the
    // row groups itself, with the same figures, instead of calling the file corrupt.
    await clear();
    const worker = /\/parquet-worker[^/]*\.js$/;
    let blocked = 0;
    await page.route(worker, (r) => (blocked++, r.abort()));
    try {
      const again = await load({ name: 'big orders.parquet', mimeType: 'application/octet-stream', buffer: readFileSync(file) });
      expect(again).toContain('300,000 rows, 5 columns');
      expect(blocked).toBeGreaterThan(0);
      await expectFigures((await cells('big orders.parquet')).Table!, expected);
    } finally {
      await page.unroute(worker);
    }
  });

  it('loads a large NDJSON file a slice at a time (over 16 MB): every record, lines that are not JSON rejected by their line', async () => {
    await clear();
    const file = path.join(tmp, 'big orders.ndjson');
    const select = awkwardOrders(220_000);
    const expected = await nativeSql([`COPY (${select}) TO '${file}' (FORMAT json)`, figures(`(${select})`)]);
    // Two lines that are not JSON, one far into the file, and blank lines with CRLF endings.
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    lines.splice(150_000, 0, '{"order_id": "broken",', '');
    lines.splice(10, 0, 'not json at all', '\r');
    const bytes = Buffer.from(`${lines.join('\n')}\n`);
    expect(bytes.length).toBeGreaterThan(16 * 1024 * 1024);
    const notice = await load({ name: 'big orders.ndjson', mimeType: 'application/x-ndjson', buffer: bytes });
    expect(notice).toContain('big orders.ndjson: 2 rows could not be read and were left out.');
    const c = await cells('big orders.ndjson');
    expect(c.Rows).toBe('220,000');
    expect(c['Read as']).toMatch(/NDJSON/i);
    // The rejected lines, by their line in the file.
    const button = row('big orders.ndjson').getByTitle('Download rejected rows (CSV)');
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toMatch(/^11,invalid_json,.*not json at all/m);
    expect(csv).toMatch(/^150003,invalid_json,.*broken/m);
    expect(expected).toMatch(/^220000 lines, -?[\d.]+ net, 16924 blank$/);
    await expectFigures(c.Table!, expected);
  });

  it('loads a large JSON array a slice at a time (over 16 MB), alone or wrapped in an object: every record', async () => {
    await clear();
    const file = path.join(tmp, 'big orders.json');
    const select = awkwardOrders(200_000);
    const expected = await nativeSql([`COPY (${select}) TO '${file}' (FORMAT json, ARRAY true)`, figures(`(${select})`)]);
    const bytes = readFileSync(file);
    expect(bytes.length).toBeGreaterThan(16 * 1024 * 1024);
    const notice = await load({ name: 'big orders.json', mimeType: 'application/json', buffer: bytes });
    expect(notice).toContain('200,000 rows, 5 columns');
    const c = await cells('big orders.json');
    expect(c['Read as']).toMatch(/JSON/i);
    await expectFigures(c.Table!, expected);
    // The same records wrapped in an object, as an API export has them: metadata before, a cursor after.
    await clear();
    const wrapped = Buffer.concat([Buffer.from('{"meta": {"source": "crm", "note": "[not] {these}"},\n"orders": '), bytes, Buffer.from(',\n"next": null}\n')]);
    const again = await load({ name: 'wrapped orders.json', mimeType: 'application/json', buffer: wrapped });
    expect(again).toContain('200,000 rows, 5 columns');
    const w = await cells('wrapped orders.json');
    await expectFigures(w.Table!, expected);
  });

  it('loads a GBK CSV with Chinese headers intact and shows the encoding', async () => {
    await clear();
    const text = ['客户编号,姓名,城市,注册日期,是否流失', 'K001,张伟,北京,2023-01-05,是', 'K002,王芳,上海,2023-02-11,否', 'K003,李娜,广州,2023-03-20,否', ''].join('\r\n');
    const buffer = iconv.encode(text, 'gbk');
    expect(buffer.includes(Buffer.from('客户编号'))).toBe(false); // really GBK, not UTF-8
    const notice = await load({ name: 'gbk-customers.csv', mimeType: 'text/csv', buffer });
    expect(notice).toContain('3 rows, 5 columns');
    const c = await cells('gbk-customers.csv');
    expect(c['Read as']).toMatch(/gb18030/i);
    expect(c.Kind).toBe('Customers');
    expect(c.Roles).toContain('customer_id 客户编号');
    const headers = await page.locator('section', { hasText: 'Preview' }).locator('thead th').allTextContents();
    expect(headers).toEqual(['客户编号', '姓名', '城市', '注册日期', '是否流失']);
    const body = await page.locator('section', { hasText: 'Preview' }).locator('tbody').textContent();
    expect(body).toContain('张伟');
    expect(body).toContain('广州');
    expect(body).not.toMatch(/[\uFFFD]|Ã|Â/);
  });

  it('reports malformed rows and offers them as a CSV download', async () => {
    await clear();
    const text = ['order_id,customer_id,order_date,amount', 'O1,C1,2024-01-05,10', 'O2,C2,2024-01-06,20,EXTRA', 'O3,C3,2024-01-07,30', 'O4,C4', 'O5,C5,2024-01-09,50', ''].join('\n');
    const notice = await load({ name: 'broken.csv', mimeType: 'text/csv', buffer: Buffer.from(text) });
    expect(notice).toContain('broken.csv: 2 rows could not be read and were left out.');
    expect((await cells('broken.csv')).Rows).toBe('3');
    // Line numbers as the user has the file: header 1, O2 on line 3, O4 on line 5.
    const button = row('broken.csv').getByTitle('Download rejected rows (CSV)');
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    expect(download.suggestedFilename()).toMatch(/\.rejected\.csv$/);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1).split('\r\n')[0]).toBe('line,reason,column,detail,raw');
    expect(csv).toContain('O2,C2,2024-01-06,20,EXTRA');
    expect(csv).toMatch(/^3,too_many_columns,/m);
    expect(csv).toContain('O4,C4');
    expect(csv).toMatch(/^5,missing_columns,/m);
    expect(csv).not.toContain('O3,C3');
  });

  it('fixes a role in the editor, re-runs the KPIs, and applies the saved mapping to the next file with the same headers', async () => {
    await clear();
    await load({ name: 'customers.csv', mimeType: 'text/csv', buffer: Buffer.from('customer_id,name,churn\nC1,Ada,Yes\nC2,Ben,No\nC3,Chen,No\nC4,Dan,No\n') });
    const orders = 'order_id,customer_id,order_date,amount,net_amount\nO1,C1,2024-01-05,100,90\nO2,C1,2024-02-05,50,45\nO3,C2,2024-03-05,30,27\nO4,C9,2024-04-05,20,18\n';
    await load({ name: 'orders.csv', mimeType: 'text/csv', buffer: Buffer.from(orders) });
    expect((await cells('orders.csv')).Roles).toContain('amount amount');
    // Linked by customer id: O4 is for C9, which customers.csv lacks.
    await expect.poll(() => page.getByTestId('orphans').textContent()).toContain('1 of 4 orders in orders.csv have a customer id not found in customers.csv (missing ids: 1).');

    await page.getByRole('button', { name: 'Overview' }).click();
    await expect.poll(() => kpi('revenue'), { timeout: 30_000 }).toBe('200');
    await page.getByRole('button', { name: 'Data', exact: true }).click();

    // Keyboard: open the editor from its button, Escape closes it and focus goes back.
    const edit = page.getByRole('button', { name: 'Edit the roles of orders.csv' });
    await edit.focus();
    await page.keyboard.press('Enter');
    const editor = page.getByTestId('role-editor');
    await editor.waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('role-kind');
    await page.keyboard.press('Escape');
    await editor.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Edit the roles of orders.csv');

    await page.keyboard.press('Enter');
    await editor.waitFor();
    expect(await page.getByTestId('role-kind').inputValue()).toBe('orders');
    expect(await page.getByTestId('role-amount').inputValue()).toBe('amount');
    expect(await page.getByTestId('role-customer_id').inputValue()).toBe('customer_id');
    await expect.poll(() => page.getByTestId('sample-amount').textContent()).toBe('100 · 50 · 30');
    await page.getByTestId('role-amount').selectOption('net_amount');
    expect(await page.getByTestId('sample-amount').textContent()).toBe('90 · 45 · 27');
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'data-role-editor.png') });
    await page.getByTestId('role-save').click();
    await editor.waitFor({ state: 'detached' });
    await expect.poll(() => page.getByTestId('notice').textContent()).toContain('Saved the roles of orders.csv.');
    expect((await cells('orders.csv')).Roles).toContain('amount net_amount');
    expect(await page.getByTestId('templates').textContent()).toContain('orders.csv: Orders, 4 roles over 5 columns');

    await page.getByRole('button', { name: 'Overview' }).click();
    await expect.poll(() => kpi('revenue'), { timeout: 30_000 }).toBe('180');
    await page.getByRole('button', { name: 'Data', exact: true }).click();

    // Same headers in another order, case and spacing: the template, not the suggestion.
    const april = 'Net Amount,Amount,Order Date,Customer ID,Order ID\n12,15,2024-05-01,C3,O5\n';
    const notice = await load({ name: 'orders-april.csv', mimeType: 'text/csv', buffer: Buffer.from(april) });
    expect(notice).toContain('Applied your saved mapping for orders-april.csv.');
    const c = await cells('orders-april.csv');
    expect(c.Kind).toBe('Orders');
    expect(c.Roles).toContain('amount Net Amount');
    expect(c.Roles).toContain('customer_id Customer ID');
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'data-page.png'), fullPage: true });

    // Templates can be deleted.
    await page.getByRole('button', { name: 'Delete the saved mapping from orders.csv' }).click();
    expect(await page.getByTestId('templates').textContent()).toContain('None yet.');
    expect(await page.evaluate(() => localStorage.getItem('crm-lens.mapping-templates'))).toBe('[]');
  });

  it('made no request to any other origin', () => {
    expect(session.requests.length).toBeGreaterThan(5);
    expect(foreignRequests(session.requests, session.baseUrl)).toEqual([]);
  });
});
