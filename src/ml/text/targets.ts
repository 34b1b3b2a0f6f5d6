/** Reading the user's labels and ratings as a positive/negative target, and as bands for keywords. */

const POSITIVE_LABELS = new Set(['1', '1.0', 'true', 'yes', 'y', 'pos', 'positive', 'good', 'praise', '正面', '积极', '好评', '满意', '正向', '正', '推荐']);
const NEGATIVE_LABELS = new Set(['0', '0.0', '-1', '-1.0', 'false', 'no', 'n', 'neg', 'negative', 'bad', 'complaint', '负面', '消极', '差评', '不满意', '负向', '负', '投诉']);

/** 1 positive, 0 negative, null neutral or unknown. */
export function labelTarget(label: string | null): 0 | 1 | null {
  if (label === null) return null;
  const s = label.trim().toLowerCase();
  return POSITIVE_LABELS.has(s) ? 1 : NEGATIVE_LABELS.has(s) ? 0 : null;
}

export interface RatingScale {
  min: number;
  max: number;
}

export function ratingScale(ratings: readonly (number | null)[]): RatingScale | null {
  let min = Infinity;
  let max = -Infinity;
  for (const r of ratings) {
    if (r === null || !Number.isFinite(r)) continue;
    min = Math.min(min, r);
    max = Math.max(max, r);
  }
  return max > min ? { min, max } : null;
}

/** 0 low, 1 middle, 2 high: the bottom and top 30 % of the scale (1–2, 3, 4–5 on a 1–5 scale; 0–3, 4–6, 7–10 on 0–10). */
export function ratingBand(r: number | null, scale: RatingScale): 0 | 1 | 2 | null {
  if (r === null || !Number.isFinite(r)) return null;
  const x = (r - scale.min) / (scale.max - scale.min);
  return x >= 0.7 ? 2 : x <= 0.3 ? 0 : 1;
}

/** Rating as a sentiment target: high 1, low 0, the middle left out. */
export function ratingTarget(r: number | null, scale: RatingScale): 0 | 1 | null {
  const b = ratingBand(r, scale);
  return b === 2 ? 1 : b === 0 ? 0 : null;
}

/** `1–2`, `3`, `4–5`: the values seen in each band, as a range. */
export function bandNames(ratings: readonly (number | null)[], scale: RatingScale): string[] {
  const lo = [Infinity, Infinity, Infinity];
  const hi = [-Infinity, -Infinity, -Infinity];
  for (const r of ratings) {
    const b = ratingBand(r, scale);
    if (b === null) continue;
    lo[b] = Math.min(lo[b]!, r!);
    hi[b] = Math.max(hi[b]!, r!);
  }
  return [0, 1, 2].map((b) => (lo[b] === Infinity ? '' : lo[b] === hi[b] ? String(lo[b]) : `${lo[b]}–${hi[b]}`));
}
