/**
 * Issue 12: a report's language decides every word of it. Items keep their words in each
 * report language (ItemText), the view, HTML export and re-import read them through
 * `itemIn`, cleaning steps are kept as data, and chart numbers are written in the
 * report's language again.
 */
import { describe, expect, it } from 'vitest';
import { addItem, emptyReport, itemIn, parseReport, serializeReport, updateItem, updateMeta } from '../../src/report/doc/model.ts';
import { docToHtml } from '../../src/report/doc/html.ts';
import { describeChart } from '../../src/report/doc/describe.ts';
import { cleaningText, sourcesOf } from '../../src/report/doc/sources.ts';
import { withNumbers } from '../../src/report/doc/chart-numbers.ts';
import { findFindings } from '../../src/report/doc/findings.ts';
import { filterNotes } from '../../src/report/doc/filters.ts';
import { plainOption } from '../../src/report/doc/model.ts';
import { monthlyRevenueOption } from '../../src/charts/monthly-revenue/option.ts';
import { translate, type Locale, type MessageKey, type Params } from '../../src/i18n/index.ts';
import type { ItemBody, ReportDoc, ReportItem } from '../../src/report/doc/types.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import type { LogEntry } from '../../src/ingest/log.ts';
import { ReportState } from '../../src/ui/state/report.svelte.ts';
import { wholeMessageIn } from '../../src/ui/components/localized.ts';

const t = (locale: Locale) => (key: MessageKey, params?: Params) => translate(locale, key, params);
// Awkward figures: a negative month, a fraction, millions.
const POINTS = [
  { month: '2024-01', revenue: 1_250_000.5, orders: 410 },
  { month: '2024-02', revenue: -3_200, orders: 12 },
  { month: '2024-03', revenue: 2_400_000, orders: 733 },
];

function chartBody(locale: Locale): { title: string; body: ItemBody } {
  const title = t(locale)('chart.monthlyRevenue');
  const option = plainOption(monthlyRevenueOption(POINTS, { title, revenue: t(locale)('chart.revenue'), orders: t(locale)('chart.orders'), locale }));
  return { title, body: { kind: 'chart', option, description: describeChart(option, title, locale) } };
}

/** Items as ReportState makes them in English: a KPI card with its hint and a chart, each with its Chinese words. */
function englishItems(): ReportItem[] {
  const zh = t('zh-CN');
  const en = t('en');
  const chart = chartBody('en');
  const zhChart = chartBody('zh-CN');
  return [
    {
      id: 'k',
      title: en('kpi.customers'),
      source: en('nav.overview'),
      filters: [en('revenue.gross')],
      note: '',
      body: { kind: 'kpi', value: '2,000', number: { n: 2000, format: 'int' }, hint: en('kpi.source', { table: 'demo_orders' }) },
      texts: { 'zh-CN': { title: zh('kpi.customers'), source: zh('nav.overview'), filters: [zh('revenue.gross')], body: { kind: 'kpi', value: '2,000', number: { n: 2000, format: 'int' }, hint: zh('kpi.source', { table: 'demo_orders' }) } } },
    },
    { id: 'c', title: chart.title, source: en('nav.overview'), filters: [], note: '', body: chart.body, texts: { 'zh-CN': { title: zhChart.title, source: zh('nav.overview'), filters: [], body: zhChart.body } } },
  ];
}

function doc(locale: Locale, items: ReportItem[]): ReportDoc {
  let d = emptyReport(locale, 'Q4');
  for (const i of items) d = addItem(d, i);
  return d;
}

describe('itemIn: an item in the report language', () => {
  it('reads the words of that language, and the item as added where it has none', () => {
    const [kpi, chart] = englishItems() as [ReportItem, ReportItem];
    const zh = itemIn(kpi, 'zh-CN');
    expect([zh.title, zh.source, zh.filters]).toEqual(['客户数', translate('zh-CN', 'nav.overview'), [translate('zh-CN', 'revenue.gross')]]);
    expect(zh.body.kind === 'kpi' && zh.body.hint).toBe('来自 demo_orders');
    expect(itemIn(kpi, 'en')).toBe(kpi);
    const zhChart = itemIn(chart, 'zh-CN').body;
    expect(zhChart.kind === 'chart' && JSON.stringify(zhChart.option)).toContain('销售额');
    expect(zhChart.kind === 'chart' && JSON.stringify(zhChart.option)).not.toContain('Revenue');
    expect(zhChart.kind === 'chart' && zhChart.description).toContain('月度销售额');
    // A report from before (no texts): the same in every language.
    const old: ReportItem = { ...kpi, texts: undefined };
    expect(itemIn(old, 'zh-CN')).toBe(old);
    // Only the title given: body as added.
    const partial: ReportItem = { ...kpi, texts: { 'zh-CN': { source: '总览', filters: [] } } };
    expect(itemIn(partial, 'zh-CN').title).toBe('Customers');
    expect(itemIn(partial, 'zh-CN').body).toBe(kpi.body);
  });

  it('keeps a title the user wrote in every language, and only then', () => {
    let d = doc('zh-CN', englishItems());
    // Writing the title it already shows is no edit.
    d = updateItem(d, 'k', { title: '客户数' });
    expect(d.items[0]?.titleEdited).toBeUndefined();
    d = updateItem(d, 'k', { note: 'n' });
    expect(d.items[0]?.titleEdited).toBeUndefined();
    d = updateItem(d, 'k', { title: '我们的客户' });
    expect(itemIn(d.items[0]!, 'zh-CN').title).toBe('我们的客户');
    expect(itemIn(d.items[0]!, 'en').title).toBe('我们的客户');
    // Its page and hint still follow the language.
    expect(itemIn(d.items[0]!, 'en').source).toBe('Overview');
  });
});

