/**
 * Overview figures for workspaces whose tables are not customers or orders:
 * reviews (any table with a rating or a positive/negative label beside text),
 * leads and tickets. Pure SQL builders; each returns one row.
 */
import { tableOfKind, type TableInfo } from '../ingest/model.ts';
import { isNumericType, isTemporalType, normalizeHeader } from '../ingest/roles.ts';
import { ident } from '../lib/sql.ts';
import { hoursBetween, timestampExpr } from './common.ts';
import { churnFlagExpr, dateExpr, numberExpr, roleColumn } from './expr.ts';

type Col = { name: string; type: string };

/** What a feedback table holds: a 1–5 (or 1–10) rating, a yes/no label (positive, recommended), review text, a date. */
export interface ReviewColumns {
  rating?: Col;
  label?: Col;
  text: Col;
  date?: Col;
}

const RATING = ['rating', 'stars', 'star', 'score', 'satisfaction', 'csat', '评分', '星级', '打分', '满意度'];
const LABEL = ['label', 'sentiment', 'recommend', 'positive', 'polarity', '标签', '情感', '正负', '推荐'];
const TEXT = ['review', 'text', 'comment', 'content', 'feedback', 'body', 'title', '评论', '评价', '内容', '留言'];

const find = (cols: readonly Col[], words: readonly string[], fits: (c: Col) => boolean): Col | undefined => {
  for (const w of words) {
    const c = cols.find((x) => normalizeHeader(x.name).includes(w) && fits(x));
    if (c) return c;
  }
  return undefined;
};

/**
 * The review-like columns of a feedback table (or one outside the CRM kinds, or tickets that are only ratings), found by
 * header; undefined when it has neither a rating nor a label (then it is not
 * feedback, just a table) or no text column. Preferring review text over a title.
 */
export function reviewColumns(table: TableInfo): ReviewColumns | undefined {
  // Tables the app derives (customer features, scores) are never reviews.
  if ((table.kind !== 'other' && table.kind !== 'feedback' && !ratingsOnly(table)) || table.source.startsWith('derived:')) return undefined;
  const cols = table.columns.map((c) => ({ name: c.name, type: c.type.toUpperCase() }));
  const numeric = (c: Col) => isNumericType(c.type);
  const rating = find(cols, RATING, numeric);
  const label = find(cols, LABEL, (c) => c !== rating && (numeric(c) || c.type === 'BOOLEAN' || c.type === 'VARCHAR'));
  const text = find(cols, TEXT, (c) => c.type === 'VARCHAR' && c !== label);
  // A review is text with a rating or a label; a number table with a "score" column is not feedback.
  if ((!rating && !label) || !text) return undefined;
  const date = cols.find((c) => isTemporalType(c.type));
  return { ...(rating ? { rating } : {}), ...(label ? { label } : {}), text, ...(date ? { date } : {}) };
}

/** A "tickets" table with a rating and no ticket id or dates (ingest reads a review file's `Rating` as satisfaction): reviews. */
function ratingsOnly(table: TableInfo): boolean {
  const r = table.roles;
  return table.kind === 'tickets' && r.ticket_id === undefined && r.opened_at === undefined && r.closed_at === undefined && r.first_response_at === undefined;
}

/** The first table that reads as reviews, with its columns. */
export function reviewTable(tables: readonly TableInfo[]): { table: TableInfo; cols: ReviewColumns } | undefined {
  for (const table of tables) {
    const cols = reviewColumns(table);
    if (cols) return { table, cols };
  }
  return undefined;
}

/**
 * One row: `reviews` (rows), `rated` and `avg_rating` (NULL without a rating),
 * `labelled` and `positive_share` (yes/1/true over yes-or-no values; NULL
 * without a label), `with_text` (non-blank text; NULL without text).
 */
