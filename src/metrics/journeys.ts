/**
 * Journeys from an events table (customer, time, touchpoint/page, optional
 * channel, event type or conversion flag): sessions cut at an inactivity gap,
 * step-to-step flows for a Sankey chart, drop-off per step, paths to purchase
 * and time to convert. All path work is window functions in DuckDB.
 */
import type { TableInfo } from '../ingest/model.ts';
import { ident, lit, litList } from '../lib/sql.ts';
import { built, missing, positiveInt, timestampExpr, unavailable, type MetricQuery } from './common.ts';
import { asText, churnFlagExpr, roleColumn } from './expr.ts';

/** Event types (or pages) that mean a purchase when the table has no conversion flag, compared trimmed and lower-cased. */
export const CONVERSION_WORDS: readonly string[] = [
  'purchase', 'purchased', 'order', 'order placed', 'checkout complete', 'checkout_complete', 'conversion', 'converted', 'buy', 'transaction', 'paid', 'payment success',
  '购买', '下单', '支付', '支付成功', '成交', '转化', '购买成功', '下单成功',
];

export interface JourneyOptions {
  /** Needs `customer_id`, `event_at` and `touchpoint` (or `channel`). */
  events: TableInfo;
  /** Minutes without an event that end a session; default 30. */
  gapMinutes?: number;
  /**
   * A table made by `sessionTableSql` with the same options: the builders read
   * it instead of cutting sessions again (one window pass for all measures).
   */
  sessionsTable?: string;
}

/** How an event's conversion is read: the flag, else a purchase-like event type or touchpoint; NULL expression when none can tell. */
export function conversionExpr(events: TableInfo): string | null {
  const flag = roleColumn(events, 'converted');
  if (flag) return `coalesce(${churnFlagExpr(flag)}, FALSE)`;
  const by = roleColumn(events, 'event_type') ?? roleColumn(events, 'touchpoint');
  if (!by) return null;
  return `(lower(trim(${asText(by)})) IN (${litList(CONVERSION_WORDS)}))`;
}

function need(events: TableInfo): MetricQuery | undefined {
  const m = missing(events, 'events', ['customer_id', 'event_at']);
  if (m) return unavailable(m);
  if (!events.roles.touchpoint && !events.roles.channel) return unavailable({ reason: 'missing_role', kind: 'events', table: events.name, roles: ['touchpoint'] });
  return undefined;
}

/**
 * Events with sessions: `customer_id`, `ts`, `touchpoint` (the page, else the
 * channel), `channel` (else the touchpoint), `conv` (BOOLEAN), `session`
 * (1, 2, … per customer), `step` (1, 2, … within the session, after dropping
 * an event that repeats the touchpoint just before it). CTE bodies joined
 * with commas, the last named `ev`.
 */
export function sessionCtes(o: JourneyOptions): string {
  if (o.sessionsTable !== undefined) return `ev AS (SELECT * FROM ${ident(o.sessionsTable)})`;
  const e = o.events;
  const gap = positiveInt(o.gapMinutes ?? 30, 'Session gap (minutes)');
  const tp = roleColumn(e, 'touchpoint') ?? roleColumn(e, 'channel')!;
  const ch = roleColumn(e, 'channel') ?? tp;
  const conv = conversionExpr(e) ?? 'FALSE';
  const w = 'PARTITION BY customer_id ORDER BY ts, touchpoint';
  return [
    `raw AS (SELECT nullif(trim(${asText(roleColumn(e, 'customer_id')!)}), '') AS customer_id, ${timestampExpr(roleColumn(e, 'event_at')!)} AS ts,`,
    `  coalesce(nullif(trim(${asText(tp)}), ''), '?') AS touchpoint, coalesce(nullif(trim(${asText(ch)}), ''), '?') AS channel, ${conv} AS conv FROM ${ident(e.name)}),`,
    // Three window levels, the first two in one ordering: session and step boundaries, running counts, steps from 1 per session.
    `cut AS (SELECT *, CASE WHEN lag(ts) OVER (${w}) IS NULL OR ts - lag(ts) OVER (${w}) > INTERVAL ${gap} MINUTE THEN 1 ELSE 0 END AS new_session,`,
    `  lag(touchpoint) OVER (${w}) AS prev_touchpoint FROM raw WHERE customer_id IS NOT NULL AND ts IS NOT NULL),`,
    // A repeat of the same touchpoint (a reload) is not a step, but its conversion counts for the step.
    `flag AS (SELECT *, CASE WHEN new_session = 1 OR touchpoint IS DISTINCT FROM prev_touchpoint THEN 1 ELSE 0 END AS new_step FROM cut),`,
    `num AS (SELECT *, sum(new_session) OVER (${w} ROWS UNBOUNDED PRECEDING) AS session, sum(new_step) OVER (${w} ROWS UNBOUNDED PRECEDING) AS all_steps FROM flag),`,
    `ev AS (SELECT customer_id, ts, touchpoint, channel, conv, session, all_steps - min(all_steps) OVER (PARTITION BY customer_id, session) + 1 AS step FROM num)`,
  ].join('\n');
}

