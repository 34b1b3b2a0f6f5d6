import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/lib/random.ts';
import { ensureNodeBackend, liveTensors } from '../../src/ml/backend-node.ts';
import { createChurnTrainer, createSearchPool, type WorkerLike } from '../../src/ml/client.ts';
import { cellsOf, type ColumnData } from '../../src/ml/features.ts';
import { createChurnHandler } from '../../src/ml/handler.ts';
import { scoredColumns } from '../../src/ml/explain.ts';
import { averagePrecision, rocAuc } from '../../src/ml/metrics.ts';
import {
  DEFAULT_SEARCH_SETTINGS,
  type ChurnRequest,
  type ChurnResponse,
  type DatasetInfo,
  type FoldResult,
  type LeaderboardRow,
  type SearchPayload,
  type SearchProgress,
  type SearchResult,
  type SearchTask,
  type TaskResult,
} from '../../src/ml/protocol.ts';
import { coordinateSearch, leaderboard, meanStd, outOfFold, searchConfigs, SearchControl, type TaskRunner } from '../../src/ml/search.ts';
import type { GridSpec } from '../../src/ml/specs.ts';
import { runSearch } from '../../src/ml/tasks.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DATA_DIR = process.env.CRM_DATA_DIR ?? path.resolve(ROOT, '../shared/data');

beforeAll(async () => {
  await ensureNodeBackend();
});

const tick = (ms = 0): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ── the coordinator alone, with a scripted runner ───────────────────────────

/** Six rows in two folds; config c scores AUC 0.6 + c/10 on fold 0 and that + 0.02 on fold 1. */
const fakeDataset: DatasetInfo = {
  nRows: 6,
  nUsable: 6,
  rows: [0, 1, 2, 3, 4, 5],
  y: [1, 0, 1, 0, 1, 0],
  foldOf: [0, 1, 0, 1, 0, 1],
  k: 2,
  seed: 1,
  positiveLabel: 'Yes',
  negativeLabel: 'No',
  positiveRate: 0.5,
  droppedRows: 0,
  features: ['x'],
  dropped: [],
};
const fakeGrid: GridSpec[] = [{ kind: 'logreg', grid: { l2: [0.1, 0.01] } }];

function scriptedRunner(size = 1, gate?: (task: SearchTask) => Promise<void>): TaskRunner & { started: SearchTask[] } {
  const started: SearchTask[] = [];
  return {
    size,
    started,
    async run(_slot, task): Promise<TaskResult> {
      started.push(task);
      await (gate ? gate(task) : tick());
      if (task.kind === 'fitFold') {
        const auc = 0.6 + task.configId / 10 + task.fold * 0.02;
        return { kind: 'fitFold', configId: task.configId, fold: task.fold, scores: { auc, prAuc: auc, logLoss: 1 - auc, accuracy: auc, precision: auc, recall: auc, f1: auc }, p: [task.configId, task.fold, 0.5], fitMs: 1 };
      }
      if (task.kind === 'importance') return { kind: 'importance', fold: task.fold, base: 0.8, drops: [{ column: 'x', values: [0.1 + task.fold / 10] }], fitMs: 1 };
      if (task.kind !== 'refit') throw new Error(`A churn search sent a ${task.kind} task`);
      return { kind: 'refit', final: { spec: task.spec, label: 'refit', features: ['x'], reasonUnit: 'probability', tiers: task.tiers, scored: [], fitMs: 1 } };
    },
  };
}

