import { describe, expect, it } from 'vitest';
import { trendLinesOption } from '../../src/charts/voice/option.ts';

describe('trendLinesOption', () => {
  it('one line per series over the months, shares as percent', () => {
    const o = trendLinesOption(['2024-01', '2024-02'], [{ name: '慢', values: [0.1234, 0.5] }], { title: 'Terms', percent: true }) as {
      xAxis: { data: string[] };
      series: { name: string; data: number[] }[];
    };
    expect(o.xAxis.data).toEqual(['2024-01', '2024-02']);
    expect(o.series).toHaveLength(1);
    expect(o.series[0]).toMatchObject({ name: '慢', data: [12.3, 50] });
  });

  it('draws the highlighted series bold and fades the others', () => {
    const o = trendLinesOption(['2024-01', '2024-02'], [{ name: 'a', values: [1, 2] }, { name: 'b', values: [3, 1] }], { title: 'Topics', highlight: 1 }) as {
      series: { name: string; lineStyle?: { width: number; opacity?: number } }[];
    };
    expect(o.series[1]!.lineStyle).toEqual({ width: 4 });
    expect(o.series[0]!.lineStyle).toMatchObject({ opacity: 0.45 });
    const plain = trendLinesOption(['2024-01', '2024-02'], [{ name: 'a', values: [1, 2] }], { title: 'Topics' }) as { series: { lineStyle?: unknown }[] };
    expect(plain.series[0]!.lineStyle).toBeUndefined();
  });
});
