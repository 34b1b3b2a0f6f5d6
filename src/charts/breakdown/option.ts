import type { ChartOption } from '../echarts.ts';
import { BLUE, MUTED, VERMILLION } from '../palette.ts';
import { orderCategories } from '../../lib/natural-order.ts';
import { categoryAxisLabel } from '../axis-labels.ts';

export interface BreakdownPoint {
  category: string;
  customers: number;
  /** Share 0–1, when the table has a churn column. */
  churnRate: number | null;
}

export interface BreakdownLabels {
  title: string;
  customers: string;
  churnRate: string;
}

/**
 * Customers per category as bars; churn rate per category as a line (percent
 * axis) when known. Categories in their natural order when they have one
 * (Month-to-month, One year, Two year), else by customers, largest first.
 */
export function breakdownOption(points: readonly BreakdownPoint[], labels: BreakdownLabels): ChartOption {
  const data = orderCategories(points, (d) => d.category, (d) => d.customers);
  const hasChurn = data.some((d) => d.churnRate !== null);
  const series: unknown[] = [{ name: labels.customers, type: 'bar', data: data.map((d) => d.customers), barMaxWidth: 48 }];
  if (hasChurn) {
    series.push({
      name: labels.churnRate,
      type: 'line',
      yAxisIndex: 1,
      data: data.map((d) => (d.churnRate === null ? null : Math.round(d.churnRate * 1000) / 10)),
    });
  }
  const cat = categoryAxisLabel(data.map((d) => d.category));
  return {
    color: [BLUE, VERMILLION],
    title: { text: labels.title, left: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    legend: { data: hasChurn ? [labels.customers, labels.churnRate] : [labels.customers], top: 26, right: 0 },
    grid: { left: 56, right: hasChurn ? 56 : 16, top: 72, bottom: cat.bottom },
    xAxis: { type: 'category', data: data.map((d) => d.category), axisLabel: cat.axisLabel },
    yAxis: hasChurn
      ? [
          { type: 'value', name: labels.customers, axisLabel: { color: MUTED } },
          { type: 'value', name: labels.churnRate, axisLabel: { color: MUTED, formatter: '{value} %' }, splitLine: { show: false } },
        ]
      : [{ type: 'value', name: labels.customers, axisLabel: { color: MUTED } }],
    series,
  };
}
