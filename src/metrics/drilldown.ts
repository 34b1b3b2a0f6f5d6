/**
 * Drill-down: who is behind one bar, row or cell of the analytics page. One
 * row per customer (or per lead, for the funnels) under the global filters,
 * with what the workspace knows about them. Each selection lists exactly the
 * population its measure counted:
 *
 * | selection | measure it matches |
 * |---|---|
 * | `status` | `customerStatusSql` (one status bar) |
 * | `tier` | `tierSummarySql` (one tier row) |
 * | `cohort` | `cohortRetentionSql` (one cell: cohort × months since) |
 * | `funnel_step` | `funnelSql` (leads that reached a step) |
 * | `lead_deal` | `leadDealFunnelSql` (all leads, or those with / without a deal) |
 * | `filtered` | customers with an order line under the filters (`scopeTotalsSql`'s `customers`); without orders, the customers table |
 * | `customers` | an explicit id list (e.g. a k-means cluster), kept to those `filtered` would list |
 *
 * The per-customer columns (orders, revenue, first and last order) are the
 * customer's order lines under the filters (date range and dimensions), the
 * same lines the tiers score; `status` and `tier` are the customer's own
 * status bar and tier row. Every row carries `total_rows`, the count before
 * `limit`, so one query gives the list and its size.
 */
import type { TableInfo } from '../ingest/model.ts';
import { ident, lit, litList } from '../lib/sql.ts';
import { csvText } from '../lib/csv.ts';
import type { Row } from '../db/types.ts';
import { asText, built, dateLiteral, ignoredByAll, missing, positiveInt, unavailable, type MetricQuery } from './common.ts';
import { churnFlagExpr, dateExpr, roleColumn } from './expr.ts';
import { leadFacts, orderLinesFacts } from './facts.ts';
import { basisMeasures, hasRevenue, SALES_MEASURES } from './measures.ts';
import { dateRangeCondition, filterClause, type FilterKey, type Filters } from './filters.ts';
import type { FunnelStages } from './funnel.ts';
import { customerTiersSql, type Tier } from './tiers.ts';

export type CustomerStatus = 'active' | 'dormant' | 'churned' | 'no_orders';
export const CUSTOMER_STATUSES: readonly CustomerStatus[] = ['active', 'dormant', 'churned', 'no_orders'];

export type DrillSelection =
  | { kind: 'filtered' }
  | { kind: 'status'; status: CustomerStatus }
  | { kind: 'tier'; tier: Tier }
  /** `cohort`: the first day of the cohort month, `YYYY-MM-DD` (as `cohortRetentionSql` returns it). */
  | { kind: 'cohort'; cohort: string; monthsSince: number }
  | { kind: 'customers'; ids: readonly string[] }
  /** Leads that reached step `step` (0 = every lead) of `stages`. */
  | { kind: 'funnel_step'; stages: FunnelStages; step: number }
  /** Leads of the two-table funnel: with a deal (`true`), without (`false`), or all (`null`). */
  | { kind: 'lead_deal'; converted: boolean | null };

export interface DrillTables {
  orders?: TableInfo | undefined;
  customers?: TableInfo | undefined;
  leads?: TableInfo | undefined;
  /** Closed deals, joined to `leads` by `lead_id`. */
  deals?: TableInfo | undefined;
}

export interface DrillOptions {
  /** `YYYY-MM-DD`, as the measures' as-of day. Needed for `status` and `tier`, and for the status and tier columns. */
  asOf?: string | undefined;
  /** Most rows returned (largest revenue first); `total_rows` still counts them all. Omit for every row. */
  limit?: number | undefined;
  /** As in `customerStatusSql`: defaults 90 and 180. */
  activeDays?: number;
  churnDays?: number;
}

const ACTIVE_DAYS = 90;
const CHURN_DAYS = 180;
const NO_ROWS = `SELECT CAST(NULL AS VARCHAR) AS customer_id WHERE FALSE`;

function limitClause(limit: number | undefined): string {
  return limit === undefined ? '' : `LIMIT ${positiveInt(limit, 'limit')}`;
}

/**
 * The rows behind `selection` (see the module comment), largest revenue first
 * (then most orders, then id) for customers; by creation day then id for
 * leads. Customer columns: `customer_id`, then where known `name`, `segment`,
 * `region`, `channel` (from the customers table, else the customer's most
 * frequent value on the order lines), `churned` (the customers table's churn
 * flag), `orders`, `revenue`, `first_order`, `last_order`, `status`, `tier`.
 * Lead columns: `lead_id`, then where known `customer_id`, `channel`,
 * `created`, `furthest_step` or `won`, `days_to_deal`, `owner`. Always
 * `total_rows` last.
 */
