import type { ChartOption } from '../echarts.ts';
import { BLUE, MUTED } from '../palette.ts';

export interface CalibrationInput {
  meanPredicted: number;
  observedRate: number;
  /** Rows in the bin; sets the marker size. */
  count: number;
}

export interface CalibrationLabels {
  title: string;
  model: string;
  perfect: string;
  predicted: string;
  observed: string;
}

/**
 * Reliability diagram: observed positive rate against mean predicted
 * probability per score bin, markers sized by the bin's rows, beside the
 * diagonal of perfectly calibrated scores.
 */
export function calibrationOption(bins: readonly CalibrationInput[], labels: CalibrationLabels): ChartOption {
  const most = Math.max(1, ...bins.map((b) => b.count));
  const r3 = (n: number) => Math.round(n * 1000) / 1000;
  return {
    color: [BLUE, MUTED],
    title: { text: labels.title, left: 0, top: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'item' },
    legend: { data: [labels.model, labels.perfect], top: 24, right: 0 },
    grid: { left: 56, right: 16, top: 72, bottom: 48 },
    xAxis: { type: 'value', min: 0, max: 1, name: labels.predicted, nameLocation: 'middle', nameGap: 28, axisLabel: { color: MUTED } },
    yAxis: { type: 'value', min: 0, max: 1, name: labels.observed, axisLabel: { color: MUTED } },
    series: [
      {
        name: labels.model,
        type: 'line',
        data: bins.map((b) => ({ value: [r3(b.meanPredicted), r3(b.observedRate), b.count], symbolSize: Math.round(4 + 10 * Math.sqrt(b.count / most)) })),
      },
      { name: labels.perfect, type: 'line', showSymbol: false, lineStyle: { type: 'dashed' }, data: [[0, 0], [1, 1]] },
    ],
  };
}
