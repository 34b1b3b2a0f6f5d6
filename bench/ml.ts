/**
 * The ML step of `npm run bench` (bench/run.ts calls `mlBench`): churn models
 * on Telco (reference.md "Churn classification"), in Node on the TensorFlow.js
 * wasm backend the browser worker uses (src/ml/backend-node.ts), one thread.
 *
 *   tfjs   – the product's logistic regression (mini-batch Adam, DEFAULT_TRAIN_CONFIG),
 *            5-fold stratified CV through crossValidateChurnModel (src/ml/train.ts)
 *   irls   – the bench's OWN reference implementation, not product code: L2 logistic
 *            regression fitted exactly by IRLS/Newton in Float64 JS, scikit-learn's
 *            objective with C = 1 (Σ log loss + ½‖w‖², intercept not penalised), on the
 *            same folds (src/ml/split.ts) and the same design matrices
 *            (src/ml/features.ts), so only the fitting differs
 *   search – the full default grid search (DEFAULT_SEARCH_SETTINGS: 13 configurations
 *            + 2 baselines × 5 folds, then importance and the refit) in-process via
 *            runSearch (src/ml/tasks.ts → coordinateSearch in src/ml/search.ts)
 *
 * Figures beside them are reference.md's (scikit-learn 1.x, 5-fold stratified CV).
 * The data set is read from $CRM_DATA_DIR, else ../shared/data; without it the
 * step is skipped with a message.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { ensureNodeBackend } from '../src/ml/backend-node.ts';
import { applyFeatures, fitFeatures, type ColumnData, type Matrix } from '../src/ml/features.ts';
import { confusionMatrix, metricsFromConfusion, rocAuc } from '../src/ml/metrics.ts';
import { DEFAULT_SEARCH_SETTINGS, DEFAULT_TRAIN_CONFIG, type LeaderboardRow, type SearchProgress } from '../src/ml/protocol.ts';
import { stratifiedKFold } from '../src/ml/split.ts';
import { runSearch } from '../src/ml/tasks.ts';
import { crossValidateChurnModel, prepareTarget } from '../src/ml/train.ts';
import { fmt, textTable, type Target } from './report.ts';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const TARGET = 'Churn';
const K = 5;

/** reference.md, "Churn classification (telco_churn)": scikit-learn 1.x, 5-fold stratified CV. */
export const REFERENCE = {
  logreg: { label: 'logistic regression (L2, C = 1)', auc: 0.8451, accuracy: 0.8055, f1: 0.6009 },
  logregGrid: { label: 'logistic regression, grid over C', auc: 0.8452 },
  gbt: { label: 'gradient boosting (sklearn defaults)', auc: 0.8467 },
  /** "An in-browser logistic regression or small MLP with a sensible grid reaches CV AUC ≥ 0.840". */
  floor: 0.84,
} as const;

export interface CvFigures {
  auc: number;
  accuracy: number;
  f1: number;
  folds: { auc: number; accuracy: number; f1: number }[];
  /** Wall time of the whole 5-fold CV (features fitted and applied, model fitted and scored, per fold). */
  totalMs: number;
}

export interface SearchRowFigures {
  label: string;
  auc: number;
  aucStd: number;
  accuracy: number;
  f1: number;
  /** Mean fit time per fold. */
  fitMs: number;
}

export type MlReport =
  | { skipped: string }
  | {
    data: string;
    rows: number;
    features: number;
    positiveRate: number;
    k: number;
    seed: number;
    backend: string;
    reference: typeof REFERENCE;
    tfjsLogReg: CvFigures & { config: typeof DEFAULT_TRAIN_CONFIG };
    jsIrlsLogReg: CvFigures & { C: number; iterations: number[]; fitMs: number; note: string };
    search: {
      configurations: number;
      tasks: number;
      /** Until the last (configuration, fold) fit: the grid × folds alone. */
      searchPhaseMs: number;
      /** Everything runSearch does: fits, importance, the refit and scoring of every row. */
      totalMs: number;
      best: SearchRowFigures;
      bestLogReg: SearchRowFigures;
      logRegDefault: SearchRowFigures | null;
      bestMlp: SearchRowFigures;
      bestGbt: SearchRowFigures | null;
      leaderboard: SearchRowFigures[];
    };
    chromium: { measured: false; note: string };
    targets: Record<string, Target>;
  };

