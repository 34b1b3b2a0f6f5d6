import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/charts/echarts.ts';
import { MAX_PROFIT_POINTS, profitOption } from '../../src/charts/profit/option.ts';
import { bestThresholdByProfit } from '../../src/ml/thresholds.ts';

const LABELS = { title: 'Profit by threshold', threshold: 'Threshold', profit: 'Profit', chosen: 'Chosen', best: 'Best' };

interface Opt {
  [key: string]: unknown;
  series: { data: number[][]; markLine: { data: { xAxis: number; name: string }[] } }[];
}

describe('profitOption', () => {
  it('draws the sweep by rising threshold without the "target nobody" point, and marks both thresholds', () => {
    // Offer 10, saved 100: the 0.9 row (positive) earns 90, the 0.6 row (negative) costs 10, the 0.3 row (positive) earns 90.
    const choice = bestThresholdByProfit([1, 0, 1], [0.9, 0.6, 0.3], { offerCost: 10, savedValue: 100 });
    expect(choice.curve.map((p) => p.profit)).toEqual([0, 90, 80, 170]);
    const opt = profitOption(choice.curve, { chosen: 0.5, best: choice.threshold }, LABELS) as Opt;
    expect(opt.series[0]!.data).toEqual([
      [0.3, 170],
      [0.6, 80],
      [0.9, 90],
    ]);
    expect(opt.series[0]!.markLine.data.map((m) => [m.name, m.xAxis])).toEqual([
      ['Chosen', 0.5],
      ['Best', 0.3],
    ]);
  });

  it('leaves out the best marker when targeting nobody is best', () => {
    const choice = bestThresholdByProfit([0, 0], [0.9, 0.1], { offerCost: 10, savedValue: 100 });
    expect(choice.threshold).toBe(Infinity);
    const opt = profitOption(choice.curve, { chosen: 0.5, best: choice.threshold }, LABELS) as Opt;
    expect(opt.series[0]!.markLine.data).toHaveLength(1);
  });

  it('thins thousands of sweep points but keeps the ends and the peak', () => {
    const n = 5000;
    const curve = Array.from({ length: n }, (_, i) => ({ threshold: i / n, profit: i === 1234 ? 1e6 : i }));
    const data = (profitOption(curve, { chosen: 0.5, best: 0.2468 }, LABELS) as Opt).series[0]!.data;
    expect(data.length).toBeLessThanOrEqual(MAX_PROFIT_POINTS + 2);
    expect(data[0]).toEqual([0, 0]);
    expect(data.at(-1)).toEqual([0.9998, 4999]);
    expect(data).toContainEqual([0.2468, 1e6]);
    expect(renderSvg(profitOption(curve, { chosen: 0.5, best: 0.2468 }, LABELS), 500, 260)).toContain('Profit by threshold');
  });
});
