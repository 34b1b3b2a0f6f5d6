/**
 * The report as one self-contained HTML file: styles inline, charts drawn by
 * the ECharts build embedded once (or as static SVG), tables inline, a CSP
 * that forbids every network request and every script but the two it ships
 * (by hash). Every user string goes through `esc`, chart data through
 * `jsonForScript`: nothing the user typed or loaded can run.
 */
import { renderSvg } from '../../charts/echarts.ts';
import { formatInt, translate, type MessageKey, type Params } from '../../i18n/index.ts';
import { kpiText, tableText } from './numbers.ts';
import { sectionOf } from './sections.ts';
import { cleaningText, dateRangeText, rejectedText } from './sources.ts';
import { itemIn } from './model.ts';
import { withNumbers } from './chart-numbers.ts';
import { cssString, esc, jsonForScript, sha256Base64 } from './escape.ts';
import { REPORT_CSS } from './html-style.ts';
import type { Cell, ReportDoc, ReportItem } from './types.ts';

export interface HtmlAssets {
  /** The ECharts browser build (echarts.min.js); null draws every chart as static SVG instead. */
  echarts: string | null;
  /** @font-face rules (data: URLs) for the characters the report uses, or ''. */
  fontCss?: string;
}

export interface HtmlOptions {
  /** Include tables with one row per customer (left out by default). */
  customerRows?: boolean;
  /** Replace customer ids in those tables by a stable mask. */
  maskIds?: boolean;
  /** When the file was made (printed on the cover). */
  now?: Date;
}

export const SECTIONS = ['summary', 'sources', 'analysis', 'segmentation', 'churn', 'kpis', 'findings', 'conclusions', 'appendix'] as const;
/** Sections left out (and out of the contents) when no item belongs there. */
const OPTIONAL: ReadonlySet<SectionId> = new Set(['segmentation', 'churn']);
export type SectionId = (typeof SECTIONS)[number];

const CHART_W = 760;
const CHART_H = 360;

/** Stable masks for customer ids: the same id gets the same mask within one export. */
function masker(): (v: Cell) => Cell {
  const seen = new Map<string, string>();
  return (v) => {
    if (v === null) return v;
    const k = String(v);
    let m = seen.get(k);
    if (!m) seen.set(k, (m = `C-${String(seen.size + 1).padStart(4, '0')}`));
    return m;
  };
}

/** Text narrow enough to keep on one line in a table cell (a CJK character counts twice): "无改动" must not break after two characters. */
function isShort(c: Cell): boolean {
  let width = 0;
  for (const ch of String(c ?? '')) width += /[\u2e80-\uffff]/.test(ch) ? 2 : 1;
  return width <= 20;
}

/**
 * `numeric`: columns whose cells are numbers (right-aligned); `keepShort`: short cells stay on one line.
 * `name`: a caption, or `{ labelledBy }` for a table named by the section heading just above it (not printed twice).
 */
