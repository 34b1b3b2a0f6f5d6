/**
 * Touchpoint attribution over customer journeys: each customer's sessions in
 * time order, each session a touch of the channel it started on, up to and
 * including the session of the first conversion (journeys without one end in
 * "no conversion"). First-touch, last-touch and linear credit are SQL here;
 * the data-driven Markov removal effect is computed from `journeyPathsSql`
 * by `markovAttribution` (markov.ts). Both read the journeys CTE `j` of
 * `sessionCtes` (a table made once when the sessions are materialised).
 */
import { built, unavailable, type MetricQuery } from './common.ts';
import { sessionCtes, type JourneyOptions } from './journeys.ts';

function need(o: JourneyOptions): MetricQuery | undefined {
  if (!o.events.roles.customer_id || !o.events.roles.event_at) return unavailable({ reason: 'missing_role', kind: 'events', table: o.events.name, roles: ['customer_id', 'event_at'] });
  if (!o.events.roles.channel && !o.events.roles.touchpoint) return unavailable({ reason: 'missing_role', kind: 'events', table: o.events.name, roles: ['channel'] });
  return undefined;
}

/** Distinct journeys: `path` (channel names joined by U+001F, a control character that text cells do not hold), `converted` (BOOLEAN), `customers`. */
export function journeyPathsSql(o: JourneyOptions): MetricQuery {
  const n = need(o);
  if (n) return n;
  return built(`WITH ${sessionCtes(o)}\nSELECT array_to_string(path, chr(31)) AS path, converted, count(*) AS customers FROM j GROUP BY path, converted ORDER BY customers DESC, path`);
}

/**
 * Per channel: `journeys` (customers whose journey touched it), `converted`
 * (of those, converting), `conversion_rate`, and conversions credited by
 * `first_touch`, `last_touch` and `linear` (each touch 1/length; a channel
 * touched twice gets two shares). Most linear credit first.
 */
export function ruleAttributionSql(o: JourneyOptions): MetricQuery {
  const n = need(o);
  if (n) return n;
  return built(
    `WITH ${sessionCtes(o)},\n` +
      `t AS (SELECT customer_id, converted, unnest(path) AS channel, len(path) AS touches, path FROM j),\n` +
      `reach AS (SELECT channel, count(DISTINCT customer_id) AS journeys, count(DISTINCT customer_id) FILTER (WHERE converted) AS converted FROM t GROUP BY 1),\n` +
      `lin AS (SELECT channel, sum(1.0 / touches) AS linear FROM t WHERE converted GROUP BY 1),\n` +
      `ft AS (SELECT path[1] AS channel, count(*) AS first_touch FROM j WHERE converted GROUP BY 1),\n` +
      `lt AS (SELECT path[len(path)] AS channel, count(*) AS last_touch FROM j WHERE converted GROUP BY 1)\n` +
      `SELECT reach.channel, reach.journeys, reach.converted, reach.converted / reach.journeys AS conversion_rate, coalesce(ft.first_touch, 0) AS first_touch,` +
      ` coalesce(lt.last_touch, 0) AS last_touch, coalesce(lin.linear, 0) AS linear` +
      ` FROM reach LEFT JOIN ft USING (channel) LEFT JOIN lt USING (channel) LEFT JOIN lin USING (channel) ORDER BY linear DESC, reach.channel`,
  );
}
