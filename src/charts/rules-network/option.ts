import type { ChartOption } from '../echarts.ts';
import { BLUE, MUTED, ORANGE, TEXT } from '../palette.ts';

/** A rule as the network draws it: item labels and its measures. */
export interface NetworkRule {
  lhs: readonly string[];
  rhs: string;
  support: number;
  confidence: number;
  lift: number;
}

export interface RulesNetworkLabels {
  title: string;
  /** One line under the title saying what size and width mean. */
  legend: string;
  /** Series name, shown in the tooltip. */
  series: string;
}

/** Node sizes in pixels: the least and the most supported item. */
const MIN_SIZE = 10;
const MAX_SIZE = 34;
/** Longer item names are cut with an ellipsis (the tooltip has them whole). */
const LABEL_WIDTH = 96;

/**
 * The rules as a network: every item in a rule is a node sized by its support
 * (share of baskets holding it, √-scaled so area follows support), each rule
 * draws an arrow from every left-hand item to the right-hand item, weighted
 * by lift (the strongest rule when several join the same pair). Items that
 * are only ever recommended (right-hand sides) are orange, the rest blue.
 * `itemSupport` maps item → support (0–1); items missing from it get the
 * smallest size. Drawn on a circle, which needs a chart about 560 px tall.
 */
export function rulesNetworkOption(rules: readonly NetworkRule[], itemSupport: ReadonlyMap<string, number>, labels: RulesNetworkLabels): ChartOption {
  const edges = new Map<string, { source: string; target: string; lift: number }>();
  const asLhs = new Set<string>();
  const items: string[] = [];
  const seen = new Set<string>();
  const add = (item: string) => {
    if (!seen.has(item)) {
      seen.add(item);
      items.push(item);
    }
  };
  for (const r of rules) {
    for (const a of r.lhs) {
      add(a);
      asLhs.add(a);
      const key = JSON.stringify([a, r.rhs]);
      const cur = edges.get(key);
      if (!cur || r.lift > cur.lift) edges.set(key, { source: a, target: r.rhs, lift: r.lift });
    }
    add(r.rhs);
  }
  const supports = items.map((i) => itemSupport.get(i) ?? 0);
  const maxSupport = Math.max(0, ...supports);
  const lifts = [...edges.values()].map((e) => e.lift);
  const [lo, hi] = lifts.length ? [Math.min(...lifts), Math.max(...lifts)] : [1, 1];
  const width = (lift: number) => (hi > lo ? 1 + (4 * (lift - lo)) / (hi - lo) : 2);
  return {
    title: { text: labels.title, subtext: labels.legend, left: 0, textStyle: { fontSize: 14 }, subtextStyle: { color: MUTED, fontSize: 11 } },
    tooltip: { trigger: 'item', formatter: '{b}: {c}' },
    series: [
      {
        name: labels.series,
        type: 'graph',
        // Circular: deterministic, every item on screen, labels outward where they cross nothing.
        layout: 'circular',
        circular: { rotateLabel: true },
        // Room around the circle for the labels (at most LABEL_WIDTH) and, on top, for the title.
        top: 64 + LABEL_WIDTH,
        bottom: LABEL_WIDTH + 8,
        left: LABEL_WIDTH + 40,
        right: LABEL_WIDTH + 40,
        roam: true,
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 7,
        label: { show: true, position: 'right', fontSize: 11, color: TEXT, width: LABEL_WIDTH, overflow: 'truncate' },
        emphasis: { focus: 'adjacency', lineStyle: { width: 4 } },
        data: items.map((name, k) => ({
          name,
          // Support in percent, one decimal: the tooltip reads "item: 25.6".
          value: Math.round(supports[k]! * 1000) / 10,
          symbolSize: maxSupport > 0 ? MIN_SIZE + (MAX_SIZE - MIN_SIZE) * Math.sqrt(supports[k]! / maxSupport) : MIN_SIZE,
          itemStyle: { color: asLhs.has(name) ? BLUE : ORANGE },
        })),
        links: [...edges.values()].map((e) => ({
          source: e.source,
          target: e.target,
          value: Math.round(e.lift * 100) / 100,
          lineStyle: { width: width(e.lift), color: MUTED, opacity: 0.6, curveness: 0.2 },
        })),
      },
    ],
  };
}
