/**
 * The model lab's state: one search at a time (start, pause, resume, cancel),
 * the threshold and its economics, and what to do with the scored list
 * (download it, save it as a table). The component only presents it.
 */
import { RISK_TABLE } from '../metrics/filters.ts';
import { fetchColumns, getSearchPool, scoresCsv, shortLabels, warningList } from '../report/churn.ts';
import { DEFAULT_SEARCH_SETTINGS, type LeaderboardRow, type SearchProgress, type SearchResult } from '../ml/protocol.ts';
import type { SearchRun } from '../ml/client.ts';
import { cellAt, type Cell, type ColumnData } from '../ml/features.ts';
import { bestThresholdByProfit, confusionMatrix, metricsFromConfusion, profitOf } from '../ml/thresholds.ts';
import { formatInt } from '../i18n/index.ts';
import { errorMessage, isAbortError } from '../lib/errors.ts';
import { downloadText, safeFileName } from '../lib/download.ts';
import { loadDelimited } from '../ingest/load.ts';
import type { TableInfo } from '../ingest/model.ts';
import { app } from './state.svelte.ts';

export interface LabInput {
  table: TableInfo;
  target: string;
  /** Columns the user left out on the page's feature list. */
  exclude: string[];
}

/** The four evaluation charts and the profit curve. */
export const CHART_COUNT = 5;

export class ModelLab {
  k = $state(5);
  balanced = $state(false);
  progress = $state.raw<SearchProgress | null>(null);
  result = $state.raw<SearchResult | null>(null);
  /** The columns the search shown ran on. */
  columns = $state.raw<ColumnData[]>([]);
  message = $state<string | null>(null);
  offerCost = $state(10);
  savedValue = $state(200);
  threshold = $state(0.5);
  /** Result charts drawn so far: one per frame, so a finished search does not freeze the page while five charts set up. */
  chartsShown = $state(0);
  /** Target and feature selection of the search shown, to say when the page's selection has moved on. */
  ranWith = $state('');
  /** The target of the search shown. */
  ranTarget = $state('');

  readonly #input: () => LabInput;
  #run: SearchRun | null = null;

  constructor(input: () => LabInput) {
    this.#input = input;
  }

  readonly selectionKey = $derived.by(() => {
    const { table, target, exclude } = this.#input();
    return JSON.stringify([table.name, target, [...exclude].sort()]);
  });

  /** Models, then baselines: of the finished search, or of the one running. */
  readonly rows = $derived.by((): LeaderboardRow[] => {
    const src = this.result ?? this.progress;
    return src ? [...src.leaderboard, ...src.baselines] : [];
  });
  readonly labels = $derived(shortLabels(this.rows));

  readonly economics = $derived.by(() => {
    const r = this.result;
    if (!r || !(this.offerCost >= 0) || !(this.savedValue >= 0)) return null;
    return bestThresholdByProfit(r.dataset.y, r.oof, { offerCost: this.offerCost, savedValue: this.savedValue });
  });
  readonly cm = $derived(this.result ? confusionMatrix(this.result.dataset.y, this.result.oof, this.threshold) : null);
  readonly atThreshold = $derived(this.cm ? metricsFromConfusion(this.cm) : null);
  readonly profitAtThreshold = $derived(this.cm && this.offerCost >= 0 && this.savedValue >= 0 ? profitOf(this.cm, { offerCost: this.offerCost, savedValue: this.savedValue }) : null);

  /** Source columns the models saw: every column but the target and the dropped ones. */
  readonly usedColumns = $derived(this.result ? this.columns.length - 1 - this.result.dataset.dropped.length : 0);
  readonly idColumn = $derived(this.columns.find((c) => c.name === this.#input().table.roles.customer_id));
  /** Customers still active, ranked; the already churned are left out (their out-of-fold scores are the evaluation). */
  readonly warning = $derived.by(() => {
    const targetColumn = this.columns.find((c) => c.name === this.ranTarget);
    return this.result && targetColumn ? warningList(this.result.final.scored, targetColumn) : { active: [], lost: 0 };
  });
  readonly topRisk = $derived(this.warning.active.slice(0, 25));
  readonly tierCounts = $derived.by(() => {
    const c = { high: 0, medium: 0, low: 0 };
    for (const s of this.warning.active) c[s.tier]++;
    return c;
  });
  readonly oneFeature = $derived(this.result?.baselines.find((b) => b.spec.kind === 'oneFeature'));
  readonly majority = $derived(this.result?.baselines.find((b) => b.spec.kind === 'majority'));

  labelOf(r: LeaderboardRow): string {
    return this.labels.get(r.configId) ?? r.label;
  }

  /** The customer key of a scored row (its number when the table has none). */
  customerAt(row: number): Cell {
    return this.idColumn ? cellAt(this.idColumn.values, row) : row + 1;
  }

  async start(): Promise<void> {
    const { table, target, exclude } = this.#input();
    this.result = null;
    this.message = null;
    this.progress = null;
    try {
      const db = await app.db();
      this.columns = await fetchColumns(db, table.name);
      const key = this.selectionKey;
      const grid = DEFAULT_SEARCH_SETTINGS.grid.map((g) => ({ ...g, classWeight: this.balanced ? (['balanced'] as const).slice() : (['none'] as const).slice() }));
      // The pool copies the columns to each worker: the page keeps them for the scored list and the model card.
      this.#run = getSearchPool().search({ ...DEFAULT_SEARCH_SETTINGS, k: this.k, grid, columns: this.columns, target, exclude }, (p) => (this.progress = p));
      const r = await this.#run.result;
      this.ranTarget = target;
      this.result = r;
      this.ranWith = key;
      this.threshold = Math.round(r.curves.bestF1.threshold * 100) / 100;
      this.#revealCharts();
    } catch (e) {
      if (isAbortError(e)) this.message = app.t('churn.cancelled');
      else app.error = errorMessage(e);
    } finally {
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

  /** Move the threshold slider to the most profitable threshold (within its range). */
  useBestProfit(): void {
    if (this.economics && Number.isFinite(this.economics.threshold)) this.threshold = Math.min(0.99, Math.max(0.01, Math.round(this.economics.threshold * 100) / 100));
  }

  exportCsv(): void {
    if (this.result) downloadText(scoresCsv(this.idColumn, this.warning.active), `${safeFileName(this.#input().table.name)}_churn_scores.csv`, 'text/csv;charset=utf-8');
  }

  async saveTable(): Promise<void> {
    if (!this.result) return;
    try {
      const best = this.result.best.label;
      const csv = scoresCsv(this.idColumn, this.warning.active, { spreadsheet: false });
      const saved = await app.workspace.addTable(RISK_TABLE, async (db) => {
        const res = await loadDelimited(db, { fileName: 'churn_scores.csv', bytes: new TextEncoder().encode(csv), tableName: RISK_TABLE });
        return { ...res.table, source: `model:${best}`, kind: 'other', roles: {} };
      });
      this.message = app.t('lab.saved', { rows: formatInt(app.locale, saved.rowCount), table: saved.name });
    } catch (e) {
      app.error = errorMessage(e);
    }
  }

  #revealCharts(): void {
    this.chartsShown = 0;
    const next = (): void => {
      if (this.chartsShown >= CHART_COUNT) return;
      this.chartsShown++;
      requestAnimationFrame(next);
    };
    requestAnimationFrame(next);
  }
}
