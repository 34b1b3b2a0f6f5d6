/**
 * Runs the targets panel's queries: which KPIs and breakdowns this workspace
 * supports, the span of dated activity, and the actuals of each KPI for a
 * period (overall, and for one KPI per level of a breakdown).
 */
import type { Db } from '../db/types.ts';
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import type { Unavailable } from '../metrics/common.ts';
import type { RevenueBasis } from '../metrics/measures.ts';
import {
  TARGET_DIMS, TARGET_KPIS, targetActualsSql, targetDateBoundsSql, targetKpiMissing,
  type TargetActualRow, type TargetDim, type TargetGrain, type TargetKpi, type TargetTables,
} from '../metrics/targets.ts';
import { leadTables } from './analytics.ts';

export interface TargetsSetup {
  tables: TargetTables;
  /** The KPIs the workspace can measure, in the panel's order. */
  kpis: TargetKpi[];
  /** Per KPI, the breakdowns it resolves (segment through the customers table, owner on leads…). */
  dims: Partial<Record<TargetKpi, TargetDim[]>>;
}

/** What the workspace supports; pure (the builders are only asked whether they can build). */
export function targetsSetup(all: readonly TableInfo[]): TargetsSetup {
  const { leads } = leadTables(all);
  const tables: TargetTables = {
    ...(tableOfKind(all, 'orders') ? { orders: tableOfKind(all, 'orders') } : {}),
    ...(tableOfKind(all, 'customers') ? { customers: tableOfKind(all, 'customers') } : {}),
    ...(tableOfKind(all, 'tickets') ? { tickets: tableOfKind(all, 'tickets') } : {}),
    ...(leads ? { leads } : {}),
  };
  const kpis = TARGET_KPIS.filter((k) => targetKpiMissing(k, tables) === undefined);
  const dims: TargetsSetup['dims'] = {};
  for (const kpi of kpis) dims[kpi] = TARGET_DIMS.filter((by) => targetActualsSql({ kpi, tables, grain: 'month', period: '2000-01-01', by }).ok);
  return { tables, kpis, dims };
}

export async function loadTargetBounds(db: Db, setup: TargetsSetup): Promise<{ lo: string; hi: string } | null> {
  const sql = targetDateBoundsSql(setup.tables);
  if (!sql) return null;
  const row = (await db.query(sql)).rows[0];
  return row && typeof row.lo === 'string' && typeof row.hi === 'string' ? { lo: row.lo, hi: row.hi } : null;
}

export interface KpiActuals {
  kpi: TargetKpi;
  dim: TargetDim | null;
  sql: string | null;
  rows: TargetActualRow[];
  unavailable?: Unavailable;
}

async function runOne(db: Db, setup: TargetsSetup, kpi: TargetKpi, grain: TargetGrain, period: string, by: TargetDim | null, revenue?: RevenueBasis): Promise<KpiActuals> {
  const q = targetActualsSql({ kpi, tables: setup.tables, grain, period, ...(by ? { by } : {}), ...(revenue ? { filters: { revenue } } : {}) });
  if (!q.ok) return { kpi, dim: by, sql: null, rows: [], unavailable: q.unavailable };
  const rows = (await db.query(q.sql)).rows.map((r) => ({
    which: r.which === 'previous' ? 'previous' : 'current',
    period_start: String(r.period_start),
    period_end: String(r.period_end),
    level: r.level === null || r.level === undefined ? null : String(r.level),
    value: r.value === null || r.value === undefined ? null : Number(r.value),
    base: r.base === null || r.base === undefined ? null : Number(r.base),
  })) satisfies TargetActualRow[];
  return { kpi, dim: by, sql: q.sql, rows };
}

export interface TargetActuals {
  /** Every supported KPI, overall. */
  overall: KpiActuals[];
  /** The chosen KPI per level of the chosen breakdown. */
  breakdown: KpiActuals | null;
}

/** Actuals for the period containing `period` (and the one before). One query at a time: the engine is single-threaded anyway. */
export async function loadTargetActuals(
  db: Db,
  setup: TargetsSetup,
  opts: { grain: TargetGrain; period: string; breakdown?: { kpi: TargetKpi; dim: TargetDim }; revenue?: RevenueBasis },
): Promise<TargetActuals> {
  const overall: KpiActuals[] = [];
  for (const kpi of setup.kpis) overall.push(await runOne(db, setup, kpi, opts.grain, opts.period, null, opts.revenue));
  const b = opts.breakdown;
  const breakdown = b && setup.dims[b.kpi]?.includes(b.dim) ? await runOne(db, setup, b.kpi, opts.grain, opts.period, b.dim, opts.revenue) : null;
  return { overall, breakdown };
}
