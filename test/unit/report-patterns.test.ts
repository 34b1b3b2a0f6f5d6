/**
 * Pattern analyses through their runner: the same results in-process as the
 * miners give directly, and the worker runner's bookkeeping (a newer request
 * ends the one it supersedes, cancel ends the worker, errors arrive as Errors).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { topRules } from '../../src/metrics/recommend.ts';
import { mineRules } from '../../src/metrics/rules.ts';
import { basketItemsSql, fetchTransactions, transactionsFromBaskets } from '../../src/metrics/transactions.ts';
import { handlePatterns, type PatternsRequest, type PatternsResponse } from '../../src/report/patterns/protocol.ts';
import { loadClusters, loadForecast, loadRules } from '../../src/report/patterns/load.ts';
import { inlineRunner, workerRunner, type WorkerLike } from '../../src/report/patterns/runner.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadDelimited } from '../../src/ingest/load.ts';
import { DATA_DIR, hasDataSet, loadDemo } from './metrics-helpers.ts';
import type { TableInfo } from '../../src/ingest/model.ts';

let db: Db;
let demo: TableInfo[];
beforeAll(async () => {
  db = await openNodeDb();
  demo = Object.values(await loadDemo(db));
});
afterAll(async () => db.close());

/**
 * Node has no Web Worker: this stand-in runs the worker's own dispatcher (`handlePatterns`)
 * on a later tick, or never answers (`hang`), and records terminate calls; `posted` collects
 * each request with its worker, so a test can answer a hanging one itself.
 */
function stubWorker(log: string[], mode: 'answer' | 'hang' | 'fail' = 'answer', posted?: { w: WorkerLike; id: number }[]): WorkerLike {
  const w: WorkerLike = {
    onmessage: null,
    onerror: null,
    postMessage(message: unknown) {
      const req = message as PatternsRequest;
      log.push(`post:${req.type}:${req.id}`);
      posted?.push({ w, id: req.id });
      if (mode === 'hang') return;
      setTimeout(() => {
        const progress = (fraction: number) => w.onmessage?.({ data: { type: 'progress', id: req.id, fraction } } as MessageEvent<PatternsResponse>);
        const data: PatternsResponse =
          mode === 'fail'
            ? { type: 'error', id: req.id, error: { name: 'RulesInputError', message: 'bad baskets' } }
            : { type: 'done', id: req.id, result: handlePatterns(req, progress) };
        w.onmessage?.({ data } as MessageEvent<PatternsResponse>);
      }, 5);
    },
    terminate() {
      log.push('terminate');
    },
  };
  return w;
}

const TX = () => transactionsFromBaskets([['milk', 'bread'], ['milk', 'bread', 'eggs'], ['bread'], ['milk', 'eggs'], ['milk', 'bread']]);

describe('pattern analyses on the demo workspace', () => {
  it('rules through the runner equal the miner run directly', async () => {
    const r = await loadRules(db, demo, 0.01, 0.2, inlineRunner);
    expect(r).not.toBeNull();
    expect(r!.baskets).toBeGreaterThan(1000);
    expect(r!.top.length).toBeGreaterThan(0);
    const orders = demo.find((t) => t.kind === 'orders')!;
    const tx = await fetchTransactions(db, basketItemsSql(orders.name, orders.roles.order_id!, orders.roles.product ?? orders.roles.category!));
    const direct = mineRules(tx, { minSupport: 0.01, minConfidence: 0.2, maxRules: 50_000 });
    expect(r!.totalRules).toBe(direct.totalRules);
    expect(r!.top.map((x) => x.lift)).toEqual(topRules(direct, 25, 'lift').map((x) => x.lift));
  });

  it('clusters and a forecast come back with the SQL that fed them', async () => {
    const c = await loadClusters(db, demo, 'en', inlineRunner);
    expect(c!.k).toBeGreaterThanOrEqual(2);
    expect(c!.clusters.reduce((s, x) => s + x.size, 0)).toBe(c!.clusters.reduce((s, x) => s + x.ids.length, 0));
    expect(c!.sql).toMatch(/SELECT/i);
    // Profiles in both languages, so a Chinese report of clusters found in English reads in Chinese.
    for (const k of c!.clusters) {
      expect(k.descriptions.en).toBe(k.description);
      expect(k.descriptions.zh).toMatch(/[\u4e00-\u9fff]/);
    }
    const f = await loadForecast(db, demo, 'month', inlineRunner);
    expect(f!.chart.futurePeriods).toHaveLength(6);
    expect(f!.chart.mean.every((v) => v >= 0)).toBe(true);
  });
});

