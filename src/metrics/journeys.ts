/**
 * Journeys from an events table (customer, time, touchpoint/page, optional
 * channel, event type or conversion flag): sessions cut at an inactivity gap,
 * step-to-step flows for a Sankey chart, drop-off per step, paths to purchase
 * and time to convert. The sessions are defined here as window functions
 * (`sessionTableSql`), cut once into temporary tables that every measure
 * reads; in the browser a worker makes the same tables from the events read
 * once (src/report/sessions/), and the measures stay SQL.
 */
import type { TableInfo } from '../ingest/model.ts';
import { ident, lit, litList } from '../lib/sql.ts';
import { built, missing, positiveInt, timestampExpr, unavailable, type MetricQuery } from './common.ts';
import { asText, churnFlagExpr, roleColumn, trimText } from './expr.ts';

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
  return `(lower(${trimText(asText(by))}) IN (${litList(CONVERSION_WORDS)}))`;
}

function need(events: TableInfo): MetricQuery | undefined {
  const m = missing(events, 'events', ['customer_id', 'event_at']);
  if (m) return unavailable(m);
  if (!events.roles.touchpoint && !events.roles.channel) return unavailable({ reason: 'missing_role', kind: 'events', table: events.name, roles: ['touchpoint'] });
  return undefined;
}

/**
 * The events as the journeys read them: `cid` (trimmed, NULL when blank),
 * `ts`, `touchpoint` (the page, else the channel; '?' when blank), `channel`
 * (else the touchpoint), `conv` (BOOLEAN, never NULL).
 */
function rawEvents(e: TableInfo): string {
  const tp = roleColumn(e, 'touchpoint') ?? roleColumn(e, 'channel')!;
  const ch = roleColumn(e, 'channel') ?? tp;
  const conv = conversionExpr(e) ?? 'FALSE';
  return (
    `SELECT nullif(${trimText(asText(roleColumn(e, 'customer_id')!))}, '') AS cid, ${timestampExpr(roleColumn(e, 'event_at')!)} AS ts,` +
    ` coalesce(nullif(${trimText(asText(tp))}, ''), '?') AS touchpoint, coalesce(nullif(${trimText(asText(ch))}, ''), '?') AS channel, coalesce(${conv}, FALSE) AS conv FROM ${ident(e.name)}`
  );
}

/**
 * The events a session cutter outside SQL reads (src/report/sessions/cut.ts),
 * without NULLs: `cid`, `ts` (epoch microseconds, as DOUBLE), `touchpoint`,
 * `channel`, `conv` (0 or 1, UTINYINT). Events without a customer or a time are left
 * out, as `sessionTableSql` leaves them out.
 */
export function sessionEventsSql(o: JourneyOptions): MetricQuery {
  const n = need(o.events);
  if (n) return n;
  return built(
    `SELECT cid, CAST(epoch_us(ts) AS DOUBLE) AS ts, touchpoint, channel, CAST(conv AS UTINYINT) AS conv FROM (${rawEvents(o.events)}) WHERE cid IS NOT NULL AND ts IS NOT NULL`,
  );
}

/**
 * Steps with sessions, as CTEs (bodies joined with commas, the last named
 * `sp`): one row per step, a step being a run of events on one touchpoint
 * (a reload is not a step, but its conversion counts for the step).
 * Columns: `cid` (the customer id, trimmed), `session` (1, 2, … per
 * customer), `ks` (the step's place among all the customer's steps: 1, 2, …
 * across sessions), `touchpoint` (the page, else the channel), `channel`
 * (its first event's, else the touchpoint), `ts` (first event), `conv` (any
 * event converting), `conv_ts` (first converting event), `events`.
 *
 * Speed (1M events in a few seconds on single-threaded DuckDB-WASM): one
 * sort of the events (neighbours, running counts), then the first and last
 * event of each step only, sorted on an integer; no grouping of the events.
 * Steps are numbered per customer in that second sort, not per session (a
 * third sort): a session's step k is the one with `ks = k0 + k - 1`, `k0`
 * being its first step's. The measures read the steps (or sessions), never
 * the events again.
 */
