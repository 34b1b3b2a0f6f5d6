/**
 * Seeded synthetic CRM data: customers, order lines, support tickets and
 * marketing leads, deterministic for a seed and pure (no Node APIs), so the
 * browser builds the demo workspace with the same code the bench uses.
 *
 * The tables are built in their own modules: the customers and their latent
 * risk in world.ts, orders in orders.ts, tickets.ts and leads.ts; their shape
 * (columns, headers, options) in schema.ts. This module is the public API.
 */
import { csvLine, toCsv, type CsvValue } from './csv.ts';
import { eventsTable } from './events.ts';
import { feedbackTable } from './feedback.ts';
import { surveysTable } from './surveys.ts';
import { leadsTable } from './leads.ts';
import { orderRows } from './orders.ts';
import {
  COLUMNS, CRM_TABLES, DEFAULTS, headerRow, type CrmData, type CrmTableName, type GenOptions, type GenTable, type HeaderLang,
} from './schema.ts';
import { ticketsTable } from './tickets.ts';
import { buildWorld, customersTable } from './world.ts';

export {
  COLUMNS, CRM_TABLES, DEFAULTS, headerRow, ZH_HEADERS,
  type CrmData, type CrmTableName, type GenOptions, type GenTable, type HeaderLang,
} from './schema.ts';

/** The demo workspace the app loads at start-up. */
export const DEMO_OPTIONS: Readonly<GenOptions> = {
  seed: 20251231,
  customers: 2000,
  orderLines: 25_000,
  startDate: '2023-01-01',
  endDate: '2025-12-31',
};

/** Customers to simulate so that `rows` order lines look like the default density. */
export function customersForOrderLines(rows: number): number {
  return Math.max(1, Math.round(rows / DEFAULTS.linesPerCustomer));
}

function emptyTable(name: CrmTableName, lang: HeaderLang): GenTable {
  return { name, keys: COLUMNS[name], columns: headerRow(name, lang), rows: [] };
}

/** All four tables in memory. Tables left out of `opts.tables` come back empty. */
export function generateCrm(opts: GenOptions = {}): CrmData {
  const n = opts.customers ?? DEFAULTS.customers;
  const lines = opts.orderLines ?? n * DEFAULTS.linesPerCustomer;
  const want = new Set(opts.tables ?? CRM_TABLES);
  const w = buildWorld(opts, n);
  const lang = w.lang;
  let orders = emptyTable('orders', lang);
  if (want.has('orders')) {
    const rows: CsvValue[][] = [];
    for (const day of orderRows(w, lines)) for (const row of day) rows.push(row);
    orders = { ...orders, rows };
  }
  return {
    customers: want.has('customers') ? customersTable(w) : emptyTable('customers', lang),
    orders,
    tickets: want.has('tickets') ? ticketsTable(w) : emptyTable('tickets', lang),
    leads: want.has('leads') ? leadsTable(w) : emptyTable('leads', lang),
  };
}

export interface OrderChunkOptions extends Omit<GenOptions, 'orderLines' | 'tables'> {
  /** Exact number of order lines. `customers` defaults to rows / 12. */
  rows: number;
  /** Lines per yielded chunk (whole days, so chunks run a little over); default 50,000. */
  chunkRows?: number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * The order-lines CSV in text chunks, header first, for files too big to build
 * in memory. Same seed, customers and rows give the same lines as
 * `generateCrm({ ..., orderLines: rows }).orders`.
 */
export function* orderLineChunks(opts: OrderChunkOptions): Generator<string> {
  const n = opts.customers ?? customersForOrderLines(opts.rows);
  const w = buildWorld(opts, n);
  const chunkRows = opts.chunkRows ?? 50_000;
  let parts: string[] = [csvLine(headerRow('orders', w.lang))];
  let done = 0;
  for (const day of orderRows(w, opts.rows)) {
    for (const row of day) parts.push(csvLine(row));
    done += day.length;
    if (parts.length >= chunkRows) {
      yield parts.join('');
      parts = [];
      opts.onProgress?.(done, opts.rows);
    }
  }
  if (parts.length > 0) yield parts.join('');
  opts.onProgress?.(done, opts.rows);
}

/** The demo data set (≈2,000 customers, 25,000 order lines, ending 2025-12-31) as CSV text per table, with surveys, events and feedback. */
export function demoWorkspace(headers: HeaderLang = 'en'): Record<CrmTableName | 'surveys' | 'events' | 'feedback', string> {
  const data = generateCrm({ ...DEMO_OPTIONS, headers });
  // Surveys, visit events and feedback texts draw from their own streams of the same simulated customers.
  const w = buildWorld({ ...DEMO_OPTIONS, headers }, DEMO_OPTIONS.customers!);
  return {
    customers: toCsv(data.customers),
    orders: toCsv(data.orders),
    tickets: toCsv(data.tickets),
    leads: toCsv(data.leads),
    surveys: toCsv(surveysTable(w)),
    events: toCsv(eventsTable(w)),
    feedback: toCsv(feedbackTable(w)),
  };
}
