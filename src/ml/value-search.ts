/**
 * Grid search × k-fold for the value model, on search.ts's machinery: the
 * same task queue over the same runners (one slot in a worker, or the pool's
 * workers), the same pause / resume / cancel control and per-task seeds.
 * Models are ranked by mean absolute error over the held-out folds (lowest
 * first); the baselines are scored on the same folds.
 */
import { abortError } from '../lib/errors.ts';
import { inputError } from './errors.ts';
import type { SearchTask, ValueBaselineColumns, ValueDatasetInfo, ValueFoldResult, ValueLeaderboardRow, ValueSearchProgress, ValueSearchResult, ValueSearchSettings } from './protocol.ts';
import { REGRESSION_SCORE_NAMES, type RegressionScores } from './regression-metrics.ts';
import { meanStd, outOfFold, runQueue, SearchControl, taskSeed, type TaskRunner } from './search.ts';
import { checkValueSpecs, expandValueGrid, isValueBaseline, valueSpecLabel, type ValueGridSpec, type ValueSpec } from './value-specs.ts';

export interface ValueConfig {
  configId: number;
  spec: ValueSpec;
  label: string;
  baseline: boolean;
}

/** The grid's configurations (duplicates dropped), then the baselines whose column the data set has. */
export function valueSearchConfigs(grid: readonly ValueGridSpec[], baselines: ValueBaselineColumns): ValueConfig[] {
  const seen = new Set<string>();
  const specs: ValueSpec[] = [];
  const base: ValueSpec[] = [
    ...(baselines.lastPeriod ? [{ kind: 'lastPeriod', params: {} } as const] : []),
    ...(baselines.histMean ? [{ kind: 'histMean', params: {} } as const] : []),
    ...(baselines.lifetime ? [{ kind: 'bgnbd', params: {} } as const] : []),
  ];
  for (const spec of [...grid.flatMap(expandValueGrid), ...base]) {
    const label = valueSpecLabel(spec);
    if (seen.has(label)) continue;
    seen.add(label);
    specs.push(spec);
  }
  return specs.map((spec, configId) => ({ configId, spec, label: valueSpecLabel(spec), baseline: isValueBaseline(spec) }));
}

/** Lowest MAE first; NaN last; ties by configId. */
function byMae(a: ValueLeaderboardRow, b: ValueLeaderboardRow): number {
  const x = a.scores.mae.mean;
  const y = b.scores.mae.mean;
  if (Number.isNaN(x) !== Number.isNaN(y)) return Number.isNaN(x) ? 1 : -1;
  return (x === y || Number.isNaN(x) ? 0 : x - y) || a.configId - b.configId;
}

export function valueLeaderboard(configs: readonly ValueConfig[], results: readonly ValueFoldResult[]): { models: ValueLeaderboardRow[]; baselines: ValueLeaderboardRow[] } {
  const rows: ValueLeaderboardRow[] = [];
  for (const config of configs) {
    const folds = results.filter((r) => r.configId === config.configId).sort((a, b) => a.fold - b.fold);
    if (folds.length === 0) continue;
    const perFold = folds.map((f) => f.scores);
    rows.push({
      configId: config.configId,
      spec: config.spec,
      label: config.label,
      baseline: config.baseline,
      folds: folds.length,
      scores: Object.fromEntries(REGRESSION_SCORE_NAMES.map((n) => [n, meanStd(perFold.map((s) => s[n]))])) as ValueLeaderboardRow['scores'],
      perFold,
      fitMs: folds.reduce((s, f) => s + f.fitMs, 0) / folds.length,
      notes: [...new Set(folds.flatMap((f) => (f.note ? [f.note] : [])))],
    });
  }
  rows.sort(byMae);
  return { models: rows.filter((r) => !r.baseline), baselines: rows.filter((r) => r.baseline) };
}

/** One configuration's fold predictions placed at their positions (the churn search's `outOfFold`). */
export function valueOutOfFold(dataset: ValueDatasetInfo, results: readonly ValueFoldResult[]): number[] {
  return outOfFold(dataset, results);
}

export async function coordinateValueSearch(
  dataset: ValueDatasetInfo,
  settings: ValueSearchSettings & { baselineColumns: ValueBaselineColumns },
  runner: TaskRunner,
  control: SearchControl = new SearchControl(),
  onProgress?: (progress: ValueSearchProgress) => void,
): Promise<ValueSearchResult> {
  const configs = valueSearchConfigs(settings.grid, settings.baselineColumns);
  checkValueSpecs(configs.map((c) => c.spec));
  if (!configs.some((c) => !c.baseline)) throw inputError('The model grid is empty: choose at least one model to try.', '模型网格为空：请至少选择一个要尝试的模型。');
  const { k, seed } = dataset;
  const started = performance.now();
  const elapsed = (): number => performance.now() - started - control.pausedMs();
  const tasks: SearchTask[] = [];
  for (let fold = 0; fold < k; fold++) for (const c of configs) tasks.push({ kind: 'fitValueFold', configId: c.configId, spec: c.spec, fold, seed: taskSeed(seed, c.label, fold) });
  const results: ValueFoldResult[] = [];
  let board = valueLeaderboard(configs, results);
  const report = (): void => {
    if (!onProgress) return;
    const ms = elapsed();
    const done = results.length;
    onProgress({ done, total: tasks.length, elapsedMs: ms, etaMs: done > 0 ? (ms / done) * (tasks.length - done) : null, paused: control.paused, leaderboard: board.models, baselines: board.baselines });
  };
  control.onChange = report;
  try {
    await runQueue(tasks, runner, control, (r) => {
      if (r.kind !== 'fitValueFold') throw new Error(`Expected a fitValueFold result, got ${r.kind}`);
      results.push(r);
      board = valueLeaderboard(configs, results);
      report();
    });
    if (control.cancelled) throw abortError('Search cancelled');
    const best = board.models[0]!;
    const oofOf = (configId: number): number[] => valueOutOfFold(dataset, results.filter((r) => r.configId === configId));
    return {
      dataset,
      leaderboard: board.models,
      baselines: board.baselines,
      best,
      oof: oofOf(best.configId),
      baselineOof: board.baselines.map((b) => ({ configId: b.configId, oof: oofOf(b.configId) })),
      tasks: results.length,
      elapsedMs: elapsed(),
    };
  } finally {
    control.onChange = undefined;
  }
}

export type { RegressionScores };
