/**
 * Columns in, numeric design matrix out. Pure (no TensorFlow.js): column kinds
 * are detected on all rows, but every statistic (median, mean, std, category
 * levels) is fitted on the training rows only and then applied unchanged to
 * any rows, so the test set never informs the transform.
 */
import { inputError } from './errors.ts';

export type Cell = string | number | null;

/** A column's values: cells, or numbers straight from DuckDB with NULL as NaN. */
export type ColumnValues = readonly Cell[] | Float64Array;

export interface ColumnData {
  name: string;
  values: ColumnValues;
}

/** Row-major matrix. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

export type FeatureSpec =
  | { kind: 'numeric'; column: string; median: number; mean: number; std: number; missingFlag: boolean }
  | { kind: 'categorical'; column: string; levels: string[]; other: boolean };

export type DropReason = 'excluded' | 'id-like' | 'empty' | 'constant';

/** A fitted transform: plain data, so it can be posted, stored and re-applied. */
export interface FittedFeatures {
  specs: FeatureSpec[];
  /** One name per design-matrix column, in order. */
  names: string[];
  dropped: { column: string; reason: DropReason }[];
}

export interface FeatureOptions {
  target: string;
  /** Columns to leave out besides the target. */
  exclude?: readonly string[];
  /** Most frequent levels kept per categorical column; the rest share an "(other)" column. */
  maxLevels?: number;
}

export const MISSING_LEVEL = '(missing)';
export const OTHER_LEVEL = '(other)';
export const DEFAULT_MAX_LEVELS = 20;

