/**
 * Customer service measures from the tickets table: volume, first-response and
 * resolution times, satisfaction, and how satisfaction relates to churn.
 */
import type { TableInfo } from '../ingest/model.ts';
import { ident, lit } from '../lib/sql.ts';
import { built, dateLiteral, hoursBetween, ignoredByAll, missing, periodExpr, periodSpanSql, unavailable, type Grain, type MetricQuery } from './common.ts';
import { customerFacts, ticketFacts } from './facts.ts';
import type { Filters } from './filters.ts';

export interface TicketVolumeOptions {
  /** Needs `opened_at`. */
  tickets: TableInfo;
  customers?: TableInfo;
  /** Default `month`. */
  grain?: Grain;
  /** Also break down by `ticket_category` (`group_value`). */
  byCategory?: boolean;
  filters?: Filters;
}

/** One row of `ticketVolumeSql`. */
export interface TicketVolumeRow {
  period: string;
  group_value: string | null;
  tickets: number;
}

/**
 * Tickets opened per period (and per ticket category with `byCategory`),
 * every period from the first to the last (`filters.from`/`to` when set),
 * every category in every period, empty cells with 0.
 */
export function ticketVolumeSql(opts: TicketVolumeOptions): MetricQuery {
  const { tickets, filters } = opts;
  const grain = opts.grain ?? 'month';
  const m = missing(tickets, 'tickets', opts.byCategory ? ['opened_at', 'ticket_category'] : ['opened_at']);
  if (m) return unavailable(m);
  const t = ticketFacts(tickets, { filters, ...(opts.customers ? { customers: opts.customers } : {}) });
  const first = filters?.from !== undefined ? dateLiteral(filters.from, '"from" filter date') : '(SELECT min(day) FROM t)';
  const last = filters?.to !== undefined ? dateLiteral(filters.to, '"to" filter date') : '(SELECT max(day) FROM t)';
  const sql = [
    `WITH t AS (${t.sql}),`,
    `agg AS (SELECT ${periodExpr(grain, 'day')} AS period, ${opts.byCategory ? 'category' : 'CAST(NULL AS VARCHAR)'} AS grp, count(*) AS tickets FROM t WHERE day IS NOT NULL GROUP BY 1, 2),`,
    `span AS (${periodSpanSql(grain, first, last)}),`,
    `grid AS (SELECT span.period, g.grp FROM span CROSS JOIN (${opts.byCategory ? 'SELECT DISTINCT grp FROM agg' : 'SELECT CAST(NULL AS VARCHAR) AS grp'}) AS g WHERE span.period IS NOT NULL)`,
    `SELECT grid.period, grid.grp AS group_value, coalesce(agg.tickets, 0) AS tickets`,
    `FROM grid LEFT JOIN agg ON agg.period = grid.period AND agg.grp IS NOT DISTINCT FROM grid.grp`,
    `ORDER BY grid.period, tickets DESC, group_value NULLS LAST`,
  ].join('\n');
  return built(sql, t.ignored);
}

export interface ServiceTimesOptions {
  /** Needs `opened_at`, and `first_response_at` and/or `closed_at`. */
  tickets: TableInfo;
  customers?: TableInfo;
  /** One row per ticket category. */
  byCategory?: boolean;
  filters?: Filters;
}

/** One row of `serviceTimesSql`. */
export interface ServiceTimesRow {
  group_value: string | null;
  tickets: number;
  responded: number | null;
  median_first_response_hours: number | null;
  p90_first_response_hours: number | null;
  resolved: number | null;
  median_resolution_hours: number | null;
  p90_resolution_hours: number | null;
}

/**
 * First-response time (opened → first response) and resolution time (opened
 * → closed) in hours, with the time of day kept. Median and 90th percentile
 * (`quantile_cont`) over tickets that have both times and where the later is
 * not before the earlier (`responded`, `resolved`); open tickets are left out,
 * not counted as zero. Columns are NULL when the role is missing.
 */
