import { describe, expect, it } from 'vitest';
import { sankeyOption, stepNode } from '../../src/charts/sankey/option.ts';
import { ipaOption, quadrantOf } from '../../src/charts/ipa/option.ts';
import { attributionOption } from '../../src/charts/attribution/option.ts';

interface SankeySeries { data: { name: string; depth: number }[]; links: { source: string; target: string; value: number }[] }

describe('sankeyOption', () => {
  it('numbers nodes by step, so a page seen twice makes no cycle; "other" for grouped touchpoints', () => {
    const o = sankeyOption(
      [
        { step: 1, source: 'Home', target: 'Product', sessions: 5 },
        { step: 2, source: 'Product', target: 'Home', sessions: 2 },
        { step: 2, source: 'Product', target: null, sessions: 1 },
      ],
      { title: 'Paths', other: 'Other' },
    );
    const s = (o.series as SankeySeries[])[0]!;
    expect(s.data.map((n) => [n.name, n.depth])).toEqual([['1. Home', 0], ['2. Product', 1], ['3. Home', 2], ['3. Other', 2]]);
    expect(s.links).toEqual([
      { source: '1. Home', target: '2. Product', value: 5 },
      { source: '2. Product', target: '3. Home', value: 2 },
      { source: '2. Product', target: '3. Other', value: 1 },
    ]);
    const names = new Set(s.data.map((n) => n.name));
    expect(s.links.every((l) => names.has(l.source) && names.has(l.target) && l.source !== l.target)).toBe(true);
    expect(stepNode(4, null, '其他')).toBe('4. 其他');
  });
});

describe('ipaOption', () => {
  const labels = { title: 'IPA', importance: 'Importance', performance: 'Performance', quadrant: { concentrate: 'Fix', keep: 'Keep', low: 'Low', overkill: 'Overkill' } };
  it('puts each item in its quadrant around the means', () => {
    const pts = [
      { item: 'Speed', importance: 0.8, performance: 40 },
      { item: 'Quality', importance: 0.6, performance: 80 },
      { item: 'Price', importance: 0.2, performance: 45 },
      { item: 'Delivery', importance: 0.3, performance: 75 },
    ];
    // Means: importance 0.475, performance 60.
    expect(pts.map((p) => quadrantOf(p, 0.475, 60))).toEqual(['concentrate', 'keep', 'low', 'overkill']);
    const o = ipaOption(pts, labels);
    const series = o.series as { name: string; data: { item: string; name: string; value: number[] }[] }[];
    expect(series.map((s) => [s.name, s.data.map((d) => d.item)])).toEqual([['Fix', ['Speed']], ['Keep', ['Quality']], ['Low', ['Price']], ['Overkill', ['Delivery']]]);
    expect(series[0]!.data[0]!.value).toEqual([0.8, 40]);
    expect(JSON.stringify(o)).toContain('"xAxis":0.475');
  });

  it('shortens long question text on the point label, keeps it whole for the tooltip', () => {
    const long = '总体而言，您对本次在我们门店和线上商城的购物体验满意吗？（1-5分，5分为非常满意）';
    const o = ipaOption([{ item: long, importance: 0.5, performance: 50 }, { item: 'b', importance: 0.1, performance: 10 }], labels);
    const d = (o.series as { data: { item: string; name: string }[] }[]).flatMap((s) => s.data).find((x) => x.item === long)!;
    expect(d.name.length).toBeLessThanOrEqual(28);
    expect(d.name.endsWith('…')).toBe(true);
  });
});

describe('attributionOption', () => {
  it('one bar series per model, channels in the order given', () => {
    const o = attributionOption([{ channel: 'email', credits: [1, 2, 1.5, 1.333] }, { channel: 'search', credits: [1, 0, 0.5, 0.667] }], ['First', 'Last', 'Linear', 'Markov'], { title: 'A' });
    expect((o.xAxis as { data: string[] }).data).toEqual(['email', 'search']);
    expect((o.series as { name: string; data: number[] }[]).map((s) => [s.name, s.data])).toEqual([['First', [1, 1]], ['Last', [2, 0]], ['Linear', [1.5, 0.5]], ['Markov', [1.3, 0.7]]]);
  });
});