describe('search coordinator (pure, scripted runner)', () => {
  const settings = { ...DEFAULT_SEARCH_SETTINGS, grid: fakeGrid };

  it('runs every (configuration, fold) fit fold by fold, then importance per fold and the refit of the best', async () => {
    const runner = scriptedRunner();
    const progress: SearchProgress[] = [];
    const r = await coordinateSearch(fakeDataset, settings, runner, undefined, (p) => progress.push(p));
    // 2 grid points + 2 baselines, 2 folds → 8 fits; then 2 importance folds and 1 refit.
    expect(runner.started.map((t) => (t.kind === 'fitFold' ? `${t.configId}/${t.fold}` : t.kind))).toEqual(['0/0', '1/0', '2/0', '3/0', '0/1', '1/1', '2/1', '3/1', 'refit', 'importance', 'importance']);
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(progress.every((p) => p.total === 11 && p.etaMs !== null)).toBe(true);
    expect(progress.at(-1)!.etaMs).toBe(0);
    // Config 1 (l2 = 0.01) is the better model; the baselines (2, 3) are listed apart even though they score higher here.
    expect(r.leaderboard.map((row) => row.configId)).toEqual([1, 0]);
    expect(r.baselines.map((row) => row.label)).toEqual(['oneFeature bins=10', 'majority']);
    expect(r.best.configId).toBe(1);
    expect(r.best.scores.auc.mean).toBeCloseTo(0.71, 12);
    expect(r.best.scores.auc.std).toBeCloseTo(0.01, 12);
    // Out-of-fold scores of config 1 land on their fold's rows.
    expect(r.oof).toEqual([1, 1, 0, 1, 0.5, 0.5]);
    expect(r.importance).toEqual([{ column: 'x', mean: expect.closeTo(0.15, 12), std: expect.closeTo(0.05, 12) }]);
    expect(r.final.label).toBe('refit');
  });

  it('ranks by log loss ascending when asked', async () => {
    const r = await coordinateSearch(fakeDataset, { ...settings, selectBy: 'logLoss' }, scriptedRunner());
    expect(r.best.configId).toBe(1);
    expect(r.leaderboard[0]!.scores.logLoss.mean).toBeLessThan(r.leaderboard[1]!.scores.logLoss.mean);
  });

  it('pauses between tasks and resumes', async () => {
    const control = new SearchControl();
    const runner = scriptedRunner();
    const progress: SearchProgress[] = [];
    const run = coordinateSearch(fakeDataset, settings, runner, control, (p) => {
      progress.push(p);
      if (p.done === 2 && progress.length === 2) control.pause();
    });
    await tick(30);
    expect(runner.started).toHaveLength(2);
    expect(progress.at(-1)).toMatchObject({ done: 2, paused: true });
    control.resume();
    const r = await run;
    expect(r.tasks).toBe(11);
    // Pausing and resuming are reported too, then the fits go on.
    expect(progress.slice(1, 5).map((p) => [p.done, p.paused])).toEqual([
      [2, false],
      [2, true],
      [2, false],
      [3, false],
    ]);
  });

  it('cancel rejects with an AbortError and starts nothing more; a failing task stops the search with its own error', async () => {
    const control = new SearchControl();
    const runner = scriptedRunner(2, (task) =>
      task.kind === 'fitFold' && task.configId === 1
        ? new Promise((_, reject) => control.signal.addEventListener('abort', () => reject(Object.assign(new Error('stopped'), { name: 'AbortError' }))))
        : tick(),
    );
    const run = coordinateSearch(fakeDataset, settings, runner, control);
    await tick(10);
    control.cancel();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    const startedAtCancel = runner.started.length;
    await tick(20);
    expect(runner.started).toHaveLength(startedAtCancel);

    const failing = scriptedRunner(2, (task) => (task.kind === 'fitFold' && task.configId === 2 ? Promise.reject(new Error('boom')) : tick()));
    await expect(coordinateSearch(fakeDataset, settings, failing)).rejects.toThrow('boom');
  });

  it('rejects an empty grid and bad settings with messages saying which', async () => {
    await expect(coordinateSearch(fakeDataset, { ...settings, grid: [] }, scriptedRunner())).rejects.toThrow(/grid is empty/);
    await expect(coordinateSearch(fakeDataset, { ...settings, tiers: { high: 0.2, medium: 0.5 } }, scriptedRunner())).rejects.toThrow(/tiers = 0.5\/0.2/);
  });

  it('aggregates folds as mean ± population std and places out-of-fold scores', () => {
    expect(meanStd([1, 2, 3, 4])).toEqual({ mean: 2.5, std: Math.sqrt(1.25) });
    const configs = searchConfigs(fakeGrid);
    expect(configs.map((c) => c.label)).toEqual(['logreg l2=0.1 epochs=100 learningRate=0.05 batchSize=2048', 'logreg l2=0.01 epochs=100 learningRate=0.05 batchSize=2048', 'majority', 'oneFeature bins=10']);
    const fold = (fold: number, p: number[]): FoldResult => ({ kind: 'fitFold', configId: 0, fold, scores: { auc: fold, prAuc: 0, logLoss: 0, accuracy: 0, precision: 0, recall: 0, f1: 0 }, p, fitMs: 0 });
    const board = leaderboard(configs, [fold(0, [0.1, 0.2, 0.3]), fold(1, [0.4, 0.5, 0.6])], 'auc');
    expect(board.models).toHaveLength(1);
    expect(board.models[0]!.scores.auc).toEqual({ mean: 0.5, std: 0.5 });
    expect(outOfFold(fakeDataset, [fold(0, [0.1, 0.2, 0.3]), fold(1, [0.4, 0.5, 0.6])])).toEqual([0.1, 0.4, 0.2, 0.5, 0.3, 0.6]);
  });
});