export function serviceTimesSql(opts: ServiceTimesOptions): MetricQuery {
  const { tickets, filters } = opts;
  const m = missing(tickets, 'tickets', opts.byCategory ? ['opened_at', 'ticket_category'] : ['opened_at']);
  if (m) return unavailable(m);
  const hasResponse = tickets.roles.first_response_at !== undefined;
  const hasClose = tickets.roles.closed_at !== undefined;
  if (!hasResponse && !hasClose) return unavailable({ reason: 'missing_role', kind: 'tickets', table: tickets.name, roles: ['first_response_at', 'closed_at'] });
  const t = ticketFacts(tickets, { filters, ...(opts.customers ? { customers: opts.customers } : {}) });
  const NULLS = ['CAST(NULL AS BIGINT)', 'CAST(NULL AS DOUBLE)', 'CAST(NULL AS DOUBLE)'];
  const stats = (h: string) => [`count(${h})`, `quantile_cont(${h}, 0.5)`, `quantile_cont(${h}, 0.9)`];
  const [responded, medR, p90R] = hasResponse ? stats('response_h') : NULLS;
  const [resolved, medC, p90C] = hasClose ? stats('resolution_h') : NULLS;
  const sql = [
    `WITH t AS (${t.sql}),`,
    `h AS (SELECT ${opts.byCategory ? 'category' : 'CAST(NULL AS VARCHAR)'} AS grp,`,
    `  CASE WHEN first_response_at >= opened_at THEN ${hoursBetween('opened_at', 'first_response_at')} END AS response_h,`,
    `  CASE WHEN closed_at >= opened_at THEN ${hoursBetween('opened_at', 'closed_at')} END AS resolution_h`,
    `  FROM t)`,
    `SELECT grp AS group_value, count(*) AS tickets,`,
    `  ${responded} AS responded, ${medR} AS median_first_response_hours, ${p90R} AS p90_first_response_hours,`,
    `  ${resolved} AS resolved, ${medC} AS median_resolution_hours, ${p90C} AS p90_resolution_hours`,
    `FROM h GROUP BY grp ORDER BY tickets DESC, group_value NULLS LAST`,
  ].join('\n');
  return built(sql, t.ignored);
}

export interface SatisfactionOptions {
  /** Needs `satisfaction` (scores 1–5). */
  tickets: TableInfo;
  customers?: TableInfo;
  filters?: Filters;
}

/** One row of `satisfactionSql`. */
export interface SatisfactionRow {
  score: number;
  tickets: number;
  share: number | null;
}

/**
 * Satisfaction distribution: one row per score 1–5 (all five, 0 when unused):
 * tickets rated that score (rounded to the nearest whole score) and their
 * share of rated tickets. Blank ratings and scores outside 1–5 are left out.
 */
export function satisfactionSql(opts: SatisfactionOptions): MetricQuery {
  const { tickets, filters } = opts;
  const m = missing(tickets, 'tickets', ['satisfaction']);
  if (m) return unavailable(m);
  const t = ticketFacts(tickets, { filters, ...(opts.customers ? { customers: opts.customers } : {}) });
  const sql = [
    `WITH t AS (${t.sql}),`,
    `rated AS (SELECT CAST(round(satisfaction) AS INTEGER) AS score FROM t WHERE round(satisfaction) BETWEEN 1 AND 5),`,
    `agg AS (SELECT score, count(*) AS tickets FROM rated GROUP BY score)`,
    `SELECT CAST(s.score AS INTEGER) AS score, coalesce(agg.tickets, 0) AS tickets,`,
    `  coalesce(agg.tickets, 0) / nullif((SELECT count(*) FROM rated), 0) AS share`,
    `FROM range(1, 6) AS s(score) LEFT JOIN agg ON agg.score = s.score`,
    `ORDER BY s.score`,
  ].join('\n');
  return built(sql, t.ignored);
}

