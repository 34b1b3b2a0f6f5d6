/**
 * Period comparison for a KPI: the current period (up to the as-of date) vs
 * the previous period and vs the same period a year earlier, with absolute and
 * relative change, and a sparkline of the last N periods.
 *
 * Each KPI is an aggregate over a fact row set with a `day` column; the value
 * of a period is that aggregate over the facts whose day falls in it, so
 * non-additive KPIs (AOV, distinct buyers) are computed per window, never
 * summed from smaller periods.
 */
import type { TableInfo } from '../ingest/model.ts';
import { lit } from '../lib/sql.ts';
import { built, dateLiteral, missing, periodExpr, positiveInt, shiftPeriod, unavailable, type Grain, type MetricQuery, type Unavailable } from './common.ts';
import { leadFacts, orderLinesFacts, ticketFacts } from './facts.ts';
import { AOV_MEASURE, SALES_MEASURES } from './measures.ts';
import type { FilterKey, Filters } from './filters.ts';

export type CompareKpi =
  | 'revenue' | 'orders' | 'aov' | 'units' | 'buyers' | 'new_buyers'
  | 'tickets' | 'avg_satisfaction' | 'median_handling_hours'
  | 'leads' | 'won_leads' | 'conversion';

/**
 * What each KPI means, for the UI's definition panel.
 * - revenue: sum of order-line amounts; orders: distinct orders; aov: revenue / orders;
 *   units: sum of quantity; buyers: distinct customers with an order;
 *   new_buyers: customers whose first-ever order (over all dates) is in the period.
 * - tickets: tickets opened; avg_satisfaction: mean rating of tickets opened in the period;
 *   median_handling_hours: median hours from opened to closed of tickets opened in the period (closed ones).
 * - leads: leads created; won_leads: leads won (by `won_at`);
 *   conversion: leads won in the period / leads created in the period (NULL when none was created).
 */
export const COMPARE_KPIS: readonly CompareKpi[] = [
  'revenue', 'orders', 'aov', 'units', 'buyers', 'new_buyers', 'tickets', 'avg_satisfaction', 'median_handling_hours', 'leads', 'won_leads', 'conversion',
];

/** Any other KPI: a fact query with a DATE column `day`, and an aggregate over its columns. */
export interface CustomKpi {
  /** A SELECT with a DATE column `day` (e.g. a `facts.ts` builder's SQL). */
  fact: string;
  /** An aggregate over the fact's columns, e.g. `sum(amount)`. */
  value: string;
  /** What an empty period is worth: `zero` for counts and sums (default), `null` for ratios and means. */
  empty?: 'zero' | 'null';
}

export interface CompareTables {
  orders?: TableInfo;
  tickets?: TableInfo;
  leads?: TableInfo;
  /** For segment/region/channel filters the fact table lacks. */
  customers?: TableInfo;
}

export interface CompareOptions {
  kpi: CompareKpi | CustomKpi;
  tables: CompareTables;
  grain: Grain;
  /** `YYYY-MM-DD`; the current period is the one containing it, up to and including it. */
  asOf: string;
  /**
   * Compare like with like when the current period is partial: the previous and
   * last-year windows are cut to the same number of days into their period
   * (never past their own end). Default false: they are whole periods.
   */
  toDate?: boolean;
  /** Dimension filters; `from`/`to` do not apply (the periods are set by `asOf`) and are reported as ignored. */
  filters?: Filters;
}

interface Kpi {
  fact: string;
  value: string;
  empty: 'zero' | 'null';
  ignored: FilterKey[];
}

