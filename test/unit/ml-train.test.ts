import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../src/lib/random.ts';
import { ensureNodeBackend, liveTensors } from '../../src/ml/backend-node.ts';
import { createChurnTrainer, type WorkerLike } from '../../src/ml/client.ts';
import { cellsOf, type ColumnData } from '../../src/ml/features.ts';
import { createChurnHandler } from '../../src/ml/handler.ts';
import { trainLogReg } from '../../src/ml/logreg.ts';
import { DEFAULT_TRAIN_CONFIG, type ChurnResponse, type TrainPayload } from '../../src/ml/protocol.ts';
import { crossValidateChurnModel, trainChurnModel } from '../../src/ml/train.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DATA_DIR = process.env.CRM_DATA_DIR ?? path.resolve(ROOT, '../shared/data');
const TELCO = path.join(DATA_DIR, 'telco_churn/Telco-Customer-Churn.csv');

let backend = '';
beforeAll(async () => {
  backend = await ensureNodeBackend();
});

/** 200 rows, separable on x1 with a margin; x2 and plan are noise; id is dropped as ID-like. */
function toyColumns(): ColumnData[] {
  const random = mulberry32(11);
  const x1: number[] = [];
  while (x1.length < 200) {
    const v = random() * 2 - 1;
    if (Math.abs(v) > 0.1) x1.push(v);
  }
  return [
    { name: 'id', values: x1.map((_, i) => `C${i}`) },
    { name: 'x1', values: x1 },
    { name: 'x2', values: x1.map(() => random()) },
    { name: 'plan', values: x1.map(() => (random() < 0.5 ? 'basic' : 'pro')) },
    { name: 'churn', values: x1.map((v) => (v > 0 ? 'Yes' : 'No')) },
  ];
}

const toyPayload = (config: Partial<TrainPayload['config']> = {}): TrainPayload => ({
  columns: toyColumns(),
  target: 'churn',
  exclude: [],
  config: { testFraction: 0.25, seed: 1, epochs: 60, learningRate: 0.1, l2: 0, batchSize: 32, ...config },
});

describe('logistic regression (TF.js)', () => {
  it('runs on the wasm backend in Node', () => {
    expect(backend).toBe('wasm');
  });

  it('separates a separable toy set: AUC 1, accuracy ≥ 0.95, beside a majority baseline', async () => {
    const r = await trainChurnModel(toyPayload());
    expect(r.auc).toBe(1);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(r.baseline.auc).toBe(0.5);
    expect(r.nTrain + r.nTest).toBe(200);
    expect(r.dropped).toEqual([{ column: 'id', reason: 'id-like' }]);
    expect(r.features).toEqual(['x1', 'x2', 'plan=basic', 'plan=pro']);
    expect(r.weights[0]).toBeGreaterThan(Math.abs(r.weights[1]!) * 5);
  });

  it('ranks source columns by hold-out permutation importance, one-hot levels under their column', async () => {
    const r = await trainChurnModel(toyPayload());
    expect(r.importance.map((i) => i.column).sort()).toEqual(['plan', 'x1', 'x2']);
    expect(r.importance[0]).toMatchObject({ column: 'x1', direction: 1 });
    // Shuffling the only signal takes the hold-out AUC from 1 to about 0.5.
    expect(r.importance[0]!.mean).toBeGreaterThan(0.3);
    for (const noise of r.importance.slice(1)) expect(Math.abs(noise.mean)).toBeLessThan(0.05);
    expect(r.importance.find((i) => i.column === 'plan')!.direction).toBe(0);
  });

  it('reads a column\'s direction from the hold-out scores (a correlated twin does not flip it)', async () => {
    // x1 and its near copy x1b carry the same signal; an orders-like total that rises with it too.
    const base = toyColumns();
    const x1 = base[1]!.values as number[];
    const random = mulberry32(5);
    const columns = [...base.slice(0, 2), { name: 'x1b', values: x1.map((v) => v + (random() - 0.5) * 0.02) }, ...base.slice(2)];
    const r = await trainChurnModel({ ...toyPayload(), columns });
    for (const c of ['x1', 'x1b']) expect(r.importance.find((i) => i.column === c)!.direction).toBe(1);
  });

  it('is reproducible: same seed, same weights', async () => {
    const a = await trainChurnModel(toyPayload({ epochs: 5 }));
    const b = await trainChurnModel(toyPayload({ epochs: 5 }));
    expect(b.weights).toEqual(a.weights);
  });

  it('leaves no tensors behind, whether training succeeds, fails or is cancelled', async () => {
    const before = liveTensors();
    await trainChurnModel(toyPayload({ epochs: 3 }));
    expect(liveTensors()).toBe(before);

    const X = { data: new Float32Array([0, 1, 2, 3]), rows: 4, cols: 1 };
    const model = await trainLogReg(X, [0, 0, 1, 1], { epochs: 2, learningRate: 0.1, l2: 0, batchSize: 2, seed: 1 });
    model.predict(X);
    expect(liveTensors()).toBe(before);

    await expect(trainLogReg(X, [0, 0, 1, 1], { epochs: 5, learningRate: 0.1, l2: 0, batchSize: 2, seed: 1 }, { signal: { aborted: true } })).rejects.toThrow();
    expect(liveTensors()).toBe(before);
  });

  it('reports progress per epoch and stops with an AbortError when the signal fires', async () => {
    const before = liveTensors();
    const controller = new AbortController();
    const epochs: number[] = [];
    const run = trainChurnModel(toyPayload({ epochs: 50 }), (p) => {
      epochs.push(p.epoch);
      expect(p.epochs).toBe(50);
      expect(Number.isFinite(p.loss)).toBe(true);
      if (p.epoch === 3) controller.abort();
    }, controller.signal);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(epochs).toEqual([1, 2, 3]);
    expect(liveTensors()).toBe(before);
  });

  it('rejects bad settings with a message saying which', async () => {
    await expect(trainChurnModel(toyPayload({ epochs: 0, testFraction: 1.5 }))).rejects.toThrow(/testFraction = 1.5 .*epochs = 0/);
  });
});

