import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/charts/echarts.ts';
import { cohortCellName, cohortOption, parseCohortCell, type CohortCell } from '../../src/charts/cohort/option.ts';

const LABELS = { title: 'Retention by first-purchase month', x: 'Months since first order', y: 'Cohort' };

interface Opt {
  grid: { bottom: number; right: number };
  xAxis: { data: string[]; nameGap: number };
  yAxis: { data: string[] };
  visualMap: { max: number; orient: string };
  series: { data: { name: string; value: [number, number, number | string] }[] }[];
}

describe('cohortOption', () => {
  const cells: CohortCell[] = [
    { cohort: '1997-01-01', monthsSince: 0, retention: 1 },
    { cohort: '1997-01-01', monthsSince: 1, retention: 0.1473 },
    { cohort: '1997-02-01', monthsSince: 0, retention: 1 },
    { cohort: '1997-02-01', monthsSince: 1, retention: null },
  ];

  it('lays cohorts on rows and months on columns, with cells named for the click', () => {
    const opt = cohortOption(cells, LABELS) as unknown as Opt;
    expect(opt.yAxis.data).toEqual(['1997-01', '1997-02']);
    expect(opt.xAxis.data).toEqual(['0', '1']);
    expect(opt.visualMap.max).toBe(100);
    expect(opt.series[0]!.data.map((d) => [d.name, d.value])).toEqual([
      ['1997-01 +0: 100 %', [0, 0, 100]],
      ['1997-01 +1: 14.7 %', [1, 0, 14.7]],
      ['1997-02 +0: 100 %', [0, 1, 100]],
      ['1997-02 +1: —', [1, 1, '-']],
    ]);
    // The colour scale stands at the right, in a margin of its own, clear of the month axis and its name.
    expect(opt.visualMap.orient).toBe('vertical');
    expect(opt.grid.right).toBeGreaterThanOrEqual(60);
  });

  it('keeps the latest cohorts only', () => {
    const many = Array.from({ length: 15 }, (_, i) => ({ cohort: `2024-${String((i % 12) + 1).padStart(2, '0')}-01`.replace('2024', String(2024 + Math.floor(i / 12))), monthsSince: 0, retention: 1 }));
    const opt = cohortOption(many, LABELS) as unknown as Opt;
    expect(opt.yAxis.data).toHaveLength(12);
    expect(opt.yAxis.data[0]).toBe('2024-04');
    expect(opt.yAxis.data.at(-1)).toBe('2025-03');
  });

  it('reads a clicked cell back', () => {
    expect(parseCohortCell(cohortCellName('1997-03-01', 11, 0.05))).toEqual({ cohort: '1997-03-01', monthsSince: 11 });
    expect(parseCohortCell('Cohort')).toBeNull();
    expect(renderSvg(cohortOption(cells, LABELS), 600, 380)).toContain('Months since first order');
  });
});
