/**
 * The value model's card: what a value search chose, its cross-validated
 * MAE / RMSE / R² / Spearman beside the baselines', the cut-off and horizon of
 * its target, whether it trained on log1p(spend), and the data fingerprint and
 * feature summaries of card.ts, so a later run can be compared. Stored by
 * registry.ts (its own IndexedDB database, `VALUE_MODEL_DB_NAME`); every card
 * read back is checked field by field. Pure, no TensorFlow.js.
 */
import { dataFingerprint, hashText, summarizeFeature, type CardCore } from './card.ts';
import { inputError } from './errors.ts';
import type { ColumnData } from './features.ts';
import type { MeanStd, ValueSearchResult } from './protocol.ts';
import { REGRESSION_SCORE_NAMES } from './regression-metrics.ts';
import type { CardCodec } from './registry.ts';
import { valueSpecProblems, type ValueKind, type ValueSpec } from './value-specs.ts';

export const VALUE_CARD_FORMAT = 'crm-lens-value-model-card';
export const VALUE_CARD_VERSION = 1;
export const VALUE_MODEL_DB_NAME = 'crm-lens-value-models';

export type ValueCvMetrics = Record<(typeof REGRESSION_SCORE_NAMES)[number], MeanStd>;

export interface ValueModelCard extends CardCore {
  format: typeof VALUE_CARD_FORMAT;
  version: typeof VALUE_CARD_VERSION;
  /** The target's window: spend in (cutoff, cutoff + horizonMonths]. */
  cutoff: string;
  horizonMonths: number;
  /** Trained on log1p(spend) (predictions are expm1 of the output); scores are in spend either way. */
  log1p: boolean;
  spec: ValueSpec;
  cvMetrics: ValueCvMetrics;
  baselines: { label: string; kind: ValueKind; cvMetrics: ValueCvMetrics }[];
}

export interface ValueCardInput {
  result: ValueSearchResult;
  columns: readonly ColumnData[];
  table: { name: string; columns: readonly { name: string; type: string }[] };
  target: string;
  excluded: readonly string[];
  cutoff: string;
  horizonMonths: number;
  now?: Date;
}

function metricsOf(scores: Record<string, MeanStd>): ValueCvMetrics {
  return Object.fromEntries(REGRESSION_SCORE_NAMES.map((m) => [m, { mean: scores[m]!.mean, std: scores[m]!.std }])) as ValueCvMetrics;
}

export function buildValueCard(input: ValueCardInput): ValueModelCard {
  const { result, columns, table, target } = input;
  const createdAt = (input.now ?? new Date()).toISOString();
  const dropped = new Set(result.dataset.dropped.map((d) => d.column));
  const features = columns.map((c) => c.name).filter((n) => n !== target && !dropped.has(n));
  const byName = new Map(columns.map((c) => [c.name, c]));
  const fingerprint = dataFingerprint(table, columns);
  return {
    format: VALUE_CARD_FORMAT,
    version: VALUE_CARD_VERSION,
    id: `v-${createdAt.replace(/[-:.]/g, '')}-${hashText(`${fingerprint}|${target}|${result.best.label}`).slice(0, 8)}`,
    createdAt,
    dataFingerprint: fingerprint,
    table: table.name,
    rowCount: columns[0]?.values.length ?? 0,
    target,
    cutoff: input.cutoff,
    horizonMonths: input.horizonMonths,
    log1p: result.dataset.log1p,
    nUsable: result.dataset.nUsable,
    features,
    excluded: [...input.excluded],
    spec: structuredClone(result.best.spec),
    label: result.best.label,
    folds: result.dataset.k,
    seed: result.dataset.seed,
    cvMetrics: metricsOf(result.best.scores),
    baselines: result.baselines.map((b) => ({ label: b.label, kind: b.spec.kind, cvMetrics: metricsOf(b.scores) })),
    featureSummaries: features.flatMap((n) => {
      const s = summarizeFeature(byName.get(n)!, result.dataset.rows);
      return s ? [s] : [];
    }),
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const BAD_EN = 'Choose a .json file exported from the value model registry of CRM Lens.';
const BAD_ZH = '请选择从 CRM Lens 价值模型库导出的 .json 文件。';

/** A value card from any parsed JSON, checked; throws an MlInputError (both languages) naming what is wrong. */
export function checkValueCard(raw: unknown): ValueModelCard {
  if (!isRecord(raw) || raw.format !== VALUE_CARD_FORMAT) throw inputError(`This is not a CRM Lens value model card. ${BAD_EN}`, `这不是 CRM Lens 价值模型卡。${BAD_ZH}`);
  if (raw.version !== VALUE_CARD_VERSION) {
    throw inputError(`This value model card has version ${JSON.stringify(raw.version ?? null)}; this version reads version ${VALUE_CARD_VERSION} only.`, `该价值模型卡的版本为 ${JSON.stringify(raw.version ?? null)}；当前版本只能读取版本 ${VALUE_CARD_VERSION}。`);
  }
  const problems: string[] = [];
  for (const k of ['id', 'createdAt', 'dataFingerprint', 'table', 'target', 'cutoff', 'label']) if (typeof raw[k] !== 'string') problems.push(`${k} must be text`);
  for (const k of ['rowCount', 'nUsable', 'horizonMonths', 'folds']) if (!Number.isInteger(raw[k]) || (raw[k] as number) < 0) problems.push(`${k} must be a whole number ≥ 0`);
  if (typeof raw.log1p !== 'boolean') problems.push('log1p must be true or false');
  for (const k of ['features', 'excluded']) if (!Array.isArray(raw[k]) || !(raw[k] as unknown[]).every((x) => typeof x === 'string')) problems.push(`${k} must be a list of text`);
  const metrics = (v: unknown, path: string): void => {
    if (!isRecord(v)) return void problems.push(`${path} must be an object`);
    for (const m of REGRESSION_SCORE_NAMES) {
      const s = v[m];
      if (!isRecord(s) || typeof s.mean !== 'number' || typeof s.std !== 'number') problems.push(`${path}.${m} must be {mean, std}`);
    }
  };
  metrics(raw.cvMetrics, 'cvMetrics');
  if (!Array.isArray(raw.baselines)) problems.push('baselines must be a list');
  else raw.baselines.forEach((b: unknown, i) => metrics(isRecord(b) ? b.cvMetrics : undefined, `baselines[${i}].cvMetrics`));
  if (!isRecord(raw.spec) || !['ridge', 'mlp', 'gbt'].includes(String(raw.spec.kind)) || !isRecord(raw.spec.params)) problems.push('spec must be a value model spec {kind, params}');
  else problems.push(...valueSpecProblems(raw.spec as unknown as ValueSpec).map((p) => `spec: ${p}`));
  if (!Array.isArray(raw.featureSummaries)) problems.push('featureSummaries must be a list');
  if (problems.length) {
    const shown = problems.slice(0, 5).join('; ');
    throw inputError(`This value model card is damaged: ${shown}. ${BAD_EN}`, `该价值模型卡已损坏：${shown}。${BAD_ZH}`);
  }
  return raw as unknown as ValueModelCard;
}

export const VALUE_CARDS: CardCodec<ValueModelCard> = {
  parse(text) {
    let raw: unknown;
    try {
      raw = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch (e) {
      throw inputError(`This file is not JSON (${e instanceof Error ? e.message : String(e)}). ${BAD_EN}`, `该文件不是 JSON。${BAD_ZH}`);
    }
    return checkValueCard(raw);
  },
  check: checkValueCard,
  serialize: (card) => JSON.stringify(card, null, 2),
};
