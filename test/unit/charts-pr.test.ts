import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/charts/echarts.ts';
import { MAX_CURVE_POINTS, prOption, thinCurve } from '../../src/charts/pr/option.ts';
import { rocCurve } from '../../src/ml/metrics.ts';

const LABELS = { title: 'Precision–recall', model: 'gbt', random: 'Random', recall: 'Recall', precision: 'Precision' };

interface Opt {
  [key: string]: unknown;
  legend: { data: string[] };
  series: { name: string; data: number[][] }[];
}

describe('prOption', () => {
  it('draws the curve, AP in the legend, and a flat random line at the positive rate', () => {
    const opt = prOption(
      [
        [0, 1],
        [0.5, 1],
        [0.5, 0.666666],
        [1, 0.5],
      ],
      0.8333,
      0.11,
      LABELS,
    ) as Opt;
    expect(opt.legend.data).toEqual(['gbt (AP 0.833)', 'Random']);
    expect(opt.series[0]!.name).toBe('gbt (AP 0.833)');
    expect(opt.series[0]!.data).toEqual([
      [0, 1],
      [0.5, 1],
      [0.5, 0.6667],
      [1, 0.5],
    ]);
    expect(opt.series[1]!.data).toEqual([
      [0, 0.11],
      [1, 0.11],
    ]);
  });

  it('renders through ECharts SSR with its labels', () => {
    const svg = renderSvg(prOption([[0, 1], [1, 0.3]], 0.7, 0.3, LABELS), 500, 300);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Precision–recall');
    expect(svg).toContain('gbt (AP 0.700)');
    expect(svg).toContain('Recall');
  });

  it('thins a curve of thousands of points to about MAX_CURVE_POINTS, keeping its ends and shape', () => {
    // One ROC point per distinct score: thousands.
    const n = 5000;
    const y = Array.from({ length: n }, (_, i) => ((i * 7919) % 13 < 4 ? 1 : 0));
    const p = Array.from({ length: n }, (_, i) => (i + (y[i] ? 1500 : 0)) / (n + 1500));
    const roc = rocCurve(y, p);
    expect(roc.length).toBeGreaterThan(4000);
    const thin = thinCurve(roc);
    expect(thin.length).toBeLessThanOrEqual(MAX_CURVE_POINTS + 1);
    expect(thin.length).toBeGreaterThan(MAX_CURVE_POINTS / 2);
    expect(thin[0]).toEqual([0, 0]);
    expect(thin.at(-1)).toEqual([1, 1]);
    // Every original point lies within one step of the thinned path's nearest kept point.
    const step = 2 / (MAX_CURVE_POINTS - 1);
    for (const q of roc.filter((_, i) => i % 97 === 0)) {
      const d = Math.min(...thin.map((t) => Math.abs(t[0] - q[0]) + Math.abs(t[1] - q[1])));
      expect(d).toBeLessThanOrEqual(step);
    }
    expect((prOption(roc.map(([a, b]) => [b, a]), 0.5, 0.3, LABELS) as Opt).series[0]!.data.length).toBe(thin.length);
    expect(thinCurve([[0, 0], [1, 1]])).toEqual([[0, 0], [1, 1]]);
  });
});

