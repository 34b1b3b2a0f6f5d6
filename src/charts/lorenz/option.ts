import type { ChartOption } from '../echarts.ts';
import { BLUE, MUTED } from '../palette.ts';

/** Lorenz curve: cumulative share of revenue (y) against share of customers, smallest first (x); the diagonal is equality. */
export function lorenzOption(points: readonly { x: number; y: number | null }[], labels: { title: string; x: string; y: string; equality: string; curve: string }): ChartOption {
  return {
    color: [BLUE, MUTED],
    title: { text: labels.title, left: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    legend: { data: [labels.curve, labels.equality], top: 0, right: 0 },
    grid: { left: 56, right: 16, top: 72, bottom: 48 },
    xAxis: { type: 'value', min: 0, max: 100, name: labels.x, nameLocation: 'middle', nameGap: 28, axisLabel: { color: MUTED, formatter: '{value} %' } },
    yAxis: { type: 'value', min: 0, max: 100, name: labels.y, axisLabel: { color: MUTED, formatter: '{value} %' } },
    series: [
      { name: labels.curve, type: 'line', showSymbol: false, areaStyle: { opacity: 0.12 }, data: points.map((p) => [r1(p.x * 100), p.y === null ? null : r1(p.y * 100)]) },
      { name: labels.equality, type: 'line', showSymbol: false, lineStyle: { type: 'dashed' }, data: [[0, 0], [100, 100]] },
    ],
  };
}

function r1(n: number): number {
  return Math.round(n * 10) / 10;
}
