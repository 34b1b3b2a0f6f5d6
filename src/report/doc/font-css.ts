/**
 * The report's CJK font, cut to the characters it prints: the @font-face rules
 * (data: URLs) for just the Noto Sans SC slices its text needs. No bundler
 * features here, so the command-line runner (Node) and the app share it; the
 * caller says where the slices come from.
 */
import { translate, type MessageKey } from '../../i18n/index.ts';
import { reportEn } from '../../i18n/parts/report.ts';
import { fontFaceCss, fontSlices, slicesFor } from './fonts.ts';
import type { ReportDoc } from './types.ts';

function base64(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

/** Every string the export may print: the document's own and the report's labels in its language. */
function reportText(doc: ReportDoc): string {
  const labels = Object.keys(reportEn).map((k) => translate(doc.meta.locale, k as MessageKey));
  return JSON.stringify(doc) + labels.join('') + new Date().toLocaleDateString(doc.meta.locale, { year: 'numeric', month: 'long', day: 'numeric' });
}

export interface FontSource {
  /** The @fontsource CSS that lists the slices. */
  css: () => Promise<string>;
  read: (file: string) => Promise<Uint8Array | null>;
}

/** @font-face rules for the CJK characters of the report, or '' when it has none. */
export async function reportFontCss(doc: ReportDoc, font: FontSource): Promise<string> {
  const { read } = font;
  const needed = slicesFor(fontSlices(await font.css()), reportText(doc));
  const faces = await Promise.all(
    needed.map(async (s) => {
      const bytes = await read(s.file);
      return bytes ? { range: s.range, base64: base64(bytes) } : null;
    }),
  );
  return fontFaceCss('Noto Sans SC', faces.filter((f) => f !== null));
}

