/**
 * Filling blanks on the Data page, in the browser: a generated CSV with
 * Chinese headers and blank cells; a numeric column filled with its median,
 * a text column with the "missing" level; both logged, one undone, and the
 * other still there after a reload. Findings are small tables; the preview
 * shows once its Chinese glyphs are loaded; the Customer value page's date
 * fields follow the UI language.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SCREENSHOTS, openApp, type Session } from './browser.ts';

let session: Session;
let page: Page;

// Generated: 12 orders; 金额 blank on 3 rows (median of the other 9 below), 城市 blank on 4 (one of them spaces only),
// 备注 blank everywhere, and the last line an exact copy of the first (a duplicate-row finding).
const AMOUNTS = [120.5, null, 80, 300, null, 45, 99.9, 150, null, 60, 210, 120.5];
const CITIES = ['上海', '北京', '', '广州', '  ', '上海', '深圳', '', '北京', '杭州', '', '上海'];
const FILE = 'orders-blanks.csv';
const CSV = [
  '订单号,客户编号,下单日期,金额,城市,备注',
  ...AMOUNTS.map((a, i) => {
    const n = i === 11 ? 0 : i;
    return `D${n + 1},C${(n % 5) + 1},2024-0${(n % 9) + 1}-1${n % 10},${a ?? ''},${CITIES[i]},`;
  }),
].join('\n');
// 45, 60, 80, 99.9, 120.5, 120.5, 150, 210, 300: the fifth of nine.
const MEDIAN = '120.5';

beforeAll(async () => {
  ({ session, page } = await openApp());
});

afterAll(async () => {
  await session?.close();
});

const nav = (name: string) => page.getByRole('navigation').getByRole('button', { name, exact: true }).click();
const notice = () => page.getByTestId('notice').textContent();
const logText = async () => (await page.getByTestId('cleaning-log').textContent()) ?? '';
/** The preview's values of one column, top to bottom. */
async function previewColumn(name: string): Promise<string[]> {
  const preview = page.getByTestId('preview');
  const headers = (await preview.locator('thead th').allTextContents()).map((s) => s.trim());
  const i = headers.indexOf(name);
  if (i < 0) return [];
  return preview.locator(`tbody tr td:nth-child(${i + 1})`).allTextContents();
}

/** The columns of the fills in the cleaning log as the app stored it in IndexedDB. */
async function storedFills(): Promise<string[]> {
  const text = await page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('crm-lens');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    try {
      return await new Promise<unknown>((resolve, reject) => {
        const req = db.transaction('meta').objectStore('meta').get('manifest');
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    } finally {
      db.close();
    }
  });
  if (typeof text !== 'string') return [];
  const logs = (JSON.parse(text) as { logs: { rule: string; column?: string }[] }).logs;
  return logs.filter((l) => l.rule === 'filled').map((l) => l.column ?? '');
}

describe('date fields on Customer value follow the UI language', () => {
  it('calibration end and value-lab cut-off read mm/dd/yyyy in English and 年/月/日 in Chinese', async () => {
    await nav('Customer value');
    const calEnd = page.getByTestId('cal-end');
    const cutoff = page.getByTestId('value-cutoff');
    await expect.poll(() => calEnd.inputValue(), { timeout: 60_000 }).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    await expect.poll(() => cutoff.inputValue(), { timeout: 60_000 }).toMatch(/^\d{2}\/\d{2}\/\d{4}$/);
    expect(await calEnd.getAttribute('type')).toBe('text');
    expect(await cutoff.getAttribute('placeholder')).toBe('mm/dd/yyyy');
    const [mm, dd, yyyy] = (await calEnd.inputValue()).split('/');
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => calEnd.inputValue()).toBe(`${yyyy}/${mm}/${dd}`);
    expect(await cutoff.getAttribute('placeholder')).toBe('年/月/日');
    expect(await cutoff.inputValue()).toMatch(/^\d{4}\/\d{2}\/\d{2}$/);
    // A typed date in the UI's order is taken.
    await calEnd.fill(`${yyyy}/01/31`);
    await calEnd.blur();
    expect(await calEnd.inputValue()).toBe(`${yyyy}/01/31`);
    expect(await calEnd.getAttribute('aria-invalid')).toBe('false');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'fill-value-dates-zh.png'), fullPage: false });
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByRole('navigation').textContent()).toContain('Overview');
    expect(await calEnd.inputValue()).toBe(`01/31/${yyyy}`);
  }, 180_000);
});

