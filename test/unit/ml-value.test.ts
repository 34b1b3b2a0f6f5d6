/**
 * The value model: regression metrics on hand-computed cases, ridge / MLP /
 * boosted-tree regressors on real TF.js (wasm), and the grid × k-fold search
 * in-process and through the worker pool (the real handler), with tensor
 * counts checked before and after.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { isAbortError } from '../../src/lib/errors.ts';
import { mulberry32 } from '../../src/lib/random.ts';
import { ensureNodeBackend, liveTensors } from '../../src/ml/backend-node.ts';
import { createSearchPool, type WorkerLike } from '../../src/ml/client.ts';
import type { ColumnData, Matrix } from '../../src/ml/features.ts';
import { createChurnHandler } from '../../src/ml/handler.ts';
import { Mlp } from '../../src/ml/mlp.ts';
import type { ChurnResponse, ValueSearchPayload, ValueSearchProgress } from '../../src/ml/protocol.ts';
import { decileMeans, mae, r2, regressionScores, residualsByGroup, rmse, spearman, topDecileLift } from '../../src/ml/regression-metrics.ts';
import { fitRidge } from '../../src/ml/ridge.ts';
import { SearchControl } from '../../src/ml/search.ts';
import { GradientBoosting, huberDelta } from '../../src/ml/trees.ts';
import { coordinateValueSearch } from '../../src/ml/value-search.ts';
import { DEFAULT_VALUE_GRID, type ValueGridSpec } from '../../src/ml/value-specs.ts';
import { loadValueDataset, localValueRunner } from '../../src/ml/value-tasks.ts';

beforeAll(async () => {
  await ensureNodeBackend();
});

describe('regression metrics (hand-computed)', () => {
  it('MAE, RMSE, R² and Spearman', () => {
    const y = [1, 2, 3, 4];
    const p = [1, 3, 2, 6];
    expect(mae(y, p)).toBe(1);
    expect(rmse(y, p)).toBeCloseTo(Math.sqrt(1.5), 12);
    expect(r2(y, p)).toBeCloseTo(1 - 6 / 5, 12); // SS_tot = 2.25 + 0.25 + 0.25 + 2.25
    expect(spearman(y, p)).toBeCloseTo(1 - (6 * 2) / (4 * 15), 12); // Σd² = 2
    // Ties share their average rank: ranks [1.5, 1.5, 3] vs [1, 2, 3] → 1.5 / √(1.5 · 2).
    expect(spearman([1, 1, 2], [1, 2, 3])).toBeCloseTo(1.5 / Math.sqrt(3), 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
    expect(r2([2, 2], [1, 3])).toBeNaN();
    expect(regressionScores(y, y)).toEqual({ mae: 0, rmse: 0, r2: 1, spearman: 1 });
    expect(() => mae([1], [1, 2])).toThrow('1 actual values but 2 predictions');
  });

  it('top-decile lift, decile means and residuals by group', () => {
    const y = [10, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    expect(topDecileLift(y, [9, 1, 1, 1, 1, 1, 1, 1, 1, 1])).toEqual({ share: 1, lift: 10, rows: 1 });
    expect(topDecileLift(y, [0, 1, 1, 1, 1, 1, 1, 1, 1, 1]).lift).toBe(0);
    const d = decileMeans([1, 2, 3, 4], [4, 3, 2, 1], 2);
    expect(d).toEqual([
      { decile: 1, actual: 1.5, predicted: 3.5, rows: 2 },
      { decile: 2, actual: 3.5, predicted: 1.5, rows: 2 },
    ]);
    expect(residualsByGroup([5, 1, 2], [3, 1, 4], ['a', 'b', 'a'])).toEqual([
      { group: 'a', rows: 2, meanResidual: 0, mae: 2 },
      { group: 'b', rows: 1, meanResidual: 0, mae: 0 },
    ]);
  });
});

function matrix(rows: number[][]): Matrix {
  return { data: Float32Array.from(rows.flat()), rows: rows.length, cols: rows[0]!.length };
}

describe('regressors on real TF.js', () => {
  const random = mulberry32(7);
  const X = Array.from({ length: 300 }, () => [random() * 2 - 1, random() * 2 - 1, random() * 2 - 1]);
  const y = Float64Array.from(X, ([a, b]) => 2 * a! - 3 * b! + 5);

  it('ridge with λ = 0 recovers an exact linear rule; a penalty shrinks it; no tensor is left', () => {
    const before = liveTensors();
    const ols = fitRidge(matrix(X), y, 0);
    expect(ols.weights[0]).toBeCloseTo(2, 3);
    expect(ols.weights[1]).toBeCloseTo(-3, 3);
    expect(ols.weights[2]).toBeCloseTo(0, 3);
    expect(ols.bias).toBeCloseTo(5, 3);
    const shrunk = fitRidge(matrix(X), y, 1);
    expect(Math.abs(shrunk.weights[1]!)).toBeLessThan(2.5);
    expect(liveTensors()).toBe(before);
  });

  it('the MLP regressor learns the rule (R² > 0.95) with squared and Huber loss and keeps no tensor after dispose', async () => {
    const before = liveTensors();
    for (const loss of ['squared', 'huber'] as const) {
      const mlp = new Mlp({ hidden: [16], dropout: 0, l2: 0, learningRate: 0.02, batchSize: 64, maxEpochs: 80, patience: 10, validationFraction: 0.15 }, 3, { loss });
      await mlp.fit(matrix(X), y);
      const p = mlp.predict(matrix(X));
      expect(r2(y, p)).toBeGreaterThan(0.95);
      mlp.dispose();
    }
    expect(liveTensors()).toBe(before);
  });

  it('boosted trees regress on squared loss; Huber loss resists an outlier', async () => {
    const xs = Array.from({ length: 200 }, (_, i) => [i / 200]);
    const yy = Float64Array.from(xs, ([x]) => 10 * x! * x!);
    const sq = new GradientBoosting({ nEstimators: 100, learningRate: 0.1, maxDepth: 3, minLeaf: 5, subsample: 1, l2: 0, seed: 1, loss: 'squared' });
    await sq.fit(matrix(xs), yy);
    expect(mae(yy, sq.predict(matrix(xs)))).toBeLessThan(0.1);
    const noisy = Float64Array.from(yy);
    for (let i = 0; i < 200; i += 20) noisy[i] = noisy[i]! + 1000;
    const errorOnClean = async (loss: 'squared' | 'huber'): Promise<number> => {
      const m = new GradientBoosting({ nEstimators: 60, learningRate: 0.1, maxDepth: 2, minLeaf: 5, subsample: 1, l2: 0, seed: 1, loss });
      await m.fit(matrix(xs), noisy);
      const p = m.predict(matrix(xs));
      const clean = Array.from({ length: 200 }, (_, i) => i).filter((i) => i % 20 !== 0);
      return mae(clean.map((i) => yy[i]!), clean.map((i) => p[i]!));
    };
    expect(await errorOnClean('huber')).toBeLessThan((await errorOnClean('squared')) / 3);
    expect(huberDelta([0, 0, 0, 0, 5])).toBeCloseTo(1.345 * 2, 10); // MAD 0 → standard deviation (2)
  });
});

/** A skewed spend table: future spend follows past behaviour, with many zeros; last-period spend is a noisy guide. */
function spendTable(n: number, seed: number): ColumnData[] {
  const random = mulberry32(seed);
  const orders = new Float64Array(n);
  const recency = new Float64Array(n);
  const last = new Float64Array(n);
  const hist = new Float64Array(n);
  const future = new Float64Array(n);
  const segment: string[] = [];
  for (let i = 0; i < n; i++) {
    const rich = random() < 0.3;
    segment.push(rich ? 'Business' : 'Consumer');
    orders[i] = Math.floor(random() * 10);
    recency[i] = Math.floor(random() * 365);
    const rate = (rich ? 200 : 40) * orders[i]! * Math.exp(-recency[i]! / 120);
    hist[i] = rate * (0.5 + random());
    last[i] = random() < 0.5 ? 0 : rate * 2 * random();
    future[i] = random() < Math.exp(-recency[i]! / 200) ? rate * Math.exp(random() - 0.5) : 0;
  }
  return [
    { name: 'customer_id', values: Array.from({ length: n }, (_, i) => `c${i}`) },
    { name: 'segment', values: segment },
    { name: 'orders_total', values: orders },
    { name: 'days_since_last_order', values: recency },
    { name: 'last_period_spend', values: last },
    { name: 'hist_mean_spend', values: hist },
    { name: 'future_spend', values: future },
  ];
}