/** Creates (or replaces) temporary table `name` with the events and their sessions and steps (see `sessionCtes`). */
export function sessionTableSql(o: JourneyOptions, name: string): MetricQuery {
  const n = need(o.events);
  if (n) return n;
  return built(`CREATE OR REPLACE TEMP TABLE ${ident(name)} AS WITH ${sessionCtes({ ...o, sessionsTable: undefined })}\nSELECT * FROM ev`);
}

/** One row per session: `customer_id`, `session`, `start_ts`, `end_ts`, `steps`, `channel` (its first event's), `converted`, `conv_step` (first converting step). */
function sessionRows(): string {
  return (
    `s AS (SELECT customer_id, session, min(ts) AS start_ts, max(ts) AS end_ts, max(step) AS steps, arg_min(channel, ts) AS channel,` +
    ` bool_or(conv) AS converted, min(step) FILTER (WHERE conv) AS conv_step FROM ev GROUP BY 1, 2)`
  );
}

/**
 * One row: `events`, `customers`, `sessions`, `converting_sessions`,
 * `session_conversion_rate`, `converters` (customers with a conversion),
 * `customer_conversion_rate`, `avg_steps`, and `conversions_known` (FALSE
 * when nothing tells a conversion: no flag, event type or purchase-like page).
 */
export function journeySummarySql(o: JourneyOptions): MetricQuery {
  const n = need(o.events);
  if (n) return n;
  return built(
    `WITH ${sessionCtes(o)},\n${sessionRows()}\n` +
      `SELECT (SELECT count(*) FROM ev) AS events, count(DISTINCT customer_id) AS customers, count(*) AS sessions, count(*) FILTER (WHERE converted) AS converting_sessions,` +
      ` count(*) FILTER (WHERE converted) / count(*) AS session_conversion_rate, count(DISTINCT customer_id) FILTER (WHERE converted) AS converters,` +
      ` count(DISTINCT customer_id) FILTER (WHERE converted) / count(DISTINCT customer_id) AS customer_conversion_rate, avg(steps) AS avg_steps,` +
      ` ${lit(conversionExpr(o.events) !== null)} AS conversions_known FROM s`,
  );
}

export interface FlowOptions extends JourneyOptions {
  /** Steps drawn; default 5. */
  steps?: number;
  /** Touchpoints named; the rest are `other` (NULL). Default 8. */
  top?: number;
}

/**
 * Step-to-step flows for a Sankey chart: `step` (k), `source` (touchpoint at
 * step k), `target` (at step k+1), `sessions`. Touchpoints outside the `top`
 * most visited are NULL ("other"). Steps past `steps` are left out.
 */
export function flowLinksSql(o: FlowOptions): MetricQuery {
  const n = need(o.events);
  if (n) return n;
  const steps = positiveInt(o.steps ?? 5, 'Steps');
  const top = positiveInt(o.top ?? 8, 'Touchpoints');
  return built(
    `WITH ${sessionCtes(o)},\n` +
      `top AS (SELECT touchpoint FROM ev GROUP BY 1 ORDER BY count(*) DESC, touchpoint LIMIT ${top}),\n` +
      `st AS (SELECT customer_id, session, step, arg_min(CASE WHEN touchpoint IN (SELECT touchpoint FROM top) THEN touchpoint END, ts) AS tp FROM ev WHERE step <= ${steps + 1} GROUP BY 1, 2, 3)\n` +
      `SELECT a.step, a.tp AS source, b.tp AS target, count(*) AS sessions FROM st AS a JOIN st AS b ON b.customer_id = a.customer_id AND b.session = a.session AND b.step = a.step + 1` +
      ` WHERE a.step <= ${steps - 1} GROUP BY 1, 2, 3 ORDER BY a.step, sessions DESC, source NULLS LAST, target NULLS LAST`,
  );
}

/**
 * Drop-off per step: `step`, `sessions` that reached it, `exits` (sessions
 * that ended there without converting), `exit_rate`, `converted` (sessions
 * converting at that step), for steps 1…`steps` that some session reached.
 */
