import type { ChartOption } from '../echarts.ts';
import { MUTED } from '../palette.ts';

/** One cell of the cohort triangle, as `cohortRetentionSql` returns it. */
export interface CohortCell {
  /** First day of the cohort month, `YYYY-MM-DD`. */
  cohort: string;
  monthsSince: number;
  /** Share 0–1, or null. */
  retention: number | null;
  /** Customers in the cohort, shown beside its month. */
  cohortSize?: number | null;
}

export interface CohortLabels {
  title: string;
  x: string;
  y: string;
  /** A cohort's size as the row label shows it, e.g. `n => "n = 1,234"`; no sizes without it. */
  size?: (n: number) => string;
}

/** Cohorts shown at most: three years of months (the demo's whole history), the latest when there are more. */
export const MAX_COHORTS = 36;

/** Chart height that gives each cohort row room for its label. */
export function cohortChartHeight(cohorts: number): number {
  return Math.max(320, 130 + 22 * Math.min(cohorts, MAX_COHORTS));
}

/**
 * A cell's name, which a click hands back: `1997-01 +3: 12.3 %`. Starts with
 * the cohort month and the months since, so `parseCohortCell` can read it.
 */
export function cohortCellName(cohort: string, monthsSince: number, retention: number | null): string {
  return `${cohort.slice(0, 7)} +${monthsSince}: ${retention === null ? '—' : `${Math.round(retention * 1000) / 10} %`}`;
}

/** The cohort (first day of its month) and months since of a cell name; null for anything else. */
export function parseCohortCell(name: string): { cohort: string; monthsSince: number } | null {
  const m = /^(\d{4}-\d{2}) \+(\d+):/.exec(name);
  return m ? { cohort: `${m[1]}-01`, monthsSince: Number(m[2]) } : null;
}

/**
 * Retention by cohort (rows, the latest `maxCohorts`) and months since the
 * first order (columns), cells in percent with the colour scale at the right
 * (clear of the axis names). Each cell is named by `cohortCellName`.
 */
export function cohortOption(cells: readonly CohortCell[], labels: CohortLabels, maxCohorts = MAX_COHORTS): ChartOption {
  const cohorts = [...new Set(cells.map((c) => c.cohort))].sort().slice(-maxCohorts);
  const sizes = new Map(cells.filter((c) => typeof c.cohortSize === 'number').map((c) => [c.cohort, c.cohortSize!]));
  const rowLabel = (c: string) => (labels.size && sizes.has(c) ? `${c.slice(0, 7)}  ${labels.size(sizes.get(c)!)}` : c.slice(0, 7));
  const months = [...new Set(cells.map((c) => c.monthsSince))].sort((a, b) => a - b);
  const kept = cells.filter((c) => cohorts.includes(c.cohort));
  const values = kept.map((c) => c.retention).filter((v): v is number => v !== null);
  const max = values.length ? Math.round(Math.max(...values) * 1000) / 10 : 100;
  return {
    title: { text: labels.title, left: 0, textStyle: { fontSize: 14 } },
    tooltip: { position: 'top', formatter: '{b}' },
    grid: { left: labels.size ? 128 : 80, right: 72, top: 64, bottom: 48 },
    xAxis: { type: 'category', data: months.map(String), name: labels.x, nameLocation: 'middle', nameGap: 28, splitArea: { show: true }, axisLabel: { color: MUTED } },
    // Inverse: the name goes on top ('start'), above the first cohort, not beside the first month.
    yAxis: { type: 'category', data: cohorts.map(rowLabel), name: labels.y, nameLocation: 'start', nameGap: 8, inverse: true, splitArea: { show: true }, axisLabel: { color: MUTED } },
    // The colour scale stands at the right, clear of both axis names.
    visualMap: {
      min: 0,
      max,
      calculable: true,
      orient: 'vertical',
      right: 0,
      top: 'middle',
      itemHeight: 140,
      text: ['%', ''],
      textStyle: { color: MUTED },
      inRange: { color: ['#f0f7fc', '#0072B2'] },
    },
    series: [
      {
        type: 'heatmap',
        data: kept.map((c) => ({
          name: cohortCellName(c.cohort, c.monthsSince, c.retention),
          value: [months.indexOf(c.monthsSince), cohorts.indexOf(c.cohort), c.retention === null ? '-' : Math.round(c.retention * 1000) / 10],
        })),
        label: { show: months.length <= 13, fontSize: 10 },
        emphasis: { itemStyle: { borderColor: '#333', borderWidth: 1 } },
      },
    ],
  };
}
