/**
 * Pre-aggregated order-line cubes, so a filter change on the period
 * comparisons reads a few thousand rows instead of every order line.
 *
 * - `crm_cube_day`: one row per day × filter dimension values × return flag,
 *   with revenue (sum of line amounts), lines and units. Sums are additive, so
 *   any selection of rows gives the same revenue as the lines behind it.
 * - `crm_cube_orders`: one row per day × the dimensions every order keeps on
 *   all its sales lines, with distinct orders. An order sits in exactly one
 *   row, so summing rows counts each order once; a dimension an order spans
 *   (an order of two categories) is left out of this cube, and a filter on it
 *   keeps the orders count on the base table.
 *
 * Distinct customers cannot be summed across days; every measure that counts
 * them stays on the base table. Dimensions resolve exactly as filters.ts does:
 * the order line's own column, else the customer's through `customer_id`.
 */
import type { TableInfo } from '../ingest/model.ts';
import { ident, litList } from '../lib/sql.ts';
import { asText, roleColumn } from './expr.ts';
import { orderLinesFacts } from './facts.ts';
import { DIMENSION_FILTERS, type DimensionFilter, type Filters } from './filters.ts';
import type { CustomKpi } from './compare.ts';

export const CUBE_LINES = 'crm_cube_day';
export const CUBE_ORDERS = 'crm_cube_orders';

/** Where a filter dimension of the order lines comes from. */
export type DimSource = 'own' | 'customer';

export interface CubeShape {
  orders: TableInfo;
  customers?: TableInfo;
  /** Dimensions a filter acts on for these orders (the others are ignored by every route alike). */
  dims: Partial<Record<DimensionFilter, DimSource>>;
}

/** Customer-level dimensions, as filters.ts looks them up. */
const CUSTOMER_LEVEL: ReadonlySet<DimensionFilter> = new Set(['segment', 'region', 'channel']);

/** The dimensions the filters can act on for `orders`, resolved as `filterClause` resolves them. */
export function cubeShape(orders: TableInfo, customers?: TableInfo): CubeShape {
  const lookup = customers && customers.name !== orders.name ? customers : undefined;
  const dims: CubeShape['dims'] = {};
  for (const d of DIMENSION_FILTERS) {
    if (roleColumn(orders, d)) dims[d] = 'own';
    else if (lookup && CUSTOMER_LEVEL.has(d) && roleColumn(orders, 'customer_id') && roleColumn(lookup, 'customer_id') && roleColumn(lookup, d)) dims[d] = 'customer';
  }
  return { orders, ...(lookup ? { customers: lookup } : {}), dims };
}

const dimCol = (d: DimensionFilter): string => ident(`dim_${d}`);

/**
 * Order lines (net, every line) with `dim_<d>` for each dimension of the
 * shape: the line's own text (as the filter compares it), else the
 * customer's, looked up by `customer_id` (NULL when no customer row has it).
 */
function linesWithDims(shape: CubeShape): string {
  const own = dimList(shape).filter((d) => shape.dims[d] === 'own');
  const theirs = dimList(shape).filter((d) => shape.dims[d] === 'customer');
  // Segment is not an order-line fact column: `by` adds the line's own as `grp` (no customers given, so never theirs).
  const facts = orderLinesFacts(shape.orders, own.includes('segment') ? { by: 'segment' } : {}).sql;
  const select = own.map((d) => `${d === 'segment' ? 'f.grp' : `f.${ident(d)}`} AS ${dimCol(d)}`);
  const c = shape.customers;
  if (theirs.length === 0 || !c) return `SELECT f.*${select.length ? `, ${select.join(', ')}` : ''} FROM (${facts}) AS f`;
  const id = roleColumn(c, 'customer_id')!;
  const lookup = `SELECT ${asText(id)} AS crm_cid, ${theirs.map((d) => `max(${asText(roleColumn(c, d)!)}) AS ${dimCol(d)}`).join(', ')} FROM ${ident(c.name)} GROUP BY 1`;
  return (
    `SELECT f.*${select.length ? `, ${select.join(', ')}` : ''}, ${theirs.map((d) => `k.${dimCol(d)}`).join(', ')} ` +
    `FROM (${facts}) AS f LEFT JOIN (${lookup}) AS k ON f.customer_id = k.crm_cid`
  );
}

/** A group's non-NULL values are not all the same. */
const differ = (x: string): string => `coalesce(min(${x}) <> max(${x}), false)`;

function dimList(shape: CubeShape): DimensionFilter[] {
  return DIMENSION_FILTERS.filter((d) => shape.dims[d] !== undefined);
}

/**
 * One row of checks: `dup_<d>` customers whose rows disagree on a
 * customer-level dimension (a filter on it would match such a customer under
 * either value, which one looked-up value cannot), `split_day` and
 * `split_<d>` orders whose sales lines span more than one value (NULL counts
 * as a value).
 */
