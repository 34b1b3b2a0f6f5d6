import type { ChartOption } from '../echarts.ts';
import { BLUE, MUTED, ORANGE } from '../palette.ts';

export interface GainInput {
  /** Share of customers targeted, highest scores first (0–1). */
  fraction: number;
  /** Share of all positives among them (0–1). */
  gain: number;
  /** Their positive rate over the overall rate; NaN where nobody is targeted. */
  lift: number;
}

export interface GainLabels {
  title: string;
  model: string;
  random: string;
  lift: string;
  /** x axis: share of customers targeted. */
  targeted: string;
  /** left axis: share of positives found. */
  gain: string;
}

/** Cumulative gain (percent, left axis, with the diagonal of a random ranking) and lift (right axis) by share targeted. */
export function gainOption(points: readonly GainInput[], labels: GainLabels): ChartOption {
  const pct = (n: number) => Math.round(n * 1000) / 10;
  return {
    color: [BLUE, MUTED, ORANGE],
    title: { text: labels.title, left: 0, top: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    legend: { data: [labels.model, labels.random, labels.lift], top: 24, right: 0 },
    grid: { left: 56, right: 48, top: 72, bottom: 48 },
    xAxis: { type: 'value', min: 0, max: 100, name: labels.targeted, nameLocation: 'middle', nameGap: 28, axisLabel: { color: MUTED, formatter: '{value} %' } },
    yAxis: [
      { type: 'value', min: 0, max: 100, name: labels.gain, axisLabel: { color: MUTED, formatter: '{value} %' } },
      { type: 'value', min: 0, name: labels.lift, axisLabel: { color: MUTED, formatter: '{value}×' }, splitLine: { show: false } },
    ],
    series: [
      { name: labels.model, type: 'line', symbolSize: 5, data: points.map((p) => [pct(p.fraction), pct(p.gain)]) },
      { name: labels.random, type: 'line', showSymbol: false, lineStyle: { type: 'dashed' }, data: [[0, 0], [100, 100]] },
      {
        name: labels.lift,
        type: 'line',
        yAxisIndex: 1,
        symbolSize: 4,
        lineStyle: { type: 'dotted' },
        data: points.filter((p) => Number.isFinite(p.lift)).map((p) => [pct(p.fraction), Math.round(p.lift * 100) / 100]),
      },
    ],
  };
}
