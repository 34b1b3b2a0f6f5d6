import type { ChartOption } from '../echarts.ts';
import { GREEN, MUTED, ORANGE, SKY, TEXT, VERMILLION } from '../palette.ts';
import type { Locale } from '../../i18n/index.ts';
import { axisNumber, tooltipNumber } from '../numbers.ts';

export interface TargetBar {
  label: string;
  actual: number | null;
  target: number | null;
  /** Colours the bar; the status is also in the table beside it, in words. */
  status: 'met' | 'on_track' | 'near' | 'behind' | 'no_target' | 'no_data';
}

export interface TargetChartLabels {
  title: string;
  actual: string;
  target: string;
  /** Rates are drawn in percent (0.35 → 35). */
  percent?: boolean;
  locale?: Locale;
}

const STATUS_COLOR: Record<TargetBar['status'], string> = { met: GREEN, on_track: GREEN, near: ORANGE, behind: VERMILLION, no_target: SKY, no_data: MUTED };

/**
 * Actual vs target per level: a horizontal bar for the actual, coloured by
 * status, and a thin vertical mark at the target. Levels keep the given order.
 */
export function targetsOption(bars: readonly TargetBar[], labels: TargetChartLabels): ChartOption {
  const scale = (v: number | null) => (v === null ? null : labels.percent ? Math.round(v * 10000) / 100 : Math.round(v * 100) / 100);
  const value = labels.percent ? { formatter: '{value} %' } : { formatter: axisNumber(labels.locale) };
  const longest = Math.max(4, ...bars.map((b) => b.label.length));
  return {
    title: { text: labels.title, left: 0, top: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: labels.percent ? (v: unknown) => (typeof v === 'number' ? `${v} %` : '—') : tooltipNumber(labels.locale) },
    legend: { data: [labels.actual, labels.target], top: 24, left: 0 },
    grid: { left: Math.min(200, 16 + longest * 9), right: 32, top: 64, bottom: 24 },
    xAxis: { type: 'value', min: 0, axisLabel: { color: MUTED, hideOverlap: true, ...value } },
    yAxis: { type: 'category', inverse: true, data: bars.map((b) => b.label), axisLabel: { color: TEXT, width: 180, overflow: 'truncate' } },
    series: [
      {
        name: labels.actual,
        type: 'bar',
        barMaxWidth: 26,
        itemStyle: { color: SKY },
        data: bars.map((b) => ({ value: scale(b.actual), itemStyle: { color: STATUS_COLOR[b.status] } })),
      },
      {
        name: labels.target,
        type: 'scatter',
        symbol: 'rect',
        symbolSize: [4, 30],
        itemStyle: { color: TEXT },
        z: 5,
        data: bars.map((b) => scale(b.target)),
      },
    ],
  };
}
