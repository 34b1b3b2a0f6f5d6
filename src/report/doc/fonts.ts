/**
 * The CJK font slices an exported report needs: the app's Noto Sans SC comes
 * as ~100 woff2 files, each for a unicode-range; a report embeds only those
 * whose range holds a character it uses (so Chinese renders on a machine
 * without CJK fonts, and an English report carries none).
 */

export interface FontSlice {
  /** File name, e.g. `noto-sans-sc-119-400-normal.woff2`. */
  file: string;
  /** The @font-face unicode-range as written. */
  range: string;
  ranges: [number, number][];
}

/** The woff2 slices of a @fontsource CSS file, with their ranges. */
export function fontSlices(css: string): FontSlice[] {
  const out: FontSlice[] = [];
  for (const block of css.split('@font-face').slice(1)) {
    const file = /url\(\.\/files\/([\w.-]+\.woff2)\)/.exec(block)?.[1];
    const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1]?.trim();
    if (!file || !range) continue;
    const ranges = range.split(',').map((r): [number, number] => {
      const [lo, hi] = r.trim().replace(/^U\+/i, '').split('-');
      const a = parseInt(lo ?? '', 16);
      return [a, hi === undefined ? a : parseInt(hi, 16)];
    });
    out.push({ file, range, ranges });
  }
  return out;
}

/** Characters the system fonts draw everywhere (Latin, digits, common punctuation) need no slice. */
const NEEDS_FONT = 0x2e80;

/** The slices holding the characters of `text` that are CJK (or other wide scripts). */
export function slicesFor(slices: readonly FontSlice[], text: string): FontSlice[] {
  const points = new Set<number>();
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp >= NEEDS_FONT) points.add(cp);
  }
  return slices.filter((s) => [...points].some((cp) => s.ranges.some(([a, b]) => cp >= a && cp <= b)));
}

/** @font-face rules for the chosen slices, the bytes inline as data: URLs. */
export function fontFaceCss(family: string, faces: readonly { range: string; base64: string }[]): string {
  return faces
    .map((f) => `@font-face{font-family:"${family}";font-style:normal;font-weight:400;font-display:block;src:url(data:font/woff2;base64,${f.base64}) format("woff2");unicode-range:${f.range}}`)
    .join('');
}
