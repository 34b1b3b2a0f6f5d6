/**
 * Voice of the customer: reads a text table's rows (metrics/voice.ts) into the
 * columns the text-analysis worker takes (ml/text). The page starts the worker.
 */
import type { Db } from '../db/types.ts';
import type { TableInfo } from '../ingest/model.ts';
import { sqlOf } from '../metrics/common.ts';
import { feedbackRowsSql, textTables } from '../metrics/voice.ts';
import type { TextInput } from '../ml/text/types.ts';

export { textTables };

/** The rows of `table` as the text analysis's input; a feedback table's ticket ids join the first tickets table. */
export async function loadTextInput(db: Db, table: TableInfo, tables: readonly TableInfo[]): Promise<TextInput> {
  const tickets = table.kind === 'feedback' && table.roles.ticket_id ? tables.find((t) => t.kind === 'tickets' && t.roles.ticket_id && t.roles.opened_at) : undefined;
  const q = feedbackRowsSql({ table, ...(tickets ? { tickets } : {}) });
  const { rows } = await db.query(sqlOf(q));
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'bigint' ? Number(v) : null);
  return {
    texts: rows.map((r) => String(r.text ?? '')),
    months: rows.map((r) => (typeof r.month === 'string' ? r.month : null)),
    ratings: rows.map((r) => num(r.rating)),
    labels: rows.map((r) => (r.label === null || r.label === undefined ? null : String(r.label))),
    hours: rows.map((r) => num(r.hours)),
    closed: rows.map((r) => (typeof r.closed === 'boolean' ? r.closed : null)),
  };
}
