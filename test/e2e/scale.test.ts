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
    // Issue 10's goal is under 200 ms. History: 20.5 s before rules, clusters and the forecast moved to workers;
    // then charts drawn near the viewport only, baskets read batch by batch, sections mounted in steps, the
    // analyses taking turns on two cores: 283-333 ms on a quiet machine, in Long Animation Frames of 200-350 ms
    // with under 50 ms of script. A trace showed why: the serverless Chromium set-up rasters through SwiftShader
    // GL on one in-process thread (flushes of 100-230 ms). With Chrome's software path (test/e2e/browser.ts):
    // 100-117 ms, Analytics ready in 24-34 s. The bound leaves room for a loaded CI machine; seconds-long gaps
    // would mean work moved back onto the page's thread.
    expect(analyticsGap).toBeLessThan(500);

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
