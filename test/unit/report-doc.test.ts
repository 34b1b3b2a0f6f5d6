/** Issue 12: the report document (ordering, validation of imported files) and its HTML export (escaping, CSP, no network, size). */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { addItem, emptyReport, moveItem, moveItemTo, parseReport, plainOption, removeItem, serializeReport, updateMeta } from '../../src/report/doc/model.ts';
import { docToHtml, SECTIONS } from '../../src/report/doc/html.ts';
import { describeChart } from '../../src/report/doc/describe.ts';
import { jsonForScript, cssString } from '../../src/report/doc/escape.ts';
import type { ReportDoc, ReportItem } from '../../src/report/doc/types.ts';
import { barsOption } from '../../src/charts/bars/option.ts';

const CUSTOMER = '<img src=x onerror=alert(1)>';
const COLUMN = '</script><script>alert(1)</script>';
const FILE = '"><svg onload=alert(1)>.csv';
const ECHARTS = readFileSync(path.resolve('node_modules/echarts/dist/echarts.min.js'), 'utf8');

function chartItem(id: string, title: string): ReportItem {
  const option = plainOption({
    title: { text: title },
    xAxis: { type: 'category', data: ['North', CUSTOMER, 'South'] },
    yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `${v}` } },
    series: [{ name: COLUMN, type: 'bar', data: [12, 40, 7] }],
  });
  return { id, title, source: 'Analytics', filters: [`segment: ${CUSTOMER}`], note: COLUMN, definition: `Revenue per ${COLUMN}`, sql: [`SELECT '${CUSTOMER}' AS "${COLUMN}"`], body: { kind: 'chart', option, description: describeChart(option, title, 'en') } };
}

function hostileDoc(): ReportDoc {
  let doc = emptyReport('en', COLUMN);
  doc = updateMeta(doc, { author: CUSTOMER, period: '2024\u2028Q1' });
  doc = { ...doc, summary: `${CUSTOMER}\n\n${COLUMN}`, conclusions: COLUMN, sources: [{ file: FILE, table: 'orders', rows: 1234, rejected: 12345, dateFrom: '2024-01-05', dateTo: '2024-04-01', cleaning: [`trimmed ${CUSTOMER}`] }] };
  doc = addItem(doc, chartItem('a', `Revenue by ${COLUMN}`));
  doc = addItem(doc, { id: 'b', title: CUSTOMER, source: 'Overview', filters: [], note: '', body: { kind: 'kpi', value: '1,234', hint: FILE } });
  doc = addItem(doc, { id: 'c', title: 'Tiers', source: 'Analytics', filters: [], note: '', body: { kind: 'table', columns: [COLUMN, 'n'], rows: [[CUSTOMER, 3], ['b', null]] } });
  doc = addItem(doc, { id: 'd', title: 'At risk', source: 'Churn', filters: [], note: '', body: { kind: 'table', columns: ['customer', 'risk'], rows: [['CUST-0001', 0.9], ['CUST-0002', 0.8], ['CUST-0001', 0.7]], customerLevel: true, idColumn: 0 } });
  doc = { ...doc, findings: [{ id: 'f1', text: `Largest move: ${CUSTOMER}`, weight: 2, kept: true, itemId: 'a' }, { id: 'f2', text: 'dropped one', weight: 1, kept: false }] };
  return doc;
}

/** Every tag the export opens; none may come from user text. */
function tagsIn(html: string): string[] {
  return [...html.replace(/<script>[\s\S]*?<\/script>/g, '<script>').matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => (m[1] as string).toLowerCase());
}