function kpiFacts(kpi: CompareKpi | CustomKpi, tables: CompareTables, filters: Filters | undefined): Kpi | Unavailable {
  if (typeof kpi !== 'string') return { fact: kpi.fact, value: kpi.value, empty: kpi.empty ?? 'zero', ignored: [] };
  const common = { filters, ...(tables.customers ? { customers: tables.customers } : {}), skip: ['from', 'to'] as FilterKey[] };
  switch (kpi) {
    case 'revenue': case 'orders': case 'aov': case 'units': case 'buyers': case 'new_buyers': {
      const needs = {
        revenue: ['order_date', 'amount'], orders: ['order_date'], aov: ['order_date', 'amount'], units: ['order_date', 'quantity'],
        buyers: ['order_date', 'customer_id'], new_buyers: ['order_date', 'customer_id'],
      } as const;
      const m = missing(tables.orders, 'orders', needs[kpi]);
      if (m) {
        // An amount can also come from quantity × unit price.
        const priced = tables.orders && tables.orders.roles.quantity !== undefined && tables.orders.roles.unit_price !== undefined;
        if (!(priced && m.roles?.length === 1 && m.roles[0] === 'amount')) return m;
      }
      const o = orderLinesFacts(tables.orders!, common);
      const value = {
        revenue: SALES_MEASURES.revenue, orders: SALES_MEASURES.orders, aov: AOV_MEASURE,
        units: 'sum(quantity)', buyers: SALES_MEASURES.customers, new_buyers: 'count(DISTINCT customer_id)',
      }[kpi];
      const fact = kpi === 'new_buyers' ? `SELECT customer_id, min(day) AS day FROM (${o.sql}) WHERE customer_id IS NOT NULL AND NOT is_return GROUP BY customer_id` : o.sql;
      return { fact, value, empty: kpi === 'aov' ? 'null' : 'zero', ignored: o.ignored };
    }
    case 'tickets': case 'avg_satisfaction': case 'median_handling_hours': {
      const needs = { tickets: ['opened_at'], avg_satisfaction: ['opened_at', 'satisfaction'], median_handling_hours: ['opened_at', 'closed_at'] } as const;
      const m = missing(tables.tickets, 'tickets', needs[kpi]);
      if (m) return m;
      const t = ticketFacts(tables.tickets!, common);
      const value = {
        tickets: 'count(*)',
        avg_satisfaction: 'avg(satisfaction)',
        // Closed tickets only; a close stamped before the open is a data error, not a negative duration.
        median_handling_hours: `median(CASE WHEN closed_at >= opened_at THEN date_diff('second', opened_at, closed_at) / 3600.0 END)`,
      }[kpi];
      return { fact: t.sql, value, empty: kpi === 'tickets' ? 'zero' : 'null', ignored: t.ignored };
    }
    case 'leads': case 'won_leads': case 'conversion': {
      const needs = { leads: ['created_at'], won_leads: ['won_at'], conversion: ['created_at', 'won_at'] } as const;
      const m = missing(tables.leads, 'leads', needs[kpi]);
      if (m) return m;
      const l = leadFacts(tables.leads!, common);
      if (kpi === 'conversion') {
        // Leads won in the period over leads created in it (a flow rate): judging only the period's own leads would read
        // near 0 for the current month, whose leads have not had time to close.
        const fact = `SELECT day, 1 AS created, 0 AS won FROM (${l.sql}) UNION ALL SELECT won_day AS day, 0, 1 FROM (${l.sql}) WHERE won_day IS NOT NULL`;
        return { fact, value: 'CAST(sum(won) AS DOUBLE) / nullif(sum(created), 0)', empty: 'null', ignored: l.ignored };
      }
      const fact = kpi === 'leads' ? l.sql : `SELECT won_day AS day FROM (${l.sql})`;
      return { fact, value: 'count(*)', empty: 'zero', ignored: l.ignored };
    }
  }
  throw new Error(`Unknown KPI "${String(kpi)}"`);
}

/** The first day of the same period a year before `start` (52 weeks for weeks). */
function yearAgo(grain: Grain, start: string): string {
  switch (grain) {
    case 'day': return `CAST(${start} - INTERVAL 1 YEAR AS DATE)`;
    case 'week': return shiftPeriod('week', start, -52);
    case 'month': return shiftPeriod('month', start, -12);
    case 'quarter': return shiftPeriod('quarter', start, -4);
    case 'year': return shiftPeriod('year', start, -1);
  }
}

/** The day before the period after `start`. */
function periodEnd(grain: Grain, start: string): string {
  return `CAST(${shiftPeriod(grain, start, 1)} - INTERVAL 1 DAY AS DATE)`;
}

function ignoredDates(filters: Filters | undefined): FilterKey[] {
  return (['from', 'to'] as const).filter((k) => filters?.[k] !== undefined);
}

/** `w` CTE: windows (kind, k, period_start, period_end), then `v`: the KPI per window. */
function windowsSql(kpi: Kpi, grain: Grain, asOf: string, toDate: boolean, sparkline: number): string {
  const start = 'a.cur';
  const elapsed = `CAST(date_diff('day', ${start}, a.as_of) AS INTEGER)`;
  const cut = (from: string) => (toDate ? `least(CAST(${from} + ${elapsed} AS DATE), ${periodEnd(grain, from)})` : periodEnd(grain, from));
  const prev = shiftPeriod(grain, start, -1);
  const ly = yearAgo(grain, start);
  const spark = Array.from({ length: sparkline }, (_, i) => i - sparkline + 1)
    .map((k) => `SELECT 'spark', ${k}, ${shiftPeriod(grain, start, k)}, ${k === 0 ? 'a.as_of' : periodEnd(grain, shiftPeriod(grain, start, k))} FROM a`);
  return [
    `a AS (SELECT ${periodExpr(grain, asOf)} AS cur, ${asOf} AS as_of),`,
    `f AS (${kpi.fact}),`,
    `w AS (`,
    `  SELECT 'current' AS kind, 0 AS k, ${start} AS period_start, a.as_of AS period_end FROM a`,
    `  UNION ALL SELECT 'previous', -1, ${prev}, ${cut(prev)} FROM a`,
    `  UNION ALL SELECT 'last_year', 0, ${ly}, ${cut(ly)} FROM a`,
    ...spark.map((s) => `  UNION ALL ${s}`),
    `),`,
    // Aggregated over matching facts only (an outer join would hand count(*) a row of NULLs for an empty window).
    `agg AS (SELECT w.kind, w.k, ${kpi.value} AS value FROM w JOIN f ON f.day BETWEEN w.period_start AND w.period_end GROUP BY w.kind, w.k),`,
    `v AS (SELECT w.kind, w.k, w.period_start, w.period_end, ${kpi.empty === 'zero' ? 'coalesce(agg.value, 0)' : 'agg.value'} AS value`,
    `  FROM w LEFT JOIN agg ON agg.kind = w.kind AND agg.k = w.k)`,
  ].join('\n');
}

