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
