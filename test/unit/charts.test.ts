import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/charts/echarts.ts';
import { monthlyRevenueOption } from '../../src/charts/monthly-revenue/option.ts';
import { breakdownOption } from '../../src/charts/breakdown/option.ts';
import { rocOption } from '../../src/charts/roc/option.ts';

describe('chart option builders (pure) render through ECharts SSR', () => {
  it('monthly revenue: bars and a line on a second axis', () => {
    const opt = monthlyRevenueOption(
      [
        { month: '2024-01', revenue: 1000.123, orders: 10 },
        { month: '2024-02', revenue: 1500, orders: 12 },
      ],
      { title: 'Monthly revenue', revenue: 'Revenue', orders: 'Orders' },
    ) as { series: { type: string; data: number[] }[] };
    expect(opt.series.map((s) => s.type)).toEqual(['bar', 'line']);
    expect(opt.series[0]!.data).toEqual([1000.12, 1500]);
    const svg = renderSvg(opt, 600, 300);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('2024-02');
    expect(svg).toContain('Monthly revenue');
  });

  it('breakdown: adds a churn line only when churn is known, as percent', () => {
    const withChurn = breakdownOption(
      [
        { category: 'Month-to-month', customers: 3875, churnRate: 0.427097 },
        { category: 'Two year', customers: 1695, churnRate: 0.028319 },
      ],
      { title: 't', customers: 'Customers', churnRate: 'Churn rate' },
    ) as { series: { data: (number | null)[] }[] };
    expect(withChurn.series).toHaveLength(2);
    expect(withChurn.series[1]!.data).toEqual([42.7, 2.8]);
    const without = breakdownOption([{ category: 'a', customers: 1, churnRate: null }], { title: 't', customers: 'C', churnRate: 'R' }) as {
      series: unknown[];
    };
    expect(without.series).toHaveLength(1);
  });

  it('escapes user text in SVG output', () => {
    const svg = renderSvg(
      breakdownOption([{ category: '<script>alert(1)</script>', customers: 5, churnRate: null }], { title: 'A & B', customers: 'C', churnRate: 'R' }),
      400,
      300,
    );
    expect(svg).not.toContain('<script>');
    expect(svg).toContain('&lt;script&gt;');
  });

  it('roc: curve plus diagonal, AUC in the legend', () => {
    const opt = rocOption(
      [
        [0, 0],
        [0.2, 0.7],
        [1, 1],
      ],
      0.845,
      { title: 'ROC', model: 'Model', random: 'Random', fpr: 'FPR', tpr: 'TPR' },
    ) as { legend: { data: string[] } };
    expect(opt.legend.data[0]).toBe('Model (AUC 0.845)');
  });
});

import { forecastOption } from '../../src/charts/forecast/option.ts';
import { barsOption } from '../../src/charts/bars/option.ts';
import { heatmapOption } from '../../src/charts/heatmap/option.ts';
import { funnelOption } from '../../src/charts/funnel/option.ts';

describe('analytics chart builders', () => {
  it('forecast: joins the forecast to the last actual and stacks the interval band', () => {
    const opt = forecastOption(
      { periods: ['a', 'b'], actual: [10, 12], futurePeriods: ['c', 'd'], mean: [13, 14], lower: [11, 11], upper: [15, 17] },
      { title: 'F', actual: 'Actual', forecast: 'Forecast', interval: '95 %' },
    ) as { series: { data: (number | null)[] }[] };
    expect(opt.series[0]!.data).toEqual([10, 12, null, null]);
    expect(opt.series[1]!.data).toEqual([null, 12, 13, 14]);
    expect(opt.series[2]!.data).toEqual([null, null, 11, 11]);
    expect(opt.series[3]!.data).toEqual([null, null, 4, 6]);
    expect(renderSvg(opt, 500, 300)).toContain('Forecast');
  });

  it('bars: a rate series becomes a percent line on a second axis', () => {
    const opt = barsOption(['x', 'y'], [{ name: 'n', values: [3, 4] }, { name: 'r', values: [0.25, null], rate: true }], { title: 't' }) as {
      series: { type: string; data: (number | null)[] }[];
      yAxis: unknown[];
    };
    expect(opt.series.map((s) => s.type)).toEqual(['bar', 'line']);
    expect(opt.series[1]!.data).toEqual([25, null]);
    expect(opt.yAxis).toHaveLength(2);
  });

  it('bars: whole counts get whole ticks, fractional values do not', () => {
    const axis = (values: number[]) => (barsOption(['a', 'b'], [{ name: 'n', values }], { title: 't' }) as { yAxis: { minInterval?: number } }).yAxis.minInterval;
    expect(axis([1, 0])).toBe(1);
    expect(axis([1.5, 0])).toBeUndefined();
  });

  it('heatmap and funnel render', () => {
    const hm = heatmapOption(['0', '1'], ['2024-01'], [[0, 0, 1], [1, 0, 0.5]], { title: 'H', x: 'm', y: 'c', percent: true });
    expect((hm as { series: { data: unknown[] }[] }).series[0]!.data).toEqual([[0, 0, 100], [1, 0, 50]]);
    expect(renderSvg(hm, 400, 300)).toContain('<svg');
    const fn = funnelOption([{ stage: 'Lead', count: 100 }, { stage: 'Won', count: 10 }], { title: 'F' });
    expect(renderSvg(fn, 400, 300)).toContain('Won: 10 (10.0 %)');
  });

  it('bar axes and tooltips use the page locale\'s number format (万 in Chinese, as on the cards)', () => {
    type Fmt = { xAxis: { axisLabel: { formatter: (v: number) => string } }; yAxis: { axisLabel: { formatter: (v: number) => string } }; tooltip: { valueFormatter: (v: unknown) => string } };
    const zh = barsOption(['a'], [{ name: 'r', values: [12_000_000] }], { title: 'T', locale: 'zh-CN' }) as unknown as Fmt;
    expect(zh.yAxis.axisLabel.formatter(12_000_000)).toBe('1200万');
    expect(zh.yAxis.axisLabel.formatter(2_000_000)).toBe('200万');
    const en = barsOption(['a'], [{ name: 'r', values: [1] }], { title: 'T', horizontal: true }) as unknown as Fmt;
    expect(en.xAxis.axisLabel.formatter(2_000_000)).toBe('2M');
    expect(en.tooltip.valueFormatter(41624.35999999999)).toBe('41,624.36');
    expect(zh.tooltip.valueFormatter(null)).toBe('—');
  });

  it('funnel steps in words with the locale\'s numbers; the tooltip names the column', () => {
    const zh = new Intl.NumberFormat('zh-CN');
    const fn = funnelOption(
      [{ stage: '新线索', count: 12000, column: '创建日期' }, { stage: '营销认可线索（MQL）', count: 3000, column: 'MQL日期' }],
      { title: '漏斗', count: (n) => zh.format(n), share: (s) => `${(s * 100).toFixed(1)}%`, column: '列' },
    );
    expect(renderSvg(fn, 500, 300)).toContain('营销认可线索（MQL）: 3,000 (25.0%)');
    const tooltip = (fn as { tooltip: { formatter: (p: unknown) => string } }).tooltip.formatter;
    expect(tooltip({ name: '营销认可线索（MQL）' })).toBe('营销认可线索（MQL）: 3,000 (25.0%)<br/>列: MQL日期');
  });
});