function readCsv(file: string): ColumnData[] {
  const rows = Papa.parse<string[]>(fs.readFileSync(file, 'utf8'), { skipEmptyLines: true }).data;
  const [header, ...body] = rows;
  return header!.map((name, j) => ({ name, values: body.map((r) => r[j] ?? null) }));
}

// ── the bench's own reference fit: exact L2 logistic regression by IRLS ─────

/**
 * Minimises Σᵢ logloss(yᵢ, σ(b + xᵢ·w)) + ½·‖w‖²/C by Newton's method (IRLS) in
 * Float64, as scikit-learn's lbfgs solver does for LogisticRegression(C).
 * Returns [b, w₀ … w_{d−1}] and the Newton steps taken.
 */
export function fitLogRegIrls(x: Matrix, y: ArrayLike<number>, C = 1, maxIter = 50, tol = 1e-10): { beta: Float64Array; iterations: number } {
  const { rows: n, cols: d } = x;
  const m = d + 1; // intercept first
  const beta = new Float64Array(m);
  const row = new Float64Array(m);
  const grad = new Float64Array(m);
  const hess = new Float64Array(m * m);
  const lambda = 1 / C;
  let iterations = 0;
  for (; iterations < maxIter; ) {
    grad.fill(0);
    hess.fill(0);
    for (let i = 0; i < n; i++) {
      row[0] = 1;
      for (let j = 0; j < d; j++) row[j + 1] = x.data[i * d + j]!;
      let z = 0;
      for (let j = 0; j < m; j++) z += row[j]! * beta[j]!;
      const p = 1 / (1 + Math.exp(-z));
      const r = p - y[i]!;
      const w = Math.max(p * (1 - p), 1e-12);
      for (let a = 0; a < m; a++) {
        const ra = row[a]!;
        if (ra === 0) continue;
        grad[a]! += r * ra;
        const wa = w * ra;
        for (let b = 0; b <= a; b++) hess[a * m + b]! += wa * row[b]!;
      }
    }
    for (let a = 1; a < m; a++) {
      grad[a]! += lambda * beta[a]!;
      hess[a * m + a]! += lambda;
    }
    for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) hess[b * m + a] = hess[a * m + b]!;
    const step = solveSpd(hess, grad, m);
    let maxStep = 0;
    for (let j = 0; j < m; j++) {
      beta[j]! -= step[j]!;
      maxStep = Math.max(maxStep, Math.abs(step[j]!));
    }
    iterations++;
    if (maxStep < tol) break;
  }
  return { beta, iterations };
}

/** Solves A·s = g for symmetric positive-definite A (m × m, row-major) by Cholesky. */
function solveSpd(a: Float64Array, g: Float64Array, m: number): Float64Array {
  const l = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * m + j]!;
      for (let k = 0; k < j; k++) s -= l[i * m + k]! * l[j * m + k]!;
      if (i === j) {
        if (!(s > 0)) throw new Error(`IRLS: Hessian not positive definite at ${i} (${s})`);
        l[i * m + i] = Math.sqrt(s);
      } else {
        l[i * m + j] = s / l[j * m + j]!;
      }
    }
  }
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = g[i]!;
    for (let k = 0; k < i; k++) s -= l[i * m + k]! * z[k]!;
    z[i] = s / l[i * m + i]!;
  }
  const out = new Float64Array(m);
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < m; k++) s -= l[k * m + i]! * out[k]!;
    out[i] = s / l[i * m + i]!;
  }
  return out;
}

function predictIrls(beta: Float64Array, x: Matrix): Float64Array {
  const { rows: n, cols: d } = x;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = beta[0]!;
    for (let j = 0; j < d; j++) z += beta[j + 1]! * x.data[i * d + j]!;
    p[i] = 1 / (1 + Math.exp(-z));
  }
  return p;
}

