/** Issue 12: the exported report embeds only the CJK font slices its text needs, and stays under the 2 MB bar. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fontSlices, slicesFor } from '../../src/report/doc/fonts.ts';
import { reportFontCss } from '../../src/report/doc/export.ts';
import { docToHtml } from '../../src/report/doc/html.ts';
import { addItem, emptyReport } from '../../src/report/doc/model.ts';

const DIR = path.resolve('node_modules/@fontsource/noto-sans-sc');
const CSS = readFileSync(path.join(DIR, '400.css'), 'utf8');
// Vitest stubs CSS imports, so the font's CSS and files are read from disk here (the browser build imports them; e2e covers that path).
const font = { css: async () => CSS, read: async (file: string) => new Uint8Array(readFileSync(path.join(DIR, 'files', file))) };

describe('report fonts', () => {
  it('reads every slice of the app font with its ranges', () => {
    const slices = fontSlices(CSS);
    expect(slices.length).toBe((CSS.match(/@font-face/g) ?? []).length);
    expect(slices.every((s) => s.file.endsWith('.woff2') && s.ranges.length > 0)).toBe(true);
  });

  it('picks the slices that hold the report’s CJK characters, and none for Latin text', () => {
    const slices = fontSlices(CSS);
    expect(slicesFor(slices, 'Revenue 1,234 — “quoted”')).toEqual([]);
    const picked = slicesFor(slices, '客户流失');
    expect(picked.length).toBeGreaterThan(0);
    for (const ch of '客户流失') {
      const cp = ch.codePointAt(0)!;
      expect(picked.some((s) => s.ranges.some(([a, b]) => cp >= a && cp <= b))).toBe(true);
    }
  });

  it('embeds them as data: URLs: none for an English report, a few for a Chinese one, under 2 MB with ECharts', async () => {
    const en = addItem(emptyReport('en', 'Quarterly review'), { id: 'a', title: 'Customers', source: 'Overview', filters: [], note: '', body: { kind: 'kpi', value: '2,000' } });
    expect(await reportFontCss(en, font)).toBe('');
    let zh = addItem(emptyReport('zh-CN', '季度客户分析'), { id: 'a', title: '客户数', source: '概览', filters: [], note: '', body: { kind: 'kpi', value: '2,000' } });
    const option = { xAxis: { type: 'category', data: ['华北', '华东', '华南'] }, yAxis: { type: 'value' }, series: [{ type: 'bar', name: '收入', data: [3, 5, 2] }] };
    zh = addItem(zh, { id: 'b', title: '按地区收入', source: '分析', filters: [], note: '', body: { kind: 'chart', option, description: '' } });
    const css = await reportFontCss(zh, font);
    const faces = css.match(/@font-face/g)?.length ?? 0;
    expect(faces).toBeGreaterThan(0);
    expect(faces).toBeLessThan(30);
    expect(css).not.toMatch(/url\((?!data:font\/woff2;base64,)/);
    const html = await docToHtml(zh, { echarts: readFileSync(path.resolve('node_modules/echarts/dist/echarts.min.js'), 'utf8'), fontCss: css });
    const bytes = Buffer.byteLength(html);
    expect(html).toContain('echarts');
    // The body waits for its font slices before the first layout (then the init script shows it); without fonts it does not wait.
    expect(html).toContain('<body class="wait">');
    expect(await docToHtml(zh, { echarts: 'var echarts;', fontCss: '' })).toContain('<body><main>');
    console.log(`[report-fonts] zh report: ${faces} font slices, ${css.length} bytes of font CSS, ${bytes} bytes of HTML`);
    expect(bytes).toBeLessThan(2 * 1024 * 1024);
  });
});
