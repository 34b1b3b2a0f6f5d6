/**
 * Sales staff performance: runs `ownersSql` for a period and the one before
 * it, and joins them per owner with the change in each measure.
 */
import type { Db, Row } from '../db/types.ts';
import type { TableInfo } from '../ingest/model.ts';
import type { Filters } from '../metrics/filters.ts';
import { hasOwners, lastLeadDaySql, ownersSql, periodEnding, previousPeriod } from '../metrics/owners.ts';
import { leadTables } from './analytics.ts';

/** How far back the period reaches from the last lead date, when the date filter does not set it. */
export type OwnerSpan = 'quarter' | 'half' | 'year';
export const OWNER_SPANS: Record<OwnerSpan, number> = { quarter: 3, half: 6, year: 12 };

export interface OwnerFigures {
  leads: number | null;
  conversion: number | null;
  deals: number;
  revenue: number | null;
  avgDeal: number | null;
  medianCycleDays: number | null;
}

export interface OwnerLine {
  owner: string | null;
  rank: number;
  current: OwnerFigures;
  /** Null: the owner had neither a lead nor a deal in the previous period. */
  previous: OwnerFigures | null;
  /** Relative change (0.25 = +25 %) of counts and money; absolute change of conversion (percentage points) and of cycle days. */
  change: { leads: number | null; conversion: number | null; deals: number | null; revenue: number | null; avgDeal: number | null; medianCycleDays: number | null };
}

export interface OwnersResult {
  period: { from: string; to: string };
  previous: { from: string; to: string };
  rows: OwnerLine[];
  /** Owners come from the closed-deals table: lead counts and conversion are not known per owner. */
  ownerFromDeals: boolean;
  sql: string[];
}

const n = (r: Row, k: string): number | null => (r[k] === null || r[k] === undefined ? null : Number(r[k]));

function figures(r: Row): OwnerFigures {
  return { leads: n(r, 'leads'), conversion: n(r, 'conversion'), deals: Number(r.deals ?? 0), revenue: n(r, 'revenue'), avgDeal: n(r, 'avg_deal'), medianCycleDays: n(r, 'median_cycle_days') };
}

const rel = (a: number | null, b: number | null | undefined): number | null => (a === null || b === null || b === undefined || b === 0 ? null : a / b - 1);
const abs = (a: number | null, b: number | null | undefined): number | null => (a === null || b === null || b === undefined ? null : a - b);

/** This period's rows with last period's figures beside them (owners only in the previous period are left out). */
export function compareOwners(current: readonly Row[], previous: readonly Row[]): OwnerLine[] {
  const before = new Map(previous.map((r) => [r.owner === null ? null : String(r.owner), figures(r)]));
  return current.map((r) => {
    const owner = r.owner === null ? null : String(r.owner);
    const cur = figures(r);
    const prev = before.get(owner) ?? null;
    return {
      owner,
      rank: Number(r.rank),
      current: cur,
      previous: prev,
      change: {
        leads: rel(cur.leads, prev?.leads),
        conversion: abs(cur.conversion, prev?.conversion),
        deals: rel(cur.deals, prev?.deals),
        revenue: rel(cur.revenue, prev?.revenue),
        avgDeal: rel(cur.avgDeal, prev?.avgDeal),
        medianCycleDays: abs(cur.medianCycleDays, prev?.medianCycleDays),
      },
    };
  });
}

/**
 * Owners' figures for the date filter's period (both ends set), else the
 * `span` ending on the filter's end or the last lead date; null when the
 * workspace has no owner column (or no dated leads).
 */
export async function loadOwners(db: Db, tables: readonly TableInfo[], filters: Filters, span: OwnerSpan): Promise<OwnersResult | null> {
  const { leads, deals } = leadTables(tables);
  if (!leads || !hasOwners(leads, deals)) return null;
  const customers = tables.find((t) => t.kind === 'customers');
  let period: { from: string; to: string };
  if (filters.from && filters.to) period = { from: filters.from, to: filters.to };
  else {
    const last = filters.to ?? (await db.query(lastLeadDaySql(leads, deals))).rows[0]?.hi;
    if (typeof last !== 'string') return null;
    period = periodEnding(last, OWNER_SPANS[span]);
  }
  const previous = previousPeriod(period.from, period.to);
  const base = { leads, ...(deals ? { deals } : {}), ...(customers ? { customers } : {}), filters };
  const q = ownersSql({ ...base, ...period });
  const p = ownersSql({ ...base, ...previous });
  if (!q.ok || !p.ok) return null;
  const [cur, prev] = [(await db.query(q.sql)).rows, (await db.query(p.sql)).rows];
  return { period, previous, rows: compareOwners(cur, prev), ownerFromDeals: leads.roles.owner === undefined, sql: [q.sql] };
}
