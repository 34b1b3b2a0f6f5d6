/** Issue 12: the report's data sources — each table's date range (on real DuckDB-WASM) and rows rejected (from the cleaning log). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import type { LogEntry } from '../../src/ingest/log.ts';
import { ident, lit } from '../../src/lib/sql.ts';
import { dateRangesSql } from '../../src/metrics/date-range.ts';
import { sourceDateRanges } from '../../src/report/source-dates.ts';
import { dateRangeText, rejectedText, sourcesOf } from '../../src/report/doc/sources.ts';

const HOSTILE = `o"rders'); DROP TABLE x; --`;
let db: Db;

beforeAll(async () => {
  db = await openNodeDb();
  const file = fileURLToPath(new URL('../fixtures/crm-mini/orders.csv', import.meta.url));
  await db.registerBuffer('orders.csv', new Uint8Array(readFileSync(file)));
  await db.exec(`CREATE TABLE ${ident(HOSTILE)} AS SELECT * FROM read_csv('orders.csv')`);
  // Dates as text, one unreadable: the range skips it rather than failing.
  await db.exec(`CREATE TABLE leads AS SELECT * FROM (VALUES ('L1', '2023-12-31 09:00:00'), ('L2', 'not a date'), ('L3', '2024-02-29')) v(lead_id, "created at")`);
  await db.exec(`CREATE TABLE tickets AS SELECT NULL::DATE AS opened_at FROM range(2)`);
  // Reviews, survey responses and events: each by its own date (timestamps and text dates).
  await db.exec(`CREATE TABLE reviews AS SELECT * FROM (VALUES ('2024-03-02', 'slow'), (NULL, '慢'), ('2024-01-09', 'ok')) v("评价时间", txt)`);
  await db.exec(`CREATE TABLE answers AS SELECT TIMESTAMP '2024-05-01 23:59:00' + INTERVAL (i) DAY AS submitted FROM range(3) t(i)`);
  await db.exec(`CREATE TABLE clicks AS SELECT TIMESTAMP '2024-02-01 08:00:00' AS ts`);
});
afterAll(async () => db.close());

const orders: TableInfo = { name: HOSTILE, source: 'orders.csv', kind: 'orders', rowCount: 7, columns: [], roles: { order_id: 'order_id', order_date: 'order_date', due_date: 'order_date' } };
const leads: TableInfo = { name: 'leads', source: 'leads.csv', kind: 'leads', rowCount: 3, columns: [], roles: { lead_id: 'lead_id', created_at: 'created at' } };
const tickets: TableInfo = { name: 'tickets', source: 'tickets.csv', kind: 'tickets', rowCount: 2, columns: [], roles: { opened_at: 'opened_at' } };
const customers: TableInfo = { name: 'customers', source: 'customers.csv', kind: 'customers', rowCount: 8, columns: [], roles: { customer_id: 'customer_id' } };

const reviews: TableInfo = { name: 'reviews', source: 'reviews.csv', kind: 'feedback', rowCount: 3, columns: [], roles: { feedback_date: '评价时间', feedback_text: 'txt' } };
const answers: TableInfo = { name: 'answers', source: 'nps.csv', kind: 'surveys', rowCount: 3, columns: [], roles: { responded_at: 'submitted' } };
const clicks: TableInfo = { name: 'clicks', source: 'events.csv', kind: 'events', rowCount: 1, columns: [], roles: { event_at: 'ts' } };

describe('source date ranges', () => {
  it('cover reviews, survey responses and events by their own dates', async () => {
    expect(await sourceDateRanges(db, [reviews, answers, clicks])).toEqual({
      reviews: { from: '2024-01-09', to: '2024-03-02' },
      answers: { from: '2024-05-01', to: '2024-05-03' },
      clicks: { from: '2024-02-01', to: '2024-02-01' },
    });
  });

  it('are the first and last day of each table’s event date, on DuckDB', async () => {
    expect(await sourceDateRanges(db, [orders, leads, tickets, customers])).toEqual({
      [HOSTILE]: { from: '2024-01-05', to: '2024-04-01' },
      leads: { from: '2023-12-31', to: '2024-02-29' },
    });
  });

  it('need no query when no table has an event date', async () => {
    expect(dateRangesSql([customers])).toBeNull();
    expect(await sourceDateRanges(db, [customers])).toEqual({});
    expect(dateRangesSql([orders])).toContain(lit(HOSTILE));
  });
});

describe('sourcesOf', () => {
  const log = (table: string, rule: LogEntry['rule'], rows: number) => ({ rule, table, rows, examples: [] }) as unknown as LogEntry;
  const t = (key: string) => key;

  it('counts the rows the ingest rejected and carries the date range', () => {
    const logs = [log(HOSTILE, 'rejected_rows', 3), log(HOSTILE, 'trimmed', 2), log('leads', 'trimmed', 1)];
    const [o, l] = sourcesOf([orders, leads], logs, t, String, { [HOSTILE]: { from: '2024-01-05', to: '2024-04-01' } });
    expect(o).toMatchObject({ table: HOSTILE, rows: 7, rejected: 3, dateFrom: '2024-01-05', dateTo: '2024-04-01' });
    expect(l).toMatchObject({ table: 'leads', rejected: 0 });
    expect(l).not.toHaveProperty('dateFrom');
    expect(dateRangeText('en', o!)).toBe('01/05/2024 – 04/01/2024');
    expect(dateRangeText('zh-CN', o!)).toBe('2024/01/05 – 2024/04/01');
    expect(dateRangeText('en', l!)).toBe('—');
    expect(rejectedText('en', { rejected: 12345 })).toBe('12,345');
    expect(rejectedText('en', {})).toBe('—');
  });
});
