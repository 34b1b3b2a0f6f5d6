/**
 * Each kind of table as a normalized row set ("facts") with fixed column
 * names and types, global filters applied, and optionally a `grp` column to
 * break a measure down by. Measure builders start from these, so the casting
 * of dates, amounts and ids is written once.
 */
import type { Role, TableInfo } from '../ingest/model.ts';
import { ident } from '../lib/sql.ts';
import { asText, timestampExpr } from './common.ts';
import { churnFlagExpr, dateExpr, numberExpr, roleColumn } from './expr.ts';
import { filterClause, type FilterKey, type Filters } from './filters.ts';
import { returnLineExpr } from './measures.ts';

export interface FactOptions {
  filters?: Filters;
  /** Customers table, for filters and `by` dimensions that live there (segment, region, channel). */
  customers?: TableInfo;
  /** Role to break down by: the table's own column, else the customer's (through `customer_id`). Adds column `grp` (text). */
  by?: Role;
  /** Filters the builder handles itself. */
  skip?: readonly FilterKey[];
}

export interface Facts {
  /** A SELECT (no trailing semicolon) to use as a CTE body or subquery. */
  sql: string;
  ignored: FilterKey[];
  /** False when `by` was asked for but neither the table nor the customers table has that role (`grp` is then NULL). */
  byResolved: boolean;
}

const NULL_TEXT = 'CAST(NULL AS VARCHAR)';
const NULL_DOUBLE = 'CAST(NULL AS DOUBLE)';

/** Dimensions that belong to the customer and may be looked up in the customers table. */
const CUSTOMER_DIMENSIONS: ReadonlySet<Role> = new Set<Role>(['segment', 'region', 'channel', 'city', 'gender']);

function facts(table: TableInfo, dateRole: Role | null, columns: readonly (readonly [string, string])[], opts: FactOptions): Facts {
  const where = filterClause(table, opts.filters, { dateRole, ...(opts.customers ? { customers: opts.customers } : {}), ...(opts.skip ? { skip: opts.skip } : {}) });
  const select = columns.map(([alias, expr]) => `${expr} AS ${ident(alias)}`);
  const by = opts.by;
  let sql: string;
  let byResolved = by === undefined;
  const own = by ? roleColumn(table, by) : undefined;
  const cid = roleColumn(table, 'customer_id');
  const lookup = opts.customers && opts.customers.name !== table.name ? opts.customers : undefined;
  const lookupId = lookup && roleColumn(lookup, 'customer_id');
  const theirs = by && lookup && CUSTOMER_DIMENSIONS.has(by) ? roleColumn(lookup, by) : undefined;
  if (own) {
    select.push(`${asText(own)} AS grp`);
    byResolved = true;
  } else if (by && cid && lookup && lookupId && theirs) {
    select.push(`${asText(cid)} AS crm_lookup_id`);
    const inner = `SELECT ${select.join(', ')} FROM ${ident(table.name)} WHERE ${where.sql}`;
    const dims = `SELECT ${asText(lookupId)} AS crm_lookup_id, any_value(${asText(theirs)}) AS grp FROM ${ident(lookup.name)} GROUP BY 1`;
    sql = `SELECT f.* EXCLUDE (crm_lookup_id), d.grp FROM (${inner}) AS f LEFT JOIN (${dims}) AS d ON f.crm_lookup_id = d.crm_lookup_id`;
    return { sql, ignored: where.ignored, byResolved: true };
  } else if (by) {
    select.push(`${NULL_TEXT} AS grp`);
  }
  sql = `SELECT ${select.join(', ')} FROM ${ident(table.name)} WHERE ${where.sql}`;
  return { sql, ignored: where.ignored, byResolved };
}

function textOrNull(table: TableInfo, role: Role): string {
  const c = roleColumn(table, role);
  return c ? asText(c) : NULL_TEXT;
}

function numberOrNull(table: TableInfo, role: Role): string {
  const c = roleColumn(table, role);
  return c ? numberExpr(c) : NULL_DOUBLE;
}

function dateOrNull(table: TableInfo, role: Role): string {
  const c = roleColumn(table, role);
  return c ? dateExpr(c) : 'CAST(NULL AS DATE)';
}

function timestampOrNull(table: TableInfo, role: Role): string {
  const c = roleColumn(table, role);
  return c ? timestampExpr(c) : 'CAST(NULL AS TIMESTAMP)';
}

/** The product of an order line: its name (`product`), else its code (`sku`). */
function productExpr(orders: TableInfo): string {
  const c = roleColumn(orders, 'product') ?? roleColumn(orders, 'sku');
  return c ? asText(c) : NULL_TEXT;
}

/**
 * The amount of an order line: the `amount` role, else `quantity × unit_price`
 * less `discount` when those roles exist, else NULL.
 */
export function lineAmountExpr(orders: TableInfo): string {
  const amount = roleColumn(orders, 'amount');
  if (amount) return numberExpr(amount);
  const qty = roleColumn(orders, 'quantity');
  const price = roleColumn(orders, 'unit_price');
  if (!qty || !price) return NULL_DOUBLE;
  const discount = roleColumn(orders, 'discount');
  return `(${numberExpr(qty)} * ${numberExpr(price)}${discount ? ` - coalesce(${numberExpr(discount)}, 0)` : ''})`;
}

/** The line amount with returns as negatives: a return line whose amount was written positive (a status says so) counts minus. */
function signedAmountExpr(orders: TableInfo): string {
  const amount = lineAmountExpr(orders);
  const ret = returnLineExpr(orders);
  return ret === 'FALSE' ? amount : `CASE WHEN ${ret} THEN -abs(${amount}) ELSE ${amount} END`;
}

