import type { ChartOption } from '../echarts.ts';
import { MUTED, PALETTE } from '../palette.ts';
import { orderCategories } from '../../lib/natural-order.ts';
import type { Locale } from '../../i18n/index.ts';
import { axisNumber, tooltipNumber } from '../numbers.ts';
import { categoryAxisLabel } from '../axis-labels.ts';

export interface BarSeries {
  name: string;
  values: readonly (number | null)[];
  /** Draw as a line on a second (percent) axis, for rates beside counts. */
  rate?: boolean;
}

export interface BarsLabels {
  title: string;
  /** Horizontal bars read better for long category names. */
  horizontal?: boolean;
  stacked?: boolean;
  /**
   * `natural` (default): categories that form a scale (durations, Low/Medium/High,
   * number ranges…) go in its order, others stay as given (queries order them by
   * value). `given`: always as given, for rankings whose order is the point.
   */
  order?: 'natural' | 'given';
  /** Axis and tooltip numbers in this locale's format (default en). */
  locale?: Locale;
}

/** Counts as bars per category; any `rate` series as a line on a 0–100 % axis. */
export function barsOption(givenCategories: readonly string[], givenSeries: readonly BarSeries[], labels: BarsLabels): ChartOption {
  const index = givenCategories.map((_, i) => i);
  const order = labels.order === 'given' ? index : orderCategories(index, (i) => givenCategories[i]!);
  const categories = order.map((i) => givenCategories[i]!);
  const series = givenSeries.map((s) => ({ ...s, values: order.map((i) => s.values[i] ?? null) }));
  const hasRate = series.some((s) => s.rate);
  // Vertical bars: every category label shown, wrapped or rotated (categoryAxisLabel); horizontal: wrapped in the left margin.
  const cat = labels.horizontal
    ? { axisLabel: { color: MUTED, interval: 0, width: 128, overflow: 'break', lineHeight: 14 }, bottom: 32 }
    : categoryAxisLabel(categories);
  const catAxis = { type: 'category', data: [...categories], axisLabel: cat.axisLabel };
  // Whole counts (customers, sessions) get whole ticks: a count of 1 is not drawn on an axis of 0.2, 0.4, …
  const whole = series.every((s) => s.rate || s.values.every((v) => v === null || Number.isInteger(v)));
  const valAxis = { type: 'value', ...(whole ? { minInterval: 1 } : {}), axisLabel: { color: MUTED, hideOverlap: true, formatter: axisNumber(labels.locale) } };
  const rateAxis = { type: 'value', axisLabel: { color: MUTED, formatter: '{value} %' }, splitLine: { show: false }, min: 0 };
  return {
    color: [...PALETTE],
    title: { text: labels.title, left: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis', valueFormatter: tooltipNumber(labels.locale) },
    // Below the title line, so a long title and the legend never run into each other.
    legend: { data: series.map((s) => s.name), top: 26, right: 0 },
    grid: { left: labels.horizontal ? 140 : 56, right: hasRate ? 56 : 16, top: 72, bottom: cat.bottom },
    xAxis: labels.horizontal ? valAxis : catAxis,
    yAxis: labels.horizontal ? { ...catAxis, inverse: true } : hasRate ? [valAxis, rateAxis] : valAxis,
    series: series.map((s) =>
      s.rate
        ? { name: s.name, type: 'line', yAxisIndex: 1, data: s.values.map((v) => (v === null ? null : Math.round(v * 1000) / 10)) }
        : { name: s.name, type: 'bar', barMaxWidth: 40, ...(labels.stacked ? { stack: 'total' } : {}), data: [...s.values] },
    ),
  };
}
