/**
 * Reading model cards back: every card that comes from outside (an imported
 * file, a stored record) is checked field by field before use, and what is
 * wrong is named in both languages. Pure, so it runs in Node tests.
 */
import { CARD_METRICS, MODEL_CARD_FORMAT, MODEL_CARD_VERSION, type ModelCard } from './card.ts';
import { inputError } from './errors.ts';
import type { ModelKind, ModelSpec, SelectBy } from './protocol.ts';
import { specProblems } from './specs.ts';
import { safeFileName } from '../lib/download.ts';


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
