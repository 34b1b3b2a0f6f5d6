import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { demoWorkspace } from '../../src/demo/generate.ts';
import { detectScales, driversSql, itemDistributionSql, scaleProfileSql, surveyKpisSql, surveyBySegmentSql, surveyTrendSql, type ScaleItem } from '../../src/metrics/surveys.ts';
import { responseBiasSql, satisfactionBandsSql } from '../../src/metrics/survey-links.ts';
import { detectSurveyItems } from '../../src/report/surveys.ts';
import { run } from './metrics-helpers.ts';

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

async function load(name: string, csv: string): Promise<TableInfo> {
  const { table } = await loadDelimited(db, { fileName: `${name}.csv`, bytes: new TextEncoder().encode(csv), tableName: name });
  return table;
}

// A survey export with long Chinese questions as headers, 1–5, 1–7 and 0–10 scales, N/A, 不适用 and blanks.
const ZH_SURVEY = [
  '答卷编号,客户编号,提交时间,总体而言，您对本次购物体验的满意程度如何？（1-5分）,客服回复您问题的速度让您满意吗？（1-5分）,办理业务的过程是否容易？（1-7分）,您有多大可能向亲友推荐我们？（0-10分）,您是否会再次购买？,其他意见',
  'R1,C1,2024-01-05,5,5,7,10,5,很好',
  'R2,C2,2024-01-20,4,4,6,9,4,',
  'R3,C3,2024-02-03,3,3,不适用,7,N/A,一般',
  'R4,C4,2024-02-10,2,1,2,3,2,太慢了',
  'R5,C5,2024-02-11,N/A,2,3,6,,',
  'R6,C6,2024-03-01,1,1,1,0,1,差',
  'R7,C1,2024-03-15,4,5,,8,4,',
].join('\n');

describe('survey scales', () => {
  it('maps a Chinese export with question headers and mixed scales without edits', async () => {
    const t = await load('zh_survey', ZH_SURVEY);
    expect(t.kind).toBe('surveys');
    expect(t.roles.customer_id).toBe('客户编号');
    expect(t.roles.responded_at).toBe('提交时间');
    expect(t.roles.overall).toMatch(/^总体而言/);
    expect(t.roles.recommend).toMatch(/推荐/);
    expect(t.roles.effort).toMatch(/容易/);
    expect(t.roles.repurchase).toMatch(/再次购买/);
    const items = await detectSurveyItems(db, [t]);
    expect(items.map((i) => [i.column.slice(0, 4), i.scale])).toEqual([
      ['总体而言', '1-5'], ['客服回复', '1-5'], ['办理业务', '1-7'], ['您有多大', '0-10'], ['您是否会', '1-5'],
    ]);
  });

  it('reads scales from values when the header says nothing, and skips text and ids', () => {
    const row = (item: string, nonBlank: number, none: number, numeric: number, whole: number, lo: number, hi: number) => ({ item, non_blank: nonBlank, no_answer: none, numeric, whole, lo, hi });
    expect(detectScales([
      row('Q1', 10, 1, 9, 9, 1, 5), row('Q2', 10, 0, 10, 10, 1, 7), row('Q3', 10, 0, 10, 10, 0, 6), row('Q4', 10, 0, 10, 10, 2, 9),
      row('comment', 10, 0, 2, 2, 1, 3), row('amount', 10, 0, 10, 4, 1, 5), row('age', 10, 0, 10, 10, 18, 70), row('Q5 (0-10)', 10, 0, 10, 10, 3, 5),
    ])).toEqual([{ column: 'Q1', scale: '1-5' }, { column: 'Q2', scale: '1-7' }, { column: 'Q3', scale: '0-10' }, { column: 'Q4', scale: '0-10' }, { column: 'Q5 (0-10)', scale: '0-10' }]);
  });
});

