/**
 * Exporting the report: loads the ECharts browser build and the CJK font
 * slices the report's text needs (assets of our own origin, fetched only when
 * the user exports) and hands them to docToHtml.
 */
import { docToHtml, type HtmlOptions } from './html.ts';
import { reportFontCss as fontCssFrom, type FontSource } from './font-css.ts';
import type { ReportDoc } from './types.ts';

export type { FontSource } from './font-css.ts';

let echartsSource: Promise<string> | null = null;

function loadEcharts(): Promise<string> {
  echartsSource ??= import('echarts/dist/echarts.min.js?raw').then((m: { default: string }) => m.default);
  return echartsSource;
}

/** Each Noto Sans SC slice's URL (the same files the app's own font CSS loads). */
const SLICE_URLS = import.meta.glob<string>('/node_modules/@fontsource/noto-sans-sc/files/*-400-normal.woff2', { query: '?url', import: 'default' });

const appFont: FontSource = {
  css: async () => ((await import('@fontsource/noto-sans-sc/400.css?raw')) as { default: string }).default,
  read: readSlice,
};

/** @font-face rules for the CJK characters of the report, or '' when it has none (the app's own font files by default). */
export function reportFontCss(doc: ReportDoc, font: FontSource = appFont): Promise<string> {
  return fontCssFrom(doc, font);
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
