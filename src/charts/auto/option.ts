import type { Cell, ColumnInfo, QueryResult } from '../../db/types.ts';
import type { ChartOption } from '../echarts.ts';
import { MUTED, PALETTE } from '../palette.ts';

export interface AutoChartLabels {
  title: string;
  /** Category label for NULL text. */
  empty: string;
  /** Subtitle when only the first rows are drawn, e.g. "first 50 of 120 rows". */
  firstRows: (shown: number, total: number) => string;
}

export type ColumnClass = 'number' | 'date' | 'text' | 'other';

/** More bars than this are unreadable: the first ones are drawn and the subtitle says so. */
export const MAX_BARS = 50;
export const MAX_SERIES = 4;

// Query results carry Arrow type names (Int64, Float64, Decimal[10e+2], Date32<DAY>, Utf8);
// table listings carry DuckDB's (BIGINT, DOUBLE, DECIMAL(10,2), DATE, VARCHAR). Both are read.
const NUMBER_TYPE = /^(u?int\d*|float\d*|decimal|tinyint|smallint|integer|bigint|hugeint|utinyint|usmallint|uinteger|ubigint|uhugeint|double|real|numeric)\b/i;
const DATE_TYPE = /^(date|timestamp)/i;
const TEXT_TYPE = /^(utf8|largeutf8|varchar|text|string|char|bpchar|bool|boolean|enum|dictionary<[^,]+,\s*utf8>)/i;
/** Text that reads as a date: 2024, 2024-03, 2024-03-05, 2024-03-05 10:11:12. */
const ISO_DATE_TEXT = /^\d{4}(-\d{2}(-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?)?)?$/;

/** What a result column can be in a chart, from its type and, for text, its values. */
export function classifyColumn(column: ColumnInfo, values: readonly Cell[]): ColumnClass {
  if (NUMBER_TYPE.test(column.type)) return 'number';
  if (DATE_TYPE.test(column.type)) return 'date';
  if (TEXT_TYPE.test(column.type)) {
    const present = values.filter((v) => v !== null);
    return present.length > 0 && present.every((v) => typeof v === 'string' && ISO_DATE_TEXT.test(v)) ? 'date' : 'text';
  }
  return 'other';
}

function toNumber(v: Cell): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * A chart for a query result, or null when nothing sensible can be drawn.
 * The first text or date column gives the categories and up to MAX_SERIES
 * numeric columns after it the series: a line over time for dates, bars
 * otherwise (the first MAX_BARS rows). A category must not repeat (the result
 * should be one row per category, e.g. from GROUP BY). A single row of numbers
 * with no category becomes one bar per column.
 */
export function autoChartOption(result: QueryResult, labels: AutoChartLabels): ChartOption | null {
  const { columns, rows } = result;
  if (rows.length === 0) return null;
  const classes = columns.map((c) => classifyColumn(c, rows.map((r) => r[c.name] ?? null)));
  const catIndex = classes.findIndex((k) => k === 'text' || k === 'date');
  const numeric = columns.filter((c, i) => classes[i] === 'number' && i !== catIndex).slice(0, MAX_SERIES);
  if (numeric.length === 0) return null;

  if (catIndex < 0) {
    if (rows.length !== 1) return null;
    const row = rows[0]!;
    return barOption(
      labels.title,
      undefined,
      numeric.map((c) => c.name),
      [{ name: labels.title, data: numeric.map((c) => toNumber(row[c.name] ?? null)) }],
      '',
    );
  }

  const cat = columns[catIndex]!;
  const keys = rows.map((r) => r[cat.name] ?? null);
  if (new Set(keys).size !== keys.length) return null;

  if (classes[catIndex] === 'date') {
    const points = rows
      .filter((r) => r[cat.name] !== null && r[cat.name] !== undefined)
      .map((r) => ({ x: String(r[cat.name]), r }))
      .sort((a, b) => (a.x < b.x ? -1 : a.x > b.x ? 1 : 0));
    if (points.length === 0) return null;
    return lineOption(
      labels.title,
      cat.name,
      numeric.map((c) => ({ name: c.name, data: points.map((p) => [p.x, toNumber(p.r[c.name] ?? null)] as [string, number | null]) })),
    );
  }

  const shown = rows.slice(0, MAX_BARS);
  return barOption(
    labels.title,
    rows.length > MAX_BARS ? labels.firstRows(shown.length, rows.length) : undefined,
    shown.map((r) => (r[cat.name] === null || r[cat.name] === undefined ? labels.empty : String(r[cat.name]))),
    numeric.map((c) => ({ name: c.name, data: shown.map((r) => toNumber(r[c.name] ?? null)) })),
    cat.name,
  );
}

function title(text: string, subtext: string | undefined): object {
  return { text, ...(subtext ? { subtext } : {}), left: 0, textStyle: { fontSize: 14 } };
}

function legend(names: readonly string[]): object {
  return { show: names.length > 1, data: names, top: 0, right: 0, type: 'scroll' };
}

function barOption(text: string, subtext: string | undefined, categories: string[], series: { name: string; data: (number | null)[] }[], axisName: string): ChartOption {
  const rotate = categories.length > 8 ? 40 : 0;
  return {
    color: [...PALETTE],
    title: title(text, subtext),
    tooltip: { trigger: 'axis' },
    legend: legend(series.map((s) => s.name)),
    grid: { left: 64, right: 24, top: 72, bottom: rotate ? 96 : 40 },
    xAxis: {
      type: 'category',
      data: categories,
      name: axisName,
      nameLocation: 'middle',
      nameGap: rotate ? 80 : 28,
      axisLabel: { color: MUTED, interval: 0, rotate, width: 110, overflow: 'truncate' },
    },
    yAxis: { type: 'value', name: series.length === 1 ? series[0]!.name : '', axisLabel: { color: MUTED } },
    series: series.map((s) => ({ name: s.name, type: 'bar', data: s.data, barMaxWidth: 48 })),
  };
}

function lineOption(text: string, axisName: string, series: { name: string; data: [string, number | null][] }[]): ChartOption {
  const points = series[0]?.data.length ?? 0;
  return {
    color: [...PALETTE],
    title: title(text, undefined),
    tooltip: { trigger: 'axis' },
    legend: legend(series.map((s) => s.name)),
    grid: { left: 64, right: 24, top: 72, bottom: 48 },
    xAxis: { type: 'time', name: axisName, nameLocation: 'middle', nameGap: 28, axisLabel: { color: MUTED, hideOverlap: true } },
    yAxis: { type: 'value', name: series.length === 1 ? series[0]!.name : '', axisLabel: { color: MUTED } },
    series: series.map((s) => ({
      name: s.name,
      type: 'line',
      data: s.data,
      showSymbol: points <= 60,
      connectNulls: false,
      ...(points > 2000 ? { sampling: 'lttb' } : {}),
    })),
  };
}
