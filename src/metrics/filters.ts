/**
 * The global filters every chart applies (date range, segment, region,
 * channel, category), turned into a WHERE condition for one table from its
 * roles. A filter the table has no column for is reported as ignored, never
 * guessed.
 */
import type { Role, TableInfo, TableKind } from '../ingest/model.ts';
import { ident, litList } from '../lib/sql.ts';
import { asText, dateExpr, dateLiteral, roleColumn } from './expr.ts';
import type { RevenueBasis } from './measures.ts';

export interface Filters {
  /** First day included, `YYYY-MM-DD`. */
  from?: string;
  /** Last day included, `YYYY-MM-DD`. */
  to?: string;
  /** Values kept; an empty or missing list keeps everything. Compared as text. */
  segment?: string[];
  region?: string[];
  channel?: string[];
  category?: string[];
  /**
   * Churn risk tiers (high / medium / low) from the scores the model lab saves as
   * table `churn_scores` (columns `customer`, `risk_tier`): keeps rows whose customer is in them.
   */
  risk?: string[];
  /**
   * Value × risk tiers (important / potential / ordinary / low_value) from the table the
   * Customer value page saves as `customer_value` (columns `customer_id`, `tier`).
   */
  valueTier?: string[];
  /**
   * Net revenue (default: return and cancellation lines count, as negatives) or gross (sales lines
   * only: return lines are left out of every order-line measure). See measures.ts.
   */
  revenue?: RevenueBasis;
}

/** The table the model lab writes scored customers to. */
export const RISK_TABLE = 'churn_scores';
/** The table the Customer value page writes per-customer value and tiers to. */
export const VALUE_TABLE = 'customer_value';

export type FilterKey = keyof Filters;
export type DimensionFilter = 'segment' | 'region' | 'channel' | 'category';
export const DIMENSION_FILTERS: readonly DimensionFilter[] = ['segment', 'region', 'channel', 'category'];

/** The date role `from`/`to` bound, per table kind; customers are not date-filtered by default. */
export const DATE_ROLE: Partial<Record<TableKind, Role>> = { orders: 'order_date', tickets: 'opened_at', leads: 'created_at' };

/** Dimensions a table without the column can still be filtered on through its customers. */
const CUSTOMER_LEVEL: ReadonlySet<DimensionFilter> = new Set(['segment', 'region', 'channel']);

export interface FilterOptions {
  /** Role `from`/`to` bound; default from the table's kind (`DATE_ROLE`); `null`: no date filter here. */
  dateRole?: Role | null;
  /**
   * The customers table. A table without its own segment, region or channel
   * column but with `customer_id` is filtered to the customers whose row in
   * this table matches.
   */
  customers?: TableInfo;
  /** Filters the caller applies itself (or deliberately not at all); neither applied nor reported. */
  skip?: readonly FilterKey[];
}

export interface FilterClause {
  /** A boolean SQL condition over the table's own columns (unqualified); `TRUE` when nothing applies. */
  sql: string;
  applied: FilterKey[];
  /** Filters that were set but have no column to act on in this table. */
  ignored: FilterKey[];
}

function active(values: readonly string[] | undefined): values is readonly string[] {
  return values !== undefined && values.length > 0;
}

/**
 * The filters as one condition on `table`:
 * - `from`/`to`: the date role (`opts.dateRole`, else by kind) between them,
 *   both days included, whatever the column's type (see `dateExpr`).
 * - segment/region/channel/category: the role's value, as text, in the list.
 *   When the table lacks segment, region or channel but has `customer_id`,
 *   and `opts.customers` has that role, rows are kept whose customer matches
 *   there. (So an order's own `channel` wins over the customer's sign-up channel.)
 */
export function filterClause(table: TableInfo, filters: Filters | undefined, opts: FilterOptions = {}): FilterClause {
  const parts: string[] = [];
  const applied: FilterKey[] = [];
  const ignored: FilterKey[] = [];
  const skip = new Set(opts.skip ?? []);
  const f = filters ?? {};

  const dateRole = opts.dateRole === undefined ? DATE_ROLE[table.kind] : opts.dateRole;
  const date = dateRole ? roleColumn(table, dateRole) : undefined;
  for (const [key, op] of [['from', '>='], ['to', '<=']] as const) {
    const value = f[key];
    if (value === undefined || skip.has(key)) continue;
    const bound = dateLiteral(value, `"${key}" filter date`);
    if (!date) {
      ignored.push(key);
      continue;
    }
    parts.push(`${dateExpr(date)} ${op} ${bound}`);
    applied.push(key);
  }

  const customerId = roleColumn(table, 'customer_id');
  const lookup = opts.customers && opts.customers.name !== table.name ? opts.customers : undefined;
  const lookupId = lookup && roleColumn(lookup, 'customer_id');
  for (const key of DIMENSION_FILTERS) {
    const values = f[key];
    if (!active(values) || skip.has(key)) continue;
    const own = roleColumn(table, key);
    const theirs = lookup && CUSTOMER_LEVEL.has(key) ? roleColumn(lookup, key) : undefined;
    if (own) {
      parts.push(`${asText(own)} IN (${litList(values)})`);
    } else if (customerId && lookup && lookupId && theirs) {
      parts.push(`${asText(customerId)} IN (SELECT ${asText(lookupId)} FROM ${ident(lookup.name)} WHERE ${asText(theirs)} IN (${litList(values)}))`);
    } else {
      ignored.push(key);
      continue;
    }
    applied.push(key);
  }
  if (active(f.risk) && !skip.has('risk')) {
    if (customerId) {
      parts.push(`${asText(customerId)} IN (SELECT CAST(customer AS VARCHAR) FROM ${ident(RISK_TABLE)} WHERE risk_tier IN (${litList(f.risk)}))`);
      applied.push('risk');
    } else {
      ignored.push('risk');
    }
  }
  if (active(f.valueTier) && !skip.has('valueTier')) {
    if (customerId) {
      parts.push(`${asText(customerId)} IN (SELECT CAST(customer_id AS VARCHAR) FROM ${ident(VALUE_TABLE)} WHERE tier IN (${litList(f.valueTier)}))`);
      applied.push('valueTier');
    } else {
      ignored.push('valueTier');
    }
  }
  return { sql: parts.length > 0 ? parts.join(' AND ') : 'TRUE', applied, ignored };
}

/**
 * `expr` (a DATE) within `filters.from`/`filters.to`, both days included;
 * `TRUE` when neither is set. For builders that apply the date range
 * themselves (e.g. after computing first orders over all dates).
 */
export function dateRangeCondition(filters: Filters | undefined, expr: string): string {
  const parts: string[] = [];
  if (filters?.from !== undefined) parts.push(`${expr} >= ${dateLiteral(filters.from, '"from" filter date')}`);
  if (filters?.to !== undefined) parts.push(`${expr} <= ${dateLiteral(filters.to, '"to" filter date')}`);
  return parts.length > 0 ? parts.join(' AND ') : 'TRUE';
}
