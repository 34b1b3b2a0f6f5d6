/** Voice of the customer: the rising topic's share of each month's texts, with the fitted line the finding rests on. */
import type { ChartOption } from '../echarts.ts';
import { MUTED, PALETTE } from '../palette.ts';
import { formatNumber, type Locale } from '../../i18n/index.ts';

export interface RisingShareLabels {
  title: string;
  share: string;
  trend: string;
  locale?: Locale;
}

const pct = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 10);

/** Shares 0–1 per month (`YYYY-MM`), drawn as percent: bars for the months, a dashed line for the fit. */
export function risingShareOption(months: readonly string[], shares: readonly (number | null)[], fitted: readonly number[], labels: RisingShareLabels): ChartOption {
  return {
    color: [PALETTE[1]!, PALETTE[0]!],
    title: { text: labels.title, left: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${formatNumber(labels.locale ?? 'en', v, 1)} %` : '—') },
    legend: { data: [labels.share, labels.trend], top: 24, left: 0 },
    grid: { left: 56, right: 16, top: 72, bottom: 32 },
    xAxis: { type: 'category', data: [...months], axisLabel: { color: MUTED, hideOverlap: true } },
    yAxis: { type: 'value', min: 0, axisLabel: { color: MUTED, hideOverlap: true, formatter: '{value} %' } },
    series: [
      { name: labels.share, type: 'bar', data: shares.map(pct), barMaxWidth: 18 },
      { name: labels.trend, type: 'line', data: fitted.map(pct), showSymbol: false, lineStyle: { type: 'dashed', width: 2 } },
    ],
  };
}
