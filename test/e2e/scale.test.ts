/**
 * Scale (issue #4): a 1M-line orders CSV (~80 MB) loads through the file
 * input with the file registered by handle, the page keeps painting while
 * DuckDB reads it, the orders KPI matches native DuckDB's count, and Cancel
 * stops a second load without leaving a table behind.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ROOT, startSession, type Session, watchFrameGaps } from './browser.ts';
import { writeOrdersCsv } from '../../bench/gen.ts';

const BENCH_FILE = path.join(ROOT, 'bench/data/orders_1m.csv');
const ROWS = 1_000_000;

let session: Session;
let page: Page;
let csvFile: string;
let expectedOrders: number;

beforeAll(async () => {
  csvFile = BENCH_FILE;
  if (!existsSync(csvFile)) {
    csvFile = path.join(os.tmpdir(), 'crm-lens-e2e', 'orders_1m.csv');
    if (!existsSync(csvFile)) writeOrdersCsv(csvFile, { rows: ROWS });
  }
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const reader = await conn.runAndReadAll(`SELECT count(DISTINCT order_id)::INTEGER AS n FROM read_csv('${csvFile.replaceAll("'", "''")}')`);
  expectedOrders = Number(reader.getRowObjects()[0]!.n);
  conn.closeSync();
  instance.closeSync();
  session = await startSession();
  page = await session.newPage();
  await page.goto(session.baseUrl);
  await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
});

afterAll(async () => {
  await session?.close();
});

async function tableCount(): Promise<number> {
  await page.getByRole('button', { name: 'Data', exact: true }).click();
  return page.getByTestId('tables').locator('tbody tr').count();
}

describe('scale (issue #4)', () => {
  it('loads a 1M-line CSV with the page responsive, then cancels a second load cleanly', async () => {
    await page.getByRole('button', { name: 'Data', exact: true }).click();
    await page.getByTestId('clear').click();
    await expect.poll(() => page.getByTestId('tables').locator('tbody tr').count()).toBe(0);

    const stopGaps = await watchFrameGaps(page);
    const t0 = Date.now();
    await page.getByTestId('file-input').setInputFiles(csvFile);
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 90_000 }).toContain('Loaded orders_1m.csv');
    const seconds = (Date.now() - t0) / 1000;
    const gap = await stopGaps();
    console.log(`[scale] 1M-line CSV loaded in ${seconds.toFixed(1)} s; longest frame gap ${gap.toFixed(0)} ms; expected orders ${expectedOrders}`);

    await page.getByRole('button', { name: 'Overview', exact: true }).click();
    const orders = page.getByTestId('kpi-orders').locator('.value');
    await expect.poll(async () => (await orders.textContent())?.trim(), { timeout: 60_000 }).toBe(expectedOrders.toLocaleString('en'));
    // The page kept painting while DuckDB read the file in its worker.
    expect(gap).toBeLessThan(2000);

    // Rules, clusters and the forecast compute in workers: the page keeps painting while they run.
    const stopAnalyticsGaps = await watchFrameGaps(page);
    const a0 = Date.now();
    await page.getByRole('button', { name: 'Analytics', exact: true }).click();
    await expect.poll(() => page.getByTestId('filters').getAttribute('data-ready'), { timeout: 240_000 }).toBe('true');
    const analyticsGap = await stopAnalyticsGaps();
    console.log(`[scale] Analytics on 1M lines ready in ${((Date.now() - a0) / 1000).toFixed(1)} s; longest frame gap ${analyticsGap.toFixed(0)} ms`);
    await page.getByTestId('sec-rules').waitFor();
    // Measured 500 ms at load average 5 on two cores (20.5 s before rules, clusters and the forecast moved
    // to workers and long results to columns). Issue 10 (goal: under 200 ms on an idle machine): with charts
    // drawn only near the viewport and after a painted frame, 917 ms at load average 15 on two cores, against
    // 4,317 ms for the code before at the same load. Then the rules' baskets read batch by batch and sent by
    // transfer, batches read at a frame's pace, narrow sections alone in balanced columns, wide ones skipped
    // until near and the sections mounted in steps: 483 and 450 ms here at load averages 7.2 and 6.3-7.2
    // (1,533 ms once at load 12, with the page's thread mostly idle: the machine painted no frames). Side by
    // side at load 7-8 in a probe of the same steps: 533 / 500 ms against 900 / 967 ms for the code before,
    // its longest task 222-278 ms against 868-943 ms. On a quiet machine (load 2-4, this test alone): 550 and
    // 800 ms with the three analyses computing side by side; 283 and 333 ms once they take turns on a machine
    // of two cores (report/patterns/browser.ts). What is left is not the page's own work: Long Animation Frame
    // entries of 200-350 ms show under 50 ms of script each (a chart's draw is the longest, 80-110 ms), the
    // rest frames waiting for a core while DuckDB's worker and an analysis compute. Seconds-long gaps would
    // mean work moved back onto the page's thread.
    expect(analyticsGap).toBeLessThan(1000);

    // Issue 10: a pattern analysis shows its progress and can be cancelled; the section keeps its result.
    const kSelect = page.getByTestId('cluster-k');
    const shownK = await kSelect.inputValue();
    const wantK = shownK === '4' ? '5' : '4';
    await kSelect.selectOption(wantK);
    const running = page.getByTestId('patterns-running-clusters');
    await running.waitFor({ timeout: 10_000 });
    await expect.poll(() => running.getByRole('progressbar').getAttribute('aria-valuenow'), { timeout: 60_000 }).not.toBeNull();
    await running.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('patterns-cancelled-clusters').waitFor({ timeout: 5_000 });
    expect(await page.getByTestId('clusters').locator('tbody tr').count()).toBe(Number(shownK));
    await page.getByTestId('patterns-cancelled-clusters').getByRole('button', { name: 'Run again' }).click();
    await page.getByTestId('patterns-cancelled-clusters').waitFor({ state: 'detached', timeout: 5_000 });
    await expect.poll(() => page.getByTestId('clusters').locator('tbody tr').count(), { timeout: 120_000 }).toBe(Number(wantK));
    await page.getByTestId('patterns-status').waitFor({ state: 'detached', timeout: 10_000 });

    const before = await tableCount();
    await page.getByTestId('file-input').setInputFiles(csvFile);
    const cancel = page.getByRole('status').getByRole('button', { name: 'Cancel' });
    await cancel.waitFor({ timeout: 10_000 });
    await page.waitForTimeout(500);
    const c0 = Date.now();
    await cancel.click();
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 60_000 }).toContain('Cancelled');
    console.log(`[scale] cancel took effect in ${((Date.now() - c0) / 1000).toFixed(1)} s`);
    expect(await tableCount()).toBe(before);

    await page.getByTestId('file-input').setInputFiles({ name: 'small.csv', mimeType: 'text/csv', buffer: Buffer.from('order_id,customer_id,amount\nA1,C1,10\nA2,C2,20\n') });
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 30_000 }).toContain('Loaded small.csv');
    expect(await tableCount()).toBe(before + 1);
  });
});