/** A worker stand-in running the real handler in this thread, messages structured-cloned both ways. */
function inProcessWorker(): WorkerLike {
  const worker: WorkerLike = { onmessage: null, onerror: null, postMessage: (m) => handle(structuredClone(m)), terminate: () => {} };
  const handle = createChurnHandler((message) => {
    const copy = structuredClone(message);
    setTimeout(() => worker.onmessage?.({ data: copy } as MessageEvent<ChurnResponse>));
  }, ensureNodeBackend);
  return worker;
}

const SMALL_GRID: ValueGridSpec[] = [
  { kind: 'ridge', grid: { l2: [0, 0.01] } },
  { kind: 'mlp', base: { hidden: [16], maxEpochs: 30 }, grid: { loss: ['squared', 'huber'] } },
  { kind: 'gbt', base: { nEstimators: 60 }, grid: { loss: ['squared', 'huber'] } },
];

function payload(log1p: boolean, grid = SMALL_GRID): ValueSearchPayload {
  return {
    task: 'regression',
    columns: spendTable(400, 11),
    target: 'future_spend',
    exclude: ['customer_id'],
    k: 3,
    seed: 1,
    log1p,
    baselineColumns: { lastPeriod: 'last_period_spend', histMean: 'hist_mean_spend' },
    grid,
  };
}

