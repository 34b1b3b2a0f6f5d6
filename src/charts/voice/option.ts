/** Voice of the customer: monthly lines (term shares, topic volumes). Bars use charts/bars. */
import type { ChartOption } from '../echarts.ts';
import { MUTED, PALETTE } from '../palette.ts';
import type { Locale } from '../../i18n/index.ts';
import { axisNumber, tooltipNumber } from '../numbers.ts';

export interface TrendSeries {
  name: string;
  values: readonly number[];
}

export interface TrendLabels {
  title: string;
  /** Values are shares 0–1, drawn as percent. */
  percent?: boolean;
  locale?: Locale;
  /** Index of a series drawn bold over the others faded (the rising topic). */
  highlight?: number;
}

/** One line per series over the months (`YYYY-MM`). */
export function trendLinesOption(months: readonly string[], series: readonly TrendSeries[], labels: TrendLabels): ChartOption {
  const scale = labels.percent ? 100 : 1;
  return {
    color: [...PALETTE],
    title: { text: labels.title, left: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis', valueFormatter: labels.percent ? (v: unknown) => `${String(v)} %` : tooltipNumber(labels.locale) },
    legend: { data: series.map((s) => s.name), top: 24, left: 0, type: 'scroll' },
    grid: { left: 56, right: 16, top: 72, bottom: 32 },
    xAxis: { type: 'category', data: [...months], axisLabel: { color: MUTED, hideOverlap: true } },
    yAxis: { type: 'value', min: 0, axisLabel: { color: MUTED, hideOverlap: true, formatter: labels.percent ? '{value} %' : axisNumber(labels.locale) } },
    series: series.map((s, i) => ({
      name: s.name,
      type: 'line',
      showSymbol: months.length <= 24,
      data: s.values.map((v) => Math.round(v * scale * 10) / 10),
      ...(labels.highlight === undefined ? {} : i === labels.highlight ? { lineStyle: { width: 4 }, z: 3 } : { lineStyle: { width: 1.5, opacity: 0.45 }, itemStyle: { opacity: 0.45 } }),
    })),
  };
}