describe('fill blanks on the Data page', () => {
  it('lists blanks per column; an all-blank column says why it cannot be filled', async () => {
    await page.getByTestId('file-input').setInputFiles({ name: FILE, mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await expect.poll(notice, { timeout: 60_000 }).toContain(FILE);
    await nav('Data');
    const panel = page.getByTestId('fill-blanks');
    await panel.waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('fill-row-金额').locator('td.num').textContent()).toBe('3 / 12');
    expect(await page.getByTestId('fill-row-城市').locator('td.num').textContent()).toBe('4 / 12');
    expect(await page.getByTestId('fill-reason-备注').textContent()).toContain('every value is blank');
    expect(await page.getByTestId('fill-apply-备注').count()).toBe(0);
    // Median is offered for the amount, not for the city (with the reason in the option).
    expect(await page.getByTestId('fill-method-金额').inputValue()).toBe('median');
    expect(await page.getByTestId('fill-method-城市').inputValue()).toBe('missing');
    const median = page.getByTestId('fill-method-城市').locator('option[value="median"]');
    expect(await median.isDisabled()).toBe(true);
    expect(await median.textContent()).toContain('only numbers and dates have a median');
  });

  it('the preview is drawn once its Chinese glyphs are loaded', async () => {
    const first = (await page.getByTestId('preview').locator('tbody tr').first().textContent()) ?? '';
    expect(first).toContain('上海');
    const ready = await page.evaluate((t) => document.fonts.check('16px "Noto Sans SC"', t), first.replace(/[\x00-\x7f]/g, ''));
    expect(ready).toBe(true);
  });

  it('findings are small tables with headers and a count column, not dictionary text', async () => {
    const findings = page.getByTestId('findings');
    const sample = findings.getByTestId('finding-sample').first();
    await sample.waitFor();
    const headers = (await sample.locator('thead th').allTextContents()).map((s) => s.trim());
    expect(headers).toEqual(['订单号', '客户编号', '下单日期', '金额', '城市', '备注', 'Rows']);
    expect(await sample.locator('tbody tr').first().locator('td').first().textContent()).toBe('D1');
    expect(await sample.locator('tbody tr').first().locator('td').last().textContent()).toBe('×2');
    expect(await findings.textContent()).not.toMatch(/\{'/);
  });

  it('fills the amount with its median and the city with the missing level; both are logged', async () => {
    await page.getByTestId('fill-apply-金额').click();
    await expect.poll(notice, { timeout: 30_000 }).toContain(`Filled 3 blank cells of 金额 with ${MEDIAN}`);
    await expect.poll(logText).toMatch(/金额\s*Blanks filled\s*\(Median\)\s*3/);
    await expect.poll(() => previewColumn('金额')).toEqual(AMOUNTS.map((a) => String(a ?? MEDIAN)));
    await page.getByTestId('fill-apply-城市').click();
    await expect.poll(logText, { timeout: 30_000 }).toMatch(/城市\s*Blanks filled\s*\(A “missing” level\)\s*4/);
    await expect.poll(() => previewColumn('城市')).toEqual(CITIES.map((c) => (c.trim() ? c : 'missing')));
    // Nothing left to fill in either column, and the spaces-only cell is no longer a missing-value marker.
    await expect.poll(() => page.getByTestId('fill-row-城市').count()).toBe(0);
    await expect.poll(() => page.getByTestId('findings').textContent()).not.toContain('Missing-value markers');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'fill-data-en.png'), fullPage: true });
  });

  it('undo brings the blanks back exactly (spaces included)', async () => {
    const undo = page.getByTestId('cleaning-log').getByRole('button', { name: 'Undo' });
    await undo.last().click();
    await expect.poll(() => previewColumn('城市'), { timeout: 30_000 }).toEqual(CITIES);
    await expect.poll(() => page.getByTestId('fill-row-城市').locator('td.num').textContent()).toBe('4 / 12');
    expect(await logText()).not.toContain('missing level');
    await expect.poll(() => page.getByTestId('findings').textContent()).toContain('Missing-value markers');
  });

  it('after a reload the fill is still there, with the same value, and the undone one is not', async () => {
    // Saved in the background: wait until the stored log holds the fill and not the undone one.
    await expect.poll(storedFills, { timeout: 10_000 }).toEqual(['金额']);
    await page.reload();
    await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
    await nav('Data');
    await expect.poll(logText, { timeout: 60_000 }).toMatch(/金额\s*Blanks filled\s*\(Median\)\s*3/);
    expect(await logText()).not.toContain('missing level');
    await expect.poll(() => previewColumn('金额')).toEqual(AMOUNTS.map((a) => String(a ?? MEDIAN)));
    await expect.poll(() => page.getByTestId('fill-row-城市').locator('td.num').textContent()).toBe('4 / 12');
    expect(await page.getByTestId('findings').textContent()).toContain('Missing-value markers');
  }, 180_000);

  it('in Chinese: the panel, the 缺失 level, the log line and the findings table', async () => {
    await page.getByTestId('lang-switch').click();
    await expect.poll(() => page.getByTestId('fill-blanks').locator('h3').textContent()).toContain('填充空值');
    expect(await page.getByTestId('fill-reason-备注').textContent()).toContain('所有值都为空');
    await page.getByTestId('fill-apply-城市').click();
    await expect.poll(() => previewColumn('城市'), { timeout: 30_000 }).toEqual(CITIES.map((c) => (c.trim() ? c : '缺失')));
    await expect.poll(logText).toMatch(/城市\s*填充空值\s*\(“缺失”类别\)\s*4/);
    await expect.poll(() => page.getByTestId('findings').textContent()).not.toContain('缺失值标记');
    const headers = await page.getByTestId('findings').getByTestId('finding-sample').first().locator('thead th').allTextContents();
    expect(headers.at(-1)?.trim()).toBe('行数');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'fill-data-zh.png'), fullPage: true });
    await page.getByTestId('lang-switch').click();
  });
});
