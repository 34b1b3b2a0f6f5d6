import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { loadDelimited } from '../../src/ingest/load.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fitLifetimeInline } from '../../src/ml/clv/fit.ts';
import { orderLinesFacts } from '../../src/metrics/facts.ts';
import { holdoutErrors, naiveHoldout, loadSavedRisk, loadScope, loadValueData, predict, tracking, type ValueData } from '../../src/report/value.ts';
import { DATA_DIR, hasDataSet } from './metrics-helpers.ts';
import { customerValue, customerValueCsv, riskOf, saveCustomerValue } from '../../src/report/value-table.ts';

let db: Db;
beforeAll(async () => {
  db = await openNodeDb();
});
afterAll(async () => db.close());

const f = (...v: number[]) => Float64Array.from(v);

async function load(name: string, csv: string): Promise<TableInfo> {
  const { table } = await loadDelimited(db, { fileName: `${name}.csv`, bytes: new TextEncoder().encode(csv), tableName: name });
  return table;
}

describe('value runner: validation figures', () => {
  it('hold-out errors: by calibration frequency 0..7+, MAE per customer, total % error', () => {
    // x: 0, 0, 2, 9 (→ group 7+); actual 0, 1, 2, 3; predicted 0.5, 0.5, 1, 4.
    const e = holdoutErrors(f(0, 0, 2, 9), f(0, 1, 2, 3), f(0.5, 0.5, 1, 4));
    expect(e.byFrequency[0]).toEqual({ x: 0, customers: 2, actual: 0.5, predicted: 0.5 });
    expect(e.byFrequency[2]).toEqual({ x: 2, customers: 1, actual: 2, predicted: 1 });
    expect(e.byFrequency[7]).toEqual({ x: 7, customers: 1, actual: 3, predicted: 4 });
    expect(e.byFrequency[1]!.customers).toBe(0);
    // |0.5| + |−0.5| + |−1| + |1| = 3 over 4 customers; Σ predicted 6 vs actual 6 → 0 %.
    expect(e.mae).toBe(0.75);
    expect(e.totalPctError).toBe(0);
  });

  it('naive baseline: the calibration rate x / T carried over the hold-out (0 when T = 0)', () => {
    // x 2 over 4 weeks → 0.5 a week × 6 weeks = 3; x 0 → 0; T 0 → 0.
    expect(Array.from(naiveHoldout(f(2, 0, 1), f(4, 3, 0), 6))).toEqual([3, 0, 0]);
  });

  it('tracking: predicted = Σ births × E[X(t − birth)] at each week end, actual cumulated', () => {
    const data = { weeklyRepeats: f(1, 0, 2), births: [{ day: 0, customers: 2 }, { day: 7, customers: 1 }], calEndDay: 13 } as unknown as ValueData;
    // With E[X(t)] = t (weeks): week 1 ends day 7 → 2×1 = 2 (the day-7 birth not yet); week 2 → 2×2 + 1×1 = 5; week 3 → 2×3 + 1×2 = 8.
    const t = tracking(data, (w) => w);
    expect(t).toEqual({ weeks: [1, 2, 3], actualCum: [1, 1, 3], predictedCum: [2, 5, 8], calEndWeek: 2 });
  });
});

