/**
 * Issue 14's planted growing topic: the demo's feedback texts plant a late-delivery
 * complaint whose share rises month over month while ratings fall; the rising-topic
 * finder (ml/text/rising.ts) is checked on hand-computed shares, on the demo's texts
 * and on a set generated with another rising topic, other dates and Chinese headers;
 * the file loads as a feedback table (roles from its headers) in real DuckDB-WASM.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { DEMO_OPTIONS, demoWorkspace } from '../../src/demo/generate.ts';
import { DEMO_FEEDBACK_PLAN, FEEDBACK_HEADERS, feedbackRecords, feedbackTable, type FeedbackRecord } from '../../src/demo/feedback.ts';
import { formatDay } from '../../src/demo/format.ts';
import { buildWorld } from '../../src/demo/world.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import { analyzeTexts } from '../../src/ml/text/analyze.ts';
import { findRisingTopic, shareTrend } from '../../src/ml/text/rising.ts';
import type { TextResult, Topic } from '../../src/ml/text/types.ts';
import { textTables } from '../../src/metrics/voice.ts';
import { loadTextInput } from '../../src/report/voice.ts';

const month = (f: FeedbackRecord) => formatDay(f.day).slice(0, 7);

function analyse(records: readonly FeedbackRecord[]): TextResult {
  return analyzeTexts({
    texts: records.map((f) => f.text),
    months: records.map(month),
    ratings: records.map((f) => f.rating),
    labels: records.map(() => null),
    hours: records.map(() => null),
    closed: records.map(() => null),
  });
}

/** Per month: texts, planted texts, rating sum. */
function byMonth(records: readonly FeedbackRecord[]): { months: string[]; totals: number[]; planted: number[]; meanRating: number[] } {
  const groups = new Map<string, { n: number; planted: number; rating: number }>();
  for (const f of records) {
    const g = groups.get(month(f)) ?? { n: 0, planted: 0, rating: 0 };
    g.n++;
    if (f.rising) g.planted++;
    g.rating += f.rating;
    groups.set(month(f), g);
  }
  const months = [...groups.keys()].sort();
  return {
    months,
    totals: months.map((m) => groups.get(m)!.n),
    planted: months.map((m) => groups.get(m)!.planted),
    meanRating: months.map((m) => groups.get(m)!.rating / groups.get(m)!.n),
  };
}

const topic = (id: number, trend: number[]): Topic => ({ id, terms: [`t${id}`], volume: trend.reduce((a, b) => a + b, 0), trend, examples: [], medianHours: null, openShare: null });

