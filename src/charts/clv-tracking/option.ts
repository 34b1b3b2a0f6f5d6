import type { ChartOption } from '../echarts.ts';
import { BLUE, MUTED, VERMILLION } from '../palette.ts';

export interface TrackingInput {
  weeks: readonly number[];
  actualCum: readonly number[];
  predictedCum: readonly number[];
  /** Week of the calibration end: a vertical line there. */
  calEndWeek: number;
}

export interface TrackingLabels {
  title: string;
  actual: string;
  predicted: string;
  week: string;
  purchases: string;
  calibrationEnd: string;
}

/**
 * Cumulative repeat purchases by week, actual against the model's prediction
 * (the tracking plot of Fader, Hardie & Lee 2005), with the calibration end
 * marked: left of it the fit, right of it the hold-out.
 */
export function trackingOption(d: TrackingInput, labels: TrackingLabels): ChartOption {
  const r1 = (n: number) => Math.round(n * 10) / 10;
  return {
    color: [BLUE, VERMILLION],
    title: { text: labels.title, left: 0, top: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    legend: { data: [labels.actual, labels.predicted], top: 24, right: 0 },
    grid: { left: 64, right: 24, top: 72, bottom: 48 },
    xAxis: { type: 'value', min: 0, max: Math.max(1, d.weeks.at(-1) ?? 1), name: labels.week, nameLocation: 'middle', nameGap: 28, axisLabel: { color: MUTED } },
    yAxis: { type: 'value', name: labels.purchases, axisLabel: { color: MUTED } },
    series: [
      {
        name: labels.actual,
        type: 'line',
        showSymbol: false,
        data: d.weeks.map((w, i) => [w, d.actualCum[i]!]),
        markLine: {
          symbol: 'none',
          silent: true,
          lineStyle: { color: MUTED, type: 'dashed' },
          label: { formatter: labels.calibrationEnd, color: MUTED },
          data: [{ xAxis: r1(d.calEndWeek) }],
        },
      },
      { name: labels.predicted, type: 'line', showSymbol: false, lineStyle: { type: 'dashed' }, data: d.weeks.map((w, i) => [w, r1(d.predictedCum[i]!)]) },
    ],
  };
}