const MISSING_TOKENS = new Set(['', 'na', 'n/a', 'nan', 'null', '#n/a']);
const NUMBER_RE = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A value that counts as missing: null, NaN, blank or whitespace (e.g. Telco's `TotalCharges` " "), NA-like text. */
export function isMissing(v: Cell): boolean {
  if (v === null) return true;
  if (typeof v === 'number') return Number.isNaN(v);
  return MISSING_TOKENS.has(v.trim().toLowerCase());
}

/** The cell at `row`; NaN (a NULL in a numeric column) and a row past the end read as null. */
export function cellAt(values: ColumnValues, row: number): Cell {
  const v = values[row];
  return v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? null : v;
}

/** The values as cells, NaN as null: for code that lists, sorts or maps them as text. */
export function cellsOf(values: ColumnValues, rows?: readonly number[]): Cell[] {
  return rows ? rows.map((r) => cellAt(values, r)) : Array.from(values as ArrayLike<Cell>, (_, r) => cellAt(values, r));
}

/** The number a cell holds, null when missing, undefined when it is text. */
export function toNumber(v: Cell): number | null | undefined {
  if (isMissing(v)) return null;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  const s = (v as string).trim();
  return NUMBER_RE.test(s) ? Number(s) : undefined;
}

function toLevel(v: Cell): string {
  return isMissing(v) ? MISSING_LEVEL : String(v).trim();
}

// ── target ──────────────────────────────────────────────────────────────────

export interface BinaryTarget {
  /** 1 positive, 0 negative, −1 missing (the row cannot be used). */
  labels: Int8Array;
  positiveLabel: string;
  negativeLabel: string;
  missing: number;
}

const POSITIVE = new Set(['yes', 'y', '1', 'true', 't', '是', 'churn', 'churned', 'lost', 'left', 'inactive', 'cancelled', 'canceled', 'exited', '流失', '已流失']);
const NEGATIVE = new Set(['no', 'n', '0', 'false', 'f', '否', 'active', 'retained', 'stayed', 'current', 'kept', '未流失', '留存']);

function targetKey(v: Cell): string {
  const n = toNumber(v);
  return typeof n === 'number' ? String(n) : String(v).trim().toLowerCase();
}

/**
 * Reads a two-valued column as 0/1. Recognises Yes/No, 1/0, true/false, 是/否,
 * churned/active and similar (case-insensitive); when only one of the two values
 * is recognised the other takes the opposite class.
 */
export function parseBinaryTarget(column: ColumnData): BinaryTarget {
  const seen = new Map<string, string>();
  for (const v of column.values) {
    if (isMissing(v)) continue;
    const key = targetKey(v);
    if (!seen.has(key)) seen.set(key, String(v).trim());
  }
  const keys = [...seen.keys()];
  const quoted = [...seen.values()].slice(0, 5).map((s) => `"${s}"`).join(', ');
  if (keys.length === 0) {
    throw inputError(
      `Target column "${column.name}" has no values. Choose a column that marks churned customers.`,
      `目标列“${column.name}”没有任何值。请选择标记流失客户的列。`,
    );
  }
  if (keys.length !== 2) {
    const found = keys.length === 1 ? `only one value (${quoted})` : `${keys.length} distinct values (${quoted}${keys.length > 5 ? ', …' : ''})`;
    const foundZh = keys.length === 1 ? `只有一个取值（${quoted}）` : `有 ${keys.length} 个不同取值（${quoted}${keys.length > 5 ? '，…' : ''}）`;
    throw inputError(
      `Target column "${column.name}" is not binary: it has ${found}. Choose a column with exactly two values, such as Yes/No or 1/0.`,
      `目标列“${column.name}”不是二元变量：它${foundZh}。请选择恰好有两个取值的列，例如 是/否 或 1/0。`,
    );
  }
  const [a, b] = keys as [string, string];
  const cls = (k: string): 1 | 0 | undefined => (POSITIVE.has(k) ? 1 : NEGATIVE.has(k) ? 0 : undefined);
  let ca = cls(a);
  let cb = cls(b);
  if (ca === undefined && cb !== undefined) ca = cb === 1 ? 0 : 1;
  if (cb === undefined && ca !== undefined) cb = ca === 1 ? 0 : 1;
  if (ca === undefined || cb === undefined || ca === cb) {
    throw inputError(
      `Cannot tell which value of target column "${column.name}" means churn: ${quoted}. Recode it as Yes/No or 1/0.`,
      `无法判断目标列“${column.name}”中哪个取值表示流失：${quoted}。请将其改为 是/否 或 1/0。`,
    );
  }
  const positiveKey = ca === 1 ? a : b;
  const labels = new Int8Array(column.values.length);
  let missing = 0;
  for (let i = 0; i < labels.length; i++) {
    const v = cellAt(column.values, i);
    if (isMissing(v)) {
      labels[i] = -1;
      missing++;
    } else labels[i] = targetKey(v) === positiveKey ? 1 : 0;
  }
  return {
    labels,
    positiveLabel: seen.get(positiveKey)!,
    negativeLabel: seen.get(positiveKey === a ? b : a)!,
    missing,
  };
}

// ── features ────────────────────────────────────────────────────────────────

type ColumnKind = 'numeric' | 'categorical' | DropReason;

/** What a column is, judged on all rows: numbers only (besides missing), text, ID-like or empty. */
export function detectKind(values: ColumnValues): ColumnKind {
  let present = 0;
  let text = false;
  for (const v of values) {
    const n = toNumber(v);
    if (n === null) continue;
    present++;
    if (n === undefined) text = true;
  }
  if (present === 0) return 'empty';
  if (!text) return 'numeric';
  const distinct = new Set<string>();
  for (const v of values) if (!isMissing(v)) distinct.add(String(v).trim());
  return present > 1 && distinct.size === present ? 'id-like' : 'categorical';
}

/** Index columns by name, checking names are unique and lengths agree. */
export function indexColumns(columns: readonly ColumnData[]): Map<string, ColumnData> {
  const byName = new Map<string, ColumnData>();
  const n = columns[0]?.values.length ?? 0;
  for (const c of columns) {
    if (byName.has(c.name)) {
      throw inputError(`Column "${c.name}" appears twice; rename one of them.`, `列“${c.name}”出现了两次，请重命名其中一列。`);
    }
    if (c.values.length !== n) {
      throw new Error(`Column "${c.name}" has ${c.values.length} values but "${columns[0]!.name}" has ${n}`);
    }
    byName.set(c.name, c);
  }
  return byName;
}

function median(sorted: Float64Array): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

function fitNumeric(column: ColumnData, trainRows: readonly number[]): FeatureSpec | 'empty' | 'constant' {
  const present: number[] = [];
  for (const r of trainRows) {
    const n = toNumber(cellAt(column.values, r));
    if (typeof n === 'number') present.push(n);
  }
  if (present.length === 0) return 'empty';
  const med = median(Float64Array.from(present).sort());
  const missingCount = trainRows.length - present.length;
  let sum = 0;
  for (const x of present) sum += x;
  const mean = (sum + missingCount * med) / trainRows.length;
  let ss = missingCount * (med - mean) ** 2;
  for (const x of present) ss += (x - mean) ** 2;
  const std = Math.sqrt(ss / trainRows.length);
  if (!(std > 0) && missingCount === 0) return 'constant';
  return { kind: 'numeric', column: column.name, median: med, mean, std: std > 0 ? std : 1, missingFlag: missingCount > 0 };
}

function fitCategorical(column: ColumnData, trainRows: readonly number[], maxLevels: number): FeatureSpec | 'constant' {
  const counts = new Map<string, number>();
  for (const r of trainRows) {
    const level = toLevel(cellAt(column.values, r));
    counts.set(level, (counts.get(level) ?? 0) + 1);
  }
  if (counts.size < 2) return 'constant';
  const ranked = [...counts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0)).map(([level]) => level);
  return { kind: 'categorical', column: column.name, levels: ranked.slice(0, maxLevels), other: ranked.length > maxLevels };
}