/** The worker's handler run in-process, with messages structured-cloned both ways as a real Worker would. */
function inProcessWorker(): WorkerLike & { posted: ChurnResponse[] } {
  const worker: WorkerLike & { posted: ChurnResponse[] } = {
    posted: [],
    onmessage: null,
    onerror: null,
    postMessage: (message, transfer) => handle(structuredClone(message, { transfer: transfer ?? [] })),
    terminate: () => {},
  };
  const handle = createChurnHandler((message) => {
    worker.posted.push(message);
    const copy = structuredClone(message);
    setTimeout(() => worker.onmessage?.({ data: copy } as MessageEvent<ChurnResponse>));
  }, ensureNodeBackend);
  return worker;
}

/** Waits until the in-process worker has answered a train with a result or an error (its training has ended). */
async function workerFinished(worker: { posted: ChurnResponse[] }): Promise<void> {
  for (let i = 0; i < 500 && !worker.posted.some((m) => m.type !== 'progress'); i++) await new Promise((r) => setTimeout(r, 10));
}

describe('worker protocol (client ↔ handler)', () => {
  it('hands numeric columns over as transferred buffers when asked: same result, the page copy emptied', async () => {
    const numeric = (): ColumnData[] => toyColumns().map((c) => (c.name === 'x1' || c.name === 'x2' ? { ...c, values: Float64Array.from(c.values as number[]) } : c));
    const payload = { ...toyPayload({ epochs: 10 }), columns: numeric() };
    const x1 = payload.columns[1]!.values as Float64Array;
    const trainer = createChurnTrainer(inProcessWorker);
    const moved = await trainer.train(payload, undefined, undefined, { transfer: true });
    expect(x1.length).toBe(0); // detached: the worker owns the buffer now
    const copied = await trainer.train({ ...toyPayload({ epochs: 10 }), columns: numeric() });
    const direct = await trainChurnModel(toyPayload({ epochs: 10 }));
    expect({ ...moved, trainMs: 0 }).toEqual({ ...direct, trainMs: 0 });
    expect({ ...copied, trainMs: 0 }).toEqual({ ...direct, trainMs: 0 });
    trainer.dispose();
  });

  it('returns the same result as a direct call, with progress messages', async () => {
    const trainer = createChurnTrainer(inProcessWorker);
    const seen: number[] = [];
    const viaWorker = await trainer.train(toyPayload({ epochs: 10 }), (p) => seen.push(p.epoch));
    const direct = await trainChurnModel(toyPayload({ epochs: 10 }));
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect({ ...viaWorker, trainMs: 0 }).toEqual({ ...direct, trainMs: 0 });
    trainer.dispose();
  });

  it('turns a worker-side error into a real Error with its name and message', async () => {
    const trainer = createChurnTrainer(inProcessWorker);
    const error = await trainer.train({ ...toyPayload(), target: 'plan', columns: toyColumns().map((c) => (c.name === 'plan' ? { ...c, values: cellsOf(c.values).map((v, i) => `${String(v)}${i % 3}`) } : c)) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'MlInputError', message: expect.stringMatching(/"plan" is not binary/) });
    trainer.dispose();
  });

  it('cancel() rejects with an AbortError and the worker stops training', async () => {
    const worker = inProcessWorker();
    const before = liveTensors();
    const trainer = createChurnTrainer(() => worker);
    const run = trainer.train(toyPayload({ epochs: 100_000, batchSize: 8 }), (p) => {
      if (p.epoch === 2) trainer.cancel();
    });
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    // The worker answers the cancel with its own AbortError once the current epoch ends.
    await workerFinished(worker);
    const last = worker.posted.at(-1)!;
    expect(last).toMatchObject({ type: 'error', error: { name: 'AbortError' } });
    expect(worker.posted.filter((m) => m.type === 'progress').length).toBeLessThan(1000);
    expect(liveTensors()).toBe(before);
  });
});

