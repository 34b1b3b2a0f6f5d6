import type { ChartOption } from '../echarts.ts';
import { PALETTE } from '../palette.ts';

export interface FunnelStep {
  /** What the user reads: the step in words. */
  stage: string;
  count: number;
  /** The column (or stage value) behind the step, shown in the tooltip. */
  column?: string;
}

export interface FunnelLabels {
  title: string;
  /** Counts as the page writes them (the locale's formatter); default en-US grouping. */
  count?: (n: number) => string;
  /** Shares of the first step; default "12.3 %". */
  share?: (s: number) => string;
  /** Tooltip line before the column name, e.g. "Column". */
  column?: string;
}

/** Funnel stages in order, each labelled with its count and its share of the first stage; the tooltip names the column behind a step. */
export function funnelOption(steps: readonly FunnelStep[], labels: FunnelLabels): ChartOption {
  const top = steps[0]?.count ?? 0;
  const count = labels.count ?? ((n: number) => n.toLocaleString('en-US'));
  const share = labels.share ?? ((s: number) => `${(s * 100).toFixed(1)} %`);
  const text = (s: FunnelStep) => `${count(s.count)} (${share(top > 0 ? s.count / top : 0)})`;
  const byName = new Map(steps.map((s) => [s.stage, s]));
  return {
    color: [...PALETTE],
    title: { text: labels.title, left: 0, textStyle: { fontSize: 14 } },
    tooltip: {
      trigger: 'item',
      formatter: (p: unknown) => {
        const s = byName.get(String((p as { name?: unknown }).name));
        if (!s) return '';
        const esc = (v: string) => v.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
        return `${esc(s.stage)}: ${esc(text(s))}${s.column && s.column !== s.stage ? `<br/>${esc(labels.column ?? 'Column')}: ${esc(s.column)}` : ''}`;
      },
    },
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
        data: steps.map((s) => ({ name: s.stage, value: s.count, label: { formatter: `{b}: ${text(s).replace(/[{}|]/g, '')}` } })),
      },
    ],
  };
}