export function drilldownSql(tables: DrillTables, selection: DrillSelection, filters: Filters = {}, opts: DrillOptions = {}): MetricQuery {
  if (selection.kind === 'funnel_step') return funnelStepSql(tables, selection.stages, selection.step, filters, opts);
  if (selection.kind === 'lead_deal') return leadDealSql(tables, selection.converted, filters, opts);
  return customerListSql(tables, selection, filters, opts);
}

// ---------------------------------------------------------------- customers

type CustomerSelection = Exclude<DrillSelection, { kind: 'funnel_step' } | { kind: 'lead_deal' }>;

function customerListSql(tables: DrillTables, selection: CustomerSelection, filters: Filters, opts: DrillOptions): MetricQuery {
  const { customers } = tables;
  const orders = tables.orders && roleColumn(tables.orders, 'customer_id') ? tables.orders : undefined;
  if (!orders && !customers) return unavailable({ reason: 'no_table', kind: 'customers' });
  if (customers) {
    const m = missing(customers, 'customers', ['customer_id']);
    if (m) return unavailable(m);
  }
  const needsOrders = selection.kind !== 'filtered' && selection.kind !== 'customers';
  if (needsOrders) {
    const m = missing(tables.orders, 'orders', ['customer_id', 'order_date']);
    if (m) return unavailable(m);
  }
  const dated = orders !== undefined && roleColumn(orders, 'order_date') !== undefined;
  const asOf = opts.asOf !== undefined ? dateLiteral(opts.asOf, 'as-of date') : undefined;
  if ((selection.kind === 'status' || selection.kind === 'tier') && !asOf) throw new Error(`A ${selection.kind} drill-down needs an as-of date`);
  const lookup = customers ? { customers } : {};
  const ctes: string[] = [];
  const ignored: FilterKey[][] = [];

  // The customers table, one row per id, dimension filters applied (dates do not select customers, as in customerFacts).
  if (customers) {
    const where = filterClause(customers, filters, { dateRole: null });
    ignored.push(where.ignored.filter((k) => k !== 'from' && k !== 'to'));
    const text = (role: 'name' | 'segment' | 'region' | 'channel') => {
      const c = roleColumn(customers, role);
      return c ? `any_value(${asText(c)}) AS ${role}` : `CAST(NULL AS VARCHAR) AS ${role}`;
    };
    const churn = roleColumn(customers, 'churn');
    const signup = roleColumn(customers, 'signup_date');
    const id = asText(roleColumn(customers, 'customer_id')!);
    ctes.push(
      [
        `cu AS (SELECT ${id} AS customer_id, ${text('name')}, ${text('segment')}, ${text('region')}, ${text('channel')},`,
        `  ${churn ? `bool_or(${churnFlagExpr(churn)})` : 'CAST(NULL AS BOOLEAN)'} AS churned, ${signup ? `min(${dateExpr(signup)})` : 'CAST(NULL AS DATE)'} AS signup`,
        `  FROM ${ident(customers.name)} WHERE ${id} IS NOT NULL AND ${where.sql} GROUP BY 1)`,
      ].join('\n'),
    );
  }
  if (orders) {
    const o = orderLinesFacts(orders, { filters, ...lookup });
    ignored.push(o.ignored);
    ctes.push(`o AS (${o.sql})`);
    ctes.push(
      [
        `act AS (SELECT customer_id, ${SALES_MEASURES.orders} AS orders, CAST(sum(amount) AS DOUBLE) AS revenue, min(day) AS first_order, max(day) AS last_order,`,
        `  mode(region) AS region, mode(channel) AS channel FROM o WHERE customer_id IS NOT NULL GROUP BY customer_id)`,
      ].join('\n'),
    );
  }
  const withStatus = orders !== undefined && dated && asOf !== undefined;
  if (withStatus) {
    // customerStatusSql: all dates up to as-of (the date filter chooses who is new, not who exists).
    const so = orderLinesFacts(orders, { filters, ...lookup, skip: ['from', 'to'] });
    const activeDays = positiveInt(opts.activeDays ?? ACTIVE_DAYS, 'activeDays');
    const churnDays = positiveInt(opts.churnDays ?? CHURN_DAYS, 'churnDays');
    if (churnDays <= activeDays) throw new Error(`churnDays (${churnDays}) must be greater than activeDays (${activeDays})`);
    ctes.push(`so AS (${so.sql})`);
    ctes.push(`seen AS (SELECT customer_id, max(day) AS last_any FROM so WHERE customer_id IS NOT NULL AND day <= ${asOf} GROUP BY customer_id)`);
    ctes.push(
      customers
        ? `pop AS (SELECT cu.customer_id, seen.last_any FROM cu LEFT JOIN seen ON seen.customer_id = cu.customer_id WHERE cu.signup IS NULL OR cu.signup <= ${asOf})`
        : `pop AS (SELECT customer_id, last_any FROM seen)`,
    );
    ctes.push(
      [
        `st AS (SELECT customer_id, CASE WHEN last_any IS NULL THEN 'no_orders'`,
        `  WHEN date_diff('day', last_any, ${asOf}) <= ${activeDays} THEN 'active'`,
        `  WHEN date_diff('day', last_any, ${asOf}) <= ${churnDays} THEN 'dormant' ELSE 'churned' END AS status FROM pop)`,
      ].join('\n'),
    );
  }
  let withTier = false;
  if (withStatus && opts.asOf !== undefined) {
    const t = customerTiersSql({ orders, ...lookup, asOf: opts.asOf, filters });
    if (t.ok) {
      withTier = true;
      ctes.push(`tr AS (${t.sql})`);
    } else if (selection.kind === 'tier') {
      return t;
    }
  }

  const filteredMembers = orders ? `SELECT DISTINCT customer_id FROM o WHERE customer_id IS NOT NULL` : `SELECT customer_id FROM cu`;
  let members: string;
  switch (selection.kind) {
    case 'filtered':
      members = filteredMembers;
      break;
    case 'customers':
      members =
        selection.ids.length === 0
          ? NO_ROWS
          : `SELECT DISTINCT customer_id FROM (SELECT unnest([${litList(selection.ids)}]) AS customer_id) WHERE customer_id IN (${filteredMembers})`;
      break;
    case 'status':
      if (!(['active', 'dormant', 'churned', 'no_orders'] as const).includes(selection.status)) throw new Error(`Unknown customer status "${String(selection.status)}"`);
      members = `SELECT customer_id FROM st WHERE status = ${lit(selection.status)}`;
      break;
    case 'tier':
      members = `SELECT customer_id FROM tr WHERE tier = ${lit(selection.tier)}`;
      break;
    case 'cohort': {
      const cohort = dateLiteral(selection.cohort, 'cohort month');
      if (!Number.isInteger(selection.monthsSince) || selection.monthsSince < 0) throw new Error(`monthsSince must be a whole number ≥ 0, got ${selection.monthsSince}`);
      // cohortRetentionSql: cohort = month of the first-ever order (all dates); the cell counts those who ordered that many months later.
      const month = (e: string) => `CAST(date_trunc('month', ${e}) AS DATE)`;
      const co = orderLinesFacts(orders!, { filters, ...lookup, skip: ['from', 'to'] });
      ctes.push(`co AS (SELECT * FROM (${co.sql}) WHERE customer_id IS NOT NULL AND day IS NOT NULL)`);
      ctes.push(`firsts AS (SELECT customer_id, min(day) AS first_day FROM co GROUP BY customer_id)`);
      members = [
        `SELECT f.customer_id FROM firsts AS f`,
        `  WHERE ${month('f.first_day')} = ${cohort} AND ${dateRangeCondition(filters, 'f.first_day')}`,
        `  AND EXISTS (SELECT 1 FROM co WHERE co.customer_id = f.customer_id AND ${dateRangeCondition(filters, 'co.day')}`,
        `    AND date_diff('month', ${cohort}, ${month('co.day')}) = ${selection.monthsSince})`,
      ].join('\n');
      break;
    }
  }
  ctes.push(`members AS (${members})`);

  const hasAmount = orders !== undefined && hasRevenue(orders);
  const cols = ['m.customer_id'];
  if (customers?.roles.name) cols.push('cu.name');
  for (const dim of ['segment', 'region', 'channel'] as const) {
    if (customers?.roles[dim]) cols.push(`cu.${dim}`);
    else if (orders && dim !== 'segment' && orders.roles[dim]) cols.push(`act.${dim}`);
  }
  if (customers?.roles.churn) cols.push('cu.churned');
  if (orders) {
    cols.push('coalesce(act.orders, 0) AS orders');
    if (hasAmount) cols.push('act.revenue');
    if (dated) cols.push('act.first_order', 'act.last_order');
  }
  if (withStatus) cols.push('st.status');
  if (withTier) cols.push('tr.tier');
  cols.push('count(*) OVER () AS total_rows');
  const joins = [
    customers ? `LEFT JOIN cu ON cu.customer_id = m.customer_id` : '',
    orders ? `LEFT JOIN act ON act.customer_id = m.customer_id` : '',
    withStatus ? `LEFT JOIN st ON st.customer_id = m.customer_id` : '',
    withTier ? `LEFT JOIN tr ON tr.customer_id = m.customer_id` : '',
  ].filter((j) => j !== '');
  const order = orders ? `${hasAmount ? 'act.revenue DESC NULLS LAST, ' : ''}act.orders DESC NULLS LAST, m.customer_id` : 'm.customer_id';
  const sql = [
    `WITH ${ctes.join(',\n')}`,
    `SELECT ${cols.join(', ')}`,
    `FROM members AS m`,
    ...joins,
    `ORDER BY ${order}`,
    limitClause(opts.limit),
  ].filter((l) => l !== '').join('\n');
  return built(sql, ignoredByAll(...ignored));
}

