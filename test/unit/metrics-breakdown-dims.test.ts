/**
 * Breakdown dimensions (src/metrics/breakdown-dims.ts): every categorical role
 * the orders (or their customers) have, the default, and that sales by the
 * default runs on real DuckDB-WASM for orders with a country but no segment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openNodeDb } from '../../src/db/node.ts';
import type { Db } from '../../src/db/types.ts';
import type { TableInfo } from '../../src/ingest/model.ts';
import { breakdownColumns, breakdownDims, pickDim } from '../../src/metrics/breakdown-dims.ts';
import { salesSql } from '../../src/metrics/sales.ts';
import { run } from './metrics-helpers.ts';

const t = (name: string, kind: TableInfo['kind'], roles: TableInfo['roles']): TableInfo => ({ name, source: name, kind, rowCount: 0, columns: [], roles });

describe('breakdownDims', () => {
  it('lists the orders’ own roles in order: no segment needed', () => {
    const orders = t('o', 'orders', { order_id: 'id', region: 'Country', product: 'Description', category: 'Type' });
    expect(breakdownDims(orders)).toEqual([
      { dim: 'region', table: 'o', column: 'Country', viaCustomers: false },
      { dim: 'category', table: 'o', column: 'Type', viaCustomers: false },
      { dim: 'product', table: 'o', column: 'Description', viaCustomers: false },
    ]);
  });

  it('finds customer dimensions in the customers table only through a customer id on both sides', () => {
    const customers = t('c', 'customers', { customer_id: 'cid', segment: 'Tier', region: 'State' });
    const linked = t('o', 'orders', { order_id: 'id', customer_id: 'cust', region: 'Country' });
    expect(breakdownDims(linked, customers).map((d) => [d.dim, d.column, d.viaCustomers])).toEqual([
      ['segment', 'Tier', true],
      ['region', 'Country', false],
    ]);
    const unlinked = t('o', 'orders', { order_id: 'id', region: 'Country' });
    expect(breakdownDims(unlinked, customers).map((d) => d.dim)).toEqual(['region']);
    expect(breakdownDims(undefined, customers)).toEqual([]);
  });

  it('keeps the user’s pick while it exists, else the first', () => {
    const dims = breakdownDims(t('o', 'orders', { region: 'Country', product: 'Item' }));
    expect(pickDim(dims, 'product')?.column).toBe('Item');
    expect(pickDim(dims, 'segment')?.column).toBe('Country');
    expect(pickDim(dims, undefined)?.column).toBe('Country');
    expect(pickDim([], 'segment')).toBeUndefined();
  });
});

describe('breakdownColumns', () => {
  const cols = (...names: [string, string][]) => names.map(([name, type]) => ({ name, type }));
  it('lists the overview pick first, then the next picks, then category roles with many values', () => {
    const table: TableInfo = {
      ...t('telco', 'customers', { customer_id: 'customerID', churn: 'Churn', region: 'State' }),
      columns: cols(['customerID', 'VARCHAR'], ['gender', 'VARCHAR'], ['Contract', 'VARCHAR'], ['State', 'VARCHAR'], ['Churn', 'VARCHAR'], ['tenure', 'BIGINT']),
    };
    const distinct = { customerID: 40, gender: 2, Contract: 3, State: 40, Churn: 2, tenure: 30 };
    // Contract: a contract-like name; gender: text with 2 levels; State: 40 levels, offered for its region role; Churn and ids never.
    expect(breakdownColumns(table, distinct)).toEqual(['Contract', 'gender', 'State']);
  });

  it('puts the segment role first whatever its name, and lists it once', () => {
    const table: TableInfo = { ...t('c', 'customers', { segment: 'Tier' }), columns: cols(['Tier', 'VARCHAR'], ['Plan', 'VARCHAR']) };
    expect(breakdownColumns(table, { Tier: 4, Plan: 3 })).toEqual(['Tier', 'Plan']);
    expect(breakdownColumns({ ...t('e', 'other', {}), columns: [] }, {})).toEqual([]);
  });
});

describe('sales by the default dimension on DuckDB-WASM', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openNodeDb();
    await db.exec(`CREATE TABLE bd_orders (order_no VARCHAR, "Country" VARCHAR, product VARCHAR, total DOUBLE)`);
    await db.exec(`INSERT INTO bd_orders VALUES ('A', 'France', 'pen', 10), ('A', 'France', 'ink', 5), ('B', 'Spain', 'pen', 7), ('C', 'France', 'pad', 3)`);
  });
  afterAll(async () => db.close());

  it('breaks revenue down by Country (hand-worked: France 18 over 2 orders, Spain 7 over 1)', async () => {
    const orders: TableInfo = {
      name: 'bd_orders', source: 'test', kind: 'orders', rowCount: 4,
      columns: [{ name: 'order_no', type: 'VARCHAR' }, { name: 'Country', type: 'VARCHAR' }, { name: 'product', type: 'VARCHAR' }, { name: 'total', type: 'DOUBLE' }],
      roles: { order_id: 'order_no', region: 'Country', product: 'product', amount: 'total' },
    };
    const dim = pickDim(breakdownDims(orders), undefined)!;
    expect(dim).toMatchObject({ dim: 'region', column: 'Country' });
    const rows = await run(db, salesSql({ orders, by: dim.dim }));
    expect(rows.map((r) => [r.group_value, r.revenue, r.orders])).toEqual([
      ['France', 18, 2],
      ['Spain', 7, 1],
    ]);
  });
});
