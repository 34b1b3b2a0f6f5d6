/**
 * Feature drift between a reference data set (e.g. the training table) and a
 * current one, as the population stability index:
 *   PSI = Σ_buckets (aᵢ − eᵢ) · ln(aᵢ / eᵢ)
 * with eᵢ, aᵢ the shares of reference and current rows in bucket i. Numeric
 * buckets are the reference's quantile bins; categorical buckets are levels;
 * missing values get their own bucket. A share of 0 is replaced by `epsilon`
 * so the logarithm stays finite. Pure (no TensorFlow.js).
 */
import { cellsOf, detectKind, isMissing, MISSING_LEVEL, OTHER_LEVEL, toNumber, type Cell, type ColumnData } from './features.ts';

export interface PsiOptions {
  /** Quantile bins for numeric columns (default 10). */
  bins?: number;
  /** Floor for empty shares (default 1e-4). */
  epsilon?: number;
  /** Force the column kind; detected from the reference values by default. */
  kind?: 'numeric' | 'categorical';
}

export interface PsiBucket {
  label: string;
  expected: number;
  actual: number;
  contribution: number;
}

export type DriftLevel = 'stable' | 'moderate' | 'major';

export interface PsiResult {
  psi: number;
  kind: 'numeric' | 'categorical';
  /** Conventional reading: < 0.1 stable, < 0.25 moderate, else major. */
  level: DriftLevel;
  buckets: PsiBucket[];
}

export function driftLevel(psi: number): DriftLevel {
  return psi < 0.1 ? 'stable' : psi < 0.25 ? 'moderate' : 'major';
}

/** Quantile cut points of the reference values: bucket k holds cuts[k−1] < x ≤ cuts[k]. */
export function referenceCuts(values: number[], bins: number): number[] {
  const sorted = [...values].sort((a, b) => a - b);
  const cuts: number[] = [];
  for (let q = 1; q < bins; q++) {
    const v = sorted[Math.min(sorted.length - 1, Math.ceil((q * sorted.length) / bins) - 1)]!;
    if (v < sorted[sorted.length - 1]! && (cuts.length === 0 || v > cuts[cuts.length - 1]!)) cuts.push(v);
  }
  return cuts;
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(6)));
}

/** Bucket labels for numeric cuts (`≤ a`, `a – b`, `> b`), then the missing bucket. */
export function numericLabels(cuts: readonly number[]): string[] {
  return [
    ...cuts.map((c, k) => (k === 0 ? `≤ ${formatNumber(c)}` : `${formatNumber(cuts[k - 1]!)} – ${formatNumber(c)}`)),
    cuts.length ? `> ${formatNumber(cuts[cuts.length - 1]!)}` : 'all',
    MISSING_LEVEL,
  ];
}

export function psi(expected: readonly Cell[], actual: readonly Cell[], options: PsiOptions = {}): PsiResult {
  const { bins = 10, epsilon = 1e-4 } = options;
  const kind = options.kind ?? (detectKind([...expected, ...actual]) === 'numeric' ? 'numeric' : 'categorical');
  let labels: string[];
  let bucketOf: (v: Cell) => number;
  if (kind === 'numeric') {
    const present = expected.map(toNumber).filter((v): v is number => typeof v === 'number');
    const cuts = present.length ? referenceCuts(present, bins) : [];
    labels = numericLabels(cuts);
    bucketOf = (v) => {
      const x = toNumber(v);
      if (typeof x !== 'number') return cuts.length + 1; // missing (or stray text)
      let k = 0;
      while (k < cuts.length && x > cuts[k]!) k++;
      return k;
    };
  } else {
    const levels = [...new Set(expected.map((v) => (isMissing(v) ? MISSING_LEVEL : String(v).trim())))];
    const index = new Map(levels.map((l, k) => [l, k]));
    labels = [...levels, OTHER_LEVEL];
    bucketOf = (v) => index.get(isMissing(v) ? MISSING_LEVEL : String(v).trim()) ?? levels.length;
  }
  const count = (values: readonly Cell[]): number[] => {
    const c = new Array<number>(labels.length).fill(0);
    for (const v of values) {
      const k = bucketOf(v);
      c[k] = c[k]! + 1;
    }
    return c;
  };
  const e = count(expected);
  const a = count(actual);
  const buckets: PsiBucket[] = [];
  let total = 0;
  labels.forEach((label, k) => {
    if (e[k] === 0 && a[k] === 0) return;
    const es = Math.max(e[k]! / Math.max(expected.length, 1), epsilon);
    const as = Math.max(a[k]! / Math.max(actual.length, 1), epsilon);
    const contribution = (as - es) * Math.log(as / es);
    total += contribution;
    buckets.push({ label, expected: e[k]! / Math.max(expected.length, 1), actual: a[k]! / Math.max(actual.length, 1), contribution });
  });
  return { psi: total, kind, level: driftLevel(total), buckets };
}

export interface DriftRow extends PsiResult {
  column: string;
}

/**
 * PSI for every column present in both tables (ID-like and empty columns and
 * `exclude` left out), largest drift first.
 */
export function driftReport(reference: readonly ColumnData[], current: readonly ColumnData[], options: PsiOptions & { exclude?: readonly string[] } = {}): DriftRow[] {
  const now = new Map(current.map((c) => [c.name, c]));
  const exclude = new Set(options.exclude ?? []);
  const rows: DriftRow[] = [];
  for (const ref of reference) {
    const cur = now.get(ref.name);
    if (!cur || exclude.has(ref.name)) continue;
    const kind = detectKind([...ref.values, ...cur.values]);
    if (kind !== 'numeric' && kind !== 'categorical') continue;
    rows.push({ column: ref.name, ...psi(cellsOf(ref.values), cellsOf(cur.values), { ...options, kind }) });
  }
  return rows.sort((x, y) => y.psi - x.psi);
}
