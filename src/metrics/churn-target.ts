/**
 * A churn label made from behaviour, for workspaces whose customers table has
 * no churn column (or one that cannot be trusted): pick a cut-off day and a
 * horizon of N days; a customer who ordered on or before the cut-off and then
 * not at all in the N days after it is labelled churned.
 *
 *   features window (… cut-off]   |   label window (cut-off, cut-off + N]
 *
 * Every feature is measured from data dated on or before the cut-off, so the
 * model never sees the period it is asked to predict (no leakage): an order,
 * ticket or rating after the cut-off changes the label at most, never a
 * feature. Pure: builds SQL and checks dates; nothing here runs a query.
 */
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import { ident, lit } from '../lib/sql.ts';
import { built, dateLiteral, missing, positiveInt, unavailable, type MetricQuery, type Unavailable } from './common.ts';
import { roleColumn } from './expr.ts';
import { orderLinesFacts, ticketFacts } from './facts.ts';
import { hasRevenue } from './measures.ts';

/** The table the cut-off form creates (a snapshot, see CutoffTarget.svelte), and the start of its `TableInfo.source`. */
export const CHURN_TRAINING_TABLE = 'churn_training';
export const CHURN_TARGET_SOURCE = 'derived:churn-target';
/** The label column: 1 churned (no order in the label window), 0 stayed. */
export const CHURN_LABEL_COLUMN = 'churned';
export const DEFAULT_HORIZON_DAYS = 90;
/** Length of each of the two windows the frequency trend compares. */
export const TREND_DAYS = 90;

export interface ChurnTargetOptions {
  /** `YYYY-MM-DD`: the last day whose data features may use. */
  cutoff: string;
  /** N: churned means no order in (cutoff, cutoff + N days]. */
  horizonDays: number;
}

/**
 * Roles of the customers table left out of the training rows: `churn` is a
 * label recorded when the file was exported (after the cut-off), and `tenure`
 * and `monetary_total` are totals measured then too. Each would leak the future.
 */
export const LEAKY_CUSTOMER_ROLES = ['churn', 'tenure', 'monetary_total'] as const;

// ---------------------------------------------------------------- dates (pure)

const DAY_MS = 86_400_000;

function dayNumber(iso: string): number {
  return Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / DAY_MS;
}

