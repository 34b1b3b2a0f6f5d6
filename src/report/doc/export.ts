/**
 * Exporting the report: loads the ECharts browser build (a separate asset of
 * our own origin, fetched only when the user exports) and hands it to docToHtml.
 */
import { docToHtml, type HtmlOptions } from './html.ts';
import type { ReportDoc } from './types.ts';

let echartsSource: Promise<string> | null = null;

function loadEcharts(): Promise<string> {
  echartsSource ??= import('echarts/dist/echarts.min.js?raw').then((m: { default: string }) => m.default);
  return echartsSource;
}

export async function exportHtml(doc: ReportDoc, opts: HtmlOptions & { staticCharts?: boolean } = {}): Promise<string> {
  const echarts = opts.staticCharts ? null : await loadEcharts();
  return docToHtml(doc, { echarts }, opts);
}