describe('worker protocol: failures outside training', () => {
  it('an AbortSignal passed to train() cancels like cancel()', async () => {
    const worker = inProcessWorker();
    const trainer = createChurnTrainer(() => worker);
    const controller = new AbortController();
    const run = trainer.train(toyPayload({ epochs: 100_000, batchSize: 8 }), (p) => {
      if (p.epoch === 1) controller.abort();
    }, controller.signal);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    await workerFinished(worker);
    expect(worker.posted.at(-1)).toMatchObject({ type: 'error', error: { name: 'AbortError' } });
  });

  it('a worker that fails to start rejects every pending train', async () => {
    let spawned: WorkerLike | undefined;
    const trainer = createChurnTrainer(() => {
      spawned = { onmessage: null, onerror: null, postMessage: () => {}, terminate: () => {} };
      return spawned;
    });
    const run = trainer.train(toyPayload());
    spawned!.onerror!({ message: 'Failed to fetch worker script' } as ErrorEvent);
    await expect(run).rejects.toThrow(/Churn model worker failed: Failed to fetch worker script/);
  });
});

function readTelco(): ColumnData[] {
  const rows = Papa.parse<string[]>(readFileSync(TELCO, 'utf8'), { skipEmptyLines: true }).data;
  const [header, ...body] = rows;
  return header!.map((name, j) => ({ name, values: body.map((r) => r[j] ?? null) }));
}

const hasTelco = existsSync(TELCO);
if (!hasTelco) console.warn(`[ml-train] ${TELCO} not found (set CRM_DATA_DIR); skipping the Telco churn tests`);

describe.skipIf(!hasTelco)('Telco churn (real data; reference.md "Churn classification")', () => {
  let columns: ColumnData[] = [];
  beforeAll(() => {
    columns = readTelco();
  });
  const payload = (): TrainPayload => ({ columns, target: 'Churn', exclude: [], config: DEFAULT_TRAIN_CONFIG });

  it('stratified 80/20 hold-out: AUC near the exact optimum, well above the majority baseline', async () => {
    const before = liveTensors();
    const r = await trainChurnModel(payload());
    console.info(
      `[ml-train] Telco hold-out (${r.backend}): AUC ${r.auc.toFixed(4)}, accuracy ${r.accuracy.toFixed(4)}, F1 ${r.f1.toFixed(4)}, log loss ${r.logLoss.toFixed(4)}; ` +
        `baseline AUC ${r.baseline.auc}, accuracy ${r.baseline.accuracy.toFixed(4)}; ${r.trainMs} ms`,
    );
    expect(liveTensors()).toBe(before);
    // Counts (exact): 7,043 rows, 1,869 churned; 20 % of each class held out.
    expect(r.nTrain + r.nTest).toBe(7043);
    expect(r.nTest).toBe(374 + 1035);
    expect(r.positiveRate).toBeCloseTo(0.26537, 5);
    expect(r.positiveLabel).toBe('Yes');
    expect(r.dropped).toEqual([{ column: 'customerID', reason: 'id-like' }]);
    expect(r.features).toContain('TotalCharges=(missing)');
    // A single hold-out AUC depends on the split: over seeds 1–30 it ranged 0.828–0.868 (median 0.844,
    // 1 of 30 below 0.83; seed 42 gave 0.827). Issue #3 asks ≥ 0.83 on a stratified 80/20 split; the
    // cross-validated figure below is the one reference.md states and does not depend on one split.
    expect(r.auc).toBeGreaterThanOrEqual(0.83);
    expect(r.baseline.auc).toBe(0.5);
    expect(r.baseline.accuracy).toBeCloseTo(1035 / 1409, 10);
    expect(r.accuracy).toBeGreaterThan(r.baseline.accuracy + 0.04);
    expect(r.logLoss).toBeLessThan(r.baseline.logLoss - 0.1);
    expect(r.roc[0]).toEqual([0, 0]);
    expect(r.roc.at(-1)).toEqual([1, 1]);
    const c = r.confusion;
    expect(c.tp + c.fn).toBe(374);
    expect(c.tn + c.fp).toBe(1035);
  });

  it('5-fold stratified CV matches scikit-learn: AUC 0.8451, accuracy 0.8055, F1 0.6009', async () => {
    const cv = await crossValidateChurnModel(payload(), 5);
    console.info(`[ml-train] Telco 5-fold CV: AUC ${cv.auc.toFixed(4)}, accuracy ${cv.accuracy.toFixed(4)}, F1 ${cv.f1.toFixed(4)}`);
    expect(cv.auc).toBeGreaterThanOrEqual(0.84);
    expect(Math.abs(cv.auc - 0.8451)).toBeLessThan(0.005);
    expect(Math.abs(cv.accuracy - 0.8055)).toBeLessThan(0.01);
    expect(Math.abs(cv.f1 - 0.6009)).toBeLessThan(0.02);
  });
});
