import { describe, expect, it } from 'vitest';
import { trendLinesOption } from '../../src/charts/voice/option.ts';
import { risingShareOption } from '../../src/charts/voice/rising.ts';

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

describe('risingShareOption', () => {
  it('monthly shares as percent bars (a month without texts left blank) under the fitted line', () => {
    const o = risingShareOption(['2024-01', '2024-02', '2024-03'], [0.1234, null, 0.3], [0.1, 0.2, 0.3], { title: 'Rising', share: '占比', trend: 'Trend', locale: 'zh-CN' }) as {
      legend: { data: string[] };
      series: { name: string; type: string; data: (number | null)[] }[];
      tooltip: { valueFormatter: (v: unknown) => string };
    };
    expect(o.legend.data).toEqual(['占比', 'Trend']);
    expect(o.series.map((s) => [s.type, s.data])).toEqual([
      ['bar', [12.3, null, 30]],
      ['line', [10, 20, 30]],
    ]);
    expect(o.tooltip.valueFormatter(12.3)).toBe('12.3 %');
    expect(o.tooltip.valueFormatter(null)).toBe('—');
  });
});
