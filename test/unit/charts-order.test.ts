/** Category order in the chart builders: natural where the labels form a scale, else as ranked by the query or by value. */
import { describe, expect, it } from 'vitest';
import { barsOption } from '../../src/charts/bars/option.ts';
import { breakdownOption } from '../../src/charts/breakdown/option.ts';
import { topProductsOption } from '../../src/charts/top-products/option.ts';

type Opt = { xAxis: { data?: string[] } | unknown; yAxis: { data?: string[] } | unknown; series: { data: (number | null)[] }[] };

describe('breakdownOption', () => {
  it('puts Telco contracts in duration order with their values and churn rates', () => {
    const opt = breakdownOption(
      [
        { category: 'Month-to-month', customers: 3875, churnRate: 0.427 },
        { category: 'Two year', customers: 1695, churnRate: 0.028 },
        { category: 'One year', customers: 1473, churnRate: 0.113 },
      ],
      { title: 't', customers: 'C', churnRate: 'R' },
    ) as unknown as Opt;
    expect((opt.xAxis as { data: string[] }).data).toEqual(['Month-to-month', 'One year', 'Two year']);
    expect(opt.series[0]!.data).toEqual([3875, 1473, 1695]);
    expect(opt.series[1]!.data).toEqual([42.7, 11.3, 2.8]);
  });

  it('puts other categories by customers, largest first, whatever order they came in', () => {
    const opt = breakdownOption(
      [
        { category: 'DSL', customers: 2421, churnRate: null },
        { category: 'No', customers: 1526, churnRate: null },
        { category: 'Fiber optic', customers: 3096, churnRate: null },
      ],
      { title: 't', customers: 'C', churnRate: 'R' },
    ) as unknown as Opt;
    expect((opt.xAxis as { data: string[] }).data).toEqual(['Fiber optic', 'DSL', 'No']);
  });
});

describe('barsOption', () => {
  it('reorders a scale and every series with it', () => {
    const opt = barsOption(['High', 'Low', 'Medium'], [{ name: 'n', values: [1, 2, 3] }, { name: 'r', values: [0.1, null, 0.3], rate: true }], { title: 't' }) as unknown as Opt;
    expect((opt.xAxis as { data: string[] }).data).toEqual(['Low', 'Medium', 'High']);
    expect(opt.series[0]!.data).toEqual([2, 3, 1]);
    expect(opt.series[1]!.data).toEqual([null, 30, 10]);
  });

  it('keeps categories that are no scale as given (queries rank them), and a scale too with order "given"', () => {
    const a = barsOption(['Spain', 'France'], [{ name: 'n', values: [5, 9] }], { title: 't' }) as unknown as Opt;
    expect((a.xAxis as { data: string[] }).data).toEqual(['Spain', 'France']);
    const b = barsOption(['High', 'Low'], [{ name: 'n', values: [5, 9] }], { title: 't', order: 'given', horizontal: true }) as unknown as Opt;
    expect((b.yAxis as { data: string[] }).data).toEqual(['High', 'Low']);
  });
});

describe('topProductsOption', () => {
  it('draws the ranking as given, most baskets on top', () => {
    const opt = topProductsOption(
      [
        { product: 'whole milk', baskets: 2513 },
        { product: 'Large bag', baskets: 900 },
        { product: 'Small bag', baskets: 800 },
      ],
      { title: 'Top products', baskets: 'Baskets' },
    ) as unknown as Opt;
    expect((opt.yAxis as { data: string[]; inverse: boolean }).data).toEqual(['whole milk', 'Large bag', 'Small bag']);
    expect((opt.yAxis as { inverse: boolean }).inverse).toBe(true);
    expect(opt.series[0]!.data).toEqual([2513, 900, 800]);
  });
});
