import { describe, expect, it } from 'vitest';
import { MAX_SCATTER_POINTS, valueScatterOption } from '../../src/charts/value-scatter/option.ts';
import { valueLiftOption } from '../../src/charts/value-lift/option.ts';
import { valueResidualsOption } from '../../src/charts/value-residuals/option.ts';

type Series = { name: string; type: string; data: unknown[] }[];

describe('value model chart options (pure)', () => {
  it('predicted vs actual: log axes over 1 + spend, negatives at 0, thinned past the cap, y = x line to the next power of ten', () => {
    const o = valueScatterOption([0, 99, -5], [9, 1000, 3], { title: 'T', predicted: 'P', actual: 'A', perfect: 'y = x', model: 'M' }) as Record<string, unknown>;
    expect((o.xAxis as { type: string }).type).toBe('log');
    expect((o.yAxis as { type: string; max: number }).max).toBe(10000);
    const s = o.series as Series;
    expect(s[0]!.data).toEqual([[10, 1], [1001, 100], [4, 1]]);
    expect(s[1]!.data).toEqual([[1, 1], [10000, 10000]]);
    const many = Array.from({ length: MAX_SCATTER_POINTS * 2 + 1 }, (_, i) => i);
    expect(((valueScatterOption(many, many, { title: '', predicted: '', actual: '', perfect: '', model: '' }) as Record<string, unknown>).series as Series)[0]!.data.length).toBeLessThanOrEqual(MAX_SCATTER_POINTS);
    expect(() => valueScatterOption([1], [], { title: '', predicted: '', actual: '', perfect: '', model: '' })).toThrow('1 actual values but 0 predictions');
  });

  it('decile bars with the overall mean line, and residuals by segment largest on top', () => {
    const lift = valueLiftOption([{ decile: 1, actual: 500, predicted: 420.123 }, { decile: 2, actual: 50, predicted: 60 }], 100, { title: '', decile: 'D', spend: 'S', actual: 'A', predicted: 'P', average: 'Mean' }) as Record<string, unknown>;
    const ls = lift.series as Series;
    expect(ls.map((x) => x.data)).toEqual([[500, 50], [420.12, 60], [100, 100]]);
    const res = valueResidualsOption([{ group: 'Consumer', rows: 900, meanResidual: -12.3449, mae: 80 }, { group: 'Business', rows: 400, meanResidual: 30, mae: 200 }], { title: '', meanResidual: 'bias', mae: 'MAE', spend: 'S' }) as Record<string, unknown>;
    expect((res.yAxis as { data: string[] }).data).toEqual(['Business (400)', 'Consumer (900)']);
    expect((res.series as Series)[0]!.data).toEqual([30, -12.34]);
  });
});