describe('report file with texts', () => {
  it('round-trips, and refuses texts that do not fit the item', () => {
    const d = updateItem(doc('en', englishItems()), 'c', { title: 'Mine' });
    const read = parseReport(serializeReport(d));
    expect(read.ok && read.doc).toEqual(d);

    const bad = (mutate: (raw: { items: Record<string, unknown>[] }) => void) => {
      const raw = JSON.parse(serializeReport(d)) as { items: Record<string, unknown>[] };
      mutate(raw);
      const r = parseReport(JSON.stringify(raw));
      return r.ok ? 'opened' : r.reason;
    };
    expect(bad((r) => (r.items[0]!.texts = { fr: { source: 'x', filters: [] } }))).toMatch(/item 1\.texts: unknown language "fr"/);
    expect(bad((r) => (r.items[0]!.texts = { 'zh-CN': { source: 'x', filters: [], body: { kind: 'table', columns: [], rows: [] } } }))).toMatch(/item 1\.texts\.zh-CN: a table where the item is a kpi/);
    expect(bad((r) => (r.items[1]!.texts = { 'zh-CN': { filters: [] } }))).toMatch(/item 2\.texts\.zh-CN\.source: not text/);
    expect(bad((r) => (r.items[1]!.texts = [1]))).toMatch(/item 2\.texts: not an object/);
    expect(bad((r) => (r.items[1]!.texts = { 'zh-CN': { source: 'x', filters: [], body: { kind: 'chart', option: 'x', description: '' } } }))).toMatch(/item 2\.texts\.zh-CN\.option: not an object/);
  });

  it('still opens a report saved before items had texts', () => {
    const raw = JSON.parse(serializeReport(doc('zh-CN', englishItems()))) as { items: Record<string, unknown>[] };
    for (const i of raw.items) delete i.texts;
    const read = parseReport(JSON.stringify(raw));
    expect(read.ok).toBe(true);
    if (read.ok) expect(itemIn(read.doc.items[0]!, 'zh-CN').title).toBe('Customers');
  });
});

describe('cleaning steps in the report language', () => {
  const tables = [{ name: 'orders', source: 'orders.csv', rowCount: 25_000 }, { name: '客户', source: '客户.csv', rowCount: 3 }] as unknown as TableInfo[];
  const logs = [{ table: 'orders', rule: 'blank_to_null', column: '金额', rows: 1_234 }, { table: 'orders', rule: 'rejected_rows', rows: 0 }] as unknown as LogEntry[];

  it('keeps each step as data and writes it in either language', () => {
    const [orders, customers] = sourcesOf(tables, logs, (k, p) => translate('en', k as MessageKey, p), (n) => String(n));
    expect(orders?.changes).toEqual([{ rule: 'blank_to_null', column: '金额', rows: 1234 }]);
    expect(cleaningText('zh-CN', orders!)).toBe(`${translate('zh-CN', 'rule.blank_to_null')} (金额): 1,234`);
    expect(cleaningText('en', orders!)).toBe(`${translate('en', 'rule.blank_to_null')} (金额): 1,234`);
    expect(cleaningText('zh-CN', customers!)).toBe('无改动');
    expect(cleaningText('en', customers!)).toBe('no changes');
    // A report from before: its lines as written.
    expect(cleaningText('zh-CN', { cleaning: ['Trimmed: 3'] })).toBe('Trimmed: 3');
  });

  it('refuses a step that is not a cleaning rule', () => {
    const d = { ...emptyReport('en', ''), sources: [{ file: 'a', table: 'a', rows: 1, cleaning: [], changes: [{ rule: '<b>', rows: 1 }] }] };
    const r = parseReport(JSON.stringify(d));
    expect(r.ok ? 'opened' : r.reason).toMatch(/source 1\.changes\[0\]\.rule: not a cleaning rule/);
  });
});

