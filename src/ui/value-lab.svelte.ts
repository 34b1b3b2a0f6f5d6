/**
 * The value lab's state: the cut-off form, one value search at a time
 * (build the training table, then grid × k-fold on the worker pool, with
 * pause, resume and cancel), the chart data of the result, and the saved
 * value models. ValueLab.svelte only presents it.
 */
import { cellAt, type ColumnData } from '../ml/features.ts';
import type { SearchRun } from '../ml/client.ts';
import type { ValueLeaderboardRow, ValueSearchProgress, ValueSearchResult } from '../ml/protocol.ts';
import { decileMeans, residualsByGroup, topDecileLift } from '../ml/regression-metrics.ts';
import { DEFAULT_VALUE_GRID } from '../ml/value-specs.ts';
import { buildValueCard, type ValueModelCard } from '../ml/value-card.ts';
import type { ListedCards } from '../ml/registry.ts';
import { CLV_COLUMNS, DEFAULT_HORIZON_MONTHS, FUTURE_SPEND_COLUMN, HIST_MEAN_COLUMN, LAST_PERIOD_COLUMN, valueCutoffProblem, valueCutoffRange } from '../metrics/value-target.ts';
import type { CutoffProblem, OrderSpan } from '../metrics/churn-target.ts';
import type { TableInfo } from '../ingest/model.ts';
import { buildValueTable, fetchColumns, getSearchPool, valueRegistry, type ValueTable } from '../report/value-model.ts';
import { errorMessage, isAbortError } from '../lib/errors.ts';
import { downloadText, safeFileName } from '../lib/download.ts';
import type { ValueDatasetPayload } from '../ml/protocol.ts';
import { saveValueScores, scoreValueCustomers, topValueScores, valueScoresCsv, type ValueScores } from '../report/value-scores.ts';
import { VALUE_SCORES_TABLE } from '../metrics/value-target.ts';
import { formatInt } from '../i18n/index.ts';
import { app } from './state.svelte.ts';

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** The customer id, name and dates say nothing general; a raw date column is not a feature either. */
function excluded(table: TableInfo): string[] {
  const ids = [table.roles.customer_id, table.roles.name].filter((c): c is string => c !== undefined);
  // The BG/NBD summary columns feed that baseline only; they restate the features.
  return [...new Set([...ids, ...table.columns.filter((c) => /DATE|TIME/i.test(c.type)).map((c) => c.name), ...Object.values(CLV_COLUMNS)])];
}

export class ValueLab {
  horizon = $state(DEFAULT_HORIZON_MONTHS);
  cutoff = $state('');
  log1p = $state(true);
  k = $state(5);
  span = $state.raw<OrderSpan | null>(null);
  building = $state(false);
  progress = $state.raw<ValueSearchProgress | null>(null);
  result = $state.raw<ValueSearchResult | null>(null);
  trained = $state.raw<(ValueTable & { cutoff: string; months: number; columns: ColumnData[]; exclude: string[] }) | null>(null);
  message = $state<string | null>(null);
  /** Said beside the save button. */
  savedMessage = $state<string | null>(null);
  listed = $state.raw<ListedCards<ValueModelCard>>({ cards: [], unreadable: [] });
  /** "Score customers now": the best model's predictions as of the data's end, and what was said about them. */
  scores = $state.raw<ValueScores | null>(null);
  scoring = $state(false);
  scoresMessage = $state<string | null>(null);
  /** The data set the shown search ran on (the refit for scoring uses it). */
  #dataset: ValueDatasetPayload | null = null;
  #run: SearchRun<ValueSearchResult> | null = null;

  readonly horizonOk = $derived(Number.isInteger(this.horizon) && this.horizon >= 1);
  readonly range = $derived(this.span && this.horizonOk ? valueCutoffRange(this.span, this.horizon) : null);
  readonly problem = $derived.by((): CutoffProblem | null => {
    if (!this.span || !this.horizonOk || !DATE_RE.test(this.cutoff)) return null;
    try {
      return valueCutoffProblem(this.span, { cutoff: this.cutoff, horizonMonths: this.horizon });
    } catch {
      return null;
    }
  });
  readonly running = $derived(this.building || this.progress !== null);
  readonly canRun = $derived(this.span !== null && this.horizonOk && DATE_RE.test(this.cutoff) && this.problem === null && !this.running);

  /** Models, then baselines: of the finished search, or of the one running. */
  readonly rows = $derived.by((): ValueLeaderboardRow[] => {
    const src = this.result ?? this.progress;
    return src ? [...src.leaderboard, ...src.baselines] : [];
  });
  readonly topScores = $derived(this.scores ? topValueScores(this.scores, 10) : []);
  readonly lastPeriod = $derived(this.result?.baselines.find((b) => b.spec.kind === 'lastPeriod'));

