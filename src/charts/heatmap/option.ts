import type { ChartOption } from '../echarts.ts';
import { MUTED } from '../palette.ts';

export interface HeatmapLabels {
  title: string;
  x: string;
  y: string;
  /** Format cell values as percent (values are shares 0–1). */
  percent?: boolean;
}

/** A cohort-style heatmap: rows (y) × columns (x), cells `[xIndex, yIndex, value]`. */
export function heatmapOption(
  xs: readonly string[],
  ys: readonly string[],
  cells: readonly (readonly [number, number, number | null])[],
  labels: HeatmapLabels,
): ChartOption {
  const values = cells.map((c) => c[2]).filter((v): v is number => v !== null);
  const max = values.length ? Math.max(...values) : 1;
  const shown = cells.map(([x, y, v]) => [x, y, v === null ? '-' : labels.percent ? Math.round(v * 1000) / 10 : v]);
  return {
    title: { text: labels.title, left: 0, textStyle: { fontSize: 14 } },
    tooltip: { position: 'top' },
    grid: { left: 80, right: 16, top: 48, bottom: 64 },
    xAxis: { type: 'category', data: [...xs], name: labels.x, nameLocation: 'middle', nameGap: 28, splitArea: { show: true }, axisLabel: { color: MUTED } },
    yAxis: { type: 'category', data: [...ys], name: labels.y, inverse: true, splitArea: { show: true }, axisLabel: { color: MUTED } },
    visualMap: {
      min: 0,
      max: labels.percent ? Math.round(max * 1000) / 10 : max,
      calculable: true,
      orient: 'horizontal',
      left: 'center',
      bottom: 0,
      itemHeight: 120,
      inRange: { color: ['#f0f7fc', '#0072B2'] },
    },
    series: [{ type: 'heatmap', data: shown, label: { show: xs.length <= 13, fontSize: 10 }, emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } } }],
  };
}
