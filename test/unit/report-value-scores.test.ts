/**
 * "Score customers now" on the generated demo workspace, on real DuckDB-WASM
 * and real TF.js: the scoring rows are the training table's features moved
 * to another cut-off, the refit runs through the worker pool's real handler,
 * `value_scores` is written and read back, and the value tiers rank by it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { sqlOf } from '../../src/metrics/common.ts';
import { CLV_COLUMNS, FUTURE_SPEND_COLUMN, valueScoringSql, valueTargetSql } from '../../src/metrics/value-target.ts';
import { ensureNodeBackend, liveTensors } from '../../src/ml/backend-node.ts';
import { createSearchPool, type WorkerLike } from '../../src/ml/client.ts';
import { createChurnHandler } from '../../src/ml/handler.ts';
import type { ChurnResponse, ValueDatasetPayload } from '../../src/ml/protocol.ts';
import { mae, spearman } from '../../src/ml/regression-metrics.ts';
import { fetchColumns } from '../../src/report/churn.ts';
import { loadValueScores } from '../../src/report/value.ts';
import { customerValue, customerValueCsv, saveCustomerValue } from '../../src/report/value-table.ts';
import { saveValueScores, scoreValueCustomers, topValueScores, valueScoresCsv, type ValueScores } from '../../src/report/value-scores.ts';
import { loadDemo, type DemoTables } from './metrics-helpers.ts';

let db: Db;
let demo: DemoTables;
let tables: TableInfo[];
beforeAll(async () => {
  await ensureNodeBackend();
  db = await openNodeDb();
  demo = await loadDemo(db);
  tables = [demo.customers, demo.orders, demo.tickets];
});
afterAll(async () => db.close());

/** The workspace calls the scoring makes, run straight on the test's DuckDB. */
const workspace = {
  putTable: async (name: string, select: string, info: Pick<TableInfo, 'source' | 'kind' | 'roles'>): Promise<TableInfo> => {
    await db.exec(`CREATE OR REPLACE TABLE "${name}" AS ${select}`);
    return { name, ...info } as TableInfo;
  },
  addTable: async (_name: string, create: (db: Db) => Promise<TableInfo>): Promise<TableInfo> => create(db),
};

/** A worker stand-in running the real handler in this thread, messages structured-cloned both ways. */
function inProcessWorker(): WorkerLike {
  const worker: WorkerLike = { onmessage: null, onerror: null, postMessage: (m) => handle(structuredClone(m)), terminate: () => {} };
  const handle = createChurnHandler((message) => {
    const copy = structuredClone(message);
    setTimeout(() => worker.onmessage?.({ data: copy } as MessageEvent<ChurnResponse>));
  }, ensureNodeBackend);
  return worker;
}

describe('value scoring rows', () => {
  it('are the training features at the same cut-off, without the target', async () => {
    await db.exec(`CREATE OR REPLACE TABLE vt_train AS ${sqlOf(valueTargetSql(tables, { cutoff: '2025-06-30', horizonMonths: 6 }))}`);
    await db.exec(`CREATE OR REPLACE TABLE vt_score AS ${sqlOf(valueScoringSql(tables, { asOf: '2025-06-30', horizonMonths: 6 }))}`);
    const train = await fetchColumns(db, 'vt_train');
    const score = await fetchColumns(db, 'vt_score');
    expect(score.map((c) => c.name)).toEqual(train.map((c) => c.name).filter((n) => n !== FUTURE_SPEND_COLUMN));
    const diff = await db.query(`SELECT count(*) AS n FROM (SELECT * EXCLUDE (${FUTURE_SPEND_COLUMN}) FROM vt_train EXCEPT SELECT * FROM vt_score)`);
    expect(Number(diff.rows[0]!.n)).toBe(0);
    expect(score[0]!.values.length).toBe(train[0]!.values.length);
  });

  it('reach the last order day (the training target could not), and stop a day later', async () => {
    const last = String((await db.query(`SELECT CAST(max(CAST(${'"' + demo.orders.roles.order_date + '"'} AS DATE)) AS VARCHAR) AS d FROM ${'"' + demo.orders.name + '"'}`)).rows[0]!.d);
    await expect(db.query(sqlOf(valueTargetSql(tables, { cutoff: last, horizonMonths: 6 })))).rejects.toThrow(/Value target/);
    const rows = await db.query(sqlOf(valueScoringSql(tables, { asOf: last, horizonMonths: 6 })));
    expect(rows.rows.length).toBeGreaterThan(1000);
    const next = new Date(Date.parse(last) + 86_400_000).toISOString().slice(0, 10);
    await expect(db.query(sqlOf(valueScoringSql(tables, { asOf: next, horizonMonths: 6 })))).rejects.toThrow(/Value target/);
  });
});