describe('cluster count', () => {
  it('scores k = 2…8, suggests a k ≥ 3 on the demo, and fits the k the user picks', async () => {
    const c = await loadClusters(db, demo, 'en', inlineRunner);
    expect(c!.scores.map((s) => s.k)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    console.info(`[report-patterns] demo clusters: ${c!.scores.map((s) => `k=${s.k} ${s.silhouette.toFixed(3)}`).join(', ')}; suggested ${c!.suggested}`);
    expect(c!.suggested).toBeGreaterThanOrEqual(3);
    expect(c!.k).toBe(c!.suggested);
    expect(c!.clusters).toHaveLength(c!.k);
    const five = await loadClusters(db, demo, 'en', inlineRunner, undefined, 5);
    expect(five!.k).toBe(5);
    expect(five!.clusters).toHaveLength(5);
    expect(five!.suggested).toBe(c!.suggested);
    expect(five!.clusters.reduce((n, x) => n + x.size, 0)).toBe(c!.clusters.reduce((n, x) => n + x.size, 0));
  });

  it.skipIf(!hasDataSet('cdnow', 'report-patterns'))('suggests a k ≥ 3 on CDNOW too (k = 2 had the best silhouette)', async () => {
    const bytes = new Uint8Array(readFileSync(path.join(DATA_DIR, 'cdnow', 'CDNOW_master.txt')));
    const { table } = await loadDelimited(db, { fileName: 'CDNOW_master.txt', bytes });
    const c = await loadClusters(db, [table], 'en', inlineRunner);
    console.info(`[report-patterns] CDNOW clusters: ${c!.scores.map((s) => `k=${s.k} ${s.silhouette.toFixed(3)}`).join(', ')}; suggested ${c!.suggested}`);
    expect(c!.suggested).toBeGreaterThanOrEqual(3);
    expect(c!.clusters).toHaveLength(c!.suggested);
  }, 120_000);
});

describe('workerRunner', () => {
  it('answers through the worker and ends it', async () => {
    const log: string[] = [];
    const runner = workerRunner(() => stubWorker(log));
    const mined = await runner.run<'rules'>({ type: 'rules', tx: TX(), minSupport: 0.4, minConfidence: 0.6 });
    expect(mined.baskets).toBe(5);
    expect(mined.top.map((r) => `${r.lhs.join('+')}→${r.rhs}`)).toContain('eggs→milk');
    expect(log).toEqual(['post:rules:1', 'terminate']);
  });

  it('progress from the worker reaches the caller, rising, before the answer', async () => {
    const runner = workerRunner(() => stubWorker([]));
    const seen: number[] = [];
    const mined = await runner.run<'rules'>({ type: 'rules', tx: TX(), minSupport: 0.2, minConfidence: 0.5 }, undefined, (f) => seen.push(f));
    expect(mined.baskets).toBe(5);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.every((f, i) => f >= 0 && f <= 1 && (i === 0 || f >= seen[i - 1]!))).toBe(true);
    expect(seen.at(-1)).toBeGreaterThanOrEqual(0.9);

    const fractions: number[] = [];
    const c = await loadClusters(db, demo, 'en', runner, undefined, undefined, (f) => fractions.push(f));
    expect(c!.scores).toHaveLength(7);
    // One report per k = 2…8, the last one whole.
    expect(fractions).toHaveLength(7);
    expect(fractions.at(-1)).toBe(1);
  });

  it('a newer request of the same kind ends the older one; other kinds run on', async () => {
    const log: string[] = [];
    let first = true;
    const runner = workerRunner(() => {
      const mode = first ? 'hang' : 'answer';
      first = false;
      return stubWorker(log, mode);
    });
    const old = runner.run<'rules'>({ type: 'rules', tx: TX(), minSupport: 0.4, minConfidence: 0.6 });
    const newer = runner.run<'rules'>({ type: 'rules', tx: TX(), minSupport: 0.2, minConfidence: 0.5 });
    await expect(old).rejects.toMatchObject({ name: 'AbortError' });
    expect((await newer).baskets).toBe(5);
    expect(log.slice(0, 3)).toEqual(['post:rules:1', 'terminate', 'post:rules:2']);
  });

  it('cancel ends the worker at once and rejects with an AbortError', async () => {
    const log: string[] = [];
    const runner = workerRunner(() => stubWorker(log, 'hang'));
    const controller = new AbortController();
    const run = runner.run<'rules'>({ type: 'rules', tx: TX(), minSupport: 0.4, minConfidence: 0.6 }, controller.signal);
    controller.abort();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(log).toEqual(['post:rules:1', 'terminate']);
  });

  it('with one slot, analyses wait their turn in order; a waiting one can be superseded or cancelled without a worker', async () => {
    const log: string[] = [];
    const posted: { w: WorkerLike; id: number }[] = [];
    // Workers that answer only when the test says (`answer(i)`).
    const runner = workerRunner(() => stubWorker(log, 'hang', posted), 1);
    const answer = (i: number) => posted[i]!.w.onmessage?.({ data: { type: 'done', id: posted[i]!.id, result: `result ${i}` } } as unknown as MessageEvent<PatternsResponse>);
    const rules = runner.run<'rules'>({ type: 'rules', tx: TX(), minSupport: 0.4, minConfidence: 0.6 });
    const controller = new AbortController();
    const cancelled = runner.run<'clusters'>({ type: 'clusters', behaviour: {} as never, lang: 'en' }, controller.signal);
    const older = runner.run<'forecast'>({ type: 'forecast', series: {} as never, grain: 'month' });
    const newer = runner.run<'forecast'>({ type: 'forecast', series: {} as never, grain: 'week' });
    expect(log).toEqual(['post:rules:1']);
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    await expect(older).rejects.toMatchObject({ name: 'AbortError' });
    answer(0);
    expect(await rules).toBe('result 0');
    // Only the newer forecast starts, after the rules; neither waiting job made a worker.
    expect(log).toEqual(['post:rules:1', 'terminate', 'post:forecast:2']);
    answer(1);
    expect(await newer).toBe('result 1');
  });

  it('an error in the worker arrives as an Error with its name', async () => {
    const runner = workerRunner(() => stubWorker([], 'fail'));
    await expect(runner.run<'rules'>({ type: 'rules', tx: TX(), minSupport: 0.4, minConfidence: 0.6 })).rejects.toMatchObject({ name: 'RulesInputError', message: 'bad baskets' });
  });
});

