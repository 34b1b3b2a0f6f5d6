/**
 * Grid search × stratified k-fold cross-validation, as a coordinator over
 * tasks. Pure (no TensorFlow.js): it decides which (configuration, fold) fits
 * to run, hands them to a TaskRunner — one in-process slot inside a worker
 * (tasks.ts), or one slot per worker in a pool on the main thread (client.ts)
 * — and aggregates what comes back. Each task carries its own seed, so a
 * search gives the same numbers whichever worker runs which task.
 *
 * Order of work: every configuration on fold 0, then on fold 1, … (a worker
 * keeps only a couple of folds' matrices); then, for the best configuration,
 * permutation importance on every held-out fold and a refit on all rows.
 * Pause and cancel take effect between tasks; cancel also aborts running fits.
 */
import { abortError } from '../lib/errors.ts';
import { hashSeed } from '../lib/random.ts';
import { inputError } from './errors.ts';
import { averagePrecision, prCurve, rocCurve, SCORE_NAMES, type ScoreSet } from './metrics.ts';
import type {
  DatasetInfo,
  FoldResult,
  ImportanceResult,
  ImportanceRow,
  LeaderboardRow,
  MeanStd,
  RefitResult,
  SearchProgress,
  SearchResult,
  SearchSettings,
  SearchTask,
  SelectBy,
  TaskResult,
} from './protocol.ts';
import { baselineSpecs, checkSpecs, expandGrid, isBaseline, specLabel, type GridSpec, type ModelSpec } from './specs.ts';
import { bestThresholdByF1, calibrationBins, gainCurve } from './thresholds.ts';

export interface SearchConfig {
  configId: number;
  spec: ModelSpec;
  label: string;
  baseline: boolean;
}

/** The grid's configurations (duplicates dropped) followed by the two baselines; configId is the position. */
export function searchConfigs(grid: readonly GridSpec[]): SearchConfig[] {
  const seen = new Set<string>();
  const specs: ModelSpec[] = [];
  for (const spec of [...grid.flatMap(expandGrid), ...baselineSpecs()]) {
    const label = specLabel(spec);
    if (seen.has(label)) continue;
    seen.add(label);
    specs.push(spec);
  }
  return specs.map((spec, configId) => ({ configId, spec, label: specLabel(spec), baseline: isBaseline(spec) }));
}

/** A model's seed on a fold: depends on the configuration and fold, not on the grid around it. */
export function taskSeed(searchSeed: number, label: string, fold: number): number {
  return hashSeed(searchSeed, label, fold);
}

export function meanStd(values: readonly number[]): MeanStd {
  if (values.length === 0) return { mean: NaN, std: NaN };
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
  return { mean, std: Math.sqrt(variance) };
}

/** Best first: higher is better except for log loss; NaN last; ties by configId. */
export function compareRows(selectBy: SelectBy): (a: LeaderboardRow, b: LeaderboardRow) => number {
  const sign = selectBy === 'logLoss' ? 1 : -1;
  return (a, b) => {
    const x = a.scores[selectBy].mean;
    const y = b.scores[selectBy].mean;
    if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
    return (x === y || Number.isNaN(x) ? 0 : sign * (x - y)) || a.configId - b.configId;
  };
}

/** Leaderboard rows (models and baselines apart) over the fold results so far; configurations without any are left out. */
export function leaderboard(configs: readonly SearchConfig[], results: readonly FoldResult[], selectBy: SelectBy): { models: LeaderboardRow[]; baselines: LeaderboardRow[] } {
  const byConfig = new Map<number, FoldResult[]>();
  for (const r of results) byConfig.set(r.configId, [...(byConfig.get(r.configId) ?? []), r]);
  const rows: LeaderboardRow[] = [];
  for (const config of configs) {
    const folds = (byConfig.get(config.configId) ?? []).slice().sort((a, b) => a.fold - b.fold);
    if (folds.length === 0) continue;
    const perFold = folds.map((f) => f.scores);
    const scores = Object.fromEntries(SCORE_NAMES.map((name) => [name, meanStd(perFold.map((s) => s[name]))])) as Record<keyof ScoreSet, MeanStd>;
    rows.push({
      configId: config.configId,
      spec: config.spec,
      label: config.label,
      baseline: config.baseline,
      folds: folds.length,
      scores,
      perFold,
      fitMs: folds.reduce((s, f) => s + f.fitMs, 0) / folds.length,
      notes: [...new Set(folds.flatMap((f) => (f.note ? [f.note] : [])))],
    });
  }
  rows.sort(compareRows(selectBy));
  return { models: rows.filter((r) => !r.baseline), baselines: rows.filter((r) => r.baseline) };
}

