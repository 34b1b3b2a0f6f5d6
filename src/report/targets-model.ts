/**
 * Targets as data: one number per KPI, period and breakdown level, kept as a
 * small versioned JSON document beside the workspace, and the pure arithmetic
 * of actual vs target (gap, attainment, pace in a period still running, status).
 * Rates (retention, conversion) are stored as shares (0.35), as the SQL gives them.
 */
import type { Locale } from '../i18n/index.ts';
import { ADDITIVE_KPIS, TARGET_DIMS, TARGET_GRAINS, TARGET_KPIS, type TargetDim, type TargetGrain, type TargetKpi } from '../metrics/targets.ts';

export const TARGETS_VERSION = 1;

export interface TargetKey {
  kpi: TargetKpi;
  grain: TargetGrain;
  /** First day of the period, `YYYY-MM-DD`. */
  period: string;
  /** null: the overall target. */
  dim: TargetDim | null;
  /** The level of `dim` (null: its blank level; always null for the overall target). */
  level: string | null;
}

export interface TargetEntry extends TargetKey {
  value: number;
}

export interface TargetsDoc {
  version: typeof TARGETS_VERSION;
  entries: TargetEntry[];
}

export const emptyTargets = (): TargetsDoc => ({ version: TARGETS_VERSION, entries: [] });

const same = (a: TargetKey, b: TargetKey) => a.kpi === b.kpi && a.grain === b.grain && a.period === b.period && a.dim === b.dim && a.level === b.level;

export function getTarget(doc: TargetsDoc, key: TargetKey): number | undefined {
  return doc.entries.find((e) => same(e, key))?.value;
}

/** Set (or with null, remove) one target. */
export function setTarget(doc: TargetsDoc, key: TargetKey, value: number | null): TargetsDoc {
  const rest = doc.entries.filter((e) => !same(e, key));
  return { ...doc, entries: value === null ? rest : [...rest, { ...key, value }] };
}

/** Remove every target of one period (of one breakdown dimension, or overall with null; all with undefined). */
export function clearPeriod(doc: TargetsDoc, grain: TargetGrain, period: string, dim?: TargetDim | null): TargetsDoc {
  return { ...doc, entries: doc.entries.filter((e) => !(e.grain === grain && e.period === period && (dim === undefined || e.dim === dim))) };
}

/** Rates cannot pass 100 %. */
function capped(kpi: TargetKpi, v: number): number {
  return kpi === 'retention' || kpi === 'conversion' ? Math.min(1, v) : v;
}

/** Counts are whole; amounts to the cent; rates to a hundredth of a percent; ratings to two decimals. */
export function roundTarget(kpi: TargetKpi, v: number): number {
  if (kpi === 'orders' || kpi === 'new_customers') return Math.round(v);
  if (kpi === 'retention' || kpi === 'conversion') return Math.round(v * 10000) / 10000;
  return Math.round(v * 100) / 100;
}

/**
 * Targets of `to` from `from`'s, each raised by `pct` percent (−50 lowers by
 * half): the targets of `from` when `base` is `targets`, else `actuals`
 * (key → actual value, from the previous period's rows). Targets `to` already
 * has for the same KPI and level are replaced; rates stay at most 100 %.
 */
export function copyTargets(
  doc: TargetsDoc,
  grain: TargetGrain,
  from: string,
  to: string,
  pct: number,
  source: { base: 'targets' } | { base: 'actuals'; actuals: readonly { kpi: TargetKpi; dim: TargetDim | null; level: string | null; value: number | null }[] },
): { doc: TargetsDoc; copied: number } {
  if (!Number.isFinite(pct) || pct <= -100) throw new Error(`The change must be a percentage above −100, got ${pct}`);
  const factor = 1 + pct / 100;
  const bases =
    source.base === 'targets'
      ? doc.entries.filter((e) => e.grain === grain && e.period === from).map((e) => ({ kpi: e.kpi, dim: e.dim, level: e.level, value: e.value as number | null }))
      : source.actuals;
  let out = doc;
  let copied = 0;
  for (const b of bases) {
    if (b.value === null || !Number.isFinite(b.value) || b.value <= 0) continue;
    // A copied amount is a round figure (a target of 1,279,620.72 reads as false precision).
    const v = capped(b.kpi, b.value * factor);
    out = setTarget(out, { kpi: b.kpi, grain, period: to, dim: b.dim, level: b.level }, b.kpi === 'revenue' ? Math.round(v) : roundTarget(b.kpi, v));
    copied++;
  }
  return { doc: out, copied };
}

/**
 * Drop the targets of `kpi` by `dim` whose level is not among `known` (the
 * levels the data has now): a segment renamed or gone. Returns what was dropped, for a notice.
 */
