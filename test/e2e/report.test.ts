/**
 * Issue 12, end to end: a report built from the demo workspace (KPI cards,
 * Overview and Analytics charts, the RFM tiers table), then a file with a
 * hostile name, column and customer; exported as one HTML file and opened in
 * a page whose every request is aborted; printed to PDF; saved as a report
 * file and opened in a fresh browser; checked with axe-core.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Download, Page } from 'playwright-core';
import * as XLSX from '@e965/xlsx';
import { ROOT, SCREENSHOTS, dropFiles, startSession, type Session } from './browser.ts';

const CUSTOMER = '<img src=x onerror=alert(1)>';
const COLUMN = '</script><script>alert(1)</script>';
const FILE = '"><svg onload=alert(1)>.csv';
const AXE = readFileSync(path.join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8');

let session: Session;
let page: Page;
const dialogs: string[] = [];
/** What the app showed for each item added, in order: KPI values and table cells. */
const kpis: { title: string; value: string }[] = [];
let tiersCells: string[] = [];
let html = '';
let reportJson = '';
let findingsKept = 0;
let liftTexts: string[] = [];

beforeAll(async () => {
  session = await startSession('/');
  page = await session.newPage();
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(session.baseUrl);
  await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
});

afterAll(async () => {
  await session?.close();
});

async function saved(click: () => Promise<void>): Promise<{ name: string; text: string }> {
  const [dl] = (await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), click()])) as [Download, void];
  return { name: dl.suggestedFilename(), text: readFileSync((await dl.path()) as string, 'utf8') };
}

async function nav(name: string): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
}

