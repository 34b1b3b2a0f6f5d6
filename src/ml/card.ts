/**
 * Model versioning: a model card records what a search chose, how well it
 * scored in cross-validation, on which data (a fingerprint, and per feature
 * the distribution it was trained on), so a later run can be compared with it
 * (card-compare.ts). Cards are plain JSON with a format name and a version;
 * card-read.ts checks every card read from outside, registry.ts stores them.
 *
 * This file builds cards. Pure, so it runs in Node tests. No TensorFlow.js.
 */
import { driftLevel, numericLabels, referenceCuts, type PsiBucket, type PsiResult } from './drift.ts';
import { cellAt, cellsOf, detectKind, isMissing, MISSING_LEVEL, OTHER_LEVEL, toNumber, type Cell, type ColumnData } from './features.ts';
import type { MeanStd, ModelKind, ModelSpec, SearchResult, SelectBy } from './protocol.ts';

export const MODEL_CARD_FORMAT = 'crm-lens-model-card';
export const MODEL_CARD_VERSION = 1;

/** The cross-validated scores a card keeps (mean ± std over folds). */
export const CARD_METRICS = ['auc', 'prAuc', 'f1', 'accuracy', 'logLoss'] as const;
export type CardMetric = (typeof CARD_METRICS)[number];
export type CvMetrics = Record<CardMetric, MeanStd>;

/** Quantile bins of the reference, as drift.ts cuts them (bucket k: cuts[k−1] < x ≤ cuts[k]); counts has one more bucket above the last cut, then the missing values. */
export interface NumericSummary {
  column: string;
  kind: 'numeric';
  /** Rows summarised (the search's usable rows). */
  n: number;
  cuts: number[];
  counts: number[];
}

/** Level counts, most frequent first (`(missing)` is a level); levels beyond `MAX_SUMMARY_LEVELS` are counted together in `otherCount`. */
export interface CategoricalSummary {
  column: string;
  kind: 'categorical';
  n: number;
  levels: string[];
  counts: number[];
  otherCount: number;
}

export type FeatureSummary = NumericSummary | CategoricalSummary;

/** What every model card (churn and value) records about its search and data. */
export interface CardCore {
  id: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** See `dataFingerprint`. */
  dataFingerprint: string;
  table: string;
  /** Rows in the table the search read. */
  rowCount: number;
  target: string;
  /** Rows with a target value. */
  nUsable: number;
  /** Source columns the model used, in table order. */
  features: string[];
  /** Columns the user left out. */
  excluded: string[];
  label: string;
  folds: number;
  seed: number;
  featureSummaries: FeatureSummary[];
}

export interface ModelCard extends CardCore {
  format: typeof MODEL_CARD_FORMAT;
  version: typeof MODEL_CARD_VERSION;
  positiveLabel: string;
  /** Share of positives among the usable rows. */
  positiveRate: number;
  spec: ModelSpec;
  selectBy: SelectBy;
  cvMetrics: CvMetrics;
  baselines: { label: string; kind: ModelKind; cvMetrics: CvMetrics }[];
  /** Decision threshold on the predicted probability. */
  threshold: number;
}

// ---------------------------------------------------------------- fingerprint

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/** FNV-1a, 64 bits, over the UTF-8 bytes of `text`, as 16 hex digits. */
export function hashText(text: string): string {
  let h = FNV_OFFSET;
  for (const byte of new TextEncoder().encode(text)) h = ((h ^ BigInt(byte)) * FNV_PRIME) & MASK64;
  return h.toString(16).padStart(16, '0');
}

/** Rows of the sample digest: evenly spaced, first row included. */
export const FINGERPRINT_SAMPLE_ROWS = 64;

/**
 * What identifies a training table without storing it: a hash of its name,
 * row count, column names and types (in order), and the values of up to
 * `FINGERPRINT_SAMPLE_ROWS` evenly spaced rows. Same data, same fingerprint;
 * a renamed, retyped, longer or edited (in a sampled row) table gives another.
 */
export function dataFingerprint(table: { name: string; columns: readonly { name: string; type: string }[] }, data: readonly ColumnData[]): string {
  const n = data[0]?.values.length ?? 0;
  const take = Math.min(n, FINGERPRINT_SAMPLE_ROWS);
  const sample: Cell[][] = [];
  for (let i = 0; i < take; i++) {
    const row = Math.floor((i * n) / take);
    sample.push(data.map((c) => cellAt(c.values, row)));
  }
  return hashText(JSON.stringify([table.name, n, table.columns.map((c) => [c.name, c.type.toUpperCase()]), data.map((c) => c.name), sample]));
}

// ---------------------------------------------------------------- feature summaries

export const SUMMARY_BINS = 10;
export const MAX_SUMMARY_LEVELS = 50;

// Cuts and labels come from drift.ts, so a stored summary gives the PSI `psi` gives on the raw values (pinned by a test).

function numericBucket(cuts: readonly number[], v: Cell): number {
  const x = toNumber(v);
  if (typeof x !== 'number') return cuts.length + 1;
  let k = 0;
  while (k < cuts.length && x > cuts[k]!) k++;
  return k;
}

function levelOf(v: Cell): string {
  return isMissing(v) ? MISSING_LEVEL : String(v).trim();
}


/**
 * How a column was distributed: quantile bins for a numeric column (the kind
 * judged on all its values, as features.ts does), level counts otherwise;
 * undefined for ID-like and empty columns, which no model uses.
 */