// ---------------------------------------------------------------- leads

function funnelStepSql(tables: DrillTables, stages: FunnelStages, step: number, filters: Filters, opts: DrillOptions): MetricQuery {
  const { leads } = tables;
  if (!leads) return unavailable({ reason: 'no_table', kind: 'leads' });
  const n = stages.kind === 'stage_column' ? stages.values.length : stages.columns.length;
  if (!Number.isInteger(step) || step < 0 || step >= n) throw new Error(`Funnel step must be 0…${n - 1}, got ${step}`);
  const labels = stages.labels ?? (stages.kind === 'stage_column' ? stages.values : stages.columns);
  // The same "furthest step reached" as funnelSql.
  let reached: string;
  let extra: readonly string[] = [];
  if (stages.kind === 'stage_column') {
    const m = missing(leads, 'leads', ['stage']);
    if (m) return unavailable(m);
    reached = `coalesce(list_position([${litList(stages.values.map((v) => v.trim().toLowerCase()))}], lower(trim(stage))), 1) - 1`;
  } else {
    extra = stages.columns;
    const k = stages.columns.map((_, i) => i).filter((i) => i > 0).reverse();
    reached = `CASE ${k.map((i) => `WHEN extra_${i} IS NOT NULL THEN ${i}`).join(' ')} ELSE 0 END`;
  }
  const l = leadFacts(leads, { filters, ...(tables.customers ? { customers: tables.customers } : {}) }, extra);
  const cols = ['lead_key AS lead_id'];
  if (leads.roles.customer_id) cols.push('customer_id');
  if (leads.roles.channel) cols.push('channel');
  if (leads.roles.created_at) cols.push('day AS created');
  cols.push(`list_extract([${litList(labels)}], reached + 1) AS furthest_step`);
  if (leads.roles.owner) cols.push('owner');
  cols.push('count(*) OVER () AS total_rows');
  const sql = [
    `WITH l AS (${l.sql}),`,
    `r AS (SELECT *, ${reached} AS reached FROM l)`,
    `SELECT ${cols.join(', ')}`,
    `FROM r WHERE reached >= ${step}`,
    `ORDER BY day NULLS LAST, lead_key`,
    limitClause(opts.limit),
  ].filter((x) => x !== '').join('\n');
  return built(sql, l.ignored);
}

