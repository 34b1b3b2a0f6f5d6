/**
 * Actuals for targets: one KPI over one period (and the period before it, for
 * "copy from last period"), overall or per level of a breakdown (segment,
 * region, owner). Every KPI reuses the definition the other pages use:
 *
 * - revenue, orders: `SALES_MEASURES` (measures.ts) over order-line facts;
 * - new_customers: customers whose first-ever order (over all dates) falls in
 *   the period, as `new_buyers` in compare.ts; their level is that of the first order;
 * - retention: `retentionSql` (loyalty.ts) read from the period's side: of the
 *   buyers active in the period before, the share active again in this one
 *   (that is the previous period's `retention_rate`); a buyer is counted in each
 *   level they bought in during the period before;
 * - satisfaction: mean rating of tickets opened in the period (`avg_satisfaction` in compare.ts);
 * - conversion: of the leads created in the period, the share with a `won_at`
 *   (the overall conversion of a `created_at → won_at` funnel, funnel.ts).
 *
 * Every level that occurs in the data over all dates gets a row in both
 * periods: a count or sum with no facts is 0, a rate or mean is NULL (no base).
 */
import type { TableInfo } from '../ingest/model.ts';
import { built, dateLiteral, missing, periodExpr, shiftPeriod, unavailable, type MetricQuery, type Unavailable } from './common.ts';
import { leadFacts, orderLinesFacts, ticketFacts, type Facts } from './facts.ts';
import type { FilterKey, Filters } from './filters.ts';
import { SALES_MEASURES } from './measures.ts';

export type TargetKpi = 'revenue' | 'orders' | 'new_customers' | 'retention' | 'satisfaction' | 'conversion';
export const TARGET_KPIS: readonly TargetKpi[] = ['revenue', 'orders', 'new_customers', 'retention', 'satisfaction', 'conversion'];

export type TargetGrain = 'month' | 'quarter' | 'year';
export const TARGET_GRAINS: readonly TargetGrain[] = ['month', 'quarter', 'year'];

export type TargetDim = 'segment' | 'region' | 'owner';
export const TARGET_DIMS: readonly TargetDim[] = ['segment', 'region', 'owner'];

/** Counts and sums add up over levels and days; rates and means do not. */
export const ADDITIVE_KPIS: ReadonlySet<TargetKpi> = new Set<TargetKpi>(['revenue', 'orders', 'new_customers']);

export interface TargetTables {
  orders?: TableInfo;
  customers?: TableInfo;
  tickets?: TableInfo;
  leads?: TableInfo;
}

export interface TargetActualsOptions {
  kpi: TargetKpi;
  tables: TargetTables;
  grain: TargetGrain;
  /** Any day of the period, `YYYY-MM-DD`. */
  period: string;
  /** One row per level of this dimension; none: one overall row (`level` NULL). */
  by?: TargetDim;
  /** Dimension filters and the revenue basis; `from`/`to` do not apply (the period sets the dates). */
  filters?: Filters;
}

/** One row of `targetActualsSql`. */
export interface TargetActualRow {
  /** `current`: the period asked for; `previous`: the one before it. */
  which: 'current' | 'previous';
  period_start: string;
  period_end: string;
  /** The breakdown level (NULL: blank, or the overall row). */
  level: string | null;
  value: number | null;
  /** What a rate or mean is taken over (buyers of the period before, rated tickets, leads); the value itself for counts and sums. */
  base: number | null;
}

interface KpiFacts {
  /** A SELECT with `day` (DATE) and `grp` (text) plus what `value` reads. */
  fact: string;
  value: string;
  base: string;
  ignored: FilterKey[];
  resolved: boolean;
}

const NEEDS: Record<TargetKpi, { kind: 'orders' | 'tickets' | 'leads'; roles: ('order_date' | 'amount' | 'customer_id' | 'opened_at' | 'satisfaction' | 'created_at' | 'won_at')[] }> = {
  revenue: { kind: 'orders', roles: ['order_date', 'amount'] },
  orders: { kind: 'orders', roles: ['order_date'] },
  new_customers: { kind: 'orders', roles: ['order_date', 'customer_id'] },
  retention: { kind: 'orders', roles: ['order_date', 'customer_id'] },
  satisfaction: { kind: 'tickets', roles: ['opened_at', 'satisfaction'] },
  conversion: { kind: 'leads', roles: ['created_at', 'won_at'] },
};

