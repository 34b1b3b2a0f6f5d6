/**
 * Issue 13: a file estimated too large for the tab is not loaded blindly. The
 * app asks first (a native confirm naming the file, the estimate and what to
 * do, in the UI language); Cancel skips it with a notice, OK loads it. The
 * tab's budget is set small through the e2e hook so a small file trips it;
 * the estimate itself is the real one. Screenshot: memory-skipped-*.png.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dialog, Page } from 'playwright-core';
import { SCREENSHOTS, startSession, type Session } from './browser.ts';

let session: Session;
let page: Page;
const dialogs: string[] = [];
let answer = false;

const ORDERS = `订单编号,客户编号,下单日期,金额\n${Array.from({ length: 3000 }, (_, i) => `O${i},C${i % 90},2024-0${(i % 9) + 1}-15,${(i % 11) * 3.5}`).join('\n')}\n`;

beforeAll(async () => {
  session = await startSession('/');
  page = await session.newPage();
  await page.addInitScript(() => {
    (globalThis as { __CRM_LENS_MEMORY_BUDGET__?: number }).__CRM_LENS_MEMORY_BUDGET__ = 100_000;
  });
  page.on('dialog', (d: Dialog) => {
    dialogs.push(d.message());
    void (answer ? d.accept() : d.dismiss());
  });
  await page.goto(session.baseUrl);
  await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
});

afterAll(async () => {
  await session?.close();
});

const pick = (name: string) => page.getByTestId('file-input').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(ORDERS) });

describe('memory warning', () => {
  it('English: names the file, the estimate and the way out; Cancel skips it', async () => {
    answer = false;
    await pick('big orders.csv');
    await expect.poll(() => dialogs.length, { timeout: 30_000 }).toBe(1);
    expect(dialogs[0]).toMatch(/“big orders\.csv” \([\d.,]+ KB\) may not fit in this browser tab: loading it needs about [\d.,]+ (KB|MB)/);
    expect(dialogs[0]).toContain('the tab can give about 97.7 KB');
    expect(dialogs[0]).toContain('Parquet');
    expect(dialogs[0]).toContain('npx crm-lens report --data "big orders.csv"');
    const notice = page.getByTestId('notice');
    await expect.poll(() => notice.textContent(), { timeout: 30_000 }).toContain('“big orders.csv” was not loaded');
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'memory-skipped-en.png') });
  });

  it('Chinese: the same question in Chinese; OK loads the file anyway', async () => {
    await page.getByTestId('lang-switch').click();
    answer = true;
    await pick('大订单.csv');
    await expect.poll(() => dialogs.length, { timeout: 30_000 }).toBe(2);
    expect(dialogs[1]).toContain('“大订单.csv”');
    expect(dialogs[1]).toContain('可能超出此浏览器标签页的内存');
    expect(dialogs[1]).toContain('另存为 Parquet');
    const notice = page.getByTestId('notice');
    await expect.poll(() => notice.textContent(), { timeout: 60_000 }).toContain('大订单.csv');
    await expect.poll(() => notice.textContent(), { timeout: 60_000 }).not.toContain('未加载');
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'memory-loaded-zh.png') });
  });
});
