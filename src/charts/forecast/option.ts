import type { ChartOption } from '../echarts.ts';
import { BLUE, MUTED, ORANGE } from '../palette.ts';
import type { Locale } from '../../i18n/index.ts';
import { axisNumber, tooltipNumber } from '../numbers.ts';

export interface ForecastChartData {
  periods: readonly string[];
  actual: readonly number[];
  /** Periods after the last actual one. */
  futurePeriods: readonly string[];
  mean: readonly number[];
  lower: readonly number[];
  upper: readonly number[];
}

export interface ForecastLabels {
  title: string;
  actual: string;
  forecast: string;
  interval: string;
  /** Axis and tooltip numbers in this locale's format (default en). */
  locale?: Locale;
}

/**
 * Actuals, then the forecast with its prediction interval drawn as a band
 * (a transparent lower series with the band stacked on top of it).
 */
export function forecastOption(d: ForecastChartData, labels: ForecastLabels): ChartOption {
  const n = d.periods.length;
  const h = d.futurePeriods.length;
  const pad = (arr: readonly (number | null)[], before: number, after: number) => [
    ...Array<null>(before).fill(null),
    ...arr,
    ...Array<null>(after).fill(null),
  ];
  const last = n > 0 ? d.actual[n - 1]! : null;
  // The forecast line starts at the last actual so the two lines join.
  const mean = pad([last, ...d.mean.map(r2)], Math.max(0, n - 1), 0);
  const lower = pad(d.lower.map(r2), n, 0);
  const band = pad(
    d.upper.map((u, i) => r2(u - (d.lower[i] ?? 0))),
    n,
    0,
  );
  return {
    color: [BLUE, ORANGE, MUTED],
    title: { text: labels.title, left: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis', valueFormatter: tooltipNumber(labels.locale) },
    // Below the title line: a long title ("Revenue forecast (monthly, Holt-Winters)") no longer runs into the legend.
    legend: { data: [labels.actual, labels.forecast, labels.interval], top: 26, right: 0 },
    grid: { left: 64, right: 16, top: 72, bottom: 32 },
    xAxis: { type: 'category', data: [...d.periods, ...d.futurePeriods], axisLabel: { color: MUTED } },
    yAxis: { type: 'value', axisLabel: { color: MUTED, formatter: axisNumber(labels.locale) } },
    series: [
      { name: labels.actual, type: 'line', data: pad(d.actual.map(r2), 0, h), showSymbol: false },
      { name: labels.forecast, type: 'line', data: mean, lineStyle: { type: 'dashed' }, showSymbol: false },
      { name: '__lower', type: 'line', data: lower, stack: 'interval', lineStyle: { opacity: 0 }, showSymbol: false, tooltip: { show: false } },
      {
        name: labels.interval,
        type: 'line',
        data: band,
        stack: 'interval',
        lineStyle: { opacity: 0 },
        areaStyle: { color: ORANGE, opacity: 0.18 },
        showSymbol: false,
      },
    ],
  };
}

function r2(n: number): number {
  return Math.round(n * 100) / 100;
}