/** Why `kpi` cannot be measured from `tables`; undefined when it can. */
export function targetKpiMissing(kpi: TargetKpi, tables: TargetTables): Unavailable | undefined {
  const need = NEEDS[kpi];
  const table = tables[need.kind];
  const m = missing(table, need.kind, need.roles);
  // An amount can also come from quantity × unit price.
  if (m && m.roles?.length === 1 && m.roles[0] === 'amount' && table?.roles.quantity !== undefined && table.roles.unit_price !== undefined) return undefined;
  return m;
}

function withGrp(f: Facts, by: TargetDim | undefined): string {
  return by ? f.sql : `SELECT *, CAST(NULL AS VARCHAR) AS grp FROM (${f.sql})`;
}

function kpiFacts(opts: TargetActualsOptions): KpiFacts {
  const { kpi, tables, by } = opts;
  const common = { filters: opts.filters, ...(tables.customers ? { customers: tables.customers } : {}), skip: ['from', 'to'] as FilterKey[], ...(by ? { by } : {}) };
  switch (kpi) {
    case 'revenue': case 'orders': {
      const o = orderLinesFacts(tables.orders!, common);
      return { fact: withGrp(o, by), value: SALES_MEASURES[kpi], base: SALES_MEASURES[kpi], ignored: o.ignored, resolved: o.byResolved };
    }
    case 'new_customers': {
      const o = orderLinesFacts(tables.orders!, common);
      const fact = `SELECT customer_id, min(day) AS day, arg_min(grp, day) AS grp FROM (${withGrp(o, by)}) WHERE customer_id IS NOT NULL AND day IS NOT NULL AND NOT is_return GROUP BY customer_id`;
      return { fact, value: 'count(DISTINCT customer_id)', base: 'count(DISTINCT customer_id)', ignored: o.ignored, resolved: o.byResolved };
    }
    case 'retention': {
      // Handled by its own query (two periods); the facts here give the levels.
      const o = orderLinesFacts(tables.orders!, common);
      return { fact: withGrp(o, by), value: '', base: '', ignored: o.ignored, resolved: o.byResolved };
    }
    case 'satisfaction': {
      const t = ticketFacts(tables.tickets!, common);
      return { fact: withGrp(t, by), value: 'avg(satisfaction)', base: 'count(satisfaction)', ignored: t.ignored, resolved: t.byResolved };
    }
    case 'conversion': {
      const l = leadFacts(tables.leads!, common);
      return { fact: withGrp(l, by), value: 'count(*) FILTER (WHERE won_day IS NOT NULL) / nullif(count(*), 0)', base: 'count(*)', ignored: l.ignored, resolved: l.byResolved };
    }
  }
  throw new Error(`Unknown target KPI "${String(kpi)}"`);
}

/**
 * Actual values of one KPI in the period containing `period` and the period
 * before, overall or per level (see the module comment for each definition).
 * Rows: `which`, `period_start`, `period_end` (`YYYY-MM-DD`), `level`, `value`,
 * `base`; current period first, levels in text order, blank last.
 */