/** The same folds and design matrices as crossValidateChurnModel; only the fit differs. */
function crossValidateIrls(columns: ColumnData[], C: number, seed: number): CvFigures & { iterations: number[]; fitMs: number } {
  const started = performance.now();
  const prep = prepareTarget(columns, TARGET);
  const folds: CvFigures['folds'] = [];
  const iterations: number[] = [];
  let fitMs = 0;
  for (const fold of stratifiedKFold(prep.y, K, seed)) {
    const trainRows = fold.train.map((i) => prep.usable[i]!);
    const testRows = fold.test.map((i) => prep.usable[i]!);
    const yTrain = Uint8Array.from(fold.train, (i) => prep.y[i]!);
    const yTest = Uint8Array.from(fold.test, (i) => prep.y[i]!);
    const fitted = fitFeatures(columns, { target: TARGET, exclude: [] }, trainRows);
    const xTrain = applyFeatures(fitted, columns, trainRows);
    const t0 = performance.now();
    const { beta, iterations: it } = fitLogRegIrls(xTrain, yTrain, C);
    fitMs += performance.now() - t0;
    iterations.push(it);
    const p = predictIrls(beta, applyFeatures(fitted, columns, testRows));
    const m = metricsFromConfusion(confusionMatrix(yTest, p, 0.5));
    folds.push({ auc: rocAuc(yTest, p), accuracy: m.accuracy, f1: m.f1 });
  }
  const mean = (key: 'auc' | 'accuracy' | 'f1'): number => folds.reduce((s, f) => s + f[key], 0) / folds.length;
  return { auc: mean('auc'), accuracy: mean('accuracy'), f1: mean('f1'), folds, totalMs: performance.now() - started, iterations, fitMs };
}

// ── the step ────────────────────────────────────────────────────────────────

const rowFigures = (row: LeaderboardRow): SearchRowFigures => ({
  label: row.label,
  auc: row.scores.auc.mean,
  aucStd: row.scores.auc.std,
  accuracy: row.scores.accuracy.mean,
  f1: row.scores.f1.mean,
  fitMs: row.fitMs,
});

export function defaultDataDir(): string {
  return process.env.CRM_DATA_DIR ?? path.resolve(HERE, '../../shared/data');
}

