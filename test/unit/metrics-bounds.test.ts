/** The filter bar's builders on real DuckDB-WASM, against the hand-made crm-measures fixture. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import { distinctValuesSql, orderDateBoundsSql } from '../../src/metrics/bounds.ts';
import { dateBounds, filterOptions, lastOrderDate } from '../../src/report/analytics.ts';
import { loadMeasureFixture, type MeasureFixture } from './metrics-helpers.ts';

let db: Db;
let fx: MeasureFixture;
beforeAll(async () => {
  db = await openNodeDb();
  fx = await loadMeasureFixture(db);
});
afterAll(async () => db.close());

describe('filter bar builders', () => {
  it('first and last order date (orders run 2023-06-15 … 2024-07-03)', async () => {
    expect((await db.query(orderDateBoundsSql(fx.orders)!)).rows).toEqual([{ lo: '2023-06-15', hi: '2024-07-03' }]);
    expect(await dateBounds(db, [fx.customers, fx.orders])).toEqual({ min: '2023-06-15', max: '2024-07-03' });
    expect(await lastOrderDate(db, [fx.orders])).toBe('2024-07-03');
    expect(orderDateBoundsSql({ ...fx.orders, roles: {} })).toBeNull();
  });

  it('distinct values, NULLs left out, capped', async () => {
    const all = (await db.query(distinctValuesSql(fx.customers.name, 'segment'))).rows.map((r) => r.v);
    expect(all).toEqual(['Business', 'Consumer']);
    expect((await db.query(distinctValuesSql(fx.orders.name, 'order_id', 3))).rows).toHaveLength(3);
    const options = await filterOptions(db, [fx.customers, fx.orders]);
    expect(new Set(options.segment)).toEqual(new Set(['Business', 'Consumer']));
    expect(new Set(options.region)).toEqual(new Set(['North', 'South']));
  });
});
