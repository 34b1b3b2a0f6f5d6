import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/charts/echarts.ts';
import { trackingOption } from '../../src/charts/clv-tracking/option.ts';
import { frequencyOption } from '../../src/charts/clv-frequency/option.ts';

interface Opt {
  series: { name: string; type: string; data: unknown[]; markLine?: { data: { xAxis: number }[] } }[];
  xAxis: { data?: string[]; max?: number };
}

describe('lifetime-value charts', () => {
  it('tracking: actual and predicted cumulative repeats by week, a line at the calibration end', () => {
    const labels = { title: 'Tracking', actual: 'Actual', predicted: 'Predicted', week: 'Week', purchases: 'Repeat purchases', calibrationEnd: 'Calibration end' };
    const opt = trackingOption({ weeks: [1, 2, 3], actualCum: [1, 1, 3], predictedCum: [2.04, 5, 8.26], calEndWeek: 2.14 }, labels) as unknown as Opt;
    expect(opt.series[0]!.data).toEqual([[1, 1], [2, 1], [3, 3]]);
    expect(opt.series[1]!.data).toEqual([[1, 2], [2, 5], [3, 8.3]]);
    expect(opt.series[0]!.markLine!.data).toEqual([{ xAxis: 2.1 }]);
    expect(opt.xAxis.max).toBe(3);
    expect(renderSvg(opt as never, 600, 320)).toContain('<svg');
  });

  it('by frequency: groups with customers only, the last labelled 7+', () => {
    const labels = { title: 'By frequency', actual: 'Actual', predicted: 'Predicted', frequency: 'Repeat purchases in calibration', purchases: 'Mean hold-out purchases' };
    const groups = [0, 1, 2, 3, 4, 5, 6, 7].map((x) => ({ x, customers: x === 3 ? 0 : 10, actual: x / 2, predicted: x / 3 }));
    const opt = frequencyOption(groups, labels) as unknown as Opt;
    expect(opt.xAxis.data).toEqual(['0', '1', '2', '4', '5', '6', '7+']);
    expect(opt.series[1]!.data[1]).toBe(0.33);
    expect(renderSvg(opt as never, 600, 320)).toContain('<svg');
  });
});
