/**
 * Sales funnel measures: how many leads reach each stage, conversion and
 * drop-off per step, the bottleneck step and the days between steps; and the
 * two-table funnel from a leads table to a closed-deals table.
 */
import type { TableInfo } from '../ingest/model.ts';
import { lit } from '../lib/sql.ts';
import { built, missing, missingColumns, unavailable, type MetricQuery } from './common.ts';
import { leadFacts } from './facts.ts';
import type { Filters } from './filters.ts';

/**
 * How a lead's progress is recorded.
 * - `stage_column`: the `stage` role holds the furthest stage reached, one of
 *   `values` in funnel order (matched ignoring case and surrounding spaces).
 *   Any other value (e.g. `lost`) or a blank counts as the first step only.
 * - `date_columns`: one date column per step, in funnel order (e.g.
 *   `created_at, mql_at, sql_at, opportunity_at, won_at`). A lead has reached a
 *   step when that step's date or any later step's date is set; every lead is
 *   in the first step.
 */
export type FunnelStages =
  | { kind: 'stage_column'; values: readonly string[]; labels?: readonly string[] }
  | { kind: 'date_columns'; columns: readonly string[]; labels?: readonly string[] };

export interface FunnelOptions {
  leads: TableInfo;
  customers?: TableInfo;
  stages: FunnelStages;
  /** One funnel per lead channel or owner (`group_value`). */
  by?: 'channel' | 'owner';
  /** `from`/`to` select leads by `created_at`. */
  filters?: Filters;
}

/** One row of `funnelSql`. */
export interface FunnelRow {
  group_value: string | null;
  step_index: number;
  step: string;
  leads: number;
  conversion_from_prev: number | null;
  conversion_overall: number | null;
  drop_off: number | null;
  drop_rate: number | null;
  median_days_from_prev: number | null;
  is_bottleneck: boolean;
}

/**
 * One row per step (per group): leads that reached it; conversion_from_prev =
 * leads / leads at the previous step; conversion_overall = leads / leads at
 * the first step; drop_off = previous − leads; drop_rate = 1 −
 * conversion_from_prev; is_bottleneck: the step with the largest drop_rate
 * (relative drop; the earliest on ties; never the first step).
 * median_days_from_prev (date columns only): median days from the previous
 * step's date to this one's, over leads with both dates, the later not before
 * the earlier.
 */
