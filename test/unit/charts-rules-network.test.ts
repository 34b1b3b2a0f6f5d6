import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/charts/echarts.ts';
import { rulesNetworkOption, type NetworkRule } from '../../src/charts/rules-network/option.ts';

const LABELS = { title: 'Rule network', legend: 'Size: support · width: lift', series: 'Rules' };

interface Opt {
  series: {
    type: string;
    data: { name: string; value: number; symbolSize: number; itemStyle: { color: string } }[];
    links: { source: string; target: string; value: number; lineStyle: { width: number } }[];
  }[];
}

const RULES: NetworkRule[] = [
  { lhs: ['butter', 'yogurt'], rhs: 'whole milk', support: 0.01, confidence: 0.6, lift: 2.3 },
  { lhs: ['butter'], rhs: 'whole milk', support: 0.03, confidence: 0.5, lift: 1.9 },
  { lhs: ['curd'], rhs: 'yogurt', support: 0.02, confidence: 0.3, lift: 2.8 },
];
const SUPPORT = new Map([['whole milk', 0.25], ['butter', 0.05], ['yogurt', 0.14], ['curd', 0.05]]);

describe('rulesNetworkOption', () => {
  it('draws items as nodes sized by support and one arrow per left item, the strongest rule per pair', () => {
    const opt = rulesNetworkOption(RULES, SUPPORT, LABELS) as unknown as Opt;
    const s = opt.series[0]!;
    expect(s.type).toBe('graph');
    expect(s.data.map((d) => [d.name, d.value])).toEqual([['butter', 5], ['yogurt', 14], ['whole milk', 25], ['curd', 5]]);
    // √-scaled: the most supported item is the largest (34 px), area follows support.
    expect(s.data[2]!.symbolSize).toBe(34);
    expect(s.data[0]!.symbolSize).toBeCloseTo(10 + 24 * Math.sqrt(0.05 / 0.25), 9);
    // whole milk is only ever recommended: orange; the rest appear on a left side.
    expect(s.data.map((d) => d.itemStyle.color)).toEqual(['#0072B2', '#0072B2', '#E69F00', '#0072B2']);
    expect(s.links.map((l) => [l.source, l.target, l.value])).toEqual([['butter', 'whole milk', 2.3], ['yogurt', 'whole milk', 2.3], ['curd', 'yogurt', 2.8]]);
    expect(s.links.map((l) => l.lineStyle.width)).toEqual([1, 1, 5]);
  });

  it('copes with no rules and unknown supports, and renders through ECharts SSR', () => {
    const empty = rulesNetworkOption([], new Map(), LABELS) as unknown as Opt;
    expect(empty.series[0]!.data).toEqual([]);
    const opt = rulesNetworkOption([{ lhs: ['<b>x</b>'], rhs: 'y', support: 0.1, confidence: 0.5, lift: 1.5 }], new Map(), LABELS);
    const svg = renderSvg(opt, 500, 300);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('&lt;b&gt;x&lt;/b&gt;');
    expect(svg).toContain('Rule network');
  });
});
