import type { ChartOption } from '../echarts.ts';
import { BLUE, MUTED } from '../palette.ts';

export interface ValueScatterLabels {
  title: string;
  predicted: string;
  actual: string;
  /** The y = x line. */
  perfect: string;
  model: string;
}

/** Points at most this many (every k-th by prediction order), so a large workspace does not freeze the chart. */
export const MAX_SCATTER_POINTS = 3000;

/**
 * Predicted vs actual spend on log axes (log(1 + spend): a customer who spends
 * nothing sits on the axis instead of vanishing), with the y = x line.
 * Negative values (net returns) are drawn at 0.
 */
export function valueScatterOption(actual: readonly number[], predicted: readonly number[], labels: ValueScatterLabels): ChartOption {
  if (actual.length !== predicted.length) throw new Error(`${actual.length} actual values but ${predicted.length} predictions`);
  const step = Math.max(1, Math.ceil(actual.length / MAX_SCATTER_POINTS));
  const points: [number, number][] = [];
  let top = 1;
  for (let i = 0; i < actual.length; i += step) {
    const x = Math.max(0, predicted[i]!) + 1;
    const y = Math.max(0, actual[i]!) + 1;
    top = Math.max(top, x, y);
    points.push([Math.round(x * 100) / 100, Math.round(y * 100) / 100]);
  }
  const max = 10 ** Math.ceil(Math.log10(top));
  return {
    color: [BLUE, MUTED],
    title: { text: labels.title, left: 0, top: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'item' },
    legend: { data: [labels.model, labels.perfect], top: 24, right: 0 },
    grid: { left: 64, right: 24, top: 72, bottom: 48 },
    xAxis: { type: 'log', min: 1, max, name: labels.predicted, nameLocation: 'middle', nameGap: 28, axisLabel: { color: MUTED } },
    yAxis: { type: 'log', min: 1, max, name: labels.actual, axisLabel: { color: MUTED } },
    series: [
      { name: labels.model, type: 'scatter', symbolSize: 4, itemStyle: { opacity: 0.45 }, data: points },
      { name: labels.perfect, type: 'line', showSymbol: false, lineStyle: { type: 'dashed' }, data: [[1, 1], [max, max]] },
    ],
  };
}
