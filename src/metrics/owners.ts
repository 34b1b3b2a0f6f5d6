/**
 * Sales staff performance: per lead owner, leads, won deals, conversion,
 * revenue (won deal value), average deal and median cycle time within one
 * period; the runner asks for two periods to compare them.
 */
import type { TableInfo } from '../ingest/model.ts';
import { built, dateLiteral, missing, unavailable, type MetricQuery } from './common.ts';
import { leadFacts } from './facts.ts';
import type { Filters } from './filters.ts';

export interface OwnersOptions {
  /** Needs `owner` (else `deals` must have it) and `created_at`. */
  leads: TableInfo;
  /** Closed deals in a second table, joined on `lead_id`: supplies the close date, value or owner the leads lack. */
  deals?: TableInfo;
  customers?: TableInfo;
  /** The period, `YYYY-MM-DD`, both days included. */
  from: string;
  to: string;
  /** Dimension filters as usual; `from`/`to` are replaced by the period above. */
  filters?: Filters;
}

/** One row of `ownersSql`. */
export interface OwnerRow {
  /** NULL: no owner (blank or missing), shown as "Unassigned". */
  owner: string | null;
  /** Leads created in the period; NULL when only the deals table names owners (leads that did not close have none). */
  leads: number | null;
  /** Of those leads, how many were won (by any date). */
  leads_won: number | null;
  /** leads_won / leads. */
  conversion: number | null;
  /** Deals won in the period. */
  deals: number;
  /** Sum of won deals' value, NULL without a value column. */
  revenue: number | null;
  avg_deal: number | null;
  /** Median days from created to won, over deals won in the period with both dates. */
  median_cycle_days: number | null;
  /** 1 = most revenue (then most deals); ties share a rank. */
  rank: number;
}

/** Where each part of a lead's outcome comes from. */
interface Sources {
  ownerFromDeals: boolean;
  wonFromDeals: boolean;
  valueFromDeals: boolean;
}

function sources(leads: TableInfo, deals: TableInfo | undefined): Sources | null {
  const joinable = deals !== undefined && deals !== leads && deals.roles.lead_id !== undefined && leads.roles.lead_id !== undefined;
  const fromDeals = (role: 'owner' | 'won_at' | 'value') => leads.roles[role] === undefined && joinable && deals.roles[role] !== undefined;
  const s = { ownerFromDeals: fromDeals('owner'), wonFromDeals: fromDeals('won_at'), valueFromDeals: fromDeals('value') };
  return leads.roles.owner !== undefined || s.ownerFromDeals ? s : null;
}

/** Whether the workspace can show sales staff performance: an owner column on the leads (or on their deals). */
export function hasOwners(leads: TableInfo | undefined, deals?: TableInfo): boolean {
  return leads !== undefined && sources(leads, deals) !== null;
}

/**
 * Per owner within [from, to]: leads created; of them, those ever won
 * (conversion = leads_won / leads, a cohort rate); deals won in the period,
 * their revenue (sum of `value`), average deal and median days from created to
 * won. A blank or missing owner is one group (NULL). Owners with neither a
 * lead nor a deal in the period are left out. Rank by revenue, then deals.
 */