/** `YYYY-MM-DD` moved by `days` (negative: back). */
export function addDays(iso: string, days: number): string {
  dateLiteral(iso);
  return new Date((dayNumber(iso) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** First and last order day in the data (`YYYY-MM-DD`), as `orderSpanSql` reads them. */
export interface OrderSpan {
  firstOrder: string;
  lastOrder: string;
}

/** One row, `first_order` and `last_order` (DATEs; NULL when no order has a readable date). */
export function orderSpanSql(tables: readonly TableInfo[]): MetricQuery {
  const orders = tableOfKind(tables, 'orders');
  const m = missing(orders, 'orders', ['customer_id', 'order_date']);
  if (m || !orders) return unavailable(m!);
  const o = orderLinesFacts(orders);
  return built(`SELECT min(day) AS first_order, max(day) AS last_order FROM (${o.sql}) WHERE customer_id IS NOT NULL`);
}

/** The span from `orderSpanSql`'s row; null when there are no dated orders. */
export function readOrderSpan(row: Readonly<Record<string, unknown>> | undefined): OrderSpan | null {
  const first = row?.first_order;
  const last = row?.last_order;
  return typeof first === 'string' && typeof last === 'string' ? { firstOrder: first.slice(0, 10), lastOrder: last.slice(0, 10) } : null;
}

/** The cut-offs a horizon allows: from the first order day to the last order day − N; null when the data is shorter than N days. */
export function cutoffRange(span: OrderSpan, horizonDays: number): { earliest: string; latest: string } | null {
  const latest = addDays(span.lastOrder, -positiveInt(horizonDays, 'Horizon (days)'));
  return latest < span.firstOrder ? null : { earliest: span.firstOrder, latest };
}

/** The default cut-off: the last order day − N days, so the label window ends with the data; null when the data is too short. */
export function suggestCutoff(span: OrderSpan, horizonDays: number): string | null {
  return cutoffRange(span, horizonDays)?.latest ?? null;
}

/**
 * Why a cut-off cannot be used, for a message in the user's language:
 * `too_late`: the label window would run past the last order (`labelEnd` > `lastOrder`);
 * `too_early`: no customer had ordered yet; both give the possible range.
 * `too_short`: the data spans fewer than N days, no cut-off works.
 */
export type CutoffProblem =
  | { reason: 'too_late' | 'too_early'; cutoff: string; labelEnd: string; earliest: string; latest: string; lastOrder: string }
  | { reason: 'too_short'; firstOrder: string; lastOrder: string; horizonDays: number };

/** Null when `options` fits the data; throws on a malformed date or horizon (the form prevents those). */
export function cutoffProblem(span: OrderSpan, options: ChurnTargetOptions): CutoffProblem | null {
  dateLiteral(options.cutoff, 'cut-off date');
  const range = cutoffRange(span, options.horizonDays);
  if (!range) return { reason: 'too_short', firstOrder: span.firstOrder, lastOrder: span.lastOrder, horizonDays: options.horizonDays };
  const common = { cutoff: options.cutoff, labelEnd: addDays(options.cutoff, options.horizonDays), ...range, lastOrder: span.lastOrder };
  if (options.cutoff > range.latest) return { reason: 'too_late', ...common };
  if (options.cutoff < range.earliest) return { reason: 'too_early', ...common };
  return null;
}

/** The problem in English, for callers without a message catalogue (the UI words it through i18n `cut.error.*`). */
export function describeCutoffProblem(p: CutoffProblem): string {
  if (p.reason === 'too_short') {
    return `The orders span ${p.firstOrder} to ${p.lastOrder}, shorter than the ${p.horizonDays}-day horizon: choose a shorter horizon.`;
  }
  const why =
    p.reason === 'too_late'
      ? `the label window would end on ${p.labelEnd}, after the last order in the data (${p.lastOrder})`
      : `no customer had ordered by then`;
  return `Cut-off ${p.cutoff} is not possible: ${why}. Choose a cut-off from ${p.earliest} to ${p.latest}.`;
}

// ---------------------------------------------------------------- the training rows

/**
 * The churn training rows: `cutoffTrainingSql`'s features, and `churned`: 1
 * when the customer has no order in (cutoff, cutoff + N days], else 0.
 */
export function churnTargetSql(tables: readonly TableInfo[], options: ChurnTargetOptions): MetricQuery {
  const n = positiveInt(options.horizonDays, 'Horizon (days)');
  const cut = dateLiteral(options.cutoff, 'cut-off date');
  const labelEnd = `${cut} + INTERVAL ${n} DAY`;
  return cutoffTrainingSql(tables, options.cutoff, {
    windowEnd: labelEnd,
    guardMessage: (first, last) =>
      `printf('Churn target: cut-off %s with a %s-day horizon needs orders up to %s, but they run from %s to %s. Choose a cut-off from %s to %s.', ` +
      `${lit(options.cutoff)}, ${lit(String(n))}, strftime(${labelEnd}, '%Y-%m-%d'), strftime(${first}, '%Y-%m-%d'), strftime(${last}, '%Y-%m-%d'), ` +
      `strftime(${first}, '%Y-%m-%d'), strftime(${last} - INTERVAL ${n} DAY, '%Y-%m-%d'))`,
    labels: [
      {
        names: [CHURN_LABEL_COLUMN],
        cte: `SELECT DISTINCT cid FROM o WHERE d > ${cut} AND d <= ${labelEnd}`,
        select: (l) => `CASE WHEN ${l}.cid IS NULL THEN 1 ELSE 0 END AS ${ident(CHURN_LABEL_COLUMN)}`,
      },
    ],
  });
}

/** What a target adds to the cut-off training rows (see `cutoffTrainingSql`). */
export interface CutoffLabels {
  /** SQL for the end of the label window, e.g. `DATE '…' + INTERVAL 90 DAY`; orders must reach it. */
  windowEnd: string;
  /** A printf(…) error text, given the SQL of the first and last order day. */
  guardMessage: (first: string, last: string) => string;
  /** Per CTE over `o` (cid, k, d, amount) keyed by `cid`, LEFT JOINed: the columns it adds, and their `expr AS name` list given the CTE's alias. */
  labels: { names: string[]; cte: string; select: (alias: string) => string }[];
  /** Extra feature columns computed in the features CTE `f` (grouped by cid over orders on or before the cut-off), as `expr AS name`. */
  extraFeatures?: { name: string; expr: string }[];
}

/**
 * The one code path of every cut-off target (churn here, future spend in
 * value-target.ts): one row per customer of the customers table with at least
 * one order on or before the cut-off (without a customers table, one row per
 * customer id of the orders with an order by then, as CDNOW-style order logs
 * give), holding
 * - the customer's own columns, less `LEAKY_CUSTOMER_ROLES` and any column
 *   whose name a feature below takes;
 * - the behaviour of `customer_features` measured as of the cut-off:
 *   `orders_total` (distinct orders), `spend_total`, `avg_order_value`,
 *   `days_since_last_order` (recency to the cut-off), `days_since_first_order`
 *   (tenure), `orders_last_90d` / `orders_prior_90d` (the frequency trend: the
 *   90 days up to the cut-off and the 90 before them), all from orders dated on
 *   or before the cut-off, and the target's extra features;
 * - with a tickets table that has `opened_at`: `tickets_total` opened on or
 *   before the cut-off, and `avg_satisfaction` of those, counting a rating only
 *   when the ticket was also closed by the cut-off when there is `closed_at`
 *   (a rating is given at closing, so a later one is not known yet);
 * - the target's label columns, measured after the cut-off.
 * The SQL stops with the target's error when the label window runs past the
 * last order date, or the cut-off precedes the first one (the data may have
 * changed since the form checked).
 */
export function cutoffTrainingSql(tables: readonly TableInfo[], cutoff: string, target: CutoffLabels): MetricQuery {
  const customers = customersTable(tables);
  const orders = tableOfKind(tables, 'orders');
  const m = churnTargetUnavailable(tables);
  if (m || !orders) return unavailable(m!);
  const cut = dateLiteral(cutoff, 'cut-off date');
  const hasAmount = hasRevenue(orders);
  const tickets = tableOfKind(tables, 'tickets');
  const ticketRoles = tickets && tickets.roles.customer_id !== undefined && tickets.roles.opened_at !== undefined;
  const rated = ticketRoles && tickets.roles.satisfaction !== undefined;
  const closedKnown = ticketRoles && tickets.roles.closed_at !== undefined;
  const extra = target.extraFeatures ?? [];

  const features: string[] = [
    'orders_total',
    ...(hasAmount ? ['spend_total', 'avg_order_value'] : []),
    'days_since_last_order',
    'days_since_first_order',
    'orders_last_90d',
    'orders_prior_90d',
    ...extra.map((e) => e.name),
    ...(ticketRoles ? ['tickets_total', 'avg_satisfaction'] : []),
  ];
  const featureExpr = (name: string): string =>
    name === 'tickets_total' ? 'coalesce(t.tickets_total, 0) AS tickets_total' : name === 'avg_satisfaction' ? 't.avg_satisfaction' : `f.${ident(name)}`;
  const taken = new Set([...features, ...target.labels.flatMap((l) => l.names)]);
  const leaky = new Set(LEAKY_CUSTOMER_ROLES.map((r) => customers?.roles[r]).filter((c): c is string => c !== undefined));
  const cid = roleColumn(customers ?? orders, 'customer_id')!;
  const own = customers ? customers.columns.map((c) => c.name).filter((c) => c === cid.name || (!leaky.has(c) && !taken.has(c))) : [];
  // Without a customers table the customer list is everyone who ordered by the cut-off (the rows of f).
  const from = customers
    ? [`SELECT ${own.map((c) => `c.${ident(c)}`).join(', ')},`, `  ${features.map(featureExpr).join(', ')},`]
    : [`SELECT f.cid AS ${ident(cid.name)},`, `  ${features.map(featureExpr).join(', ')},`];
  const join = customers ? [`FROM ${ident(customers.name)} AS c`, `JOIN f ON f.cid = CAST(c.${ident(cid.name)} AS VARCHAR)`] : [`FROM f`];

  const ticketCte = ticketRoles
    ? [
        `, t AS (`,
        `  SELECT customer_id AS cid, count(DISTINCT ticket_key) AS tickets_total,`,
        `    ${rated ? `avg(satisfaction)${closedKnown ? ` FILTER (WHERE CAST(closed_at AS DATE) <= ${cut})` : ''}` : 'CAST(NULL AS DOUBLE)'} AS avg_satisfaction`,
        `  FROM (${ticketFacts(tickets).sql}) WHERE customer_id IS NOT NULL AND day <= ${cut} GROUP BY 1`,
        `)`,
      ]
    : [];
  const labelAlias = (i: number): string => `label${i}`;
  const parts = [
    `WITH o AS (`,
    `  SELECT customer_id AS cid, order_key AS k, day AS d, amount FROM (${orderLinesFacts(orders).sql}) WHERE customer_id IS NOT NULL AND day IS NOT NULL`,
    `), span AS (SELECT min(d) AS first_d, max(d) AS last_d FROM o),`,
    `guard AS (SELECT CASE WHEN last_d IS NULL OR last_d < ${target.windowEnd} OR first_d > ${cut} THEN error(${target.guardMessage('first_d', 'last_d')}) ELSE TRUE END AS ok FROM span),`,
    `f AS (`,
    `  SELECT cid, count(DISTINCT k) AS orders_total,`,
    ...(hasAmount ? [`    coalesce(sum(amount), 0) AS spend_total, sum(amount) / count(DISTINCT k) AS avg_order_value,`] : []),
    ...extra.map((e) => `    ${e.expr} AS ${ident(e.name)},`),
    `    date_diff('day', max(d), ${cut}) AS days_since_last_order, date_diff('day', min(d), ${cut}) AS days_since_first_order,`,
    `    count(DISTINCT k) FILTER (WHERE d > ${cut} - INTERVAL ${TREND_DAYS} DAY) AS orders_last_90d,`,
    `    count(DISTINCT k) FILTER (WHERE d <= ${cut} - INTERVAL ${TREND_DAYS} DAY AND d > ${cut} - INTERVAL ${2 * TREND_DAYS} DAY) AS orders_prior_90d`,
    `  FROM o WHERE d <= ${cut} GROUP BY cid`,
    `)`,
    ...target.labels.map((l, i) => `, ${labelAlias(i)} AS (${l.cte})`),
    ...ticketCte,
    ...from,
    `  ${target.labels.map((l, i) => l.select(labelAlias(i))).join(', ')}`,
    ...join,
    ...target.labels.map((_, i) => `LEFT JOIN ${labelAlias(i)} ON ${labelAlias(i)}.cid = f.cid`),
    ...(ticketRoles ? [`LEFT JOIN t ON t.cid = f.cid`] : []),
    `CROSS JOIN guard WHERE guard.ok`,
  ];
  return built(parts.join('\n'));
}

/** The customers table when it has a `customer_id` to join on; otherwise the customers are derived from the orders. */
function customersTable(tables: readonly TableInfo[]): TableInfo | undefined {
  const c = tableOfKind(tables, 'customers');
  return c?.roles.customer_id !== undefined ? c : undefined;
}

/** Why the workspace cannot give churn training rows (no orders with `customer_id` and `order_date`; a customers table is optional); undefined when it can. */
export function churnTargetUnavailable(tables: readonly TableInfo[]): Unavailable | undefined {
  return missing(tableOfKind(tables, 'orders'), 'orders', ['customer_id', 'order_date']);
}

/**
 * How the training table is presented to the app: the customer id and name
 * roles of the customers table, and `churn` = the label column, so the churn
 * page picks it up as the target.
 */
export function churnTargetRoles(tables: readonly TableInfo[]): TableInfo['roles'] {
  const customers = customersTable(tables);
  const id = (customers ?? tableOfKind(tables, 'orders'))?.roles.customer_id;
  const name = customers?.roles.name;
  return { ...(id ? { customer_id: id } : {}), ...(name ? { name } : {}), churn: CHURN_LABEL_COLUMN };
}

/** How many customers a training table holds and how many of them churned. */
export function labelStatsSql(table: string): string {
  return `SELECT count(*) AS n, coalesce(sum(${ident(CHURN_LABEL_COLUMN)}), 0) AS churned FROM ${ident(table)}`;
}
