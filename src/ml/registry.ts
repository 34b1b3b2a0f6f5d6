/**
 * Model versioning: a model card records what a search chose, how well it
 * scored in cross-validation, on which data (a fingerprint, and per feature
 * the distribution it was trained on), so a later run can be compared with it:
 * metric deltas, and drift of every feature as the population stability index.
 *
 * Cards are plain JSON with a format name and a version; they are stored as
 * JSON text in IndexedDB, exported as a JSON file and imported back, and every
 * card read from outside is checked before use. Everything here but
 * `indexedDbModelStore` is pure, so it runs in Node tests. No TensorFlow.js.
 */
import { driftLevel, numericLabels, referenceCuts, type PsiBucket, type PsiResult } from './drift.ts';
import { inputError } from './errors.ts';
import { cellAt, cellsOf, detectKind, isMissing, MISSING_LEVEL, OTHER_LEVEL, toNumber, type Cell, type ColumnData } from './features.ts';
import type { MeanStd, ModelKind, ModelSpec, SearchResult, SelectBy } from './protocol.ts';
import { specProblems } from './specs.ts';
import { safeFileName } from '../lib/download.ts';

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

export interface ModelCard {
  format: typeof MODEL_CARD_FORMAT;
  version: typeof MODEL_CARD_VERSION;
  id: string;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** See `dataFingerprint`. */
  dataFingerprint: string;
  table: string;
  /** Rows in the table the search read. */
  rowCount: number;
  target: string;
  positiveLabel: string;
  /** Rows with a target value, and the share of positives among them. */
  nUsable: number;
  positiveRate: number;
  /** Source columns the model used, in table order. */
  features: string[];
  /** Columns the user left out. */
  excluded: string[];
  spec: ModelSpec;
  label: string;
  selectBy: SelectBy;
  folds: number;
  seed: number;
  cvMetrics: CvMetrics;
  baselines: { label: string; kind: ModelKind; cvMetrics: CvMetrics }[];
  /** Decision threshold on the predicted probability. */
  threshold: number;
  featureSummaries: FeatureSummary[];
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

function cvMetrics(scores: Record<string, MeanStd>): CvMetrics {
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

// ---------------------------------------------------------------- reading cards back

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const SELECT_BY: ReadonlySet<string> = new Set<SelectBy>(['auc', 'prAuc', 'logLoss', 'f1', 'accuracy']);
const MODEL_KINDS: ReadonlySet<string> = new Set<ModelKind>(['logreg', 'mlp', 'tree', 'gbt', 'majority', 'oneFeature']);

/** Collects what is wrong with a parsed card, by field path. */
class Checker {
  problems: string[] = [];
  fail(path: string, what: string): void {
    this.problems.push(`${path} ${what}`);
  }
  string(o: Record<string, unknown>, key: string, path = key): void {
    if (typeof o[key] !== 'string') this.fail(path, 'must be text');
  }
  number(o: Record<string, unknown>, key: string, path = key, min = -Infinity, max = Infinity): void {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, 'must be a number');
    else if (v < min || v > max) this.fail(path, `must be between ${min} and ${max}`);
  }
  count(o: Record<string, unknown>, key: string, path = key): void {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.fail(path, 'must be a whole number ≥ 0');
  }
  strings(o: Record<string, unknown>, key: string, path = key): void {
    const v = o[key];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) this.fail(path, 'must be a list of text');
  }
  metrics(v: unknown, path: string): void {
    if (!isRecord(v)) return this.fail(path, 'must be an object');
    for (const m of CARD_METRICS) {
      const s = v[m];
      if (!isRecord(s)) this.fail(`${path}.${m}`, 'must be {mean, std}');
      else {
        this.number(s, 'mean', `${path}.${m}.mean`);
        this.number(s, 'std', `${path}.${m}.std`, 0);
      }
    }
  }
  spec(v: unknown, path: string): void {
    if (!isRecord(v) || typeof v.kind !== 'string' || !MODEL_KINDS.has(v.kind) || !isRecord(v.params)) {
      return this.fail(path, 'must be a model spec {kind, classWeight, params}');
    }
    try {
      for (const p of specProblems(v as unknown as ModelSpec)) this.fail(`${path}`, p);
    } catch (e) {
      this.fail(path, `has unreadable parameters (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  summary(v: unknown, path: string): void {
    if (!isRecord(v)) return this.fail(path, 'must be an object');
    this.string(v, 'column', `${path}.column`);
    this.count(v, 'n', `${path}.n`);
    const counts = v.counts;
    if (!Array.isArray(counts) || !counts.every((c) => Number.isInteger(c) && c >= 0)) return this.fail(`${path}.counts`, 'must be a list of whole numbers');
    let total = counts.reduce((s: number, c: number) => s + c, 0);
    if (v.kind === 'numeric') {
      const cuts = v.cuts;
      if (!Array.isArray(cuts) || !cuts.every((c, i) => typeof c === 'number' && Number.isFinite(c) && (i === 0 || c > cuts[i - 1]))) {
        return this.fail(`${path}.cuts`, 'must be increasing numbers');
      }
      if (counts.length !== cuts.length + 2) this.fail(`${path}.counts`, `must have ${cuts.length + 2} entries (one per bin, then missing)`);
    } else if (v.kind === 'categorical') {
      this.strings(v, 'levels', `${path}.levels`);
      if (!Array.isArray(v.levels) || counts.length !== v.levels.length) this.fail(`${path}.counts`, 'must have one entry per level');
      this.count(v, 'otherCount', `${path}.otherCount`);
      total += typeof v.otherCount === 'number' ? v.otherCount : 0;
    } else {
      return this.fail(`${path}.kind`, 'must be "numeric" or "categorical"');
    }
    if (total !== v.n) this.fail(`${path}.counts`, `must add up to n (${String(v.n)})`);
  }
}

const BAD_FILE_EN = 'Choose a .json file exported from the model registry of CRM Lens.';
const BAD_FILE_ZH = '请选择从 CRM Lens 模型库导出的 .json 文件。';

/** A card from any parsed JSON value, checked field by field; throws an MlInputError (both languages) naming what is wrong. */
export function checkModelCard(raw: unknown): ModelCard {
  if (!isRecord(raw) || raw.format !== MODEL_CARD_FORMAT) {
    throw inputError(`This is not a CRM Lens model card (no "format": "${MODEL_CARD_FORMAT}"). ${BAD_FILE_EN}`, `这不是 CRM Lens 模型卡（缺少 "format": "${MODEL_CARD_FORMAT}"）。${BAD_FILE_ZH}`);
  }
  if (raw.version !== MODEL_CARD_VERSION) {
    const v = JSON.stringify(raw.version ?? null);
    throw inputError(
      `This model card has version ${v}; this version of CRM Lens reads version ${MODEL_CARD_VERSION} only. Export it again from a matching version.`,
      `该模型卡的版本为 ${v}；当前版本的 CRM Lens 只能读取版本 ${MODEL_CARD_VERSION}。请用匹配的版本重新导出。`,
    );
  }
  const c = new Checker();
  for (const key of ['id', 'createdAt', 'dataFingerprint', 'table', 'target', 'positiveLabel', 'label']) c.string(raw, key);
  if (typeof raw.id === 'string' && raw.id.trim() === '') c.fail('id', 'must not be empty');
  if (typeof raw.createdAt === 'string' && Number.isNaN(Date.parse(raw.createdAt))) c.fail('createdAt', 'must be an ISO date and time');
  c.count(raw, 'rowCount');
  c.count(raw, 'nUsable');
  c.number(raw, 'positiveRate', 'positiveRate', 0, 1);
  c.number(raw, 'threshold', 'threshold', 0, 1);
  c.count(raw, 'folds');
  c.number(raw, 'seed');
  c.strings(raw, 'features');
  c.strings(raw, 'excluded');
  if (typeof raw.selectBy !== 'string' || !SELECT_BY.has(raw.selectBy)) c.fail('selectBy', `must be one of ${[...SELECT_BY].join(', ')}`);
  c.spec(raw.spec, 'spec');
  c.metrics(raw.cvMetrics, 'cvMetrics');
  if (!Array.isArray(raw.baselines)) c.fail('baselines', 'must be a list');
  else {
    raw.baselines.forEach((b: unknown, i) => {
      if (!isRecord(b)) return c.fail(`baselines[${i}]`, 'must be an object');
      c.string(b, 'label', `baselines[${i}].label`);
      if (typeof b.kind !== 'string' || !MODEL_KINDS.has(b.kind)) c.fail(`baselines[${i}].kind`, 'must be a model kind');
      c.metrics(b.cvMetrics, `baselines[${i}].cvMetrics`);
    });
  }
  if (!Array.isArray(raw.featureSummaries)) c.fail('featureSummaries', 'must be a list');
  else raw.featureSummaries.forEach((s: unknown, i) => c.summary(s, `featureSummaries[${i}]`));
  if (c.problems.length) {
    const shown = c.problems.slice(0, 5).join('; ') + (c.problems.length > 5 ? `; … (${c.problems.length - 5} more)` : '');
    throw inputError(`This model card is damaged: ${shown}. ${BAD_FILE_EN}`, `该模型卡已损坏：${shown}。${BAD_FILE_ZH}`);
  }
  return raw as unknown as ModelCard;
}

/** A card from the text of an exported file. */
export function parseModelCard(text: string): ModelCard {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw inputError(`This file is not JSON (${why}). ${BAD_FILE_EN}`, `该文件不是 JSON（${why}）。${BAD_FILE_ZH}`);
  }
  return checkModelCard(raw);
}

/** A file name for a card's export: table, model kind and creation time, nothing a file system refuses. */
export function modelCardFileName(card: Pick<ModelCard, 'table' | 'spec' | 'createdAt'>): string {
  const stamp = card.createdAt.slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return `model_${safeFileName(card.table)}_${card.spec.kind}_${stamp}.json`.replace(/\s+/g, '_');
}

// ---------------------------------------------------------------- comparing a new run with a card

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

// ---------------------------------------------------------------- storage

/** Where cards are kept: JSON text by card id. IndexedDB in the browser, a Map in tests. */
export interface ModelStore {
  entries(): Promise<{ id: string; text: unknown }[]>;
  put(id: string, text: string): Promise<void>;
  delete(id: string): Promise<void>;
}

export function memoryModelStore(): ModelStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    entries: async () => [...data].map(([id, text]) => ({ id, text })),
    put: async (id, text) => void data.set(id, text),
    delete: async (id) => void data.delete(id),
  };
}

export interface ListedCards {
  /** Newest first. */
  cards: ModelCard[];
  /** Stored records that no longer read as a card, with why (they stay stored until deleted). */
  unreadable: { id: string; reason: string }[];
}

/** The registry over a store: reads check every card, writes store what `serializeModelCard` gives. */
export class ModelRegistry {
  constructor(private readonly store: ModelStore) {}

  async list(): Promise<ListedCards> {
    const cards: ModelCard[] = [];
    const unreadable: ListedCards['unreadable'] = [];
    for (const { id, text } of await this.store.entries()) {
      try {
        if (typeof text !== 'string') throw new Error('not stored as text');
        cards.push(parseModelCard(text));
      } catch (e) {
        unreadable.push({ id, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    cards.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : -1));
    return { cards, unreadable };
  }

  async save(card: ModelCard): Promise<void> {
    await this.store.put(card.id, serializeModelCard(checkModelCard(JSON.parse(serializeModelCard(card)))));
  }

  async remove(id: string): Promise<void> {
    await this.store.delete(id);
  }

  /** Check and store a card from an exported file's text; the card with the same id is replaced. */
  async importText(text: string): Promise<ModelCard> {
    const card = parseModelCard(text);
    await this.save(card);
    return card;
  }
}

/**
 * IndexedDB database of the registry. Not the workspace's `crm-lens` database:
 * ui/persist.ts opens that one at a fixed version with its own stores, and a
 * `models` store could only be added by raising that version, after which
 * persist.ts's open would fail with a VersionError.
 */
export const MODEL_DB_NAME = 'crm-lens-models';
export const MODEL_STORE_NAME = 'models';
const MODEL_DB_VERSION = 1;

function idbRequest<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** The browser store: one object store, JSON text keyed by card id. */
export function indexedDbModelStore(dbName = MODEL_DB_NAME): ModelStore {
  const open = (): Promise<IDBDatabase> => {
    if (typeof indexedDB === 'undefined') return Promise.reject(new Error('IndexedDB is not available in this browser'));
    const req = indexedDB.open(dbName, MODEL_DB_VERSION);
    req.onupgradeneeded = () => {
      if (!req.result.objectStoreNames.contains(MODEL_STORE_NAME)) req.result.createObjectStore(MODEL_STORE_NAME);
    };
    return idbRequest(req);
  };
  const run = async <T>(mode: IDBTransactionMode, work: (store: IDBObjectStore) => Promise<T>): Promise<T> => {
    const db = await open();
    try {
      const tx = db.transaction(MODEL_STORE_NAME, mode);
      const done = new Promise<void>((resolve, reject) => {
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
        tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
      });
      done.catch(() => undefined);
      const result = await work(tx.objectStore(MODEL_STORE_NAME));
      await done;
      return result;
    } finally {
      db.close();
    }
  };
  return {
    entries: () =>
      run('readonly', async (store) => {
        const [keys, values] = await Promise.all([idbRequest(store.getAllKeys()), idbRequest(store.getAll())]);
        return keys.map((k, i) => ({ id: String(k), text: values[i] as unknown }));
      }),
    put: (id, text) => run('readwrite', async (store) => void (await idbRequest(store.put(text, id)))),
    delete: (id) => run('readwrite', async (store) => void (await idbRequest(store.delete(id)))),
  };
}