function table(columns: readonly string[], rows: readonly Cell[][], name: string | { labelledBy: string }, numeric?: readonly unknown[], keepShort = false): string {
  const cls = (i: number, c: Cell) => {
    const names = [numeric?.[i] ? 'num' : '', keepShort && isShort(c) ? 'short' : ''].filter(Boolean).join(' ');
    return names ? ` class="${names}"` : '';
  };
  const head = columns.map((c, i) => `<th scope="col"${cls(i, c)}>${esc(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c, i) => (i === 0 ? `<th scope="row"${cls(i, c)}>${esc(c ?? '')}</th>` : `<td${cls(i, c)}>${esc(c ?? '')}</td>`)).join('')}</tr>`).join('');
  const open = typeof name === 'string' ? `<table><caption>${esc(name)}</caption>` : `<table aria-labelledby="${esc(name.labelledBy)}">`;
  return `${open}<thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

export async function docToHtml(report: ReportDoc, assets: HtmlAssets, opts: HtmlOptions = {}): Promise<string> {
  const locale = report.meta.locale;
  /** Every item in the report's language (as it was added where it has no words in it). */
  const doc: ReportDoc = { ...report, items: report.items.map((i) => itemIn(i, locale)) };
  const t = (key: MessageKey, params?: Params) => translate(locale, key, params);
  const title = doc.meta.title || t('report.untitled');
  const charts: Record<string, unknown> = {};
  const mask = masker();
  /** Items in the order the file prints them (section by section, the user's order within each), numbered so. */
  const ordered = SECTIONS.flatMap((s) => doc.items.filter((it) => sectionOf(it) === s));

  const caption = (item: ReportItem) =>
    `<p class="caption">${esc(t('report.from', { page: item.source }))} · ${esc(item.filters.length ? t('report.filtered', { filters: item.filters.join('; ') }) : t('report.unfiltered'))}</p>`;

  const figure = (item: ReportItem, n: number): string => {
    const b = item.body;
    const note = item.note ? `<p class="note">${esc(item.note)}</p>` : '';
    const head = `<h3 id="t-${esc(item.id)}">${esc(`${n}. ${item.title}`)}</h3>`;
    if (b.kind === 'kpi') {
      return `<figure class="item kpi" id="${esc(item.id)}" data-kind="kpi">${head}<p class="value" data-testid="kpi-value">${esc(kpiText(locale, b))}</p>${b.hint ? `<p class="hint">${esc(b.hint)}</p>` : ''}${caption(item)}${note}</figure>`;
    }
    if (b.kind === 'table') {
      if (b.customerLevel && !opts.customerRows) {
        return `<figure class="item" id="${esc(item.id)}" data-kind="table">${head}<p class="hint">${esc(t('report.customerRowsLeftOut', { n: formatInt(locale, b.rows.length) }))}</p>${caption(item)}${note}</figure>`;
      }
      const rows = b.customerLevel && opts.maskIds && b.idColumn !== undefined ? b.rows.map((r) => r.map((c, i) => (i === b.idColumn ? mask(c) : c))) : b.rows;
      return `<figure class="item" id="${esc(item.id)}" data-kind="table"${b.role ? ` data-role="${esc(b.role)}"` : ''}>${head}${table(b.columns, tableText(locale, { ...b, rows }), { labelledBy: `t-${item.id}` }, b.formats)}${caption(item)}${note}</figure>`;
    }
    const desc = `<p class="desc">${esc(b.description)}</p>`;
    if (assets.echarts === null) {
      const svg = renderSvg(withNumbers(b.option, locale), CHART_W, CHART_H);
      return `<figure class="item chart" id="${esc(item.id)}" data-kind="chart">${head}<div class="canvas static" role="img" aria-label="${esc(b.description)}">${svg}</div>${desc}${caption(item)}${note}</figure>`;
    }
    charts[item.id] = b.option;
    return `<figure class="item chart" id="${esc(item.id)}" data-kind="chart">${head}<div class="canvas" data-chart="${esc(item.id)}" role="img" aria-label="${esc(b.description)}"></div>${desc}${caption(item)}${note}</figure>`;
  };

  const sources = doc.sources.length
    ? table(
        [t('report.srcFile'), t('report.srcTable'), t('report.srcRows'), t('report.srcRejected'), t('report.srcDates'), t('report.srcCleaning')],
        doc.sources.map((s) => [s.file, s.table, formatInt(locale, s.rows), rejectedText(locale, s), dateRangeText(locale, s), cleaningText(locale, s)]),
        { labelledBy: 'h-sources' },
        [false, false, true, true, false, false],
        true,
      )
    : `<p>${esc(t('report.noSources'))}</p>`;

  const kept = doc.findings.filter((f) => f.kept);
  const itemIds = new Set(doc.items.map((i) => i.id));
  const findings = kept.length
    ? `<ol>${kept.map((f) => `<li>${esc(f.text)}${f.itemId && itemIds.has(f.itemId) ? ` <a href="#${esc(f.itemId)}">${esc(t('report.seeChart'))}</a>` : ''}</li>`).join('')}</ol>`
    : `<p>${esc(t('report.noFindings'))}</p>`;

  const paragraphs = (s: string, empty: string) => {
    const ps = s.split(/\n{2,}|\r\n\r\n/).map((p) => p.trim()).filter(Boolean);
    return ps.length ? ps.map((p) => `<p>${esc(p).replace(/\n/g, '<br>')}</p>`).join('') : `<p class="hint">${esc(empty)}</p>`;
  };

  const appendix = doc.items.length
    ? `<dl>${ordered
        .map((it, i) => {
          const where = `${t('report.from', { page: it.source })}; ${it.filters.length ? t('report.filtered', { filters: it.filters.join('; ') }) : t('report.unfiltered')}`;
          const definition = it.definition ? `<dd>${esc(it.definition)}</dd>` : '';
          const sql = (it.sql ?? []).map((q) => `<dd><pre><code>${esc(q)}</code></pre></dd>`).join('');
          return `<dt>${esc(`${i + 1}. ${it.title}`)}</dt><dd>${esc(where)}</dd>${definition}${sql}`;
        })
        .join('')}</dl>`
    : '';

  const kpiItems = doc.items.filter((i) => i.body.kind === 'kpi');
  const kpiTable = kpiItems.length
    ? table(
        [t('report.kpiName'), t('report.kpiValue'), t('report.kpiWhere')],
        kpiItems.map((i) => [i.title, i.body.kind === 'kpi' ? kpiText(locale, i.body) : '', `${t('report.from', { page: i.source })}; ${i.filters.length ? t('report.filtered', { filters: i.filters.join('; ') }) : t('report.unfiltered')}`]),
        { labelledBy: 'h-kpis' },
      )
    : `<p>${esc(t('report.noKpis'))}</p>`;

  const figures = (section: SectionId) => ordered.flatMap((it, i) => (sectionOf(it) === section ? [figure(it, i + 1)] : [])).join('');
  const body: Record<SectionId, string> = {
    summary: paragraphs(doc.summary, t('report.noSummary')),
    sources,
    analysis: figures('analysis') || `<p>${esc(t(doc.items.length ? 'report.restInSections' : 'report.noItems'))}</p>`,
    segmentation: figures('segmentation'),
    churn: figures('churn'),
    kpis: kpiTable,
    findings,
    conclusions: paragraphs(doc.conclusions, t('report.noConclusions')),
    appendix,
  };

  const shown = SECTIONS.filter((s) => !OPTIONAL.has(s) || body[s] !== '');
  const toc = `<nav class="toc" aria-labelledby="toc-h"><h2 id="toc-h">${esc(t('report.contents'))}</h2><ol>${shown.map((s) => `<li><a href="#sec-${s}">${esc(t(`report.sec.${s}`))}</a></li>`).join('')}</ol></nav>`;
  const sections = shown.map((s) => `<section id="sec-${s}" data-section="${s}"><h2 id="h-${s}">${esc(t(`report.sec.${s}`))}</h2>${body[s]}</section>`).join('');
  const made = (opts.now ?? new Date()).toLocaleDateString(locale, { year: 'numeric', month: 'long', day: 'numeric' });
  const cover = `<header class="cover"><h1>${esc(title)}</h1><p class="meta">${[doc.meta.author && t('report.by', { author: doc.meta.author }), doc.meta.period && t('report.periodIs', { period: doc.meta.period }), t('report.made', { date: made })].filter(Boolean).map((x) => esc(x as string)).join(' · ')}</p></header>`;

  const scripts: string[] = [];
  if (assets.echarts !== null && Object.keys(charts).length > 0) {
    scripts.push(assets.echarts, INIT);
  }
  const waitForFonts = scripts.length > 0 && Boolean(assets.fontCss);
  const hashes = await Promise.all(scripts.map(async (s) => `'sha256-${await sha256Base64(s)}'`));
  const csp = `default-src 'none'; script-src ${hashes.length ? hashes.join(' ') : "'none'"}; style-src 'unsafe-inline'; img-src data:; font-src data:; base-uri 'none'; form-action 'none'`;
  const running = `@page { @top-center { content: ${cssString(title)}; } }`;
  const data = Object.keys(charts).length ? `<script type="application/json" id="report-data">${jsonForScript(charts)}</script>` : '';

  return [
    '<!doctype html>',
    `<html lang="${esc(locale)}"><head><meta charset="utf-8">`,
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${assets.fontCss ?? ''}${REPORT_CSS}${running}</style></head>`,
    `<body${waitForFonts ? ' class="wait"' : ''}><main>${cover}${toc}${sections}</main>`,
    data,
    ...scripts.map((s) => `<script>${s}</script>`),
    '</body></html>',
  ].join('\n');
}