export function cubeChecksSql(shape: CubeShape): string {
  const dims = dimList(shape);
  const parts: string[] = [];
  const c = shape.customers;
  const theirs = dims.filter((d) => shape.dims[d] === 'customer');
  if (c && theirs.length) {
    const id = asText(roleColumn(c, 'customer_id')!);
    // Two values or more: min and max differ (no set of values per customer, as count(DISTINCT) keeps).
    const per = theirs.map((d) => `${differ(asText(roleColumn(c, d)!))} AS d_${d}`).join(', ');
    parts.push(`(SELECT ${theirs.map((d) => `count(*) FILTER (WHERE d_${d}) AS dup_${d}`).join(', ')} FROM (SELECT ${per} FROM ${ident(c.name)} GROUP BY ${id}))`);
  }
  // The order's lines take two values or more, NULL counted as one: two values (min and max differ), or a value and
  // a NULL. Without count(DISTINCT), which keeps a set of values per order and column: at 10M lines (5M orders) the
  // check ran out of the tab's 3.1 GiB in the app while other pages' queries held memory.
  const spans = (x: string) => `(${differ(x)} OR (count(${x}) > 0 AND count(${x}) < count(*)))`;
  const cols = ['day', ...dims.map((d) => `dim_${d}`)];
  const per = cols.map((x) => `${spans(ident(x))} AS s_${x}`).join(', ');
  parts.push(
    `(SELECT ${cols.map((x) => `count(*) FILTER (WHERE s_${x}) AS split_${x.replace(/^dim_/, '')}`).join(', ')} ` +
    `FROM (SELECT ${per} FROM (${linesWithDims(shape)}) WHERE NOT is_return GROUP BY order_key))`,
  );
  return `SELECT * FROM ${parts.join(', ')}`;
}

/** What the checks allow. */
export interface CubeSpec {
  shape: CubeShape;
  /** Dimensions a filter may act on in `crm_cube_day` (a customer-level one whose customers disagree stays on the base table). */
  lineDims: DimensionFilter[];
  /** Dimensions of `crm_cube_orders`; null when orders span days (no orders cube). */
  orderDims: DimensionFilter[] | null;
}

/** The spec from `cubeChecksSql`'s row. */
export function readCubeChecks(shape: CubeShape, row: Record<string, unknown> | undefined): CubeSpec {
  const dims = dimList(shape);
  const n = (k: string) => Number(row?.[k] ?? 0);
  const lineDims = dims.filter((d) => shape.dims[d] !== 'customer' || n(`dup_${d}`) === 0);
  const orderDims = n('split_day') > 0 ? null : lineDims.filter((d) => n(`split_${d}`) === 0);
  return { shape, lineDims, orderDims };
}

/** The SELECT behind `crm_cube_day`: revenue, lines and units per day × dimensions × return flag. */
export function cubeLinesSql(spec: CubeSpec): string {
  const keys = ['day', ...spec.lineDims.map((d) => dimCol(d)), 'is_return'];
  return (
    `SELECT ${keys.join(', ')}, sum(amount) AS revenue, count(*) AS lines, sum(quantity) AS units ` +
    `FROM (${linesWithDims(spec.shape)}) GROUP BY ALL`
  );
}

/** The SELECT behind `crm_cube_orders`: distinct orders (sales lines) per day × order-level dimensions; null without one. */
export function cubeOrdersSql(spec: CubeSpec): string | null {
  if (!spec.orderDims) return null;
  const keys = ['day', ...spec.orderDims.map((d) => dimCol(d))];
  return `SELECT ${keys.join(', ')}, count(DISTINCT order_key) AS orders FROM (${linesWithDims(spec.shape)}) WHERE NOT is_return GROUP BY ALL`;
}

function active(values: readonly string[] | undefined): values is readonly string[] {
  return values !== undefined && values.length > 0;
}

/**
 * The filters as a condition on a cube's `dim_<d>` columns, or null when a
 * filter needs the base table: risk or value tiers (per-customer tables), or
 * a dimension the cube cannot split exactly. Dimensions the orders cannot be
 * filtered on are ignored, as on the base table; dates are the caller's.
 */
export function cubeWhere(spec: CubeSpec, dims: readonly DimensionFilter[], filters: Filters | undefined): string | null {
  const f = filters ?? {};
  if (active(f.risk) || active(f.valueTier)) return null;
  const parts: string[] = [];
  for (const d of DIMENSION_FILTERS) {
    const values = f[d];
    if (!active(values) || spec.shape.dims[d] === undefined) continue;
    if (!dims.includes(d)) return null;
    parts.push(`${dimCol(d)} IN (${litList(values)})`);
  }
  return parts.length ? parts.join(' AND ') : 'TRUE';
}