/** Importance per column over every fold and repeat, largest mean drop first. */
export function aggregateImportance(results: readonly ImportanceResult[]): ImportanceRow[] {
  const byColumn = new Map<string, number[]>();
  for (const r of results) for (const d of r.drops) byColumn.set(d.column, [...(byColumn.get(d.column) ?? []), ...d.values]);
  return [...byColumn].map(([column, values]) => ({ column, ...meanStd(values) })).sort((a, b) => b.mean - a.mean || (a.column < b.column ? -1 : 1));
}

/** Scores of one configuration's fold results placed at their rows (positions with foldOf = fold, ascending). */
export function outOfFold(dataset: Pick<DatasetInfo, 'nUsable' | 'k' | 'foldOf'>, results: readonly { fold: number; p: ArrayLike<number> }[]): number[] {
  const oof = new Array<number>(dataset.nUsable).fill(NaN);
  const positions: number[][] = Array.from({ length: dataset.k }, () => []);
  dataset.foldOf.forEach((f, i) => positions[f]!.push(i));
  for (const r of results) {
    const at = positions[r.fold]!;
    if (at.length !== r.p.length) throw new Error(`Fold ${r.fold} has ${at.length} test rows but ${r.p.length} predictions came back`);
    at.forEach((i, k) => (oof[i] = r.p[k]!));
  }
  return oof;
}

export function checkSettings(settings: SearchSettings): void {
  const problems: string[] = [];
  const { importanceRepeats, tiers, reasons, selectBy } = settings;
  if (!(Number.isInteger(importanceRepeats) && importanceRepeats >= 0)) problems.push(`importanceRepeats = ${importanceRepeats} (must be a whole number ≥ 0)`);
  if (!(tiers.medium >= 0 && tiers.medium <= tiers.high && tiers.high <= 1)) problems.push(`tiers = ${tiers.medium}/${tiers.high} (need 0 ≤ medium ≤ high ≤ 1)`);
  if (!(Number.isInteger(reasons) && reasons >= 0)) problems.push(`reasons = ${reasons} (must be a whole number ≥ 0)`);
  if (!['auc', 'prAuc', 'logLoss', 'f1', 'accuracy'].includes(selectBy)) problems.push(`selectBy = ${selectBy} (one of auc, prAuc, logLoss, f1, accuracy)`);
  if (problems.length) throw inputError(`Invalid search settings: ${problems.join('; ')}.`, `搜索设置无效：${problems.join('；')}。`);
}

/** Pause, resume and cancel, taking effect between tasks. `signal` aborts running fits on cancel. */
export class SearchControl {
  #paused = false;
  #waiters: (() => void)[] = [];
  #pausedAt = 0;
  #pausedMs = 0;
  readonly #abort = new AbortController();
  /** Called after pause, resume and cancel (the coordinator reports progress). */
  onChange: (() => void) | undefined;

  get signal(): AbortSignal {
    return this.#abort.signal;
  }
  get paused(): boolean {
    return this.#paused;
  }
  get cancelled(): boolean {
    return this.#abort.signal.aborted;
  }

  pause(): void {
    if (this.#paused || this.cancelled) return;
    this.#paused = true;
    this.#pausedAt = performance.now();
    this.onChange?.();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#pausedMs += performance.now() - this.#pausedAt;
    this.#wake();
    this.onChange?.();
  }

  cancel(): void {
    if (this.cancelled) return;
    if (this.#paused) this.resume();
    this.#abort.abort();
    this.#wake();
    this.onChange?.();
  }

  /** Milliseconds spent paused so far. */
  pausedMs(now = performance.now()): number {
    return this.#pausedMs + (this.#paused ? now - this.#pausedAt : 0);
  }

  /** Resolves when not paused; rejects with an AbortError once cancelled. */
  async whenRunnable(): Promise<void> {
    while (this.#paused && !this.cancelled) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    if (this.cancelled) throw abortError('Search cancelled');
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w();
  }
}

/** Runs tasks; `size` of them at once, one per slot. Must reject with an AbortError when the control's signal aborts a task. */
export interface TaskRunner {
  readonly size: number;
  run(slot: number, task: SearchTask): Promise<TaskResult>;
}

/** Runs `tasks` on the runner's slots, each slot taking the next task when it is free. */
export async function runQueue(tasks: readonly SearchTask[], runner: TaskRunner, control: SearchControl, onResult: (result: TaskResult) => void): Promise<void> {
  let next = 0;
  const slot = async (index: number): Promise<void> => {
    for (;;) {
      await control.whenRunnable();
      if (next >= tasks.length) return;
      const result = await runner.run(index, tasks[next++]!);
      if (control.cancelled) throw abortError('Search cancelled');
      onResult(result);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, runner.size) }, (_, i) => slot(i)));
  } catch (e) {
    // One task failed: stop the others (their AbortErrors are dropped; the first error is the one reported).
    control.cancel();
    throw e;
  }
}