  /** Chart data of the best model's out-of-fold predictions. */
  readonly charts = $derived.by(() => {
    const r = this.result;
    const t = this.trained;
    if (!r || !t) return null;
    const y = r.dataset.y;
    const p = r.oof;
    const segmentName = t.table.roles.segment;
    const segment = segmentName ? t.columns.find((c) => c.name === segmentName) : undefined;
    const groups = r.dataset.rows.map((row) => (segment ? String(cellAt(segment.values, row) ?? '—') : app.t('valueModel.allCustomers')));
    return {
      y,
      p,
      deciles: decileMeans(y, p),
      mean: y.reduce((s, v) => s + v, 0) / Math.max(1, y.length),
      lift: topDecileLift(y, p),
      segmentColumn: segmentName ?? '',
      residuals: residualsByGroup(y, p, groups),
    };
  });

  /** Sets the span of the workspace's orders; the cut-off starts at the latest the horizon allows. */
  setSpan(span: OrderSpan | null): void {
    this.span = span;
    if (span && this.horizonOk && (this.cutoff === '' || valueCutoffProblem(span, { cutoff: this.cutoff, horizonMonths: this.horizon }))) {
      this.cutoff = valueCutoffRange(span, this.horizon)?.latest ?? this.cutoff;
    }
  }

  async start(): Promise<void> {
    if (!this.canRun) return;
    const cutoff = this.cutoff;
    const months = this.horizon;
    this.result = null;
    this.message = null;
    this.savedMessage = null;
    this.scores = null;
    this.scoresMessage = null;
    this.building = true;
    try {
      const db = await app.db();
      const built = await buildValueTable(app.workspace, db, app.tables, { cutoff, horizonMonths: months });
      const columns = await fetchColumns(db, built.table.name);
      const exclude = excluded(built.table);
      this.trained = { ...built, cutoff, months, columns, exclude };
      this.building = false;
      const dataset: ValueDatasetPayload = {
        task: 'regression',
        columns,
        target: FUTURE_SPEND_COLUMN,
        exclude,
        k: this.k,
        seed: 1,
        log1p: this.log1p,
        baselineColumns: { lastPeriod: LAST_PERIOD_COLUMN, histMean: HIST_MEAN_COLUMN, lifetime: { ...CLV_COLUMNS, months } },
      };
      this.#dataset = dataset;
      this.#run = getSearchPool().valueSearch({ ...dataset, grid: DEFAULT_VALUE_GRID }, (p) => (this.progress = p));
      this.result = await this.#run.result;
    } catch (e) {
      if (isAbortError(e)) this.message = app.t('valueModel.cancelled');
      else app.error = errorMessage(e);
    } finally {
      this.building = false;
      this.#run = null;
      this.progress = null;
    }
  }

  pause(): void {
    this.#run?.pause();
  }
  resume(): void {
    this.#run?.resume();
  }
  cancel(): void {
    this.#run?.cancel();
  }

  /** Refits the best model on every training row, scores every customer as of the data's end, and writes `value_scores`. */
  async scoreNow(label: string): Promise<void> {
    const r = this.result;
    const t = this.trained;
    const dataset = this.#dataset;
    if (!r || !t || !dataset || this.scoring) return;
    this.scoring = true;
    this.scoresMessage = null;
    try {
      const db = await app.db();
      const scores = await scoreValueCustomers(getSearchPool(), app.workspace, db, app.tables, { dataset, spec: r.best.spec, label, months: t.months });
      const saved = await saveValueScores(app.workspace, scores);
      this.scores = scores;
      this.scoresMessage = app.t('valueModel.scores.saved', { rows: formatInt(app.locale, saved.rowCount), table: VALUE_SCORES_TABLE, date: scores.asOf });
    } catch (e) {
      app.error = errorMessage(e);
    } finally {
      this.scoring = false;
    }
  }

  exportScores(): void {
    if (this.scores) downloadText(valueScoresCsv(this.scores), `${safeFileName(VALUE_SCORES_TABLE)}_${this.scores.asOf}.csv`, 'text/csv;charset=utf-8');
  }

  async refreshRegistry(): Promise<void> {
    try {
      this.listed = await valueRegistry().list();
    } catch (e) {
      app.error = errorMessage(e);
    }
  }

  async save(): Promise<void> {
    const r = this.result;
    const t = this.trained;
    if (!r || !t) return;
    try {
      const card = buildValueCard({ result: r, columns: t.columns, table: t.table, target: FUTURE_SPEND_COLUMN, excluded: t.exclude, cutoff: t.cutoff, horizonMonths: t.months });
      await valueRegistry().save(card);
      await this.refreshRegistry();
      this.savedMessage = app.t('valueModel.saved', { model: card.label, id: card.id });
    } catch (e) {
      app.error = errorMessage(e);
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await valueRegistry().remove(id);
      await this.refreshRegistry();
    } catch (e) {
      app.error = errorMessage(e);
    }
  }
}
