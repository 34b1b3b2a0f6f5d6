/**
 * Campaign effect: response rate (with a 95 % Wilson interval) by channel,
 * segment or region, and return on spend where the table has a cost column;
 * and the response rate of each campaign when a file keeps one yes/no column
 * per campaign (`AcceptedCmp1` … `AcceptedCmp5`, `Response`).
 */
import type { Role, TableInfo } from '../ingest/model.ts';
import { normalizeHeader } from '../ingest/roles.ts';
import { ident, lit } from '../lib/sql.ts';
import { built, missing, unavailable, type MetricQuery } from './common.ts';
import { churnFlagExpr, numberExpr, roleColumn } from './expr.ts';
import { filterClause, type Filters } from './filters.ts';

export type CampaignDimension = 'channel' | 'segment' | 'region';
export const CAMPAIGN_DIMENSIONS: readonly CampaignDimension[] = ['channel', 'segment', 'region'];

/** Shared columns of both builders' rows. */
export interface ResponseCounts {
  /** Rows with a yes/no answer (blanks and other values are not counted). */
  contacts: number;
  responders: number;
  rate: number | null;
  /** 95 % Wilson score interval of the rate. */
  ci_low: number | null;
  ci_high: number | null;
}

/** One row of `campaignResponseSql`. */
export interface CampaignRow extends ResponseCounts {
  /** NULL: blank value, or the total row. */
  group_value: string | null;
  is_total: boolean;
  /** Sum of `cost` over contacts; NULL without a cost column. */
  cost: number | null;
  /** Sum of `campaign_revenue` over responders; NULL without a revenue column. */
  revenue: number | null;
  /** (revenue − cost) / cost. */
  return_on_spend: number | null;
  cost_per_response: number | null;
}

export interface CampaignOptions {
  /** Needs `response`; `cost` and `campaign_revenue` for return on spend. */
  table: TableInfo;
  by?: CampaignDimension;
  /** Dimension filters on the table's own columns; dates do not apply (a contact list has no date role). */
  filters?: Filters;
}

const Z = 1.959963984540054;

/** Counts, rate and Wilson interval from a BOOLEAN expression `flag` (NULL = no answer), as SELECT items. */
function countsSql(flag: string): string {
  const n = `count(${flag})`;
  const x = `count(*) FILTER (WHERE ${flag})`;
  const p = `(${x} / nullif(${n}, 0))`;
  const z2 = `${Z * Z}`;
  const centre = `(${p} + ${z2} / (2 * ${n})) / (1 + ${z2} / ${n})`;
  const half = `${Z} * sqrt(${p} * (1 - ${p}) / ${n} + ${z2} / (4 * ${n} * ${n})) / (1 + ${z2} / ${n})`;
  return [
    `${n} AS contacts`,
    `${x} AS responders`,
    `${p} AS rate`,
    `CASE WHEN ${n} > 0 THEN greatest(0, ${centre} - ${half}) END AS ci_low`,
    `CASE WHEN ${n} > 0 THEN least(1, ${centre} + ${half}) END AS ci_high`,
  ].join(', ');
}

/** Whether the table can show the campaign effect (it has a response column). */
export function hasResponse(table: TableInfo | undefined): table is TableInfo {
  return table?.roles.response !== undefined;
}

/**
 * Response by a dimension of the same table, one row per value plus a total
 * row (`is_total`, first). Return on spend: cost summed over all contacts,
 * revenue summed over responders (a per-response revenue column, such as
 * iFood's `Z_Revenue`, and a column that is zero for non-responders both work).
 */
