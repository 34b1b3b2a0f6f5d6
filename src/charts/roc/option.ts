import type { ChartOption } from '../echarts.ts';
import { BLUE, MUTED } from '../palette.ts';

export interface RocLabels {
  title: string;
  model: string;
  random: string;
  fpr: string;
  tpr: string;
}

/** ROC curve from (fpr, tpr) points, with the diagonal of a random ranking. */
export function rocOption(points: readonly (readonly [number, number])[], auc: number, labels: RocLabels): ChartOption {
  return {
    color: [BLUE, MUTED],
    title: { text: labels.title, left: 0, top: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    legend: { data: [`${labels.model} (AUC ${auc.toFixed(3)})`, labels.random], top: 24, right: 0 },
    grid: { left: 56, right: 16, top: 72, bottom: 48 },
    xAxis: { type: 'value', min: 0, max: 1, name: labels.fpr, nameLocation: 'middle', nameGap: 28, axisLabel: { color: MUTED } },
    yAxis: { type: 'value', min: 0, max: 1, name: labels.tpr, axisLabel: { color: MUTED } },
    series: [
      { name: `${labels.model} (AUC ${auc.toFixed(3)})`, type: 'line', showSymbol: false, data: points.map((p) => [p[0], p[1]]) },
      { name: labels.random, type: 'line', showSymbol: false, lineStyle: { type: 'dashed' }, data: [[0, 0], [1, 1]] },
    ],
  };
}