/** axe-core's serious and critical violations on the page as it is (run through the DevTools protocol, so the page's CSP does not stop it). */
async function axeViolations(p: Page, scope: string): Promise<string[]> {
  await p.evaluate(AXE);
  return p.evaluate(async (scope) => {
    const axe = (window as unknown as { axe: { run: (c: Document, o: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document.querySelector(scope) as unknown as Document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  }, scope);
}

const count = async () => Number(/\d+/.exec((await page.getByTestId('report-count').textContent()) ?? '')?.[0] ?? 0);

describe('reports that travel (issue 12)', () => {
  it('collects KPI cards, charts and a table from the demo pages, each captioned with its page and filters', async () => {
    for (const key of ['customers', 'revenue', 'orders']) {
      const card = page.getByTestId(`kpi-${key}`);
      kpis.push({ title: ((await card.locator('.label').textContent()) ?? '').trim(), value: ((await card.locator('.value').textContent()) ?? '').trim() });
      await card.hover();
      await card.getByTestId('add-to-report').click();
    }
    await page.getByTestId('overview-chart').getByTestId('add-to-report').click();

    await nav('Analytics');
    await expect.poll(() => page.getByTestId('filters').getAttribute('data-ready'), { timeout: 180_000 }).toBe('true');
    const charts = page.locator('main figure.chart [data-testid="add-to-report"]');
    await expect.poll(() => charts.count(), { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
    for (let i = 0; i < 4; i++) await charts.nth(i).click();
    const tiers = page.getByTestId('tiers');
    tiersCells = (await tiers.locator('tbody td').allTextContents()).map((s) => s.trim());
    await page.getByTestId('sec-tiers').getByTestId('add-table-to-report').click();
    // Clusters (customer segmentation) and the cross-sell rules, mined from the demo baskets.
    await page.getByTestId('sec-clusters').getByTestId('add-table-to-report').click();
    await page.getByTestId('sec-rules').getByTestId('add-table-to-report').click();

    await nav('Report');
    expect(await count()).toBe(11);
    const items = page.getByTestId('report-items').locator(':scope > li');
    expect(await items.count()).toBe(11);
    for (let i = 0; i < 3; i++) expect(await items.nth(i).getByTestId('item-kpi').textContent()).toBe(kpis[i]?.value);
    expect(await items.nth(0).getByTestId('item-caption').textContent()).toContain('From Overview');
    expect(await items.nth(5).getByTestId('item-caption').textContent()).toContain('From Analytics');
    expect(await items.nth(8).locator('tbody td').allTextContents()).toEqual(tiersCells);
    // The rules table is ordered by lift, highest first.
    liftTexts = (await items.nth(10).locator('tbody tr td:nth-child(4)').allTextContents()).map((t) => t.trim());
    expect(liftTexts.length).toBeGreaterThan(0);
    expect(liftTexts.map(Number)).toEqual(liftTexts.map(Number).sort((a, b) => b - a));
    // Each chart's text description is generated from its data.
    expect(await items.nth(3).getByTestId('item-desc').textContent()).toMatch(/points, highest/);
  });

  it('reorders by keyboard and by the buttons', async () => {
    const items = page.getByTestId('report-items').locator(':scope > li');
    const titles = async () => (await page.getByTestId('item-title').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)));
    const before = await titles();
    await items.nth(1).focus();
    await page.keyboard.press('Alt+ArrowUp');
    expect(await titles()).toEqual([before[1], before[0], ...before.slice(2)]);
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-item'))).toBeTruthy();
    await items.nth(0).getByTestId('item-down').click();
    expect(await titles()).toEqual(before);
    // By drag and drop (picked up by the item's margin, not its inputs).
    const corner = { x: 5, y: 5 };
    await items.nth(0).dragTo(items.nth(2), { sourcePosition: corner, targetPosition: corner });
    expect(await titles()).toEqual([before[1], before[2], before[0], ...before.slice(3)]);
    await items.nth(2).dragTo(items.nth(0), { sourcePosition: corner, targetPosition: corner });
    expect(await titles()).toEqual(before);
  });

  it('shows a hostile file name, column and customer as text, and the report keeps them as text too', async () => {
    const csv = `customer_id,name,${JSON.stringify(COLUMN)}\n1,"${CUSTOMER}",A\n2,Bo,B\n3,"${CUSTOMER}",A\n4,Cy,A\n`;
    await dropFiles(page, [{ name: FILE, type: 'text/csv', text: csv }]);
    await expect.poll(() => page.getByTestId('notice').textContent(), { timeout: 120_000 }).toContain('Loaded');
    await nav('Data');
    await expect.poll(async () => (await page.locator('main').textContent()) ?? '', { timeout: 30_000 }).toContain(FILE);
    // The column's name shows with the table's preview, which is read after the tables list shows the file.
    await expect.poll(async () => (await page.locator('main').textContent()) ?? '', { timeout: 30_000 }).toContain(COLUMN);
    // An item from the new file brings it into the report's data sources, beside the demo tables.
    await nav('Overview');
    const card = page.locator('[data-testid="kpis"] > div:has([data-testid="add-to-report"])').first();
    await card.waitFor({ timeout: 60_000 });
    kpis.push({ title: ((await card.locator('.label').textContent()) ?? '').trim(), value: ((await card.locator('.value').textContent()) ?? '').trim() });
    await card.hover();
    await card.getByTestId('add-to-report').click();
    await nav('Report');
    expect(await count()).toBe(12);
    const sources = (await page.getByTestId('report-sources').textContent()) ?? '';
    expect(sources).toContain(FILE);
    expect(sources).toContain('demo_customers');
    await page.getByTestId('report-title').fill(`Q4 review ${COLUMN}`);
    await page.getByTestId('report-title').press('Tab');
    await page.getByTestId('report-author').fill(CUSTOMER);
    await page.getByTestId('report-author').press('Tab');
    await page.getByTestId('report-period').fill('2024');
    await page.getByTestId('report-period').press('Tab');
    await page.getByTestId('report-summary').fill(`Customers named ${CUSTOMER} bought most.`);
    await page.getByTestId('report-summary').press('Tab');
    await page.getByTestId('report-conclusions').fill('Retain the champions.');
    await page.getByTestId('report-conclusions').press('Tab');

    // Problems and opportunities from the charts' data: ranked, one edited, one dropped; then a first draft of the conclusions.
    await page.getByTestId('find-findings').click();
    const findings = page.getByTestId('findings').locator(':scope > li');
    await expect.poll(() => findings.count()).toBeGreaterThanOrEqual(3);
    const texts = await page.getByTestId('finding-text').evaluateAll((els) => els.map((e) => (e as HTMLTextAreaElement).value));
    expect(texts.join(' ')).toMatch(/Revenue (rose|fell) \d/);
    expect(texts.join(' ')).toMatch(/holds \d+(\.\d)?% of/);
    await page.getByTestId('finding-text').first().fill(`${texts[0]} Checked by ${CUSTOMER}.`);
    await page.getByTestId('finding-text').first().press('Tab');
    await findings.last().getByRole('checkbox').uncheck();
    findingsKept = (await findings.count()) - 1;
    await page.getByTestId('draft-conclusions').click();
    const conclusions = await page.getByTestId('report-conclusions').inputValue();
    expect(conclusions).toContain('Retain the champions.');
    expect(conclusions).toContain('Per customer tier:');
    // Each tier with its count as the app showed it (tier, customers, share, action per row).
    for (let r = 0; r < tiersCells.length; r += 4) expect(conclusions).toContain(`• ${tiersCells[r]} (${tiersCells[r + 1]}): ${tiersCells[r + 3]}`);
    expect(dialogs).toEqual([]);
    expect(await page.locator('main img[src="x"], main [onerror], main [onload]').count()).toBe(0);

    // The tiers table as XLSX, through the app's XLSX writer: the same cells.
    const table = page.locator('li[data-kind="table"]').first();
    const [dl] = (await Promise.all([page.waitForEvent('download'), table.getByTestId('item-xlsx').click()])) as [Download, void];
    expect(dl.suggestedFilename()).toMatch(/\.xlsx$/);
    const book = XLSX.read(readFileSync((await dl.path()) as string), { type: 'buffer' });
    const rows = XLSX.utils.sheet_to_json<(string | number)[]>(book.Sheets[book.SheetNames[0]!]!, { header: 1 });
    // Numbers travel as numbers (typed cells), written as the app wrote them: customers as an integer, revenue share as a percentage.
    const int = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });
    const pct = new Intl.NumberFormat('en', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
    for (const r of rows.slice(1)) expect([typeof r[1], typeof r[2]]).toEqual(['number', 'number']);
    expect(rows.slice(1).flatMap((r) => [String(r[0]), int.format(r[1] as number), pct.format(r[2] as number), String(r[3])])).toEqual(tiersCells);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'report-view.png'), fullPage: true });
    // Print / PDF from the app: the print stylesheet leaves the app's header and controls out.
    const appPdf = await page.pdf({ format: 'A4' });
    expect(appPdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect((appPdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length).toBeGreaterThanOrEqual(2);
  });

  it('has no serious or critical axe-core violation on the report view', async () => {
    // The whole page: header (language button named by the text it shows), navigation, report and footer.
    expect(await axeViolations(page, 'html')).toEqual([]);
  });

  it('exports one HTML file that opens with every request aborted, draws every chart and shows the app’s numbers', async () => {
    // In Simplified Chinese: labels in Chinese, the font slices for them embedded.
    await page.getByTestId('report-locale').selectOption('zh-CN');
    // The report view writes its KPI numbers in the report's language at once; an amount in millions becomes 万 in Chinese.
    const zhKpis = (await page.getByTestId('item-kpi').allTextContents()).map((v) => v.trim());
    expect(zhKpis).toHaveLength(kpis.length);
    kpis.forEach((k, i) => {
      if (/\d[MB]$/.test(k.value)) expect(zhKpis[i]).toMatch(/\d(万|亿)$/);
      else expect(zhKpis[i]).toBe(k.value);
    });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'report-view-zh.png') });
    const file = await saved(() => page.getByTestId('export-html').click());
    html = file.text;
    const bytes = Buffer.byteLength(html);
    console.log(`[report] HTML export ${file.name}: ${bytes} bytes`);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    expect(file.name).toMatch(/\.html$/);

    const context = await session.browser.newContext({ viewport: { width: 1000, height: 1200 }, locale: 'en-US' });
    const offline = await context.newPage();
    const requests: string[] = [];
    const offlineDialogs: string[] = [];
    const errors: string[] = [];
    offline.on('request', (r) => requests.push(r.url()));
    offline.on('dialog', (d) => {
      offlineDialogs.push(d.message());
      void d.dismiss();
    });
    offline.on('pageerror', (e) => errors.push(e.message));
    offline.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await context.route('**', (r) => r.abort());
    await offline.setContent(html, { waitUntil: 'load' });
    await expect.poll(() => offline.locator('[data-chart][data-rendered="true"]').count(), { timeout: 30_000 }).toBe(5);
    expect(await offline.locator('[data-chart] svg path').count()).toBeGreaterThan(20);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);
    for (const s of ['summary', 'sources', 'analysis', 'findings', 'conclusions', 'appendix']) expect(await offline.locator(`[data-section="${s}"] h2`).count()).toBe(1);
    expect(await offline.locator('[data-section="summary"] h2').textContent()).toBe('执行摘要');
    expect(html).toContain('@font-face');
    expect(await offline.evaluate(async () => (await document.fonts.ready, document.fonts.check('16px "Noto Sans SC"', '目录执行摘要问题与机会')))).toBe(true);
    const kept = offline.locator('[data-section="findings"] li');
    expect(await kept.count()).toBe(findingsKept);
    expect(await kept.first().textContent()).toContain(`Checked by ${CUSTOMER}.`);
    for (const href of await offline.locator('[data-section="findings"] a').evaluateAll((as) => as.map((a) => a.getAttribute('href') ?? ''))) {
      expect(await offline.locator(`figure[id="${href.slice(1)}"]`).count()).toBe(1);
    }
    expect(await offline.locator('[data-section="conclusions"]').textContent()).toContain('Per customer tier:');
    const kpiValues = await offline.locator('figure.kpi .value').allTextContents();
    expect(kpiValues).toEqual(zhKpis);
    // The tiers table in the report's language: the app's numbers, tier names and actions in Chinese (added from the English page).
    const zhTiers = await offline.locator('figure[data-role="rfmTiers"] tbody').locator('th, td').allTextContents();
    const numbersOf = (cells: string[]) => cells.filter((_, i) => i % 4 === 1 || i % 4 === 2);
    expect(zhTiers).toHaveLength(tiersCells.length);
    expect(numbersOf(zhTiers)).toEqual(numbersOf(tiersCells));
    for (let r = 0; r < zhTiers.length; r += 4) expect([zhTiers[r], zhTiers[r + 3]]).toEqual([expect.stringMatching(/[\u4e00-\u9fff]/), expect.stringMatching(/[\u4e00-\u9fff]/)]);
    const text = (await offline.locator('body').textContent()) ?? '';
    for (const s of [CUSTOMER, COLUMN, FILE]) expect(text).toContain(s);
    expect(await offline.locator('img, [onerror], [onload]').count()).toBe(0);
    expect(offlineDialogs).toEqual([]);
    await offline.screenshot({ path: path.join(SCREENSHOTS, 'report-html.png'), fullPage: true });
    await offline.screenshot({ path: path.join(SCREENSHOTS, 'report-html-top.png') });

    expect(await axeViolations(offline, 'html')).toEqual([]);

    const pdf = await offline.pdf({ format: 'A4', printBackground: true, displayHeaderFooter: false });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    console.log(`[report] PDF: ${pdf.length} bytes, ${pages} pages`);
    expect(pages).toBeGreaterThanOrEqual(4);
    // The PDF's first two pages, rendered from the bytes above by pdf.js in a page of its own. pdf.js is served
    // from node_modules to a made-up origin through page.route (which takes precedence over the context's
    // abort-everything route), so nothing leaves the machine; its worker runs from a blob made of the served file.
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
    // Loaded by the page's own module script: a dynamic import() here would be rewritten by Vitest's transform.
    await viewer.waitForFunction(() => 'pdfjs' in window);
    const rendered = await viewer.evaluate(async (b64) => {
      type TextItem = { str?: string };
      type PdfPage = { getViewport(o: { scale: number }): { width: number; height: number }; render(o: object): { promise: Promise<void> }; getTextContent(): Promise<{ items: TextItem[] }> };
      type Pdfjs = { GlobalWorkerOptions: { workerPort: Worker }; getDocument(o: object): { promise: Promise<{ numPages: number; getPage(n: number): Promise<PdfPage> }> } };
      const pdfjs = (window as unknown as { pdfjs: Pdfjs }).pdfjs;
      const worker = await (await fetch('/pdf.worker.min.mjs')).text();
      pdfjs.GlobalWorkerOptions.workerPort = new Worker(URL.createObjectURL(new Blob([worker], { type: 'text/javascript' })), { type: 'module' });
      const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const doc = await pdfjs.getDocument({ data, isEvalSupported: false }).promise;
      const texts: string[] = [];
      for (let n = 1; n <= doc.numPages; n++) {
        const p = await doc.getPage(n);
        texts.push((await p.getTextContent()).items.map((i) => i.str ?? '').join(''));
        if (n > 2) continue;
        const viewport = p.getViewport({ scale: 1.5 });
        const canvas = document.createElement('canvas');
        canvas.id = `page${n}`;
        canvas.width = Math.floor(viewport.width);
        canvas.height = Math.floor(viewport.height);
        canvas.style.display = 'block';
        canvas.style.marginBottom = '8px';
        document.body.append(canvas);
        await p.render({ canvasContext: canvas.getContext('2d'), viewport }).promise;
      }
      return { pages: doc.numPages, texts };
    }, pdf.toString('base64'));
    expect(rendered.pages).toBe(pages);
    await viewer.locator('#page1').screenshot({ path: path.join(SCREENSHOTS, 'report-pdf-page1.png') });
    await viewer.locator('#page2').screenshot({ path: path.join(SCREENSHOTS, 'report-pdf-page2.png') });
    // The title and the hostile strings are text in the PDF (a line break may fall anywhere, so spaces are ignored).
    const squash = (x: string) => x.replace(/\s+/g, '');
    expect(squash(rendered.texts[0] ?? '')).toContain(squash(`Q4 review ${COLUMN}`));
    const pdfText = squash(rendered.texts.join(''));
    for (const s of [CUSTOMER, COLUMN, FILE]) expect(pdfText).toContain(squash(s));
    // Data sources: each table's date range, in the report's language (zh-CN here).
    expect(await offline.locator('[data-section="sources"] td').allTextContents()).toContainEqual(expect.stringMatching(/^\d{4}\/\d{2}\/\d{2} – \d{4}\/\d{2}\/\d{2}$/));
    expect(offlineDialogs).toEqual([]);
    // The context is left open: closing one in this single-process Chromium ends the browser.
  });

  it('saves a report file that re-opens in a fresh browser with the same items and text, and survives a reload', async () => {
    reportJson = (await saved(() => page.getByTestId('export-json').click())).text;
    const original = JSON.parse(reportJson) as { items: unknown[]; meta: unknown; conclusions: string; summary: string };
    expect(original.items).toHaveLength(12);

    await page.reload();
    await page.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
    await nav('Report');
    await expect.poll(count, { timeout: 30_000 }).toBe(12);
    expect(await page.getByTestId('report-author').inputValue()).toBe(CUSTOMER);

    const fresh = await session.newPage();
    fresh.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await fresh.goto(session.baseUrl);
    await fresh.getByTestId('kpi-customers').waitFor({ timeout: 120_000 });
    await fresh.getByRole('button', { name: 'Report', exact: true }).click();
    // Contexts of this single-process Chromium may share IndexedDB, so the saved report can show up here: empty it first.
    if (await fresh.getByTestId('report-items').count()) await fresh.getByTestId('report-clear').click();
    await expect.poll(() => fresh.getByTestId('report-items').count()).toBe(0);
    await fresh.getByTestId('import-json-input').setInputFiles({ name: 'report.crm-report.json', mimeType: 'application/json', buffer: Buffer.from(reportJson) });
    await expect.poll(() => fresh.getByTestId('report-items').locator(':scope > li').count(), { timeout: 30_000 }).toBe(12);
    const [dl] = (await Promise.all([fresh.waitForEvent('download'), fresh.getByTestId('export-json').click()])) as [Download, void];
    const again = JSON.parse(readFileSync((await dl.path()) as string, 'utf8')) as typeof original;
    expect(again.items).toEqual(original.items);
    expect(await fresh.getByTestId('report-sources').textContent()).toContain(FILE);
    expect(again.meta).toEqual(original.meta);
    expect([again.summary, again.conclusions]).toEqual([original.summary, original.conclusions]);
    // Charts draw when they come near the viewport: count the chart figures, then see the first one drawn.
    expect(await fresh.locator('figure.chart').count()).toBeGreaterThanOrEqual(5);
    await fresh.locator('figure.chart').first().scrollIntoViewIfNeeded();
    await fresh.locator('figure.chart canvas').first().waitFor();

    // A file that is not a report is refused with a sentence, and the report is left as it was.
    await fresh.getByTestId('import-json-input').setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{"format":"crm-lens-report","version":1,"meta":{}}') });
    await expect.poll(() => fresh.locator('[role="alert"]').textContent()).toContain('Could not open x.json');
    expect(await fresh.getByTestId('report-items').locator(':scope > li').count()).toBe(12);
    expect(dialogs).toEqual([]);
  });
  it('puts clusters and tiers under customer segmentation, and names the top cross-sell rules by lift in Chinese', async () => {
    await nav('Report');
    await expect.poll(count).toBe(12);
    await page.getByTestId('report-locale').selectOption('zh-CN');
    await page.getByTestId('find-findings').click();
    const findingTexts = async () => (await page.getByTestId('finding-text').evaluateAll((els) => els.map((e) => (e as HTMLTextAreaElement).value))).join(' ');
    // Found again in the report's language (a rise reads 上升), except the finding the user rewrote: the top cross-sell
    // rules by lift, ranked first and edited in English above, keep the user's words.
    await expect.poll(findingTexts).toContain('上升');
    const rewritten = (await page.getByTestId('finding-text').first().inputValue());
    expect(rewritten).toMatch(/^Top cross-sell rules by lift: .+ → .+/);
    expect(rewritten).toContain(`(Lift ${liftTexts[0]})`);
    expect(rewritten).toContain(`Checked by ${CUSTOMER}.`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'report-findings-zh.png'), fullPage: true });

    const file = await saved(() => page.getByTestId('export-html').click());
    const bytes = Buffer.byteLength(file.text);
    console.log(`[report] HTML export with clusters and rules: ${bytes} bytes`);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
    const context = await session.browser.newContext({ viewport: { width: 1000, height: 1200 } });
    const offline = await context.newPage();
    await context.route('**', (r) => r.abort());
    await offline.setContent(file.text, { waitUntil: 'load' });
    await expect.poll(() => offline.locator('body').getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    const seg = offline.locator('[data-section="segmentation"]');
    expect(await seg.locator('h2').textContent()).toBe('客户细分');
    expect(await seg.locator('figure[data-role]').evaluateAll((fs) => fs.map((f) => f.getAttribute('data-role')))).toEqual(['rfmTiers', 'clusters']);
    expect(await offline.locator('[data-section="analysis"] figure[data-role="rules"]').count()).toBe(1);
    expect(await offline.locator('.toc a').allTextContents()).toContain('客户细分');
    expect(await offline.locator('[data-section="findings"]').textContent()).toContain(`Top cross-sell rules by lift`);
    expect(await offline.locator('[data-section="findings"]').textContent()).toContain('上升');
    await seg.screenshot({ path: path.join(SCREENSHOTS, 'report-html-segmentation.png') });
  });
});
