import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/charts/echarts.ts';
import { targetsOption } from '../../src/charts/targets/option.ts';

interface Opt {
  [key: string]: unknown;
  yAxis: { data: string[] };
  series: { type: string; data: unknown[] }[];
}

describe('targetsOption', () => {
  const bars = [
    { label: '企业', actual: 1200, target: 1000, status: 'met' as const },
    { label: '(blank)', actual: 300, target: null, status: 'no_target' as const },
    { label: 'SMB', actual: 80.456, target: 100, status: 'behind' as const },
  ];

  it('draws actual bars coloured by status and a mark at each target, levels in the given order', () => {
    const opt = targetsOption(bars, { title: 'Revenue vs target', actual: 'Actual', target: 'Target' }) as unknown as Opt;
    expect(opt.yAxis.data).toEqual(['企业', '(blank)', 'SMB']);
    const [actual, target] = opt.series;
    expect(actual!.type).toBe('bar');
    expect((actual!.data as { value: number }[]).map((d) => d.value)).toEqual([1200, 300, 80.46]);
    const colors = (actual!.data as { itemStyle: { color: string } }[]).map((d) => d.itemStyle.color);
    expect(new Set(colors).size).toBe(3);
    expect(target!.type).toBe('scatter');
    expect(target!.data).toEqual([1000, null, 100]);
  });

  it('draws rates in percent', () => {
    const opt = targetsOption([{ label: 'All', actual: 0.3512, target: 0.4, status: 'behind' }], { title: 'Retention', actual: 'Actual', target: 'Target', percent: true }) as unknown as Opt;
    expect((opt.series[0]!.data as { value: number }[])[0]!.value).toBe(35.12);
    expect(opt.series[1]!.data).toEqual([40]);
  });

  it('renders to SVG with the Chinese labels in it', () => {
    const svg = renderSvg(targetsOption(bars, { title: '收入 与目标', actual: '实际', target: '目标', locale: 'zh-CN' }), 600, 300);
    expect(svg).toContain('企业');
    expect(svg).toContain('收入 与目标');
  });
});