describe('score customers now (demo, DuckDB-WASM + TF.js through the pool)', () => {
  let scores: ValueScores;
  let dataset: ValueDatasetPayload;

  it('refits the best model on every training row and scores every customer as of the data’s end', async () => {
    await db.exec(`CREATE OR REPLACE TABLE vt AS ${sqlOf(valueTargetSql(tables, { cutoff: '2025-06-30', horizonMonths: 6 }))}`);
    const columns = await fetchColumns(db, 'vt');
    dataset = {
      task: 'regression',
      columns,
      target: FUTURE_SPEND_COLUMN,
      exclude: ['customer_id', 'name', 'signup_date', ...Object.values(CLV_COLUMNS)],
      k: 3,
      seed: 1,
      log1p: true,
      baselineColumns: { lastPeriod: 'last_period_spend', histMean: 'hist_mean_spend' },
    };
    const before = liveTensors();
    const pool = createSearchPool({ size: 2, spawn: inProcessWorker });
    try {
      const r = await pool.valueSearch({ ...dataset, grid: [{ kind: 'ridge', grid: { l2: [0.1] } }, { kind: 'gbt', base: { nEstimators: 60 }, grid: { loss: ['squared'] } }] }).result;
      scores = await scoreValueCustomers(pool, workspace, db, tables, { dataset, spec: r.best.spec, label: r.best.label, months: 6 });
      // The refit scored on its own training rows fits them at least as well as the held-out folds did.
      const self = await pool.valueScore(dataset, r.best.spec, 1, columns).result;
      const inSample = mae(Float64Array.from(r.dataset.y), Float64Array.from(r.dataset.rows, (row) => self.p[row]!));
      console.info(`[value scores] best ${r.best.label}: CV MAE ${r.best.scores.mae.mean.toFixed(1)}, refit in-sample MAE ${inSample.toFixed(1)}; ${scores.ids.length} customers scored as of ${scores.asOf}`);
      expect(inSample).toBeLessThanOrEqual(r.best.scores.mae.mean);
    } finally {
      pool.dispose();
    }
    expect(liveTensors()).toBe(before);
    // Every customer with an order up to the data's end (the training table's rule), each once.
    const o = demo.orders;
    const customers = Number((await db.query(`SELECT count(DISTINCT CAST("${o.roles.customer_id}" AS VARCHAR)) AS n FROM "${o.name}" WHERE "${o.roles.customer_id}" IS NOT NULL`)).rows[0]!.n);
    expect(scores.ids.length).toBe(customers);
    expect(new Set(scores.ids).size).toBe(customers);
    expect(scores.asOf > '2025-06-30').toBe(true);
    expect(Array.from(scores.spend).every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    // As of the data's end, recent spenders are predicted to spend more.
    const recent = (await fetchColumns(db, 'value_scoring')).find((c) => c.name === 'last_period_spend')!.values as Float64Array;
    expect(spearman(recent, scores.spend)).toBeGreaterThan(0.3);
    const top = topValueScores(scores, 5);
    expect(top).toHaveLength(5);
    expect(top[0]!.spend).toBe(Math.max(...scores.spend));
    expect(top.every((t, i) => i === 0 || t.spend <= top[i - 1]!.spend)).toBe(true);
  }, 180_000);

  it('writes value_scores, which the value tiers read and rank by', async () => {
    expect(valueScoresCsv(scores).split('\r\n')[0]).toBe('\uFEFFcustomer,predicted_spend,model,horizon_months');
    const table = await saveValueScores(workspace, scores);
    expect(table).toMatchObject({ name: 'value_scores', rowCount: scores.ids.length, source: `model:${scores.model}`, kind: 'other' });
    const agg = (await db.query('SELECT count(*) AS n, sum(predicted_spend) AS s, min(model) AS m, min(horizon_months) AS h FROM value_scores')).rows[0]!;
    expect(Number(agg.n)).toBe(scores.ids.length);
    expect(Number(agg.s)).toBeCloseTo(scores.spend.reduce((a, b) => a + b, 0), 0);
    expect([agg.m, Number(agg.h)]).toEqual([scores.model, 6]);

    const ids = [scores.ids[2]!, 'nobody', scores.ids[0]!];
    const saved = (await loadValueScores(db, [table], ids))!;
    expect(saved.missing).toBe(1);
    expect(saved.spend[0]).toBeCloseTo(scores.spend[2]!, 4);
    expect(Number.isNaN(saved.spend[1]!)).toBe(true);
    expect([saved.model, saved.months]).toEqual([scores.model, 6]);
    expect(await loadValueScores(db, [], ids)).toBeNull();

    // Tiers by the model's spend: the highest predicted spender is high value though its CLV is lowest; "nobody" counts as no value.
    const f = (...v: number[]) => Float64Array.from(v);
    const preds = { pAlive: f(0.9, 0.9, 0.2), expectedPurchases: f(1, 1, 1), expectedSpend: f(1, 1, 1), clv: f(1, 50, 100) };
    const order = [0, 1, 2].sort((a, b) => (saved.spend[b] || 0) - (saved.spend[a] || 0));
    const cut = saved.spend[order[0]!]!;
    const v = customerValue(ids, preds as never, null, { valueCut: cut, riskCut: 0.5 }, saved.spend);
    expect(v.valueSource).toBe('value_model');
    expect(v.tiers[1]).toBe('ordinary');
    expect(v.tiers[order[0]!]).toBe(order[0] === 2 ? 'potential' : 'important');
    const byClv = customerValue(ids, preds as never, null, { valueCut: 100, riskCut: 0.5 });
    expect([byClv.valueSource, byClv.tiers[2]]).toEqual(['clv', 'potential']);
    expect(customerValueCsv(v, { spreadsheet: false }).split('\r\n')[0]).toBe('customer_id,p_alive,expected_purchases,expected_spend,clv,value,value_source,risk,tier');
    await saveCustomerValue(workspace, v, 'model:bgnbd');
    const cv = (await db.query(`SELECT customer_id, value, value_source FROM customer_value ORDER BY customer_id`)).rows;
    expect(cv.every((r) => r.value_source === 'value_model')).toBe(true);
    expect(cv.find((r) => r.customer_id === 'nobody')!.value).toBeNull();
  });
});