function specNames(spec: FeatureSpec): string[] {
  if (spec.kind === 'numeric') return spec.missingFlag ? [spec.column, `${spec.column}=${MISSING_LEVEL}`] : [spec.column];
  const names = spec.levels.map((l) => `${spec.column}=${l}`);
  if (spec.other) names.push(`${spec.column}=${OTHER_LEVEL}`);
  return names;
}

/** Fit the transform on `trainRows` (row indices into the columns). */
export function fitFeatures(columns: readonly ColumnData[], options: FeatureOptions, trainRows: readonly number[]): FittedFeatures {
  const byName = indexColumns(columns);
  if (!byName.has(options.target)) {
    throw inputError(`Target column "${options.target}" is not in the table.`, `表中没有目标列“${options.target}”。`);
  }
  const exclude = new Set(options.exclude ?? []);
  for (const name of exclude) {
    if (!byName.has(name)) throw inputError(`Excluded column "${name}" is not in the table.`, `要排除的列“${name}”不在表中。`);
  }
  if (trainRows.length === 0) throw inputError('No training rows.', '没有训练数据行。');
  const maxLevels = options.maxLevels ?? DEFAULT_MAX_LEVELS;
  const specs: FeatureSpec[] = [];
  const dropped: FittedFeatures['dropped'] = [];
  for (const column of columns) {
    if (column.name === options.target) continue;
    if (exclude.has(column.name)) {
      dropped.push({ column: column.name, reason: 'excluded' });
      continue;
    }
    const kind = detectKind(column.values);
    const fitted =
      kind === 'numeric' ? fitNumeric(column, trainRows) : kind === 'categorical' ? fitCategorical(column, trainRows, maxLevels) : kind;
    if (typeof fitted === 'string') dropped.push({ column: column.name, reason: fitted });
    else specs.push(fitted);
  }
  if (specs.length === 0) {
    throw inputError(
      'No usable feature columns: every column besides the target was excluded, ID-like, empty or constant.',
      '没有可用的特征列：除目标列外，所有列都被排除、类似 ID、为空或为常量。',
    );
  }
  return { specs, names: specs.flatMap(specNames), dropped };
}

/** The design matrix for `rows` (all rows when omitted), using only fitted statistics. */
export function applyFeatures(fitted: FittedFeatures, columns: readonly ColumnData[], rows?: readonly number[]): Matrix {
  const byName = indexColumns(columns);
  const rowIds = rows ?? Array.from({ length: columns[0]?.values.length ?? 0 }, (_, i) => i);
  const cols = fitted.names.length;
  const data = new Float32Array(rowIds.length * cols);
  let offset = 0;
  for (const spec of fitted.specs) {
    const column = byName.get(spec.column);
    if (!column) throw inputError(`Column "${spec.column}" is missing.`, `缺少列“${spec.column}”。`);
    if (spec.kind === 'numeric') {
      rowIds.forEach((r, i) => {
        const n = toNumber(cellAt(column.values, r));
        const x = typeof n === 'number' ? n : spec.median;
        data[i * cols + offset] = (x - spec.mean) / spec.std;
        if (spec.missingFlag && typeof n !== 'number') data[i * cols + offset + 1] = 1;
      });
      offset += spec.missingFlag ? 2 : 1;
    } else {
      const position = new Map(spec.levels.map((l, k) => [l, k]));
      const otherAt = spec.other ? spec.levels.length : -1;
      rowIds.forEach((r, i) => {
        const k = position.get(toLevel(cellAt(column.values, r))) ?? otherAt;
        if (k >= 0) data[i * cols + offset + k] = 1;
      });
      offset += spec.levels.length + (spec.other ? 1 : 0);
    }
  }
  return { data, rows: rowIds.length, cols };
}

/** The design-matrix columns [start, end) that one source column became. */
export interface FeatureGroup {
  column: string;
  kind: 'numeric' | 'categorical';
  start: number;
  end: number;
}

export function featureGroups(fitted: FittedFeatures): FeatureGroup[] {
  const groups: FeatureGroup[] = [];
  let start = 0;
  for (const spec of fitted.specs) {
    const width = spec.kind === 'numeric' ? (spec.missingFlag ? 2 : 1) : spec.levels.length + (spec.other ? 1 : 0);
    groups.push({ column: spec.column, kind: spec.kind, start, end: start + width });
    start += width;
  }
  return groups;
}

/**
 * A "typical customer" in design-matrix space: every numeric at its training
 * median (not missing), every categorical at its most frequent training level.
 * Local explanations move one column of a row to this value.
 */
export function referenceRow(fitted: FittedFeatures): Float32Array {
  const row = new Float32Array(fitted.names.length);
  let offset = 0;
  for (const spec of fitted.specs) {
    if (spec.kind === 'numeric') {
      row[offset] = (spec.median - spec.mean) / spec.std;
      offset += spec.missingFlag ? 2 : 1;
    } else {
      // Levels are ranked by training frequency, so levels[0] is the mode.
      row[offset] = 1;
      offset += spec.levels.length + (spec.other ? 1 : 0);
    }
  }
  return row;
}