export function dropUnknownLevels(doc: TargetsDoc, kpi: TargetKpi, dim: TargetDim, known: readonly (string | null)[]): { doc: TargetsDoc; dropped: TargetEntry[] } {
  const ok = new Set(known);
  const dropped = doc.entries.filter((e) => e.kpi === kpi && e.dim === dim && !ok.has(e.level));
  return dropped.length ? { doc: { ...doc, entries: doc.entries.filter((e) => !dropped.includes(e)) }, dropped } : { doc, dropped };
}

// ---------------------------------------------------------------- stored form

export function serializeTargets(doc: TargetsDoc): string {
  return JSON.stringify(doc);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Read a stored document; entries that do not check out are skipped and counted, so one bad entry never loses the rest. */
export function parseTargets(text: string): { ok: true; doc: TargetsDoc; skipped: number } | { ok: false; reason: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `not JSON (${e instanceof Error ? e.message : String(e)})` };
  }
  if (!isRecord(raw)) return { ok: false, reason: 'not an object' };
  if (raw.version !== TARGETS_VERSION) return { ok: false, reason: `unknown version ${String(raw.version)}` };
  if (!Array.isArray(raw.entries)) return { ok: false, reason: 'no entries' };
  let doc = emptyTargets();
  let skipped = 0;
  for (const e of raw.entries) {
    const ok =
      isRecord(e) &&
      TARGET_KPIS.includes(e.kpi as TargetKpi) &&
      TARGET_GRAINS.includes(e.grain as TargetGrain) &&
      typeof e.period === 'string' && ISO_DAY.test(e.period) &&
      (e.dim === null || TARGET_DIMS.includes(e.dim as TargetDim)) &&
      (e.level === null || typeof e.level === 'string') &&
      !(e.dim === null && e.level !== null) &&
      typeof e.value === 'number' && Number.isFinite(e.value) && e.value >= 0;
    if (!ok) {
      skipped++;
      continue;
    }
    const key = { kpi: e.kpi as TargetKpi, grain: e.grain as TargetGrain, period: e.period as string, dim: e.dim as TargetDim | null, level: e.level as string | null };
    doc = setTarget(doc, key, e.value as number);
  }
  return { ok: true, doc, skipped };
}

// ---------------------------------------------------------------- actual vs target

export type TargetStatus = 'met' | 'on_track' | 'near' | 'behind' | 'no_target' | 'no_data';

export interface Attainment {
  /** actual − target (negative: short of it). */
  gap: number | null;
  /** actual / target. */
  share: number | null;
  /**
   * In a period still running, for counts and sums: actual / (target × the
   * share of the period elapsed); otherwise the same as `share`.
   */
  pace: number | null;
  status: TargetStatus;
}

/** Within this share of the target (or of the pace to it) counts as near. */
export const NEAR = 0.9;

/**
 * Actual against target. `elapsed` (0–1]: how much of the period the data
 * covers (1: the period is over). A count or sum in a running period is judged
 * on pace (on track when the actual is at least the pro-rata target); rates and
 * ratings are judged as they stand.
 */
export function attainment(kpi: TargetKpi, actual: number | null, target: number | undefined, elapsed = 1): Attainment {
  if (target === undefined) return { gap: null, share: null, pace: null, status: 'no_target' };
  if (actual === null) return { gap: null, share: null, pace: null, status: 'no_data' };
  const gap = actual - target;
  const share = target > 0 ? actual / target : null;
  const running = elapsed < 1 && ADDITIVE_KPIS.has(kpi);
  const pace = share === null ? null : running ? share / Math.max(elapsed, 1e-9) : share;
  let status: TargetStatus;
  if (gap >= 0) status = 'met';
  else if (pace === null) status = 'behind';
  else if (running && pace >= 1) status = 'on_track';
  else status = pace >= NEAR ? 'near' : 'behind';
  return { gap, share, pace, status };
}

// ---------------------------------------------------------------- periods (UTC calendar arithmetic)

function parts(iso: string): [number, number, number] {
  const m = ISO_DAY.exec(iso) ? iso.split('-').map(Number) : null;
  if (!m) throw new Error(`Not a date: "${iso}"`);
  return [m[0]!, m[1]!, m[2]!];
}

const iso = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10);
const MONTHS: Record<TargetGrain, number> = { month: 1, quarter: 3, year: 12 };

/** The first day of the period that contains `day`. */
export function periodStart(grain: TargetGrain, day: string): string {
  const [y, m] = parts(day);
  if (grain === 'year') return iso(y, 1, 1);
  if (grain === 'quarter') return iso(y, Math.floor((m - 1) / 3) * 3 + 1, 1);
  return iso(y, m, 1);
}