describe('shareTrend and findRisingTopic on hand-computed shares', () => {
  it('fits the weighted line through monthly shares, leaving out empty months', () => {
    // Shares 0.1, 0.2, 0.3 at months 0, 1, 2: slope 0.1 a month.
    const fit = shareTrend([0, 1, 2], [10, 20, 30], [100, 100, 100])!;
    expect(fit.slope).toBeCloseTo(0.1, 12);
    expect(fit.from).toBeCloseTo(0.1, 12);
    expect(fit.to).toBeCloseTo(0.3, 12);
    // A month with no texts is no evidence of a zero share.
    const gap = shareTrend([0, 1, 2, 3], [10, 0, 30, 40], [100, 0, 100, 100])!;
    expect(gap.slope).toBeCloseTo(0.1, 12);
    expect(shareTrend([0, 1], [1, 2], [10, 10])).toBeNull();
    // Weighted: a 2-text month pulls the line far less than a 1,000-text month.
    const weighted = shareTrend([0, 1, 2], [100, 1, 100], [1000, 2, 1000])!;
    expect(weighted.slope).toBeCloseTo(0, 12);
  });

  it('picks the topic whose share rises fastest and clearly, with months counted across gaps', () => {
    const months = ['2024-01', '2024-02', '2024-04', '2024-05'];
    const totals = [200, 200, 200, 200];
    const flat = topic(0, [40, 42, 38, 40]);
    const steep = topic(1, [10, 30, 70, 90]);
    const gentle = topic(2, [10, 16, 28, 34]);
    const falling = topic(3, [60, 40, 10, 5]);
    const r = findRisingTopic(months, totals, [flat, gentle, steep, falling])!;
    expect(r.topic).toBe(1);
    expect(r).toMatchObject({ first: '2024-01', last: '2024-05', months: 4, terms: ['t1'] });
    // The line runs over month ordinals 0, 1, 3, 4 (March had no texts).
    const fit = shareTrend([0, 1, 3, 4], steep.trend, totals)!;
    expect(r.slope).toBeCloseTo(fit.slope, 12);
    expect(r.to).toBeGreaterThan(r.from);
    // Shares and the fitted line per month, for the chart; the line ends where the sentence says.
    expect(r.shares).toEqual([0.05, 0.15, 0.35, 0.45]);
    expect(r.fitted[0]).toBeCloseTo(r.from, 12);
    expect(r.fitted[3]).toBeCloseTo(r.to, 12);
    expect(r.fitted[2]! - r.fitted[1]!).toBeCloseTo(2 * r.slope, 12);
  });

  it('finds nothing when no share rises clearly, in under three months, or with months it cannot read', () => {
    expect(findRisingTopic(['2024-01', '2024-02', '2024-03'], [200, 200, 200], [topic(0, [40, 41, 40]), topic(1, [60, 50, 40])])).toBeNull();
    // A rise on a handful of texts is noise, not a finding.
    expect(findRisingTopic(['2024-01', '2024-02', '2024-03'], [5, 5, 5], [topic(0, [1, 1, 2])])).toBeNull();
    expect(findRisingTopic(['2024-01', '2024-02'], [200, 200], [topic(0, [10, 90])])).toBeNull();
    expect(findRisingTopic(['Jan', 'Feb', 'Mar'], [200, 200, 200], [topic(0, [10, 50, 90])])).toBeNull();
    expect(findRisingTopic([], [], [])).toBeNull();
  });
});

describe('the demo feedback texts', () => {
  const w = buildWorld(DEMO_OPTIONS, DEMO_OPTIONS.customers!);
  const records = feedbackRecords(w);

  it('plant a late-delivery share that grows month over month while the mean rating falls', () => {
    const m = byMonth(records);
    expect(m.months[0]).toBe('2023-01');
    expect(m.months.at(-1)).toBe('2025-12');
    expect(m.months).toHaveLength(36);
    expect(Math.min(...m.totals)).toBeGreaterThanOrEqual(20);
    const xs = m.months.map((_, i) => i);
    const share = shareTrend(xs, m.planted, m.totals)!;
    // Planted 5 % → 40 % over 35 months: about one percentage point a month.
    expect(share.slope).toBeGreaterThan(0.007);
    expect(share.slope).toBeLessThan(0.013);
    expect(share.t).toBeGreaterThan(8);
    const planted = records.filter((f) => f.rising);
    expect(planted.every((f) => f.topic === DEMO_FEEDBACK_PLAN.rising && f.tone === 'negative')).toBe(true);
    // Rated 1–2 but for the odd rating that does not match the words.
    expect(planted.filter((f) => f.rating <= 2).length / planted.length).toBeGreaterThan(0.95);
    const half = (xs: number[], from: number, to: number) => xs.slice(from, to).reduce((a, b) => a + b, 0) / (to - from);
    expect(half(m.meanRating, 30, 36)).toBeLessThan(half(m.meanRating, 0, 6) - 0.3);
  });

  it('are varied, in English and Chinese, with the planted topic in both', () => {
    const texts = records.map((f) => f.text);
    expect(records.length).toBeGreaterThan(3000);
    expect(new Set(texts).size / texts.length).toBeGreaterThan(0.5);
    const counts = new Map<string, number>();
    for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
    expect(Math.max(...counts.values()) / texts.length).toBeLessThan(0.02);
    const zh = records.filter((f) => /[\u4e00-\u9fff]/.test(f.text));
    expect(zh.length / records.length).toBeGreaterThan(0.25);
    expect(zh.length / records.length).toBeLessThan(0.45);
    expect(zh.every((f) => f.lang === 'zh')).toBe(true);
    expect(records.filter((f) => f.rising && f.lang === 'zh').every((f) => /配送|延迟|快递/.test(f.text))).toBe(true);
    expect(records.filter((f) => f.rising && f.lang === 'en').every((f) => /deliver|late|delay/i.test(f.text))).toBe(true);
    // English sentences after an opener do not start with a capital in mid-sentence.
    expect(texts.some((t) => /^(Honestly|Sorry but),? (?!I )[A-Z]/.test(t) || /\. i /.test(t))).toBe(false);
    expect(texts.some((t) => t.startsWith('Honestly, the '))).toBe(true);
    // Each customer writes in one language.
    const langs = new Map<string, Set<string>>();
    for (const f of records) langs.set(f.customer, (langs.get(f.customer) ?? new Set()).add(f.lang));
    expect([...langs.values()].every((s) => s.size === 1)).toBe(true);
  });

  it('the finder names a late-delivery topic as the rising one, rising about as planted', () => {
    const result = analyse(records);
    const rising = result.rising!;
    expect(rising).not.toBeNull();
    expect(rising.terms.join(' ')).toMatch(/deliver|late|delay|courier|配送|延迟|快递/);
    const found = result.topics.find((t) => t.id === rising.topic)!;
    expect(found.examples.join(' ')).toMatch(/deliver|late|delay|配送|延迟/i);
    expect(rising.months).toBe(36);
    expect(rising.to - rising.from).toBeGreaterThan(0.05);
    expect(rising.t).toBeGreaterThan(3);
  }, 60_000);
});

