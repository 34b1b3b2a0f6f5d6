/**
 * Issue 12, the report's structure and language: numbers kept as numbers and
 * written in the report's language; customer segmentation (RFM tiers,
 * clusters) and churn risk (the model's cross-validated scores beside its
 * baselines, its drivers, customers by risk tier) as sections of their own;
 * findings naming the top cross-sell rules by lift and the strongest drivers.
 * Rules and clusters are mined from the demo workspace on DuckDB-WASM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { loadClusters, loadRules, type ClustersResult, type RulesResult } from '../../src/report/patterns/load.ts';
import { inlineRunner } from '../../src/report/patterns/runner.ts';
import { addItem, emptyReport, mergeFindings, parseReport, serializeReport, updateFinding } from '../../src/report/doc/model.ts';
import { docToHtml } from '../../src/report/doc/html.ts';
import { findFindings } from '../../src/report/doc/findings.ts';
import { cellText, formatKind, kpiText } from '../../src/report/doc/numbers.ts';
import { churnDriversTable, churnScoresTable, churnTiersTable, clustersTable, rulesTable, type BuiltTable, type ChurnSearch } from '../../src/report/doc/tables.ts';
import { translate, type Locale, type MessageKey, type Params } from '../../src/i18n/index.ts';
import type { LeaderboardRow } from '../../src/ml/protocol.ts';
import type { ReportDoc, ReportItem } from '../../src/report/doc/types.ts';
import { loadDemo } from './metrics-helpers.ts';
import { loadValueTiers } from '../../src/report/segments.ts';
import { describeChart } from '../../src/report/doc/describe.ts';

let db: Db;
let demo: TableInfo[];
let rules: RulesResult;
let clusters: ClustersResult;
beforeAll(async () => {
  db = await openNodeDb();
  demo = Object.values(await loadDemo(db));
  rules = (await loadRules(db, demo, 0.01, 0.2, inlineRunner))!;
  clusters = (await loadClusters(db, demo, 'en', inlineRunner))!;
});
afterAll(async () => db.close());

const tr = (locale: Locale) => (key: MessageKey, params?: Params) => translate(locale, key, params);
const en = tr('en');

function tableItem(id: string, t: BuiltTable): ReportItem {
  return { id, title: t.title, source: 'Analytics', filters: [], note: '', body: { kind: 'table', columns: t.columns, rows: t.rows, formats: t.formats, role: t.role } };
}

/** A search's leaderboard row: only what the report reads is filled in. */
function row(configId: number, label: string, auc: number, std: number, baseline = false, notes: string[] = []): LeaderboardRow {
  const ms = (mean: number) => ({ mean, std: 0.01 });
  return { configId, label, baseline, notes, folds: 5, fitMs: 10, perFold: [], spec: { kind: 'majority' }, scores: { auc: { mean: auc, std }, prAuc: ms(auc - 0.2), f1: ms(0.5), accuracy: ms(0.8), logLoss: ms(0.4), precision: ms(0.5), recall: ms(0.5) } } as unknown as LeaderboardRow;
}

const SEARCH: ChurnSearch = {
  best: row(2, 'GBT depth 3', 0.8123, 0.0145),
  leaderboard: [row(2, 'GBT depth 3', 0.8123, 0.0145), row(1, 'Logistic C=1', 0.7901, 0.02)],
  baselines: [row(90, 'Majority class', 0.5, 0, true), row(91, 'One feature', 0.6412, 0.03, true, ['days_since_last'])],
  importance: [
    { column: 'orders', mean: 0.021, std: 0.004 },
    { column: 'days_since_last', mean: 0.0832, std: 0.01 },
    { column: 'region', mean: -0.001, std: 0.002 },
  ],
  final: { scored: [...Array<{ tier: 'high' }>(3).fill({ tier: 'high' }), ...Array<{ tier: 'medium' }>(5).fill({ tier: 'medium' }), ...Array<{ tier: 'low' }>(12).fill({ tier: 'low' })] },
};

function fullDoc(locale: Locale): ReportDoc {
  let doc = emptyReport(locale, 'Q4');
  doc = addItem(doc, { id: 'k', title: 'Revenue', source: 'Overview', filters: [], note: '', body: { kind: 'kpi', value: '2.5M', number: { n: 2_500_315.63, format: 'amount' } } });
  doc = addItem(doc, tableItem('s', churnScoresTable(SEARCH, (r) => r.label, en)));
  doc = addItem(doc, tableItem('r', rulesTable(rules.top, en)));
  doc = addItem(doc, tableItem('c', clustersTable(clusters, en)));
  doc = addItem(doc, tableItem('d', churnDriversTable(SEARCH, en)));
  doc = addItem(doc, tableItem('t', churnTiersTable(SEARCH, en)));
  return doc;
}

