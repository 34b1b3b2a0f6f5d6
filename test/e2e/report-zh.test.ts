/**
 * Issue 12, the report's language: items added while the app speaks English read
 * in Chinese once the report is switched to Chinese (KPI titles and hints, page
 * names in captions, chart titles, axis and series names, table headers and tier
 * names) in the report view, the exported HTML and its PDF; and the other way
 * round. The report file keeps both, so a re-opened report switches too.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { translate } from '../../src/i18n/index.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Download, Page } from 'playwright-core';
import { ROOT, SCREENSHOTS, startSession, type Session } from './browser.ts';

let session: Session;
let page: Page;
let reportJson = '';

beforeAll(async () => {
  session = await startSession('/');
  page = await session.newPage();
  await page.goto(session.baseUrl);
  await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
});

afterAll(async () => {
  await session?.close();
});

async function saved(click: () => Promise<void>): Promise<string> {
  const [dl] = (await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()])) as [Download, void];
  return readFileSync((await dl.path()) as string, 'utf8');
}

/** Navigation by the button's test id-free name in either UI language. */
async function nav(name: string): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
}

async function clearReport(): Promise<void> {
  if (await page.getByTestId('report-items').count()) await page.getByTestId('report-clear').click();
  await expect.poll(() => page.getByTestId('report-items').count()).toBe(0);
}

/** Two KPI cards and the Overview chart, then an Analytics chart and the RFM tiers table. */
async function addItems(analytics: string): Promise<void> {
  for (const key of ['customers', 'revenue']) {
    const card = page.getByTestId(`kpi-${key}`);
    await card.hover();
    await card.getByTestId('add-to-report').click();
  }
  await page.getByTestId('overview-chart').getByTestId('add-to-report').click();
  await nav(analytics);
  await expect.poll(() => page.getByTestId('filters').getAttribute('data-ready'), { timeout: 180_000 }).toBe('true');
  await page.getByTestId('chart-status').getByTestId('add-to-report').click();
  await page.getByTestId('sec-tiers').getByTestId('add-table-to-report').click();
}

/** What the report view shows of its items: titles (inputs) and text. */
async function viewText(): Promise<string> {
  const titles = await page.getByTestId('item-title').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
  return `${titles.join(' | ')} ${(await page.getByTestId('report-items').textContent()) ?? ''} ${(await page.getByTestId('report-sources').textContent()) ?? ''}`;
}

/** The exported file opened with every request aborted: its text, chart text (SVG) and PDF text, page 1 and 2 as PNG. */
async function openExport(html: string, shots: string): Promise<{ text: string; chartText: string; pdfText: string; context: BrowserContext }> {
  const context = await session.browser.newContext({ viewport: { width: 1000, height: 1200 } });
  await context.route('**', (r) => r.abort());
  const offline = await context.newPage();
  await offline.setContent(html, { waitUntil: 'load' });
  await expect.poll(() => offline.locator('body').getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
  // The report itself (the body also holds the ECharts source and the chart data), but not the SQL in the appendix: code, not labels.
  const text = await offline.locator('main').evaluate((m) => {
    const copy = m.cloneNode(true) as HTMLElement;
    copy.querySelectorAll('pre').forEach((p) => p.remove());
    return copy.textContent ?? '';
  });
  const chartText = (await offline.locator('[data-chart] svg text').allTextContents()).join(' | ');
  await offline.screenshot({ path: path.join(SCREENSHOTS, `${shots}-html.png`) });
  const pdf = await offline.pdf({ format: 'A4', printBackground: true });

  const viewer = await context.newPage();
  const served: Record<string, [string, string]> = {
    '/': ['text/html', '<!doctype html><html><head><meta charset="utf-8"><title>pdf</title></head><body style="margin:0;background:#888"><script type="module">import * as pdfjs from "/pdf.min.mjs"; window.pdfjs = pdfjs;</script></body></html>'],
    '/pdf.min.mjs': ['text/javascript', readFileSync(path.join(ROOT, 'node_modules/pdfjs-dist/build/pdf.min.mjs'), 'utf8')],
    '/pdf.worker.min.mjs': ['text/javascript', readFileSync(path.join(ROOT, 'node_modules/pdfjs-dist/build/pdf.worker.min.mjs'), 'utf8')],
  };
  await viewer.route('http://pdfjs.invalid/**', (r) => {
    const file = served[new URL(r.request().url()).pathname];
    return file ? r.fulfill({ status: 200, contentType: file[0], body: file[1] }) : r.abort();
  });
  await viewer.goto('http://pdfjs.invalid/');
  await viewer.waitForFunction(() => 'pdfjs' in window);
  const texts = await viewer.evaluate(async (b64) => {
    type PdfPage = { getViewport(o: { scale: number }): { width: number; height: number }; render(o: object): { promise: Promise<void> }; getTextContent(): Promise<{ items: { str?: string }[] }> };
    type Pdfjs = { GlobalWorkerOptions: { workerPort: Worker }; getDocument(o: object): { promise: Promise<{ numPages: number; getPage(n: number): Promise<PdfPage> }> } };
    const pdfjs = (window as unknown as { pdfjs: Pdfjs }).pdfjs;
    const worker = await (await fetch('/pdf.worker.min.mjs')).text();
    pdfjs.GlobalWorkerOptions.workerPort = new Worker(URL.createObjectURL(new Blob([worker], { type: 'text/javascript' })), { type: 'module' });
    const doc = await pdfjs.getDocument({ data: Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)), isEvalSupported: false }).promise;
    const out: string[] = [];
    for (let n = 1; n <= doc.numPages; n++) {
      const p = await doc.getPage(n);
      out.push((await p.getTextContent()).items.map((i) => i.str ?? '').join(''));
      if (n > 2) continue;
      const viewport = p.getViewport({ scale: 1.5 });
      const canvas = document.createElement('canvas');
      canvas.id = `page${n}`;
      canvas.width = Math.floor(viewport.width);
      canvas.height = Math.floor(viewport.height);
      canvas.style.display = 'block';
      document.body.append(canvas);
      await p.render({ canvasContext: canvas.getContext('2d'), viewport }).promise;
    }
    return out;
  }, pdf.toString('base64'));
  await viewer.locator('#page1').screenshot({ path: path.join(SCREENSHOTS, `${shots}-pdf-page1.png`) });
  await viewer.locator('#page2').screenshot({ path: path.join(SCREENSHOTS, `${shots}-pdf-page2.png`) });
  return { text, chartText, pdfText: texts.join('').replace(/\s+/g, ''), context };
}