export function reviewKpiSql(table: TableInfo, cols: ReviewColumns): string {
  const rating = cols.rating ? numberExpr(cols.rating) : undefined;
  const flag = cols.label ? churnFlagExpr(cols.label) : undefined;
  const text = cols.text ? `nullif(trim(CAST(${ident(cols.text.name)} AS VARCHAR)), '')` : undefined;
  return [
    'SELECT count(*) AS reviews,',
    `  ${rating ? `count(${rating})` : 'CAST(NULL AS BIGINT)'} AS rated,`,
    `  ${rating ? `avg(${rating})` : 'CAST(NULL AS DOUBLE)'} AS avg_rating,`,
    `  ${flag ? `count(${flag})` : 'CAST(NULL AS BIGINT)'} AS labelled,`,
    `  ${flag ? `CAST(count(*) FILTER (WHERE ${flag}) AS DOUBLE) / nullif(count(${flag}), 0)` : 'CAST(NULL AS DOUBLE)'} AS positive_share,`,
    `  ${text ? `count(${text})` : 'CAST(NULL AS BIGINT)'} AS with_text`,
    `FROM ${ident(table.name)}`,
  ].join('\n');
}

/** Rows per value of `column` (as text, blanks as NULL), most first; numbers in their order (ratings 1…5). */
export function valueCountsSql(table: TableInfo, column: string, limit = 12): string {
  const col = table.columns.find((c) => c.name === column);
  const numeric = col !== undefined && isNumericType(col.type.toUpperCase());
  return [
    `SELECT CAST(${ident(column)} AS VARCHAR) AS category, count(*) AS n`,
    `FROM ${ident(table.name)}`,
    'GROUP BY 1',
    `ORDER BY ${numeric ? `min(${ident(column)}) NULLS LAST` : 'n DESC, category NULLS LAST'}`,
    `LIMIT ${Math.max(1, Math.trunc(limit))}`,
  ].join('\n');
}

/** Rows per calendar month of `date` (a DATE/TIMESTAMP or date-like text column), first to last month, empty months as 0: month, n. */
export function monthlyCountSql(table: TableInfo, date: Col): string {
  return [
    // NULL dates left out before date_trunc: DuckDB 1.4.3 lets `date_trunc(…) IS NOT NULL` through for a NULL DATE.
    `WITH d AS (SELECT date_trunc('month', ${dateExpr(date)}) AS month FROM ${ident(table.name)} WHERE ${dateExpr(date)} IS NOT NULL),`,
    'm AS (SELECT month, count(*) AS n FROM d GROUP BY month),',
    'span AS (SELECT CAST(range AS DATE) AS month FROM range((SELECT CAST(min(month) AS TIMESTAMP) FROM m), (SELECT CAST(max(month) AS TIMESTAMP) FROM m) + INTERVAL 1 MONTH, INTERVAL 1 MONTH))',
    'SELECT strftime(span.month, \'%Y-%m\') AS month, coalesce(m.n, 0) AS n FROM span LEFT JOIN m ON m.month = span.month ORDER BY span.month',
  ].join('\n');
}

/**
 * One row over a leads table: `leads` (distinct `lead_id`, else rows), `won`
 * and `conversion` (won / leads) and `median_days` (created → won). A lead is
 * won when its `won_at` is set, or, given `deals` (a second table of closed
 * deals, see report/analytics.ts leadTables), when its id is among the deals'
 * (the close date then comes from the deals' `won_at`). `won`, `conversion`
 * are NULL when neither says; `median_days` also needs `created_at`.
 */