export function summarizeFeature(column: ColumnData, rows?: readonly number[], bins = SUMMARY_BINS): FeatureSummary | undefined {
  const kind = detectKind(column.values);
  const values = cellsOf(column.values, rows);
  if (kind === 'numeric') {
    const present = values.map(toNumber).filter((v): v is number => typeof v === 'number');
    const cuts = present.length ? referenceCuts(present, bins) : [];
    const counts = new Array<number>(cuts.length + 2).fill(0);
    for (const v of values) counts[numericBucket(cuts, v)]!++;
    return { column: column.name, kind: 'numeric', n: values.length, cuts, counts };
  }
  if (kind !== 'categorical') return undefined;
  const counts = new Map<string, number>();
  for (const v of values) counts.set(levelOf(v), (counts.get(levelOf(v)) ?? 0) + 1);
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const kept = ranked.slice(0, MAX_SUMMARY_LEVELS);
  return {
    column: column.name,
    kind: 'categorical',
    n: values.length,
    levels: kept.map(([l]) => l),
    counts: kept.map(([, c]) => c),
    otherCount: ranked.slice(MAX_SUMMARY_LEVELS).reduce((s, [, c]) => s + c, 0),
  };
}

/**
 * PSI of `values` against a stored summary: the formula, buckets and floor of
 * drift.ts (`psi`): Σ (aᵢ − eᵢ)·ln(aᵢ/eᵢ), empty shares floored at `epsilon`,
 * buckets empty on both sides left out; values in no reference bucket (text
 * in a numeric column: missing; an unseen level: `(other)`).
 */
export function summaryPsi(summary: FeatureSummary, values: readonly Cell[], epsilon = 1e-4): PsiResult {
  let labels: string[];
  let expected: number[];
  let bucketOf: (v: Cell) => number;
  if (summary.kind === 'numeric') {
    labels = numericLabels(summary.cuts);
    expected = summary.counts;
    bucketOf = (v) => numericBucket(summary.cuts, v);
  } else {
    const index = new Map(summary.levels.map((l, k) => [l, k]));
    labels = [...summary.levels, OTHER_LEVEL];
    expected = [...summary.counts, summary.otherCount];
    bucketOf = (v) => index.get(levelOf(v)) ?? summary.levels.length;
  }
  const actual = new Array<number>(labels.length).fill(0);
  for (const v of values) actual[bucketOf(v)]!++;
  const ne = Math.max(summary.n, 1);
  const na = Math.max(values.length, 1);
  const buckets: PsiBucket[] = [];
  let total = 0;
  labels.forEach((label, k) => {
    if (expected[k] === 0 && actual[k] === 0) return;
    const es = Math.max(expected[k]! / ne, epsilon);
    const as = Math.max(actual[k]! / na, epsilon);
    const contribution = (as - es) * Math.log(as / es);
    total += contribution;
    buckets.push({ label, expected: expected[k]! / ne, actual: actual[k]! / na, contribution });
  });
  return { psi: total, kind: summary.kind, level: driftLevel(total), buckets };
}

// ---------------------------------------------------------------- cards

export interface CardInput {
  result: SearchResult;
  /** The columns the search ran on (the table's rows, in table order). */
  columns: readonly ColumnData[];
  /** The table's name and DuckDB column types (a `TableInfo` will do). */
  table: { name: string; columns: readonly { name: string; type: string }[] };
  target: string;
  excluded: readonly string[];
  /** Default: the threshold that maximised F1 on the out-of-fold scores. */
  threshold?: number;
  /** The clock; tests pass a fixed date. */
  now?: Date;
}

export function cvMetrics(scores: Record<string, MeanStd>): CvMetrics {
  return Object.fromEntries(CARD_METRICS.map((m) => [m, { mean: scores[m]!.mean, std: scores[m]!.std }])) as CvMetrics;
}

/** Source columns a search used: every column but the target and those its features dropped. */
export function usedFeatures(result: SearchResult, columns: readonly ColumnData[], target: string): string[] {
  const dropped = new Set(result.dataset.dropped.map((d) => d.column));
  return columns.map((c) => c.name).filter((name) => name !== target && !dropped.has(name));
}

export function buildModelCard(input: CardInput): ModelCard {
  const { result, columns, table, target } = input;
  const now = input.now ?? new Date();
  const features = usedFeatures(result, columns, target);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const featureSummaries = features.flatMap((name) => {
    const s = summarizeFeature(byName.get(name)!, result.dataset.rows);
    return s ? [s] : [];
  });
  const fingerprint = dataFingerprint(table, columns);
  const createdAt = now.toISOString();
  return {
    format: MODEL_CARD_FORMAT,
    version: MODEL_CARD_VERSION,
    id: `m-${createdAt.replace(/[-:.]/g, '')}-${hashText(`${fingerprint}|${target}|${result.best.label}`).slice(0, 8)}`,
    createdAt,
    dataFingerprint: fingerprint,
    table: table.name,
    rowCount: columns[0]?.values.length ?? 0,
    target,
    positiveLabel: result.dataset.positiveLabel,
    nUsable: result.dataset.nUsable,
    positiveRate: result.dataset.positiveRate,
    features,
    excluded: [...input.excluded],
    spec: structuredClone(result.best.spec),
    label: result.best.label,
    selectBy: result.selectBy,
    folds: result.dataset.k,
    seed: result.dataset.seed,
    cvMetrics: cvMetrics(result.best.scores),
    baselines: result.baselines.map((b) => ({ label: b.label, kind: b.spec.kind, cvMetrics: cvMetrics(b.scores) })),
    threshold: input.threshold ?? result.curves.bestF1.threshold,
    featureSummaries,
  };
}

export function serializeModelCard(card: ModelCard): string {
  return JSON.stringify(card, null, 2);
}
