import type { ChartOption } from '../echarts.ts';
import { BLUE, MUTED, VERMILLION } from '../palette.ts';

export interface ProfitInput {
  threshold: number;
  profit: number;
}

export interface ProfitLabels {
  title: string;
  threshold: string;
  profit: string;
  /** Marker of the threshold the user chose. */
  chosen: string;
  /** Marker of the most profitable threshold. */
  best: string;
}

/** Most points drawn; a sweep has one per distinct score (thousands), far more than a small chart shows. */
export const MAX_PROFIT_POINTS = 300;

/**
 * Profit of targeting everyone scored at or above each threshold, over
 * thresholds 0–1, with the chosen and the best threshold marked. The "target
 * nobody" point (threshold +∞) is left out.
 */
export function profitOption(curve: readonly ProfitInput[], marks: { chosen: number; best: number }, labels: ProfitLabels): ChartOption {
  const finite = curve.filter((p) => Number.isFinite(p.threshold)).sort((a, b) => a.threshold - b.threshold);
  const points = thin(finite, MAX_PROFIT_POINTS);
  const mark = (x: number, name: string, color: string, type: 'solid' | 'dashed') => ({
    xAxis: Math.round(x * 1000) / 1000,
    name,
    lineStyle: { color, type },
    label: { formatter: '{b}', color, position: 'end' },
  });
  const marksData = [mark(marks.chosen, labels.chosen, BLUE, 'solid')];
  if (Number.isFinite(marks.best)) marksData.push(mark(marks.best, labels.best, VERMILLION, 'dashed'));
  return {
    color: [BLUE],
    title: { text: labels.title, left: 0, top: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis' },
    grid: { left: 64, right: 24, top: 48, bottom: 48 },
    xAxis: { type: 'value', min: 0, max: 1, name: labels.threshold, nameLocation: 'middle', nameGap: 28, axisLabel: { color: MUTED } },
    // The title names the measure; an axis name would collide with it in a chart this small.
    yAxis: { type: 'value', scale: true, axisLabel: { color: MUTED } },
    series: [
      {
        name: labels.profit,
        type: 'line',
        showSymbol: false,
        data: points.map((p) => [Math.round(p.threshold * 1e4) / 1e4, Math.round(p.profit * 100) / 100]),
        markLine: { symbol: 'none', silent: true, data: marksData },
      },
    ],
  };
}

/** Every k-th point, about `max` in all, keeping the first, the last and the most profitable. */
function thin(points: readonly ProfitInput[], max: number): ProfitInput[] {
  if (points.length <= max) return [...points];
  const step = Math.ceil(points.length / max);
  let bestAt = 0;
  for (let i = 1; i < points.length; i++) if (points[i]!.profit > points[bestAt]!.profit) bestAt = i;
  return points.filter((_, i) => i % step === 0 || i === points.length - 1 || i === bestAt);
}
