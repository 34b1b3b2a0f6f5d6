/**
 * Which categorical roles a breakdown of the orders can use, and where each
 * lives: a breakdown needs a column to group by, not a `segment` column in
 * particular. Mirrors how facts.ts resolves `by`: the orders table's own
 * column first, else (for customer dimensions) the customers table's through
 * `customer_id`. Pure.
 */
import type { Role, TableInfo } from '../ingest/model.ts';
import { pickBreakdownColumn } from './overview.ts';
import type { SalesDimension } from './sales.ts';

/** Breakdown dimensions, in the order the default is picked: who the customer is, then where, how, what. */
export const BREAKDOWN_DIMS: readonly SalesDimension[] = ['segment', 'region', 'channel', 'category', 'product'];

/** Dimensions a customer has, found in the customers table when the orders lack them. */
const CUSTOMER_DIMS: ReadonlySet<Role> = new Set<Role>(['segment', 'region', 'channel']);

export interface DimChoice {
  dim: SalesDimension;
  /** Table and column the values come from (what the page names: "Breakdown by: Country"). */
  table: string;
  column: string;
  /** The column is in the customers table, reached through the orders' customer id. */
  viaCustomers: boolean;
}

/**
 * Every dimension the orders can be broken down by, in `BREAKDOWN_DIMS` order;
 * the first is the default. Empty without orders or without any such role.
 */
export function breakdownDims(orders: TableInfo | undefined, customers?: TableInfo): DimChoice[] {
  if (!orders) return [];
  const linked = customers && customers.name !== orders.name && orders.roles.customer_id !== undefined && customers.roles.customer_id !== undefined;
  const out: DimChoice[] = [];
  for (const dim of BREAKDOWN_DIMS) {
    const own = orders.roles[dim];
    if (own !== undefined) out.push({ dim, table: orders.name, column: own, viaCustomers: false });
    else if (linked && CUSTOMER_DIMS.has(dim) && customers.roles[dim] !== undefined) {
      out.push({ dim, table: customers.name, column: customers.roles[dim], viaCustomers: true });
    }
  }
  return out;
}

/** `wanted` when it is among `choices`, else the default (the first); undefined when there is none. */
export function pickDim(choices: readonly DimChoice[], wanted: SalesDimension | undefined): DimChoice | undefined {
  return choices.find((c) => c.dim === wanted) ?? choices[0];
}

/** Roles that name categories, offered as breakdowns whatever their number of values (the chart keeps the largest). */
const CATEGORY_ROLES: readonly Role[] = ['segment', 'region', 'city', 'channel', 'category', 'product', 'gender'];

/**
 * Every column a one-table breakdown (overview.ts `breakdownSql`) can use, best
 * first: the columns `pickBreakdownColumn` would pick, in the order it would
 * pick them, then any other column with a categorical role. `distinct` maps
 * column → distinct values, as for `pickBreakdownColumn`.
 */
export function breakdownColumns(table: TableInfo, distinct: Readonly<Record<string, number>>): string[] {
  const out: string[] = [];
  const left = { ...distinct };
  let t = table;
  for (let c = pickBreakdownColumn(t, left); c !== undefined && !out.includes(c); c = pickBreakdownColumn(t, left)) {
    out.push(c);
    delete left[c];
    if (t.roles.segment === c) {
      const roles = { ...t.roles };
      delete roles.segment;
      t = { ...t, roles };
    }
  }
  for (const role of CATEGORY_ROLES) {
    const c = table.roles[role];
    if (c !== undefined && !out.includes(c) && table.columns.some((col) => col.name === c)) out.push(c);
  }
  return out;
}