describe('survey measures by hand', () => {
  let t: TableInfo;
  let items: ScaleItem[];
  beforeAll(async () => {
    t = await load('zh_survey2', ZH_SURVEY);
    items = await detectSurveyItems(db, [t]);
  });

  it('CSAT, NPS, CES and loyalty', async () => {
    const [k] = await run(db, surveyKpisSql({ surveys: t, items }));
    // Overall answered by 6 (R5 N/A): 4–5 are R1, R2, R7 → 3/6.
    expect(k!.responses).toBe(7);
    expect(k!.csat_n).toBe(6);
    expect(k!.csat).toBeCloseTo(0.5, 10);
    // Recommend 10, 9, 7, 3, 6, 0, 8: promoters 2, detractors 3 of 7.
    expect(k!.nps).toBeCloseTo((100 * (2 - 3)) / 7, 10);
    // Effort 7, 6, 2, 3, 1 (不适用 and blank missing).
    expect(k!.ces).toBeCloseTo(19 / 5, 10);
    // Loyalty per response: mean of repurchase % (1–5) and recommend % (0–10) where answered.
    const rep = [100, 75, null, 25, null, 0, 75];
    const rec = [100, 90, 70, 30, 60, 0, 80];
    const per = rep.map((r, i) => (r === null ? rec[i]! : (r + rec[i]!) / 2));
    expect(k!.loyalty).toBeCloseTo(per.reduce((a, b) => a + b, 0) / 7, 10);
  });

  it('distribution has every scale point, trend every month with answers', async () => {
    const d = await run(db, itemDistributionSql({ surveys: t, items }));
    const overall = d.filter((r) => r.item === t.roles.overall).map((r) => [r.value, r.responses]);
    expect(overall).toEqual([[1, 1], [2, 1], [3, 1], [4, 2], [5, 1]]);
    expect(d.filter((r) => r.item === t.roles.recommend)).toHaveLength(11);
    const tr = await run(db, surveyTrendSql({ surveys: t, items }));
    expect(tr.map((r) => [r.period, r.responses, r.csat])).toEqual([['2024-01-01', 2, 1], ['2024-02-01', 3, 0], ['2024-03-01', 2, 0.5]]);
  });

  it('drivers: Pearson r with a Fisher-z interval', async () => {
    const rows = await run(db, driversSql({ surveys: t, items }));
    const speed = rows.find((r) => String(r.item).startsWith('客服回复'))!;
    // Pairs (overall, speed): (5,5) (4,4) (3,3) (2,1) (1,1) (4,5).
    const x = [5, 4, 3, 1, 1, 5];
    const y = [5, 4, 3, 2, 1, 4];
    const mx = x.reduce((a, b) => a + b) / 6;
    const my = y.reduce((a, b) => a + b) / 6;
    const cov = x.reduce((s, v, i) => s + (v - mx) * (y[i]! - my), 0);
    const r = cov / Math.sqrt(x.reduce((s, v) => s + (v - mx) ** 2, 0) * y.reduce((s, v) => s + (v - my) ** 2, 0));
    expect(speed.n).toBe(6);
    expect(speed.r).toBeCloseTo(r, 10);
    expect(speed.r_lo).toBeCloseTo(Math.tanh(Math.atanh(r) - 1.959964 / Math.sqrt(3)), 6);
    expect(speed.r_hi).toBeCloseTo(Math.tanh(Math.atanh(r) + 1.959964 / Math.sqrt(3)), 6);
    // Speed answers 5, 4, 3, 1, 2, 1, 5: mean 3 on 1–5 = 50 %.
    expect(speed.mean_pct).toBeCloseTo(50, 6);
    // Outcomes (recommend, repurchase) are not drivers.
    expect(rows.map((r) => String(r.item).slice(0, 4))).toEqual(expect.arrayContaining(['客服回复', '办理业务']));
    expect(rows).toHaveLength(2);
  });
});

describe('survey measures on the demo (planted effects)', () => {
  let tables: Record<string, TableInfo>;
  let items: ScaleItem[];
  beforeAll(async () => {
    const csv = demoWorkspace();
    tables = {};
    for (const name of ['customers', 'orders', 'surveys'] as const) tables[name] = await load(`demo_${name}`, csv[name]);
    items = await detectSurveyItems(db, Object.values(tables));
  });

  it('the demo survey is a surveys table with eight rating items', () => {
    expect(tables.surveys!.kind).toBe('surveys');
    expect(items.map((i) => i.scale)).toEqual(['1-5', '1-5', '1-5', '1-5', '1-5', '1-7', '0-10', '1-5']);
  });

  it('speed of response is the strongest driver of overall satisfaction, its interval clear of the next', async () => {
    const rows = await run(db, driversSql({ surveys: tables.surveys!, items }));
    expect(String(rows[0]!.item)).toMatch(/^Speed of our response/);
    const next = rows[1]!;
    expect(rows).toHaveLength(5);
    expect(rows[0]!.r_lo as number).toBeGreaterThan(next.r_hi as number);
  });

  it('dissatisfied respondents churn about twice as often as satisfied ones and spend less', async () => {
    const rows = await run(db, satisfactionBandsSql({ surveys: tables.surveys!, items, customers: tables.customers!, orders: tables.orders! }));
    const bad = rows.find((r) => r.band === 'dissatisfied')!;
    const good = rows.find((r) => r.band === 'satisfied')!;
    expect(bad.customers as number).toBeGreaterThan(50);
    expect(bad.churn_rate as number).toBeGreaterThan(1.5 * (good.churn_rate as number));
  });

  it('respondents spend more than non-respondents (response bias)', async () => {
    const rows = await run(db, responseBiasSql({ surveys: tables.surveys!, items, customers: tables.customers!, orders: tables.orders! }));
    const [yes, no] = rows;
    expect(yes!.group).toBe('respondent');
    expect((yes!.customers as number) + (no!.customers as number)).toBe(2000);
    expect(yes!.avg_spend as number).toBeGreaterThan(no!.avg_spend as number);
  });

  it('splits by the customer segment through the customer id', async () => {
    const rows = await run(db, surveyBySegmentSql({ surveys: tables.surveys!, items, customers: tables.customers! }));
    expect(rows.map((r) => r.group_value)).toContain('Consumer');
    expect(rows.reduce((s, r) => s + (r.responses as number), 0)).toBeGreaterThan(700);
  });

  it('profile SQL quotes hostile column names', async () => {
    const t = await load('hostile', 'id,"a""b; DROP TABLE x",c\n1,3,4\n2,4,5\n3,5,1\n');
    const q = scaleProfileSql(t);
    expect(q.ok).toBe(true);
    expect((await run(db, q)).map((r) => r.item)).toEqual(['a"b; DROP TABLE x', 'c']);
  });
});
