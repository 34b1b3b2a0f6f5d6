/**
 * Text drawn before its font subset arrives is not always repainted (seen in headless
 * Chromium: empty boxes until something else redraws). The app's CJK font is split into
 * unicode-range subsets fetched on demand, so a view that shows data it has just read
 * waits for the subsets of that data's characters first, at most a moment.
 */
const FONT = '16px "Noto Sans SC"';

/** Characters outside Latin and whitespace, each once (what needs a CJK subset). */
export function wideChars(text: string): string {
  return [...new Set(text.replace(/[\u0000-\u024f\s]/gu, ''))].join('');
}

export async function glyphsReady(text: string, ms = 2000): Promise<void> {
  const chars = wideChars(text);
  if (!chars || typeof document === 'undefined' || !document.fonts) return;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([document.fonts.load(FONT, chars).catch(() => undefined), new Promise((r) => (timer = setTimeout(r, ms)))]);
  clearTimeout(timer);
}