describe('numbers in the report language', () => {
  it('writes a KPI and table numbers for the locale of the report, not the page that added them', () => {
    const kpi = { kind: 'kpi' as const, value: '2.5M', number: { n: 2_500_315.63, format: 'amount' as const } };
    expect(kpiText('en', kpi)).toBe('2.5M');
    expect(kpiText('zh-CN', kpi)).toBe('250.03万');
    // A card saved without its number keeps what it showed.
    expect(kpiText('zh-CN', { kind: 'kpi', value: '2.5M' })).toBe('2.5M');
    expect(formatKind('en', 0.26537, 'percent')).toBe('26.5%');
    expect(formatKind('en', 12345.6, 'int')).toBe('12,346');
    expect(cellText('en', null, 'int')).toBe('—');
    expect(cellText('en', 'text', 'int')).toBe('text');
  });

  it('leaves a chart’s helper series (a forecast band’s hidden base) out of its description', () => {
    const d = describeChart({ xAxis: { data: ['2025-01', '2025-02'] }, series: [{ name: 'Forecast', data: [5, 9] }, { name: '__lower', data: [1, 2] }] }, 'Forecast', 'en');
    expect(d).toContain('Forecast: 2 points');
    expect(d).not.toContain('__lower');
  });

  it('round-trips numbers, formats and roles through the report file, and refuses an unknown format', () => {
    const doc = fullDoc('en');
    const read = parseReport(serializeReport(doc));
    expect(read.ok && read.doc).toEqual(doc);
    const bad = JSON.parse(serializeReport(doc)) as { items: { body: { formats?: unknown[]; number?: unknown } }[] };
    bad.items[1]!.body.formats = ['int', 'javascript:alert(1)'];
    expect(parseReport(JSON.stringify(bad))).toEqual({ ok: false, reason: 'item 2.formats[1]: unknown number format' });
    bad.items[1]!.body.formats = undefined;
    bad.items[0]!.body.number = { n: 'NaN', format: 'int' };
    expect(parseReport(JSON.stringify(bad))).toMatchObject({ ok: false, reason: 'item 1.number: not a finite number' });
  });
});

