/**
 * Exporting the report: loads the ECharts browser build and the CJK font
 * slices the report's text needs (assets of our own origin, fetched only when
 * the user exports) and hands them to docToHtml.
 */
import { translate, type MessageKey } from '../../i18n/index.ts';
import { reportEn } from '../../i18n/parts/report.ts';
import { docToHtml, type HtmlOptions } from './html.ts';
import { fontFaceCss, fontSlices, slicesFor } from './fonts.ts';
import type { ReportDoc } from './types.ts';

let echartsSource: Promise<string> | null = null;

function loadEcharts(): Promise<string> {
  echartsSource ??= import('echarts/dist/echarts.min.js?raw').then((m: { default: string }) => m.default);
  return echartsSource;
}

/** Each Noto Sans SC slice's URL (the same files the app's own font CSS loads). */
const SLICE_URLS = import.meta.glob<string>('/node_modules/@fontsource/noto-sans-sc/files/*-400-normal.woff2', { query: '?url', import: 'default' });

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

const appFont: FontSource = {
  css: async () => ((await import('@fontsource/noto-sans-sc/400.css?raw')) as { default: string }).default,
  read: readSlice,
};

/** @font-face rules for the CJK characters of the report, or '' when it has none. */
export async function reportFontCss(doc: ReportDoc, font: FontSource = appFont): Promise<string> {
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

async function readSlice(file: string): Promise<Uint8Array | null> {
  const load = SLICE_URLS[`/node_modules/@fontsource/noto-sans-sc/files/${file}`];
  if (!load) return null;
  const res = await fetch(await load());
  if (!res.ok) throw new Error(`font slice ${file}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

export async function exportHtml(doc: ReportDoc, opts: HtmlOptions & { staticCharts?: boolean } = {}): Promise<string> {
  const [echarts, fontCss] = await Promise.all([opts.staticCharts ? null : loadEcharts(), reportFontCss(doc)]);
  return docToHtml(doc, { echarts, fontCss }, opts);
}