export function campaignResponseSql(opts: CampaignOptions): MetricQuery {
  const { table, by } = opts;
  const m = missing(table, table.kind, ['response', ...(by ? [by as Role] : [])]);
  if (m) return unavailable(m);
  const flag = churnFlagExpr(roleColumn(table, 'response')!);
  const where = filterClause(table, opts.filters, { dateRole: null });
  const cost = roleColumn(table, 'cost');
  const revenue = roleColumn(table, 'campaign_revenue');
  const g = by ? `nullif(trim(CAST(${ident(table.roles[by]!)} AS VARCHAR)), '')` : 'CAST(NULL AS VARCHAR)';
  const sql = [
    `WITH t AS (SELECT ${g} AS g, ${flag} AS flag, ${cost ? numberExpr(cost) : 'CAST(NULL AS DOUBLE)'} AS cost,`,
    `  ${revenue ? numberExpr(revenue) : 'CAST(NULL AS DOUBLE)'} AS revenue FROM ${ident(table.name)} WHERE ${where.sql}),`,
    `agg AS (`,
    `  SELECT ${by ? 'g' : 'CAST(NULL AS VARCHAR)'} AS group_value, ${by ? 'grouping(g) = 1' : 'TRUE'} AS is_total, ${countsSql('flag')},`,
    // With the column there, a group without responders earned 0 (not "unknown").
    `    ${cost ? 'coalesce(sum(cost) FILTER (WHERE flag IS NOT NULL), 0)' : 'CAST(NULL AS DOUBLE)'} AS cost,`,
    `    ${revenue ? 'coalesce(sum(revenue) FILTER (WHERE flag), 0)' : 'CAST(NULL AS DOUBLE)'} AS revenue`,
    `  FROM t${by ? ' GROUP BY GROUPING SETS ((g), ())' : ''}`,
    `)`,
    `SELECT *, (revenue - cost) / nullif(cost, 0) AS return_on_spend, cost / nullif(responders, 0) AS cost_per_response`,
    `FROM agg ORDER BY is_total DESC, contacts DESC, group_value NULLS LAST`,
  ].join('\n');
  return built(sql, where.ignored.filter((k) => k !== 'from' && k !== 'to'));
}

/** A campaign's own yes/no column: `AcceptedCmp3`, `cmp_2`, `campaign1`, `活动2`, `营销活动3响应`. */
const CAMPAIGN_COLUMN = /^(accepted)?(cmp|campaign)\d+(response|accepted)?$|^(营销)?活动\d+(响应|接受)?$/;

/**
 * Columns that each record one campaign's answer, in campaign order, then the
 * response column (the latest campaign) last; empty when fewer than two.
 */
export function campaignColumns(table: TableInfo): string[] {
  const response = table.roles.response;
  const num = (name: string) => Number(/\d+/.exec(normalizeHeader(name))?.[0] ?? 0);
  const found = table.columns.map((c) => c.name).filter((n) => n !== response && CAMPAIGN_COLUMN.test(normalizeHeader(n)));
  found.sort((a, b) => num(a) - num(b) || a.localeCompare(b));
  const out = response ? [...found, response] : found;
  return out.length >= 2 ? out : [];
}

/** One row of `campaignColumnsSql`. */
export interface CampaignColumnRow extends ResponseCounts {
  campaign: string;
  position: number;
}

/** Response rate and interval of each campaign column (answers read as the response role reads them). */
export function campaignColumnsSql(table: TableInfo, columns: readonly string[], filters?: Filters): MetricQuery {
  if (columns.length === 0) return unavailable({ reason: 'missing_role', kind: table.kind, table: table.name, roles: ['response'] });
  const where = filterClause(table, filters, { dateRole: null });
  const parts = columns.map((name, i) => {
    const type = (table.columns.find((c) => c.name === name)?.type ?? 'VARCHAR').toUpperCase();
    return `SELECT ${lit(name)} AS campaign, ${i} AS position, ${countsSql(churnFlagExpr({ name, type }))} FROM ${ident(table.name)} WHERE ${where.sql}`;
  });
  return built(`SELECT * FROM (${parts.join('\nUNION ALL\n')}) ORDER BY position`, where.ignored.filter((k) => k !== 'from' && k !== 'to'));
}