describe('behaviourColumnsSql', () => {
  it('turns per-customer dates into epoch milliseconds and drops customers without both dates', async () => {
    const { behaviourColumnsSql } = await import('../../src/metrics/behaviour.ts');
    const per = `SELECT * FROM (VALUES ('A', DATE '2024-01-01', DATE '2024-01-31', 2, 30.5), ('B', NULL, DATE '2024-02-01', 1, NULL), ('C', DATE '2024-03-01', DATE '2024-03-01', 1, NULL)) t(customer_id, first_order, last_order, orders, revenue)`;
    const r = await db.queryColumns(behaviourColumnsSql(per));
    expect(r.rows).toBe(2);
    expect(r.values.customer_id).toEqual(['A', 'C']);
    expect([...(r.values.first_ms as Float64Array)]).toEqual([Date.UTC(2024, 0, 1), Date.UTC(2024, 2, 1)]);
    expect([...(r.values.last_ms as Float64Array)]).toEqual([Date.UTC(2024, 0, 31), Date.UTC(2024, 2, 1)]);
    expect([...(r.values.revenue as Float64Array)]).toEqual([30.5, 0]);
  });
});

describe('results as columns', () => {
  it('numbers as Float64Array with NULL as NaN, text as cells; batches concatenate in order', async () => {
    const { concatColumns } = await import('../../src/db/rows.ts');
    const r = await db.queryColumns(`SELECT * FROM (VALUES (1, 'a'), (NULL, NULL), (3, 'c')) t(x, s)`);
    expect([...(r.values.x as Float64Array)]).toEqual([1, NaN, 3]);
    expect(r.values.s).toEqual(['a', null, 'c']);
    const both = concatColumns([r, r], []);
    expect(both.rows).toBe(6);
    expect([...(both.values.x as Float64Array)]).toEqual([1, NaN, 3, 1, NaN, 3]);
    expect(both.values.s).toEqual(['a', null, 'c', 'a', null, 'c']);
    expect(concatColumns([], [{ name: 'x', type: 'Int32' }])).toEqual({ columns: [{ name: 'x', type: 'Int32' }], rows: 0, values: { x: new Float64Array(0) } });
  });
});
