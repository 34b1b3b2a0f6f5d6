/**
 * Campaign effect: finds the table with a response column, runs the response
 * rate by the chosen dimension (and per campaign column when the file keeps
 * one per campaign), and returns typed rows.
 */
import type { Db, Row } from '../db/types.ts';
import type { TableInfo } from '../ingest/model.ts';
import type { Filters } from '../metrics/filters.ts';
import { CAMPAIGN_DIMENSIONS, campaignColumns, campaignColumnsSql, campaignResponseSql, hasResponse, type CampaignDimension } from '../metrics/campaigns.ts';

export interface ResponseLine {
  label: string | null;
  contacts: number;
  responders: number;
  rate: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  cost: number | null;
  revenue: number | null;
  returnOnSpend: number | null;
  costPerResponse: number | null;
}

export interface CampaignsResult {
  table: string;
  /** Dimensions the table has (its own columns). */
  dims: CampaignDimension[];
  /** The dimension the rows are by; null: the table has none. */
  by: CampaignDimension | null;
  total: ResponseLine | null;
  rows: ResponseLine[];
  /** One line per campaign column (iFood's AcceptedCmp1…5 and Response), empty when the file has no such columns. */
  campaigns: ResponseLine[];
  hasCost: boolean;
  hasRevenue: boolean;
  sql: string[];
}

const n = (r: Row, k: string): number | null => (r[k] === null || r[k] === undefined ? null : Number(r[k]));

function line(r: Row, label: string | null): ResponseLine {
  return {
    label,
    contacts: Number(r.contacts ?? 0),
    responders: Number(r.responders ?? 0),
    rate: n(r, 'rate'),
    ciLow: n(r, 'ci_low'),
    ciHigh: n(r, 'ci_high'),
    cost: n(r, 'cost'),
    revenue: n(r, 'revenue'),
    returnOnSpend: n(r, 'return_on_spend'),
    costPerResponse: n(r, 'cost_per_response'),
  };
}

/** The campaign effect of the first table with a response column; null when there is none. */
export async function loadCampaigns(db: Db, tables: readonly TableInfo[], filters: Filters, by: CampaignDimension | undefined): Promise<CampaignsResult | null> {
  const table = tables.find((t) => t.kind === 'customers' && hasResponse(t)) ?? tables.find(hasResponse);
  if (!table) return null;
  const dims = CAMPAIGN_DIMENSIONS.filter((d) => table.roles[d] !== undefined);
  const chosen = by && dims.includes(by) ? by : (dims[0] ?? null);
  const q = campaignResponseSql({ table, ...(chosen ? { by: chosen } : {}), filters });
  if (!q.ok) return null;
  const rows = (await db.query(q.sql)).rows;
  const totalRow = rows.find((r) => r.is_total === true);
  const cols = campaignColumns(table);
  const cq = cols.length ? campaignColumnsSql(table, cols, filters) : null;
  const campaigns = cq?.ok ? (await db.query(cq.sql)).rows.map((r) => line(r, String(r.campaign))) : [];
  return {
    table: table.name,
    dims,
    by: chosen,
    total: totalRow ? line(totalRow, null) : null,
    rows: chosen ? rows.filter((r) => r.is_total !== true).map((r) => line(r, r.group_value === null ? null : String(r.group_value))) : [],
    campaigns,
    hasCost: table.roles.cost !== undefined,
    hasRevenue: table.roles.campaign_revenue !== undefined,
    sql: [q.sql, ...(cq?.ok ? [cq.sql] : [])],
  };
}
