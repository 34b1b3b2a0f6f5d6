import type { ChartOption } from '../echarts.ts';
import { BLUE, MUTED, ORANGE } from '../palette.ts';

export interface ResidualGroup {
  group: string;
  rows: number;
  /** Mean of actual − predicted: above 0 the model under-predicts the group. */
  meanResidual: number;
  mae: number;
}

export interface ValueResidualLabels {
  title: string;
  meanResidual: string;
  mae: string;
  spend: string;
}

/** Per segment: the mean residual (bias) and the mean absolute error, as horizontal bars, largest segment on top. */
export function valueResidualsOption(groups: readonly ResidualGroup[], labels: ValueResidualLabels): ChartOption {
  const r = (n: number) => Math.round(n * 100) / 100;
  const shown = [...groups].reverse();
  return {
    color: [ORANGE, BLUE],
    title: { text: labels.title, left: 0, top: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { data: [labels.meanResidual, labels.mae], top: 24, right: 0 },
    grid: { left: 120, right: 24, top: 72, bottom: 48 },
    xAxis: { type: 'value', name: labels.spend, nameLocation: 'middle', nameGap: 28, axisLabel: { color: MUTED } },
    yAxis: { type: 'category', data: shown.map((g) => `${g.group} (${g.rows})`), axisLabel: { color: MUTED } },
    series: [
      { name: labels.meanResidual, type: 'bar', data: shown.map((g) => r(g.meanResidual)) },
      { name: labels.mae, type: 'bar', data: shown.map((g) => r(g.mae)) },
    ],
  };
}