describe('report document', () => {
  it('orders items by moves and drops, clamped at the ends', () => {
    let doc = emptyReport('en', 'T');
    for (const id of ['a', 'b', 'c', 'd']) doc = addItem(doc, { ...chartItem(id, id) });
    const order = (d: ReportDoc) => d.items.map((i) => i.id).join('');
    expect(order(moveItem(doc, 'a', -1))).toBe('abcd');
    expect(order(moveItem(doc, 'a', 1))).toBe('bacd');
    expect(order(moveItem(doc, 'd', 5))).toBe('abcd');
    expect(order(moveItemTo(doc, 'd', 0))).toBe('dabc');
    expect(order(moveItemTo(doc, 'a', 3))).toBe('bcda');
    expect(order(removeItem(doc, 'b'))).toBe('acd');
  });

  it('keeps chart options as data only: functions dropped', () => {
    const o = plainOption(barsOption(['x'], [{ name: 'n', values: [1] }], { title: 't' }));
    expect(JSON.stringify(o)).not.toContain('function');
    expect(JSON.stringify(o)).toContain('"x"');
  });

  it('round-trips through its JSON file unchanged', () => {
    const doc = hostileDoc();
    const read = parseReport(serializeReport(doc));
    expect(read).toEqual({ ok: true, doc });
  });

  it('refuses files that are not reports, or that carry anything but data', () => {
    const good = JSON.parse(serializeReport(hostileDoc())) as Record<string, unknown> & { items: Record<string, unknown>[]; meta: Record<string, unknown> };
    const bad = (mutate: (d: typeof good) => void) => {
      const d = structuredClone(good);
      mutate(d);
      const r = parseReport(JSON.stringify(d));
      return r.ok ? 'accepted' : r.reason;
    };
    expect(parseReport('{').ok).toBe(false);
    expect(bad((d) => (d.format = 'other'))).toMatch(/not a CRM Lens report/);
    expect(bad((d) => (d.version = 99))).toMatch(/version 99/);
    expect(bad((d) => (d.meta.locale = 'fr'))).toMatch(/language/);
    expect(bad((d) => ((d.items[0] as { body: unknown }).body = { kind: 'script', src: 'x' }))).toMatch(/unknown kind/);
    expect(bad((d) => ((d.items[1] as { id: string }).id = 'a'))).toMatch(/share an id/);
    expect(bad((d) => ((d.items[2] as { body: { rows: unknown[] } }).body.rows = [[{ html: 1 }]]))).toMatch(/not a table cell/);
    expect(bad((d) => ((d.items[2] as { body: { rows: unknown[] } }).body.rows = [[1, 2, 3]]))).toMatch(/more than 2/);
    expect(bad((d) => ((d.items[0] as { title: unknown }).title = 5))).toMatch(/title: not text/);
    expect(bad((d) => ((d.sources as Record<string, unknown>[])[0]!.dateTo = CUSTOMER))).toMatch(/dateTo: not a YYYY-MM-DD date/);
    expect(bad((d) => delete (d.sources as Record<string, unknown>[])[0]!.dateTo)).toMatch(/dateTo: not a YYYY-MM-DD date/);
    expect(bad((d) => ((d.sources as Record<string, unknown>[])[0]!.rejected = -1))).toMatch(/rejected: not a count/);
    expect(bad((d) => ((d.sources as Record<string, unknown>[])[0]!.rejected = '<b>1</b>'))).toMatch(/rejected: not a count/);
    expect(bad(() => undefined)).toBe('accepted');
  });

  it('still opens a report saved before sources had a date range and rows rejected', () => {
    const old = JSON.parse(serializeReport(hostileDoc())) as { sources: Record<string, unknown>[] };
    for (const k of ['rejected', 'dateFrom', 'dateTo']) delete old.sources[0]![k];
    const read = parseReport(JSON.stringify(old));
    expect(read.ok && read.doc.sources).toEqual([{ file: FILE, table: 'orders', rows: 1234, cleaning: [`trimmed ${CUSTOMER}`] }]);
  });
});

describe('chart descriptions', () => {
  it('name each series with its highest and lowest point', () => {
    const d = describeChart({ xAxis: { data: ['Jan', 'Feb', 'Mar'] }, series: [{ name: 'Revenue', data: [5, 9, 2] }] }, 'Monthly', 'en');
    expect(d).toBe('Monthly. Revenue: 3 points, highest 9 at Feb, lowest 2 at Mar.');
    expect(describeChart({ series: [{ data: [{ name: 'A', value: 3 }, { name: 'B', value: 1 }] }] }, 'F', 'zh-CN')).toContain('最高 3（A）');
  });
});

