import { describe, expect, it } from 'vitest';
import { categoryAxisLabel } from '../../src/charts/axis-labels.ts';
import { barsOption } from '../../src/charts/bars/option.ts';
import { forecastOption } from '../../src/charts/forecast/option.ts';

type Axis = { axisLabel: { interval?: number; hideOverlap?: boolean; rotate?: number; overflow?: string; width?: number } };

describe('category axis labels never vanish', () => {
  it('short and few: all shown, flat', () => {
    expect(categoryAxisLabel(['A', 'B', 'C'])).toMatchObject({ axisLabel: { interval: 0 }, bottom: 32 });
    expect(categoryAxisLabel(['A']).axisLabel.hideOverlap).toBeUndefined();
  });
  it('long ticket categories wrap at a width, with room below', () => {
    const cats = ['Billing and payment questions', 'Technical problem', 'Delivery', 'Account access and password reset', 'Other'];
    const r = categoryAxisLabel(cats);
    expect(r.axisLabel).toMatchObject({ interval: 0, overflow: 'break', width: 90 });
    expect(r.axisLabel.hideOverlap).toBeUndefined();
    expect(r.bottom).toBeGreaterThan(32);
  });
  it('many categories rotate; Chinese glyphs count double', () => {
    const r = categoryAxisLabel(Array.from({ length: 12 }, (_, i) => `售后服务问题类别${i}`));
    expect(r.axisLabel).toMatchObject({ interval: 0, rotate: 35, overflow: 'break' });
    expect(r.axisLabel.width).toBe(130);
  });
  it('a month label is never broken mid-figure', () => {
    const r = categoryAxisLabel(Array.from({ length: 12 }, (_, i) => `2017-${String(i + 1).padStart(2, '0')}`));
    expect(r.axisLabel.width).toBeGreaterThanOrEqual(7 * 7.5);
  });
  it('a long timeline (months) may skip labels', () => {
    expect(categoryAxisLabel(Array.from({ length: 40 }, (_, i) => `m${i}`)).axisLabel).toMatchObject({ hideOverlap: true });
  });
  it('bars: the vertical category axis shows every label; the legend sits below the title line', () => {
    const opt = barsOption(['Account access and password reset', 'Billing'], [{ name: 'Tickets', values: [3, 4] }], { title: 'Tickets by category' }) as unknown as {
      xAxis: Axis; legend: { top: number }; grid: { top: number };
    };
    expect(opt.xAxis.axisLabel.interval).toBe(0);
    expect(opt.xAxis.axisLabel.hideOverlap).toBeUndefined();
    expect(opt.legend.top).toBeGreaterThanOrEqual(24);
    expect(opt.legend.top).toBeLessThan(opt.grid.top - 20);
  });
  it('forecast: the legend sits below the title line', () => {
    const opt = forecastOption(
      { periods: ['2024-01', '2024-02'], actual: [1, 2], futurePeriods: ['2024-03'], mean: [3], lower: [2], upper: [4] },
      { title: 'Revenue forecast, monthly, Holt-Winters with an 80 % interval', actual: 'Actual', forecast: 'Forecast', interval: '80 % interval' },
    ) as unknown as { legend: { top: number }; grid: { top: number } };
    expect(opt.legend.top).toBeGreaterThanOrEqual(24);
  });
});