describe('a non-demo feedback set: another rising topic, other dates, Chinese headers', () => {
  it('the finder names the app/login topic that was planted to rise', () => {
    const w = buildWorld({ seed: 7, headers: 'zh', startDate: '2024-01-01', endDate: '2025-06-30' }, 700);
    const records = feedbackRecords(w, { rising: 'app', from: 0.03, to: 0.35 });
    expect(records.some((f) => f.lang === 'en')).toBe(true);
    const m = byMonth(records);
    expect(m.months).toHaveLength(18);
    const result = analyse(records);
    expect(result.rising).not.toBeNull();
    expect(result.rising!.terms.join(' ')).toMatch(/app|登录|密码|log|password/i);
    expect(result.rising!.terms.join(' ')).not.toMatch(/配送|延迟|deliver/);
  }, 60_000);

  it('finds no rising topic when nothing was planted to rise', () => {
    const w = buildWorld({ seed: 11, startDate: '2024-01-01', endDate: '2025-06-30' }, 700);
    const result = analyse(feedbackRecords(w, { rising: 'service', from: 0.1, to: 0.1 }));
    expect(result.topics.length).toBeGreaterThan(2);
    expect(result.rising).toBeNull();
  }, 60_000);
});

describe('the feedback file in real DuckDB-WASM', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openNodeDb();
  });
  afterAll(async () => db?.close());

  it.each(['en', 'zh'] as const)('loads as a feedback table from its %s headers, with text, month and rating for the Voice page', async (headers) => {
    const csv = demoWorkspace(headers).feedback;
    expect(csv.split('\n')[0]).toBe(FEEDBACK_HEADERS[headers].join(','));
    const w = buildWorld({ ...DEMO_OPTIONS, headers }, DEMO_OPTIONS.customers!);
    const rows = feedbackTable(w).rows;
    const { table } = await loadDelimited(db, { fileName: `demo_feedback_${headers}.csv`, bytes: new TextEncoder().encode(csv), tableName: `demo_feedback_${headers}` });
    expect(table.kind).toBe('feedback');
    expect(table.rowCount).toBe(rows.length);
    expect(Object.keys(table.roles).sort()).toEqual(['customer_id', 'feedback_date', 'feedback_text', 'rating']);
    expect(textTables([table])).toHaveLength(1);
    const input = await loadTextInput(db, table, [table]);
    expect(input.texts).toHaveLength(rows.length);
    expect(input.texts).toEqual(rows.map((r) => r[4]));
    expect(input.months[0]).toBe('2023-01');
    expect(input.ratings.every((r) => r !== null && r >= 1 && r <= 5)).toBe(true);
  });
});