describe('the HTML export in the report language', () => {
  it('writes items added in English in Chinese, and back', async () => {
    const sources = sourcesOf([{ name: 'demo_orders', source: 'demo:orders', rowCount: 25_000 }] as unknown as TableInfo[], [], (k, p) => translate('en', k as MessageKey, p), String);
    const zhHtml = await docToHtml({ ...doc('zh-CN', englishItems()), sources }, { echarts: null });
    const zhText = zhHtml.replace(/<[^>]+>/g, ' ');
    for (const s of ['客户数', '来自 demo_orders', `来自${translate('zh-CN', 'nav.overview')}`, '月度销售额', '无改动']) expect(zhText).toContain(s);
    for (const s of ['Customers', 'From demo_', 'Overview', 'Monthly revenue', 'Revenue', 'no changes']) expect(zhText).not.toContain(s);

    // The same report switched back to English.
    const enText = (await docToHtml(updateMeta({ ...doc('zh-CN', englishItems()), sources }, { locale: 'en' }), { echarts: null })).replace(/<[^>]+>/g, ' ');
    for (const s of ['Customers', 'From demo_orders', 'From Overview', 'Monthly revenue']) expect(enText).toContain(s);
    expect(enText).not.toMatch(/[\u4e00-\u9fff]/);
  });

  it('names the data-sources table by its heading (no caption repeating it) and keeps short cells on one line', async () => {
    const sources = [{ file: 'a.csv', table: 'a', rows: 1, cleaning: [], changes: [] }];
    const html = await docToHtml({ ...emptyReport('zh-CN', ''), sources }, { echarts: null });
    const section = /<section id="sec-sources"[^]*?<\/section>/.exec(html)?.[0] ?? '';
    expect(section).toContain('<h2 id="h-sources">数据来源</h2>');
    expect(section).toContain('<table aria-labelledby="h-sources">');
    expect(section).not.toContain('<caption>');
    expect(section).toContain('<td class="short">无改动</td>');
  });
});

describe('chart numbers in the report language', () => {
  it('gives value axes and tooltips the report locale’s formatters, and leaves categories and given formatters alone', () => {
    const option = plainOption(monthlyRevenueOption(POINTS, { title: 't', revenue: 'r', orders: 'o', locale: 'en' }));
    const zh = withNumbers(option, 'zh-CN') as { xAxis: { axisLabel: Record<string, unknown> }; yAxis: { axisLabel: { formatter: (v: number) => string } }[]; tooltip: { valueFormatter: (v: unknown) => string } };
    expect(zh.xAxis.axisLabel.formatter).toBeUndefined();
    expect(zh.yAxis[0]!.axisLabel.formatter(2_400_000)).toBe('240万');
    expect(withNumbers(option, 'en').yAxis instanceof Array && (withNumbers(option, 'en').yAxis as typeof zh.yAxis)[0]!.axisLabel.formatter(2_400_000)).toBe('2.4M');
    expect(zh.tooltip.valueFormatter(-3200.456)).toBe('-3,200.46');
    expect(zh.tooltip.valueFormatter(null)).toBe('—');
    const given = (v: number) => `${v}%`;
    const kept = withNumbers({ yAxis: { axisLabel: { formatter: given } }, tooltip: { valueFormatter: given } }, 'zh-CN') as { yAxis: { axisLabel: { formatter: unknown } }; tooltip: { valueFormatter: unknown } };
    expect([kept.yAxis.axisLabel.formatter, kept.tooltip.valueFormatter]).toEqual([given, given]);
    // A y axis without a type is a value axis; an x axis without one is not.
    const bare = withNumbers({ xAxis: {}, yAxis: {} }, 'en') as { xAxis: Record<string, unknown>; yAxis: { axisLabel: { formatter: unknown } } };
    expect(bare.xAxis.axisLabel).toBeUndefined();
    expect(typeof bare.yAxis.axisLabel.formatter).toBe('function');
  });
});

describe('findings across languages', () => {
  it('keep the same ids in both languages, so what the user kept or dropped survives a switch', () => {
    const items = englishItems();
    const ids = (locale: Locale) => findFindings(items.map((i) => itemIn(i, locale)), locale).map((f) => f.id);
    expect(ids('en').length).toBeGreaterThan(0);
    expect(ids('zh-CN')).toEqual(ids('en'));
  });
});