const ENGLISH = ['From demo_', 'From Overview', 'Overview', 'Customers', 'Revenue', 'Monthly revenue', 'no filters', 'no changes', 'Important'];
const CHINESE = ['客户数', '来自 demo_', '来自总览', '总览', '月度销售额', '无筛选', '无改动'];

describe('the report in its own language (issue 12)', () => {
  it('shows items added in English in Chinese once the report is Chinese: view, HTML export and PDF', async () => {
    await nav('Report');
    await clearReport();
    await page.getByTestId('report-locale').selectOption('en');
    await nav('Overview');
    await addItems('Analytics');
    await nav('Report');
    await expect.poll(async () => (await page.getByTestId('report-items').locator(':scope > li').count())).toBe(5);
    expect(await viewText()).toContain('From Overview');

    await page.getByTestId('report-locale').selectOption('zh-CN');
    const view = await viewText();
    for (const s of ['客户数', '来自 demo_customers', '来自总览', '来自分析', '月度销售额', '无筛选', '无改动']) expect(view).toContain(s);
    for (const s of ENGLISH) expect(view).not.toContain(s);
    await page.getByTestId('report-items').screenshot({ path: path.join(SCREENSHOTS, 'report-zh-items.png') });
    await page.getByTestId('report-sources').screenshot({ path: path.join(SCREENSHOTS, 'report-zh-sources.png') });

    reportJson = await saved(() => page.getByTestId('export-json').click());
    const html = await saved(() => page.getByTestId('export-html').click());
    const out = await openExport(html, 'report-zh');
    for (const s of CHINESE) expect(out.text).toContain(s);
    for (const s of ENGLISH) expect(out.text).not.toContain(s);
    // Chart titles, legends and axis names are drawn in Chinese; value axes in 万 where they reach millions.
    expect(out.chartText).toContain('月度销售额');
    expect(out.chartText).toContain('销售额');
    expect(out.chartText).toMatch(/\d万/);
    for (const s of ['Revenue', 'Orders', 'Customers', 'Active']) expect(out.chartText).not.toContain(s);
    for (const s of ['客户数', '来自总览', '月度销售额', '无改动']) expect(out.pdfText).toContain(s);
    for (const s of ['Fromdemo_', 'Overview', 'Customers', 'Monthlyrevenue']) expect(out.pdfText).not.toContain(s);
  });

  it('re-opens the report file and switches it back to English', async () => {
    await clearReport();
    await page.getByTestId('import-json-input').setInputFiles({ name: 'r.crm-report.json', mimeType: 'application/json', buffer: Buffer.from(reportJson) });
    await expect.poll(() => page.getByTestId('report-items').locator(':scope > li').count(), { timeout: 30_000 }).toBe(5);
    expect(await viewText()).toContain('客户数');
    await page.getByTestId('report-locale').selectOption('en');
    const view = await viewText();
    for (const s of ['Customers', 'From demo_customers', 'From Overview', 'Monthly revenue']) expect(view).toContain(s);
    for (const s of CHINESE) expect(view).not.toContain(s);
  });

  it('shows items added in Chinese in English once the report is English', async () => {
    await clearReport();
    await page.getByTestId('lang-switch').click();
    await nav('总览');
    await page.getByTestId('kpi-customers').waitFor({ timeout: 60_000 });
    await addItems('分析');
    await nav('报告');
    await expect.poll(async () => (await page.getByTestId('report-items').locator(':scope > li').count())).toBe(5);
    await page.getByTestId('report-locale').selectOption('en');
    const view = await viewText();
    for (const s of ['Customers', 'From demo_customers', 'From Overview', 'From Analytics', 'Monthly revenue', 'no filters', 'no changes']) expect(view).toContain(s);
    for (const s of CHINESE) expect(view).not.toContain(s);
    await page.getByTestId('report-items').screenshot({ path: path.join(SCREENSHOTS, 'report-en-items.png') });

    const out = await openExport(await saved(() => page.getByTestId('export-html').click()), 'report-en');
    for (const s of ['Customers', 'From demo_customers', 'From Overview', 'Monthly revenue']) expect(out.text).toContain(s);
    // The English names of two cleaning rules quote the Chinese markers they read (无, 万): those are English text.
    const quoted = [translate('en', 'rule.missing_to_null'), translate('en', 'rule.parsed_numbers')];
    expect(quoted.reduce((t, q) => t.replaceAll(q, ''), out.text).match(/[\u4e00-\u9fff]+/g) ?? []).toEqual([]);
    expect(out.chartText).toContain('Revenue');
    expect(out.chartText.match(/[\u4e00-\u9fff]+/g) ?? []).toEqual([]);
    expect(out.pdfText).toContain('FromOverview');
    for (const s of CHINESE) expect(out.pdfText).not.toContain(s.replace(/\s+/g, ''));
    await page.getByTestId('lang-switch').click();
  });
});
