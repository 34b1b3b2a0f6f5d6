import type { ChartOption } from '../echarts.ts';
import { barsOption } from '../bars/option.ts';
import type { Locale } from '../../i18n/index.ts';

export interface AttributionRow {
  channel: string;
  /** Conversions credited by each model, in the order of `models`. */
  credits: readonly number[];
}

/** Conversions credited to each channel, one bar per model side by side, channels in the order given (Markov's ranking). */
export function attributionOption(rows: readonly AttributionRow[], models: readonly string[], labels: { title: string; locale?: Locale }): ChartOption {
  const o = barsOption(
    rows.map((r) => r.channel),
    models.map((name, m) => ({ name, values: rows.map((r) => Math.round((r.credits[m] ?? 0) * 10) / 10) })),
    { title: labels.title, order: 'given', ...(labels.locale ? { locale: labels.locale } : {}) },
  );
  // Four model names do not fit beside the title: the legend goes under it.
  return { ...o, legend: { ...(o.legend as object), top: 26, left: 0, right: 'auto' }, grid: { ...(o.grid as object), top: 80 } };
}