function stepCtes(o: JourneyOptions): string {
  const gap = positiveInt(o.gapMinutes ?? 30, 'Session gap (minutes)');
  const w = 'PARTITION BY cid ORDER BY ts, touchpoint, channel';
  const r = 'PARTITION BY cid ORDER BY rn';
  const over = (x: string) => `${x} > INTERVAL ${gap} MINUTE`;
  const running = (flag: string) => `CAST(sum(CAST(${flag} AS INTEGER)) OVER (${r} ROWS UNBOUNDED PRECEDING) AS INTEGER)`;
  return [
    `raw AS (${rawEvents(o.events)}),`,
    // One sort of the events: each sees its neighbours, its place (rn), conversions so far (cc) and the next conversion's time.
    `ea AS (SELECT cid, ts, touchpoint, channel, conv, lag(ts) OVER (${w}) AS pts, lag(touchpoint) OVER (${w}) AS ptp, lead(ts) OVER (${w}) AS nts, lead(touchpoint) OVER (${w}) AS ntp,`,
    `  CAST(row_number() OVER (${w}) AS INTEGER) AS rn, CAST(sum(CAST(conv AS INTEGER)) OVER (${w} ROWS UNBOUNDED PRECEDING) AS INTEGER) AS cc,`,
    `  min(CASE WHEN conv THEN ts END) OVER (${w} ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) AS next_conv_ts FROM raw WHERE cid IS NOT NULL AND ts IS NOT NULL),`,
    // A step is a run of events on one touchpoint within a session: only its first and last event go on.
    `eb AS (SELECT cid, ts, touchpoint, channel, conv, rn, cc, next_conv_ts, pts IS NULL OR ${over('ts - pts')} AS new_session,`,
    `  pts IS NULL OR ${over('ts - pts')} OR touchpoint IS DISTINCT FROM ptp AS new_step, nts IS NULL OR ${over('nts - ts')} OR ntp IS DISTINCT FROM touchpoint AS end_step FROM ea),`,
    // Second (integer-keyed) sort over step ends only: sessions and steps numbered, each step start paired with its end.
    `ec AS (SELECT *, ${running('new_session')} AS session, ${running('new_step')} AS ks, lead(rn) OVER (${r}) AS rn_next, lead(cc) OVER (${r}) AS cc_next`,
    `  FROM eb WHERE new_step OR end_step),`,
    `sc AS (SELECT cid, session, ks, touchpoint, channel, ts, (CASE WHEN end_step THEN cc ELSE cc_next END) - cc + CAST(conv AS INTEGER) > 0 AS conv, next_conv_ts,`,
    `  (CASE WHEN end_step THEN rn ELSE rn_next END) - rn + 1 AS events FROM ec WHERE new_step),`,
    `sp AS (SELECT cid, session, ks, touchpoint, channel, ts, conv, CASE WHEN conv THEN next_conv_ts END AS conv_ts, events FROM sc)`,
  ].join('\n');
}

/** Steps kept as columns `p1`…`p8` of a session row, for paths and flows. */
export const PATH_STEPS = 8;

/**
 * One row per session from `sp`: `cid`, `session`, `k0` (its first step's
 * `ks`), `start_ts`, `steps`, `channel` (its first event's), `converted`,
 * `conv_step` (first converting step), `conv_ts`, `events`, and `p1`…`p8`
 * (the touchpoint of steps 1…8): paths and flows read these columns instead
 * of grouping the steps again. `min_by(…, 8)` lists the first eight steps
 * in order without sorting each session.
 */
const SESSION_ROWS =
  `SELECT * EXCLUDE (tps), ${Array.from({ length: PATH_STEPS }, (_, i) => `tps[${i + 1}] AS p${i + 1}`).join(', ')} FROM (` +
  `SELECT cid, session, min(ks) AS k0, min(ts) AS start_ts, CAST(count(*) AS INTEGER) AS steps, arg_min(channel, ks) AS channel, bool_or(conv) AS converted,` +
  ` CAST(min(ks) FILTER (WHERE conv) - min(ks) + 1 AS INTEGER) AS conv_step, min(conv_ts) AS conv_ts, CAST(sum(events) AS BIGINT) AS events, min_by(touchpoint, ks, ${PATH_STEPS}) AS tps` +
  ` FROM sp GROUP BY cid, session)`;

/**
 * One row per customer from `s`, for attribution: `customer_id`, `path` (the
 * channels their sessions started on, in order, up to and including the
 * first converting session), `converted`.
 */
const JOURNEY_ROWS =
  // Sessions are numbered 1, 2, … per customer, so the first converting one is also its place in the list.
  `SELECT customer_id, CASE WHEN conv_session IS NULL THEN path ELSE path[1:conv_session] END AS path, conv_session IS NOT NULL AS converted` +
  ` FROM (SELECT cid AS customer_id, list(channel ORDER BY session) AS path, min(session) FILTER (WHERE converted) AS conv_session FROM s GROUP BY cid)`;

/** Events per touchpoint from `sp` (each event is in exactly one step, on that step's touchpoint). */
const TOUCHPOINT_ROWS = 'SELECT touchpoint, CAST(sum(events) AS BIGINT) AS events FROM sp GROUP BY 1';

