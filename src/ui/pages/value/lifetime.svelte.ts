/**
 * The lifetime-value panel's state: the settings, one fit at a time (start,
 * progress, cancel), the predictions and tiers derived from it as settings
 * change, the CSV and the `customer_value` table. The components only present it.
 */
import { errorMessage, isAbortError } from '../../../lib/errors.ts';
import type { Db } from '../../../db/types.ts';
import { downloadText, safeFileName } from '../../../lib/download.ts';
import { formatInt } from '../../../i18n/index.ts';
import type { TableInfo } from '../../../ingest/model.ts';
import { hasRevenue } from '../../../metrics/measures.ts';
import type { Tier } from '../../../metrics/tiers.ts';
import { crossTable, DEFAULT_RISK_CUT, DEFAULT_TOP_SHARE, summarizeTiers, topAtRisk, valueCutForTopShare } from '../../../metrics/value-tiers.ts';
import { fitLifetime, type LifetimeProgress } from '../../../ml/clv/client.ts';
import type { LifetimeFit } from '../../../ml/clv/types.ts';
import { loadRfmTiers, loadSavedRisk, loadValueData, loadValueScores, predict, type CountModel, type Predictions, type SavedValueScores, type ValueData } from '../../../report/value.ts';
import { customerValue, customerValueCsv, saveCustomerValue, type CustomerValue, type ValueSource } from '../../../report/value-table.ts';
import { VALUE_SCORES_TABLE } from '../../../metrics/value-target.ts';
import { app } from '../../state.svelte.ts';

/** Orders tables the summary can be built from. */
export function orderTables(tables: readonly TableInfo[]): TableInfo[] {
  return tables.filter((t) => t.kind === 'orders' && t.roles.customer_id && t.roles.order_date && hasRevenue(t));
}

export interface Fitted {
  table: string;
  calEnd: string;
  data: ValueData;
  fit: LifetimeFit;
  savedRisk: Float64Array | null;
  rfm: Map<string, Tier> | null;
}

export const TOP_N = 25;

/** Saved value scores and the fit whose customers they are aligned with. */
export type ModelScores = SavedValueScores & { forFit: Fitted };

export class LifetimeLab {
  tableName = $state<string | null>(null);
  /** The user's calibration end; null: the default from the data. */
  calEnd = $state<string | null>(null);
  model = $state<CountModel>('bgnbd');
  months = $state(12);
  monthlyDiscount = $state(0.01);
  margin = $state(0.3);
  topShare = $state(DEFAULT_TOP_SHARE);
  riskCut = $state(DEFAULT_RISK_CUT);
  progress = $state<string | null>(null);
  message = $state<string | null>(null);
  /** What the last save said, shown by the save button. */
  saved = $state<string | null>(null);
  result = $state.raw<Fitted | null>(null);
  /** What the tiers rank as value; 'value_model' reads `value_scores` (written by the value lab's "Score customers now"). */
  valueFrom = $state<ValueSource>('clv');
  modelScores = $state.raw<ModelScores | null>(null);
  #controller: AbortController | null = null;

  readonly tables = $derived(orderTables(app.tables));
  readonly table = $derived(this.tables.find((t) => t.name === this.tableName) ?? this.tables[0] ?? null);

