import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/charts/echarts.ts';
import { cohortCellName, cohortChartHeight, cohortOption, parseCohortCell, type CohortCell } from '../../src/charts/cohort/option.ts';

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

  it('shows three years of cohorts (the demo’s 2023–2025 all fit), the latest when there are more', () => {
    const month = (i: number) => `${2022 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`;
    const many = Array.from({ length: 40 }, (_, i) => ({ cohort: month(i), monthsSince: 0, retention: 1 }));
    const opt = cohortOption(many, LABELS) as unknown as Opt;
    expect(opt.yAxis.data).toHaveLength(36);
    expect(opt.yAxis.data[0]).toBe('2022-05');
    expect(opt.yAxis.data.at(-1)).toBe('2025-04');
    expect(cohortChartHeight(36)).toBeGreaterThanOrEqual(36 * 20);
  });

  it('labels each cohort row with its size', () => {
    const sized = cells.map((c) => ({ ...c, cohortSize: c.cohort === '1997-01-01' ? 7846 : 8476 }));
    const opt = cohortOption(sized, { ...LABELS, size: (n) => `n = ${n.toLocaleString('en-US')}` }) as unknown as Opt;
    expect(opt.yAxis.data).toEqual(['1997-01  n = 7,846', '1997-02  n = 8,476']);
  });

  it('reads a clicked cell back', () => {
    expect(parseCohortCell(cohortCellName('1997-03-01', 11, 0.05))).toEqual({ cohort: '1997-03-01', monthsSince: 11 });
    expect(parseCohortCell('Cohort')).toBeNull();
    expect(renderSvg(cohortOption(cells, LABELS), 600, 380)).toContain('Months since first order');
  });
});
