/**
 * Surveys linked to behaviour through `customer_id`: churn, spend and orders
 * by satisfaction band, and response bias (who answers vs who buys).
 */
import type { TableInfo } from '../ingest/model.ts';
import { ident } from '../lib/sql.ts';
import { built, missing, unavailable, type MetricQuery } from './common.ts';
import { asText } from './expr.ts';
import { customerFacts, orderLinesFacts } from './facts.ts';
import { SCALE_RANGE, responseFacts, type SurveyOptions } from './surveys.ts';

export interface SurveyLinkOptions extends SurveyOptions {
  customers?: TableInfo;
  orders?: TableInfo;
}

/** Customers (from `customers`, else from `orders`) with `churned`, `spend`, `orders`. */
function population(o: SurveyLinkOptions): { sql: string; hasChurn: boolean; hasOrders: boolean } | undefined {
  const c = o.customers?.roles.customer_id ? o.customers : undefined;
  const ord = o.orders?.roles.customer_id ? o.orders : undefined;
  if (!c && !ord) return undefined;
  const hasChurn = !!c?.roles.churn;
  const parts: string[] = [];
  if (c) parts.push(`cf AS (SELECT nullif(trim(customer_id), '') AS customer_id, bool_or(churned) AS churned FROM (${customerFacts(c).sql}) GROUP BY 1)`);
  if (ord) parts.push(`of AS (SELECT nullif(trim(customer_id), '') AS customer_id, sum(amount) AS spend, count(DISTINCT order_key) AS orders FROM (${orderLinesFacts(ord).sql}) GROUP BY 1)`);
  const from = c && ord ? 'cf LEFT JOIN of USING (customer_id)' : c ? 'cf' : 'of';
  const cols = [
    'customer_id',
    c ? 'churned' : 'CAST(NULL AS BOOLEAN) AS churned',
    ord ? 'coalesce(spend, 0) AS spend' : 'CAST(NULL AS DOUBLE) AS spend',
    ord ? 'coalesce(orders, 0) AS orders' : 'CAST(NULL AS BIGINT) AS orders',
  ];
  return { sql: `WITH ${parts.join(',\n')}\nSELECT ${cols.join(', ')} FROM ${from} WHERE customer_id IS NOT NULL`, hasChurn, hasOrders: !!ord };
}

/**
 * Customers by satisfaction band from their latest answer to the overall item
 * (else the recommend item): `dissatisfied` (the two lowest points of 1–5 or
 * 1–7, 0–6 of 0–10), `neutral`, `satisfied` (the two highest; 9–10 of 0–10).
 * Per band, customers found in the customers/orders tables: `customers`,
 * `churn_known`, `churn_rate`, `avg_spend`, `avg_orders`. Three rows in that order.
 */
export function satisfactionBandsSql(o: SurveyLinkOptions): MetricQuery {
  const m = missing(o.surveys, 'surveys', ['customer_id']);
  if (m) return unavailable(m);
  const role = (['overall', 'recommend'] as const).find((r) => o.items.some((i) => i.column === o.surveys.roles[r]));
  if (!role) return unavailable({ reason: 'missing_role', kind: 'surveys', table: o.surveys.name, roles: ['overall'] });
  const item = o.items.find((i) => i.column === o.surveys.roles[role])!;
  const pop = population(o);
  if (!pop) return unavailable({ reason: 'no_table', kind: 'customers' });
  const [lo, hi] = SCALE_RANGE[item.scale];
  const bad = item.scale === '0-10' ? 6 : lo + 1;
  const sql = [
    `WITH r AS (${responseFacts(o)}),`,
    `latest AS (SELECT customer_id, arg_max(${role}, coalesce(day, DATE '0001-01-01')) AS score FROM r WHERE customer_id IS NOT NULL AND ${role} IS NOT NULL GROUP BY 1),`,
    `p AS (${pop.sql}),`,
    `g AS (SELECT CASE WHEN latest.score <= ${bad} THEN 'dissatisfied' WHEN latest.score >= ${hi - 1} THEN 'satisfied' ELSE 'neutral' END AS band, p.* FROM latest JOIN p USING (customer_id))`,
    `SELECT k.band, count(g.band) AS customers, count(g.churned) AS churn_known, count(*) FILTER (WHERE g.churned) / nullif(count(g.churned), 0) AS churn_rate,`,
    `  avg(g.spend) AS avg_spend, avg(g.orders) AS avg_orders`,
    `FROM (VALUES (1, 'dissatisfied'), (2, 'neutral'), (3, 'satisfied')) AS k(ord, band) LEFT JOIN g ON g.band = k.band`,
    `GROUP BY k.ord, k.band ORDER BY k.ord`,
  ].join('\n');
  return built(sql);
}

/**
 * Response bias: every known customer as `respondent` (answered at least once)
 * or `non_respondent`: `customers`, `churn_rate`, `avg_spend`, `avg_orders`,
 * `median_spend`. Two rows in that order.
 */
export function responseBiasSql(o: SurveyLinkOptions): MetricQuery {
  const m = missing(o.surveys, 'surveys', ['customer_id']);
  if (m) return unavailable(m);
  const pop = population(o);
  if (!pop) return unavailable({ reason: 'no_table', kind: 'customers' });
  const cid = asText({ name: o.surveys.roles.customer_id! });
  const sql = [
    `WITH s AS (SELECT DISTINCT nullif(trim(${cid}), '') AS customer_id FROM ${ident(o.surveys.name)}),`,
    `p AS (${pop.sql}),`,
    `g AS (SELECT CASE WHEN s.customer_id IS NULL THEN 'non_respondent' ELSE 'respondent' END AS grp, p.* FROM p LEFT JOIN s USING (customer_id))`,
    `SELECT k.grp AS ${ident('group')}, count(g.grp) AS customers, count(*) FILTER (WHERE g.churned) / nullif(count(g.churned), 0) AS churn_rate,`,
    `  avg(g.spend) AS avg_spend, median(g.spend) AS median_spend, avg(g.orders) AS avg_orders`,
    `FROM (VALUES (1, 'respondent'), (2, 'non_respondent')) AS k(ord, grp) LEFT JOIN g ON g.grp = k.grp`,
    `GROUP BY k.ord, k.grp ORDER BY k.ord`,
  ].join('\n');
  return built(sql);
}