function leadDealSql(tables: DrillTables, converted: boolean | null, filters: Filters, opts: DrillOptions): MetricQuery {
  const { leads, deals } = tables;
  const ml = missing(leads, 'leads', ['lead_id']);
  if (ml) return unavailable(ml);
  const md = missing(deals, 'leads', ['lead_id']);
  if (md) return unavailable(md);
  const l = leadFacts(leads!, { filters, ...(tables.customers ? { customers: tables.customers } : {}) });
  const d = leadFacts(deals!);
  const keep = converted === null ? 'TRUE' : converted ? 'd.lead_key IS NOT NULL' : 'd.lead_key IS NULL';
  const cols = ['l.lead_key AS lead_id'];
  if (leads!.roles.channel) cols.push('l.channel');
  if (leads!.roles.created_at) cols.push('l.day AS created');
  if (converted !== false) {
    cols.push('d.won_day AS won');
    if (leads!.roles.created_at) cols.push(`CASE WHEN d.won_day >= l.day THEN date_diff('day', l.day, d.won_day) END AS days_to_deal`);
    if (deals!.roles.owner) cols.push('d.owner');
  }
  cols.push('count(*) OVER () AS total_rows');
  // leadDealFunnelSql: one row per distinct lead id, its earliest deal.
  const sql = [
    `WITH l AS (SELECT lead_key, any_value(channel) AS channel, min(day) AS day FROM (${l.sql}) WHERE lead_key IS NOT NULL GROUP BY lead_key),`,
    `d AS (SELECT lead_key, min(won_day) AS won_day, any_value(owner) AS owner FROM (${d.sql}) WHERE lead_key IS NOT NULL GROUP BY lead_key)`,
    `SELECT ${cols.join(', ')}`,
    `FROM l LEFT JOIN d ON d.lead_key = l.lead_key`,
    `WHERE ${keep}`,
    `ORDER BY l.day NULLS LAST, l.lead_key`,
    limitClause(opts.limit),
  ].filter((x) => x !== '').join('\n');
  return built(sql, l.ignored);
}