/** `start`'s period moved by `n` periods. */
export function shiftStart(grain: TargetGrain, start: string, n: number): string {
  const [y, m] = parts(periodStart(grain, start));
  return iso(y, m + n * MONTHS[grain], 1);
}

export function periodEndDay(grain: TargetGrain, start: string): string {
  const [y, m, d] = parts(shiftStart(grain, start, 1));
  return iso(y, m, d - 1);
}

/** Period starts from the one containing `lo` to the one containing `hi`, latest first. */
export function periodsBetween(grain: TargetGrain, lo: string, hi: string): string[] {
  const out: string[] = [];
  for (let p = periodStart(grain, hi); p >= periodStart(grain, lo) && out.length < 1200; p = shiftStart(grain, p, -1)) out.push(p);
  return out;
}

/** The latest period that ends on or before `hi` (the last day with data); the one containing `hi` when none does. */
export function latestCompletePeriod(grain: TargetGrain, lo: string, hi: string): string {
  const cur = periodStart(grain, hi);
  if (periodEndDay(grain, cur) <= hi) return cur;
  const prev = shiftStart(grain, cur, -1);
  return prev >= periodStart(grain, lo) ? prev : cur;
}

/** Share of the period up to and including `hi` (1 once it is over, 0 before it starts). */
export function elapsedShare(grain: TargetGrain, start: string, hi: string): number {
  const end = periodEndDay(grain, start);
  if (hi >= end) return 1;
  if (hi < start) return 0;
  const day = (s: string) => Date.UTC(...(parts(s).map((v, i) => (i === 1 ? v - 1 : v)) as [number, number, number])) / 86_400_000;
  return (day(hi) - day(start) + 1) / (day(end) - day(start) + 1);
}

/** "2025-12", "2025 Q4", "2025" in English; "2025年12月", "2025年第4季度", "2025年" in Chinese. */
export function periodLabel(locale: Locale, grain: TargetGrain, start: string): string {
  const [y, m] = parts(start);
  const q = Math.floor((m - 1) / 3) + 1;
  if (locale === 'zh-CN') return grain === 'year' ? `${y}年` : grain === 'quarter' ? `${y}年第${q}季度` : `${y}年${m}月`;
  return grain === 'year' ? `${y}` : grain === 'quarter' ? `${y} Q${q}` : `${y}-${String(m).padStart(2, '0')}`;
}

// ---------------------------------------------------------------- typed numbers

const FULL_WIDTH = /[０-９．，－＋％]/g;
const SUFFIX: Record<string, number> = { k: 1e3, m: 1e6, 千: 1e3, 万: 1e4, 百万: 1e6, 亿: 1e8 };

/**
 * What the user typed as a target → a number, or null when it is not one.
 * Both UI languages write numbers as 1,234.5 (grouping optional, but where
 * used every group has three digits), full-width digits are read, and
 * a scale may follow: k, m (en), 千, 万, 百万, 亿 (zh). A trailing % is allowed
 * and ignored (rates are typed in percent). Negative numbers are refused.
 */
export function parseNumberInput(_locale: Locale, text: string): number | null {
  let t = text.replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0)).replace(/[\s\u00a0\u202f]/g, '').replace(/%$/, '');
  let scale = 1;
  const suffix = /(百万|[kKmM千万亿])$/.exec(t);
  if (suffix) {
    scale = SUFFIX[suffix[1]!.toLowerCase()]!;
    t = t.slice(0, -suffix[1]!.length);
  }
  if (!/^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^\.\d+$/.test(t)) return null;
  const n = Number(t.replace(/,/g, '')) * scale;
  return Number.isFinite(n) ? n : null;
}

/** How a KPI's target is typed and shown. */
export type TargetUnit = 'amount' | 'count' | 'percent' | 'rating';
export const TARGET_UNIT: Record<TargetKpi, TargetUnit> = {
  revenue: 'amount', orders: 'count', new_customers: 'count', retention: 'percent', satisfaction: 'rating', conversion: 'percent',
};

/** A typed target → its stored value, or why not (a message key suffix: `number`, `range`, `whole`). */
export function targetFromInput(kpi: TargetKpi, locale: Locale, text: string): { ok: true; value: number } | { ok: false; error: 'number' | 'range' | 'whole' } {
  const n = parseNumberInput(locale, text);
  if (n === null) return { ok: false, error: 'number' };
  const unit = TARGET_UNIT[kpi];
  if (n <= 0 || (unit === 'percent' && n > 100)) return { ok: false, error: 'range' };
  if (unit === 'percent') return { ok: true, value: roundTarget(kpi, n / 100) };
  if (unit === 'count' && !Number.isInteger(n)) return { ok: false, error: 'whole' };
  return { ok: true, value: roundTarget(kpi, n) };
}