// ── the real pipeline on a toy table ────────────────────────────────────────

/** 300 rows: churn follows `tenure` (with 10 % noise); `noise` and `plan` are noise; `id` is dropped as ID-like; two targets missing. */
function toyColumns(): ColumnData[] {
  const random = mulberry32(21);
  const n = 300;
  const tenure = Array.from({ length: n }, () => Math.round(random() * 72));
  return [
    { name: 'id', values: tenure.map((_, i) => `C${i}`) },
    { name: 'tenure', values: tenure },
    { name: 'noise', values: tenure.map(() => random()) },
    { name: 'plan', values: tenure.map(() => (random() < 0.5 ? 'basic' : 'pro')) },
    { name: 'churn', values: tenure.map((t, i) => (i < 2 ? null : (t < 24) !== random() < 0.1 ? 'Yes' : 'No')) },
  ];
}

const toyGrid: GridSpec[] = [
  { kind: 'logreg', base: { epochs: 40, learningRate: 0.1 } },
  { kind: 'mlp', base: { hidden: [8], maxEpochs: 8, batchSize: 64 } },
  { kind: 'tree', grid: { maxDepth: [2, 3] } },
  { kind: 'gbt', base: { nEstimators: 20 }, grid: { learningRate: [0.1, 0.3] } },
];

const toyPayload = (grid = toyGrid): SearchPayload => ({ ...DEFAULT_SEARCH_SETTINGS, columns: toyColumns(), target: 'churn', exclude: [], k: 3, grid, importanceRepeats: 2 });

/** Results without timings, for comparing runs. */
function untimed(r: SearchResult) {
  const row = (x: LeaderboardRow) => ({ ...x, fitMs: 0 });
  return { ...r, elapsedMs: 0, leaderboard: r.leaderboard.map(row), baselines: r.baselines.map(row), best: row(r.best), final: { ...r.final, fitMs: 0 } };
}