// ---------------------------------------------------------------- totals and export

/** The one row of `scopeTotalsSql`. */
export interface ScopeTotalsRow {
  customers: number | null;
  orders: number | null;
  lines: number | null;
  revenue: number | null;
  /** Order lines without a customer id (left out of customer measures); NULL without orders or without a customer id role. */
  no_customer_lines: number | null;
  /** Return and cancellation lines (see measures.ts) and their amount; NULL without orders. */
  return_lines: number | null;
  return_amount: number | null;
}

/**
 * What the filters leave, in one row: with an orders table, `customers`,
 * `orders` and `revenue` as measures.ts defines them (customers NULL without a
 * customer id, revenue NULL without an amount), `lines` (order lines),
 * `no_customer_lines`, `return_lines` and `return_amount` (counted whether
 * `filters.revenue` is net or gross: under gross they are what was left out). Without orders, `customers` counts the customers table
 * under the dimension filters (distinct ids; rows when it has no id) and the
 * rest is NULL. `customers` is the size of the `filtered` drill-down.
 */
export function scopeTotalsSql(tables: DrillTables, filters: Filters = {}): MetricQuery {
  const { orders, customers } = tables;
  if (orders) {
    // Net facts, so the returns a gross revenue leaves out are still counted.
    const { revenue: basis, ...net } = filters;
    const o = orderLinesFacts(orders, { filters: net, ...(customers ? { customers } : {}) });
    const hasAmount = hasRevenue(orders);
    const m = SALES_MEASURES;
    const b = basisMeasures(basis);
    const sql = [
      `SELECT ${orders.roles.customer_id ? m.customers : 'CAST(NULL AS BIGINT)'} AS customers,`,
      `  ${m.orders} AS orders, ${b.lines} AS lines,`,
      `  ${hasAmount ? `CAST(${b.revenue} AS DOUBLE)` : 'CAST(NULL AS DOUBLE)'} AS revenue,`,
      `  ${orders.roles.customer_id ? m.noCustomerLines : 'CAST(NULL AS BIGINT)'} AS no_customer_lines,`,
      `  ${m.returnLines} AS return_lines, ${hasAmount ? `coalesce(CAST(${m.returnAmount} AS DOUBLE), 0)` : 'CAST(NULL AS DOUBLE)'} AS return_amount`,
      `FROM (${o.sql})`,
    ].join('\n');
    return built(sql, o.ignored);
  }
  if (!customers) return unavailable({ reason: 'no_table', kind: 'customers' });
  const where = filterClause(customers, filters, { dateRole: null });
  const id = roleColumn(customers, 'customer_id');
  const sql = [
    `SELECT ${id ? `count(DISTINCT ${asText(id)})` : 'count(*)'} AS customers, CAST(NULL AS BIGINT) AS orders, CAST(NULL AS BIGINT) AS lines, CAST(NULL AS DOUBLE) AS revenue,`,
    `  CAST(NULL AS BIGINT) AS no_customer_lines, CAST(NULL AS BIGINT) AS return_lines, CAST(NULL AS DOUBLE) AS return_amount`,
    `FROM ${ident(customers.name)} WHERE ${where.sql}`,
  ].join('\n');
  return built(sql, where.ignored);
}

/** Rows as a CSV download (the app's one writer, src/lib/csv.ts), `columns` in order. */
export function rowsToCsv(columns: readonly string[], rows: readonly Row[]): string {
  return csvText(columns, rows.map((r) => columns.map((c) => r[c])));
}
