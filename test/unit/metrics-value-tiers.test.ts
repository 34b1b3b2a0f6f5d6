import { describe, expect, it } from 'vitest';
import type { Tier } from '../../src/metrics/tiers.ts';
import { assignTiers, crossTable, summarizeTiers, tierReason, topAtRisk, valueCutForTopShare, valueTierOf } from '../../src/metrics/value-tiers.ts';

const f = (...v: number[]) => Float64Array.from(v);

describe('value × risk tiers', () => {
  it('the top-share cut: top 20 % of 10 customers is the 2nd highest CLV; ties at the cut count', () => {
    const clv = f(5, 100, 1, 40, 0, 3, 2, 60, 7, 9);
    expect(valueCutForTopShare(clv, 0.2)).toBe(60);
    expect(valueCutForTopShare(clv, 0.25)).toBe(40); // ceil(2.5) = 3rd highest
    expect(valueCutForTopShare(f(), 0.2)).toBe(Infinity);
    expect(valueCutForTopShare(f(NaN, 4), 0.2)).toBe(4);
  });

  it('four tiers from the two cuts; a CLV of 0 is never high value', () => {
    const t = { valueCut: 50, riskCut: 0.5 };
    expect(valueTierOf(60, 0.1, t)).toBe('important');
    expect(valueTierOf(60, 0.5, t)).toBe('potential');
    expect(valueTierOf(10, 0.2, t)).toBe('ordinary');
    expect(valueTierOf(10, 0.9, t)).toBe('low_value');
    expect(valueTierOf(0, 0.1, { valueCut: 0, riskCut: 0.5 })).toBe('ordinary');
    // A prediction that is not a number (a fit at an extreme) is never high value and adds 0 to the sums.
    expect(valueTierOf(NaN, 0.1, t)).toBe('ordinary');
    expect(summarizeTiers(['ordinary'], f(NaN), f(0.1), f(5))[2]).toMatchObject({ customers: 1, expectedValue: 0, valueAtRisk: 0, revenue: 5 });
    expect(tierReason(60, 0.7, t)).toEqual({ highValue: true, highRisk: true, clv: 60, risk: 0.7 });
  });

  it('summary: counts, revenue share, expected value and value at risk (Σ CLV × risk)', () => {
    const clv = f(100, 80, 10, 5);
    const risk = f(0.2, 0.6, 0.1, 0.9);
    const revenue = f(500, 300, 150, 50);
    const tiers = assignTiers(clv, risk, { valueCut: 80, riskCut: 0.5 });
    expect(tiers).toEqual(['important', 'potential', 'ordinary', 'low_value']);
    const s = summarizeTiers(tiers, clv, risk, revenue);
    expect(s.map((r) => [r.tier, r.action, r.customers, r.revenue, r.expectedValue])).toEqual([
      ['important', 'retain', 1, 500, 100], ['potential', 'win_back', 1, 300, 80], ['ordinary', 'maintain', 1, 150, 10], ['low_value', 'low_cost', 1, 50, 5],
    ]);
    // revenue 1000 in all: shares 0.5, 0.3, 0.15, 0.05; at risk 100×0.2 = 20, 80×0.6 = 48, 10×0.1 = 1, 5×0.9 = 4.5.
    expect(s.map((r) => r.revenueShare)).toEqual([0.5, 0.3, 0.15, 0.05]);
    expect(s.map((r) => r.valueAtRisk.toFixed(6))).toEqual(['20.000000', '48.000000', '1.000000', '4.500000']);
    expect(s[0]!.customerShare).toBe(0.25);
  });

  it('cross-table RFM tier × value tier, and the top customers by value at risk', () => {
    const rfm = new Map<string, Tier>([['a', 'important'], ['b', 'important'], ['c', 'low_value']]);
    const x = crossTable(rfm, ['a', 'b', 'c', 'd'], ['important', 'potential', 'potential', 'ordinary']);
    expect(x).toEqual([[1, 1, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 1, 0, 0]]);
    // value at risk: 20, 48, 1, 4.5 → order 1, 0, 3, 2
    expect(topAtRisk(f(100, 80, 10, 5), f(0.2, 0.6, 0.1, 0.9), 3)).toEqual([1, 0, 3]);
  });
});