  readonly predictions = $derived.by((): Predictions | null => {
    const r = this.result;
    if (!r) return null;
    return predict(r.data, r.fit, { model: this.model, months: Math.max(1, Math.round(this.months)), monthlyDiscount: Math.max(0, this.monthlyDiscount), margin: this.margin });
  });
  readonly modelScoresAvailable = $derived(app.tables.some((t) => t.name === VALUE_SCORES_TABLE));
  /** The value model's predictions when the user picked them and they are loaded; null: rank by CLV. */
  readonly modelValue = $derived(this.valueFrom === 'value_model' && this.modelScoresAvailable && this.modelScores?.forFit === this.result ? this.modelScores.spend : null);
  readonly valueCut = $derived(this.predictions ? valueCutForTopShare(this.modelValue ?? this.predictions.clv, this.topShare) : Infinity);
  readonly thresholds = $derived({ valueCut: this.valueCut, riskCut: this.riskCut });
  readonly values = $derived.by((): CustomerValue | null =>
    this.result && this.predictions ? customerValue(this.result.data.summary.ids, this.predictions, this.result.savedRisk, this.thresholds, this.modelValue) : null,
  );
  readonly tierRows = $derived(this.values && this.result ? summarizeTiers(this.values.tiers, this.values.value, this.values.risk, this.result.data.spendTotal) : []);
  readonly cross = $derived(this.values && this.result?.rfm ? crossTable(this.result.rfm, this.values.ids, this.values.tiers) : null);
  readonly top = $derived(this.values ? topAtRisk(this.values.value, this.values.risk, TOP_N) : []);

  /** Picks what the tiers rank; the value model's scores are read by the tiers panel's query (again whenever `value_scores` changes). */
  setValueFrom(source: ValueSource): void {
    this.saved = null;
    this.valueFrom = source;
  }

  /** The saved value scores aligned with the fit shown; called by that query. */
  async readModelScores(db: Db, signal: AbortSignal): Promise<SavedValueScores | null> {
    const r = this.result;
    if (!r) return null;
    const scores = await loadValueScores(db, app.tables, r.data.summary.ids);
    signal.throwIfAborted();
    if (this.result === r) this.modelScores = scores ? { ...scores, forFit: r } : null;
    return scores;
  }

  /** Build the summary for `calEnd`, then fit all three models in a worker. */
  async fit(calEnd: string): Promise<void> {
    const table = this.table;
    if (!table) return;
    this.#controller?.abort();
    const controller = (this.#controller = new AbortController());
    this.message = null;
    this.saved = null;
    this.progress = app.t('value.lt.loading');
    try {
      const db = await app.db();
      const data = await loadValueData(db, table, calEnd);
      const savedRisk = await loadSavedRisk(db, app.tables, data.summary.ids);
      const rfm = await loadRfmTiers(db, table, data.scope.last_day);
      controller.signal.throwIfAborted();
      const fit = await fitLifetime(data.summary, {
        signal: controller.signal,
        onProgress: (p: LifetimeProgress) => {
          if (this.#controller === controller) this.progress = app.t('value.lt.fitting', { model: modelName(p.model), restart: p.restart, of: p.of });
        },
      });
      if (this.#controller === controller) this.result = { table: table.name, calEnd, data, fit, savedRisk, rfm };
    } catch (e) {
      if (this.#controller !== controller) return;
      if (isAbortError(e)) this.message = app.t('value.lt.cancelled');
      else app.error = errorMessage(e);
    } finally {
      if (this.#controller === controller) {
        this.#controller = null;
        this.progress = null;
      }
    }
  }

  cancel(): void {
    this.#controller?.abort();
  }

  exportCsv(): void {
    if (!this.values || !this.result) return;
    downloadText(customerValueCsv(this.values), `${safeFileName(this.result.table)}_customer_value.csv`, 'text/csv;charset=utf-8');
  }

  async save(): Promise<void> {
    if (!this.values) return;
    try {
      const source = this.values.valueSource === 'value_model' && this.modelScores ? `model:${this.model}+${this.modelScores.model}` : `model:${this.model}`;
      const saved = await saveCustomerValue(app.workspace, this.values, source);
      this.saved = app.t('value.saved', { rows: formatInt(app.locale, saved.rowCount), table: saved.name });
    } catch (e) {
      app.error = errorMessage(e);
    }
  }
}

export function modelName(m: 'bgnbd' | 'pareto' | 'gammaGamma'): string {
  return m === 'bgnbd' ? 'BG/NBD' : m === 'pareto' ? 'Pareto/NBD' : 'Gamma-Gamma';
}
