/**
 * Orders without customers: market baskets (a `baskets` table from a basket
 * file, or an orders table with an order id and a product but neither a
 * customer id nor an amount, e.g. a bakery's till roll). Their overview is
 * baskets, items per basket, distinct products and the products most baskets
 * hold. Builders are pure.
 */
import { isMissingSql } from '../ingest/markers.ts';
import type { TableInfo } from '../ingest/model.ts';
import { ident } from '../lib/sql.ts';
import { asText } from './common.ts';
import { roleColumn } from './expr.ts';

/**
 * The table to read as baskets, if any: the first `baskets` table with an
 * order id and a product; else the first orders table with both and without
 * `customer_id`, `amount` and `quantity` × `unit_price` (an orders table that
 * knows who bought or what was paid has the usual overview).
 */
export function basketTable(tables: readonly TableInfo[]): TableInfo | undefined {
  const shaped = (t: TableInfo) => t.roles.order_id !== undefined && t.roles.product !== undefined;
  return (
    tables.find((t) => t.kind === 'baskets' && shaped(t)) ??
    tables.find(
      (t) =>
        t.kind === 'orders' &&
        shaped(t) &&
        t.roles.customer_id === undefined &&
        t.roles.amount === undefined &&
        !(t.roles.quantity !== undefined && t.roles.unit_price !== undefined),
    )
  );
}

/**
 * One row per line with an order id: `basket` (text) and `item` (text; NULL
 * when the product is empty or a "no value" marker such as `NONE`, `N/A`, `-`
 * — bakery tills write `NONE` for a line without an item).
 */
function linesSql(table: TableInfo): string {
  const id = roleColumn(table, 'order_id');
  const product = roleColumn(table, 'product');
  if (!id || !product) throw new Error(`Table ${table.name} needs an order id and a product to be read as baskets`);
  const text = asText(product);
  return (
    `SELECT ${asText(id)} AS basket, CASE WHEN ${text} IS NULL OR ${isMissingSql(text)} THEN NULL ELSE ${text} END AS item ` +
    `FROM ${ident(table.name)} WHERE ${ident(id.name)} IS NOT NULL`
  );
}

/** The row of `basketSummarySql`. */
export interface BasketSummary {
  baskets: number;
  /** Baskets none of whose lines names an item. */
  empty_baskets: number;
  /** Lines naming an item. */
  item_lines: number;
  /** Lines with an order id but no item (empty or a missing marker). */
  lines_without_item: number;
  products: number;
  /** Item lines per basket, over baskets with an item (NULL when none has). */
  mean_items: number | null;
  median_items: number | null;
}

/**
 * One row: `baskets` (distinct order ids), `empty_baskets`, `item_lines`,
 * `lines_without_item`, `products` (distinct items), `mean_items` and
 * `median_items` (item lines per basket with at least one item; the median
 * interpolates, `quantile_cont`). Lines without an order id are left out.
 */
export function basketSummarySql(table: TableInfo): string {
  return [
    `WITH l AS (${linesSql(table)}),`,
    'b AS (SELECT basket, count(item) AS n FROM l GROUP BY basket)',
    'SELECT (SELECT count(*) FROM b) AS baskets,',
    '  (SELECT count(*) FROM b WHERE n = 0) AS empty_baskets,',
    '  (SELECT count(item) FROM l) AS item_lines,',
    '  (SELECT count(*) - count(item) FROM l) AS lines_without_item,',
    '  (SELECT count(DISTINCT item) FROM l) AS products,',
    '  (SELECT avg(n) FROM b WHERE n > 0) AS mean_items,',
    '  (SELECT CAST(quantile_cont(n, 0.5) AS DOUBLE) FROM b WHERE n > 0) AS median_items',
  ].join('\n');
}

/** One row of `topProductsSql`. */
export interface TopProductRow {
  product: string;
  /** Baskets holding the product at least once. */
  baskets: number;
  /** Of all baskets with an order id. */
  basket_share: number;
  lines: number;
}

/**
 * The `limit` products most baskets hold: `product`, `baskets`,
 * `basket_share` (of all baskets) and `lines`. Largest first; ties by lines,
 * then name.
 */
export function topProductsSql(table: TableInfo, limit = 15): string {
  const n = Math.max(1, Math.trunc(limit));
  return [
    `WITH l AS (${linesSql(table)})`,
    'SELECT item AS product, count(DISTINCT basket) AS baskets,',
    '  count(DISTINCT basket) / (SELECT count(DISTINCT basket) FROM l) AS basket_share, count(*) AS lines',
    'FROM l WHERE item IS NOT NULL GROUP BY item',
    `ORDER BY baskets DESC, lines DESC, product LIMIT ${n}`,
  ].join('\n');
}
