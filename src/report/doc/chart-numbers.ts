/**
 * A chart option from the report (plain data: the page's formatters were
 * dropped) with numbers written in the report's language again: value axes
 * compact (200万 in Chinese, 2M in English) and tooltip values grouped, as
 * the app's own charts write them (src/charts/numbers.ts). The exported HTML
 * does the same in its drawing script. Settings the option spells out stay.
 */
import { axisNumber, tooltipNumber } from '../../charts/numbers.ts';
import type { Locale } from '../../i18n/index.ts';

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

function axes(v: unknown, isValue: (a: Rec) => boolean, label: (v: number) => string): unknown {
  const one = (a: unknown) => {
    if (!isRec(a) || !isValue(a)) return a;
    const axisLabel = isRec(a.axisLabel) ? a.axisLabel : {};
    return axisLabel.formatter === undefined ? { ...a, axisLabel: { ...axisLabel, formatter: label } } : a;
  };
  return Array.isArray(v) ? v.map(one) : one(v);
}

export function withNumbers(option: Rec, locale: Locale): Rec {
  const label = axisNumber(locale);
  // ECharts' defaults: an x axis without a type is a category axis, a y axis a value axis.
  const out: Rec = { ...option };
  if (option.xAxis !== undefined) out.xAxis = axes(option.xAxis, (a) => a.type === 'value', label);
  if (option.yAxis !== undefined) out.yAxis = axes(option.yAxis, (a) => a.type === 'value' || a.type === undefined, label);
  if (isRec(option.tooltip) && option.tooltip.valueFormatter === undefined) out.tooltip = { ...option.tooltip, valueFormatter: tooltipNumber(locale) };
  return out;
}
