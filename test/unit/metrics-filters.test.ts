import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { ident } from '../../src/lib/sql.ts';
import { periodSpanSql, shiftPeriod, sqlOf, unavailable } from '../../src/metrics/common.ts';
import { orderLinesFacts } from '../../src/metrics/facts.ts';
import { dateRangeCondition, filterClause, type Filters } from '../../src/metrics/filters.ts';
import { loadMeasureFixture, type MeasureFixture } from './metrics-helpers.ts';

let db: Db;
let fx: MeasureFixture;

beforeAll(async () => {
  db = await openNodeDb();
  fx = await loadMeasureFixture(db);
});
afterAll(async () => db.close());

async function count(table: string, where: string): Promise<number> {
  return Number((await db.query(`SELECT count(*) AS n FROM ${ident(table)} WHERE ${where}`)).rows[0]!.n);
}

describe('filterClause', () => {
  it('is TRUE with no filters, and treats empty lists as no filter', () => {
    expect(filterClause(fx.orders, undefined)).toEqual({ sql: 'TRUE', applied: [], ignored: [] });
    expect(filterClause(fx.orders, { segment: [], category: [] })).toEqual({ sql: 'TRUE', applied: [], ignored: [] });
  });

  it('bounds the table\'s date role, both days included', async () => {
    const c = filterClause(fx.orders, { from: '2024-02-20', to: '2024-04-15' });
    expect(c.applied).toEqual(['from', 'to']);
    // O5 (2 lines, 02-20), O8 04-05, O7 04-15.
    expect(await count(fx.orders.name, c.sql)).toBe(4);
    // Tickets: opened_at is a TIMESTAMP; the last day counts whole (T5 opened 2024-04-06 09:00).
    expect(await count(fx.tickets.name, filterClause(fx.tickets, { from: '2024-04-06', to: '2024-04-06' }).sql)).toBe(1);
  });

  it('filters on the table\'s own column, else through the customers table, else reports it ignored', async () => {
    const f: Filters = { channel: ['store'], segment: ['Business'], category: ['Accessories'] };
    const own = filterClause(fx.orders, f, { customers: fx.customers });
    expect(own.applied).toEqual(['segment', 'channel', 'category']);
    // Order channel store (not the customer's sign-up channel), Business customers C and D, Accessories: O5 line 2, O8.
    expect(await count(fx.orders.name, own.sql)).toBe(2);
    const alone = filterClause(fx.orders, f);
    expect(alone.ignored).toEqual(['segment']);
    const tickets = filterClause(fx.tickets, { region: ['South'], category: ['delivery'] }, { customers: fx.customers });
    // Ticket category is not the product category; South customers B, D, F have T2, T3, T5, T6.
    expect(tickets).toMatchObject({ applied: ['region'], ignored: ['category'] });
    expect(await count(fx.tickets.name, tickets.sql)).toBe(4);
  });

  it('quotes values and refuses malformed dates', async () => {
    const c = filterClause(fx.orders, { category: ["O'Brien\"; DROP TABLE x; --"] });
    expect(await count(fx.orders.name, c.sql)).toBe(0);
    expect(() => filterClause(fx.orders, { from: '2024-1-1' })).toThrow(/YYYY-MM-DD/);
    expect(() => dateRangeCondition({ to: "2024-01-01' OR TRUE --" }, 'day')).toThrow(/YYYY-MM-DD/);
  });

  it('can skip filters a builder applies itself, and turn dates off', () => {
    expect(filterClause(fx.orders, { from: '2024-01-01', channel: ['web'] }, { skip: ['from'] }).applied).toEqual(['channel']);
    expect(filterClause(fx.orders, { from: '2024-01-01' }, { dateRole: null })).toEqual({ sql: 'TRUE', applied: [], ignored: ['from'] });
  });
});

describe('shared helpers', () => {
  it('spans periods and shifts them', async () => {
    const span = await db.query(periodSpanSql('quarter', "DATE '2023-11-15'", "DATE '2024-04-01'"));
    expect(span.rows.map((r) => r.period)).toEqual(['2023-10-01', '2024-01-01', '2024-04-01']);
    const w = await db.query(`SELECT ${shiftPeriod('week', "DATE '2024-06-24'", -52)} AS d, ${shiftPeriod('quarter', "DATE '2024-01-01'", -1)} AS q`);
    expect(w.rows[0]).toEqual({ d: '2023-06-26', q: '2023-10-01' });
  });

  it('computes an order amount from quantity × unit price when there is no amount', async () => {
    await db.exec(`CREATE TABLE priced AS SELECT * FROM (VALUES ('X', '2024-01-01', 2, 9.5, 1.0)) AS t(order_id, order_date, qty, price, disc)`);
    const priced = {
      name: 'priced', source: 'test', kind: 'orders' as const, rowCount: 1,
      columns: [{ name: 'order_id', type: 'VARCHAR' }, { name: 'order_date', type: 'VARCHAR' }, { name: 'qty', type: 'INTEGER' }, { name: 'price', type: 'DECIMAL(2,1)' }, { name: 'disc', type: 'DECIMAL(2,1)' }],
      roles: { order_id: 'order_id', order_date: 'order_date', quantity: 'qty', unit_price: 'price', discount: 'disc' },
    };
    const r = await db.query(orderLinesFacts(priced).sql);
    expect(r.rows[0]).toMatchObject({ order_key: 'X', day: '2024-01-01', amount: 18, quantity: 2 });
  });

  it('sqlOf says why a measure is unavailable', () => {
    expect(() => sqlOf(unavailable({ reason: 'missing_role', table: 'orders', roles: ['amount'] }))).toThrow('Measure unavailable: missing_role in table orders roles amount');
  });
});
