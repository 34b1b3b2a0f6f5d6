import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/charts/echarts.ts';
import { gainOption } from '../../src/charts/gain/option.ts';
import { gainCurve } from '../../src/ml/thresholds.ts';

const LABELS = { title: 'Cumulative gain', model: 'Model', random: 'Random', lift: 'Lift', targeted: 'Targeted', gain: 'Found' };

interface Opt {
  [key: string]: unknown;
  yAxis: unknown[];
  series: { name: string; yAxisIndex?: number; data: number[][] }[];
}

describe('gainOption', () => {
  it('plots gain in percent with the diagonal, and lift on a second axis without the empty first point', () => {
    // 4 rows, 2 positives ranked 1st and 3rd: halves → gain 50 %, 100 %; lift 1, 1.
    const points = gainCurve([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], 2);
    const opt = gainOption(points, LABELS) as Opt;
    expect(opt.yAxis).toHaveLength(2);
    expect(opt.series.map((s) => s.name)).toEqual(['Model', 'Random', 'Lift']);
    expect(opt.series[0]!.data).toEqual([
      [0, 0],
      [50, 50],
      [100, 100],
    ]);
    expect(opt.series[1]!.data).toEqual([
      [0, 0],
      [100, 100],
    ]);
    expect(opt.series[2]!.yAxisIndex).toBe(1);
    expect(opt.series[2]!.data).toEqual([
      [50, 1],
      [100, 1],
    ]);
  });

  it('shows a lift above 1 when positives are ranked first', () => {
    const opt = gainOption(gainCurve([1, 1, 0, 0], [0.9, 0.8, 0.7, 0.1], 4), LABELS) as Opt;
    expect(opt.series[2]!.data[0]).toEqual([25, 2]);
    expect(opt.series[0]!.data[2]).toEqual([50, 100]);
  });

  it('renders through ECharts SSR', () => {
    const svg = renderSvg(gainOption(gainCurve([1, 0, 1, 0, 0], [0.9, 0.2, 0.6, 0.5, 0.1]), LABELS), 500, 300);
    expect(svg).toContain('Cumulative gain');
    expect(svg).toContain('Lift');
  });
});
