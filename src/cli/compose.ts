/**
 * The runner's report: the standard CRM report the browser's Report page
 * exports, drafted from the whole workspace in one pass (KPI cards, revenue
 * trend and breakdown, RFM tiers, clusters, cross-sell rules, forecast, the
 * data sources with their cleaning, the findings and a draft of the
 * conclusions), in one language. Same runners, same builders, same document.
 */
import type { Db } from '../db/types.ts';
import { formatInt, translate, type Locale, type MessageKey, type Params } from '../i18n/index.ts';
import type { TableInfo } from '../ingest/model.ts';
import type { LogEntry } from '../ingest/log.ts';
import { monthlyRevenueOption } from '../charts/monthly-revenue/option.ts';
import { breakdownOption } from '../charts/breakdown/option.ts';
import { forecastOption } from '../charts/forecast/option.ts';
import { loadOverview } from '../report/overview.ts';
import { loadAnalytics } from '../report/analytics.ts';
import { loadClusters, loadForecast, loadRules } from '../report/patterns/load.ts';
import { inlineRunner } from '../report/patterns/runner.ts';
import { isDerived } from '../report/materialize.ts';
import { sourceDateRanges } from '../report/source-dates.ts';
import { sourcesOf } from '../report/doc/sources.ts';
import { describeChart } from '../report/doc/describe.ts';
import { formatKind } from '../report/doc/numbers.ts';
import { clustersTable, rulesTable, tiersTable, type BuiltTable } from '../report/doc/tables.ts';
import { draftConclusions, findFindings } from '../report/doc/findings.ts';
import { emptyReport, newItemId, plainOption } from '../report/doc/model.ts';
import { kpiCardHint, KPI_FORMATS, KPI_TITLES } from '../report/kpi-cards.ts';
import type { ItemBody, ReportDoc, ReportItem } from '../report/doc/types.ts';

export interface ComposeOptions {
  locale: Locale;
  title?: string;
  author?: string;
  /** Stage timings go here (measure → milliseconds), for the runner's summary and the bench. */
  timings?: Record<string, number>;
}

async function timed<T>(timings: Record<string, number> | undefined, name: string, f: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    if (timings) timings[name] = performance.now() - t0;
  }
}

export async function composeReport(db: Db, tables: readonly TableInfo[], log: readonly LogEntry[], opts: ComposeOptions): Promise<ReportDoc> {
  const { locale, timings } = opts;
  const t = (key: MessageKey, params?: Params): string => translate(locale, key, params);
  const items: ReportItem[] = [];
  const add = (title: string, page: MessageKey, body: ItemBody, extra: Pick<ReportItem, 'definition' | 'sql'> = {}): void => {
    items.push({ id: newItemId(), title, source: t(page), filters: [], note: '', body, ...extra });
  };
  const chart = (title: string, page: MessageKey, option: unknown, sql?: string): void => {
    const plain = plainOption(option);
    add(title, page, { kind: 'chart', option: plain, description: describeChart(plain, title, locale) }, sql ? { sql: [sql] } : {});
  };
  const table = (b: BuiltTable, page: MessageKey, title = b.title): void => {
    add(title, page, { kind: 'table', columns: b.columns, rows: b.rows, formats: b.formats, role: b.role });
  };

  const overview = await timed(timings, 'overview', () => loadOverview(db, tables));
  for (const k of overview.kpis) {
    if (k.value === null) continue;
    const hint = kpiCardHint(k, t, locale);
    add(t(KPI_TITLES[k.key]), 'nav.overview', { kind: 'kpi', value: formatKind(locale, k.value, KPI_FORMATS[k.key]), number: { n: k.value, format: KPI_FORMATS[k.key] }, ...(hint ? { hint } : {}) });
  }
  const c = overview.chart;
  if (c?.kind === 'monthly') {
    const title = t('chart.monthlyRevenue');
    chart(title, 'nav.overview', monthlyRevenueOption(c.points, { title, revenue: t('chart.revenue'), orders: t('chart.orders'), locale }));
  } else if (c?.kind === 'breakdown') {
    const title = t('chart.customersBy', { column: c.column });
    chart(title, 'nav.overview', breakdownOption(c.points, { title, customers: t('chart.customers'), churnRate: t('chart.churnRate') }));
  }

  const analytics = await timed(timings, 'analytics', () => loadAnalytics(db, tables, {}));
  if (analytics.tiers.rows.length) table(tiersTable(analytics.tiers.rows, t), 'nav.analytics');
  const forecast = await timed(timings, 'forecast', () => loadForecast(db, tables, 'month', inlineRunner));
  if (forecast) chart(t('an.forecast'), 'nav.analytics', forecastOption(forecast.chart, { title: t('an.forecast'), actual: t('an.actual'), forecast: t('an.forecastLine'), interval: t('an.interval'), locale }), forecast.sql);
  const clusters = await timed(timings, 'clusters', () => loadClusters(db, tables, locale === 'zh-CN' ? 'zh' : 'en', inlineRunner));
  if (clusters) table(clustersTable(clusters, t, locale), 'nav.analytics');
  const rules = await timed(timings, 'rules', () => loadRules(db, tables, 0.005, 0.2, inlineRunner));
  if (rules?.top.length) table(rulesTable(rules.top, t), 'nav.analytics');

  const base = tables.filter((x) => !isDerived(x));
  const dates = await timed(timings, 'sources', () => sourceDateRanges(db, base));
  const doc = emptyReport(locale, opts.title ?? t('report.untitled'));
  const findings = findFindings(items, locale);
  return {
    ...doc,
    meta: { ...doc.meta, author: opts.author ?? '' },
    sources: sourcesOf(base, log, t as (key: string, params?: Params) => string, (n) => formatInt(locale, n), dates),
    items,
    findings,
    conclusions: draftConclusions(items, findings, locale),
  };
}