export function dropOffSql(o: FlowOptions): MetricQuery {
  const n = need(o.events);
  if (n) return n;
  const steps = positiveInt(o.steps ?? 8, 'Steps');
  return built(
    `WITH ${sessionCtes(o)},\n${sessionRows()}\n` +
      `SELECT CAST(k.range AS INTEGER) AS step, count(s.session) AS sessions, count(*) FILTER (WHERE s.steps = k.range AND NOT s.converted) AS exits,` +
      ` count(*) FILTER (WHERE s.steps = k.range AND NOT s.converted) / nullif(count(s.session), 0) AS exit_rate, count(*) FILTER (WHERE s.conv_step = k.range) AS converted` +
      ` FROM range(1, ${steps + 1}) AS k LEFT JOIN s ON s.steps >= k.range GROUP BY k.range HAVING count(s.session) > 0 ORDER BY k.range`,
  );
}

/**
 * The most common session paths (touchpoints joined by " → ", up to the first
 * conversion, at most 8 steps then "…"): `path`, `sessions`, `converted`
 * (sessions among them that converted), `conversion_rate`. With
 * `converting`, only paths to purchase. The `limit` largest.
 */
export function topPathsSql(o: JourneyOptions & { converting?: boolean; limit?: number }): MetricQuery {
  const n = need(o.events);
  if (n) return n;
  const limit = positiveInt(o.limit ?? 10, 'Paths');
  return built(
    `WITH ${sessionCtes(o)},\n${sessionRows()},\n` +
      `p AS (SELECT s.converted, string_agg(ev.touchpoint, ' → ' ORDER BY ev.step) || CASE WHEN max(ev.step) < coalesce(any_value(s.conv_step), any_value(s.steps)) THEN ' → …' ELSE '' END AS path` +
      ` FROM s JOIN (SELECT customer_id, session, step, arg_min(touchpoint, ts) AS touchpoint FROM ev GROUP BY 1, 2, 3) AS ev USING (customer_id, session)` +
      ` WHERE ev.step <= least(coalesce(s.conv_step, s.steps), 8) GROUP BY s.customer_id, s.session, s.converted)\n` +
      `SELECT path, count(*) AS sessions, count(*) FILTER (WHERE converted) AS converted, count(*) FILTER (WHERE converted) / count(*) AS conversion_rate FROM p` +
      `${o.converting ? ' WHERE converted' : ''} GROUP BY path ORDER BY sessions DESC, path LIMIT ${limit}`,
  );
}

/** Buckets of time to convert, in order. */
export const CONVERT_BUCKETS = ['same_session', 'under_1d', 'under_7d', 'under_30d', 'over_30d'] as const;

/**
 * Time to convert, per customer who converted: from their first event to
 * their first conversion. One row per bucket (`bucket`, `customers`), each
 * row also carrying `median_hours`, `p75_hours` and `median_sessions`
 * (sessions up to and including the converting one) over all converters.
 */
export function timeToConvertSql(o: JourneyOptions): MetricQuery {
  const n = need(o.events);
  if (n) return n;
  const buckets = CONVERT_BUCKETS.map((b, i) => `(${i}, ${lit(b)})`).join(', ');
  return built(
    `WITH ${sessionCtes(o)},\n` +
      `c AS (SELECT customer_id, min(ts) AS first_ts, min(ts) FILTER (WHERE conv) AS conv_ts, min(session) FILTER (WHERE conv) AS conv_session FROM ev GROUP BY 1),\n` +
      `t AS (SELECT (epoch(conv_ts) - epoch(first_ts)) / 3600.0 AS hours, conv_session FROM c WHERE conv_ts IS NOT NULL),\n` +
      `b AS (SELECT CASE WHEN conv_session = 1 THEN 'same_session' WHEN hours < 24 THEN 'under_1d' WHEN hours < 168 THEN 'under_7d' WHEN hours < 720 THEN 'under_30d' ELSE 'over_30d' END AS bucket FROM t)\n` +
      `SELECT k.bucket, (SELECT count(*) FROM b WHERE b.bucket = k.bucket) AS customers, (SELECT median(hours) FROM t) AS median_hours,` +
      ` (SELECT quantile_cont(hours, 0.75) FROM t) AS p75_hours, (SELECT median(conv_session) FROM t) AS median_sessions` +
      ` FROM (VALUES ${buckets}) AS k(ord, bucket) ORDER BY k.ord`,
  );
}