export function funnelSql(opts: FunnelOptions): MetricQuery {
  const { leads, stages, by, filters } = opts;
  const n = stages.kind === 'stage_column' ? stages.values.length : stages.columns.length;
  if (n < 2) throw new Error(`A funnel needs at least two steps, got ${n}`);
  if (stages.labels && stages.labels.length !== n) throw new Error(`Funnel labels (${stages.labels.length}) must match its steps (${n})`);
  let reached: string;
  let days: string;
  let extra: readonly string[] = [];
  if (stages.kind === 'stage_column') {
    const m = missing(leads, 'leads', ['stage']);
    if (m) return unavailable(m);
    const values = stages.values.map((v) => v.trim().toLowerCase());
    reached = `coalesce(list_position([${values.map((v) => lit(v)).join(', ')}], lower(trim(stage))), 1) - 1`;
    days = 'CAST(NULL AS DOUBLE)';
  } else {
    const lacking = missingColumns(leads, stages.columns);
    if (lacking.length > 0) return unavailable({ reason: 'missing_column', kind: 'leads', table: leads.name, columns: lacking });
    extra = stages.columns;
    const col = (k: number) => `extra_${k}`;
    reached = `CASE ${stages.columns.map((_, k) => n - 1 - k).filter((k) => k > 0).map((k) => `WHEN ${col(k)} IS NOT NULL THEN ${k}`).join(' ')} ELSE 0 END`;
    const gap = stages.columns
      .map((_, k) => k)
      .filter((k) => k > 0)
      .map((k) => `WHEN ${k} THEN CASE WHEN ${col(k)} >= ${col(k - 1)} THEN date_diff('day', ${col(k - 1)}, ${col(k)}) END`)
      .join(' ');
    days = `quantile_cont(CASE s.step_index ${gap} END, 0.5)`;
  }
  const labels = stages.labels ?? (stages.kind === 'stage_column' ? stages.values : stages.columns);
  const l = leadFacts(leads, { filters, ...(opts.customers ? { customers: opts.customers } : {}), ...(by ? { by } : {}) }, extra);
  if (by && !l.byResolved) return unavailable({ reason: 'missing_role', kind: 'leads', table: leads.name, roles: [by] });
  const stepsValues = labels.map((label, k) => `(${k}, ${lit(label)})`).join(', ');
  const sql = [
    `WITH l AS (${l.sql}),`,
    `r AS (SELECT *, ${by ? 'grp' : 'CAST(NULL AS VARCHAR)'} AS g, ${reached} AS reached FROM l),`,
    `steps AS (SELECT * FROM (VALUES ${stepsValues}) AS s(step_index, step)),`,
    `counts AS (`,
    `  SELECT r.g, s.step_index, s.step, count(*) FILTER (WHERE r.reached >= s.step_index) AS leads, ${days} AS median_days_from_prev`,
    `  FROM r CROSS JOIN steps AS s GROUP BY r.g, s.step_index, s.step`,
    `), rates AS (`,
    `  SELECT g, step_index, step, leads,`,
    `    leads / nullif(lag(leads) OVER w, 0) AS conversion_from_prev,`,
    `    leads / nullif(first_value(leads) OVER w, 0) AS conversion_overall, first_value(leads) OVER w AS group_leads,`,
    `    lag(leads) OVER w - leads AS drop_off,`,
    `    1 - leads / nullif(lag(leads) OVER w, 0) AS drop_rate,`,
    `    CASE WHEN step_index > 0 THEN median_days_from_prev END AS median_days_from_prev`,
    `  FROM counts WINDOW w AS (PARTITION BY g ORDER BY step_index)`,
    `)`,
    `SELECT g AS group_value, CAST(step_index AS INTEGER) AS step_index, step, leads, conversion_from_prev, conversion_overall,`,
    `  drop_off, drop_rate, median_days_from_prev,`,
    `  coalesce(drop_rate IS NOT NULL AND row_number() OVER (PARTITION BY g ORDER BY drop_rate DESC NULLS LAST, step_index) = 1, FALSE) AS is_bottleneck`,
    `FROM rates`,
    `ORDER BY group_leads DESC, group_value NULLS LAST, step_index`,
  ].join('\n');
  return built(sql, l.ignored);
}

export interface LeadDealOptions {
  /** Needs `lead_id`; `created_at` for the days to close. */
  leads: TableInfo;
  /** Closed deals: needs `lead_id` (the lead each deal came from); `won_at` for the days to close. */
  deals: TableInfo;
  customers?: TableInfo;
  /** One row per lead channel or owner. */
  by?: 'channel' | 'owner';
  /** Filters select leads (`from`/`to` by `created_at`). */
  filters?: Filters;
}

/** One row of `leadDealFunnelSql`. */
export interface LeadDealRow {
  group_value: string | null;
  leads: number;
  deals: number;
  conversion: number | null;
  median_days_to_deal: number | null;
  p90_days_to_deal: number | null;
  deals_without_lead: number;
}

/**
 * Two-table funnel: leads (distinct `lead_id` in the leads table, filtered)
 * and deals (those of them whose id appears in the deals table); conversion =
 * deals / leads. Days to deal: from the lead's `created_at` to the deal's
 * `won_at` (earliest if a lead has several deals), median and p90, over deals
 * with both dates, the deal not before the lead. `deals_without_lead`: deal
 * ids not found among all leads (unfiltered) — a data-quality check, the same
 * on every row. Ids are compared as text.
 */