export function targetActualsSql(opts: TargetActualsOptions): MetricQuery {
  const { kpi, grain, by } = opts;
  if (!TARGET_GRAINS.includes(grain)) throw new Error(`Unknown target period "${String(grain)}"`);
  const m = targetKpiMissing(kpi, opts.tables);
  if (m) return unavailable(m);
  const k = kpiFacts(opts);
  if (by && !k.resolved) return unavailable({ reason: 'missing_role', kind: NEEDS[kpi].kind, table: opts.tables[NEEDS[kpi].kind]!.name, roles: [by] });
  const zero = kpi === 'revenue' || kpi === 'orders' || kpi === 'new_customers';
  // The period bounds are constant expressions, so each read of the facts is a plain date filter that DuckDB pushes
  // into the scan: no join of the facts with the two periods (a range join sorted every fact line of every date, and
  // ran out of DuckDB-WASM's memory at 10M order lines), and the facts are inlined where they are read, never
  // materialised as a shared CTE.
  const cur = periodExpr(grain, dateLiteral(opts.period, 'target period'));
  const prev = shiftPeriod(grain, cur, -1);
  const next = shiftPeriod(grain, cur, 1);
  const which = `CASE WHEN day >= ${cur} THEN 'current' ELSE 'previous' END`;
  const head = [
    `WITH w AS (SELECT 'current' AS which, 0 AS k, ${cur} AS start, ${next} AS stop`,
    `  UNION ALL SELECT 'previous', 1, ${prev}, ${cur}),`,
    by ? `lv AS (SELECT DISTINCT grp AS level FROM (${k.fact})),` : `lv AS (SELECT CAST(NULL AS VARCHAR) AS level),`,
  ];
  const agg =
    kpi === 'retention'
      ? [
          // retentionSql's definition: active = an order line in the period; retained = active again in the next one.
          // Only the three periods this reads: the one before the previous period, the previous and the current.
          `act AS (SELECT DISTINCT customer_id, ${periodExpr(grain, 'day')} AS period, grp FROM (${k.fact})`,
          `  WHERE customer_id IS NOT NULL AND day >= ${shiftPeriod(grain, cur, -2)} AND day < ${next}),`,
          `act_any AS (SELECT DISTINCT customer_id, period FROM act),`,
          `agg AS (`,
          `  SELECT w.which, a.grp AS level, count(DISTINCT n.customer_id) / nullif(count(DISTINCT a.customer_id), 0) AS value,`,
          `    count(DISTINCT a.customer_id) AS base`,
          `  FROM w JOIN act AS a ON a.period = ${shiftPeriod(grain, 'w.start', -1)}`,
          `  LEFT JOIN act_any AS n ON n.customer_id = a.customer_id AND n.period = w.start`,
          `  GROUP BY w.which, a.grp)`,
        ]
      : [`agg AS (SELECT ${which} AS which, grp AS level, ${k.value} AS value, ${k.base} AS base FROM (${k.fact}) WHERE day >= ${prev} AND day < ${next} GROUP BY ALL)`];
  const sql = [
    ...head,
    ...agg,
    `SELECT w.which, CAST(w.start AS VARCHAR) AS period_start, CAST(CAST(w.stop - INTERVAL 1 DAY AS DATE) AS VARCHAR) AS period_end, lv.level,`,
    `  CAST(${zero ? 'coalesce(agg.value, 0)' : 'agg.value'} AS DOUBLE) AS value, CAST(coalesce(agg.base, 0) AS DOUBLE) AS base`,
    `FROM w CROSS JOIN lv LEFT JOIN agg ON agg.which = w.which AND agg.level IS NOT DISTINCT FROM lv.level`,
    `ORDER BY w.k, lv.level NULLS LAST`,
  ].join('\n');
  return built(sql, k.ignored);
}

/**
 * `lo`, `hi` (`YYYY-MM-DD`): the first and last day any KPI can be measured on
 * (order dates, ticket openings, lead creations); NULLs when none is dated.
 */
export function targetDateBoundsSql(tables: TargetTables): string | null {
  const parts: string[] = [];
  if (tables.orders?.roles.order_date) parts.push(`SELECT day FROM (${orderLinesFacts(tables.orders).sql})`);
  if (tables.tickets?.roles.opened_at) parts.push(`SELECT day FROM (${ticketFacts(tables.tickets).sql})`);
  if (tables.leads?.roles.created_at) parts.push(`SELECT day FROM (${leadFacts(tables.leads).sql})`);
  if (parts.length === 0) return null;
  return `SELECT CAST(min(day) AS VARCHAR) AS lo, CAST(max(day) AS VARCHAR) AS hi FROM (${parts.join(' UNION ALL ')}) WHERE day IS NOT NULL`;
}
