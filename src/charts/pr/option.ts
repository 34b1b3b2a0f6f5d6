import type { ChartOption } from '../echarts.ts';
import { BLUE, MUTED } from '../palette.ts';

export interface PrLabels {
  title: string;
  /** Legend name of the curve; the average precision is appended. */
  model: string;
  /** Legend name of the flat line a random ranking gives (precision = positive rate). */
  random: string;
  recall: string;
  precision: string;
}

/**
 * Precision–recall curve from (recall, precision) points, with the positive
 * rate as the line a random ranking would give: on rare targets (campaign
 * responses, ~11 %) this shows what ROC hides.
 */
export function prOption(points: readonly (readonly [number, number])[], averagePrecision: number, positiveRate: number, labels: PrLabels): ChartOption {
  const curve = thinCurve(points);
  const name = `${labels.model} (AP ${averagePrecision.toFixed(3)})`;
  const base = round4(positiveRate);
  return {
    color: [BLUE, MUTED],
    title: { text: labels.title, left: 0, top: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    legend: { data: [name, labels.random], top: 24, right: 0 },
    grid: { left: 56, right: 16, top: 72, bottom: 48 },
    xAxis: { type: 'value', min: 0, max: 1, name: labels.recall, nameLocation: 'middle', nameGap: 28, axisLabel: { color: MUTED } },
    yAxis: { type: 'value', min: 0, max: 1, name: labels.precision, axisLabel: { color: MUTED } },
    series: [
      { name, type: 'line', showSymbol: false, data: curve.map((p) => [round4(p[0]), round4(p[1])]) },
      { name: labels.random, type: 'line', showSymbol: false, lineStyle: { type: 'dashed' }, data: [[0, base], [1, base]] },
    ],
  };
}

/** Most points a curve keeps: a 600-pixel chart shows no more, and each point costs time to clone and draw. */
export const MAX_CURVE_POINTS = 400;

/**
 * A curve through many points (one per distinct score: thousands) reduced to
 * about `max`, evenly spaced along its length (|Δx| + |Δy|), first and last
 * kept. Works for ROC and precision–recall curves alike.
 */
export function thinCurve(points: readonly (readonly [number, number])[], max = MAX_CURVE_POINTS): [number, number][] {
  if (points.length <= max) return points.map((p) => [p[0], p[1]]);
  let length = 0;
  for (let i = 1; i < points.length; i++) length += Math.abs(points[i]![0] - points[i - 1]![0]) + Math.abs(points[i]![1] - points[i - 1]![1]);
  const step = length / (max - 1);
  const out: [number, number][] = [[points[0]![0], points[0]![1]]];
  let since = 0;
  for (let i = 1; i < points.length - 1; i++) {
    since += Math.abs(points[i]![0] - points[i - 1]![0]) + Math.abs(points[i]![1] - points[i - 1]![1]);
    if (since >= step) {
      out.push([points[i]![0], points[i]![1]]);
      since = 0;
    }
  }
  const last = points[points.length - 1]!;
  out.push([last[0], last[1]]);
  return out;
}

function round4(n: number): number {
  return Math.round(n * 1e4) / 1e4;
}