export function leadDealFunnelSql(opts: LeadDealOptions): MetricQuery {
  const { leads, deals, by, filters } = opts;
  const ml = missing(leads, 'leads', ['lead_id']);
  if (ml) return unavailable(ml);
  const md = missing(deals, 'leads', ['lead_id']);
  if (md) return unavailable(md);
  const l = leadFacts(leads, { filters, ...(opts.customers ? { customers: opts.customers } : {}), ...(by ? { by } : {}) });
  if (by && !l.byResolved) return unavailable({ reason: 'missing_role', kind: 'leads', table: leads.name, roles: [by] });
  const d = leadFacts(deals);
  const sql = [
    `WITH l AS (SELECT lead_key, ${by ? 'any_value(grp)' : 'CAST(NULL AS VARCHAR)'} AS g, min(day) AS day FROM (${l.sql}) WHERE lead_key IS NOT NULL GROUP BY lead_key),`,
    `all_leads AS (SELECT DISTINCT lead_key FROM (${leadFacts(leads).sql})),`,
    `d AS (SELECT lead_key, min(won_day) AS won_day FROM (${d.sql}) WHERE lead_key IS NOT NULL GROUP BY lead_key),`,
    `j AS (`,
    `  SELECT l.g, d.lead_key IS NOT NULL AS converted, CASE WHEN d.won_day >= l.day THEN date_diff('day', l.day, d.won_day) END AS days`,
    `  FROM l LEFT JOIN d ON d.lead_key = l.lead_key`,
    `),`,
    `orphans AS (SELECT count(*) AS n FROM d ANTI JOIN all_leads AS a ON a.lead_key = d.lead_key)`,
    `SELECT g AS group_value, count(*) AS leads, count(*) FILTER (WHERE converted) AS deals,`,
    `  count(*) FILTER (WHERE converted) / nullif(count(*), 0) AS conversion,`,
    `  quantile_cont(days, 0.5) AS median_days_to_deal, quantile_cont(days, 0.9) AS p90_days_to_deal,`,
    `  any_value((SELECT n FROM orphans)) AS deals_without_lead`,
    `FROM j GROUP BY g ORDER BY leads DESC, group_value NULLS LAST`,
  ].join('\n');
  return built(sql, l.ignored);
}

/** What a funnel step means, for a label in words; null when neither the role nor the name says. */
export type FunnelStepKind = 'created' | 'contacted' | 'mql' | 'sql' | 'opportunity' | 'proposal' | 'won' | 'lost';

const STEP_NAMES: readonly [FunnelStepKind, RegExp][] = [
  ['mql', /mql|marketingqualified|营销认可|市场认可/],
  ['sql', /(^|[^a-z])sql|salesqualified|销售认可/],
  ['opportunity', /opportunit|oppty|商机/],
  ['proposal', /proposal|quote|报价|方案/],
  ['contacted', /contact|联系|接触/],
  ['won', /won|closedwon|成交|赢单/],
  ['lost', /lost|丢单|输单/],
  ['created', /created|创建/],
];

/**
 * The kind of a funnel step's column: `created_at` and `won_at` by their role,
 * other columns by their name (`mql_at`, `SQL日期`, `opportunity_at`, `商机日期` …).
 * For a stage-column funnel, pass the stage value.
 */
export function funnelStepKind(leads: TableInfo, column: string): FunnelStepKind | null {
  if (column === leads.roles.created_at) return 'created';
  if (column === leads.roles.won_at) return 'won';
  const key = column.toLowerCase().replace(/[\s_\-.]+/g, '');
  return STEP_NAMES.find(([, re]) => re.test(key))?.[0] ?? null;
}

/** A column name as words when no kind fits: `first_call_at` → "First call". */
export function humanizeColumn(column: string): string {
  const words = column.replace(/[_\-.]+/g, ' ').replace(/\s+(at|date|time|on|dt|ts)$/i, '').trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : column;
}