describe('report sections from the app’s own results', () => {
  it('lists cross-sell rules by lift, highest first, as mined from the demo baskets', () => {
    const t = rulesTable(rules.top, en);
    const lifts = t.rows.map((r) => r[3] as number);
    expect(lifts.length).toBeGreaterThan(0);
    expect(lifts).toEqual([...lifts].sort((a, b) => b - a));
    expect(lifts[0]).toBe(Math.max(...rules.top.map((r) => r.lift)));
    expect(t.rows[0]![0]).toMatch(/ → /);
  });

  it('puts tiers and clusters under segmentation, the churn model under churn risk, and numbers items in print order', async () => {
    const html = await docToHtml(fullDoc('en'), { echarts: null });
    const section = /<section id="sec-[^"]+" data-section="([^"]+)">[\s\S]*?<\/section>/g;
    const where = new Map<string, string>();
    for (const m of html.matchAll(section)) for (const id of m[0].matchAll(/<figure class="item[^"]*" id="([^"]+)"/g)) where.set(id[1]!, m[1]!);
    expect(Object.fromEntries(where)).toEqual({ k: 'analysis', r: 'analysis', c: 'segmentation', s: 'churn', d: 'churn', t: 'churn' });
    const numbers = [...html.matchAll(/<h3[^>]*>(\d+)\. /g)].map((m) => Number(m[1]));
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6]);
    expect(html).toContain('href="#sec-segmentation"');
    expect(html).toContain('href="#sec-churn"');
    // The model's scores beside the baselines: the chosen model first, the baselines on the same folds after it.
    const churn = /<section id="sec-churn"[\s\S]*?<\/section>/.exec(html)![0];
    expect(churn).toContain('<th scope="row">GBT depth 3</th><td class="num">0.812</td><td class="num">0.015</td>');
    expect(churn).toContain('<th scope="row">One feature</th><td class="num">0.641</td>');
    expect(churn).toContain('<th scope="row">High</th><td class="num">3</td><td class="num">15.0%</td>');
    // Numeric columns are right-aligned, their headers too.
    expect(churn).toContain('<th scope="col" class="num">ROC AUC</th>');
  });

  it('writes the whole report in Chinese: labels, the KPI and every table number', async () => {
    const html = await docToHtml({ ...fullDoc('en'), meta: { ...fullDoc('en').meta, locale: 'zh-CN' } }, { echarts: null });
    expect(html).toMatch(/<h2[^>]*>客户细分<\/h2>/);
    expect(html).toMatch(/<h2[^>]*>流失风险<\/h2>/);
    expect(html).toContain('250.03万');
    expect(html).not.toContain('2.5M');
    const top = clusters.clusters[0]!;
    expect(html).toContain(`<td class="num">${new Intl.NumberFormat('zh-CN', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(top.share)}</td>`);
  });

  it('finds the top cross-sell rules by lift, the strongest churn drivers and the model against its best baseline', () => {
    const found = findFindings(fullDoc('en').items, 'en');
    const text = (id: string) => found.find((f) => f.id === id)?.text ?? '';
    const best = [...rules.top].sort((a, b) => b.lift - a.lift)[0]!;
    expect(text('rules:r')).toContain(`Top cross-sell rules by lift: ${best.lhs.join(' + ')} → ${best.rhs} (Lift ${best.lift.toFixed(2)})`);
    expect(text('drivers:d')).toBe('The churn model’s strongest drivers: days_since_last (0.083), orders (0.021).');
    expect(text('model:s')).toBe('Churn model GBT depth 3: ROC AUC 0.812 ± 0.015 in cross-validation, against 0.641 for the best baseline (One feature).');
    expect(text('risk:t')).toBe('3 customers (15.0%) are at high churn risk.');
    // In Chinese from the same (English-added) tables.
    const zh = findFindings(fullDoc('en').items, 'zh-CN');
    expect(zh.find((f) => f.id === 'model:s')?.text).toBe('流失模型 GBT depth 3：交叉验证 ROC AUC 为 0.812 ± 0.015，最佳基线（One feature）为 0.641。');
  });

  it('adds value tiers from a customer_value table only when the workspace has one', async () => {
    expect(await loadValueTiers(db, demo, 'en')).toBeNull();
    await db.exec(`CREATE OR REPLACE TABLE customer_value AS SELECT * FROM (VALUES ('c1','important'),('c2','important'),('c3','potential'),('c4','low_value'),('c5',NULL),('c6','mystery')) v(customer_id, tier)`);
    const info: TableInfo = { name: 'customer_value', source: 'model:value', kind: 'other', rowCount: 6, roles: {}, columns: [{ name: 'customer_id', type: 'VARCHAR' }, { name: 'tier', type: 'VARCHAR' }] } as unknown as TableInfo;
    const t = await loadValueTiers(db, [...demo, info], 'zh-CN');
    expect(t?.role).toBe('valueTiers');
    // Five customers with a tier; the unnamed tier keeps its own name.
    expect(t?.rows).toEqual([['重要', 2, 0.4], ['低价值', 1, 0.2], ['mystery', 1, 0.2], ['潜力', 1, 0.2]]);
    const doc = addItem(emptyReport('zh-CN', ''), tableItem('v', t!));
    const html = await docToHtml(doc, { echarts: null });
    expect(/<section id="sec-segmentation"[\s\S]*?<\/section>/.exec(html)?.[0]).toContain('<th scope="row">重要</th><td class="num">2</td><td class="num">40.0%</td>');
    await db.exec('DROP TABLE customer_value');
  });

  it('finds again in the report’s new language, keeping the words of a finding the user rewrote', () => {
    let doc = fullDoc('en');
    doc = { ...doc, findings: mergeFindings([], findFindings(doc.items, 'en')) };
    doc = updateFinding(doc, 'drivers:d', { text: 'Recency drives churn.' });
    doc = updateFinding(doc, 'risk:t', { kept: false });
    const again = parseReport(serializeReport(doc));
    expect(again.ok).toBe(true);
    const merged = mergeFindings(again.ok ? again.doc.findings : [], findFindings(doc.items, 'zh-CN'));
    const byId = new Map(merged.map((f) => [f.id, f]));
    expect(byId.get('drivers:d')?.text).toBe('Recency drives churn.');
    expect(byId.get('risk:t')).toMatchObject({ kept: false, text: '3 位客户（15.0%）流失风险高。' });
    expect(byId.get('rules:r')?.text).toMatch(/^按提升度排序的主要交叉销售规则：/);
  });
});
