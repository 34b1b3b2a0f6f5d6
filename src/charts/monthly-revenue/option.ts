import type { ChartOption } from '../echarts.ts';
import { BLUE, MUTED, ORANGE } from '../palette.ts';
import type { Locale } from '../../i18n/index.ts';
import { axisNumber, tooltipNumber } from '../numbers.ts';

export interface MonthlyRevenuePoint {
  month: string;
  revenue: number;
  orders: number;
}

export interface MonthlyRevenueLabels {
  title: string;
  revenue: string;
  orders: string;
  /** Axis and tooltip numbers in this locale's format (default en). */
  locale?: Locale;
}

/** Revenue as bars, orders as a line on a second axis, one point per month. */
export function monthlyRevenueOption(data: readonly MonthlyRevenuePoint[], labels: MonthlyRevenueLabels): ChartOption {
  return {
    color: [BLUE, ORANGE],
    title: { text: labels.title, left: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis', valueFormatter: tooltipNumber(labels.locale) },
    legend: { data: [labels.revenue, labels.orders], top: 0, right: 0 },
    grid: { left: 56, right: 56, top: 72, bottom: 32 },
    xAxis: { type: 'category', data: data.map((d) => d.month), axisLabel: { color: MUTED } },
    yAxis: [
      { type: 'value', name: labels.revenue, axisLabel: { color: MUTED, formatter: axisNumber(labels.locale) } },
      { type: 'value', name: labels.orders, splitLine: { show: false }, axisLabel: { color: MUTED, formatter: axisNumber(labels.locale) } },
    ],
    series: [
      { name: labels.revenue, type: 'bar', data: data.map((d) => round2(d.revenue)) },
      { name: labels.orders, type: 'line', yAxisIndex: 1, smooth: true, smoothMonotone: 'x', data: data.map((d) => d.orders) },
    ],
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