/**
 * The CTEs every journey measure reads: `sp` (steps, see `stepCtes`), `s`
 * (sessions), `j` (journeys per customer) and `tp` (`touchpoint`, `events`:
 * events per touchpoint), from the tables `sessionTableSql` made when
 * `sessionsTable` is set, else computed here.
 */
export function sessionCtes(o: JourneyOptions): string {
  if (o.sessionsTable !== undefined) {
    const t = (suffix: string) => ident(`${o.sessionsTable}${suffix}`);
    return `sp AS (SELECT * FROM ${t('')}),\ns AS (SELECT * FROM ${t('_s')}),\nj AS (SELECT * FROM ${t('_j')}),\ntp AS (SELECT * FROM ${t('_tp')})`;
  }
  return `${stepCtes(o)},\ns AS (${SESSION_ROWS}),\nj AS (${JOURNEY_ROWS}),\ntp AS (${TOUCHPOINT_ROWS})`;
}

/** The statement that makes the steps `name` from the events: a temporary table, or a view (computed only when read). */
export function stepsSql(o: JourneyOptions, name: string, as: 'table' | 'view'): string {
  return `CREATE OR REPLACE TEMP ${as === 'table' ? 'TABLE' : 'VIEW'} ${ident(name)} AS WITH ${stepCtes(o)}\nSELECT * FROM sp`;
}

/**
 * Creates (or replaces) temporary tables `name` (the steps, see `stepCtes`),
 * `name_s` (the sessions), `name_j` (the journeys) and `name_tp` (events
 * per touchpoint), which the measures then read through `sessionsTable`:
 * the events are cut into sessions once for all of them.
 */
export function sessionTableSql(o: JourneyOptions, name: string): MetricQuery {
  const n = need(o.events);
  if (n) return n;
  const t = (suffix: string) => ident(`${name}${suffix}`);
  const sp = `WITH sp AS (SELECT * FROM ${t('')})`;
  return built(
    `${stepsSql(o, name, 'table')};\n` +
      `CREATE OR REPLACE TEMP TABLE ${t('_s')} AS ${sp} ${SESSION_ROWS};\n` +
      `CREATE OR REPLACE TEMP TABLE ${t('_j')} AS WITH s AS (SELECT * FROM ${t('_s')}) ${JOURNEY_ROWS};\n` +
      `CREATE OR REPLACE TEMP TABLE ${t('_tp')} AS ${sp} ${TOUCHPOINT_ROWS}`,
  );
}

