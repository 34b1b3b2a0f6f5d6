/**
 * The latest search against a saved model card: metric deltas, and drift of
 * every saved feature as the population stability index. Pure.
 */
import { cvMetrics, summaryPsi, usedFeatures, CARD_METRICS, type CardMetric, type CvMetrics, type ModelCard } from './card.ts';
import type { PsiResult } from './drift.ts';
import { cellsOf, type ColumnData } from './features.ts';
import type { MeanStd, SearchResult } from './protocol.ts';


export interface MetricDelta {
  metric: CardMetric;
  previous: MeanStd;
  current: MeanStd;
  /** current − previous. */
  delta: number;
  /** `similar` when the change is within the larger of the two fold standard deviations; log loss: lower is better. */
  change: 'better' | 'worse' | 'similar';
}

export interface FeatureDrift extends PsiResult {
  column: string;
}

export interface RunComparison {
  previousId: string;
  metrics: MetricDelta[];
  /** Per feature of the saved model found in the new columns, largest PSI first. */
  drift: FeatureDrift[];
  /** Features of the saved model the new columns lack. */
  missing: string[];
  /** Features the new run used that the saved model did not. */
  added: string[];
  sameTable: boolean;
  sameTarget: boolean;
  sameModel: boolean;
}

export function metricDeltas(previous: CvMetrics, current: CvMetrics): MetricDelta[] {
  return CARD_METRICS.map((metric) => {
    const p = previous[metric];
    const c = current[metric];
    const delta = c.mean - p.mean;
    const gain = metric === 'logLoss' ? -delta : delta;
    const change = Math.abs(delta) <= Math.max(p.std, c.std) ? 'similar' : gain > 0 ? 'better' : 'worse';
    return { metric, previous: { ...p }, current: { ...c }, delta, change };
  });
}

/**
 * The latest search against a saved card: scores of each best model, and drift
 * of each saved feature from the distribution the card kept to the new run's
 * usable rows.
 */
export function compareRun(previous: ModelCard, latest: SearchResult, columns: readonly ColumnData[], current: { table: string; target: string }): RunComparison {
  const byName = new Map(columns.map((c) => [c.name, c]));
  const drift: FeatureDrift[] = [];
  const missing: string[] = [];
  for (const s of previous.featureSummaries) {
    const column = byName.get(s.column);
    if (!column) missing.push(s.column);
    else drift.push({ column: s.column, ...summaryPsi(s, cellsOf(column.values, latest.dataset.rows)) });
  }
  for (const name of previous.features) if (!byName.has(name) && !missing.includes(name)) missing.push(name);
  const before = new Set(previous.features);
  return {
    previousId: previous.id,
    metrics: metricDeltas(previous.cvMetrics, cvMetrics(latest.best.scores)),
    drift: drift.sort((a, b) => b.psi - a.psi),
    missing,
    added: usedFeatures(latest, columns, current.target).filter((f) => !before.has(f)),
    sameTable: previous.table === current.table,
    sameTarget: previous.target === current.target,
    sameModel: previous.label === latest.best.label,
  };
}