/** One row of `compareSql`. */
export interface CompareRow {
  current_start: string;
  current_end: string;
  current_value: number | null;
  previous_start: string;
  previous_end: string;
  previous_value: number | null;
  change_vs_previous: number | null;
  change_vs_previous_pct: number | null;
  last_year_start: string;
  last_year_end: string;
  last_year_value: number | null;
  change_vs_last_year: number | null;
  change_vs_last_year_pct: number | null;
}

/**
 * One row: the KPI in the current period (its first day to `asOf`), the
 * previous period and the same period a year earlier (52 weeks for weeks;
 * whole periods, or cut to the same days with `toDate`); change = current −
 * other; change_pct = change / |other| (NULL when the other is 0 or NULL).
 * With grain `year` the previous period and last year are the same window.
 */
export function compareSql(opts: CompareOptions): MetricQuery {
  const kpi = kpiFacts(opts.kpi, opts.tables, opts.filters);
  if ('reason' in kpi) return unavailable(kpi);
  const asOf = dateLiteral(opts.asOf, 'as-of date');
  const pick = (kind: string, col: string) => `any_value(${col}) FILTER (WHERE kind = ${lit(kind)})`;
  const change = (kind: string) => `${pick('current', 'value')} - ${pick(kind, 'value')}`;
  const sql = [
    `WITH ${windowsSql(kpi, opts.grain, asOf, opts.toDate ?? false, 0)}`,
    `SELECT ${pick('current', 'period_start')} AS current_start, ${pick('current', 'period_end')} AS current_end, ${pick('current', 'value')} AS current_value,`,
    `  ${pick('previous', 'period_start')} AS previous_start, ${pick('previous', 'period_end')} AS previous_end, ${pick('previous', 'value')} AS previous_value,`,
    `  ${change('previous')} AS change_vs_previous,`,
    `  (${change('previous')}) / nullif(abs(${pick('previous', 'value')}), 0) AS change_vs_previous_pct,`,
    `  ${pick('last_year', 'period_start')} AS last_year_start, ${pick('last_year', 'period_end')} AS last_year_end, ${pick('last_year', 'value')} AS last_year_value,`,
    `  ${change('last_year')} AS change_vs_last_year,`,
    `  (${change('last_year')}) / nullif(abs(${pick('last_year', 'value')}), 0) AS change_vs_last_year_pct`,
    `FROM v`,
  ].join('\n');
  return built(sql, [...kpi.ignored, ...ignoredDates(opts.filters)]);
}

export interface SparklineOptions extends Omit<CompareOptions, 'toDate'> {
  /** Number of periods, ending with the current one. Default 12. */
  periods?: number;
}

/** One row of `sparklineSql`. */
export interface SparklineRow {
  period_start: string;
  period_end: string;
  value: number | null;
}

/**
 * The KPI for each of the last `periods` periods, oldest first, ending with
 * the current period (cut at `asOf`, as in `compareSql`). Empty periods are 0
 * for counts and sums, NULL for ratios and means.
 */
export function sparklineSql(opts: SparklineOptions): MetricQuery {
  const kpi = kpiFacts(opts.kpi, opts.tables, opts.filters);
  if ('reason' in kpi) return unavailable(kpi);
  const periods = positiveInt(opts.periods ?? 12, 'periods');
  const sql = [
    `WITH ${windowsSql(kpi, opts.grain, dateLiteral(opts.asOf, 'as-of date'), false, periods)}`,
    `SELECT period_start, period_end, value FROM v WHERE kind = 'spark' ORDER BY k`,
  ].join('\n');
  return built(sql, [...kpi.ignored, ...ignoredDates(opts.filters)]);
}
