import type { ChartOption } from '../echarts.ts';
import { barsOption } from '../bars/option.ts';

export interface TopProductPoint {
  product: string;
  /** Baskets holding the product. */
  baskets: number;
}

export interface TopProductsLabels {
  title: string;
  baskets: string;
}

/**
 * The products most baskets hold, as horizontal bars, most first. A ranking:
 * the order is the message, so product names that look like a scale
 * ("Small", "Large") are not re-sorted.
 */
export function topProductsOption(data: readonly TopProductPoint[], labels: TopProductsLabels): ChartOption {
  return barsOption(
    data.map((d) => d.product),
    [{ name: labels.baskets, values: data.map((d) => d.baskets) }],
    { title: labels.title, horizontal: true, order: 'given' },
  );
}