/** Drops the tables `sessionTableSql` made. */
export function dropSessionTablesSql(name: string): string {
  return ['', '_s', '_j', '_tp'].map((x) => `DROP TABLE IF EXISTS ${ident(`${name}${x}`)}`).join('; ');
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
    `WITH ${sessionCtes(o)}\n` +
      // Customers and converters from the journeys (one row per customer): no distinct count over the sessions.
      `SELECT sum(events) AS events, (SELECT count(*) FROM j) AS customers, count(*) AS sessions, count(*) FILTER (WHERE converted) AS converting_sessions,` +
      ` count(*) FILTER (WHERE converted) / count(*) AS session_conversion_rate, (SELECT count(*) FILTER (WHERE converted) FROM j) AS converters,` +
      ` (SELECT count(*) FILTER (WHERE converted) / count(*) FROM j) AS customer_conversion_rate, avg(steps) AS avg_steps,` +
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
 * most visited (by events) are NULL ("other"). Steps past `steps` are left out.
 */
export function flowLinksSql(o: FlowOptions): MetricQuery {
  const n = need(o.events);
  if (n) return n;
  const steps = positiveInt(o.steps ?? 5, 'Steps');
  const top = positiveInt(o.top ?? 8, 'Touchpoints');
  const named = (c: string) => `CASE WHEN ${c} IN (SELECT touchpoint FROM top) THEN ${c} END`;
  // Up to the steps a session row holds: sessions counted by their first steps (one pass), then that
  // short list cut into pairs of step columns. Beyond them, a join of the steps.
  const cols = Array.from({ length: Math.min(steps, PATH_STEPS) }, (_, i) => `p${i + 1}`);
  const pairs =
    steps <= PATH_STEPS
      ? `WITH w AS (SELECT ${cols.join(', ')}, count(*) AS n FROM s WHERE p2 IS NOT NULL GROUP BY ALL) ` +
        Array.from({ length: steps - 1 }, (_, i) => `SELECT ${i + 1} AS step, p${i + 1} AS a, p${i + 2} AS b, n FROM w WHERE p${i + 2} IS NOT NULL`).join(' UNION ALL ')
      : `SELECT x.ks - s.k0 + 1 AS step, x.touchpoint AS a, y.touchpoint AS b, 1 AS n FROM sp AS x JOIN sp AS y ON y.cid = x.cid AND y.session = x.session AND y.ks = x.ks + 1` +
        ` JOIN s ON s.cid = x.cid AND s.session = x.session WHERE y.ks - s.k0 + 1 <= ${steps}`;
  return built(
    `WITH ${sessionCtes(o)},\n` +
      `top AS (SELECT touchpoint FROM tp ORDER BY events DESC, touchpoint LIMIT ${top}),\n` +
      `k AS (${steps > 1 ? pairs : 'SELECT 1 AS step, CAST(NULL AS VARCHAR) AS a, CAST(NULL AS VARCHAR) AS b, 0 AS n WHERE FALSE'}),\n` +
      // Pairs counted first, then named: the lookup in `top` runs on a few dozen rows, not one per session and step.
      `g AS (SELECT step, a, b, sum(n) AS n FROM k GROUP BY ALL)\n` +
      `SELECT CAST(step AS INTEGER) AS step, ${named('a')} AS source, ${named('b')} AS target, CAST(sum(n) AS BIGINT) AS sessions FROM g` +
      ` GROUP BY 1, 2, 3 ORDER BY step, sessions DESC, source NULLS LAST, target NULLS LAST`,
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
    `WITH ${sessionCtes(o)},\n` +
      // Sessions counted by length first: the range join then reads a few rows, not one per session.
      `g AS (SELECT steps, count(*) AS n, count(*) FILTER (WHERE NOT converted) AS exits FROM s GROUP BY 1),\n` +
      `c AS (SELECT conv_step, count(*) AS n FROM s WHERE conv_step IS NOT NULL GROUP BY 1)\n` +
      `SELECT CAST(k.range AS INTEGER) AS step, sum(g.n) AS sessions, coalesce(sum(g.exits) FILTER (WHERE g.steps = k.range), 0) AS exits,` +
      ` coalesce(sum(g.exits) FILTER (WHERE g.steps = k.range), 0) / sum(g.n) AS exit_rate, coalesce(any_value(c.n), 0) AS converted` +
      ` FROM range(1, ${steps + 1}) AS k JOIN g ON g.steps >= k.range LEFT JOIN c ON c.conv_step = k.range GROUP BY k.range ORDER BY k.range`,
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
  const q = Array.from({ length: PATH_STEPS }, (_, i) => `q${i + 1}`);
  const parts = q.map((c, i) => `CASE WHEN ${i + 1} <= upto THEN p${i + 1} END AS ${c}`).join(', ');
  // The session row's step columns, sessions counted by them first; the text of a path is built once per path, not per session.
  return built(
    `WITH ${sessionCtes(o)},\n` +
      `c AS (SELECT converted, ${q.join(', ')}, more, count(*) AS n FROM (SELECT converted, ${parts}, upto > ${PATH_STEPS} AS more` +
      ` FROM (SELECT *, coalesce(conv_step, steps) AS upto FROM s${o.converting ? ' WHERE converted' : ''})) GROUP BY ALL),\n` +
      `p AS (SELECT converted, n, concat_ws(' → ', ${q.join(', ')}) || CASE WHEN more THEN ' → …' ELSE '' END AS path FROM c)\n` +
      `SELECT path, CAST(sum(n) AS BIGINT) AS sessions, CAST(coalesce(sum(n) FILTER (WHERE converted), 0) AS BIGINT) AS converted,` +
      ` coalesce(sum(n) FILTER (WHERE converted), 0) / sum(n) AS conversion_rate FROM p` +
      ` GROUP BY path ORDER BY sessions DESC, path LIMIT ${limit}`,
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
      `c AS (SELECT cid, min(start_ts) AS first_ts, min(conv_ts) AS conv_ts, min(session) FILTER (WHERE converted) AS conv_session FROM s GROUP BY 1),\n` +
      `t AS (SELECT (epoch(conv_ts) - epoch(first_ts)) / 3600.0 AS hours, conv_session FROM c WHERE conv_ts IS NOT NULL),\n` +
      `b AS (SELECT CASE WHEN conv_session = 1 THEN 'same_session' WHEN hours < 24 THEN 'under_1d' WHEN hours < 168 THEN 'under_7d' WHEN hours < 720 THEN 'under_30d' ELSE 'over_30d' END AS bucket FROM t)\n` +
      `SELECT k.bucket, (SELECT count(*) FROM b WHERE b.bucket = k.bucket) AS customers, (SELECT median(hours) FROM t) AS median_hours,` +
      ` (SELECT quantile_cont(hours, 0.75) FROM t) AS p75_hours, (SELECT median(conv_session) FROM t) AS median_sessions` +
      ` FROM (VALUES ${buckets}) AS k(ord, bucket) ORDER BY k.ord`,
  );
}