describe('value search (grid × k-fold) on real TF.js', () => {
  it('beats the last-period baseline on MAE, reports all four scores, and leaves no tensor behind', async () => {
    for (const log1p of [true, false]) {
      const before = liveTensors();
      const p = payload(log1p);
      const ds = loadValueDataset(p);
      const control = new SearchControl();
      const progress: ValueSearchProgress[] = [];
      const r = await coordinateValueSearch(ds.info, { grid: p.grid, baselineColumns: p.baselineColumns }, localValueRunner(ds, control.signal), control, (x) => progress.push(x));
      expect(liveTensors()).toBe(before);
      expect(r.leaderboard).toHaveLength(6);
      expect(r.baselines.map((b) => b.spec.kind).sort()).toEqual(['histMean', 'lastPeriod']);
      expect(r.tasks).toBe(8 * 3);
      expect(progress.at(-1)!.done).toBe(24);
      const last = r.baselines.find((b) => b.spec.kind === 'lastPeriod')!;
      expect(r.best.scores.mae.mean).toBeLessThan(last.scores.mae.mean);
      expect(r.best.scores.spearman.mean).toBeGreaterThan(last.scores.spearman.mean);
      for (const key of ['mae', 'rmse', 'r2', 'spearman'] as const) expect(Number.isFinite(r.best.scores[key].mean)).toBe(true);
      // Out-of-fold predictions recompute the per-fold MAE mean (equal fold sizes within one row).
      expect(r.oof.every(Number.isFinite)).toBe(true);
      // Clipped to the training target's range: no model extrapolates past the biggest spender.
      expect(Math.max(...r.oof)).toBeLessThanOrEqual(Math.max(...r.dataset.y) * (1 + 1e-6));
      expect(mae(r.dataset.y, r.oof)).toBeCloseTo(r.best.scores.mae.mean, -1);
      console.info(`[value search, log1p ${log1p}] best ${r.best.label}: MAE ${r.best.scores.mae.mean.toFixed(1)}, last-period MAE ${last.scores.mae.mean.toFixed(1)}`);
    }
  });

  it('pauses between fits, and a cancel rejects with an AbortError without leaking tensors', async () => {
    const before = liveTensors();
    const p = payload(true);
    const ds = loadValueDataset(p);
    const control = new SearchControl();
    let seen = 0;
    const run = coordinateValueSearch(ds.info, { grid: p.grid, baselineColumns: p.baselineColumns }, localValueRunner(ds, control.signal), control, (x) => {
      seen = x.done;
      if (x.done === 2 && !x.paused) control.pause();
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(control.paused).toBe(true);
    expect(seen).toBe(2);
    control.cancel();
    await expect(run).rejects.toSatisfy(isAbortError);
    expect(liveTensors()).toBe(before);
  });

  it('runs through the worker pool (the real handler in-process) with the same numbers as in-process', async () => {
    const before = liveTensors();
    const pool = createSearchPool({ size: 2, spawn: inProcessWorker });
    const grid: ValueGridSpec[] = [{ kind: 'ridge', grid: { l2: [0, 0.1] } }, { kind: 'gbt', base: { nEstimators: 30 } }];
    const pooled = await pool.valueSearch(payload(true, grid)).result;
    const p = payload(true, grid);
    const ds = loadValueDataset(p);
    const control = new SearchControl();
    const local = await coordinateValueSearch(ds.info, { grid, baselineColumns: p.baselineColumns }, localValueRunner(ds, control.signal), control);
    expect(pooled.leaderboard.map((r) => [r.label, r.scores.mae.mean])).toEqual(local.leaderboard.map((r) => [r.label, r.scores.mae.mean]));
    expect(pooled.oof).toEqual(local.oof);
    pool.dispose();
    expect(liveTensors()).toBe(before);
  });

  it('the default grid is valid and rejects an unknown loss', async () => {
    const p = payload(true, DEFAULT_VALUE_GRID);
    expect(() => loadValueDataset({ ...p, target: 'nope' })).toThrow('target column "nope"');
    const ds = loadValueDataset(p);
    const bad = [{ kind: 'gbt', grid: { loss: ['absolute'] } }] as unknown as ValueGridSpec[];
    await expect(coordinateValueSearch(ds.info, { grid: bad, baselineColumns: {} }, localValueRunner(ds, new SearchControl().signal))).rejects.toThrow('gbt.loss = absolute');
  });
});

describe('value search on the generated demo workspace (DuckDB-WASM + TF.js)', () => {
  it('the value target at the latest 6-month cut-off: boosted trees and ridge beat last-period spend on MAE', async () => {
    const { openNodeDb } = await import('../../src/db/node.ts');
    const { loadDemo } = await import('./metrics-helpers.ts');
    const { fetchColumns } = await import('../../src/report/churn.ts');
    const { valueTargetSql } = await import('../../src/metrics/value-target.ts');
    const { sqlOf } = await import('../../src/metrics/common.ts');
    const db = await openNodeDb();
    try {
      const demo = await loadDemo(db);
      await db.exec(`CREATE TABLE vt AS ${sqlOf(valueTargetSql([demo.customers, demo.orders, demo.tickets], { cutoff: '2025-06-30', horizonMonths: 6 }))}`);
      const columns = await fetchColumns(db, 'vt');
      const before = liveTensors();
      const grid: ValueGridSpec[] = [{ kind: 'ridge', grid: { l2: [0.1] } }, { kind: 'gbt', grid: { loss: ['squared', 'huber'] } }];
      const { CLV_COLUMNS } = await import('../../src/metrics/value-target.ts');
      const p: ValueSearchPayload = {
        task: 'regression',
        columns,
        target: 'future_spend',
        exclude: ['customer_id', 'name', 'signup_date', ...Object.values(CLV_COLUMNS)],
        k: 5,
        seed: 1,
        log1p: true,
        baselineColumns: { lastPeriod: 'last_period_spend', histMean: 'hist_mean_spend', lifetime: { ...CLV_COLUMNS, months: 6 } },
        grid,
      };
      // Through the worker pool's real handler (in-process), as the page runs it.
      const pool = createSearchPool({ size: 2, spawn: inProcessWorker });
      const r = await pool.valueSearch(p).result;
      pool.dispose();
      expect(liveTensors()).toBe(before);
      const last = r.baselines.find((b) => b.spec.kind === 'lastPeriod')!.scores.mae.mean;
      for (const row of [...r.leaderboard, ...r.baselines]) console.info(`[value demo] ${row.label.padEnd(90)} MAE ${row.scores.mae.mean.toFixed(1)} RMSE ${row.scores.rmse.mean.toFixed(1)} R² ${row.scores.r2.mean.toFixed(3)} ρ ${row.scores.spearman.mean.toFixed(3)}`);
      expect(r.dataset.nUsable).toBe(1334);
      const bgnbd = r.baselines.find((b) => b.spec.kind === 'bgnbd')!;
      expect(bgnbd.notes.every((n) => n.endsWith('× Gamma-Gamma'))).toBe(true);
      expect(Number.isFinite(bgnbd.scores.mae.mean)).toBe(true);
      console.info(`[value demo] lifetime baseline: ${bgnbd.notes.join('; ')}`);
      // A fitted probabilistic model ranks customers better than last period's spend alone.
      expect(bgnbd.scores.spearman.mean).toBeGreaterThan(r.baselines.find((b) => b.spec.kind === 'lastPeriod')!.scores.spearman.mean);
      for (const row of r.leaderboard) expect(row.scores.mae.mean).toBeLessThan(last);
    } finally {
      await db.close();
    }
  }, 120_000);
});
