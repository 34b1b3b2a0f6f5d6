/**
 * The CRM data model: what a loaded table is, and which of its columns play
 * which canonical role. Shared by ingest (which suggests roles), metrics (which
 * builds SQL from roles) and the UI (which lets the user confirm them).
 */
import type { ColumnInfo } from '../db/types.ts';

/**
 * `baskets`: one row per item of a shopping basket, from a file with one basket per line; no dates or amounts.
 * `feedback`: one row per review, comment, complaint or post (its text, and optionally a rating, label, date, topic).
 * `surveys`: one row per survey response; `events`: one row per visit or touchpoint event.
 */
export type TableKind = 'customers' | 'orders' | 'tickets' | 'leads' | 'baskets' | 'feedback' | 'surveys' | 'events' | 'other';

export const ROLES_BY_KIND = {
  customers: ['customer_id', 'name', 'gender', 'birth_date', 'age', 'region', 'city', 'signup_date', 'segment', 'channel', 'credit_limit', 'churn', 'tenure', 'monetary_total', 'response', 'cost', 'campaign_revenue'],
  orders: ['order_id', 'customer_id', 'order_date', 'amount', 'quantity', 'unit_price', 'product', 'sku', 'category', 'discount', 'channel', 'region', 'payment_status', 'due_date', 'order_status'],
  tickets: ['ticket_id', 'customer_id', 'opened_at', 'first_response_at', 'closed_at', 'ticket_category', 'satisfaction', 'status', 'feedback_text'],
  leads: ['lead_id', 'customer_id', 'created_at', 'stage', 'channel', 'owner', 'won_at', 'value'],
  baskets: ['order_id', 'product'],
  // Issue 14 (voice of the customer): feedback texts; `ticket_id` joins a complaint to its ticket's handling dates.
  feedback: ['feedback_text', 'customer_id', 'feedback_date', 'rating', 'sentiment_label', 'topic', 'ticket_id'],
  // Surveys: one row per response; question columns other than these are found by their values (metrics/surveys.ts).
  surveys: ['customer_id', 'responded_at', 'segment', 'overall', 'recommend', 'effort', 'repurchase'],
  events: ['customer_id', 'event_at', 'touchpoint', 'channel', 'event_type', 'converted'],
  other: [],
} as const satisfies Record<TableKind, readonly string[]>;

export type Role = (typeof ROLES_BY_KIND)[Exclude<TableKind, 'other'>][number];

/** Role → column name in the table. */
export type RoleMap = Partial<Record<Role, string>>;

export interface TableInfo {
  /** DuckDB table name (safe, unique in the workspace). */
  name: string;
  /** Where it came from: the file name the user dropped, or `demo:customers`. */
  source: string;
  kind: TableKind;
  rowCount: number;
  columns: ColumnInfo[];
  roles: RoleMap;
  /**
   * Orders: the prefix that marks a cancelled order in `order_id` (`C536379`
   * beside `536365`), found in the data at load (see ingest/returns.ts).
   */
  cancelPrefix?: string;
}

/** The first table of a kind, if any. */
export function tableOfKind(tables: readonly TableInfo[], kind: TableKind): TableInfo | undefined {
  return tables.find((t) => t.kind === kind);
}