describe('a measure definition in every language', () => {
  it('is found when it is one whole message, and not otherwise', () => {
    const def = translate('en', 'an.def.customers');
    expect(wholeMessageIn(def, 'en')).toEqual({ en: def, 'zh-CN': translate('zh-CN', 'an.def.customers') });
    expect(wholeMessageIn(translate('zh-CN', 'an.def.customers'), 'zh-CN')?.en).toBe(def);
    expect(wholeMessageIn(`${def} `, 'en')).toBeNull();
    expect(wholeMessageIn('', 'en')).toBeNull();
    const item: ReportItem = { ...englishItems()[0]!, definition: def, texts: { 'zh-CN': { source: '总览', filters: [], definition: '定义' } } };
    expect(itemIn(item, 'zh-CN').definition).toBe('定义');
    expect(itemIn({ ...item, texts: { 'zh-CN': { source: '总览', filters: [] } } }, 'zh-CN').definition).toBe(def);
  });
});

describe('ReportState', () => {
  it('adds each item with its words in the other language', () => {
    const state = new ReportState('zh-CN');
    const where = (locale: Locale) => ({ source: translate(locale, 'nav.overview'), filters: [] });
    const ctx = { source: 'Overview', filters: [], locale: 'en' as const, sources: [], texts: { en: where('en'), 'zh-CN': where('zh-CN') } };
    state.addKpi('Customers', '2,000', 'From demo_orders', ctx, { n: 2000, format: 'int' }, (l) => ({ title: translate(l, 'kpi.customers'), hint: translate(l, 'kpi.source', { table: 'demo_orders' }) }));
    state.addChart('Monthly revenue', monthlyRevenueOption(POINTS, { title: 'Monthly revenue', revenue: 'Revenue', orders: 'Orders' }), ctx, (l) => ({ title: chartBody(l).title, option: monthlyRevenueOption(POINTS, { title: chartBody(l).title, revenue: translate(l, 'chart.revenue'), orders: translate(l, 'chart.orders'), locale: l }) }));
    // A table without words in other languages still gets its page name in them.
    state.addTable('T', { columns: ['a'], rows: [[1]] }, ctx);
    const [kpi, chart, table] = state.doc.items.map((i) => itemIn(i, 'zh-CN')) as [ReportItem, ReportItem, ReportItem];
    expect([kpi.title, kpi.source, kpi.body.kind === 'kpi' && kpi.body.hint]).toEqual(['客户数', translate('zh-CN', 'nav.overview'), '来自 demo_orders']);
    expect(chart.body.kind === 'chart' && chart.body.description).toMatch(/^月度销售额/);
    expect(JSON.stringify(chart.body)).not.toMatch(/Revenue|Orders/);
    expect([table.title, table.source]).toEqual(['T', translate('zh-CN', 'nav.overview')]);
    expect(state.doc.items[2]?.texts?.['zh-CN']?.body).toBeUndefined();
    expect(state.doc.items[0]?.texts?.en).toBeUndefined();
  });

  it('a KPI whose value is words (a funnel stage) shows them in the report language', () => {
    const state = new ReportState('zh-CN');
    const where = (locale: Locale) => ({ source: translate(locale, 'nav.analytics'), filters: [] });
    const ctx = { source: 'Analytics', filters: [], locale: 'en' as const, sources: [], texts: { en: where('en'), 'zh-CN': where('zh-CN') } };
    const stages = (l: Locale) => `${translate(l, 'jf.stage.consideration')} → ${translate(l, 'jf.stage.decision')}`;
    state.addKpi('Bottleneck', stages('en'), undefined, ctx, undefined, (l) => ({ title: translate(l, 'jf.kpi.bottleneck'), value: stages(l) }));
    const zh = itemIn(state.doc.items[0]!, 'zh-CN');
    expect(zh.body.kind === 'kpi' && zh.body.value).toBe('考虑 → 决策');
    expect(itemIn(state.doc.items[0]!, 'en').body.kind === 'kpi' && itemIn(state.doc.items[0]!, 'en').body).toMatchObject({ value: 'Consideration → Decision' });
  });
});

describe('filter notes in the report language', () => {
  it('dates as the language writes them, risk and value tiers in words, never a raw key or ISO date', () => {
    const f = { from: '2024-01-05', to: '2024-12-30', risk: ['high', 'medium'], valueTier: ['important'] };
    const zh = filterNotes(f, 'all', (k, p) => translate('zh-CN', k as MessageKey, p), 'zh-CN');
    const en = filterNotes(f, 'all', (k, p) => translate('en', k as MessageKey, p), 'en');
    expect(zh.join(' | ')).toContain('2024/01/05');
    expect(en.join(' | ')).toContain('01/05/2024');
    expect(zh.join(' | ')).toContain('高、中');
    expect(en.join(' | ')).toContain('High, Medium');
    expect(zh.join(' | ')).toContain('重要价值客户');
    for (const line of [...zh, ...en]) expect(line).not.toMatch(/^risk:|2024-01-05|valueTier|value\.tier/);
  });
});