export interface SatisfactionChurnOptions {
  /** Needs `customer_id` and `satisfaction`. */
  tickets: TableInfo;
  /** Needs `customer_id` and `churn`. */
  customers: TableInfo;
  /** Dissatisfied: a customer's average rating ≤ this. Default 2 (on a 1–5 scale). */
  threshold?: number;
  /** Dates select the tickets whose ratings count; dimensions select customers. */
  filters?: Filters;
}

/** One row of `satisfactionChurnSql`. */
export interface SatisfactionChurnRow {
  group: 'dissatisfied' | 'satisfied' | 'unrated' | 'not_dissatisfied';
  customers: number;
  churn_known: number;
  churned: number;
  churn_rate: number | null;
  avg_satisfaction: number | null;
}

/**
 * Satisfaction vs churn. Each customer in the customers table is
 * `dissatisfied` when the average of their rated tickets (scores 1–5 after
 * rounding, as in `satisfactionSql`) is ≤ `threshold`, `satisfied` when above
 * it, and `unrated` with no rated ticket; a fourth row, `not_dissatisfied`,
 * is satisfied and unrated together (it overlaps the two before it: do not
 * add it to them). Per group: customers, those whose churn flag reads yes or
 * no (`churn_known`), churned, and churn_rate = churned / churn_known. Four
 * rows, in that order.
 *
 * Which comparison to show matters: customers who never rated a ticket mostly
 * had few tickets and churn least, so "dissatisfied vs satisfied" (both
 * rated) is a smaller gap than "dissatisfied vs everyone else".
 */
export function satisfactionChurnSql(opts: SatisfactionChurnOptions): MetricQuery {
  const { tickets, customers, filters } = opts;
  const mt = missing(tickets, 'tickets', ['customer_id', 'satisfaction']);
  if (mt) return unavailable(mt);
  const mc = missing(customers, 'customers', ['customer_id', 'churn']);
  if (mc) return unavailable(mc);
  const threshold = opts.threshold ?? 2;
  if (!Number.isFinite(threshold)) throw new Error(`threshold must be a number, got ${threshold}`);
  const t = ticketFacts(tickets, { filters, customers });
  const c = customerFacts(customers, { filters });
  const sql = [
    `WITH t AS (${t.sql}),`,
    `c AS (SELECT customer_id, bool_or(churned) AS churned FROM (${c.sql}) WHERE customer_id IS NOT NULL GROUP BY customer_id),`,
    `sat AS (SELECT customer_id, avg(round(satisfaction)) AS avg_sat FROM t WHERE customer_id IS NOT NULL AND round(satisfaction) BETWEEN 1 AND 5 GROUP BY customer_id),`,
    `g AS (`,
    `  SELECT CASE WHEN sat.avg_sat IS NULL THEN 'unrated' WHEN sat.avg_sat <= ${lit(threshold)} THEN 'dissatisfied' ELSE 'satisfied' END AS grp,`,
    `    c.churned, sat.avg_sat`,
    `  FROM c LEFT JOIN sat ON sat.customer_id = c.customer_id`,
    `)`,
    `SELECT k.grp AS ${ident('group')}, count(g.grp) AS customers, count(g.churned) AS churn_known,`,
    `  count(*) FILTER (WHERE g.churned) AS churned,`,
    `  count(*) FILTER (WHERE g.churned) / nullif(count(g.churned), 0) AS churn_rate,`,
    `  avg(g.avg_sat) AS avg_satisfaction`,
    `FROM (VALUES (1, 'dissatisfied'), (2, 'satisfied'), (3, 'unrated'), (4, 'not_dissatisfied')) AS k(ord, grp)`,
    `LEFT JOIN g ON g.grp = k.grp OR (k.grp = 'not_dissatisfied' AND g.grp <> 'dissatisfied')`,
    `GROUP BY k.ord, k.grp ORDER BY k.ord`,
  ].join('\n');
  return built(sql, ignoredByAll(t.ignored, c.ignored));
}
