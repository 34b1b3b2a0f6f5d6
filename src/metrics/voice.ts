/**
 * Voice of the customer (issue 14): the rows the text analysis reads, one per
 * non-blank text, from a feedback table or a tickets table's description.
 * A feedback row with a `ticket_id` takes its ticket's opening and closing
 * times from the tickets table, for complaint handling time by topic.
 */
import type { TableInfo } from '../ingest/model.ts';
import { ident } from '../lib/sql.ts';
import { asText, built, hoursBetween, missing, timestampExpr, unavailable, type MetricQuery } from './common.ts';
import { dateExpr, numberExpr, roleColumn } from './expr.ts';

export interface FeedbackRowsOptions {
  /** A feedback or tickets table with a `feedback_text` role. */
  table: TableInfo;
  /** Tickets table to join on `ticket_id` (feedback tables only). */
  tickets?: TableInfo;
  /** Most rows read (the first ones in the table); default 200,000. */
  limit?: number;
}

/** One row of `feedbackRowsSql`. */
export interface FeedbackRow {
  text: string;
  /** `YYYY-MM` or null. */
  month: string | null;
  rating: number | null;
  label: string | null;
  /** Hours from opening to closing; null while open or without ticket dates. */
  hours: number | null;
  /** Ticket closed (true), open (false), or null without ticket dates. */
  closed: boolean | null;
}

const NULL_DOUBLE = 'CAST(NULL AS DOUBLE)';
const NULL_TEXT = 'CAST(NULL AS VARCHAR)';

/** Tables the Voice page can read: feedback tables and tickets with a description, both with `feedback_text`. */
export function textTables(tables: readonly TableInfo[]): TableInfo[] {
  return tables.filter((t) => (t.kind === 'feedback' || t.kind === 'tickets') && t.roles.feedback_text !== undefined);
}

export function feedbackRowsSql(opts: FeedbackRowsOptions): MetricQuery {
  const { table } = opts;
  const m = missing(table, table.kind, ['feedback_text']);
  if (m) return unavailable(m);
  const limit = Math.max(1, Math.floor(opts.limit ?? 200_000));
  const text = asText(roleColumn(table, 'feedback_text')!);
  const col = (role: Parameters<typeof roleColumn>[1]) => roleColumn(table, role);
  const isTickets = table.kind === 'tickets';
  const dateCol = isTickets ? col('opened_at') : col('feedback_date');
  const ratingCol = isTickets ? col('satisfaction') : col('rating');
  const labelCol = isTickets ? undefined : col('sentiment_label');
  const month = dateCol ? `strftime(${dateExpr(dateCol)}, '%Y-%m')` : NULL_TEXT;
  const rating = ratingCol ? numberExpr(ratingCol) : NULL_DOUBLE;
  const label = labelCol ? `nullif(trim(${asText(labelCol)}), '')` : NULL_TEXT;
  const select = (opened: string | null, closed: string | null, from: string) =>
    [
      `SELECT ${text} AS text, ${month} AS month, ${rating} AS rating, ${label} AS label,`,
      `  ${opened && closed ? `CASE WHEN ${closed} >= ${opened} THEN ${hoursBetween(opened, closed)} END` : NULL_DOUBLE} AS hours,`,
      `  ${opened ? `CASE WHEN ${opened} IS NOT NULL THEN ${closed ?? 'NULL'} IS NOT NULL END` : 'CAST(NULL AS BOOLEAN)'} AS closed`,
      from,
      `WHERE ${text} IS NOT NULL AND trim(${text}) <> ''`,
      `LIMIT ${limit}`,
    ].join('\n');
  if (isTickets) {
    const o = col('opened_at');
    const c = col('closed_at');
    return built(select(o ? timestampExpr(o) : null, o && c ? timestampExpr(c) : null, `FROM ${ident(table.name)}`));
  }
  const t = opts.tickets;
  const tid = col('ticket_id');
  const ttid = t ? roleColumn(t, 'ticket_id') : undefined;
  const topen = t ? roleColumn(t, 'opened_at') : undefined;
  if (!t || !tid || !ttid || !topen) return built(select(null, null, `FROM ${ident(table.name)}`));
  const tclose = roleColumn(t, 'closed_at');
  // One row per ticket id, so a duplicated ticket never doubles a text.
  const tk = `SELECT ${asText(ttid)} AS tk_id, min(${timestampExpr(topen)}) AS tk_opened, ${tclose ? `max(${timestampExpr(tclose)})` : 'CAST(NULL AS TIMESTAMP)'} AS tk_closed FROM ${ident(t.name)} GROUP BY 1`;
  const from = `FROM ${ident(table.name)} LEFT JOIN (${tk}) AS tk ON tk.tk_id = ${asText(tid)}`;
  return built(select('tk.tk_opened', 'tk.tk_closed', from));
}