describe('docToHtml', () => {
  it('escapes every user string: the hostile names appear only as text', async () => {
    const html = await docToHtml(hostileDoc(), { echarts: ECHARTS });
    const tags = new Set(tagsIn(html));
    for (const bad of ['img', 'svg']) expect(tags.has(bad), bad).toBe(false);
    expect(html).not.toContain(CUSTOMER);
    expect(html).not.toContain(FILE);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&quot;&gt;&lt;svg onload=alert(1)&gt;.csv');
    // Data sources: rows rejected and the date range, in the report's language.
    expect(/<section id="sec-sources"[\s\S]*?<\/section>/.exec(html)?.[0]).toContain('<td class="num short">12,345</td><td>01/05/2024 – 04/01/2024</td>');
    // Exactly three script elements: the JSON island, ECharts, the init script; the column name never closes one.
    expect(html.match(/<script/g)).toHaveLength(3);
    expect(html.match(/<\/script>/gi)).toHaveLength(3);
    const island = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(island).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.stringify(JSON.parse(island))).toContain(COLUMN);
    // The appendix prints each item's definition and SQL as text.
    expect(html).toContain(`<pre><code>SELECT &#39;&lt;img src=x onerror=alert(1)&gt;&#39; AS &quot;&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&quot;</code></pre>`);
  });

  it('has every section, a CSP by hash and no http(s) URL outside the ECharts source', async () => {
    const html = await docToHtml(hostileDoc(), { echarts: ECHARTS });
    // Segmentation and churn risk appear only with items of theirs (report-sections.test.ts); this report has none.
    for (const s of SECTIONS) expect(html.includes(`data-section="${s}"`), s).toBe(s !== 'segmentation' && s !== 'churn');
    expect(html).not.toContain('href="#sec-churn"');
    // The KPI table lists the KPI card with its value, as text.
    expect(/<section id="sec-kpis"[\s\S]*?<\/section>/.exec(html)?.[0]).toContain('<th scope="row">&lt;img src=x onerror=alert(1)&gt;</th><td>1,234</td>');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(csp).toMatch(/^default-src 'none'; script-src 'sha256-[^']+' 'sha256-[^']+';/);
    expect(/script-src[^;]*/.exec(csp)?.[0]).not.toContain('unsafe');
    const withoutEcharts = html.replace(ECHARTS, '');
    expect(withoutEcharts).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//i);
    expect(withoutEcharts).not.toMatch(/url\(\s*["']?https?:/i);
    expect(html.split(ECHARTS)).toHaveLength(2);
  });

  it('leaves customer-level rows out unless asked, and masks ids when asked', async () => {
    const out = await docToHtml(hostileDoc(), { echarts: null });
    expect(out).not.toContain('CUST-0001');
    expect(out).toContain('3 customer-level rows left out');
    const masked = await docToHtml(hostileDoc(), { echarts: null }, { customerRows: true, maskIds: true });
    expect(masked).not.toContain('CUST-0001');
    expect(masked.match(/C-0001/g)).toHaveLength(2);
    expect(masked).toContain('C-0002');
    const plain = await docToHtml(hostileDoc(), { echarts: null }, { customerRows: true });
    expect(plain).toContain('CUST-0001');
  });

  it('static mode draws charts as SVG and ships no script at all', async () => {
    const html = await docToHtml(hostileDoc(), { echarts: null });
    expect(html).not.toContain('<script');
    expect(html).toContain("script-src 'none'");
    expect(html).toMatch(/<div class="canvas static"[^>]*><svg/);
    // The hostile category comes out of ECharts' SVG renderer as text.
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('writes the labels in the report language', async () => {
    const html = await docToHtml({ ...hostileDoc(), meta: { ...hostileDoc().meta, locale: 'zh-CN' } }, { echarts: null });
    expect(html).toContain('<html lang="zh-CN">');
    expect(html).toContain('执行摘要');
    expect(html).toContain('1,234');
    expect(html).toContain('<th scope="col" class="num short">拒绝行数</th><th scope="col" class="short">日期范围</th>');
    expect(html).toContain('<td class="num short">12,345</td><td>2024/01/05 – 2024/04/01</td>');
  });

  it('escapes JSON and CSS strings so they cannot leave their context', () => {
    expect(jsonForScript({ a: '</script>\u2028<!--&' })).toBe('{"a":"\\u003c/script\\u003e\\u2028\\u003c!--\\u0026"}');
    const css = cssString('a"b</style>');
    expect(css.slice(1, -1)).not.toMatch(/["<]/);
    expect(css).toContain('\\22 b');
  });
});
