/**
 * One customer on one page: the SQL behind the customer profile. Each builder
 * reads one table for one customer id and is unavailable when the table lacks
 * what it needs. The profile shows the customer's whole history: the global
 * filters do not apply (a profile is a person, not a slice), and the RFM tier
 * is the customer's row of `customerTiersSql` over every customer.
 *
 * Ids are compared as text after `idKey`, so an id that one file wrote as the
 * number 1001 and another as `1001.0` (a float column) is the same customer;
 * any other text (Chinese, quotes, spaces inside) must match exactly.
 */
import type { TableInfo } from '../ingest/model.ts';
import { ident, lit } from '../lib/sql.ts';
import { asText, built, dateLiteral, hoursBetween, missing, missingColumns, periodSpanSql, positiveInt, unavailable, type MetricQuery } from './common.ts';
import { roleColumn } from './expr.ts';
import { leadFacts, orderLinesFacts, ticketFacts } from './facts.ts';
import { SALES_MEASURES } from './measures.ts';
import { customerTiersSql } from './tiers.ts';

/** An id as the profile compares it: trimmed, a whole number written as a float (`1001.0`) without its zero decimals. */
export function idKey(id: string): string {
  const t = id.trim();
  const m = /^(-?\d+)\.0*$/.exec(t);
  return m ? m[1]! : t;
}

/** `idKey` in SQL, over a text expression. */
export function idKeyExpr(text: string): string {
  return `regexp_replace(trim(${text}), '^(-?[0-9]+)\\.0*$', '\\1')`;
}

function matches(text: string, id: string): string {
  return `${idKeyExpr(text)} = ${lit(idKey(id))}`;
}

function checkId(id: string): string {
  if (idKey(id) === '') throw new Error('A customer profile needs a customer id');
  return id;
}

/** Every column of the customer's row(s) in the customers table (more than one row: the id is duplicated there). */
export function profileIdentitySql(customers: TableInfo, id: string): MetricQuery {
  const m = missing(customers, 'customers', ['customer_id']);
  if (m) return unavailable(m);
  const cid = roleColumn(customers, 'customer_id')!;
  return built(`SELECT * FROM ${ident(customers.name)} WHERE ${matches(asText(cid), checkId(id))} LIMIT 20`);
}

function customerLines(orders: TableInfo, id: string): string | undefined {
  if (!roleColumn(orders, 'customer_id')) return undefined;
  return `SELECT * FROM (${orderLinesFacts(orders).sql}) WHERE customer_id IS NOT NULL AND ${matches('customer_id', checkId(id))}`;
}

/** One row of `profileOrdersSql`. */
export interface ProfileOrdersRow {
  lines: number;
  orders: number;
  revenue: number | null;
  return_lines: number;
  first_order: string | null;
  last_order: string | null;
  avg_order_value: number | null;
  products: number;
}

/**
 * The customer's order lines summed (the measures of measures.ts: orders
 * leave cancellations out, revenue is net): always one row, `lines` = 0 when
 * the customer has none.
 */
export function profileOrdersSql(orders: TableInfo, id: string): MetricQuery {
  const lines = customerLines(orders, id);
  if (!lines) return unavailable({ reason: 'missing_role', kind: 'orders', table: orders.name, roles: ['customer_id'] });
  return built(
    [
      `WITH o AS (${lines})`,
      `SELECT ${SALES_MEASURES.lines} AS lines, ${SALES_MEASURES.orders} AS orders, CAST(${SALES_MEASURES.revenue} AS DOUBLE) AS revenue,`,
      `  ${SALES_MEASURES.returnLines} AS return_lines, CAST(min(day) AS VARCHAR) AS first_order, CAST(max(day) AS VARCHAR) AS last_order,`,
      `  CAST(${SALES_MEASURES.revenue} AS DOUBLE) / nullif(${SALES_MEASURES.orders}, 0) AS avg_order_value,`,
      `  count(DISTINCT product) AS products FROM o`,
    ].join('\n'),
  );
}

/** One row of `profileMonthlySql`. */
export interface ProfileMonthRow {
  /** `YYYY-MM`. */
  month: string;
  revenue: number;
  orders: number;
}

