/**
 * Category axis labels that never vanish: every label is drawn (interval 0, no
 * overlap hiding); long or many labels wrap at a width, and rotate when there
 * are too many to sit side by side. Returns the axisLabel settings and the
 * room (px) the grid must leave below the axis. Pure.
 */
import { MUTED } from './palette.ts';

/** Beyond this many categories the axis is a timeline (months), where ECharts may skip labels. */
const TIMELINE = 30;

/** Display width of a label in "narrow characters" (a CJK glyph counts two). */
function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/.test(ch) ? 2 : 1;
  return w;
}

export function categoryAxisLabel(categories: readonly string[]): { axisLabel: Record<string, unknown>; bottom: number } {
  const n = categories.length;
  if (n > TIMELINE) return { axisLabel: { color: MUTED, hideOverlap: true }, bottom: 32 };
  const longest = Math.max(0, ...categories.map(textWidth));
  // ~7.5 px per narrow character at 12 px (digits and capitals are the wide ones), plus a little slack so a label that fits is never broken.
  const px = Math.ceil(longest * 7.5) + 8;
  if (n <= 6 && px <= 90) return { axisLabel: { color: MUTED, interval: 0 }, bottom: 32 };
  if (n <= 8) {
    // Wrap within ~90 px (the room a category has beside its neighbours at ~720 px of plot).
    const lines = Math.min(3, Math.ceil(px / 90));
    return { axisLabel: { color: MUTED, interval: 0, width: 90, overflow: 'break', lineHeight: 14 }, bottom: 20 + lines * 14 };
  }
  // Many categories: rotate, wrapping what is still too long.
  const width = Math.min(px, 130);
  const lines = Math.min(2, Math.ceil(px / 130));
  return { axisLabel: { color: MUTED, interval: 0, rotate: 35, width, overflow: 'break', lineHeight: 14 }, bottom: Math.ceil(width * Math.sin(Math.PI * 35 / 180)) + lines * 14 + 16 };
}