export async function mlBench(options: { dataDir?: string; log: (line: string) => void }): Promise<MlReport> {
  const { log } = options;
  const dataDir = options.dataDir ?? defaultDataDir();
  const file = path.join(dataDir, 'telco_churn', 'Telco-Customer-Churn.csv');
  if (!fs.existsSync(file)) {
    return { skipped: `${file} not found (set CRM_DATA_DIR to the folder holding telco_churn/); ML step skipped` };
  }
  const backend = await ensureNodeBackend();
  const columns = readCsv(file);
  const prep = prepareTarget(columns, TARGET);
  const nFeatures = fitFeatures(columns, { target: TARGET, exclude: [] }, prep.usable).names.length;
  const seed = DEFAULT_TRAIN_CONFIG.seed;
  log(`ML: Telco churn, ${fmt(prep.y.length)} rows, ${nFeatures} features, ${K}-fold stratified CV (seed ${seed}), TF.js backend ${backend}`);

  // Warm-up (wasm kernels compile on first use; not timed): one fold-sized fit on a tiny grid would cost more than it saves, so a 2-fold CV of 5 epochs.
  await crossValidateChurnModel({ columns, target: TARGET, exclude: [], config: { ...DEFAULT_TRAIN_CONFIG, epochs: 5 } }, 2);

  let t0 = performance.now();
  const cv = await crossValidateChurnModel({ columns, target: TARGET, exclude: [], config: DEFAULT_TRAIN_CONFIG }, K);
  const tfjsLogReg = { ...cv, totalMs: performance.now() - t0, config: DEFAULT_TRAIN_CONFIG };
  log(`  TF.js logistic regression CV: AUC ${tfjsLogReg.auc.toFixed(4)} in ${fmt(tfjsLogReg.totalMs)} ms`);

  const C = 1;
  const irls = crossValidateIrls(columns, C, seed);
  const jsIrlsLogReg = { ...irls, C, note: "bench's own reference implementation (bench/ml.ts), not product code" };
  log(`  plain-JS IRLS logistic regression CV: AUC ${irls.auc.toFixed(4)} in ${fmt(irls.totalMs)} ms (Newton steps ${irls.iterations.join('/')})`);

  log(`  default grid search (${DEFAULT_SEARCH_SETTINGS.grid.length} model kinds, ${DEFAULT_SEARCH_SETTINGS.k} folds), in-process…`);
  let searchPhaseMs = 0;
  let lastLogged = 0;
  t0 = performance.now();
  const r = await runSearch({ ...DEFAULT_SEARCH_SETTINGS, columns, target: TARGET, exclude: [] }, {
    onProgress: (p: SearchProgress) => {
      if (p.phase === 'search') searchPhaseMs = p.elapsedMs;
      if (p.done - lastLogged >= 15 || p.done === p.total) {
        lastLogged = p.done;
        log(`    ${p.done}/${p.total} tasks, ${fmt(p.elapsedMs / 1000, 1)} s`);
      }
    },
  });
  const totalMs = performance.now() - t0;
  const byKind = (kind: string): LeaderboardRow | undefined => r.leaderboard.find((row) => row.spec.kind === kind);
  const lrDefault = r.leaderboard.find((row) => row.spec.kind === 'logreg' && (row.spec.params as { l2?: number }).l2 === DEFAULT_TRAIN_CONFIG.l2);
  const gbt = byKind('gbt');
  const search = {
    configurations: r.leaderboard.length,
    tasks: r.tasks,
    searchPhaseMs,
    totalMs,
    best: rowFigures(r.best),
    bestLogReg: rowFigures(byKind('logreg')!),
    logRegDefault: lrDefault ? rowFigures(lrDefault) : null,
    bestMlp: rowFigures(byKind('mlp')!),
    bestGbt: gbt ? rowFigures(gbt) : null,
    leaderboard: [...r.leaderboard, ...r.baselines].map(rowFigures),
  };

  const targets: Record<string, Target> = {
    mlTfjsLogRegAuc: {
      what: 'ML: TF.js logistic regression 5-fold CV AUC minus reference.md (0.8451)', value: tfjsLogReg.auc - REFERENCE.logreg.auc, unit: '',
      target: '|Δ| < 0.005', met: Math.abs(tfjsLogReg.auc - REFERENCE.logreg.auc) < 0.005, digits: 4,
    },
    mlSearchLogRegFloor: {
      what: 'ML: grid search, best logistic regression CV AUC', value: search.bestLogReg.auc, unit: '', target: `≥ ${REFERENCE.floor}`,
      met: search.bestLogReg.auc >= REFERENCE.floor, digits: 4,
    },
    mlSearchMlpFloor: {
      what: 'ML: grid search, best MLP CV AUC', value: search.bestMlp.auc, unit: '', target: `≥ ${REFERENCE.floor}`,
      met: search.bestMlp.auc >= REFERENCE.floor, digits: 4,
    },
  };

  return {
    data: path.relative(process.cwd(), file),
    rows: prep.y.length,
    features: nFeatures,
    positiveRate: prep.y.reduce((s, v) => s + v, 0) / prep.y.length,
    k: K,
    seed,
    backend,
    reference: REFERENCE,
    tfjsLogReg,
    jsIrlsLogReg,
    search,
    chromium: {
      measured: false,
      note: 'the default grid search in headless Chromium (2-worker pool) is not re-measured by the bench; test/e2e/churn-lab.test.ts logs it ("[e2e] model lab, Telco: N s …")',
    },
    targets,
  };
}

const d4 = (x: number): string => x.toFixed(4);
function delta(x: number, ref: number | undefined): string {
  if (ref === undefined) return '–';
  const d = Math.abs(x - ref).toFixed(4);
  return Number(d) === 0 ? d : `${x > ref ? '+' : '−'}${d}`;
}

/** "gbt nEstimators=100 learningRate=0.1 maxDepth=3 …" → "learningRate=0.1 maxDepth=3" for the keys given. */
function params(label: string, keys: readonly string[]): string {
  return label.split(' ').filter((part) => keys.includes(part.split('=')[0]!)).join(' ');
}