/**
 * What tells one order from another: `order_id`; without it, one order per
 * customer per day; without a customer either, each line is an order.
 */
export function orderKeyExpr(orders: TableInfo): string {
  const id = roleColumn(orders, 'order_id');
  if (id) return asText(id);
  const cid = roleColumn(orders, 'customer_id');
  const date = roleColumn(orders, 'order_date');
  if (cid && date) return `${asText(cid)} || '|' || CAST(${dateExpr(date)} AS VARCHAR)`;
  return `'row:' || CAST(rowid AS VARCHAR)`;
}

/**
 * Order lines: `customer_id` (text), `order_key` (text, see `orderKeyExpr`),
 * `day` (DATE of `order_date`), `amount` (see `lineAmountExpr`; negative on return lines), `quantity`,
 * `product` (name, else sku), `category`, `channel`, `region`, `payment_status` (text),
 * `due_date` (DATE), `is_return` (BOOLEAN, see measures.ts), and `grp` with `by`.
 * With `filters.revenue` = `gross`, return lines are left out.
 */
export function orderLinesFacts(orders: TableInfo, opts: FactOptions = {}): Facts {
  const f = facts(orders, 'order_date', [
    ['customer_id', textOrNull(orders, 'customer_id')],
    ['order_key', orderKeyExpr(orders)],
    ['day', dateOrNull(orders, 'order_date')],
    ['amount', signedAmountExpr(orders)],
    ['quantity', numberOrNull(orders, 'quantity')],
    ['product', productExpr(orders)],
    ['category', textOrNull(orders, 'category')],
    ['channel', textOrNull(orders, 'channel')],
    ['region', textOrNull(orders, 'region')],
    ['payment_status', textOrNull(orders, 'payment_status')],
    ['due_date', dateOrNull(orders, 'due_date')],
    ['is_return', returnLineExpr(orders)],
  ], opts);
  return opts.filters?.revenue === 'gross' ? { ...f, sql: `SELECT * FROM (${f.sql}) WHERE NOT is_return` } : f;
}

/**
 * Support tickets: `customer_id`, `ticket_key` (`ticket_id`, else the row),
 * `day` (DATE opened), `opened_at`, `first_response_at`, `closed_at`
 * (TIMESTAMPs), `category` (`ticket_category`), `satisfaction` (DOUBLE),
 * `status`, and `grp` with `by`.
 */
export function ticketFacts(tickets: TableInfo, opts: FactOptions = {}): Facts {
  const id = roleColumn(tickets, 'ticket_id');
  return facts(tickets, 'opened_at', [
    ['customer_id', textOrNull(tickets, 'customer_id')],
    ['ticket_key', id ? asText(id) : `'row:' || CAST(rowid AS VARCHAR)`],
    ['day', dateOrNull(tickets, 'opened_at')],
    ['opened_at', timestampOrNull(tickets, 'opened_at')],
    ['first_response_at', timestampOrNull(tickets, 'first_response_at')],
    ['closed_at', timestampOrNull(tickets, 'closed_at')],
    ['category', textOrNull(tickets, 'ticket_category')],
    ['satisfaction', numberOrNull(tickets, 'satisfaction')],
    ['status', textOrNull(tickets, 'status')],
  ], opts);
}

/**
 * Leads: `lead_key` (`lead_id`, else the row), `customer_id`, `day` (DATE
 * created), `won_day` (DATE of `won_at`), `channel`, `stage`, `value`, `owner`,
 * plus any extra columns asked for (by column name, as `extra_0`, `extra_1`…
 * DATEs), and `grp` with `by`.
 */
export function leadFacts(leads: TableInfo, opts: FactOptions = {}, extraDates: readonly string[] = []): Facts {
  const id = roleColumn(leads, 'lead_id');
  const extra = extraDates.map((name, i): [string, string] => {
    const type = (leads.columns.find((c) => c.name === name)?.type ?? 'VARCHAR').toUpperCase();
    return [`extra_${i}`, dateExpr({ name, type })];
  });
  return facts(leads, 'created_at', [
    ['lead_key', id ? asText(id) : `'row:' || CAST(rowid AS VARCHAR)`],
    ['customer_id', textOrNull(leads, 'customer_id')],
    ['day', dateOrNull(leads, 'created_at')],
    ['won_day', dateOrNull(leads, 'won_at')],
    ['channel', textOrNull(leads, 'channel')],
    ['stage', textOrNull(leads, 'stage')],
    ['value', numberOrNull(leads, 'value')],
    ['owner', textOrNull(leads, 'owner')],
    ...extra,
  ], opts);
}

/**
 * Customers: `customer_id`, `signup` (DATE), `segment`, `region`, `channel`,
 * `churned` (BOOLEAN, NULL when unknown), `credit_limit`, and `grp` with `by`.
 * Dates do not filter customers (`from`/`to` are skipped: a customer exists
 * whatever the analysis period).
 */
export function customerFacts(customers: TableInfo, opts: FactOptions = {}): Facts {
  const churn = roleColumn(customers, 'churn');
  return facts(customers, null, [
    ['customer_id', textOrNull(customers, 'customer_id')],
    ['signup', dateOrNull(customers, 'signup_date')],
    ['segment', textOrNull(customers, 'segment')],
    ['region', textOrNull(customers, 'region')],
    ['channel', textOrNull(customers, 'channel')],
    ['churned', churn ? churnFlagExpr(churn) : 'CAST(NULL AS BOOLEAN)'],
    ['credit_limit', numberOrNull(customers, 'credit_limit')],
  ], { ...opts, skip: [...(opts.skip ?? []), 'from', 'to'] });
}