export function leadKpiSql(leads: TableInfo, deals?: TableInfo): string {
  const id = roleColumn(leads, 'lead_id');
  const created = roleColumn(leads, 'created_at');
  const ownWon = roleColumn(leads, 'won_at');
  const dealId = deals && roleColumn(deals, 'lead_id');
  const dealWon = deals && roleColumn(deals, 'won_at');
  const key = id ? `CAST(${ident(id.name)} AS VARCHAR)` : 'CAST(rowid AS VARCHAR)';
  const joined = Boolean(id && deals && dealId);
  const wonDay = joined ? (dealWon ? `d.won_day` : 'CAST(NULL AS DATE)') : ownWon ? dateExpr(ownWon) : undefined;
  const isWon = joined ? 'd.k IS NOT NULL' : ownWon ? `${dateExpr(ownWon)} IS NOT NULL` : undefined;
  const dealsCte = joined
    ? `d AS (SELECT CAST(${ident(dealId!.name)} AS VARCHAR) AS k, ${dealWon ? `min(${dateExpr(dealWon)})` : 'CAST(NULL AS DATE)'} AS won_day FROM ${ident(deals!.name)} WHERE ${ident(dealId!.name)} IS NOT NULL GROUP BY 1),`
    : '';
  return [
    'WITH',
    dealsCte,
    `l AS (SELECT ${key} AS k, ${created ? dateExpr(created) : 'CAST(NULL AS DATE)'} AS created, ${isWon ?? 'CAST(NULL AS BOOLEAN)'} AS won, ${wonDay ?? 'CAST(NULL AS DATE)'} AS won_day`,
    `  FROM ${ident(leads.name)}${joined ? ' LEFT JOIN d ON d.k = ' + key : ''}),`,
    'per AS (SELECT k, min(created) AS created, bool_or(won) AS won, min(won_day) AS won_day FROM l WHERE k IS NOT NULL GROUP BY k)',
    'SELECT count(*) AS leads,',
    `  ${isWon ? 'count(*) FILTER (WHERE won)' : 'CAST(NULL AS BIGINT)'} AS won,`,
    `  ${isWon ? 'CAST(count(*) FILTER (WHERE won) AS DOUBLE) / nullif(count(*), 0)' : 'CAST(NULL AS DOUBLE)'} AS conversion,`,
    "  median(CASE WHEN won_day >= created THEN date_diff('day', created, won_day) END) AS median_days",
    'FROM per',
  ].filter((l) => l !== '').join('\n');
}

/** One row over a tickets table: `tickets`, `avg_satisfaction`, `median_hours` (opened → closed, closed tickets whose close is not before the open). */
export function ticketKpiSql(tickets: TableInfo): string {
  const sat = roleColumn(tickets, 'satisfaction');
  const opened = roleColumn(tickets, 'opened_at');
  const closed = roleColumn(tickets, 'closed_at');
  const hours = opened && closed ? hoursBetween(timestampExpr(opened), timestampExpr(closed)) : undefined;
  return [
    'SELECT count(*) AS tickets,',
    `  ${sat ? `avg(${numberExpr(sat)})` : 'CAST(NULL AS DOUBLE)'} AS avg_satisfaction,`,
    `  ${hours ? `median(CASE WHEN ${hours} >= 0 THEN ${hours} END)` : 'CAST(NULL AS DOUBLE)'} AS median_hours`,
    `FROM ${ident(tickets.name)}`,
  ].join('\n');
}

/** Which of the activity kinds a workspace holds (the overview shows their cards only). */
export function activityTables(tables: readonly TableInfo[]): { leads?: TableInfo; tickets?: TableInfo; reviews?: { table: TableInfo; cols: ReviewColumns } } {
  const leads = tableOfKind(tables, 'leads');
  const reviews = reviewTable(tables);
  const tickets = tables.find((t) => t.kind === 'tickets' && t !== reviews?.table);
  return { ...(leads ? { leads } : {}), ...(tickets ? { tickets } : {}), ...(reviews ? { reviews } : {}) };
}

/** One row, `first_day` (text YYYY-MM-DD, NULL when none): the earliest date of `role` in `table`. */
export function firstDaySql(table: TableInfo, role: 'opened_at' | 'created_at'): string | null {
  const c = roleColumn(table, role);
  return c ? `SELECT strftime(min(${dateExpr(c)}), '%Y-%m-%d') AS first_day FROM ${ident(table.name)}` : null;
}

/** One row, `last_day` (text YYYY-MM-DD): the latest ticket opened or lead created; null when neither table is dated. */
export function activityBoundsSql(tickets: TableInfo | undefined, leads: TableInfo | undefined): string | null {
  const parts: string[] = [];
  const opened = tickets && roleColumn(tickets, 'opened_at');
  if (tickets && opened) parts.push(`SELECT max(${dateExpr(opened)}) AS d FROM ${ident(tickets.name)}`);
  const created = leads && roleColumn(leads, 'created_at');
  if (leads && created) parts.push(`SELECT max(${dateExpr(created)}) AS d FROM ${ident(leads.name)}`);
  if (parts.length === 0) return null;
  return `SELECT strftime(max(d), '%Y-%m-%d') AS last_day FROM (${parts.join(' UNION ALL ')})`;
}
