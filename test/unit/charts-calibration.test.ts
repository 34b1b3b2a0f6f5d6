import { describe, expect, it } from 'vitest';
import { renderSvg } from '../../src/charts/echarts.ts';
import { calibrationOption } from '../../src/charts/calibration/option.ts';
import { calibrationBins } from '../../src/ml/thresholds.ts';

const LABELS = { title: 'Calibration', model: 'Model', perfect: 'Perfectly calibrated', predicted: 'Mean predicted', observed: 'Observed rate' };

interface Opt {
  [key: string]: unknown;
  series: { name: string; data: ({ value: number[]; symbolSize: number } | number[])[] }[];
}

describe('calibrationOption', () => {
  it('plots observed against predicted per bin, markers sized by rows, beside the diagonal', () => {
    // Bin [0.1, 0.2): 4 rows, mean 0.15, 1 positive; bin [0.9, 1]: 1 row, 0.95, positive.
    const bins = calibrationBins([0, 1, 0, 0, 1], [0.1, 0.2 - 1e-9, 0.15, 0.15, 0.95], 10);
    const opt = calibrationOption(bins, LABELS) as Opt;
    const model = opt.series[0]!.data as { value: number[]; symbolSize: number }[];
    expect(model.map((d) => d.value)).toEqual([
      [0.15, 0.25, 4],
      [0.95, 1, 1],
    ]);
    expect(model[0]!.symbolSize).toBe(14);
    expect(model[1]!.symbolSize).toBe(9);
    expect(opt.series[1]!.data).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it('renders through ECharts SSR, also with no bins', () => {
    expect(renderSvg(calibrationOption([{ meanPredicted: 0.3, observedRate: 0.25, count: 10 }], LABELS), 500, 300)).toContain('Perfectly calibrated');
    expect(renderSvg(calibrationOption([], LABELS), 500, 300)).toContain('Calibration');
  });
});
