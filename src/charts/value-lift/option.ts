import type { ChartOption } from '../echarts.ts';
import { BLUE, MUTED, ORANGE } from '../palette.ts';

export interface DecileBar {
  /** 1 = the customers with the highest predictions. */
  decile: number;
  actual: number;
  predicted: number;
}

export interface ValueLiftLabels {
  title: string;
  decile: string;
  spend: string;
  actual: string;
  predicted: string;
  /** The overall mean actual spend (the level of a random ranking). */
  average: string;
}

/** Mean actual and predicted spend per decile of prediction (highest first), with the overall mean as a line: the first bar over the line is the top decile's lift. */
export function valueLiftOption(deciles: readonly DecileBar[], overallMean: number, labels: ValueLiftLabels): ChartOption {
  const r = (n: number) => Math.round(n * 100) / 100;
  const names = deciles.map((d) => String(d.decile));
  return {
    color: [BLUE, ORANGE, MUTED],
    title: { text: labels.title, left: 0, top: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    legend: { data: [labels.actual, labels.predicted, labels.average], top: 24, right: 0 },
    grid: { left: 64, right: 24, top: 72, bottom: 48 },
    xAxis: { type: 'category', data: names, name: labels.decile, nameLocation: 'middle', nameGap: 28, axisLabel: { color: MUTED } },
    yAxis: { type: 'value', name: labels.spend, axisLabel: { color: MUTED } },
    series: [
      { name: labels.actual, type: 'bar', data: deciles.map((d) => r(d.actual)) },
      { name: labels.predicted, type: 'bar', data: deciles.map((d) => r(d.predicted)) },
      { name: labels.average, type: 'line', showSymbol: false, lineStyle: { type: 'dashed' }, data: names.map(() => r(overallMean)) },
    ],
  };
}
