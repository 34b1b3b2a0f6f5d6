/**
 * The rising topic: of the topics found, the one whose share of each month's
 * texts grows fastest, by a least-squares line over the months weighted by
 * that month's texts (a month of 5 texts moves the line less than one of
 * 500). A topic counts only when the rise is clear: at least 3 months with
 * texts, a slope at least 3 standard errors above zero (binomial error of a
 * share) and at least 2 percentage points gained over the span.
 */
import type { RisingTopic, Topic } from './types.ts';

const MIN_MONTHS = 3;
const MIN_T = 3;
const MIN_RISE = 0.02;

/** Months since year 0 of a `YYYY-MM`, so gaps between months count. */
function monthOrdinal(month: string): number | null {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  return m ? Number(m[1]) * 12 + Number(m[2]) - 1 : null;
}

export interface ShareTrend {
  /** Change in share per month (0.01 = one percentage point). */
  slope: number;
  /** Slope over its standard error. */
  t: number;
  /** Fitted share at the first and the last month. */
  from: number;
  to: number;
}

/**
 * Weighted least-squares line through `counts[m] / totals[m]` against the month
 * ordinals `xs`, months without texts left out; null with under 3 such months.
 */
export function shareTrend(xs: readonly number[], counts: readonly number[], totals: readonly number[]): ShareTrend | null {
  const rows = xs.map((x, i) => ({ x, n: totals[i] ?? 0, y: (counts[i] ?? 0) / Math.max(1, totals[i] ?? 0) })).filter((r) => r.n > 0);
  if (rows.length < MIN_MONTHS) return null;
  let sw = 0;
  let sx = 0;
  let sy = 0;
  for (const r of rows) {
    sw += r.n;
    sx += r.n * r.x;
    sy += r.n * r.y;
  }
  const mx = sx / sw;
  const my = sy / sw;
  let sxx = 0;
  let sxy = 0;
  for (const r of rows) {
    sxx += r.n * (r.x - mx) ** 2;
    sxy += r.n * (r.x - mx) * (r.y - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  // Each share is a binomial proportion: var ≈ p(1−p)/n, so the weighted slope's variance is p(1−p)/Σn(x−x̄)².
  const p = Math.min(1 - 1e-9, Math.max(1e-9, my));
  const se = Math.sqrt((p * (1 - p)) / sxx);
  const x0 = rows[0]!.x;
  const x1 = rows[rows.length - 1]!.x;
  return { slope, t: slope / se, from: my + slope * (x0 - mx), to: my + slope * (x1 - mx) };
}

/** The topic whose monthly share rises most clearly and fastest, or null when none rises clearly. */
export function findRisingTopic(months: readonly string[], monthCounts: readonly number[], topics: readonly Topic[]): RisingTopic | null {
  const xs = months.map(monthOrdinal);
  if (xs.some((x) => x === null)) return null;
  const present = months.filter((_, i) => (monthCounts[i] ?? 0) > 0);
  let best: RisingTopic | null = null;
  for (const topic of topics) {
    const fit = shareTrend(xs as number[], topic.trend, monthCounts);
    if (!fit || fit.t < MIN_T || fit.to - fit.from < MIN_RISE) continue;
    if (best && fit.slope <= best.slope) continue;
    const x0 = xs[monthCounts.findIndex((n) => n > 0)]!;
    best = {
      topic: topic.id, terms: topic.terms, slope: fit.slope, t: fit.t, from: Math.max(0, fit.from), to: Math.min(1, fit.to),
      first: present[0]!, last: present[present.length - 1]!, months: present.length,
      shares: months.map((_, i) => ((monthCounts[i] ?? 0) > 0 ? (topic.trend[i] ?? 0) / monthCounts[i]! : null)),
      fitted: xs.map((x) => Math.min(1, Math.max(0, fit.from + fit.slope * (x! - x0)))),
    };
  }
  return best;
}
