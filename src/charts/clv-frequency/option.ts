import type { ChartOption } from '../echarts.ts';
import { BLUE, MUTED, VERMILLION } from '../palette.ts';

export interface FrequencyInput {
  /** Calibration frequency; the last group is "7+". */
  x: number;
  customers: number;
  actual: number;
  predicted: number;
}

export interface FrequencyLabels {
  title: string;
  actual: string;
  predicted: string;
  frequency: string;
  purchases: string;
}

/**
 * Mean hold-out purchases per customer by number of repeat purchases in the
 * calibration period, actual against predicted (the conditional-expectation
 * plot of the BG/NBD paper). Groups without customers are left out.
 */
export function frequencyOption(groups: readonly FrequencyInput[], labels: FrequencyLabels): ChartOption {
  const shown = groups.filter((g) => g.customers > 0);
  const last = groups.length - 1;
  const r2 = (n: number) => Math.round(n * 100) / 100;
  return {
    color: [BLUE, VERMILLION],
    title: { text: labels.title, left: 0, top: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    legend: { data: [labels.actual, labels.predicted], top: 24, right: 0 },
    grid: { left: 56, right: 16, top: 72, bottom: 48 },
    xAxis: { type: 'category', name: labels.frequency, nameLocation: 'middle', nameGap: 28, data: shown.map((g) => (g.x === last ? `${g.x}+` : String(g.x))), axisLabel: { color: MUTED } },
    yAxis: { type: 'value', name: labels.purchases, axisLabel: { color: MUTED } },
    series: [
      { name: labels.actual, type: 'bar', data: shown.map((g) => r2(g.actual)) },
      { name: labels.predicted, type: 'bar', data: shown.map((g) => r2(g.predicted)) },
    ],
  };
}