/** Revenue and orders per month, every month from the customer's first order to the last (empty months 0). */
export function profileMonthlySql(orders: TableInfo, id: string): MetricQuery {
  const lines = customerLines(orders, id);
  if (!lines) return unavailable({ reason: 'missing_role', kind: 'orders', table: orders.name, roles: ['customer_id'] });
  const m = missing(orders, 'orders', ['order_date']);
  if (m) return unavailable(m);
  return built(
    [
      `WITH o AS (${lines}),`,
      `agg AS (SELECT CAST(date_trunc('month', day) AS DATE) AS period, CAST(${SALES_MEASURES.revenue} AS DOUBLE) AS revenue, ${SALES_MEASURES.orders} AS orders`,
      `  FROM o WHERE day IS NOT NULL GROUP BY 1),`,
      `span AS (${periodSpanSql('month', '(SELECT min(day) FROM o)', '(SELECT max(day) FROM o)')})`,
      `SELECT strftime(span.period, '%Y-%m') AS month, coalesce(agg.revenue, 0) AS revenue, coalesce(agg.orders, 0) AS orders`,
      `FROM span LEFT JOIN agg ON agg.period = span.period WHERE span.period IS NOT NULL ORDER BY span.period`,
    ].join('\n'),
  );
}

/** One row of `profileProductsSql`. */
export interface ProfileProductRow {
  product: string;
  category: string | null;
  orders: number;
  quantity: number | null;
  revenue: number | null;
  last_bought: string | null;
}

/** What the customer bought, by product: the most revenue first, at most `limit` rows (default 10). */
export function profileProductsSql(orders: TableInfo, id: string, limit = 10): MetricQuery {
  const lines = customerLines(orders, id);
  if (!lines) return unavailable({ reason: 'missing_role', kind: 'orders', table: orders.name, roles: ['customer_id'] });
  if (!roleColumn(orders, 'product') && !roleColumn(orders, 'sku')) return unavailable({ reason: 'missing_role', kind: 'orders', table: orders.name, roles: ['product'] });
  return built(
    [
      `WITH o AS (${lines})`,
      `SELECT product, mode(category) AS category, ${SALES_MEASURES.orders} AS orders, sum(quantity) AS quantity,`,
      `  CAST(${SALES_MEASURES.revenue} AS DOUBLE) AS revenue, CAST(max(day) AS VARCHAR) AS last_bought`,
      `FROM o WHERE product IS NOT NULL GROUP BY product ORDER BY revenue DESC NULLS LAST, orders DESC, product LIMIT ${positiveInt(limit, 'limit')}`,
    ].join('\n'),
  );
}

/**
 * The customer's RFM scores, segment and value tier: their row of
 * `customerTiersSql` (every customer scored as of `asOf`, no filters); no
 * row when they bought nothing on or before `asOf`.
 */
export function profileTierSql(orders: TableInfo, id: string, asOf: string, customers?: TableInfo): MetricQuery {
  dateLiteral(asOf, 'as-of date');
  const q = customerTiersSql({ orders, asOf, ...(customers ? { customers } : {}) });
  if (!q.ok) return q;
  return built(`SELECT * FROM (${q.sql}) WHERE ${matches('customer_id', checkId(id))}`);
}

/** One row of `profileTicketsSql`. */
export interface ProfileTicketsRow {
  tickets: number;
  open_tickets: number | null;
  rated: number;
  avg_satisfaction: number | null;
  /** The average over every ticket in the table, to read the customer's against. */
  all_avg_satisfaction: number | null;
  median_first_response_hours: number | null;
  median_resolution_hours: number | null;
  first_ticket: string | null;
  last_ticket: string | null;
}

/**
 * The customer's tickets: how many, how many still open (no close time),
 * satisfaction against the table's average, and median first-response and
 * resolution hours (tickets where the later time is not before the earlier,
 * as `serviceTimesSql` counts them). Always one row.
 */
export function profileTicketsSql(tickets: TableInfo, id: string): MetricQuery {
  const m = missing(tickets, 'tickets', ['customer_id']);
  if (m) return unavailable(m);
  const t = ticketFacts(tickets).sql;
  const closed = tickets.roles.closed_at !== undefined;
  const hours = (a: string, b: string) => `median(${hoursBetween(a, b)}) FILTER (WHERE ${b} >= ${a})`;
  return built(
    [
      `WITH t_all AS (${t}),`,
      `t AS (SELECT * FROM t_all WHERE customer_id IS NOT NULL AND ${matches('customer_id', checkId(id))})`,
      `SELECT count(*) AS tickets, ${closed ? 'count(*) FILTER (WHERE closed_at IS NULL)' : 'CAST(NULL AS BIGINT)'} AS open_tickets,`,
      `  count(satisfaction) AS rated, avg(satisfaction) AS avg_satisfaction, (SELECT avg(satisfaction) FROM t_all) AS all_avg_satisfaction,`,
      `  ${hours('opened_at', 'first_response_at')} AS median_first_response_hours, ${hours('opened_at', 'closed_at')} AS median_resolution_hours,`,
      `  CAST(min(day) AS VARCHAR) AS first_ticket, CAST(max(day) AS VARCHAR) AS last_ticket`,
      `FROM t`,
    ].join('\n'),
  );
}

