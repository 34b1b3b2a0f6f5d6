/**
 * Each table's date range, for the report's data sources: the first and last
 * day of the date that says when a row happened (an order's date, a ticket's
 * opening, a lead's creation, a customer's sign-up, a review's, a survey response's or
 * an event's own date). Other dates (birth, due,
 * close) would stretch the range past the period the data covers.
 */
import { ident, lit } from '../lib/sql.ts';
import type { Role, TableInfo, TableKind } from '../ingest/model.ts';

const EVENT_DATE: Partial<Record<TableKind, Role>> = {
  orders: 'order_date',
  tickets: 'opened_at',
  leads: 'created_at',
  customers: 'signup_date',
  feedback: 'feedback_date',
  surveys: 'responded_at',
  events: 'event_at',
};

/** `table, date_from, date_to` (`YYYY-MM-DD`, NULL when no row has a date), one row per table with a mapped event date; null when none has. */
export function dateRangesSql(tables: readonly TableInfo[]): string | null {
  const parts = tables.flatMap((t) => {
    const role = EVENT_DATE[t.kind];
    const column = role ? t.roles[role] : undefined;
    if (column === undefined) return [];
    const day = `TRY_CAST(${ident(column)} AS DATE)`;
    return [`SELECT ${lit(t.name)} AS "table", strftime(min(${day}), '%Y-%m-%d') AS date_from, strftime(max(${day}), '%Y-%m-%d') AS date_to FROM ${ident(t.name)}`];
  });
  return parts.length ? parts.join('\nUNION ALL\n') : null;
}
