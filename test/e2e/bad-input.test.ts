/**
 * Bad files get a clear message naming the file and what to do, in the user's
 * language, and the workspace stays as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openApp, type Session } from './browser.ts';

let session: Session;
let page: Page;

beforeAll(async () => {
  ({ session, page } = await openApp());
});

afterAll(async () => {
  await session?.close();
});

const alertText = async () => (await page.getByRole('alert').textContent()) ?? '';

async function load(name: string, buffer: Buffer): Promise<void> {
  await page.getByTestId('file-input').setInputFiles({ name, mimeType: 'text/csv', buffer });
  await page.getByRole('alert').waitFor({ timeout: 30_000 });
}

describe('bad input', () => {
  it('an empty file: says so, names the file; the demo workspace stays', async () => {
    const customers = await page.getByTestId('kpi-customers').locator('.value').textContent();
    await load('empty.csv', Buffer.alloc(0));
    expect(await alertText()).toMatch(/Could not load empty\.csv: the file is empty\. Choose a file with a header row and data\./);
    expect(await page.getByTestId('kpi-customers').locator('.value').textContent()).toBe(customers);
    await page.getByRole('alert').getByRole('button').click();
  });

  it('a binary file renamed .csv: says it is not text and what to export instead', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);
    await load('photo.csv', png);
    expect(await alertText()).toMatch(/Could not load photo\.csv: .*(CSV|Excel)/);
    await page.getByRole('alert').getByRole('button').click();
  });

  // Issue 9: a 50 MB single-line file once gave an 11 KB alert with DuckDB's CREATE TABLE … read_csv(…) and the whole line;
  // 100,000 levels of JSON gave "Maximum call stack size exceeded".
  const shortAndClean = (text: string, file: string) => {
    expect(text.length).toBeLessThanOrEqual(300);
    expect(text).toContain(`Could not load ${file}:`);
    expect(text).not.toMatch(/CREATE|SELECT|read_csv|crm_lens_|Original Line|LINE \d+:|\(\s*\)|xxxxxxxxxx|call stack/);
  };

  it('JSON nested 100,000 levels deep: a short message naming the file and the limit', async () => {
    await load('deep.json', Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)));
    const text = await alertText();
    shortAndClean(text, 'deep.json');
    expect(text).toContain('nested more than 64 levels deep');
    await page.getByRole('alert').getByRole('button').click();
  });

  it('a multi-MB single-line file DuckDB cannot read as CSV: short, names the file, no SQL, no file text', async () => {
    const line = ('"' + 'x'.repeat(200) + '""' + 'y'.repeat(200) + '"' + 'z'.repeat(95) + ';').repeat(8000);
    await load('one line.csv', Buffer.from(line));
    shortAndClean(await alertText(), 'one line.csv');
    await page.getByRole('alert').getByRole('button').click();
  });

  it('speaks the user’s language', async () => {
    await page.getByTestId('lang-switch').click();
    await load('空文件.csv', Buffer.from('   \n  \n'));
    expect(await alertText()).toContain('无法加载 空文件.csv：文件为空。');
    await page.getByRole('alert').getByRole('button').click();
    await page.getByTestId('lang-switch').click();
  });
});