/** Period-comparison KPIs the cubes answer exactly. */
export type CubeKpi = 'revenue' | 'orders' | 'aov';

/**
 * A comparison KPI (compare.ts's `CustomKpi`) read from the cubes, or null
 * when the filters need the base table. Same values as compare.ts's own
 * revenue (sum of amounts; gross leaves return lines out), orders (distinct
 * orders among sales lines) and AOV (their ratio).
 */
export function cubeCompareKpi(spec: CubeSpec, kpi: CubeKpi, filters: Filters | undefined): CustomKpi | null {
  const lineWhere = cubeWhere(spec, spec.lineDims, filters);
  const revenue = lineWhere === null ? null : `SELECT day, revenue AS amount, 0 AS n FROM ${ident(CUBE_LINES)} WHERE ${lineWhere}${filters?.revenue === 'gross' ? ' AND NOT is_return' : ''}`;
  const orderWhere = spec.orderDims ? cubeWhere(spec, spec.orderDims, filters) : null;
  const orders = orderWhere === null ? null : `SELECT day, CAST(NULL AS DOUBLE) AS amount, orders AS n FROM ${ident(CUBE_ORDERS)} WHERE ${orderWhere}`;
  switch (kpi) {
    case 'revenue':
      return revenue ? { fact: revenue, value: 'sum(amount)', empty: 'zero' } : null;
    case 'orders':
      return orders ? { fact: orders, value: 'CAST(sum(n) AS BIGINT)', empty: 'zero' } : null;
    case 'aov':
      return revenue && orders ? { fact: `${revenue} UNION ALL ${orders}`, value: 'sum(amount) / nullif(CAST(sum(n) AS BIGINT), 0)', empty: 'null' } : null;
  }
}

// ---------------------------------------------------------------- the lines index (report/memory)

/** The day of an undated line in `linesIndexSql`: below every real day. */
export const NO_DAY = -2147483648;

/** Bits of `linesIndexSql`'s `flags`. */
export const LINE_FLAGS = { return: 1, noAmount: 2, noQuantity: 4, noCustomer: 8, noOrder: 16 } as const;

/** A line dimension's values, coded 1, 2, … in value order (0 is NULL in `linesIndexSql`); read from the lines cube. */
export function lineDimValuesSql(d: DimensionFilter): string {
  const c = dimCol(d);
  return `SELECT v, CAST(row_number() OVER (ORDER BY v) AS INTEGER) AS code FROM (SELECT DISTINCT ${c} AS v FROM ${ident(CUBE_LINES)} WHERE ${c} IS NOT NULL)`;
}

/**
 * Every order line (net: returns kept, as the facts give them) with no NULL
 * left, for the in-memory index (report/memory/lines.ts): `day` in days since
 * 1970-01-01 (`NO_DAY` when undated), `cid` and `okey` as text ('' when NULL,
 * said by `flags`), `amount` and `quantity` (0 when NULL, said by `flags`),
 * `dim_<d>` as `lineDimValuesSql`'s code for each line dimension of the spec.
 * In no order: the index sorts.
 */
export function linesIndexSql(spec: CubeSpec): string {
  const f = LINE_FLAGS;
  const flag = (cond: string, bit: number) => `CASE WHEN ${cond} THEN ${bit} ELSE 0 END`;
  const cols = [
    `coalesce(CAST(date_diff('day', DATE '1970-01-01', l.day) AS INTEGER), ${NO_DAY}) AS day`,
    `coalesce(l.customer_id, '') AS cid`,
    `coalesce(l.order_key, '') AS okey`,
    `CAST(${[flag('l.is_return', f.return), flag('l.amount IS NULL', f.noAmount), flag('l.quantity IS NULL', f.noQuantity), flag('l.customer_id IS NULL', f.noCustomer), flag('l.order_key IS NULL', f.noOrder)].join(' + ')} AS UTINYINT) AS flags`,
    `coalesce(CAST(l.amount AS DOUBLE), 0) AS amount`,
    `coalesce(CAST(l.quantity AS DOUBLE), 0) AS quantity`,
    // Narrow types: the read passes through DuckDB's WASM heap and the page's memory (about 10M lines at the most).
    ...spec.lineDims.map((d) => `CAST(coalesce(${ident(`k_${d}`)}.code, 0) AS INTEGER) AS ${dimCol(d)}`),
  ];
  const joins = spec.lineDims.map((d) => `LEFT JOIN (${lineDimValuesSql(d)}) AS ${ident(`k_${d}`)} ON l.${dimCol(d)} = ${ident(`k_${d}`)}.v`);
  return [`SELECT ${cols.join(', ')}`, `FROM (${linesWithDims(spec.shape)}) AS l`, ...joins].join('\n');
}
