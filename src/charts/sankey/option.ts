import type { ChartOption } from '../echarts.ts';
import { PALETTE } from '../palette.ts';
import type { Locale } from '../../i18n/index.ts';
import { tooltipNumber } from '../numbers.ts';

export interface FlowLink {
  /** Step of the source (1-based); the target is step + 1. */
  step: number;
  /** Touchpoint names; null: the touchpoints grouped as "other". */
  source: string | null;
  target: string | null;
  sessions: number;
}

export interface SankeyLabels {
  title: string;
  /** Name of the grouped touchpoints. */
  other: string;
  locale?: Locale;
}

/** A node's name: its step and touchpoint ("2. Product"), so a page seen again later is a new node and the graph has no cycles. */
export function stepNode(step: number, name: string | null, other: string): string {
  return `${step}. ${name ?? other}`;
}

/** Sessions flowing from step to step, left to right. */
export function sankeyOption(links: readonly FlowLink[], labels: SankeyLabels): ChartOption {
  const nodes = new Map<string, number>();
  const data = links.map((l) => {
    const source = stepNode(l.step, l.source, labels.other);
    const target = stepNode(l.step + 1, l.target, labels.other);
    nodes.set(source, l.step);
    nodes.set(target, l.step + 1);
    return { source, target, value: l.sessions };
  });
  return {
    // Black (the palette's last) would hide a node's label; yellow is too pale for a thin node.
    color: PALETTE.slice(0, 6),
    title: { text: labels.title, left: 0, textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'item', valueFormatter: tooltipNumber(labels.locale) },
    series: [
      {
        type: 'sankey',
        top: 40,
        bottom: 10,
        left: 10,
        right: 90,
        nodeGap: 8,
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'gradient', curveness: 0.5, opacity: 0.35 },
        label: { fontSize: 11 },
        data: [...nodes.keys()].map((name) => ({ name, depth: nodes.get(name)! - 1 })),
        links: data,
      },
    ],
  };
}