/** One row of `profileTicketCategoriesSql`. */
export interface ProfileTicketCategoryRow {
  category: string | null;
  tickets: number;
  avg_satisfaction: number | null;
}

/** The customer's tickets by category, the most first (tickets without a category as NULL, last). */
export function profileTicketCategoriesSql(tickets: TableInfo, id: string): MetricQuery {
  const m = missing(tickets, 'tickets', ['customer_id', 'ticket_category']);
  if (m) return unavailable(m);
  return built(
    [
      `WITH t AS (SELECT * FROM (${ticketFacts(tickets).sql}) WHERE customer_id IS NOT NULL AND ${matches('customer_id', checkId(id))})`,
      `SELECT category, count(*) AS tickets, avg(satisfaction) AS avg_satisfaction FROM t GROUP BY category ORDER BY tickets DESC, category NULLS LAST`,
    ].join('\n'),
  );
}

/** One row of `profileLeadsSql`. */
export interface ProfileLeadRow {
  lead_id: string;
  created: string | null;
  stage: string | null;
  channel: string | null;
  owner: string | null;
  value: number | null;
  won: string | null;
}

/** The leads that name this customer, newest first, at most `limit` (default 20). */
export function profileLeadsSql(leads: TableInfo, id: string, limit = 20): MetricQuery {
  const m = missing(leads, 'leads', ['customer_id']);
  if (m) return unavailable(m);
  return built(
    [
      `WITH l AS (SELECT * FROM (${leadFacts(leads).sql}) WHERE customer_id IS NOT NULL AND ${matches('customer_id', checkId(id))})`,
      `SELECT lead_key AS lead_id, CAST(day AS VARCHAR) AS created, stage, channel, owner, value, CAST(won_day AS VARCHAR) AS won`,
      `FROM l ORDER BY day DESC NULLS LAST, lead_key LIMIT ${positiveInt(limit, 'limit')}`,
    ].join('\n'),
  );
}

/** The columns the churn lab writes to `churn_scores` (report/churn.ts `scoresCsv`). */
export const CHURN_SCORE_COLUMNS = ['customer', 'probability', 'risk_tier', 'reason_1', 'reason_2', 'reason_3'] as const;

/** One row of `profileChurnSql`. */
export interface ProfileChurnRow {
  probability: number | null;
  risk_tier: string | null;
  /** The columns that pushed the score most, as `column=value` (empty or NULL when fewer). */
  reason_1: string | null;
  reason_2: string | null;
  reason_3: string | null;
  /** Customers in the table, and how many of them score higher than this one. */
  scored: number;
  higher: number;
}

/**
 * The customer's churn score in the table the churn lab saved (`churn_scores`):
 * probability, risk tier, its top reasons (the columns that pushed the score
 * most, as `column=value`), and where it ranks among the scored customers.
 */
export function profileChurnSql(scores: TableInfo, id: string): MetricQuery {
  const need = ['customer', 'probability'];
  const lack = missingColumns(scores, need);
  if (lack.length) return unavailable({ reason: 'missing_column', table: scores.name, columns: lack });
  const has = (c: string) => scores.columns.some((x) => x.name === c);
  const text = (c: string) => (has(c) ? `CAST(${ident(c)} AS VARCHAR)` : 'CAST(NULL AS VARCHAR)');
  const reasons = ['reason_1', 'reason_2', 'reason_3'].map((c) => `${text(c)} AS ${c}`).join(', ');
  return built(
    [
      `WITH s AS (SELECT CAST(customer AS VARCHAR) AS customer, TRY_CAST(probability AS DOUBLE) AS probability, ${text('risk_tier')} AS risk_tier,`,
      `  ${reasons} FROM ${ident(scores.name)}),`,
      `me AS (SELECT * FROM s WHERE customer IS NOT NULL AND ${matches('customer', checkId(id))} LIMIT 1)`,
      `SELECT me.probability, me.risk_tier, me.reason_1, me.reason_2, me.reason_3, (SELECT count(*) FROM s) AS scored,`,
      `  (SELECT count(*) FROM s WHERE s.probability > me.probability) AS higher FROM me`,
    ].join('\n'),
  );
}

/**
 * The customer's row of a per-customer table written back by the Customer
 * value page (`customer_value`: id column `customer_id`) or the value lab
 * (`value_scores`: id column `customer`): every column, at most one row.
 */
export function profileSavedRowSql(table: TableInfo, idColumn: string, id: string): MetricQuery {
  const lack = missingColumns(table, [idColumn]);
  if (lack.length) return unavailable({ reason: 'missing_column', table: table.name, columns: lack });
  return built(`SELECT * FROM ${ident(table.name)} WHERE ${matches(asText({ name: idColumn }), checkId(id))} LIMIT 1`);
}
