import type { ChartOption } from '../echarts.ts';
import { BLUE, MUTED, PURPLE, VERMILLION } from '../palette.ts';
import { axisNumber } from '../numbers.ts';
import type { Locale } from '../../i18n/index.ts';

export interface IpaPoint {
  item: string;
  /** Correlation with the outcome. */
  importance: number;
  /** Mean as % of the scale (0–100). */
  performance: number;
}

export type Quadrant = 'concentrate' | 'keep' | 'low' | 'overkill';
export const QUADRANTS: readonly Quadrant[] = ['concentrate', 'keep', 'low', 'overkill'];

export interface IpaLabels {
  title: string;
  importance: string;
  performance: string;
  quadrant: Record<Quadrant, string>;
  locale?: Locale;
}

/**
 * The quadrant of a point, split at the mean importance and mean performance
 * of all points: important and weak → concentrate here; important and strong
 * → keep up; unimportant and weak → low priority; unimportant and strong →
 * possible overkill.
 */
export function quadrantOf(p: IpaPoint, meanImportance: number, meanPerformance: number): Quadrant {
  const important = p.importance >= meanImportance;
  const strong = p.performance >= meanPerformance;
  return important ? (strong ? 'keep' : 'concentrate') : strong ? 'overkill' : 'low';
}

const short = (s: string): string => (s.length > 28 ? `${s.slice(0, 27)}…` : s);

/** Importance–performance matrix: one series per quadrant (the legend names them), dashed lines at the means. */
export function ipaOption(points: readonly IpaPoint[], labels: IpaLabels): ChartOption {
  const n = Math.max(1, points.length);
  const mi = points.reduce((s, p) => s + p.importance, 0) / n;
  const mp = points.reduce((s, p) => s + p.performance, 0) / n;
  const colors: Record<Quadrant, string> = { concentrate: VERMILLION, keep: BLUE, low: MUTED, overkill: PURPLE };
  const fmt = axisNumber(labels.locale);
  return {
    title: { text: labels.title, left: 0, textStyle: { fontSize: 14 } },
    legend: { top: 24, left: 0, data: QUADRANTS.map((q) => labels.quadrant[q]) },
    tooltip: {
      trigger: 'item',
      formatter: (p: { data: { item: string; value: [number, number] }; seriesName: string }): string =>
        `${p.data.item}<br/>${labels.importance}: ${p.data.value[0].toFixed(2)}<br/>${labels.performance}: ${fmt(Math.round(p.data.value[1]))} %<br/>${p.seriesName}`,
    },
    // Room on the right for the label of the most important item.
    grid: { left: 56, right: 150, top: 80, bottom: 48 },
    xAxis: { type: 'value', name: labels.importance, nameLocation: 'middle', nameGap: 28, scale: true, axisLabel: { color: MUTED } },
    yAxis: { type: 'value', name: labels.performance, nameLocation: 'middle', nameGap: 40, scale: true, axisLabel: { color: MUTED, formatter: '{value} %' } },
    series: QUADRANTS.map((q, i) => ({
      name: labels.quadrant[q],
      type: 'scatter',
      symbolSize: 14,
      itemStyle: { color: colors[q] },
      // Labels as plain `{b}` (the point's short name), so the chart reads the same when the report stores it as JSON.
      label: { show: true, position: 'right', fontSize: 11, formatter: '{b}' },
      data: points.filter((p) => quadrantOf(p, mi, mp) === q).map((p) => ({ name: short(p.item), item: p.item, value: [p.importance, p.performance] })),
      ...(i === 0 ? { markLine: { silent: true, symbol: 'none', lineStyle: { type: 'dashed', color: MUTED }, label: { show: false }, data: [{ xAxis: mi }, { yAxis: mp }] } } : {}),
    })),
  };
}