describe('value runner on DuckDB', () => {
  const LOG = ['customer,order_date,amount', 'A,2024-01-01,10', 'A,2024-01-08,20', 'A,2024-02-05,40', 'B,2024-01-15,50', 'C,2024-01-01,8', 'C,2024-03-11,6'].join('\n');

  it('loads the summary as columns, fills empty weeks, measures the hold-out', async () => {
    const t = await load('val_log', LOG);
    const orders: TableInfo = { ...t, kind: 'orders', roles: { customer_id: 'customer', order_date: 'order_date', amount: 'amount' } };
    const d = await loadValueData(db, orders, '2024-01-29');
    expect(d.summary.ids).toEqual(['A', 'B', 'C']);
    expect(Array.from(d.summary.x)).toEqual([1, 0, 0]);
    expect(Number.isNaN(d.summary.zbar[1]!)).toBe(true);
    expect(Array.from(d.holdoutX)).toEqual([1, 0, 1]);
    // 2024-01-01 … 03-11 = 70 days: weeks 0..10; repeats in week 1 (A 01-08), 5 (A 02-05), 10 (C 03-11).
    expect(Array.from(d.weeklyRepeats)).toEqual([0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(d.calEndDay).toBe(28);
    expect(d.holdoutWeeks).toBe(6);
  });

  it('risk from saved churn scores (1 − P(alive) for customers they miss), and customer_value written back', async () => {
    await load('churn_scores', 'customer,probability,risk_tier\nA,0.9,high\nC,0.1,low\n');
    const saved = await loadSavedRisk(db, [{ name: 'churn_scores' } as TableInfo], ['A', 'B', 'C']);
    expect(Array.from(saved!).map((v) => (Number.isNaN(v) ? null : v))).toEqual([0.9, null, 0.1]);
    expect(await loadSavedRisk(db, [], ['A'])).toBeNull();
    const r = riskOf(f(0.2, 0.7, 0.5), saved);
    expect(Array.from(r.risk).map((v) => v.toFixed(3))).toEqual(['0.900', '0.300', '0.100']);
    expect([r.source, r.filled]).toEqual(['churn_scores', 1]);

    const preds = { pAlive: f(0.2, 0.7, 0.5), expectedPurchases: f(3, 1, 2), expectedSpend: f(30, 5, 20), clv: f(100, 4, 60) };
    const v = customerValue(['A', 'B', 'C'], preds as never, saved, { valueCut: 60, riskCut: 0.5 });
    expect(v.tiers).toEqual(['potential', 'ordinary', 'important']);
    expect(customerValueCsv(v, { spreadsheet: false }).split('\r\n').slice(0, 2)).toEqual([
      'customer_id,p_alive,expected_purchases,expected_spend,clv,value,value_source,risk,tier', 'A,0.2,3,30,100,100,clv,0.9,potential',
    ]);
    const sink = { addTable: async (_: string, create: (db: Db) => Promise<TableInfo>) => create(db) };
    const table = await saveCustomerValue(sink, v, 'model:bgnbd');
    expect(table).toMatchObject({ name: 'customer_value', rowCount: 3, kind: 'other', source: 'model:bgnbd', roles: { customer_id: 'customer_id' } });
    const rows = (await db.query('SELECT customer_id, clv, tier FROM customer_value ORDER BY customer_id')).rows;
    expect(rows).toEqual([{ customer_id: 'A', clv: 100, tier: 'potential' }, { customer_id: 'B', clv: 4, tier: 'ordinary' }, { customer_id: 'C', clv: 60, tier: 'important' }]);

    // Analytics filters on it: the value tier "important" keeps C's two order lines of LOG only.
    const t = await load('val_log_f', LOG);
    const orders: TableInfo = { ...t, kind: 'orders', roles: { customer_id: 'customer', order_date: 'order_date', amount: 'amount' } };
    const facts = orderLinesFacts(orders, { filters: { valueTier: ['important'] } });
    const kept = (await db.query(`SELECT customer_id, count(*) AS n FROM (${facts.sql}) GROUP BY 1`)).rows;
    expect(kept).toEqual([{ customer_id: 'C', n: 2 }]);
    expect(facts.ignored).toEqual([]);
  });
});

describe('value runner on the CDNOW sample (real data)', () => {
  const ok = hasDataSet('cdnow', 'report-value');
  it.skipIf(!ok)('SQL summary → fit → predictions: the published BG/NBD fit, and the hold-out figures', async () => {
    const bytes = new Uint8Array(readFileSync(path.join(DATA_DIR, 'cdnow', 'CDNOW_sample.txt')));
    const { table } = await loadDelimited(db, { fileName: 'CDNOW_sample.txt', bytes, tableName: 'cdnow_sample_v' });
    const [, sampleId, date, , dollars] = table.columns.map((c) => c.name);
    const orders: TableInfo = { ...table, kind: 'orders', roles: { customer_id: sampleId!, order_date: date!, amount: dollars! } };
    // 1997-01-01 … 1998-06-30 is 545 days; two thirds (363) → 1997-12-30 by default.
    expect((await loadScope(db, orders)).default_end).toBe('1997-12-30');
    const data = await loadValueData(db, orders, '1997-09-30');
    expect(data.holdoutWeeks).toBe(39);
    const fit = fitLifetimeInline(data.summary);
    // reference.md: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426; log-likelihood −9,582.43 (within 1 % and 0.1).
    const p = fit.bgnbd.params;
    for (const [got, want] of [[p.r, 0.243], [p.alpha, 4.414], [p.a, 0.793], [p.b, 2.426]] as const) expect(Math.abs(got / want - 1)).toBeLessThan(0.01);
    expect(Math.abs(fit.bgnbd.logLik + 9582.43)).toBeLessThan(0.1);
    const pred = predict(data, fit, { model: 'bgnbd', months: 12, monthlyDiscount: 0.01, margin: 0.3 });
    const v = pred.validation;
    console.log(
      `[cdnow sample] hold-out repeat purchases actual ${v.totalActual}, predicted ${v.totalPredicted.toFixed(1)}, total error ${(100 * v.totalPctError).toFixed(2)} %, MAE ${v.mae.toFixed(4)}; ` +
        `naive baseline predicted ${v.baseline.totalPredicted.toFixed(1)}, total error ${(100 * v.baseline.totalPctError).toFixed(2)} %, MAE ${v.baseline.mae.toFixed(4)}`,
    );
    // Every figure is the sum over customers: the tracking curve at its last week and the by-frequency groups agree with it.
    expect(v.actualCum.at(-1)).toBe(v.totalActual + v.actualCum[Math.floor(data.calEndDay / 7)]!);
    expect(v.byFrequency.reduce((a, g) => a + g.customers * g.actual, 0)).toBeCloseTo(v.totalActual, 6);
    expect(v.byFrequency.reduce((a, g) => a + g.customers * g.predicted, 0)).toBeCloseTo(v.totalPredicted, 6);
    // Hold-out purchases counted outside the app: awk '$3>19970930 {print $2,$3}' CDNOW_sample.txt | sort -u | wc -l → 1882.
    expect(v.totalActual).toBe(1882);
    expect(Number.isFinite(v.totalPctError) && Number.isFinite(v.mae)).toBe(true);
    expect(pred.spendFallback).toBe(false);
    expect(pred.clv.every((c) => Number.isFinite(c) && c >= 0)).toBe(true);
    expect(pred.pAlive.every((q) => q > 0 && q <= 1)).toBe(true);
  });
});