export function mlLines(r: MlReport): string[] {
  if ('skipped' in r) return ['', `ML: ${r.skipped}`];
  const ref = REFERENCE.logreg;
  const s = r.search;
  type Row = { name: string; auc: number; accuracy?: number; f1?: number; refAuc?: number; time: string };
  const rows: Row[] = [
    { name: `reference.md: ${ref.label}`, auc: ref.auc, accuracy: ref.accuracy, f1: ref.f1, time: '–' },
    { name: 'TF.js LR (product, Adam, wasm, l2 1e-4)', auc: r.tfjsLogReg.auc, accuracy: r.tfjsLogReg.accuracy, f1: r.tfjsLogReg.f1, refAuc: ref.auc, time: fmt(r.tfjsLogReg.totalMs / 1000, 2) },
    { name: 'plain-JS LR (bench IRLS, Float64, C = 1)', auc: r.jsIrlsLogReg.auc, accuracy: r.jsIrlsLogReg.accuracy, f1: r.jsIrlsLogReg.f1, refAuc: ref.auc, time: fmt(r.jsIrlsLogReg.totalMs / 1000, 2) },
    ...(s.logRegDefault && s.logRegDefault.label !== s.bestLogReg.label ? [{ name: `search: LR ${params(s.logRegDefault.label, ['l2'])}`, auc: s.logRegDefault.auc, accuracy: s.logRegDefault.accuracy, f1: s.logRegDefault.f1, refAuc: ref.auc, time: '' }] : []),
    { name: `search: best LR (${params(s.bestLogReg.label, ['l2'])})`, auc: s.bestLogReg.auc, accuracy: s.bestLogReg.accuracy, f1: s.bestLogReg.f1, refAuc: REFERENCE.logregGrid.auc, time: '' },
    { name: `search: best MLP (${params(s.bestMlp.label, ['hidden', 'dropout'])})`, auc: s.bestMlp.auc, accuracy: s.bestMlp.accuracy, f1: s.bestMlp.f1, refAuc: REFERENCE.logregGrid.auc, time: '' },
    ...(s.bestGbt ? [{ name: `search: best GBT (${params(s.bestGbt.label, ['learningRate', 'maxDepth'])})`, auc: s.bestGbt.auc, accuracy: s.bestGbt.accuracy, f1: s.bestGbt.f1, refAuc: REFERENCE.gbt.auc, time: '' }] : []),
    { name: `search: best overall (${s.best.label.split(' ')[0]})`, auc: s.best.auc, accuracy: s.best.accuracy, f1: s.best.f1, time: fmt(s.totalMs / 1000, 1) },
  ];
  return [
    '',
    `ML: Telco churn (${r.data}), ${fmt(r.rows)} rows, ${r.features} features, ${(r.positiveRate * 100).toFixed(1)} % churn; ${r.k}-fold stratified CV, seed ${r.seed}; Node ${process.version}, TF.js ${r.backend}, one thread`,
    'Means over folds; accuracy and F1 at threshold 0.5. Δ: against reference.md (LR rows: LR C = 1 0.8451 / 0.8055 / 0.6009;',
    'best LR and MLP: LR grid over C 0.8452; GBT: sklearn GBT 0.8467). time: whole 5-fold CV incl. features; search: all of runSearch.',
    ...textTable(
      ['model', 'AUC', 'Δ AUC', 'accuracy', 'Δ acc', 'F1', 'Δ F1', 'time s'],
      rows.map((x) => [
        x.name, d4(x.auc), delta(x.auc, x.refAuc),
        x.accuracy === undefined ? '–' : d4(x.accuracy), x.accuracy === undefined || x.refAuc !== ref.auc ? '–' : delta(x.accuracy, ref.accuracy),
        x.f1 === undefined ? '–' : d4(x.f1), x.f1 === undefined || x.refAuc !== ref.auc ? '–' : delta(x.f1, ref.f1),
        x.time,
      ]),
    ),
    `Fit time alone: TF.js LR ${fmt(r.tfjsLogReg.totalMs / 1000, 2)} s for 5 folds (features included) vs plain-JS IRLS ${fmt(r.jsIrlsLogReg.fitMs / 1000, 2)} s fitting `
      + `(${fmt(r.jsIrlsLogReg.totalMs / 1000, 2)} s with features; Newton steps ${r.jsIrlsLogReg.iterations.join('/')}); ${r.jsIrlsLogReg.note}.`,
    `Grid search (Node, in-process): ${s.configurations} configurations + 2 baselines × ${r.k} folds in ${fmt(s.searchPhaseMs / 1000, 1)} s, `
      + `${s.tasks} tasks with importance and the refit in ${fmt(s.totalMs / 1000, 1)} s.`,
    `Chromium: ${r.chromium.note}.`,
  ];
}