describe('runSearch on a toy table', () => {
  let result: SearchResult;
  let tensorsBefore = 0;
  beforeAll(async () => {
    tensorsBefore = liveTensors();
    result = await runSearch(toyPayload());
  });

  it('scores every model and both baselines on k folds, leaving no tensors behind', () => {
    expect(liveTensors()).toBe(tensorsBefore);
    expect(result.leaderboard).toHaveLength(6);
    expect(result.baselines.map((b) => b.spec.kind).sort()).toEqual(['majority', 'oneFeature']);
    for (const row of [...result.leaderboard, ...result.baselines]) {
      expect(row.folds).toBe(3);
      expect(row.perFold).toHaveLength(3);
    }
    const majority = result.baselines.find((b) => b.spec.kind === 'majority')!;
    expect(majority.scores.auc).toEqual({ mean: 0.5, std: 0 });
    expect(result.baselines.find((b) => b.spec.kind === 'oneFeature')!.notes).toEqual(['tenure']);
    expect(result.best.scores.auc.mean).toBeGreaterThan(0.85);
    expect(result.dataset).toMatchObject({ nRows: 300, nUsable: 298, droppedRows: 2, k: 3, positiveLabel: 'Yes' });
    expect(result.dataset.dropped).toEqual([{ column: 'id', reason: 'id-like' }]);
  });

  it('gives out-of-fold scores and threshold curves for the best configuration', () => {
    const { oof, dataset, curves } = result;
    expect(oof).toHaveLength(298);
    expect(oof.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(curves.averagePrecision).toBe(averagePrecision(dataset.y, oof));
    expect(rocAuc(dataset.y, oof)).toBeGreaterThan(0.85);
    expect(curves.roc[0]).toEqual([0, 0]);
    expect(curves.gain.at(-1)).toMatchObject({ fraction: 1, gain: 1 });
    expect(curves.calibration.reduce((s, b) => s + b.count, 0)).toBe(298);
    expect(curves.bestF1.f1).toBeGreaterThan(0.7);
  });

  it('ranks tenure first by permutation importance and the noise columns near 0', () => {
    expect(result.importance[0]!.column).toBe('tenure');
    expect(result.importance[0]!.mean).toBeGreaterThan(0.2);
    for (const noise of result.importance.slice(1)) expect(Math.abs(noise.mean)).toBeLessThan(0.03);
  });

  it('scores every table row (missing targets too) with a tier and up to 3 reasons', () => {
    const { scored, tiers, reasonUnit } = result.final;
    expect(scored).toHaveLength(300);
    expect(scored.map((s) => s.row)).toEqual(Array.from({ length: 300 }, (_, i) => i));
    expect(reasonUnit).toBe(result.final.linear ? 'logit' : 'probability');
    for (const s of scored) {
      expect(s.tier).toBe(s.probability >= tiers.high ? 'high' : s.probability >= tiers.medium ? 'medium' : 'low');
      expect(s.reasons.length).toBeLessThanOrEqual(3);
      for (const reason of s.reasons) expect(reason.effect).toBeGreaterThan(0);
    }
    // A short-tenure customer is high risk because of tenure.
    const columns = toyColumns();
    const short = scored.find((s) => (columns[1]!.values[s.row] as number) < 6 && s.tier === 'high')!;
    expect(short.reasons[0]).toEqual({ column: 'tenure', value: columns[1]!.values[short.row], effect: expect.any(Number) });
  });

  it('is reproducible: same payload, same numbers', async () => {
    const again = await runSearch(toyPayload());
    expect(untimed(again)).toEqual(untimed(result));
  });

  it('turns the scored list into table columns for writing back', () => {
    const cols = scoredColumns(result.final.scored, 3);
    expect(cols.map((c) => c.name)).toEqual(['row', 'probability', 'tier', 'reason_1', 'reason_1_value', 'reason_1_effect', 'reason_2', 'reason_2_value', 'reason_2_effect', 'reason_3', 'reason_3_value', 'reason_3_effect']);
    expect(cols.every((c) => c.values.length === 300)).toBe(true);
    const first = result.final.scored[0]!;
    expect(cols[3]!.values[0]).toBe(first.reasons[0]?.column ?? null);
  });

  it('class weights reach the model: balanced weighting raises recall at 0.5', async () => {
    // 1 in 5 churns here, so an unweighted model says "yes" rarely at 0.5.
    const columns = toyColumns();
    const target = columns[4]!;
    const rare = { ...target, values: cellsOf(target.values).map((v, i) => (v === 'Yes' && i % 3 !== 0 ? 'No' : v)) };
    const r = await runSearch({ ...toyPayload([{ kind: 'logreg', base: { epochs: 40, learningRate: 0.1 }, classWeight: ['none', 'balanced'] }]), columns: [...columns.slice(0, 4), rare], importanceRepeats: 0, reasons: 0 });
    const recall = (w: string): number => r.leaderboard.find((row) => row.spec.classWeight === w)!.scores.recall.mean;
    expect(recall('balanced')).toBeGreaterThan(recall('none') + 0.2);
  });

  it('explains a linear best model by coefficients (log-odds)', async () => {
    const r = await runSearch({ ...toyPayload([{ kind: 'logreg', base: { epochs: 40, learningRate: 0.1 } }]), importanceRepeats: 0 });
    expect(r.final.linear?.weights).toHaveLength(r.final.features.length);
    expect(r.final.reasonUnit).toBe('logit');
    expect(r.importance).toEqual([]);
    expect(r.tasks).toBe(3 * 3 + 1);
  });

  it('stops on cancel with an AbortError and leaves no tensors behind', async () => {
    const before = liveTensors();
    const control = new SearchControl();
    const progress: SearchProgress[] = [];
    // The first fit is a long MLP: cancel it while it trains.
    const run = runSearch(toyPayload([{ kind: 'mlp', base: { maxEpochs: 2000, patience: 2000, batchSize: 16 } }]), { control, onProgress: (p) => progress.push(p) });
    setTimeout(() => control.cancel(), 200);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(progress.filter((p) => p.done > 0)).toEqual([]);
    expect(liveTensors()).toBe(before);
  });

  it('says what is wrong with the data', async () => {
    await expect(runSearch({ ...toyPayload(), target: 'nope' })).rejects.toThrow(/Target column "nope" is not in the table/);
    await expect(runSearch({ ...toyPayload(), k: 1 })).rejects.toThrow(/k = 1/);
    await expect(runSearch({ ...toyPayload(), grid: [{ kind: 'gbt', base: { subsample: 2 } }] })).rejects.toThrow(/gbt\.subsample = 2/);
  });
});

// ── through the worker protocol: one worker, and a pool of two ──────────────

/** The worker's handler run in-process, with messages structured-cloned both ways as a real Worker would. */
type TestWorker = WorkerLike & { sent: ChurnRequest[]; posted: ChurnResponse[] };
function inProcessWorker(): TestWorker {
  const worker: TestWorker = {
    sent: [],
    posted: [],
    onmessage: null,
    onerror: null,
    postMessage: (message) => {
      worker.sent.push(message);
      handle(structuredClone(message));
    },
    terminate: () => {},
  };
  const handle = createChurnHandler((message) => {
    worker.posted.push(message);
    const copy = structuredClone(message);
    setTimeout(() => worker.onmessage?.({ data: copy } as MessageEvent<ChurnResponse>));
  }, ensureNodeBackend);
  return worker;
}

/** Waits until every request sent to these in-process workers has had its final answer (nothing runs there any more). */
async function settled(workers: TestWorker[]): Promise<void> {
  const open = (w: TestWorker): number =>
    w.sent.filter((m) => m.type === 'load' || m.type === 'task' || m.type === 'search' || m.type === 'train').length -
    w.posted.filter((m) => m.type !== 'progress' && m.type !== 'searchProgress').length;
  for (let i = 0; i < 500 && workers.some((w) => open(w) > 0); i++) await tick(10);
}

describe('search through the worker protocol', () => {
  let direct: SearchResult;
  beforeAll(async () => {
    direct = await runSearch(toyPayload());
  });

  it('one worker (`search` message): same result as in-process, with progress messages', async () => {
    const trainer = createChurnTrainer(inProcessWorker);
    const progress: SearchProgress[] = [];
    const run = trainer.search(toyPayload(), (p) => progress.push(p));
    const r = await run.result;
    expect(untimed(r)).toEqual(untimed(direct));
    expect(progress.map((p) => p.done)).toEqual(Array.from({ length: progress.length }, (_, i) => i + 1));
    expect(progress.at(-1)).toMatchObject({ phase: 'final', done: r.tasks, total: r.tasks, etaMs: 0 });
    trainer.dispose();
  });

  it('a pool of two workers splits the tasks and gives the same result', async () => {
    const workers: TestWorker[] = [];
    const pool = createSearchPool({
      size: 2,
      spawn: () => {
        const w = inProcessWorker();
        workers.push(w);
        return w;
      },
    });
    const progress: SearchProgress[] = [];
    const r = await pool.search(toyPayload(), (p) => progress.push(p)).result;
    expect(untimed(r)).toEqual(untimed(direct));
    expect(workers).toHaveLength(2);
    const tasksPer = workers.map((w) => w.posted.filter((m) => m.type === 'taskResult').length);
    expect(tasksPer[0]! + tasksPer[1]!).toBe(r.tasks);
    expect(Math.min(...tasksPer)).toBeGreaterThan(r.tasks / 4);
    expect(workers.every((w) => w.posted.filter((m) => m.type === 'loaded').length === 1)).toBe(true);
    expect(progress.at(-1)).toMatchObject({ done: r.tasks, total: r.tasks });
    pool.dispose();
  });

  it('numeric columns as Float64Array with NaN search exactly like cells with null, in-process and through the pool', async () => {
    const withGaps = (asNumbers: boolean): SearchPayload => {
      const columns = toyColumns().map((c): ColumnData => {
        if (c.name !== 'tenure' && c.name !== 'noise') return c;
        const cells = cellsOf(c.values).map((v, i) => (i % 11 === 5 ? null : v));
        return { ...c, values: asNumbers ? Float64Array.from(cells, (v) => (v === null ? NaN : Number(v))) : cells };
      });
      return { ...toyPayload([toyGrid[0]!, toyGrid[2]!]), columns, importanceRepeats: 1 };
    };
    const cells = await runSearch(withGaps(false));
    expect(cells.final.scored.some((s) => s.reasons.some((r) => r.column === 'tenure' && r.value === null))).toBe(true);
    expect(untimed(await runSearch(withGaps(true)))).toEqual(untimed(cells));
    const pool = createSearchPool({ size: 2, spawn: inProcessWorker });
    const payload = withGaps(true);
    expect(untimed(await pool.search(payload).result)).toEqual(untimed(cells));
    expect((payload.columns[1]!.values as Float64Array).length).toBe(300); // copied to each worker, not moved
    pool.dispose();
  });

  it('pause and resume through a worker: no task finishes while paused', async () => {
    const trainer = createChurnTrainer(inProcessWorker);
    const progress: SearchProgress[] = [];
    let asked = false;
    const run = trainer.search(toyPayload(), (p) => {
      progress.push(p);
      if (p.done >= 3 && !asked) {
        asked = true;
        run.pause();
      }
    });
    for (let i = 0; i < 2000 && !progress.some((p) => p.paused); i++) await tick(10);
    // A fit already running when the pause arrived may still finish (on a loaded machine it often
    // does); once it has, no other may: wait for the count to settle, then watch it stay put.
    let doneWhenPaused = -1;
    for (let i = 0; i < 100 && doneWhenPaused < 0; i++) {
      const d = progress.at(-1)!.done;
      await tick(150);
      if (progress.at(-1)!.done === d) doneWhenPaused = d;
    }
    expect(doneWhenPaused).toBeGreaterThanOrEqual(3);
    await tick(300);
    expect(progress.at(-1)).toMatchObject({ paused: true, done: doneWhenPaused });
    run.resume();
    const r = await run.result;
    expect(untimed(r)).toEqual(untimed(direct));
    trainer.dispose();
  });

  it('cancelling a pool search rejects at once; the workers stop and free their tensors', async () => {
    const before = liveTensors();
    const workers: TestWorker[] = [];
    const pool = createSearchPool({
      size: 2,
      spawn: () => {
        const w = inProcessWorker();
        workers.push(w);
        return w;
      },
    });
    const controller = new AbortController();
    const run = pool.search(toyPayload([{ kind: 'mlp', base: { maxEpochs: 300, patience: 300, batchSize: 16 } }]), (p) => {
      if (p.done === 2) controller.abort();
    }, controller.signal);
    await expect(run.result).rejects.toMatchObject({ name: 'AbortError' });
    // Every load and task sent has had its answer (a result, or an AbortError for the fits cut short).
    await settled(workers);
    expect(workers.some((w) => w.posted.some((m) => m.type === 'error'))).toBe(true);
    expect(workers.flatMap((w) => w.posted).filter((m) => m.type === 'error').every((m) => m.type === 'error' && m.error.name === 'AbortError')).toBe(true);
    expect(liveTensors()).toBe(before);
    pool.dispose();
  });
});

// ── real data ───────────────────────────────────────────────────────────────

function readCsv(file: string, delimiter = ','): ColumnData[] {
  const rows = Papa.parse<string[]>(readFileSync(file, 'utf8'), { skipEmptyLines: true, delimiter }).data;
  const [header, ...body] = rows;
  return header!.map((name, j) => ({ name, values: body.map((r) => r[j] ?? null) }));
}

const TELCO = path.join(DATA_DIR, 'telco_churn/Telco-Customer-Churn.csv');
const IFOOD = path.join(DATA_DIR, 'ifood_marketing_campaign/ml_project1_data.csv');
const BANK = path.join(DATA_DIR, 'bank_marketing_additional/bank-additional.csv');
for (const [file, what] of [
  [TELCO, 'Telco model search'],
  [IFOOD, 'iFood campaign search'],
  [BANK, 'bank marketing search'],
] as const) {
  if (!existsSync(file)) console.warn(`[ml-search] ${file} not found (set CRM_DATA_DIR); skipping the ${what} tests`);
}

function table(r: SearchResult): string {
  return [...r.leaderboard, ...r.baselines]
    .map((row) => `  ${row.scores.auc.mean.toFixed(4)} ± ${row.scores.auc.std.toFixed(4)}  PR ${row.scores.prAuc.mean.toFixed(4)}  LL ${row.scores.logLoss.mean.toFixed(4)}  F1 ${row.scores.f1.mean.toFixed(3)}  ${Math.round(row.fitMs)} ms  ${row.label}${row.notes.length ? ` (${row.notes.join(', ')})` : ''}`)
    .join('\n');
}

const bestOf = (r: SearchResult, kind: string): LeaderboardRow => r.leaderboard.find((row) => row.spec.kind === kind)!;

describe.skipIf(!existsSync(TELCO))('Telco model search (real data; reference.md "Churn classification")', () => {
  let columns: ColumnData[] = [];
  beforeAll(() => {
    columns = readCsv(TELCO);
  });

  it('default grid (13 configurations + 2 baselines) × 5 stratified folds: logistic regression and MLP reach CV AUC ≥ 0.840', { timeout: 240_000 }, async () => {
    const before = liveTensors();
    const started = performance.now();
    const r = await runSearch({ ...DEFAULT_SEARCH_SETTINGS, columns, target: 'Churn', exclude: [] });
    const seconds = (performance.now() - started) / 1000;
    const configs = r.leaderboard.length;
    console.info(`[ml-search] Telco: ${configs} configurations + 2 baselines × 5 folds + ${r.tasks - (configs + 2) * 5} final tasks in ${seconds.toFixed(1)} s (Node, wasm, one thread)\n${table(r)}`);
    console.info(`[ml-search] Telco importance: ${r.importance.slice(0, 5).map((i) => `${i.column} ${i.mean.toFixed(4)}`).join(', ')}; best F1 threshold ${r.curves.bestF1.threshold.toFixed(3)} (F1 ${r.curves.bestF1.f1.toFixed(3)})`);
    expect(liveTensors()).toBe(before);
    expect(configs).toBeGreaterThanOrEqual(12);
    expect(r.dataset).toMatchObject({ nRows: 7043, nUsable: 7043, positiveLabel: 'Yes' });
    expect(bestOf(r, 'logreg').scores.auc.mean).toBeGreaterThanOrEqual(0.84);
    expect(bestOf(r, 'mlp').scores.auc.mean).toBeGreaterThanOrEqual(0.84);
    // The default-settings logistic regression (L2 ≈ scikit-learn's C = 1) lands on the reference 0.8451.
    const l2default = r.leaderboard.find((row) => row.spec.kind === 'logreg' && row.spec.params.l2 === 1e-4)!;
    expect(Math.abs(l2default.scores.auc.mean - 0.8451)).toBeLessThan(0.005);
    expect(Math.abs(bestOf(r, 'gbt').scores.auc.mean - 0.8467)).toBeLessThan(0.01);
    // Baselines beside: chance, and one column (Contract or tenure) well below the models.
    const [oneFeature, majority] = [r.baselines.find((b) => b.spec.kind === 'oneFeature')!, r.baselines.find((b) => b.spec.kind === 'majority')!];
    expect(majority.scores.auc.mean).toBe(0.5);
    expect(majority.scores.accuracy.mean).toBeCloseTo(5174 / 7043, 3);
    expect(oneFeature.scores.auc.mean).toBeLessThan(r.best.scores.auc.mean - 0.05);
    expect(oneFeature.notes.every((c) => ['Contract', 'tenure'].includes(c))).toBe(true);
    expect(r.importance.slice(0, 3).map((i) => i.column)).toEqual(expect.arrayContaining(['Contract', 'tenure']));
    expect(r.final.scored).toHaveLength(7043);
    expect(r.oof).toHaveLength(7043);
    expect(rocAuc(r.dataset.y, r.oof)).toBeGreaterThan(0.84);
    // Cheap enough for the browser: well under a minute in one Node thread (two workers share it in the app).
    expect(seconds).toBeLessThan(180);
  });

  it('a cancelled search leaves the same number of tensors', async () => {
    const before = liveTensors();
    const control = new SearchControl();
    const run = runSearch(
      { ...DEFAULT_SEARCH_SETTINGS, columns, target: 'Churn', exclude: [] },
      {
        control,
        onProgress: (p) => {
          if (p.done === 4) control.cancel();
        },
      },
    );
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(liveTensors()).toBe(before);
  });
});

/** One configuration per model kind: enough to show the same code trains on other data sets. */
const smallGrid: GridSpec[] = [{ kind: 'logreg' }, { kind: 'mlp', base: { dropout: 0 } }, { kind: 'tree' }, { kind: 'gbt' }];

describe.skipIf(!existsSync(IFOOD))('iFood campaign response (real data, target `Response`)', () => {
  it('same code, no changes: every model well above the baselines', { timeout: 120_000 }, async () => {
    const before = liveTensors();
    const started = performance.now();
    const r = await runSearch({ ...DEFAULT_SEARCH_SETTINGS, columns: readCsv(IFOOD), target: 'Response', exclude: [], grid: smallGrid, importanceRepeats: 1 });
    console.info(`[ml-search] iFood: 5-fold CV in ${((performance.now() - started) / 1000).toFixed(1)} s\n${table(r)}`);
    expect(liveTensors()).toBe(before);
    // Counts (exact): 2,240 customers, 334 responded; Z_CostContact and Z_Revenue are constant.
    expect(r.dataset).toMatchObject({ nUsable: 2240, positiveLabel: '1' });
    expect(Math.round(r.dataset.positiveRate * 2240)).toBe(334);
    expect(r.dataset.dropped).toEqual(expect.arrayContaining([{ column: 'Z_CostContact', reason: 'constant' }, { column: 'Z_Revenue', reason: 'constant' }]));
    expect(bestOf(r, 'logreg').scores.auc.mean).toBeGreaterThan(0.85);
    expect(r.best.scores.auc.mean).toBeGreaterThan(0.86);
  });
});

describe.skipIf(!existsSync(BANK))('bank marketing (real data, target `y`, `duration` excluded)', () => {
  it('same code, no changes: every model above the baselines', { timeout: 120_000 }, async () => {
    const before = liveTensors();
    const started = performance.now();
    const r = await runSearch({ ...DEFAULT_SEARCH_SETTINGS, columns: readCsv(BANK, ';'), target: 'y', exclude: ['duration'], grid: smallGrid, importanceRepeats: 1 });
    console.info(`[ml-search] bank: 5-fold CV in ${((performance.now() - started) / 1000).toFixed(1)} s\n${table(r)}`);
    expect(liveTensors()).toBe(before);
    // Counts (exact): 4,119 contacts, 451 subscribed.
    expect(r.dataset).toMatchObject({ nUsable: 4119, positiveLabel: 'yes' });
    expect(Math.round(r.dataset.positiveRate * 4119)).toBe(451);
    expect(r.dataset.dropped).toContainEqual({ column: 'duration', reason: 'excluded' });
    expect(r.dataset.features.some((f) => f.startsWith('duration'))).toBe(false);
    expect(bestOf(r, 'logreg').scores.auc.mean).toBeGreaterThan(0.75);
    expect(r.best.scores.auc.mean).toBeGreaterThan(0.76);
    const majority = r.baselines.find((b) => b.spec.kind === 'majority')!;
    expect(r.best.scores.prAuc.mean).toBeGreaterThan(majority.scores.prAuc.mean + 0.2);
  });
});