export function ownersSql(opts: OwnersOptions): MetricQuery {
  const { leads, deals, filters } = opts;
  const src = sources(leads, deals);
  if (!src) return unavailable({ reason: 'missing_role', kind: 'leads', table: leads.name, roles: ['owner'] });
  const m = missing(leads, 'leads', ['created_at']);
  if (m) return unavailable(m);
  const from = dateLiteral(opts.from, 'period start');
  const to = dateLiteral(opts.to, 'period end');
  const l = leadFacts(leads, { filters, ...(opts.customers ? { customers: opts.customers } : {}), skip: ['from', 'to'] });
  const anyFromDeals = src.ownerFromDeals || src.wonFromDeals || src.valueFromDeals;
  const d = anyFromDeals && deals ? leadFacts(deals) : null;
  const pick = (fromDeals: boolean, col: string) => (fromDeals ? `d.${col}` : `l.${col}`);
  const sql = [
    `WITH l AS (${l.sql}),`,
    d
      ? `d AS (SELECT lead_key, min(won_day) AS won_day, any_value(owner) AS owner, sum(value) AS value FROM (${d.sql}) WHERE lead_key IS NOT NULL GROUP BY lead_key),`
      : '',
    `o AS (`,
    `  SELECT nullif(trim(${pick(src.ownerFromDeals, 'owner')}), '') AS owner, l.day, ${pick(src.wonFromDeals, 'won_day')} AS won_day, ${pick(src.valueFromDeals, 'value')} AS value`,
    `  FROM l${d ? ' LEFT JOIN d ON d.lead_key = l.lead_key' : ''}`,
    `),`,
    `agg AS (`,
    `  SELECT owner,`,
    `    count(*) FILTER (WHERE day BETWEEN ${from} AND ${to}) AS leads,`,
    `    count(*) FILTER (WHERE day BETWEEN ${from} AND ${to} AND won_day IS NOT NULL) AS leads_won,`,
    `    count(*) FILTER (WHERE won_day BETWEEN ${from} AND ${to}) AS deals,`,
    `    sum(value) FILTER (WHERE won_day BETWEEN ${from} AND ${to}) AS revenue,`,
    `    avg(value) FILTER (WHERE won_day BETWEEN ${from} AND ${to}) AS avg_deal,`,
    `    quantile_cont(date_diff('day', day, won_day), 0.5) FILTER (WHERE won_day BETWEEN ${from} AND ${to} AND won_day >= day) AS median_cycle_days`,
    `  FROM o GROUP BY owner`,
    `)`,
    `SELECT owner,`,
    src.ownerFromDeals ? `  CAST(NULL AS BIGINT) AS leads, CAST(NULL AS BIGINT) AS leads_won, CAST(NULL AS DOUBLE) AS conversion,` : `  leads, leads_won, leads_won / nullif(leads, 0) AS conversion,`,
    `  deals, revenue, avg_deal, median_cycle_days,`,
    `  CAST(rank() OVER (ORDER BY revenue DESC NULLS LAST, deals DESC) AS INTEGER) AS rank`,
    `FROM agg`,
    // Without an owner on the leads, every lead that did not close is "unassigned": that row says nothing about staff.
    `WHERE (${src.ownerFromDeals ? 'deals > 0' : 'leads > 0 OR deals > 0'})`,
    `ORDER BY rank, owner NULLS LAST`,
  ].filter((line) => line !== '').join('\n');
  return built(sql, l.ignored);
}

/** The last day any lead was created or won (in `leads` or `deals`), as `hi` (`YYYY-MM-DD` text, NULL when none). */
export function lastLeadDaySql(leads: TableInfo, deals?: TableInfo): string {
  const parts = [leads, ...(deals && deals !== leads ? [deals] : [])].map((t) => `SELECT day, won_day FROM (${leadFacts(t).sql})`);
  return `SELECT CAST(greatest(max(day), max(won_day)) AS VARCHAR) AS hi FROM (${parts.join(' UNION ALL ')})`;
}

const DAY_MS = 86_400_000;
const parseDay = (d: string): number => Date.parse(`${d}T00:00:00Z`);
const isoDay = (t: number): string => new Date(t).toISOString().slice(0, 10);

/** `YYYY-MM-DD` moved by whole months (the day clamped to the month's end). */
function addMonths(day: string, months: number): string {
  const t = new Date(parseDay(day));
  const target = new Date(Date.UTC(t.getUTCFullYear(), t.getUTCMonth() + months, 1));
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(t.getUTCDate(), last));
  return isoDay(target.getTime());
}

/** The `months` months ending on `asOf`: from the day after `asOf` a whole number of months back. */
export function periodEnding(asOf: string, months: number): { from: string; to: string } {
  return { from: addMonths(isoDay(parseDay(asOf) + DAY_MS), -months), to: asOf };
}

/**
 * The period of the same length just before [from, to]: whole calendar months
 * move by months (a year before a year, whatever its days); others by days.
 */
export function previousPeriod(from: string, to: string): { from: string; to: string } {
  const a = parseDay(from);
  const b = parseDay(to);
  if (Number.isNaN(a) || Number.isNaN(b) || b < a) throw new Error(`A period must run forward: ${from} … ${to}`);
  const after = isoDay(b + DAY_MS);
  if (from.endsWith('-01') && after.endsWith('-01')) {
    const months = (Number(after.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(after.slice(5, 7)) - Number(from.slice(5, 7));
    return { from: addMonths(from, -months), to: isoDay(a - DAY_MS) };
  }
  return { from: isoDay(a - (b - a + DAY_MS)), to: isoDay(a - DAY_MS) };
}