/**
 * Draws each chart from the JSON island and marks it drawn (for tests and print).
 * With embedded font slices the body starts hidden (class `wait`) until the slices
 * its text needs are decoded: text laid out before its slice arrives is not always
 * drawn again (seen in headless Chromium); three seconds at most.
 */
const INIT = `(function(){var b=document.body,all=[],lang=document.documentElement.lang||'en',compact=new Intl.NumberFormat(lang,{notation:'compact',maximumFractionDigits:2}),plain=new Intl.NumberFormat(lang,{maximumFractionDigits:2});function fit(){all.forEach(function(c){c.resize();});}
function axis(y){return function(a){if(a&&(a.type==='value'||(y&&!a.type))){a.axisLabel=a.axisLabel||{};if(!a.axisLabel.formatter)a.axisLabel.formatter=function(v){return compact.format(v);};}};}
function nums(o){[].concat(o.xAxis||[]).forEach(axis(false));[].concat(o.yAxis||[]).forEach(axis(true));if(o.tooltip&&!o.tooltip.valueFormatter)o.tooltip.valueFormatter=function(v){return typeof v==='number'&&isFinite(v)?plain.format(v):v==null?'\u2014':String(v);};}
function draw(){b.classList.remove('wait');var d=JSON.parse(document.getElementById('report-data').textContent);document.querySelectorAll('[data-chart]').forEach(function(el){var o=d[el.getAttribute('data-chart')];if(!o)return;var c=echarts.init(el,null,{renderer:'svg'});o.animation=false;nums(o);o.textStyle=Object.assign({fontFamily:getComputedStyle(b).fontFamily},o.textStyle||{});c.setOption(o);all.push(c);el.setAttribute('data-rendered','true');});b.setAttribute('data-ready','true');}
if(document.fonts&&b.classList.contains('wait')){var t=b.textContent||'',f='"Noto Sans SC"';Promise.race([Promise.all([document.fonts.load('16px '+f,t),document.fonts.load('bold 16px '+f,t)]),new Promise(function(r){setTimeout(r,3000);})]).then(draw,draw);}else{draw();}
window.addEventListener('resize',fit);window.addEventListener('beforeprint',fit);window.addEventListener('afterprint',fit);})();`;