export async function coordinateSearch(
  dataset: DatasetInfo,
  settings: SearchSettings,
  runner: TaskRunner,
  control: SearchControl = new SearchControl(),
  onProgress?: (progress: SearchProgress) => void,
): Promise<SearchResult> {
  checkSettings(settings);
  const configs = searchConfigs(settings.grid);
  checkSpecs(configs.map((c) => c.spec));
  if (!configs.some((c) => !c.baseline)) {
    throw inputError('The model grid is empty: choose at least one model to try.', '模型网格为空：请至少选择一个要尝试的模型。');
  }
  const { k, seed } = dataset;
  const started = performance.now();
  const elapsed = (): number => performance.now() - started - control.pausedMs();

  const fitTasks: SearchTask[] = [];
  for (let fold = 0; fold < k; fold++) {
    for (const c of configs) fitTasks.push({ kind: 'fitFold', configId: c.configId, spec: c.spec, fold, seed: taskSeed(seed, c.label, fold) });
  }
  const importanceFolds = settings.importanceRepeats > 0 ? k : 0;
  const total = fitTasks.length + importanceFolds + 1;
  let done = 0;
  let phase: SearchProgress['phase'] = 'search';
  const foldResults: FoldResult[] = [];
  let board = leaderboard(configs, foldResults, settings.selectBy);
  const report = (): void => {
    if (!onProgress) return;
    const ms = elapsed();
    onProgress({ phase, done, total, elapsedMs: ms, etaMs: done > 0 ? (ms / done) * (total - done) : null, paused: control.paused, leaderboard: board.models, baselines: board.baselines });
  };
  control.onChange = report;
  try {
    await runQueue(fitTasks, runner, control, (r) => {
      if (r.kind !== 'fitFold') throw new Error(`Expected a fitFold result, got ${r.kind}`);
      foldResults.push(r);
      done++;
      board = leaderboard(configs, foldResults, settings.selectBy);
      report();
    });

    const best = board.models[0]!;
    phase = 'final';
    const finalTasks: SearchTask[] = [
      // The refit first: it is the longest, so a second slot can take the importance folds meanwhile.
      { kind: 'refit', spec: best.spec, seed: taskSeed(seed, best.label, -1), tiers: settings.tiers, reasons: settings.reasons },
      ...Array.from({ length: importanceFolds }, (_, fold): SearchTask => ({ kind: 'importance', spec: best.spec, fold, seed: taskSeed(seed, best.label, fold), repeats: settings.importanceRepeats })),
    ];
    const importance: ImportanceResult[] = [];
    let refit: RefitResult | undefined;
    await runQueue(finalTasks, runner, control, (r) => {
      if (r.kind === 'importance') importance.push(r);
      else if (r.kind === 'refit') refit = r;
      else throw new Error('Expected an importance or refit result, got fitFold');
      done++;
      report();
    });

    const y = dataset.y;
    const oof = outOfFold(
      dataset,
      foldResults.filter((r) => r.configId === best.configId),
    );
    return {
      dataset,
      leaderboard: board.models,
      baselines: board.baselines,
      best,
      selectBy: settings.selectBy,
      oof,
      curves: {
        roc: rocCurve(y, oof),
        pr: prCurve(y, oof),
        averagePrecision: averagePrecision(y, oof),
        gain: gainCurve(y, oof, 10),
        calibration: calibrationBins(y, oof, 10),
        bestF1: bestThresholdByF1(y, oof),
      },
      importance: aggregateImportance(importance),
      final: refit!.final,
      tasks: done,
      elapsedMs: elapsed(),
    };
  } finally {
    control.onChange = undefined;
  }
}
