import type { ChartOption } from '../echarts.ts';
import { PALETTE } from '../palette.ts';

export interface FunnelStep {
  stage: string;
  count: number;
}

/** Funnel stages in order, each labelled with its count and its share of the first stage. */
export function funnelOption(steps: readonly FunnelStep[], labels: { title: string }): ChartOption {
  const top = steps[0]?.count ?? 0;
  return {
    color: [...PALETTE],
    title: { text: labels.title, left: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'item' },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        top: 40,
        bottom: 8,
        left: '10%',
        width: '80%',
        minSize: '4%',
        label: { show: true, position: 'inside', color: '#1f2933', textBorderColor: '#fff', textBorderWidth: 3, formatter: '{b}: {c}' },
        data: steps.map((s) => ({
          name: s.stage,
          value: s.count,
          label: { formatter: `{b}: ${s.count.toLocaleString('en-US')} (${top > 0 ? ((s.count / top) * 100).toFixed(1) : '0'} %)` },
        })),
      },
    ],
  };
}
